package lag

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// DefaultDeadLetter matches dead-letter topic names (DLQ, dlq, dead-letter, deadletter).
var DefaultDeadLetter = regexp.MustCompile(`(?i)(^|[._-])(dlq|dead[._-]?letter)([._-]|$)`)

// Tracker keeps, per cluster, the window of each group-partition and the end-offset history
// of each partition, and evaluates every group at every cycle (not only when a consumer
// commits, so a stopped consumer is seen promptly).
type Tracker struct {
	th         Thresholds
	deadLetter *regexp.Regexp
	// Exact, when set, reads the timestamps of the records at the given offsets (see
	// Thresholds.Exact); it is given a few seconds.
	Exact func(ctx context.Context, at map[string]map[int32]int64) (map[string]map[int32]time.Time, error)

	mu     sync.Mutex
	cycle  uint64
	buf    []Obs // scratch for one window
	parts  map[gpKey]*partState
	ends   map[tpKey][]Point
	groups map[string]*groupState
	latest atomic.Pointer[Report]
}

type gpKey struct {
	group, topic string
	partition    int32
}

type tpKey struct {
	topic     string
	partition int32
}

// partState is one group-partition's memory: a ring of its last th.Window observations in a
// compact form (a tracker may hold 100,000 of them), and its Motion.
type partState struct {
	ring   []obs  // len th.Window once full; ring[head] is the oldest
	owned  uint64 // bit i: ring[i] was owned (th.Window <= 64)
	head   int
	motion Motion
	cycle  uint64 // the last cycle that saw the partition
	// last points at its evaluation in the latest report (reports are never changed once
	// published), kept for cycles where its offsets are unknown; nil before the first.
	last *Result
}

// obs is Obs in 32 bytes instead of 56 (owned lives in partState.owned).
type obs struct {
	t                     int64 // Unix nanoseconds
	committed, start, end int64
}

func (st *partState) push(o Obs, window int) {
	c := obs{o.Time.UnixNano(), o.Committed, o.Start, o.End}
	i := st.head
	if len(st.ring) < window {
		i = len(st.ring)
		st.ring = append(st.ring, c)
	} else {
		st.ring[i] = c
		st.head = (i + 1) % len(st.ring)
	}
	if o.Owned {
		st.owned |= 1 << i
	} else {
		st.owned &^= 1 << i
	}
}

// window writes the observations oldest first into buf.
func (st *partState) window(buf []Obs) []Obs {
	buf = buf[:0]
	for n := range st.ring {
		i := (st.head + n) % len(st.ring)
		c := st.ring[i]
		buf = append(buf, Obs{Time: time.Unix(0, c.t), Committed: c.committed, Start: c.start, End: c.end, Owned: st.owned&(1<<i) != 0})
	}
	return buf
}

type groupState struct {
	state       string
	since       time.Time
	rebalancing time.Time // when the current rebalance started; zero when stable
	rebalances  []Rebalance
	epoch       int32       // consumer-protocol group epoch; -1 unknown
	epochMoves  []time.Time // when it changed, the last 50
}

// maxEndPoints bounds each partition's end-offset history; older points are thinned out.
const maxEndPoints = 64

// NewTracker returns a tracker; deadLetter nil takes DefaultDeadLetter.
func NewTracker(th Thresholds, deadLetter *regexp.Regexp) *Tracker {
	if deadLetter == nil {
		deadLetter = DefaultDeadLetter
	}
	return &Tracker{th: th.withDefaults(), deadLetter: deadLetter, parts: map[gpKey]*partState{},
		ends: map[tpKey][]Point{}, groups: map[string]*groupState{}}
}

// Latest is the last report, or nil.
func (t *Tracker) Latest() *Report { return t.latest.Load() }

