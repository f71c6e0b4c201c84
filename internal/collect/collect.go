// Package collect polls one Kafka cluster per Collector and builds a Snapshot each cycle.
// Requests per cycle grow with brokers and with groups (batched), never with topics or
// partitions one by one; a part that fails marks itself missing and the cycle goes on.
package collect

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Options configure a Collector.
type Options struct {
	Client   *kafka.Client
	Metrics  *config.Metrics // broker metrics endpoints; nil: none
	Interval time.Duration   // default 15s
	Timeout  time.Duration   // per part of a cycle; default 10s
	HTTP     *http.Client    // for scrapes; default one with Metrics.Timeout
	Log      *slog.Logger
	Now      func() time.Time
	// OnSnapshot is called with every published snapshot (history, exported metrics).
	OnSnapshot func(*snapshot.Snapshot)
}

// Collector polls one cluster.
type Collector struct {
	o        Options
	latest   atomic.Pointer[snapshot.Snapshot]
	mu       sync.Mutex         // serialises cycles
	lastGood *snapshot.Snapshot // last snapshot with metadata and offsets, for rates
	// known are the brokers seen in the metadata (address and rack), for brokers that leave
	// it while still holding replicas (killed or fenced under KRaft).
	known map[int32]snapshot.Broker
}

// New returns a collector; Run starts its loop.
func New(o Options) *Collector {
	if o.Interval <= 0 {
		o.Interval = 15 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTP == nil {
		t := 5 * time.Second
		if o.Metrics != nil && o.Metrics.Timeout > 0 {
			t = o.Metrics.Timeout
		}
		o.HTTP = &http.Client{Timeout: t}
	}
	return &Collector{o: o}
}

// Name is the cluster's name.
func (c *Collector) Name() string { return c.o.Client.Name }

// Client is the cluster's Kafka client.
func (c *Collector) Client() *kafka.Client { return c.o.Client }

// Latest is the last published snapshot, or nil before the first cycle ends.
func (c *Collector) Latest() *snapshot.Snapshot { return c.latest.Load() }

// Labels are the cluster's configured labels.
func (c *Collector) Labels() map[string]string { return c.o.Client.Labels() }

// Run collects every Interval until ctx ends. The first cycle runs at once (so there is data
// to show); the next starts after an offset derived from the cluster name, so the clusters one
// Gregor polls keep different phases and do not all poll at once.
func (c *Collector) Run(ctx context.Context) {
	c.Cycle(ctx)
	if !sleep(ctx, Offset(c.Name(), c.o.Interval)) {
		return
	}
	for {
		start := time.Now()
		s := c.Cycle(ctx)
		if ctx.Err() != nil {
			return
		}
		if len(s.Errors) > 0 {
			c.o.Log.Warn("collection cycle incomplete", "cluster", c.Name(), "errors", len(s.Errors), "first", s.Errors[0].Error)
		}
		if !sleep(ctx, c.o.Interval-time.Since(start)) {
			return
		}
	}
}

// Offset spreads the first cycle of each cluster over the interval.
func Offset(name string, interval time.Duration) time.Duration {
	h := fnv.New32a()
	h.Write([]byte(name))
	return time.Duration(uint64(h.Sum32()) % uint64(max(interval, time.Millisecond)))
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Cycle runs one collection, derives rates against the last good snapshot, publishes and
// returns the new snapshot (a cycle cut short by ctx is returned but not published).
func (c *Collector) Cycle(ctx context.Context) *snapshot.Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl := c.o.Client
	reqs0 := cl.Requests()
	s := &snapshot.Snapshot{Cluster: c.Name(), Time: c.o.Now(), Topics: map[string]*snapshot.Topic{},
		Groups: map[string]*snapshot.Group{}, Timings: map[string]time.Duration{}, ControllerID: -1}
	started := time.Now()
	r := &run{c: c, s: s}
	if r.metadata(ctx) {
		r.parallel(ctx)
	}
	s.Took = time.Since(started)
	s.Requests = cl.Requests().Sub(reqs0).Total()
	sort.Slice(s.Errors, func(i, j int) bool {
		if s.Errors[i].Part != s.Errors[j].Part {
			return s.Errors[i].Part < s.Errors[j].Part
		}
		return s.Errors[i].Broker < s.Errors[j].Broker
	})
	if ctx.Err() != nil {
		return s // cancelled (shutting down): what failed is our doing, not the cluster's
	}
	snapshot.Derive(c.lastGood, s)
	if !s.Failed("offsets") {
		c.lastGood = s
	}
	c.latest.Store(s)
	if c.o.OnSnapshot != nil {
		c.o.OnSnapshot(s)
	}
	return s
}

// run is one cycle in progress. Parts run concurrently and return an apply function; the
// applies run one after another once every part is done, so parts never share writes.
type run struct {
	c *Collector
	s *snapshot.Snapshot

	mu      sync.Mutex
	applies []func()
}

// fail records a failed part. A kadm.ShardErrors (some brokers of a fanned-out request
// failed) becomes one error per failing broker, so the snapshot names them.
func (r *run) fail(part string, broker int32, err error) {
	var se *kadm.ShardErrors
	if broker == snapshot.NoBroker && errors.As(err, &se) && len(se.Errs) > 0 {
		for _, e := range se.Errs {
			id := snapshot.NoBroker
			if e.Broker.NodeID >= 0 {
				id = e.Broker.NodeID
			}
			r.s.Errors = append(r.s.Errors, snapshot.PartError{Part: part, Broker: id,
				Error: fmt.Sprintf("%s: %v", se.Name, e.Err)})
		}
		return
	}
	r.s.Errors = append(r.s.Errors, snapshot.PartError{Part: part, Broker: broker, Error: err.Error()})
}

// part runs f with the part timeout and records how long it took.
func (r *run) part(ctx context.Context, wg *sync.WaitGroup, name string, f func(ctx context.Context) func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		pctx, cancel := context.WithTimeout(ctx, r.c.o.Timeout)
		defer cancel()
		start := time.Now()
		apply := f(pctx)
		took := time.Since(start)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.applies = append(r.applies, func() {
			if took > r.s.Timings[name] {
				r.s.Timings[name] = took
			}
		})
		if apply != nil {
			r.applies = append(r.applies, apply)
		}
	}()
}

