package store

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"
)

func testMigrations(t *testing.T, e *env) {
	want, err := migrations(e.s.(*sqlStore).d.name)
	if err != nil {
		t.Fatal(err)
	}
	e.append(t, []Sample{{Entity: "cluster:a", Metric: "m", Time: t0, Value: 1}})
	// Reopening, twice at once, applies nothing again and keeps the data.
	var wg sync.WaitGroup
	stores := make([]Store, 2)
	errs := make([]error, 2)
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, e.dsn, Options{Now: e.clock.Now}) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		t.Cleanup(func() { s.Close() })
	}
	if n := e.count(t, "schema_migrations"); n != len(want) {
		t.Fatalf("schema_migrations has %d rows, want %d", n, len(want))
	}
	e.s = stores[1]
	if p := e.query(t, "cluster:a", "m", t0, t0.Add(time.Minute), time.Minute); len(p) != 1 || p[0].Avg != 1 {
		t.Fatalf("data after reopen: %v", p)
	}
}

func testRawQuery(t *testing.T, e *env) {
	e.clock.Set(t0.Add(time.Hour))
	a := series("broker:prod/1", "bytes_in_per_sec", t0, 15*time.Second, 40, func(i int) float64 { return float64(i) * 1.5 })
	b := series("broker:prod/2", "bytes_in_per_sec", t0, 15*time.Second, 40, func(i int) float64 { return -float64(i) })
	e.append(t, append(a, b...))
	end := t0.Add(10 * time.Minute)
	samePoints(t, "step 15s", e.query(t, "broker:prod/1", "bytes_in_per_sec", t0, end, 15*time.Second), expect(a, t0, end, 15*time.Second))
	samePoints(t, "other series", e.query(t, "broker:prod/2", "bytes_in_per_sec", t0, end, 15*time.Second), expect(b, t0, end, 15*time.Second))
	// [from, to): the sample at to is out, the one at from in.
	from, to := t0.Add(30*time.Second), t0.Add(2*time.Minute)
	p := e.query(t, "broker:prod/1", "bytes_in_per_sec", from, to, 15*time.Second)
	samePoints(t, "sub-range", p, expect(a, from, to, 15*time.Second))
	if len(p) != 6 || !p[0].Time.Equal(from) {
		t.Fatalf("sub-range: %v", p)
	}
	if p := e.query(t, "broker:prod/9", "bytes_in_per_sec", t0, end, time.Minute); p == nil || len(p) != 0 {
		t.Fatalf("unknown series: %#v", p)
	}
	if p := e.query(t, "broker:prod/1", "bytes_in_per_sec", end, end.Add(time.Hour), time.Minute); p == nil || len(p) != 0 {
		t.Fatalf("no data in range: %#v", p)
	}
}

func testStepAggregation(t *testing.T, e *env) {
	e.clock.Set(t0.Add(2 * time.Hour))
	// Irregular values, a gap between 20 and 30 min.
	a := series("topic:prod/orders", "msgs", t0, 10*time.Second, 120, func(i int) float64 { return float64((i * 7) % 23) })
	a = append(a, series("topic:prod/orders", "msgs", t0.Add(30*time.Minute), 10*time.Second, 60, func(i int) float64 { return float64(i % 5) })...)
	e.append(t, a)
	end := t0.Add(time.Hour)
	for _, step := range []time.Duration{time.Minute, 5 * time.Minute, 7 * time.Minute, time.Hour} {
		p := e.query(t, "topic:prod/orders", "msgs", t0, end, step)
		samePoints(t, step.String(), p, expect(a, t0, end, step))
		for _, x := range p {
			if x.Time.UnixMilli()%step.Milliseconds() != 0 {
				t.Fatalf("step %v: point at %v not aligned", step, x.Time)
			}
		}
	}
	// A from that is not aligned: the first point starts at the aligned time before it.
	from := t0.Add(90 * time.Second)
	p := e.query(t, "topic:prod/orders", "msgs", from, end, time.Minute)
	if !p[0].Time.Equal(t0.Add(time.Minute)) || !near(p[0].Avg, expect(a, from, t0.Add(2*time.Minute), time.Hour)[0].Avg) {
		t.Fatalf("unaligned from: %v", p[0])
	}
	// Steps without data are left out.
	if got := len(e.query(t, "topic:prod/orders", "msgs", t0, end, 5*time.Minute)); got != 6 {
		t.Fatalf("%d points over 20+10 min of data, want 6", got)
	}
	// Known values: 1, 3 in one minute, 10 in the next.
	e.append(t, []Sample{
		{"cluster:x", "m", t0.Add(time.Second), 1}, {"cluster:x", "m", t0.Add(2 * time.Second), 3},
		{"cluster:x", "m", t0.Add(61 * time.Second), 10},
	})
	want := []Point{{t0, 2, 3}, {t0.Add(time.Minute), 10, 10}}
	samePoints(t, "known values", e.query(t, "cluster:x", "m", t0, end, time.Minute), want)
}

