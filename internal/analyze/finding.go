// Package analyze turns a cluster's snapshot, its lag report and its recent history into
// findings: what is wrong or about to go wrong, the evidence, and the fix. Checks are pure
// functions of their Input; health scores are computed from the findings.
package analyze

import (
	"fmt"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Severity of a finding.
type Severity int

const (
	Info Severity = iota
	Warning
	Critical
)

var severityNames = [...]string{"info", "warning", "critical"}

func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText makes severities JSON strings.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "info", "warning" or "critical".
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// ParseSeverity reads a severity name.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if n == name {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (info, warning or critical)", name)
}

// Entity kinds.
const (
	KindCluster = "cluster"
	KindBroker  = "broker"
	KindTopic   = "topic"
	KindGroup   = "group"
)

// Entity is what a finding is about: a cluster, a broker (Name is its id), a topic or a group.
type Entity struct {
	Kind    string `json:"kind"`
	Cluster string `json:"cluster"`
	Name    string `json:"name,omitempty"` // empty for the cluster itself
}

func (e Entity) String() string {
	if e.Kind == KindCluster {
		return "cluster:" + e.Cluster
	}
	return e.Kind + ":" + e.Cluster + "/" + e.Name
}

// Evidence is one measured value a finding rests on, with the threshold it was held against.
type Evidence struct {
	Name      string  `json:"name"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold,omitempty"`
	Unit      string  `json:"unit,omitempty"` // "bytes", "seconds", "ratio", "percent", "count", "bytes/s", ...
	// Text is for evidence that is not a number ("brokers 1 and 3 run 3.9.2, broker 2 4.3.1").
	Text string `json:"text,omitempty"`
}

// Finding is one thing wrong or about to go wrong.
type Finding struct {
	// Code is stable and documented in docs/checks.md ("cluster.under_replicated").
	Code     string     `json:"code"`
	Severity Severity   `json:"severity"`
	Entity   Entity     `json:"entity"`
	Title    string     `json:"title"` // one line, with the numbers
	Evidence []Evidence `json:"evidence"`
	// WindowFrom/WindowTo bound the data the finding rests on (equal for one snapshot).
	WindowFrom time.Time `json:"window_from"`
	WindowTo   time.Time `json:"window_to"`
	Fix        string    `json:"fix"`
	// Labels are extra alert labels (topic, broker, group, log_dir, ...).
	Labels map[string]string `json:"labels,omitempty"`
}

// Key identifies a finding across cycles: the same code on the same entity (and labels that
// split it: a log dir, a config key) is the same alert.
func (f Finding) Key() string {
	k := f.Code + "|" + f.Entity.String()
	for _, l := range splitLabels {
		if d := f.Labels[l]; d != "" {
			k += "|" + d
		}
	}
	return k
}

// splitLabels are the labels that tell apart findings of one code on one entity.
var splitLabels = [...]string{"log_dir", "config"}

// Point is one value of a metric's history.
type Point struct {
	Time  time.Time
	Value float64
}

// History gives a metric's recent values (oldest first) for an entity named as in the
// history package ("broker:prod/1"); nil when there are none. It never errors: a history
// that cannot be read is an empty one, and the checks that need it say nothing.
type History interface {
	Points(entity, metric string, since time.Time) []Point
}

// Input is what the checks of one cluster look at.
type Input struct {
	Snapshot *snapshot.Snapshot
	Lag      *lag.Report // nil before the first lag evaluation
	History  History     // nil: no history
	// Controllers is the active controller per recent cycle (oldest first), for controller
	// moves.
	Controllers []ControllerAt
	Config      Config
	Now         time.Time
	// LagCycles is how many snapshots the lag tracker has evaluated since Gregor started (0:
	// unknown, taken as enough). Below LagWarmCycles, group.lag and group.rebalances are
	// skipped.
	LagCycles int
	// Watching is how long Gregor has watched this cluster (0: unknown, taken as long
	// enough). Below EventWindow, the codes that count the last hour's events from memory
	// (cluster.controller_moves, group.rebalances) are skipped.
	Watching time.Duration
	// Placements are the topics placed in a region (self-service), by topic name.
	Placements map[string]Placement
}

// LagWarmCycles is how many lag evaluations group.lag and group.rebalances need before they
// can judge: the lag tracker's default window (lag.DefaultThresholds.Window). Before it a
// lagging group cannot yet read WARN, and rebalances are counted over less than the hour.
const LagWarmCycles = 10

// EventWindow is the span the codes counting recent events from memory look back over; they
// are skipped until Gregor has watched the cluster this long.
const EventWindow = time.Hour

// ControllerAt is which broker was the active controller at a time (-1 none).
type ControllerAt struct {
	Time time.Time `json:"time"`
	ID   int32     `json:"id"`
}

// Config is the thresholds the checks use (config.Checks, defaults filled).
type Config = config.Checks

// Check is one check: a pure function of the input.
type Check struct {
	// Codes are the finding codes it can return (documented in docs/checks.md).
	Codes []string
	Run   func(in *Input) []Finding
}
