package fleet

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
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
	// The checks' one-hour windows are read fresh; only longer ones are cached.
	long := t.Sub(since) > 2*time.Hour
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
	// A counter's bucket average falls part way when it resets inside the bucket (a broker
	// restart), which would read as a burst; its maximum only steps down where it reset.
	counter := strings.HasSuffix(metric, "_total")
	out := make([]analyze.Point, len(pts))
	for i, p := range pts {
		v := p.Avg
		if counter {
			v = p.Max
		}
		out[i] = analyze.Point{Time: p.Time, Value: v}
	}
	if long {
		h.mu.Lock()
		if h.cache == nil || len(h.cache) > 100000 {
			h.cache = map[string]cached{}
		}
		// Spread the expiries so series cached in one cycle are not all read again in one.
		h.cache[key] = cached{at: t.Add(-time.Duration(rand.Int64N(int64(cacheTTL / 2)))), since: since, pts: out}
		h.mu.Unlock()
	}
	return out
}
