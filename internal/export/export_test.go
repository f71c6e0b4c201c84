package export

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

type src struct{ s *snapshot.Snapshot }

func (s src) Name() string               { return "c1" }
func (s src) Latest() *snapshot.Snapshot { return s.s }
func (s src) Lag() *lag.Report {
	tr := lag.NewTracker(lag.Thresholds{}, nil)
	return tr.Observe(s.s)
}

// Analysis runs the real checks: broker 2 unreachable and the under-replicated partition.
func (s src) Analysis() *analyze.Result {
	r := analyze.Analyze(&analyze.Input{Snapshot: s.s, Lag: s.Lag()})
	return &r
}

type firingCount map[string]int

func (f firingCount) FiringCount() map[string]int { return f }

func snap() *snapshot.Snapshot {
	s := &snapshot.Snapshot{Cluster: "c1", Time: time.Unix(100, 0), Took: 250 * time.Millisecond, ControllerID: 2,
		Brokers: []*snapshot.Broker{{ID: 1, Reachable: true}, {ID: 2}},
		Topics: map[string]*snapshot.Topic{"t": {Name: "t", Partitions: []*snapshot.Partition{
			{ID: 0, Leader: 1, Replicas: []int32{1, 2}, ISR: []int32{1}, StartOffset: 0, EndOffset: 10, ReplicaBytes: map[int32]int64{1: 100}}}}},
		Groups: map[string]*snapshot.Group{"g": {ID: "g", Offsets: map[string]map[int32]int64{"t": {0: 4}}}},
		Errors: []snapshot.PartError{{Part: "metrics", Broker: 2, Error: "down"}},
	}
	snapshot.Derive(nil, s)
	return s
}

func TestExport(t *testing.T) {
	e := New([]Source{src{snap()}}, false, firingCount{"critical": 2, "warning": 0, "info": 0})
	e.Observe(snap())
	want := `
# HELP gregor_cluster_under_replicated_partitions Partitions whose ISR is shorter than their replicas.
# TYPE gregor_cluster_under_replicated_partitions gauge
gregor_cluster_under_replicated_partitions{cluster="c1"} 1
# HELP gregor_group_lag_messages Sum of end minus committed offset over partitions with a commit.
# TYPE gregor_group_lag_messages gauge
gregor_group_lag_messages{cluster="c1",group="g"} 6
# HELP gregor_group_status 1 for the group's lag status (OK, WARN, REWIND, STALL, STOP, ERR; docs/lag.md).
# TYPE gregor_group_status gauge
gregor_group_status{cluster="c1",group="g",status="OK"} 1
# HELP gregor_broker_reachable 1 if the broker answered ApiVersions.
# TYPE gregor_broker_reachable gauge
gregor_broker_reachable{broker="1",cluster="c1"} 1
gregor_broker_reachable{broker="2",cluster="c1"} 0
# HELP gregor_collect_errors_total Parts of collection cycles that failed, by part.
# TYPE gregor_collect_errors_total counter
gregor_collect_errors_total{cluster="c1",part="metrics"} 1
# HELP gregor_collect_last_success_timestamp_seconds When the last cycle that read the metadata started.
# TYPE gregor_collect_last_success_timestamp_seconds gauge
gregor_collect_last_success_timestamp_seconds{cluster="c1"} 100
# HELP gregor_topic_size_bytes Size of the topic's leader replicas.
# TYPE gregor_topic_size_bytes gauge
gregor_topic_size_bytes{cluster="c1",topic="t"} 100
`
	if err := testutil.CollectAndCompare(e, strings.NewReader(want), "gregor_cluster_under_replicated_partitions",
		"gregor_group_lag_messages", "gregor_group_status", "gregor_broker_reachable", "gregor_collect_errors_total",
		"gregor_collect_last_success_timestamp_seconds", "gregor_topic_size_bytes"); err != nil {
		t.Fatal(err)
	}
	a := src{snap()}.Analysis()
	crit := 0
	for _, f := range a.Findings {
		if f.Severity == analyze.Critical {
			crit++
		}
	}
	if a.Health.Cluster.Score >= 100 || crit == 0 {
		t.Fatalf("the snapshot should be unhealthy: score %d, %d critical findings", a.Health.Cluster.Score, crit)
	}
	want = fmt.Sprintf(`
# HELP gregor_alerts_firing Firing alerts by severity (silenced ones included).
# TYPE gregor_alerts_firing gauge
gregor_alerts_firing{severity="critical"} 2
gregor_alerts_firing{severity="info"} 0
gregor_alerts_firing{severity="warning"} 0
`)
	if err := testutil.CollectAndCompare(e, strings.NewReader(want), "gregor_alerts_firing"); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(gaugeOf(t, e, "gregor_health_score", map[string]string{"kind": "cluster", "name": "c1"})); got != float64(a.Health.Cluster.Score) {
		t.Fatalf("gregor_health_score of the cluster %v, want %d", got, a.Health.Cluster.Score)
	}
	if got := testutil.ToFloat64(gaugeOf(t, e, "gregor_findings", map[string]string{"severity": "critical"})); got != float64(crit) {
		t.Fatalf("gregor_findings critical %v, want %d", got, crit)
	}
	// Rates are unknown on a first snapshot: no rate series rather than a false 0.
	if n := testutil.CollectAndCount(e, "gregor_topic_messages_in_per_second"); n != 0 {
		t.Fatalf("rate series on a first snapshot: %d", n)
	}
	// Partition series only when enabled.
	if n := testutil.CollectAndCount(e, "gregor_group_partition_lag"); n != 0 {
		t.Fatalf("partition series while off: %d", n)
	}
	on := New([]Source{src{snap()}}, true, nil)
	if n := testutil.CollectAndCount(on, "gregor_group_partition_lag"); n != 1 {
		t.Fatalf("partition series while on: %d", n)
	}
	if err := testutil.CollectAndCompare(on, strings.NewReader(""), "nothing"); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(on); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Gather(); err != nil {
		t.Fatalf("pedantic registry: %v", err)
	}
}

// gaugeOf is the one series of name whose labels include match, as a collector.
func gaugeOf(t *testing.T, e *Exporter, name string, match map[string]string) prometheus.Collector {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(e)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range match {
				if labels[k] != v {
					continue next
				}
			}
			return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "x"}, func() float64 { return m.GetGauge().GetValue() })
		}
	}
	t.Fatalf("no %s series with labels %v", name, match)
	return nil
}
