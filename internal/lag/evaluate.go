package lag

import (
	"fmt"
	"math"
	"time"
)

// Result is the evaluation of one group-partition at the newest observation.
type Result struct {
	Status Status `json:"status"`
	// LagAtLeast is true when the oldest unconsumed message is older than the end-offset
	// history, so the true lag is at least LagSeconds. LagExact is true when LagSeconds comes
	// from the timestamp of the record at the committed offset rather than from that history.
	LagAtLeast bool   `json:"lag_at_least,omitempty"`
	LagExact   bool   `json:"lag_exact,omitempty"`
	Reason     string `json:"reason"`
	Committed  int64  `json:"committed"` // -1: no commit
	End        int64  `json:"end_offset"`
	Lag        int64  `json:"lag"` // -1: unknown
	// LagSeconds is how old the oldest unconsumed message is (estimated from the history of
	// end offsets); -1 unknown.
	LagSeconds float64 `json:"lag_seconds"`
	// ConsumeRate and ProduceRate are messages per second over the window.
	ConsumeRate float64 `json:"consume_rate"`
	ProduceRate float64 `json:"produce_rate"`
	// DrainSeconds is how long until lag is 0 at the current rates; -1 when falling behind
	// (consume <= produce with lag > 0), 0 when there is no lag.
	DrainSeconds float64 `json:"drain_seconds"`
	// Lead is committed minus the log start offset (-1 unknown); small lead with a moving log
	// start means retention is about to delete unconsumed messages.
	Lead int64 `json:"lead"`
	// WindowFrom/WindowTo bound the evidence the status rests on.
	WindowFrom Stamp `json:"window_from"`
	WindowTo   Stamp `json:"window_to"`
}

// Stamp is a time in 8 bytes (Unix nanoseconds; 0 is the zero time), as JSON like a
// time.Time: a report holds two per partition, 100,000 partitions and more.
type Stamp int64

// StampOf is t as a Stamp.
func StampOf(t time.Time) Stamp {
	if t.IsZero() {
		return 0
	}
	return Stamp(t.UnixNano())
}

// Time is the stamp as a time.Time (UTC).
func (s Stamp) Time() time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(s)).UTC()
}

// MarshalJSON writes the time as RFC 3339.
func (s Stamp) MarshalJSON() ([]byte, error) { return s.Time().MarshalJSON() }

// UnmarshalJSON reads an RFC 3339 time.
func (s *Stamp) UnmarshalJSON(b []byte) error {
	var t time.Time
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	*s = StampOf(t)
	return nil
}

// Motion summarises how the committed offset has moved, over a longer span than the window:
// since when it stands still, the lag at that moment, and how long a standstill is usual.
// A Tracker keeps it up to date cycle by cycle; MotionOf computes it from a full history.
type Motion struct {
	StillSince  time.Time
	LagAtStill  int64
	ExpectedGap time.Duration // twice the longest gap between moves seen; MaxInt64 if never seen moving
}

// MotionOf computes the Motion of a history (oldest first).
func MotionOf(hist []Obs) Motion {
	var m Motion
	for i := range hist {
		m = m.next(hist, i)
	}
	return m
}

// next folds observation i of hist into m (hist[i-1], if any, is the one before).
func (m Motion) next(hist []Obs, i int) Motion {
	o := hist[i]
	if i == 0 {
		return Motion{StillSince: o.Time, LagAtStill: o.Lag(), ExpectedGap: math.MaxInt64}
	}
	p := hist[i-1]
	if o.Committed == p.Committed {
		return m
	}
	if p.Committed < 0 || o.Committed < 0 {
		// A first commit (or a commit deleted) is not a move: start over from here.
		return Motion{StillSince: o.Time, LagAtStill: o.Lag(), ExpectedGap: math.MaxInt64}
	}
	// The time since the last move (or since watching began, for the first move seen) is a
	// lower bound of the consumer's commit gap.
	gap := max(o.Time.Sub(m.StillSince), o.Time.Sub(p.Time))
	if m.ExpectedGap == math.MaxInt64 {
		m.ExpectedGap = 2 * gap
	} else {
		m.ExpectedGap = max(m.ExpectedGap, 2*gap)
	}
	return Motion{StillSince: o.Time, LagAtStill: o.Lag(), ExpectedGap: m.ExpectedGap}
}

