package store

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

// runSuite runs the same tests on one implementation; newDSN returns the DSN of a new,
// empty database.
func runSuite(t *testing.T, newDSN func(t *testing.T) string) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"Migrations", testMigrations},
		{"RawQuery", testRawQuery},
		{"StepAggregation", testStepAggregation},
		{"QueryArgs", testQueryArgs},
		{"Overwrite", testOverwrite},
		{"RollupsAndRetention", testRollupsAndRetention},
		{"MaintainIdempotent", testMaintainIdempotent},
		{"LateSample", testLateSample},
		{"ConcurrentAppend", testConcurrentAppend},
		{"Users", testUsers},
		{"Tokens", testTokens},
		{"Sessions", testSessions},
		{"DeleteUserCascades", testDeleteUserCascades},
		{"Alerts", testAlerts},
		{"Silences", testSilences},
		{"AlertRules", testAlertRules},
		{"Notifications", testNotifications},
		{"PruneAlerts", testPruneAlerts},
		{"Audit", testAudit},
		{"AuditFilters", testAuditFilters},
		{"AuditPaging", testAuditPaging},
		{"PruneAudit", testPruneAudit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{dsn: newDSN(t), clock: testkit.NewClock(t0)}
			e.s = e.open(t)
			tc.fn(t, e)
		})
	}
}

// t0 is a fake "now" at an hour boundary.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

var ctx = context.Background()

type env struct {
	dsn   string
	clock *testkit.Clock
	s     Store
}

// open opens the env's database with its clock and default retention; closed at the end.
func (e *env) open(t *testing.T) Store {
	t.Helper()
	s, err := Open(ctx, e.dsn, Options{Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// count returns the number of rows of a table.
func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.s.(*sqlStore).r.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) append(t *testing.T, s []Sample) {
	t.Helper()
	if err := e.s.AppendSamples(ctx, s); err != nil {
		t.Fatal(err)
	}
}

func (e *env) maintain(t *testing.T) {
	t.Helper()
	if err := e.s.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
}

func (e *env) query(t *testing.T, entity, metric string, from, to time.Time, step time.Duration) []Point {
	t.Helper()
	p, err := e.s.QuerySeries(ctx, entity, metric, from, to, step)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// expect computes the points of samples of one series the way QuerySeries must.
func expect(samples []Sample, from, to time.Time, step time.Duration) []Point {
	type acc struct {
		sum, max float64
		n        int
	}
	buckets := map[int64]*acc{}
	var keys []int64
	for _, s := range samples {
		if s.Time.Before(from) || !s.Time.Before(to) {
			continue
		}
		b := s.Time.UnixMilli() - s.Time.UnixMilli()%step.Milliseconds()
		a := buckets[b]
		if a == nil {
			a = &acc{max: math.Inf(-1)}
			buckets[b] = a
			keys = append(keys, b)
		}
		a.sum += s.Value
		a.max = max(a.max, s.Value)
		a.n++
	}
	slices.Sort(keys)
	out := []Point{}
	for _, k := range keys {
		a := buckets[k]
		out = append(out, Point{Time: time.UnixMilli(k).UTC(), Avg: a.sum / float64(a.n), Max: a.max})
	}
	return out
}

func samePoints(t *testing.T, what string, got, want []Point) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d points, want %d\ngot  %v\nwant %v", what, len(got), len(want), got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time) || !near(g.Avg, w.Avg) || !near(g.Max, w.Max) {
			t.Fatalf("%s: point %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b)) }

// series makes n samples of entity/metric every interval from start, value f(i).
func series(entity, metric string, start time.Time, interval time.Duration, n int, f func(i int) float64) []Sample {
	s := make([]Sample, n)
	for i := range s {
		s[i] = Sample{Entity: entity, Metric: metric, Time: start.Add(time.Duration(i) * interval), Value: f(i)}
	}
	return s
}
