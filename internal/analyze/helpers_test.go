package analyze

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

var t0 = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

const (
	gib = 1 << 30
	mib = 1 << 20
)

// base is a healthy 3-broker cluster: topics orders (6 partitions) and payments (3), RF 3,
// min.insync.replicas 2 from the brokers, one 1 TiB log dir per broker with 100 GiB used and
// 800 GiB free, no metrics, no history, no lag report.
func base() *Input {
	s := &snapshot.Snapshot{Cluster: "c", Time: t0, ControllerID: 1, ControllerSource: "quorum",
		Topics: map[string]*snapshot.Topic{}, Groups: map[string]*snapshot.Group{}}
	for i := int32(1); i <= 3; i++ {
		s.Brokers = append(s.Brokers, &snapshot.Broker{ID: i, Host: fmt.Sprintf("b%d", i), Port: 9092, Reachable: true,
			KafkaVersion: "4.3", Configs: map[string]snapshot.Config{"default.replication.factor": {Value: "3", Source: "static_broker"}},
			LogDirs: []snapshot.LogDir{{Path: "/data", TotalBytes: 1024 * gib, UsableBytes: 800 * gib, UsedBytes: 100 * gib}}})
	}
	addTopic(s, "orders", 6, 3)
	addTopic(s, "payments", 3, 3)
	return &Input{Snapshot: s, Now: t0}
}

// addTopic adds a healthy topic with replicas round-robin over the brokers.
func addTopic(s *snapshot.Snapshot, name string, parts, rf int) *snapshot.Topic {
	t := &snapshot.Topic{Name: name, Configs: map[string]snapshot.Config{
		"min.insync.replicas":            {Value: "2", Source: "static_broker"},
		"cleanup.policy":                 {Value: "delete", Source: "default"},
		"retention.ms":                   {Value: "604800000", Source: "default"},
		"retention.bytes":                {Value: "-1", Source: "default"},
		"unclean.leader.election.enable": {Value: "false", Source: "default"},
		"compression.type":               {Value: "producer", Source: "default"},
	}}
	if rf < 2 {
		t.Configs["min.insync.replicas"] = snapshot.Config{Value: "1", Source: "dynamic_topic"}
	}
	n := len(s.Brokers)
	for p := 0; p < parts; p++ {
		var reps []int32
		for r := 0; r < rf; r++ {
			reps = append(reps, s.Brokers[(p+r)%n].ID)
		}
		t.Partitions = append(t.Partitions, &snapshot.Partition{ID: int32(p), Leader: reps[0], Replicas: reps,
			ISR: slices.Clone(reps), StartOffset: 0, EndOffset: 100, ReplicaBytes: map[int32]int64{}})
	}
	s.Topics[name] = t
	return t
}

// setRates gives a topic's partitions these write rates (bytes/s; messages/s a hundredth).
func setRates(s *snapshot.Snapshot, name string, perPartition ...float64) {
	t := s.Topics[name]
	t.Stats.BytesInPerSec, t.Stats.MessagesInPerSec = 0, 0
	for i, p := range t.Partitions {
		p.Stats.BytesInPerSec = perPartition[i%len(perPartition)]
		p.Stats.MessagesInPerSec = p.Stats.BytesInPerSec / 100
		t.Stats.BytesInPerSec += p.Stats.BytesInPerSec
		t.Stats.MessagesInPerSec += p.Stats.MessagesInPerSec
	}
	s.Rates = true
}

// prom parses Prometheus text.
func prom(text string) scrape.Metrics {
	m, err := scrape.Parse(strings.NewReader(strings.TrimSpace(text) + "\n"))
	if err != nil {
		panic(err)
	}
	return m
}

// realMetrics are node 3 of an idle Kafka 4.3.1 cluster, as scraped.
func realMetrics(t testing.TB) scrape.Metrics {
	f, err := os.Open("testdata/kafka-4.3.1-node3.prom")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := scrape.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// hist is an in-memory History: entity|metric -> points.
type hist map[string][]Point

func (h hist) Points(entity, metric string, since time.Time) []Point {
	var out []Point
	for _, p := range h[entity+"|"+metric] {
		if !p.Time.Before(since) {
			out = append(out, p)
		}
	}
	return out
}

func (h hist) set(entity, metric string, ps []Point) hist { h[entity+"|"+metric] = ps; return h }

// line is n points every step ending at end, the first v0, growing by dv per step.
func line(end time.Time, n int, step time.Duration, v0, dv float64) []Point {
	out := make([]Point, n)
	for i := range out {
		out[i] = Point{Time: end.Add(-time.Duration(n-1-i) * step), Value: v0 + float64(i)*dv}
	}
	return out
}

// group puts a group into the lag report.
func group(in *Input, g *lag.GroupReport) *Input {
	if in.Lag == nil {
		in.Lag = &lag.Report{Time: t0, Groups: map[string]*lag.GroupReport{}}
	}
	if g.Counts == nil {
		g.Counts = map[string]int{g.Status.String(): 1}
	}
	in.Lag.Groups[g.ID] = g
	return in
}

// codeCase is one check expectation: after build, code fires with sev (and the title holds
// each of title), or stays silent.
type codeCase struct {
	name  string
	code  string
	fires bool
	sev   Severity
	title []string
	build func() *Input
	check func(t *testing.T, fs []Finding)
}

// derive fills the snapshot's stats (keeping rates set by setRates).
func derive(in *Input) *Input {
	s := in.Snapshot
	type r struct{ b, m float64 }
	saved := map[*snapshot.Partition]r{}
	for _, t := range s.Topics {
		for _, p := range t.Partitions {
			saved[p] = r{p.Stats.BytesInPerSec, p.Stats.MessagesInPerSec}
		}
	}
	rates := s.Rates
	snapshot.Derive(nil, s)
	s.Rates = rates
	if rates {
		for name, t := range s.Topics {
			var per []float64
			for _, p := range t.Partitions {
				per = append(per, saved[p].b)
			}
			setRates(s, name, per...)
		}
	}
	return in
}

func withCode(fs []Finding, code string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func runCases(t *testing.T, cases []codeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.code+"/"+c.name, func(t *testing.T) {
			in := derive(c.build())
			r := Analyze(in)
			fs := withCode(r.Findings, c.code)
			if !c.fires {
				if len(fs) > 0 {
					t.Fatalf("want silent, got %d: %q %+v", len(fs), fs[0].Title, fs[0].Evidence)
				}
				return
			}
			if len(fs) == 0 {
				t.Fatalf("want %s, got nothing; all findings: %v", c.code, titles(r.Findings))
			}
			f := fs[0]
			if len(c.title) > 0 {
				f = Finding{}
				for _, x := range fs {
					if containsAll(x.Title, c.title) {
						f = x
						break
					}
				}
				if f.Code == "" {
					t.Fatalf("no title with %q among %q", c.title, titles(fs))
				}
			}
			if f.Severity != c.sev {
				t.Errorf("severity %s, want %s (%q)", f.Severity, c.sev, f.Title)
			}
			if f.Fix == "" || len(f.Evidence) == 0 || f.WindowFrom.IsZero() || f.WindowTo.Before(f.WindowFrom) || f.Entity.Cluster != "c" {
				t.Errorf("incomplete finding %+v", f)
			}
			if c.check != nil {
				c.check(t, fs)
			}
		})
	}
}

func titles(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+": "+f.Title)
	}
	return out
}

func evidence(f Finding, name string) Evidence {
	for _, e := range f.Evidence {
		if e.Name == name {
			return e
		}
	}
	return Evidence{Name: "missing " + name}
}

func containsAll(s string, subs []string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
