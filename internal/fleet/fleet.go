// Package fleet puts together what Gregor keeps per cluster: the collector that builds its
// snapshots and the analyses that follow each one (lag evaluation, then the checks). It is
// what the API and the Prometheus exporter read.
package fleet

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/collect"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Options are the analyses' settings.
type Options struct {
	Lag     lag.Thresholds
	Checks  config.Checks   // zero: config.DefaultChecks
	History analyze.History // nil: checks that need history say nothing
	// OnAnalysis, if set, runs after each snapshot's analyses (alerting), before
	// collect.Options.OnSnapshot.
	OnAnalysis func(s *snapshot.Snapshot, r *analyze.Result)
	// Placements, if set, gives the topics placed in regions, read each cycle.
	Placements func() map[string]analyze.Placement
}

// Cluster is one watched cluster.
type Cluster struct {
	*collect.Collector
	tracker  *lag.Tracker
	opts     Options
	analysis atomic.Pointer[analyze.Result]

	mu          sync.Mutex
	controllers []analyze.ControllerAt // changes of the active controller, the last controllerKeep
	lagCycles   int                    // snapshots the lag tracker has evaluated
	started     time.Time              // the first snapshot's time
}

// controllerKeep bounds the controller history (one entry per change).
const controllerKeep = 200

// New builds a cluster: o.OnSnapshot, if set, runs after the analyses of each snapshot.
func New(o collect.Options, fo Options) *Cluster {
	if fo.Checks.IdleMin == 0 && fo.Checks.DiskWarn == 0 {
		fo.Checks = config.DefaultChecks
	}
	c := &Cluster{tracker: lag.NewTracker(fo.Lag, nil), opts: fo}
	c.tracker.Exact = o.Client.RecordTimes
	after := o.OnSnapshot
	o.OnSnapshot = func(s *snapshot.Snapshot) {
		c.tracker.Observe(s)
		r := c.analyze(s)
		if fo.OnAnalysis != nil {
			fo.OnAnalysis(s, r)
		}
		if after != nil {
			after(s)
		}
	}
	c.Collector = collect.New(o)
	return c
}

func (c *Cluster) analyze(s *snapshot.Snapshot) *analyze.Result {
	c.mu.Lock()
	c.lagCycles++
	if c.started.IsZero() {
		c.started = s.Time
	}
	cycles, watching := c.lagCycles, s.Time.Sub(c.started)
	c.mu.Unlock()
	// Watching is at least one cycle's worth, so 0 keeps meaning "unknown" to the checks.
	in := &analyze.Input{Snapshot: s, Lag: c.tracker.Latest(), History: c.opts.History,
		Controllers: c.recordController(s), Config: c.opts.Checks, Now: s.Time,
		LagCycles: cycles, Watching: max(watching, time.Nanosecond)}
	if c.opts.Placements != nil {
		in.Placements = c.opts.Placements()
	}
	r := analyze.Analyze(in)
	c.analysis.Store(&r)
	return &r
}

// recordController notes the active controller when it changed and returns the history.
func (c *Cluster) recordController(s *snapshot.Snapshot) []analyze.ControllerAt {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Under KRaft only the quorum names the active controller (the metadata names any
	// broker): a cycle whose DescribeQuorum failed says nothing about moves.
	if s.Failed("metadata") || s.Failed("quorum") {
		return c.controllers
	}
	if n := len(c.controllers); n == 0 || c.controllers[n-1].ID != s.ControllerID {
		c.controllers = append(c.controllers, analyze.ControllerAt{Time: s.Time, ID: s.ControllerID})
		if len(c.controllers) > controllerKeep {
			c.controllers = append([]analyze.ControllerAt(nil), c.controllers[len(c.controllers)-controllerKeep:]...)
		}
	}
	return c.controllers
}

// Lag is the lag evaluation of the latest snapshot, or nil.
func (c *Cluster) Lag() *lag.Report { return c.tracker.Latest() }

// Analysis is the findings and health of the latest snapshot, or nil.
func (c *Cluster) Analysis() *analyze.Result { return c.analysis.Load() }

// Controllers is the history of the active controller (one entry per change, oldest first).
func (c *Cluster) Controllers() []analyze.ControllerAt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]analyze.ControllerAt(nil), c.controllers...)
}
