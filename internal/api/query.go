package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// handleQuery serves history for charts: entity, metric, from, to (RFC 3339, Unix seconds, or
// relative like -6h; default the last hour up to now) and step (a duration; default the range
// over 300 points, at least 15s).
func (s *Server) handleQuery() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.URL.Query()
		entity, metric := v.Get("entity"), v.Get("metric")
		if entity == "" || metric == "" {
			s.writeError(w, r, errorf(KindBadRequest, "entity and metric are required, e.g. entity=topic:prod/orders&metric=messages_in_per_sec"))
			return
		}
		now := s.now()
		from, err := parseTime(v.Get("from"), now, now.Add(-time.Hour))
		if err != nil {
			s.writeError(w, r, errorf(KindBadRequest, "from: "+err.Error()))
			return
		}
		to, err := parseTime(v.Get("to"), now, now)
		if err != nil {
			s.writeError(w, r, errorf(KindBadRequest, "to: "+err.Error()))
			return
		}
		if !to.After(from) {
			s.writeError(w, r, errorf(KindBadRequest, "to must be after from"))
			return
		}
		step := max(to.Sub(from)/300, 15*time.Second).Truncate(time.Second)
		if st := v.Get("step"); st != "" {
			if step, err = time.ParseDuration(st); err != nil || step < time.Second || step%time.Millisecond != 0 {
				s.writeError(w, r, errorf(KindBadRequest, "step must be a duration of at least 1s in whole milliseconds, e.g. 60s"))
				return
			}
		}
		if to.Sub(from)/step > 11000 {
			s.writeError(w, r, errorf(KindBadRequest, "too many points: widen step or narrow the range (at most 11000 points)"))
			return
		}
		if s.series == nil {
			s.writeError(w, r, errorf(KindUnavailable, "no history store"))
			return
		}
		pts, err := s.series.QuerySeries(r.Context(), entity, metric, from, to, step)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"entity": entity, "metric": metric, "from": from, "to": to,
			"step_seconds": step.Seconds(), "points": pts})
	}
}

func parseTime(s string, now, def time.Time) (time.Time, error) {
	switch {
	case s == "":
		return def, nil
	case s == "now":
		return now, nil
	case strings.HasPrefix(s, "-"):
		d, err := time.ParseDuration(s[1:])
		if err != nil || d < 0 {
			return time.Time{}, errorf(KindBadRequest, "relative time must look like -1h or -30m")
		}
		return now.Add(-d), nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > 1<<40 {
			return time.Time{}, errorf(KindBadRequest, "unix time out of range")
		}
		return time.Unix(n, 0), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errorf(KindBadRequest, "want RFC 3339 (2026-01-02T15:04:05Z), Unix seconds, or -1h")
	}
	return t, nil
}
