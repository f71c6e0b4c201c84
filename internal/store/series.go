package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Rollup resolutions, and the delay after its end before a 5 min bucket is rolled up so
// that samples stamped just before they are written still count.
const (
	fiveMin     = int64(5 * time.Minute / time.Millisecond)
	hour        = int64(time.Hour / time.Millisecond)
	rollupDelay = int64(time.Minute / time.Millisecond)
)

// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's parameter limits.
const (
	samplesPerInsert = 1000
	seriesPerInsert  = 500
)

type seriesKey struct{ entity, metric string }

// level is one rollup resolution. 5 min buckets are computed from raw samples; 1 h buckets
// from the 5 min ones (count-weighted average, max of maxes): exact, cheap, and still
// possible once the raw samples are gone.
type level struct {
	table string // rollup table
	size  int64  // bucket length, ms
	mark  string // meta row: start of the first bucket not yet rolled up (the watermark)
	first string // query: earliest time in the source
	src   string // query: (series_id, bucket, avg, max, n) of the source in [?, ?)
}

var levels = [...]level{
	{table: "rollup_5m", size: fiveMin, mark: "rollup_5m_mark",
		first: `SELECT MIN(ts) FROM samples`,
		src: `SELECT series_id, ts - ts % 300000, AVG(value), MAX(value), COUNT(*)
			FROM samples WHERE ts >= ? AND ts < ? GROUP BY 1, 2`},
	{table: "rollup_1h", size: hour, mark: "rollup_1h_mark",
		first: `SELECT MIN(bucket) FROM rollup_5m`,
		src: `SELECT series_id, bucket - bucket % 3600000, SUM(avg_v * n) / SUM(n), MAX(max_v), SUM(n)
			FROM rollup_5m WHERE bucket >= ? AND bucket < ? GROUP BY 1, 2`},
}

type sampleRow struct {
	id, ts int64
	v      float64
}

// AppendSamples writes the samples in one transaction, creating series as needed. A later
// sample of the same series and time replaces an earlier one; NaN and ±Inf are dropped.
func (s *sqlStore) AppendSamples(ctx context.Context, samples []Sample) error {
	if len(samples) == 0 {
		return nil
	}
	ids := make(map[seriesKey]int64)
	var missing []seriesKey
	s.mu.Lock()
	for _, x := range samples {
		k := seriesKey{x.Entity, x.Metric}
		if _, ok := ids[k]; ok {
			continue
		}
		id, ok := s.ids[k]
		if !ok {
			missing = append(missing, k)
		}
		ids[k] = id
	}
	s.mu.Unlock()

	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.createSeries(ctx, tx, missing, ids); err != nil {
			return err
		}
		rows := make([]sampleRow, 0, len(samples))
		for _, x := range samples {
			if !math.IsNaN(x.Value) && !math.IsInf(x.Value, 0) {
				rows = append(rows, sampleRow{ids[seriesKey{x.Entity, x.Metric}], x.Time.UnixMilli(), x.Value})
			}
		}
		return s.insertSamples(ctx, tx, rows)
	})
	if err != nil {
		return fmt.Errorf("store: append samples: %w", err)
	}
	// Only now that they are committed may new ids be cached.
	s.mu.Lock()
	for _, k := range missing {
		s.ids[k] = ids[k]
	}
	s.mu.Unlock()
	return nil
}

// createSeries inserts the missing series (those already there are kept) and sets their ids.
func (s *sqlStore) createSeries(ctx context.Context, tx *sql.Tx, missing []seriesKey, ids map[seriesKey]int64) error {
	// A fixed order keeps concurrent writers (PostgreSQL) from deadlocking on each other.
	slices.SortFunc(missing, func(a, b seriesKey) int {
		return cmp.Or(strings.Compare(a.entity, b.entity), strings.Compare(a.metric, b.metric))
	})
	for chunk := range slices.Chunk(missing, seriesPerInsert) {
		args := make([]any, 0, 2*len(chunk))
		for _, k := range chunk {
			args = append(args, k.entity, k.metric)
		}
		vals := placeholders(len(chunk), 2)
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO series (entity, metric) VALUES `+vals+
			` ON CONFLICT (entity, metric) DO NOTHING`), args...); err != nil {
			return fmt.Errorf("create series: %w", err)
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, entity, metric FROM series
			WHERE (entity, metric) IN (VALUES `+vals+`)`), args...)
		if err != nil {
			return fmt.Errorf("series ids: %w", err)
		}
		for rows.Next() {
			var (
				id int64
				k  seriesKey
			)
			if err := rows.Scan(&id, &k.entity, &k.metric); err != nil {
				rows.Close()
				return fmt.Errorf("series ids: %w", err)
			}
			ids[k] = id
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("series ids: %w", err)
		}
	}
	for _, k := range missing {
		if ids[k] == 0 {
			return fmt.Errorf("series %s %s: no id after insert", k.entity, k.metric)
		}
	}
	return nil
}

