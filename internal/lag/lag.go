// Package lag evaluates consumer lag per partition and per group from a sliding window of
// observations (one per collection cycle): lag in messages and in time, consume and produce
// rates, time to drain, lead over the log start, and a status with its reason and evidence.
// The rules are in docs/lag.md; they are pure functions of the window, tested without network.
package lag

import (
	"fmt"
	"time"
)

// Status of a partition or group, from best to worst.
type Status int8

const (
	OK       Status = iota
	NoOffset        // the group has no committed offset for the partition (never 0 lag)
	Warn            // falling behind: lag grew over the whole window
	Rewind          // the committed offset went backwards
	Stall           // a member owns the partition but its offset does not move while lag > 0
	Stop            // nobody moves the offset while lag > 0 (no member owns it, or past StopAfter)
	Err             // lag beyond the error threshold, or retention about to delete unconsumed data
)

var names = [...]string{"OK", "NO_OFFSET", "WARN", "REWIND", "STALL", "STOP", "ERR"}

func (s Status) String() string {
	if int(s) < len(names) {
		return names[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText makes statuses JSON strings.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// severity orders statuses for the group's worst one (NoOffset counts as OK).
func (s Status) severity() int {
	switch s {
	case OK, NoOffset:
		return 0
	case Warn:
		return 1
	case Rewind:
		return 2
	case Stall, Stop:
		return 3
	}
	return 4
}

// Obs is one cycle's view of one group-partition.
type Obs struct {
	Time      time.Time
	Committed int64 // -1: no commit
	Start     int64 // log start offset, -1 unknown
	End       int64 // log end offset, -1 unknown
	Owned     bool  // a live member has the partition assigned
}

// Lag is the lag in messages, or -1 when unknown (no commit, or no end offset).
func (o Obs) Lag() int64 {
	if o.Committed < 0 || o.End < 0 {
		return -1
	}
	return max(o.End-o.Committed, 0)
}

// Thresholds tune the rules; zero values take the defaults of DefaultThresholds.
type Thresholds struct {
	// Window is how many observations the trend rules look at (Burrow's window).
	Window int
	// MinLag: lag at or below it is never WARN or ERR (tiny lag is noise).
	MinLag int64
	// WarnSeconds / ErrSeconds: time-lag thresholds (0: off).
	WarnSeconds, ErrSeconds float64
	// ErrMessages: lag in messages at or above it is ERR (0: off).
	ErrMessages int64
	// StallAfter: how long an owned partition's offset may stand still with lag > 0.
	StallAfter time.Duration
	// StopAfter: how long an offset nobody owns may stand still with lag > 0 before STOP
	// (sooner when its lag grows past its usual commit gap; see docs/lag.md).
	StopAfter time.Duration
	// RetentionRisk: ERR when, at the current pace, the log start passes the committed
	// offset (unconsumed data deleted) within this long.
	RetentionRisk time.Duration
	// Exact: how many partitions per cycle (the ones with the oldest estimated lag) get their
	// time lag read exactly, from the timestamp of the record at the committed offset; 0 takes
	// the default (20), -1 turns it off. It needs a Tracker.Exact reader.
	Exact int
}

// MaxWindow is the largest Window (the tracker keeps a 64-bit mask per partition).
const MaxWindow = 64

// DefaultThresholds are the defaults.
var DefaultThresholds = Thresholds{Window: 10, MinLag: 0, StallAfter: 5 * time.Minute, StopAfter: 5 * time.Minute,
	RetentionRisk: time.Hour, Exact: 20}

func (t Thresholds) withDefaults() Thresholds {
	d := DefaultThresholds
	if t.Window > 1 {
		d.Window = min(t.Window, MaxWindow)
	}
	d.MinLag, d.WarnSeconds, d.ErrSeconds, d.ErrMessages = t.MinLag, t.WarnSeconds, t.ErrSeconds, t.ErrMessages
	if t.StallAfter > 0 {
		d.StallAfter = t.StallAfter
	}
	if t.StopAfter > 0 {
		d.StopAfter = t.StopAfter
	}
	if t.RetentionRisk > 0 {
		d.RetentionRisk = t.RetentionRisk
	}
	if t.Exact != 0 {
		d.Exact = max(t.Exact, 0)
	}
	return d
}
