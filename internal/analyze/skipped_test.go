package analyze

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// eventful is a cluster on which every code judged with a delay fires once it can judge: a
// WARN group, a REWIND group, a churning group and a skewed one in the lag report; a flapping
// controller; a hot partition by size; retention beyond the disks; a dead-letter topic that
// received in the last hour; an idle topic with 8 days of history. Rates are known (0).
func eventful() *Input {
	in := steady(retentionBytes(base(), "orders", 200*gib))
	s := in.Snapshot
	for _, p := range s.Topics["payments"].Partitions {
		p.ReplicaBytes[p.Leader] = gib
	}
	addTopic(s, "hot", 6, 3)
	for _, p := range s.Topics["hot"].Partitions {
		p.ReplicaBytes[p.Leader] = gib
	}
	s.Topics["hot"].Partitions[3].ReplicaBytes[s.Topics["hot"].Partitions[3].Leader] = 10 * gib
	addTopic(s, "orders.DLQ", 1, 3)
	addTopic(s, "old", 1, 3)
	in = idleHistory(in, "old", 8*24*time.Hour)
	in.History.(hist).set("topic:c/orders.DLQ", HistMessagesIn, []Point{{t0.Add(-30 * time.Minute), 2}, {t0, 0}})
	in.Controllers = moves(1, 2, 1, 3, 1)
	g := lagged(lag.Warn, "lag grew")()
	in.Lag = g.Lag
	group(in, &lag.GroupReport{ID: "rewound", GroupResult: lag.GroupResult{Status: lag.Rewind, Reason: "committed 10 < 500"}})
	group(in, &lag.GroupReport{ID: "churn", Rebalances: lag.RebalanceStats{LastHour: 3, EpochChangesLastHour: 2}})
	group(in, &lag.GroupReport{ID: "skewed", Load: []lag.MemberLoad{{ID: "a", Partitions: 10}, {ID: "b", Partitions: 2}}})
	return in
}

// delayed are the codes eventful raises once they can judge.
var delayed = []string{"group.lag", "group.rewind", "group.rebalances", "group.assignment_skew", "cluster.controller_moves",
	"topic.hot_partition", "topic.retention_exceeds_disk", "cluster.retention_exceeds_disk", "topic.dead_letter", "topic.unused"}

func TestSkipped(t *testing.T) {
	for _, c := range []struct {
		name    string
		build   func() *Input
		skipped []string // exactly
	}{
		{"warm", eventful, nil},
		{"lag cycles unknown", func() *Input { in := eventful(); in.LagCycles = 0; return in }, nil},
		{"lag warm", func() *Input { in := eventful(); in.LagCycles = LagWarmCycles; return in }, nil},
		// REWIND and assignment skew are judged at once.
		{"lag warming up", func() *Input { in := eventful(); in.LagCycles = 3; return in }, []string{"group.lag", "group.rebalances"}},
		{"no lag report", func() *Input { in := eventful(); in.Lag = nil; return in },
			[]string{"group.assignment_skew", "group.lag", "group.rebalances", "group.rewind"}},
		{"first cycle", func() *Input { in := eventful(); in.Snapshot.Rates = false; return in },
			[]string{"cluster.retention_exceeds_disk", "topic.dead_letter", "topic.hot_partition", "topic.retention_exceeds_disk", "topic.too_few_partitions"}},
		{"watching 20 minutes", func() *Input { in := eventful(); in.Watching = 20 * time.Minute; return in },
			[]string{"cluster.controller_moves", "group.rebalances"}},
		{"watching an hour", func() *Input { in := eventful(); in.Watching = time.Hour; return in }, nil},
		{"groups failed", func() *Input {
			in := eventful()
			in.Snapshot.Errors = []snapshot.PartError{{Part: "groups", Broker: -1, Error: "x"}}
			return in
		}, []string{"topic.unused"}},
		{"all at once", func() *Input {
			in := eventful()
			in.Snapshot.Rates, in.LagCycles, in.Watching = false, 1, time.Minute
			return in
		}, []string{"cluster.controller_moves", "cluster.retention_exceeds_disk", "group.lag", "group.rebalances",
			"topic.dead_letter", "topic.hot_partition", "topic.retention_exceeds_disk", "topic.too_few_partitions"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := c.build()
			rates := in.Snapshot.Rates
			derive(in)
			in.Snapshot.Rates = rates
			r := Analyze(in)
			if !slices.Equal(r.Skipped, c.skipped) {
				t.Errorf("skipped %q, want %q", r.Skipped, c.skipped)
			}
			for _, code := range delayed {
				n := len(withCode(r.Findings, code))
				if slices.Contains(c.skipped, code) && n > 0 {
					t.Errorf("%s is skipped but has %d findings", code, n)
				}
				if !slices.Contains(c.skipped, code) && n == 0 {
					t.Errorf("%s is judged but silent: %q", code, titles(r.Findings))
				}
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if has := strings.Contains(string(b), `"skipped":`); has != (len(c.skipped) > 0) {
				t.Errorf("JSON skipped %v: %s", has, b)
			}
		})
	}
}

// Without the metadata nothing but cluster.unreachable is judged: every other code is
// skipped, even with data that would fire them, and the cluster's score shows the outage.
func TestMetadataFailedSkipsEverythingElse(t *testing.T) {
	in := eventful()
	derive(in)
	in.Snapshot.Brokers[1].Reachable = false
	in.Snapshot.Topics["orders"].Partitions[0].Leader = -1
	in.Snapshot.Errors = []snapshot.PartError{{Part: "metadata", Broker: snapshot.NoBroker, Error: "SASL authentication failed"}}
	r := Analyze(in)
	if len(r.Findings) != 1 || r.Findings[0].Code != UnreachableCode || r.Findings[0].Severity != Critical ||
		!strings.Contains(r.Findings[0].Title, "SASL authentication failed") {
		t.Fatalf("findings %q", titles(r.Findings))
	}
	want := slices.DeleteFunc(Codes(), func(c string) bool { return c == UnreachableCode })
	if !slices.Equal(r.Skipped, want) {
		t.Errorf("skipped %q, want %q", r.Skipped, want)
	}
	if h := r.Health.Cluster; h.Score != 100-Weights[Critical] || len(h.Deductions) == 0 || h.Deductions[0].Code != UnreachableCode {
		t.Errorf("cluster health %+v", h)
	}
	// A check that would panic is not even run.
	saved := Registry
	defer func() { Registry = saved }()
	Registry = append(slices.Clone(Registry), Check{Codes: []string{"group.lag"}, Run: func(*Input) []Finding { panic("ran") }})
	if r := Analyze(in); len(withCode(r.Findings, CheckFailedCode)) > 0 {
		t.Errorf("a skipped check ran: %q", titles(r.Findings))
	}
}

// The skip lists name registry codes, and LagWarmCycles is the lag tracker's default window.
func TestSkipListsInRegistry(t *testing.T) {
	for _, list := range [][]string{rateCodes, lagWindowCodes, hourCodes, groupsCodes, {UnreachableCode}} {
		for _, c := range list {
			if !slices.Contains(Codes(), c) {
				t.Errorf("%s is not in the registry", c)
			}
		}
	}
	if LagWarmCycles != lag.DefaultThresholds.Window {
		t.Errorf("LagWarmCycles %d, lag window %d", LagWarmCycles, lag.DefaultThresholds.Window)
	}
}