// insertSamples upserts rows with multi-row INSERTs, the full-size one prepared once.
func (s *sqlStore) insertSamples(ctx context.Context, tx *sql.Tx, rows []sampleRow) error {
	// Key order helps the B-tree and puts duplicates side by side: keep the last one.
	slices.SortStableFunc(rows, func(a, b sampleRow) int {
		return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.ts, b.ts))
	})
	out := rows[:0]
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].id == r.id && out[n-1].ts == r.ts {
			out[n-1].v = r.v
			continue
		}
		out = append(out, r)
	}
	stmt := func(n int) string {
		return s.q(`INSERT INTO samples (series_id, ts, value) VALUES ` + placeholders(n, 3) +
			` ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value`)
	}
	var full *sql.Stmt
	args := make([]any, 0, 3*samplesPerInsert)
	for chunk := range slices.Chunk(out, samplesPerInsert) {
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r.id, r.ts, r.v)
		}
		var err error
		if len(chunk) < samplesPerInsert {
			_, err = tx.ExecContext(ctx, stmt(len(chunk)), args...)
		} else {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, stmt(samplesPerInsert)); err != nil {
					return fmt.Errorf("insert samples: %w", err)
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("insert samples: %w", err)
		}
	}
	return nil
}

// seriesID returns the id of a series, 0 if it does not exist.
func (s *sqlStore) seriesID(ctx context.Context, k seriesKey) (int64, error) {
	s.mu.Lock()
	id, ok := s.ids[k]
	s.mu.Unlock()
	if ok {
		return id, nil
	}
	err := s.r.QueryRowContext(ctx, s.q(`SELECT id FROM series WHERE entity = ? AND metric = ?`),
		k.entity, k.metric).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.ids[k] = id
	s.mu.Unlock()
	return id, nil
}

