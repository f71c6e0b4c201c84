package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/bundle"
	"github.com/gregor-kafka/gregor/internal/history"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Diagnostics is what a bundle holds beyond the cluster's own state.
type Diagnostics struct {
	Version string
	Config  any           // the effective configuration; its secrets marshal as [redacted]
	Logs    func() []byte // Gregor's recent log lines
	// Secrets are scrubbed from every file of the archive (SASL and SMTP passwords,
	// webhook keys, the store DSN), whatever else redacts them first.
	Secrets []string
}

// bundleSeriesMax bounds the metric series a bundle queries (cluster and brokers first).
const bundleSeriesMax = 400

// handleBundle streams a diagnostics archive of one cluster: ?hours=N of metric history.
func (s *Server) handleBundle() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, snap, err := s.snapshotOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		hours := 6
		if h := r.URL.Query().Get("hours"); h != "" {
			if hours, err = strconv.Atoi(h); err != nil || hours < 1 || hours > 168 {
				s.writeError(w, r, errorf(KindBadRequest, "hours must be an integer from 1 to 168"))
				return
			}
		}
		var buf bytes.Buffer
		now := s.now()
		d := s.diag
		b := bundle.New(&buf, c.Name(), d.Version, now, d.Secrets)
		b.AddJSON("gregor.json", "Gregor's version and when the bundle was made", map[string]any{"version": d.Version, "created": now.UTC()})
		if d.Config != nil {
			b.AddJSON("config.json", "Gregor's effective configuration (secrets redacted)", d.Config)
		}
		b.AddJSON("cluster.json", "the latest snapshot: brokers (Kafka versions, reachability, log dirs), controller, stats, collection errors and timings", snap)
		b.AddJSON("broker-configs.json", "every broker's configs (non-default and the ones checks read) with their source", brokerConfigs(snap))
		b.AddJSON("topics.json", "every topic: partitions (leader, replicas, ISR, offsets, sizes), configs and stats", topicsDump(snap))
		b.AddJSON("groups.json", "every consumer group: state, members, assignment, committed offsets, lag", groupsDump(snap))
		if rep := c.Lag(); rep != nil {
			b.AddJSON("lag.json", "the lag evaluation of every group", rep.Groups)
		}
		if a := c.Analysis(); a != nil {
			b.AddJSON("findings.json", "the findings and health scores of the latest analysis", a)
		}
		s.addAlerts(r.Context(), b, c.Name())
		s.addHistory(r.Context(), b, snap, now, time.Duration(hours)*time.Hour)
		if d.Logs != nil {
			b.Add("gregor.log", "Gregor's recent log lines", d.Logs())
		}
		if err := b.Close(); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/gzip")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gregor-bundle-%s-%s.tar.gz"`, c.Name(), now.UTC().Format("20060102T150405Z")))
		_, _ = w.Write(buf.Bytes())
	}
}

// addHistory adds the cluster's and brokers' series (and topics' and groups' up to
// bundleSeriesMax), one point a minute.
func (s *Server) addHistory(ctx context.Context, b *bundle.Writer, snap *snapshot.Snapshot, now time.Time, span time.Duration) {
	if s.series == nil {
		b.Fail("metric history: no history store")
		return
	}
	type key struct{ entity, metric string }
	var keys []key
	seen := map[key]bool{}
	for _, smp := range history.Samples(snap, 0) {
		k := key{smp.Entity, smp.Metric}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	rank := func(e string) int {
		for i, p := range []string{"cluster:", "broker:", "topic:", "group:"} {
			if strings.HasPrefix(e, p) {
				return i
			}
		}
		return 4
	}
	slices.SortStableFunc(keys, func(a, b key) int { return rank(a.entity) - rank(b.entity) })
	if len(keys) > bundleSeriesMax {
		b.Fail(fmt.Sprintf("metric history: %d series, the first %d kept (cluster, brokers, then topics and groups)", len(keys), bundleSeriesMax))
		keys = keys[:bundleSeriesMax]
	}
	type series struct {
		Entity string        `json:"entity"`
		Metric string        `json:"metric"`
		Points []store.Point `json:"points"`
	}
	out := make([]series, 0, len(keys))
	for _, k := range keys {
		pts, err := s.series.QuerySeries(ctx, k.entity, k.metric, now.Add(-span), now, time.Minute)
		if err != nil {
			b.Fail("metric history " + k.entity + " " + k.metric + ": " + err.Error())
			continue
		}
		out = append(out, series{k.entity, k.metric, pts})
	}
	b.AddJSON("history.json", fmt.Sprintf("metric history of the last %s, one point a minute (average and max)", span), out)
}

func brokerConfigs(snap *snapshot.Snapshot) map[string]map[string]snapshot.Config {
	out := map[string]map[string]snapshot.Config{}
	for _, br := range snap.Brokers {
		out[strconv.Itoa(int(br.ID))] = br.Configs
	}
	return out
}

type topicDump struct {
	*snapshot.Topic
	Configs map[string]snapshot.Config `json:"configs"`
}

func topicsDump(snap *snapshot.Snapshot) []topicDump {
	out := make([]topicDump, 0, len(snap.Topics))
	for _, t := range snap.Topics {
		out = append(out, topicDump{t, t.Configs})
	}
	slices.SortFunc(out, func(a, b topicDump) int { return strings.Compare(a.Name, b.Name) })
	return out
}

type groupDump struct {
	*snapshot.Group
	Offsets map[string]map[int32]int64 `json:"offsets"`
}

func groupsDump(snap *snapshot.Snapshot) []groupDump {
	out := make([]groupDump, 0, len(snap.Groups))
	for _, g := range snap.Groups {
		out = append(out, groupDump{g, g.Offsets})
	}
	slices.SortFunc(out, func(a, b groupDump) int { return strings.Compare(a.ID, b.ID) })
	return out
}
