package analyze

import (
	"fmt"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

type emptyHistory struct{}

func (emptyHistory) Points(string, string, time.Time) []Point { return nil }

// bigInput is 3 brokers with real metrics, 2,000 topics of 10 partitions (RF 3), 2,000
// groups of 2 members with a lag report (every tenth WARN), the durability profile on.
// It raises the 200 WARN groups, the small test heaps and two profile departures.
func bigInput(tb testing.TB) *Input {
	in := base()
	s := in.Snapshot
	s.Topics = map[string]*snapshot.Topic{}
	m := realMetrics(tb)
	for _, b := range s.Brokers {
		b.Metrics = withoutActive(m)
	}
	s.Brokers[2].Metrics, s.ControllerID = m, 3
	in.Lag = &lag.Report{Time: t0, Groups: map[string]*lag.GroupReport{}}
	for i := 0; i < 2000; i++ {
		name := fmt.Sprintf("topic-%04d", i)
		t := addTopic(s, name, 10, 3)
		for _, p := range t.Partitions {
			for _, r := range p.Replicas {
				p.ReplicaBytes[r] = int64(i%100+1) * mib / 16
			}
		}
		id := fmt.Sprintf("group-%04d", i)
		s.Groups[id] = &snapshot.Group{ID: id, State: "Stable", Offsets: map[string]map[int32]int64{name: {0: 50, 1: 50}},
			Members: []snapshot.Member{{ID: "a", Assignment: map[string][]int32{name: {0, 1, 2, 3, 4}}}, {ID: "b", Assignment: map[string][]int32{name: {5, 6, 7, 8, 9}}}}}
		st := lag.OK
		if i%10 == 0 {
			st = lag.Warn
		}
		in.Lag.Groups[id] = &lag.GroupReport{ID: id, Members: 2, GroupResult: lag.GroupResult{Status: st, Reason: "r", Counts: map[string]int{st.String(): 10}},
			Load: []lag.MemberLoad{{ID: "a", Partitions: 5}, {ID: "b", Partitions: 5}}, Skew: lag.Skew{MinPartitions: 5, MaxPartitions: 5}}
	}
	derive(in)
	for name := range s.Topics {
		setRates(s, name, 10)
	}
	in.History = emptyHistory{}
	in.Config.Profile = "durability"
	in.Controllers = moves(1, 2, 1)
	return in
}

func BenchmarkAnalyze(b *testing.B) {
	in := bigInput(b)
	b.ReportAllocs()
	b.ResetTimer()
	var r Result
	for range b.N {
		r = Analyze(in)
	}
	b.ReportMetric(float64(len(r.Findings)), "findings")
}

func TestBigInput(t *testing.T) {
	r := Analyze(bigInput(t))
	if len(r.Health.Topics) != 2000 || len(r.Health.Groups) != 2000 || len(withCode(r.Findings, "group.lag")) != 200 || len(r.Findings) != 205 {
		t.Fatalf("topics %d groups %d findings %d", len(r.Health.Topics), len(r.Health.Groups), len(r.Findings))
	}
}