// Evaluate applies the rules to a partition's window (the last th.Window observations, oldest
// first; the last is now), its Motion and the topic-partition's end-offset history (for time
// lag). It is a pure function.
func Evaluate(win []Obs, m Motion, ends []Point, th Thresholds) Result {
	th = th.withDefaults()
	if len(win) == 0 {
		return Result{Status: NoOffset, Reason: "no observation", Committed: -1, End: -1, Lag: -1, LagSeconds: -1, Lead: -1}
	}
	if len(win) > th.Window {
		win = win[len(win)-th.Window:]
	}
	// The window starts at the first observation with a commit: before it there is no lag.
	for len(win) > 1 && win[0].Committed < 0 {
		win = win[1:]
	}
	cur, first := win[len(win)-1], win[0]
	r := Result{Committed: cur.Committed, End: cur.End, Lag: cur.Lag(), LagSeconds: -1, Lead: -1,
		WindowFrom: StampOf(first.Time), WindowTo: StampOf(cur.Time)}
	if cur.Committed >= 0 && cur.Start >= 0 {
		r.Lead = cur.Committed - cur.Start
	}
	if cur.Committed < 0 {
		r.Status, r.Reason = NoOffset, "no committed offset for this partition"
		return r
	}
	if cur.End < 0 {
		r.Status, r.Reason = OK, "end offset unknown this cycle"
		return r
	}
	r.ConsumeRate, r.ProduceRate = rates(win)
	r.LagSeconds, r.LagAtLeast = TimeLag(cur.Committed, cur.End, cur.Time, ends)
	r.DrainSeconds = drain(r.Lag, r.ConsumeRate, r.ProduceRate)

	// Rules, first match wins.
	if n := len(win); n >= 2 && win[n-2].Committed > cur.Committed {
		r.Status, r.Reason = Rewind, fmt.Sprintf("committed offset went back from %d to %d", win[n-2].Committed, cur.Committed)
		return r
	}
	if risk := retentionRisk(win, th.RetentionRisk); risk != "" && r.Lag > 0 {
		r.Status, r.Reason = Err, risk
		return r
	}
	if r.Lag > th.MinLag {
		stillFor := cur.Time.Sub(m.StillSince)
		growing := cur.Lag() > m.LagAtStill
		switch {
		case !cur.Owned && growing && m.ExpectedGap == math.MaxInt64 && len(win) >= 3:
			// Never seen moving, nobody owns it, lag grows across three cycles: stopped
			// (if it is a rare committer, its next commit teaches Gregor its pace).
			r.Status, r.Reason = Stop, fmt.Sprintf("no member owns the partition and its offset has not moved since Gregor started watching (%s) while lag grew to %d", round(stillFor), r.Lag)
			return r
		case !cur.Owned && growing && stillFor > m.ExpectedGap:
			r.Status, r.Reason = Stop, fmt.Sprintf("no member owns the partition and its offset has not moved for %s while lag is %d", round(stillFor), r.Lag)
			return r
		case cur.Owned && stillFor >= th.StallAfter:
			r.Status, r.Reason = Stall, fmt.Sprintf("a member owns the partition but its offset has not moved for %s while lag is %d", round(stillFor), r.Lag)
			return r
		case !cur.Owned && stillFor >= th.StopAfter:
			r.Status, r.Reason = Stop, fmt.Sprintf("offset has not moved for %s while lag is %d", round(stillFor), r.Lag)
			return r
		}
		if th.ErrMessages > 0 && r.Lag >= th.ErrMessages {
			r.Status, r.Reason = Err, fmt.Sprintf("lag %d messages >= error threshold %d", r.Lag, th.ErrMessages)
			return r
		}
		if th.ErrSeconds > 0 && r.LagSeconds >= th.ErrSeconds {
			r.Status, r.Reason = Err, fmt.Sprintf("lag %.0fs >= error threshold %.0fs", r.LagSeconds, th.ErrSeconds)
			return r
		}
		// A healthy consumer shows up to about what is produced between two of its commits;
		// twice that is the noise floor below which lag is not "falling behind".
		noise := 2 * r.ProduceRate * commitGap(win).Seconds()
		if len(win) >= th.Window && r.ConsumeRate < r.ProduceRate && float64(r.Lag) > noise && risingAtCommits(win, th.MinLag) {
			r.Status, r.Reason = Warn, fmt.Sprintf("falling behind: lag grew from %d to %d over the last %d cycles, consuming %.1f/s while %.1f/s are produced",
				first.Lag(), r.Lag, len(win), r.ConsumeRate, r.ProduceRate)
			return r
		}
		if th.WarnSeconds > 0 && r.LagSeconds >= th.WarnSeconds {
			r.Status, r.Reason = Warn, fmt.Sprintf("lag %.0fs >= warning threshold %.0fs", r.LagSeconds, th.WarnSeconds)
			return r
		}
	}
	r.Status, r.Reason = OK, "consuming"
	if r.Lag == 0 {
		r.Reason = "caught up"
	}
	return r
}

