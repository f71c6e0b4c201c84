package fleet

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/store"
)

// StoreHistory reads the checks' history from the metric store, one point per Step (the
// average of the samples in it).
type StoreHistory struct {
	Series  store.Series
	Step    time.Duration
	Timeout time.Duration // per query, default 5s
	Now     func() time.Time
	Log     *slog.Logger

	mu    sync.Mutex
	cache map[string]cached // long ranges (over an hour), kept cacheTTL
}

type cached struct {
	at, since time.Time
	pts       []analyze.Point
}

// cacheTTL: a range longer than an hour (unused topics look back 7 days) is queried again
// at most this often per series; the checks add the current value themselves.
const cacheTTL = 10 * time.Minute

// Points implements analyze.History; a failed query is logged and gives no points.
func (h *StoreHistory) Points(entity, metric string, since time.Time) []analyze.Point {
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	t := now()
	long := t.Sub(since) > time.Hour
	key := entity + "\x00" + metric
	if long {
		h.mu.Lock()
		c, ok := h.cache[key]
		h.mu.Unlock()
		if ok && t.Sub(c.at) < cacheTTL && !since.Before(c.since) {
			return c.pts
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// At most about 500 points, however long the range.
	step := max(h.Step, t.Sub(since)/500, time.Second).Truncate(time.Second)
	pts, err := h.Series.QuerySeries(ctx, entity, metric, since, t.Add(time.Second), step)
	if err != nil {
		if h.Log != nil {
			h.Log.Warn("history query failed", "entity", entity, "metric", metric, "err", err)
		}
		return nil
	}
	out := make([]analyze.Point, len(pts))
	for i, p := range pts {
		out[i] = analyze.Point{Time: p.Time, Value: p.Avg}
	}
	if long {
		h.mu.Lock()
		if h.cache == nil || len(h.cache) > 100000 {
			h.cache = map[string]cached{}
		}
		h.cache[key] = cached{at: t, since: since, pts: out}
		h.mu.Unlock()
	}
	return out
}