func (r *run) parallel(ctx context.Context) {
	var wg sync.WaitGroup
	r.part(ctx, &wg, "quorum", r.quorum)
	r.part(ctx, &wg, "configs", r.configs)
	r.part(ctx, &wg, "log_dirs", r.logDirs)
	r.part(ctx, &wg, "offsets", r.offsets)
	r.part(ctx, &wg, "groups", r.groups)
	for _, b := range r.s.Brokers {
		if b.Missing {
			continue // known down: nothing to ask it
		}
		r.part(ctx, &wg, "api_versions", func(ctx context.Context) func() { return r.apiVersions(ctx, b) })
		if url := r.c.o.Metrics.URL(b.ID, b.Host); url != "" {
			r.part(ctx, &wg, "metrics", func(ctx context.Context) func() { return r.scrape(ctx, b, url) })
		}
	}
	wg.Wait()
	for _, a := range r.applies {
		a()
	}
}

// GCPercent is the garbage collector's target gregor serve runs with (unless GOGC is set):
// its heap is mostly long-lived (the last snapshot, the lag tracker's windows, the last
// report), so the default of 100 would let the process grow to twice that for little gain.
// At 50 the lag benchmark (10,000 groups x 10 partitions) peaks near 205 MB instead of 250 MB
// for about 1% of CPU in GC.
const GCPercent = 50

// SetGCPercent applies GCPercent unless the GOGC environment variable chooses.
func SetGCPercent() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}