// rates are messages per second over the window: end offset progress, and committed offset
// progress measured between the first and last commits seen in the window (a consumer that
// commits every minute is not slower for being sampled between its commits).
func rates(win []Obs) (consume, produce float64) {
	a, b := win[0], win[len(win)-1]
	dt := b.Time.Sub(a.Time).Seconds()
	if dt <= 0 {
		return 0, 0
	}
	if a.End >= 0 && b.End >= a.End {
		produce = float64(b.End-a.End) / dt
	}
	first, last := -1, -1
	for i := 1; i < len(win); i++ {
		if win[i-1].Committed >= 0 && win[i].Committed != win[i-1].Committed {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	switch {
	case first >= 0 && last > first && win[last].Committed >= win[first].Committed:
		consume = float64(win[last].Committed-win[first].Committed) / win[last].Time.Sub(win[first].Time).Seconds()
	case a.Committed >= 0 && b.Committed >= a.Committed:
		consume = float64(b.Committed-a.Committed) / dt
	}
	return consume, produce
}

func drain(lag int64, consume, produce float64) float64 {
	switch {
	case lag <= 0:
		return 0
	case consume <= produce:
		return -1
	}
	return float64(lag) / (consume - produce)
}

// commitGap is the mean time between the commits seen in the window (the observation interval
// when fewer than two were seen).
func commitGap(win []Obs) time.Duration {
	first, last, moves := -1, -1, 0
	for i := 1; i < len(win); i++ {
		if win[i-1].Committed >= 0 && win[i].Committed != win[i-1].Committed {
			if first < 0 {
				first = i
			}
			last, moves = i, moves+1
		}
	}
	if moves < 2 {
		return win[len(win)-1].Time.Sub(win[0].Time) / time.Duration(max(len(win)-1, 1))
	}
	return win[last].Time.Sub(win[first].Time) / time.Duration(moves-1)
}

// risingAtCommits: measured where the consumer committed (and at the window's start), lag
// never went down, never was 0, and grew by more than minLag — like Burrow's rule, so the
// lag a healthy consumer shows between its commits is not "falling behind".
func risingAtCommits(win []Obs, minLag int64) bool {
	prev := win[0].Lag()
	if prev <= 0 {
		return false
	}
	firstLag := prev
	for i := 1; i < len(win); i++ {
		if win[i].Committed == win[i-1].Committed || win[i-1].Committed < 0 {
			continue
		}
		l := win[i].Lag()
		if l <= 0 || l < prev {
			return false
		}
		prev = l
	}
	last := win[len(win)-1].Lag()
	return last >= prev && last-firstLag > minLag
}

// retentionRisk says when the log start, moving at its pace over the window, will pass the
// committed offset within limit.
func retentionRisk(win []Obs, limit time.Duration) string {
	a, b := win[0], win[len(win)-1]
	if b.Start < 0 || b.Committed < 0 {
		return ""
	}
	if b.Committed < b.Start {
		return fmt.Sprintf("retention already deleted %d unconsumed messages (log start %d > committed %d)", b.Start-b.Committed, b.Start, b.Committed)
	}
	dt := b.Time.Sub(a.Time).Seconds()
	if a.Start < 0 || b.Start <= a.Start || dt <= 0 {
		return ""
	}
	pace := float64(b.Start-a.Start) / dt // offsets deleted per second
	lead := float64(b.Committed - b.Start)
	if secs := lead / pace; secs < limit.Seconds() {
		return fmt.Sprintf("retention will delete unconsumed messages in about %s (lead %d, log start advancing %.1f/s)",
			round(time.Duration(secs*float64(time.Second))), int64(lead), pace)
	}
	return ""
}

func round(d time.Duration) time.Duration {
	if d > time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// Point is one observation of a partition's end offset, in 16 bytes (a tracker keeps up to
// 64 per partition).
type Point struct {
	UnixNano int64
	End      int64
}

// PointAt is the Point of end offset end at t.
func PointAt(t time.Time, end int64) Point { return Point{t.UnixNano(), end} }

// Time is when the point was observed.
func (p Point) Time() time.Time { return time.Unix(0, p.UnixNano) }

// TimeLag estimates how old the message at offset committed is, from the end-offset history
// (oldest first): it was written when the end offset passed committed, interpolated between
// the two observations around that moment. If the history starts after that, the answer is
// the history's age and atLeast is true. No lag: 0.
func TimeLag(committed, end int64, now time.Time, ends []Point) (seconds float64, atLeast bool) {
	if committed >= end {
		return 0, false
	}
	if len(ends) == 0 {
		return -1, false
	}
	if ends[0].End > committed {
		return now.Sub(ends[0].Time()).Seconds(), true
	}
	for i := 1; i < len(ends); i++ {
		a, b := ends[i-1], ends[i]
		if b.End > committed && a.End <= committed {
			frac := float64(committed-a.End+1) / float64(b.End-a.End)
			at := a.Time().Add(time.Duration(frac * float64(b.UnixNano-a.UnixNano)))
			return math.Max(0, now.Sub(at).Seconds()), false
		}
	}
	return 0, false // the history has not seen the end pass committed yet: just written
}
