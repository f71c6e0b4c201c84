// Package fleet puts together what Gregor keeps per cluster: the collector that builds its
// snapshots and the analyses that follow each one (lag evaluation). It is what the API and
// the Prometheus exporter read.
package fleet

import (
	"github.com/gregor-kafka/gregor/internal/collect"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Cluster is one watched cluster.
type Cluster struct {
	*collect.Collector
	tracker *lag.Tracker
}

// New builds a cluster: o.OnSnapshot, if set, runs after the analyses of each snapshot.
func New(o collect.Options, th lag.Thresholds) *Cluster {
	c := &Cluster{tracker: lag.NewTracker(th, nil)}
	c.tracker.Exact = o.Client.RecordTimes
	after := o.OnSnapshot
	o.OnSnapshot = func(s *snapshot.Snapshot) {
		c.tracker.Observe(s)
		if after != nil {
			after(s)
		}
	}
	c.Collector = collect.New(o)
	return c
}

// Lag is the lag evaluation of the latest snapshot, or nil.
func (c *Cluster) Lag() *lag.Report { return c.tracker.Latest() }
