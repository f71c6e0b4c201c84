package lag

import (
	"context"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// cycle builds a snapshot of one topic "t" (2 partitions) and one group "g" whose members
// own the given partitions.
func cycle(i int, end [2]int64, committed [2]int64, state string, members ...map[string][]int32) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Cluster: "c", Time: t0.Add(time.Duration(i) * 15 * time.Second),
		Topics: map[string]*snapshot.Topic{"t": {Name: "t", Partitions: []*snapshot.Partition{
			{ID: 0, StartOffset: 0, EndOffset: end[0]}, {ID: 1, StartOffset: 0, EndOffset: end[1]}}},
			"orders.DLQ": {Name: "orders.DLQ", Partitions: []*snapshot.Partition{{ID: 0, StartOffset: 0, EndOffset: 3}}}},
		Groups: map[string]*snapshot.Group{"g": {ID: "g", State: state, Offsets: map[string]map[int32]int64{"t": {0: committed[0], 1: committed[1]}}}},
	}
	for i, a := range members {
		s.Groups["g"].Members = append(s.Groups["g"].Members, snapshot.Member{ID: string(rune('a' + i)), ClientID: "c", Assignment: a})
	}
	return s
}

// A consumer that dies: its member leaves at cycle 5, the offset stands still and lag grows.
// The tracker says STOP on the third cycle after the last commit; rebalances are counted.
func TestTrackerStopAndRebalance(t *testing.T) {
	tr := NewTracker(Thresholds{}, nil)
	both := map[string][]int32{"t": {0, 1}}
	var rep *Report
	for i := range 5 {
		rep = tr.Observe(cycle(i, [2]int64{int64(100 + 30*i), 50}, [2]int64{int64(95 + 30*i), 50}, "Stable", both))
		if g := rep.Groups["g"]; g.Status != OK {
			t.Fatalf("cycle %d: %s %s", i, g.Status, g.Reason)
		}
	}
	rep = tr.Observe(cycle(5, [2]int64{250, 50}, [2]int64{215, 50}, "PreparingRebalance", both))
	stopAt := -1
	for i := 6; i < 12; i++ {
		rep = tr.Observe(cycle(i, [2]int64{int64(100 + 30*i), 50}, [2]int64{215, 50}, "Empty"))
		if rep.Groups["g"].Status == Stop {
			stopAt = i
			break
		}
	}
	g := rep.Groups["g"]
	if stopAt < 0 || stopAt > 8 || g.WorstPartition == nil || g.WorstPartition.Partition != 0 {
		t.Fatalf("STOP at cycle %d (want <= 8): %+v", stopAt, g.GroupResult)
	}
	if g.Rebalances.LastHour != 1 || g.Rebalances.Recent[0].Took != 15*time.Second || g.Rebalances.State != "Empty" || g.Rebalances.Epoch != 0 {
		t.Fatalf("rebalances %+v", g.Rebalances)
	}
	if len(g.Notes) == 0 || g.Counts["OK"] != 1 || g.Counts["STOP"] != 1 {
		t.Fatalf("notes %v counts %v", g.Notes, g.Counts)
	}
	if g.LagSeconds < 30 || g.LagMessages != int64(100+30*stopAt-215) {
		t.Fatalf("lag %d msgs %.1fs", g.LagMessages, g.LagSeconds)
	}
}

func TestTrackerSkewDeadLetterAndGaps(t *testing.T) {
	tr := NewTracker(Thresholds{}, nil)
	s := cycle(0, [2]int64{10, 10}, [2]int64{5, 10}, "Stable", map[string][]int32{"t": {0, 1}}, map[string][]int32{"orders.DLQ": {0}})
	s.Groups["g"].Offsets["orders.DLQ"] = map[int32]int64{0: 3}
	g := tr.Observe(s).Groups["g"]
	if g.Skew.MaxPartitions != 2 || g.Skew.MinPartitions != 1 || g.Skew.MaxLag != 5 || len(g.DeadLetterTopics) != 1 {
		t.Fatalf("skew %+v dlq %v", g.Skew, g.DeadLetterTopics)
	}
	failed := cycle(1, [2]int64{99, 99}, [2]int64{0, 0}, "Stable")
	failed.Errors = []snapshot.PartError{{Part: "offsets", Broker: snapshot.NoBroker, Error: "x"}}
	if rep := tr.Observe(failed); rep.Groups["g"].LagMessages != 5 {
		t.Fatalf("a failed cycle changed the report: %+v", rep.Groups["g"])
	}
}