func testQueryArgs(t *testing.T, e *env) {
	e.append(t, []Sample{{"cluster:a", "m", t0, 1}})
	for _, c := range []struct {
		from, to time.Time
		step     time.Duration
	}{
		{t0, t0.Add(time.Hour), 0},
		{t0, t0.Add(time.Hour), -time.Minute},
		{t0, t0.Add(time.Hour), time.Microsecond},
		{t0, t0, time.Minute},
		{t0.Add(time.Hour), t0, time.Minute},
	} {
		if _, err := e.s.QuerySeries(ctx, "cluster:a", "m", c.from, c.to, c.step); err == nil {
			t.Errorf("QuerySeries(%v, %v, %v): no error", c.from, c.to, c.step)
		}
	}
	if err := e.s.AppendSamples(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func testOverwrite(t *testing.T, e *env) {
	e.append(t, []Sample{{"cluster:a", "m", t0, 1}, {"cluster:a", "m", t0, 2}, {"cluster:a", "m", t0.Add(time.Second), math.NaN()}})
	e.append(t, []Sample{{"cluster:a", "m", t0.Add(2 * time.Second), math.Inf(1)}})
	samePoints(t, "in one batch", e.query(t, "cluster:a", "m", t0, t0.Add(time.Minute), time.Minute), []Point{{t0, 2, 2}})
	e.append(t, []Sample{{"cluster:a", "m", t0, 5}})
	samePoints(t, "later batch", e.query(t, "cluster:a", "m", t0, t0.Add(time.Minute), time.Minute), []Point{{t0, 5, 5}})
	if n := e.count(t, "samples"); n != 1 {
		t.Fatalf("%d sample rows, want 1", n)
	}
}

func testRollupsAndRetention(t *testing.T, e *env) {
	// 3 hours of samples every 15 s for two series.
	a := series("broker:p/1", "cpu", t0, 15*time.Second, 720, func(i int) float64 { return float64((i*13)%31) + 0.25 })
	b := series("broker:p/2", "cpu", t0, 15*time.Second, 720, func(i int) float64 { return float64(i % 17) })
	// A burst makes one 5 min bucket hold more samples: 1 h averages must weigh by count.
	a = append(a, series("broker:p/1", "cpu", t0.Add(70*time.Minute+time.Second), time.Second, 14, func(i int) float64 { return 50 + float64(i) })...)
	e.append(t, append(a, b...))
	end := t0.Add(3 * time.Hour)
	check := func(what string) {
		t.Helper()
		for _, step := range []time.Duration{5 * time.Minute, time.Hour, 3 * time.Hour} {
			samePoints(t, fmt.Sprintf("%s, step %v", what, step), e.query(t, "broker:p/1", "cpu", t0, end, step), expect(a, t0, end, step))
			samePoints(t, fmt.Sprintf("%s, step %v, b", what, step), e.query(t, "broker:p/2", "cpu", t0, end, step), expect(b, t0, end, step))
		}
	}

	e.clock.Set(end.Add(2 * time.Minute))
	e.maintain(t)
	if n5, n1 := e.count(t, "rollup_5m"), e.count(t, "rollup_1h"); n5 != 2*36 || n1 != 2*3 {
		t.Fatalf("rollups: %d 5 min, %d 1 h rows; want 72, 6", n5, n1)
	}
	check("raw")

	// Past raw retention: raw rows gone, same answers from the 5 min rollups.
	e.clock.Set(end.Add(48*time.Hour + 10*time.Minute))
	e.maintain(t)
	if n := e.count(t, "samples"); n != 0 {
		t.Fatalf("%d raw rows left after 48 h", n)
	}
	check("5 min")

	// Past 5 min retention: answers from the 1 h rollups, plus recent raw samples that are
	// not rolled up yet.
	now := end.Add(30*24*time.Hour + 2*time.Hour)
	e.clock.Set(now)
	e.maintain(t)
	if n5, n1 := e.count(t, "rollup_5m"), e.count(t, "rollup_1h"); n5 != 0 || n1 != 6 {
		t.Fatalf("after 30 days: %d 5 min, %d 1 h rows; want 0, 6", n5, n1)
	}
	for _, step := range []time.Duration{time.Hour, 3 * time.Hour} {
		samePoints(t, fmt.Sprintf("1 h, step %v", step), e.query(t, "broker:p/1", "cpu", t0, end, step), expect(a, t0, end, step))
	}
	// A 1 h bucket counts in full in the 5 min step holding its start.
	samePoints(t, "1 h, step 5m", e.query(t, "broker:p/1", "cpu", t0, end, 5*time.Minute), expect(a, t0, end, time.Hour))
	recent := series("broker:p/1", "cpu", now.Add(-3*time.Minute), 15*time.Second, 12, func(i int) float64 { return 100 + float64(i) })
	e.append(t, recent)
	e.maintain(t) // their 5 min bucket is not complete: they stay raw
	p := e.query(t, "broker:p/1", "cpu", t0, now, time.Hour)
	want := append(expect(a, t0, end, time.Hour), expect(recent, now.Add(-time.Hour), now, time.Hour)...)
	samePoints(t, "old rollups and recent raw", p, want)

	// Past 1 h retention: nothing left of the old range.
	e.clock.Set(end.Add(366 * 24 * time.Hour))
	e.maintain(t)
	if p := e.query(t, "broker:p/1", "cpu", t0, end, time.Hour); len(p) != 0 {
		t.Fatalf("after a year: %v", p)
	}
}

func testMaintainIdempotent(t *testing.T, e *env) {
	e.maintain(t) // empty store
	a := series("group:p/g", "lag", t0, 20*time.Second, 400, func(i int) float64 { return float64(i % 9) })
	e.append(t, a)
	e.clock.Set(t0.Add(2*time.Hour + 30*time.Minute))
	dump := func() string {
		var s string
		for _, table := range []string{"rollup_5m", "rollup_1h"} {
			rows, err := e.s.(*sqlStore).r.QueryContext(ctx, `SELECT series_id, bucket, avg_v, max_v, n FROM `+table+` ORDER BY 1, 2`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id, b, n int64
				var avg, max float64
				if err := rows.Scan(&id, &b, &avg, &max, &n); err != nil {
					t.Fatal(err)
				}
				s += fmt.Sprintf("%s %d %d %g %g %d\n", table, id, b, avg, max, n)
			}
			rows.Close()
		}
		return s
	}
	e.maintain(t)
	first := dump()
	e.maintain(t)
	e.maintain(t)
	if again := dump(); again != first || first == "" {
		t.Fatalf("Maintain again changed the rollups:\n%s\nthen\n%s", first, again)
	}
	// A new Store on the same database reads the watermarks and does not redo the work.
	e.s = e.open(t)
	e.maintain(t)
	if again := dump(); again != first {
		t.Fatal("Maintain after reopen changed the rollups")
	}
}

// A sample stamped shortly before a bucket's end but written after it ended is still rolled
// up, thanks to the rollup delay.
func testLateSample(t *testing.T, e *env) {
	e.append(t, []Sample{{"cluster:a", "m", t0.Add(time.Minute), 1}})
	e.clock.Set(t0.Add(5*time.Minute + 30*time.Second))
	e.maintain(t)
	e.append(t, []Sample{{"cluster:a", "m", t0.Add(4*time.Minute + 59*time.Second), 3}})
	e.clock.Set(t0.Add(50 * time.Hour))
	e.maintain(t)
	samePoints(t, "from rollups", e.query(t, "cluster:a", "m", t0, t0.Add(time.Hour), 5*time.Minute), []Point{{t0, 2, 3}})
}

func testConcurrentAppend(t *testing.T, e *env) {
	const writers, batches, perSeries = 6, 10, 20
	e.clock.Set(t0.Add(time.Hour))
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				var s []Sample
				for k := range 25 { // series shared by all writers: created concurrently
					for i := range perSeries {
						ts := t0.Add(time.Duration((w*batches+b)*perSeries+i) * time.Second)
						s = append(s, Sample{fmt.Sprintf("topic:p/t%d", k), "bytes", ts, float64(w)})
					}
				}
				if err := e.s.AppendSamples(ctx, s); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := e.count(t, "samples"); n != writers*batches*25*perSeries {
		t.Fatalf("%d samples, want %d", n, writers*batches*25*perSeries)
	}
	if n := e.count(t, "series"); n != 25 {
		t.Fatalf("%d series, want 25", n)
	}
	p := e.query(t, "topic:p/t3", "bytes", t0, t0.Add(time.Hour), time.Hour)
	if len(p) != 1 || !near(p[0].Avg, float64(writers-1)/2) || p[0].Max != writers-1 {
		t.Fatalf("%v", p)
	}
}
