package analyze

import (
	"slices"
	"testing"

	"github.com/gregor-kafka/gregor/internal/lag"
)

func TestHealthScores(t *testing.T) {
	in := base()
	for _, p := range in.Snapshot.Topics["orders"].Partitions[:2] {
		p.ISR = p.ISR[:2]
	}
	in = group(derive(in), &lag.GroupReport{ID: "billing"})
	in = group(in, &lag.GroupReport{ID: "quiet"})
	f := func(kind, name, code string, sev Severity, title string) Finding {
		return Finding{Code: code, Severity: sev, Entity: Entity{Kind: kind, Cluster: "c", Name: name}, Title: title}
	}
	fs := []Finding{
		f(KindCluster, "", "cluster.under_replicated", Warning, "2 partitions under-replicated in 1 topic"),
		f(KindBroker, "2", "broker.gc_time", Warning, "Broker 2 spent 6% of the last 15m00s in GC (max 5%)"),
		f(KindBroker, "2", "broker.disk_usage", Critical, "Log dir /data on broker 2 is 95% full"),
	}
	for i := 0; i < 7; i++ {
		fs = append(fs, f(KindTopic, "orders", "config.profile_departure", Info, "Topic orders sets something"))
	}
	for i := 0; i < 4; i++ {
		fs = append(fs, f(KindGroup, "billing", "group.lag", Critical, "Group billing is ERR"))
	}
	h := Scores(in, fs)

	check := func(s Score, score int, explain ...string) {
		t.Helper()
		if s.Score != score || !slices.Equal(s.Explain(), explain) {
			t.Errorf("%s: %d %q, want %d %q", s.Entity, s.Score, s.Explain(), score, explain)
		}
	}
	check(h.Brokers["2"], 60, "-30: Log dir /data on broker 2 is 95% full", "-10: Broker 2 spent 6% of the last 15m00s in GC (max 5%)")
	check(h.Brokers["1"], 100)
	check(h.Topics["orders"], 80, "-10: 2 under-replicated partitions",
		"-2: Topic orders sets something", "-2: Topic orders sets something", "-2: Topic orders sets something",
		"-2: Topic orders sets something", "-2: Topic orders sets something")
	check(h.Topics["payments"], 100)
	check(h.Groups["billing"], 0, "-30: Group billing is ERR", "-30: Group billing is ERR", "-30: Group billing is ERR", "-30: Group billing is ERR")
	check(h.Groups["quiet"], 100)
	// 100 - 10 (own) - 0.5×40 (broker 2) - 0.2×100 (billing) - 0.3×20 (orders) = 44
	check(h.Cluster, 44, "-20: worst broker 2 scores 60 (0.5 × 40 lost)", "-20: worst group billing scores 0 (0.2 × 100 lost)",
		"-10: 2 partitions under-replicated in 1 topic", "-6: worst topic orders scores 80 (0.3 × 20 lost)")
	if h.Cluster.Deductions[0].Code != "health.broker" || h.Topics["orders"].Deductions[0].Code != "cluster.under_replicated" {
		t.Errorf("codes %+v %+v", h.Cluster.Deductions, h.Topics["orders"].Deductions)
	}
}

func TestHealthOfUnknownEntity(t *testing.T) {
	in := derive(base())
	h := Scores(in, []Finding{{Code: "group.lag", Severity: Warning, Entity: Entity{Kind: KindGroup, Cluster: "c", Name: "gone"}, Title: "t"}})
	if h.Groups["gone"].Score != 90 || h.Cluster.Score != 98 {
		t.Fatalf("%+v %+v", h.Groups["gone"], h.Cluster)
	}
}

// A topic's share of a partition-state finding is judged on its own partitions: only a topic
// with a partition down to a single in-sync copy takes the critical weight of
// cluster.under_replicated, the others a warning's.
func TestTopicHealthOwnSeverity(t *testing.T) {
	isr := func(topic string, p, n int) func(in *Input) {
		return func(in *Input) {
			pp := in.Snapshot.Topics[topic].Partitions[p]
			pp.ISR = pp.ISR[:n]
		}
	}
	for _, c := range []struct {
		name   string
		change []func(in *Input)
		want   map[string][]string // topic -> explain
	}{
		{"one follower out", []func(*Input){isr("orders", 0, 2)},
			map[string][]string{"orders": {"-10: 1 under-replicated partition"}, "payments": nil}},
		{"single copy elsewhere", []func(*Input){isr("orders", 0, 2), isr("orders", 1, 2), isr("payments", 0, 1)},
			map[string][]string{
				"orders":   {"-10: 2 under-replicated partitions"},
				"payments": {"-30: 1 under min.insync.replicas partition", "-30: 1 under-replicated partition"}}},
		{"single copy here", []func(*Input){isr("orders", 0, 2), isr("orders", 1, 1)},
			map[string][]string{
				"orders":   {"-30: 1 under min.insync.replicas partition", "-30: 2 under-replicated partitions"},
				"payments": nil}},
		{"offline", []func(*Input){func(in *Input) {
			p := in.Snapshot.Topics["payments"].Partitions[2]
			p.Leader, p.ISR = -1, nil
		}, isr("orders", 3, 2)},
			map[string][]string{
				"orders": {"-10: 1 under-replicated partition"},
				"payments": {"-30: 1 offline partition", "-30: 1 under min.insync.replicas partition",
					"-30: 1 under-replicated partition"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			for _, f := range c.change {
				f(in)
			}
			r := Analyze(derive(in))
			for topic, want := range c.want {
				if got := r.Health.Topics[topic].Explain(); !slices.Equal(got, want) {
					t.Errorf("%s: %q, want %q (findings %q)", topic, got, want, titles(r.Findings))
				}
			}
		})
	}
}
