// Package history turns snapshots into metric samples for the store and keeps the store's
// rollups and retention running.
package history

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Entity names, as the API's metrics query takes them.
func ClusterEntity(c string) string          { return "cluster:" + c }
func BrokerEntity(c string, id int32) string { return "broker:" + c + "/" + strconv.Itoa(int(id)) }
func TopicEntity(c, t string) string         { return "topic:" + c + "/" + t }
func GroupEntity(c, g string) string         { return "group:" + c + "/" + g }
func GroupPartitionEntity(c, g, t string, p int32) string {
	return "gp:" + c + "/" + g + "/" + t + "/" + strconv.Itoa(int(p))
}

// Samples lists what is kept of a snapshot: cluster, broker, topic and group series, and
// group-partition lag and committed offset for at most maxGroupPartitions partitions
// (negative: none). Partition-level detail otherwise stays in the in-memory snapshots. Rates
// are left out of a cluster's first snapshot, where they are unknown rather than zero.
func Samples(s *snapshot.Snapshot, maxGroupPartitions int) []store.Sample {
	at := s.Time
	out := make([]store.Sample, 0, 16+8*len(s.Brokers)+4*len(s.Topics)+2*len(s.Groups))
	add := func(entity, metric string, v float64) {
		out = append(out, store.Sample{Entity: entity, Metric: metric, Time: at, Value: v})
	}
	rate := func(entity, metric string, v float64) {
		if s.Rates {
			add(entity, metric, v)
		}
	}
	ce, cs := ClusterEntity(s.Cluster), s.Stats
	add(ce, "collect_seconds", s.Took.Seconds())
	add(ce, "collect_errors", float64(len(s.Errors)))
	if s.Failed("metadata") {
		return out // nothing else is known: a gap, not zeros
	}
	// What a failed part feeds is left out rather than recorded as zero.
	sizes, lags := !s.Failed("log_dirs"), !s.Failed("offsets") && !s.Failed("groups")
	sized := func(entity, metric string, v float64) {
		if sizes {
			add(entity, metric, v)
		}
	}
	add(ce, "brokers", float64(cs.Brokers))
	add(ce, "brokers_reachable", float64(cs.BrokersReachable))
	add(ce, "topics", float64(cs.Topics))
	add(ce, "partitions", float64(cs.Partitions))
	add(ce, "under_replicated", float64(cs.UnderReplicated))
	add(ce, "under_min_isr", float64(cs.UnderMinISR))
	add(ce, "offline", float64(cs.Offline))
	sized(ce, "size_bytes", float64(cs.SizeBytes))
	sized(ce, "disk_used_bytes", float64(cs.DiskUsedBytes))
	if lags {
		add(ce, "lag", float64(cs.Lag))
	}
	rate(ce, "messages_in_per_sec", cs.MessagesInPerSec)
	rate(ce, "bytes_in_per_sec", cs.BytesInPerSec)
	for _, b := range s.Brokers {
		e, bs := BrokerEntity(s.Cluster, b.ID), b.Stats
		add(e, "reachable", boolf(b.Reachable))
		add(e, "leaders", float64(bs.Leaders))
		add(e, "replicas", float64(bs.Replicas))
		sized(e, "disk_used_bytes", float64(bs.DiskUsedBytes))
		if bs.DiskUsableBytes >= 0 {
			sized(e, "disk_usable_bytes", float64(bs.DiskUsableBytes))
		}
		rate(e, "messages_in_per_sec", bs.MessagesInPerSec)
		rate(e, "bytes_in_per_sec", bs.BytesInPerSec)
		// What the checks' trends read: per log dir use, and broker counters (docs/checks.md).
		bsr := analyze.BrokerSeries(b)
		for _, k := range slices.Sorted(maps.Keys(bsr)) {
			add(e, k, bsr[k])
		}
	}
	for _, t := range s.Topics {
		e, ts := TopicEntity(s.Cluster, t.Name), t.Stats
		sized(e, "size_bytes", float64(ts.SizeBytes))
		add(e, "under_replicated", float64(ts.UnderReplicated))
		rate(e, "messages_in_per_sec", ts.MessagesInPerSec)
		rate(e, "bytes_in_per_sec", ts.BytesInPerSec)
	}
	if !lags {
		return out
	}
	// Groups, topics and partitions in order, so the cap keeps the same series every cycle.
	n := 0
	for _, id := range slices.Sorted(maps.Keys(s.Groups)) {
		g := s.Groups[id]
		e := GroupEntity(s.Cluster, g.ID)
		add(e, "lag", float64(g.Stats.Lag))
		add(e, "members", float64(g.Stats.Members))
		for _, t := range slices.Sorted(maps.Keys(g.Offsets)) {
			for _, p := range slices.Sorted(maps.Keys(g.Offsets[t])) {
				lag, ok := g.PartitionLag(s, t, p)
				if !ok {
					continue
				}
				if n >= maxGroupPartitions {
					break
				}
				n++
				gp := GroupPartitionEntity(s.Cluster, g.ID, t, p)
				add(gp, "lag", float64(lag))
				add(gp, "committed", float64(g.Offsets[t][p]))
			}
		}
	}
	return out
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Recorder appends snapshots to the store and runs its maintenance.
type Recorder struct {
	Series             store.Series
	Log                *slog.Logger
	MaxGroupPartitions int
}

// Record appends one snapshot's samples and returns them (user alert rules read them); a
// failure is logged (history has a gap) and collection goes on.
func (r *Recorder) Record(ctx context.Context, s *snapshot.Snapshot) []store.Sample {
	ss := Samples(s, r.MaxGroupPartitions)
	if err := r.Series.AppendSamples(ctx, ss); err != nil {
		r.Log.Error("history: append failed", "cluster", s.Cluster, "samples", len(ss), "err", err)
	}
	return ss
}

// Maintain runs the store's rollups and retention every interval until ctx ends.
func (r *Recorder) Maintain(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.Series.Maintain(ctx); err != nil && ctx.Err() == nil {
				r.Log.Error("history: maintenance failed", "err", err)
			}
		}
	}
}
