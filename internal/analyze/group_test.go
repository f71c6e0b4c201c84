package analyze

import (
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/lag"
)

func lagged(status lag.Status, reason string) func() *Input {
	return func() *Input {
		g := &lag.GroupReport{ID: "billing", EvaluatedAt: t0, LagMessages: 12345, LagSeconds: 330,
			GroupResult:    lag.GroupResult{Status: status, Reason: reason, Counts: map[string]int{status.String(): 2, "OK": 4}},
			Partitions:     make([]lag.PartitionReport, 6),
			WorstPartition: &lag.PartitionReport{Topic: "orders", Partition: 3, Result: lag.Result{Lag: 9000}}}
		return group(base(), g)
	}
}

func loads(parts ...int) func() *Input {
	return func() *Input {
		g := &lag.GroupReport{ID: "billing", Members: len(parts)}
		for i, p := range parts {
			g.Load = append(g.Load, lag.MemberLoad{ID: "m" + string(rune('a'+i)), ClientID: "app", Host: "/10.0.0." + string(rune('1'+i)), Partitions: p})
		}
		return group(base(), g)
	}
}

var groupCases = []codeCase{
	{name: "ERR", code: "group.lag", fires: true, sev: Critical, title: []string{"Group billing is ERR: 12,345 messages behind, oldest 5m30s (2 of 6 partitions)"},
		build: lagged(lag.Err, "lag 9000 >= 5000"), check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "status"); e.Text != "ERR: lag 9000 >= 5000" {
				t.Errorf("%+v", e)
			}
			if e := evidence(fs[0], "worst_partition"); e.Text != "orders/3 lag 9,000" {
				t.Errorf("%+v", e)
			}
		}},
	{name: "WARN", code: "group.lag", fires: true, sev: Warning, title: []string{"is WARN"}, build: lagged(lag.Warn, "lag grew over the window")},
	{name: "STALL", code: "group.lag", fires: true, sev: Critical, title: []string{"is STALL"}, build: lagged(lag.Stall, "offset still for 6m")},
	{name: "STOP", code: "group.lag", fires: true, sev: Warning, title: []string{"is STOP"}, build: lagged(lag.Stop, "no member")},
	{name: "OK", code: "group.lag", build: lagged(lag.OK, "")},
	{name: "NO_OFFSET", code: "group.lag", build: lagged(lag.NoOffset, "no commits")},
	{name: "no report", code: "group.lag", build: base},
	{name: "REWIND", code: "group.rewind", fires: true, sev: Warning, title: []string{"is REWIND"}, build: lagged(lag.Rewind, "committed 10 < 500")},
	{name: "WARN", code: "group.rewind", build: lagged(lag.Warn, "")},

	{name: "churn", code: "group.rebalances", fires: true, sev: Warning, title: []string{"rebalanced 5 times in the last hour (max 4)"},
		build: func() *Input {
			return group(base(), &lag.GroupReport{ID: "g", Rebalances: lag.RebalanceStats{LastHour: 3, EpochChangesLastHour: 2}})
		}},
	{name: "stuck", code: "group.rebalances", fires: true, sev: Warning, title: []string{"rebalancing for 10m00s"},
		build: func() *Input {
			return group(base(), &lag.GroupReport{ID: "g", Rebalances: lag.RebalanceStats{InProgressFor: 10 * time.Minute}})
		}},
	{name: "at the limit", code: "group.rebalances", build: func() *Input {
		return group(base(), &lag.GroupReport{ID: "g", Rebalances: lag.RebalanceStats{LastHour: 4, InProgressFor: time.Minute}})
	}},

	{name: "uneven", code: "group.assignment_skew", fires: true, sev: Warning, title: []string{"member app@/10.0.0.1 has 10 partitions, app@/10.0.0.2 has 2 (mean 6 over 3 members)"},
		build: loads(10, 2, 6)},
	{name: "sticky", code: "group.assignment_skew", build: loads(3, 3, 2)},
	{name: "one member", code: "group.assignment_skew", build: loads(10)},
	{name: "more members than partitions", code: "group.assignment_skew", build: loads(1, 1, 0, 0)},
}

func TestGroupChecks(t *testing.T) { runCases(t, groupCases) }