// QuerySeries aggregates one series into step buckets aligned on multiples of step since the
// Unix epoch. The resolution is the finest whose retention still covers from; at a rollup
// resolution, the time after its watermark (not rolled up yet) comes from the finer
// resolutions, down to raw samples, so recent points are never missing. A rollup bucket
// counts in full in the step holding its start.
func (s *sqlStore) QuerySeries(ctx context.Context, entity, metric string, from, to time.Time, step time.Duration) ([]Point, error) {
	if step <= 0 || step%time.Millisecond != 0 {
		return nil, fmt.Errorf("store: query series: step %v is not a positive number of milliseconds", step)
	}
	if !to.After(from) {
		return nil, fmt.Errorf("store: query series: empty range [%v, %v)", from, to)
	}
	id, err := s.seriesID(ctx, seriesKey{entity, metric})
	if err != nil {
		return nil, fmt.Errorf("store: query series %s %s: %w", entity, metric, err)
	}
	points := []Point{}
	if id == 0 {
		return points, nil
	}
	lo, hi, now := from.UnixMilli(), to.UnixMilli(), s.now().UnixMilli()
	res := 0 // resolution: 0 raw, else levels[res-1]
	if lo < now-s.ret.Raw.Milliseconds() {
		res = 1
	}
	if lo < now-s.ret.FiveMin.Milliseconds() {
		res = 2
	}
	var parts []string
	var args []any
	for i := res - 1; i >= 0; i-- {
		mark, ok, err := getMeta(ctx, s.r, s, levels[i].mark)
		if err != nil {
			return nil, fmt.Errorf("store: query series: %w", err)
		}
		if end := min(mark, hi); ok && end > lo {
			parts = append(parts, `SELECT bucket AS t, avg_v * n AS s, max_v AS m, n AS c FROM `+levels[i].table+
				` WHERE series_id = ? AND bucket >= ? AND bucket < ?`)
			args = append(args, id, lo, end)
			lo = end
		}
	}
	if lo < hi {
		parts = append(parts, `SELECT ts AS t, value AS s, value AS m, 1 AS c FROM samples
			WHERE series_id = ? AND ts >= ? AND ts < ?`)
		args = append(args, id, lo, hi)
	}
	stepMS := step.Milliseconds()
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT t - t % ? AS b, SUM(s), MAX(m), SUM(c) FROM (`+
		strings.Join(parts, " UNION ALL ")+`) AS x GROUP BY 1 ORDER BY 1`), append([]any{stepMS}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: query series %s %s: %w", entity, metric, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			b               int64
			sum, max, count float64
		)
		if err := rows.Scan(&b, &sum, &max, &count); err != nil {
			return nil, fmt.Errorf("store: query series %s %s: %w", entity, metric, err)
		}
		if count > 0 {
			points = append(points, Point{Time: fromMS(b), Avg: sum / count, Max: max})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: query series %s %s: %w", entity, metric, err)
	}
	return points, nil
}

// Maintain rolls up every complete bucket past its level's watermark, moves the
// watermarks, then deletes what is past retention (never data not rolled up yet), all in
// one transaction.
func (s *sqlStore) Maintain(ctx context.Context) error {
	now := s.now().UnixMilli()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx, lockMaintain); err != nil {
			return err
		}
		var marks [len(levels)]int64
		var rolled [len(levels)]bool
		upto := now - rollupDelay
		for i, lv := range levels {
			upto -= upto % lv.size // a 1 h bucket is complete once its 5 min buckets are
			mark, ok, err := s.rollup(ctx, tx, lv, upto)
			if err != nil {
				return fmt.Errorf("%s: %w", lv.table, err)
			}
			if !ok {
				break
			}
			marks[i], rolled[i], upto = mark, true, mark
		}
		deletes := []struct {
			what       string
			table, col string
			before     int64
			ok         bool
		}{
			{"raw samples", "samples", "ts", min(now-s.ret.Raw.Milliseconds(), marks[0]), rolled[0]},
			// a bucket goes once it ended before the cutoff
			{"5 min rollups", "rollup_5m", "bucket", min(now-s.ret.FiveMin.Milliseconds(), marks[1]) - fiveMin + 1, rolled[1]},
			{"1 h rollups", "rollup_1h", "bucket", now - s.ret.Hour.Milliseconds() - hour + 1, true},
		}
		for _, d := range deletes {
			if !d.ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM `+d.table+` WHERE `+d.col+` < ?`), d.before); err != nil {
				return fmt.Errorf("delete %s: %w", d.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: maintain: %w", err)
	}
	return nil
}

// rollup rolls lv's complete buckets in [watermark, upto) up and returns the new watermark;
// ok is false when the source is empty and nothing was ever rolled up.
func (s *sqlStore) rollup(ctx context.Context, tx *sql.Tx, lv level, upto int64) (mark int64, ok bool, err error) {
	mark, ok, err = getMeta(ctx, tx, s, lv.mark)
	if err != nil {
		return 0, false, err
	}
	if !ok {
		var first sql.NullInt64
		if err := tx.QueryRowContext(ctx, lv.first).Scan(&first); err != nil {
			return 0, false, err
		}
		if !first.Valid {
			return 0, false, nil
		}
		mark = first.Int64 - first.Int64%lv.size
	}
	if mark >= upto {
		return mark, ok, nil
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO `+lv.table+` (series_id, bucket, avg_v, max_v, n) `+lv.src+
		` ON CONFLICT (series_id, bucket) DO UPDATE SET avg_v = excluded.avg_v, max_v = excluded.max_v, n = excluded.n`),
		mark, upto); err != nil {
		return 0, false, err
	}
	return upto, true, setMeta(ctx, tx, s, lv.mark, upto)
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func getMeta(ctx context.Context, q queryer, s *sqlStore, name string) (v int64, ok bool, err error) {
	err = q.QueryRowContext(ctx, s.q(`SELECT value FROM meta WHERE name = ?`), name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("meta %s: %w", name, err)
	}
	return v, true, nil
}

func setMeta(ctx context.Context, q queryer, s *sqlStore, name string, v int64) error {
	_, err := q.ExecContext(ctx, s.q(`INSERT INTO meta (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`), name, v)
	if err != nil {
		return fmt.Errorf("meta %s: %w", name, err)
	}
	return nil
}