// Partial failures keep what was known: a partition whose leader's offsets failed keeps its
// last evaluation, a group whose offsets could not be fetched keeps its report, and a group in
// a long rebalance is not STOP.
func TestTrackerPartialFailures(t *testing.T) {
	tr := NewTracker(Thresholds{}, nil)
	own := map[string][]int32{"t": {0, 1}}
	for i := range 4 {
		tr.Observe(cycle(i, [2]int64{int64(100 + 30*i), 50}, [2]int64{int64(90 + 30*i), 50}, "Stable", own))
	}
	// The member leaves, the offset stands still: STOP after a few cycles.
	var g *GroupReport
	for i := 4; i < 10; i++ {
		g = tr.Observe(cycle(i, [2]int64{int64(100 + 30*i), 50}, [2]int64{180, 50}, "Empty")).Groups["g"]
	}
	if g.Status != Stop {
		t.Fatalf("setup: %s %s", g.Status, g.Reason)
	}
	// Partition 0's leader is down: its end offset is unknown; the STOP stays.
	s := cycle(10, [2]int64{-1, 50}, [2]int64{180, 50}, "Empty")
	s.Errors = []snapshot.PartError{{Part: "offsets", Broker: 2, Error: "x"}}
	if g = tr.Observe(s).Groups["g"]; g.Status != Stop {
		t.Fatalf("unknown end offset cleared the STOP: %s %s", g.Status, g.Reason)
	}
	// OffsetFetch failed for the group: the last report stands, and so does what was learned.
	s = cycle(11, [2]int64{430, 50}, [2]int64{0, 0}, "Empty")
	s.Groups["g"].Offsets, s.Groups["g"].Error = nil, "NOT_COORDINATOR"
	if g2 := tr.Observe(s).Groups["g"]; g2 != g {
		t.Fatalf("a group error replaced the report: %s %s", g2.Status, g2.Reason)
	}
	if g = tr.Observe(cycle(12, [2]int64{460, 50}, [2]int64{180, 50}, "Empty")).Groups["g"]; g.Status != Stop {
		t.Fatalf("after the group error: %s %s", g.Status, g.Reason)
	}

	// A healthy group rebalancing for a minute (no assignments meanwhile) is not STOP.
	tr = NewTracker(Thresholds{}, nil)
	for i := range 4 {
		tr.Observe(cycle(i, [2]int64{int64(100 + 30*i), 50}, [2]int64{int64(90 + 30*i), 50}, "Stable", own))
	}
	for i := 4; i < 8; i++ {
		if g = tr.Observe(cycle(i, [2]int64{int64(100 + 30*i), 50}, [2]int64{180, 50}, "PreparingRebalance")).Groups["g"]; g.Status == Stop {
			t.Fatalf("rebalancing cycle %d: %s %s", i, g.Status, g.Reason)
		}
	}
}

func TestEndHistoryIsBounded(t *testing.T) {
	var pts []Point
	for i := range 1000 {
		pts = appendPoint(pts, PointAt(t0.Add(time.Duration(i)*time.Second), int64(i)))
	}
	if len(pts) > maxEndPoints || pts[0].End != 0 || pts[len(pts)-1].End != 999 {
		t.Fatalf("%d points, first %v last %v", len(pts), pts[0], pts[len(pts)-1])
	}
	for i := 1; i < len(pts); i++ {
		if !pts[i].Time().After(pts[i-1].Time()) {
			t.Fatal("history out of order")
		}
	}
}

// The partitions with the oldest estimates get their time lag from the record at their
// committed offset; the group's lag time follows.
func TestTrackerExactTimeLag(t *testing.T) {
	tr := NewTracker(Thresholds{Exact: 1}, nil)
	var asked map[string]map[int32]int64
	tr.Exact = func(_ context.Context, at map[string]map[int32]int64) (map[string]map[int32]time.Time, error) {
		asked = at
		return map[string]map[int32]time.Time{"t": {0: t0.Add(-time.Hour)}}, nil
	}
	s := cycle(0, [2]int64{100, 50}, [2]int64{40, 50}, "Stable", map[string][]int32{"t": {0, 1}})
	g := tr.Observe(s).Groups["g"]
	p := g.Partitions[0]
	if len(asked) != 1 || asked["t"][0] != 40 || len(asked["t"]) != 1 {
		t.Fatalf("asked %v (want only t/0 at 40: partition 1 has no lag)", asked)
	}
	if !p.LagExact || p.LagSeconds != 3600 || g.LagSeconds != 3600 {
		t.Fatalf("partition %+v, group lag %v", p.Result, g.LagSeconds)
	}
}

// A consumer-protocol group's epoch changes are counted (classic groups have none: -1).
func TestTrackerEpochChanges(t *testing.T) {
	tr := NewTracker(Thresholds{}, nil)
	own := map[string][]int32{"t": {0, 1}}
	var g *GroupReport
	for i, epoch := range []int32{3, 3, 4, 4, 7} {
		s := cycle(i, [2]int64{100, 50}, [2]int64{100, 50}, "Stable", own)
		s.Groups["g"].Type, s.Groups["g"].Epoch = "consumer", epoch
		g = tr.Observe(s).Groups["g"]
	}
	if g.Rebalances.Epoch != 7 || g.Rebalances.EpochChangesLastHour != 2 {
		t.Fatalf("%+v", g.Rebalances)
	}
	s := cycle(5, [2]int64{100, 50}, [2]int64{100, 50}, "Stable", own)
	s.Groups["g"].Epoch = -1
	if g = tr.Observe(s).Groups["g"]; g.Rebalances.EpochChangesLastHour != 2 || g.Rebalances.Epoch != -1 {
		t.Fatalf("classic: %+v", g.Rebalances)
	}
}

// The compact ring gives back the last window observations, oldest first, owned bits included.
func TestPartStateRing(t *testing.T) {
	var st partState
	t0 := time.Unix(1000, 0)
	for i := range 13 {
		st.push(Obs{Time: t0.Add(time.Duration(i) * time.Second), Committed: int64(i), Start: 1, End: 20, Owned: i%3 == 0}, 5)
	}
	got := st.window(nil)
	if len(got) != 5 {
		t.Fatalf("window has %d observations, want 5", len(got))
	}
	for n, o := range got {
		i := 8 + n
		if o.Committed != int64(i) || !o.Time.Equal(t0.Add(time.Duration(i)*time.Second)) || o.Owned != (i%3 == 0) || o.End != 20 {
			t.Errorf("observation %d = %+v, want committed %d owned %v", n, o, i, i%3 == 0)
		}
	}
}