// Observe evaluates a snapshot and publishes the report. A cycle that could read no offsets or
// groups at all changes nothing (its lag is unknown, not zero); a partition whose end offset
// is unknown, or a group whose offsets could not be fetched, keeps its last evaluation.
func (t *Tracker) Observe(s *snapshot.Snapshot) *Report {
	if s.Failed("metadata") || clusterWide(s, "offsets") || clusterWide(s, "groups") {
		return t.latest.Load()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for name, tp := range s.Topics {
		for _, p := range tp.Partitions {
			if p.EndOffset >= 0 {
				k := tpKey{name, p.ID}
				t.ends[k] = appendPoint(t.ends[k], PointAt(s.Time, p.EndOffset))
			}
		}
	}
	t.cycle++
	prev := t.latest.Load()
	rep := &Report{Time: s.Time, Groups: make(map[string]*GroupReport, len(s.Groups))}
	for id, g := range s.Groups {
		if g.Error != "" && prev != nil && prev.Groups[id] != nil {
			rep.Groups[id] = prev.Groups[id] // offsets not fetched this cycle: keep what we knew
			t.keep(id)
			continue
		}
		rep.Groups[id] = t.group(s, g)
	}
	for k, st := range t.parts {
		if st.cycle != t.cycle {
			delete(t.parts, k) // the group or partition is gone
		}
	}
	t.exact(s.Time, rep)
	for id := range t.groups {
		if s.Groups[id] == nil {
			delete(t.groups, id)
		}
	}
	for k := range t.ends {
		if s.Partition(k.topic, k.partition) == nil {
			delete(t.ends, k)
		}
	}
	t.latest.Store(rep)
	return rep
}

// exact replaces the estimated time lag of the th.Exact partitions with the oldest estimates by
// the age of the record at their committed offset.
func (t *Tracker) exact(now time.Time, rep *Report) {
	if t.Exact == nil || t.th.Exact <= 0 {
		return
	}
	var cand []*PartitionReport
	for _, g := range rep.Groups {
		if g.EvaluatedAt != now {
			continue // kept from an earlier cycle
		}
		for i := range g.Partitions {
			if p := &g.Partitions[i]; p.Lag > 0 && p.Committed >= 0 {
				cand = append(cand, p)
			}
		}
	}
	slices.SortFunc(cand, func(a, b *PartitionReport) int { return cmp.Compare(b.LagSeconds, a.LagSeconds) })
	cand = cand[:min(len(cand), t.th.Exact)]
	at := map[string]map[int32]int64{}
	for _, p := range cand {
		if at[p.Topic] == nil {
			at[p.Topic] = map[int32]int64{}
		}
		at[p.Topic][p.Partition] = p.Committed // groups at the same offset share the read
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	times, _ := t.Exact(ctx, at) // what could not be read keeps its estimate
	for _, p := range cand {
		if ts, ok := times[p.Topic][p.Partition]; ok && at[p.Topic][p.Partition] == p.Committed {
			p.LagSeconds, p.LagAtLeast, p.LagExact = max(0, now.Sub(ts).Seconds()), false, true
		}
	}
	for _, g := range rep.Groups {
		if g.EvaluatedAt == now {
			g.LagSeconds = -1
			for _, p := range g.Partitions {
				g.LagSeconds = max(g.LagSeconds, p.LagSeconds)
			}
		}
	}
}

// clusterWide reports whether part failed as a whole (not only on some brokers).
func clusterWide(s *snapshot.Snapshot, part string) bool {
	for _, e := range s.Errors {
		if e.Part == part && e.Broker == snapshot.NoBroker {
			return true
		}
	}
	return false
}

// keep marks a group's partition states as seen this cycle, so the sweep leaves them.
func (t *Tracker) keep(group string) {
	for k, st := range t.parts {
		if k.group == group {
			st.cycle = t.cycle
		}
	}
}

func appendPoint(pts []Point, p Point) []Point {
	if n := len(pts); n > 0 && pts[n-1].End == p.End && n >= 2 && pts[n-2].End == p.End {
		pts[n-1] = p // a flat stretch needs only its ends
		return pts
	}
	pts = append(pts, p)
	if len(pts) > maxEndPoints {
		// Halve the older half, keeping recent points dense.
		old := pts[:maxEndPoints/2]
		kept := make([]Point, 0, maxEndPoints)
		for i := 0; i < len(old); i += 2 {
			kept = append(kept, old[i])
		}
		pts = append(kept, pts[maxEndPoints/2:]...)
	}
	return pts
}

func (t *Tracker) group(s *snapshot.Snapshot, g *snapshot.Group) *GroupReport {
	owner := map[tpKey]*snapshot.Member{}
	for i := range g.Members {
		m := &g.Members[i]
		for topic, ps := range m.Assignment {
			for _, p := range ps {
				owner[tpKey{topic, p}] = m
			}
		}
	}
	n := len(owner)
	for _, ps := range g.Offsets {
		n += len(ps)
	}
	keys := make([]tpKey, 0, n)
	for topic, ps := range g.Offsets {
		for p := range ps {
			keys = append(keys, tpKey{topic, p})
		}
	}
	for k := range owner {
		keys = append(keys, k)
	}
	keys = sortedKeys(keys)
	gr := &GroupReport{ID: g.ID, State: g.State, Type: g.Type, Members: len(g.Members), LagSeconds: -1, EvaluatedAt: s.Time}
	// While the group rebalances its members hold no assignment: its partitions are not
	// abandoned, so they count as owned (no STOP for a slow rebalance).
	gr.Rebalances = t.rebalances(g, s.Time)
	rebalancing := gr.Rebalances.InProgressFor > 0 || isRebalancing(g.State)
	load := map[string]*MemberLoad{}
	for i := range g.Members {
		m := &g.Members[i]
		load[m.ID] = &MemberLoad{ID: m.ID, ClientID: m.ClientID, Host: m.Host}
	}
	gr.Partitions = make([]PartitionReport, 0, len(keys))
	for _, k := range keys {
		p := s.Partition(k.topic, k.partition)
		committed, ok := g.Offsets[k.topic][k.partition]
		if !ok {
			committed = -1
		}
		o := Obs{Time: s.Time, Committed: committed, Start: -1, End: -1, Owned: owner[k] != nil || rebalancing}
		if p != nil {
			o.Start, o.End = p.StartOffset, p.EndOffset
		}
		gk := gpKey{g.ID, k.topic, k.partition}
		st := t.parts[gk]
		if st == nil {
			st = &partState{ring: make([]obs, 0, t.th.Window)}
			t.parts[gk] = st
		}
		st.cycle = t.cycle
		var r Result
		if o.End < 0 && st.last != nil {
			r = *st.last // offsets of its leader unknown this cycle: keep the last evaluation
		} else {
			st.push(o, t.th.Window)
			t.buf = st.window(t.buf)
			st.motion = st.motion.next(t.buf, len(t.buf)-1)
			r = Evaluate(t.buf, st.motion, t.ends[k], t.th)
		}
		pr := PartitionReport{Topic: k.topic, Partition: k.partition, Result: r}
		if m := owner[k]; m != nil {
			pr.MemberID, pr.ClientID = m.ID, m.ClientID
			ml := load[m.ID]
			ml.Partitions++
			ml.Lag += max(r.Lag, 0)
		}
		gr.Partitions = append(gr.Partitions, pr) // within capacity: never moves
		st.last = &gr.Partitions[len(gr.Partitions)-1].Result
		if r.Lag > 0 {
			gr.LagMessages += r.Lag
		}
		gr.LagSeconds = max(gr.LagSeconds, r.LagSeconds)
		if t.deadLetter.MatchString(k.topic) && !slices.Contains(gr.DeadLetterTopics, k.topic) {
			gr.DeadLetterTopics = append(gr.DeadLetterTopics, k.topic)
		}
	}
	gr.GroupResult = groupOf(len(gr.Partitions), func(i int) *Result { return &gr.Partitions[i].Result })
	if gr.Worst >= 0 {
		gr.WorstPartition = &gr.Partitions[gr.Worst]
	}
	for _, m := range g.Members {
		gr.Load = append(gr.Load, *load[m.ID])
	}
	gr.Skew = skew(gr.Load)
	if len(g.Members) == 0 && g.State != "Dead" {
		gr.Notes = append(gr.Notes, "empty: no members; offsets are only read")
	}
	if g.State == "Dead" {
		gr.Notes = append(gr.Notes, "dead: the group no longer exists on its coordinator")
	}
	return gr
}

// sortedKeys sorts keys and drops duplicates.
func sortedKeys(keys []tpKey) []tpKey {
	slices.SortFunc(keys, func(a, b tpKey) int {
		if c := strings.Compare(a.topic, b.topic); c != 0 {
			return c
		}
		return int(a.partition - b.partition)
	})
	return slices.Compact(keys)
}

// rebalances follows the group's state: a rebalance runs from leaving Stable (or Empty with
// members joining) until Stable again; each finished one is kept with its duration.
func (t *Tracker) rebalances(g *snapshot.Group, now time.Time) RebalanceStats {
	gs := t.groups[g.ID]
	if gs == nil {
		gs = &groupState{state: g.State, since: now, epoch: g.Epoch}
		t.groups[g.ID] = gs
	}
	if g.Epoch >= 0 && gs.epoch >= 0 && g.Epoch != gs.epoch {
		gs.epochMoves = append(gs.epochMoves, now)
		if len(gs.epochMoves) > 50 {
			gs.epochMoves = gs.epochMoves[1:]
		}
	}
	gs.epoch = g.Epoch
	if g.State != gs.state {
		switch {
		case isRebalancing(g.State) && gs.rebalancing.IsZero():
			gs.rebalancing = now
		case !isRebalancing(g.State) && !gs.rebalancing.IsZero():
			gs.rebalances = append(gs.rebalances, Rebalance{Start: gs.rebalancing, End: now, Took: now.Sub(gs.rebalancing)})
			if len(gs.rebalances) > 50 {
				gs.rebalances = gs.rebalances[1:]
			}
			gs.rebalancing = time.Time{}
		}
		gs.state, gs.since = g.State, now
	}
	rs := RebalanceStats{State: gs.state, StateSince: gs.since, Recent: slices.Clone(gs.rebalances), Epoch: gs.epoch}
	for _, r := range gs.rebalances {
		if now.Sub(r.End) <= time.Hour {
			rs.LastHour++
		}
	}
	for _, at := range gs.epochMoves {
		if now.Sub(at) <= time.Hour {
			rs.EpochChangesLastHour++
		}
	}
	if !gs.rebalancing.IsZero() {
		rs.InProgressFor = now.Sub(gs.rebalancing)
	}
	return rs
}

func isRebalancing(state string) bool {
	switch state {
	case "PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling":
		return true
	}
	return false
}

func skew(ms []MemberLoad) Skew {
	if len(ms) == 0 {
		return Skew{}
	}
	s := Skew{MinPartitions: ms[0].Partitions, MaxPartitions: ms[0].Partitions, MinLag: ms[0].Lag, MaxLag: ms[0].Lag}
	for _, m := range ms[1:] {
		s.MinPartitions, s.MaxPartitions = min(s.MinPartitions, m.Partitions), max(s.MaxPartitions, m.Partitions)
		s.MinLag, s.MaxLag = min(s.MinLag, m.Lag), max(s.MaxLag, m.Lag)
	}
	return s
}
