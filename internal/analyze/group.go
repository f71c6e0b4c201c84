package analyze

import (
	"fmt"
	"math"
	"time"

	"github.com/gregor-kafka/gregor/internal/lag"
)

// Consumer group checks, from the lag report.
var groupChecks = []Check{
	{Codes: []string{"group.lag", "group.rewind"}, Run: checkGroupLag},
	{Codes: []string{"group.rebalances"}, Run: checkRebalances},
	{Codes: []string{"group.assignment_skew"}, Run: checkAssignmentSkew},
}

// rebalanceStuck: a rebalance in progress this long warns.
const rebalanceStuck = 5 * time.Minute

var lagRules = map[lag.Status]struct {
	code string
	sev  Severity
	fix  string
}{
	lag.Warn: {"group.lag", Warning, "The group consumes slower than producers write: add consumers (up to the partition " +
		"count), speed up processing (batching, async I/O) or raise max.poll.records; watch the time lag and drain estimate."},
	lag.Err: {"group.lag", Critical, "Lag is past the error threshold or retention is about to delete unconsumed " +
		"messages: scale the consumers out now, or raise the topic's retention.ms while they catch up."},
	lag.Stall: {"group.lag", Critical, "A member owns the partition but its offset does not move: the consumer is stuck " +
		"(blocked processing, a poison message, a deadlock). Read its logs or a thread dump and restart it; check max.poll.interval.ms."},
	lag.Stop: {"group.lag", Warning, "Nobody moves the offset while lag builds: the consumers are down or the group is " +
		"abandoned. Start them, or delete the group (kafka-consumer-groups --delete) if it is retired."},
	lag.Rewind: {"group.rewind", Warning, "The committed offset went backwards: offsets were reset or a consumer committed " +
		"old offsets (auto.offset.reset after lost offsets), so messages are processed again. Find who reset them (audit log)."},
}

func checkGroupLag(in *Input) []Finding {
	if in.Lag == nil {
		return nil
	}
	var out []Finding
	for id, g := range in.Lag.Groups {
		r, ok := lagRules[g.Status]
		if !ok {
			continue
		}
		age := ""
		if g.LagSeconds >= 0 {
			age = fmt.Sprintf(", oldest %s", fmtDur(time.Duration(g.LagSeconds*float64(time.Second))))
		}
		worst := ""
		if w := g.WorstPartition; w != nil {
			worst = fmt.Sprintf("%s/%d lag %s", w.Topic, w.Partition, num(float64(w.Lag)))
		}
		f := newFinding(in, r.code, r.sev, groupEntity(in, id),
			fmt.Sprintf("Group %s is %s: %s messages behind%s (%d of %d partitions)", id, g.Status, num(float64(g.LagMessages)), age, g.Counts[g.Status.String()], len(g.Partitions)),
			r.fix,
			Evidence{Name: "status", Text: g.Status.String() + ": " + g.Reason},
			Evidence{Name: "lag_messages", Value: float64(g.LagMessages), Unit: "messages"},
			Evidence{Name: "lag_seconds", Value: g.LagSeconds, Unit: "seconds"},
			Evidence{Name: "worst_partition", Text: worst})
		if !g.EvaluatedAt.IsZero() {
			f.WindowFrom, f.WindowTo = g.EvaluatedAt, g.EvaluatedAt
		}
		out = append(out, f)
	}
	return out
}

func checkRebalances(in *Input) []Finding {
	if in.Lag == nil {
		return nil
	}
	var out []Finding
	maxN := in.Config.RebalancesMax
	for id, g := range in.Lag.Groups {
		rb := g.Rebalances
		n := rb.LastHour + rb.EpochChangesLastHour
		stuck := rb.InProgressFor >= rebalanceStuck
		if n <= maxN && !stuck {
			continue
		}
		title := fmt.Sprintf("Group %s rebalanced %d times in the last hour (max %d)", id, n, maxN)
		if stuck {
			title = fmt.Sprintf("Group %s has been rebalancing for %s", id, fmtDur(rb.InProgressFor))
		}
		f := newFinding(in, "group.rebalances", Warning, groupEntity(in, id), title,
			"Members keep leaving and joining: look for consumers exceeding max.poll.interval.ms (slow processing, "+
				"raise it or lower max.poll.records), missed heartbeats (session.timeout.ms, GC pauses), crash loops or "+
				"autoscaling churn. Static membership (group.instance.id) and the consumer protocol (KIP-848, "+
				"group.protocol=consumer) avoid stop-the-world rebalances.",
			Evidence{Name: "rebalances_last_hour", Value: float64(rb.LastHour), Threshold: float64(maxN), Unit: "count"},
			Evidence{Name: "epoch_changes_last_hour", Value: float64(rb.EpochChangesLastHour), Unit: "count"},
			Evidence{Name: "rebalancing_seconds", Value: rb.InProgressFor.Seconds(), Threshold: rebalanceStuck.Seconds(), Unit: "seconds"})
		f.WindowFrom = in.Now.Add(-time.Hour)
		out = append(out, f)
	}
	return out
}

// checkAssignmentSkew: a member with more partitions than the mean by more than SkewMax
// (and at least 2 apart from the least loaded).
func checkAssignmentSkew(in *Input) []Finding {
	if in.Lag == nil {
		return nil
	}
	var out []Finding
	for id, g := range in.Lag.Groups {
		if len(g.Load) < 2 {
			continue
		}
		total := 0
		hi, lo := g.Load[0], g.Load[0]
		for _, l := range g.Load {
			total += l.Partitions
			if l.Partitions > hi.Partitions {
				hi = l
			}
			if l.Partitions < lo.Partitions {
				lo = l
			}
		}
		mean := float64(total) / float64(len(g.Load))
		if hi.Partitions-lo.Partitions < 2 || mean == 0 || (float64(hi.Partitions)-mean)/mean <= in.Config.SkewMax {
			continue
		}
		out = append(out, newFinding(in, "group.assignment_skew", Warning, groupEntity(in, id),
			fmt.Sprintf("Group %s: member %s has %d partitions, %s has %d (mean %s over %d members)",
				id, memberName(hi), hi.Partitions, memberName(lo), lo.Partitions, num(math.Round(mean*10)/10), len(g.Load)),
			"Use the cooperative-sticky assignor (or the consumer protocol, KIP-848) which keeps members within one "+
				"partition of each other; members subscribing to different topics also skew, so give such consumers "+
				"their own groups.",
			Evidence{Name: "max_partitions", Value: float64(hi.Partitions), Unit: "count", Text: hi.ID},
			Evidence{Name: "min_partitions", Value: float64(lo.Partitions), Unit: "count", Text: lo.ID},
			Evidence{Name: "skew", Value: (float64(hi.Partitions) - mean) / mean, Threshold: in.Config.SkewMax, Unit: "ratio"}))
	}
	return out
}

func memberName(l lag.MemberLoad) string {
	if l.ClientID != "" {
		return l.ClientID + "@" + l.Host
	}
	return l.ID
}
