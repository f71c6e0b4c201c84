package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

func (s *Server) auditRoutes(mux *http.ServeMux) {
	mux.Handle("GET /api/v1/audit", s.operator(s.handleAudit()))
}

// handleAudit lists the audit log, newest first (operators and admins): user, cluster (any
// name, also of clusters no longer configured), action (a prefix: topic. for every topic
// operation), from (inclusive) and to (exclusive) as RFC 3339, Unix seconds, now or -24h,
// limit (1-1000, default 100), offset.
func (s *Server) handleAudit() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.URL.Query()
		now := s.now()
		f := store.AuditFilter{User: v.Get("user"), Cluster: v.Get("cluster"), Action: v.Get("action"), Limit: 100}
		var err error
		if f.From, err = parseTime(v.Get("from"), now, time.Time{}); err != nil {
			s.writeError(w, r, errorf(KindBadRequest, "from: "+err.Error()))
			return
		}
		if f.To, err = parseTime(v.Get("to"), now, time.Time{}); err != nil {
			s.writeError(w, r, errorf(KindBadRequest, "to: "+err.Error()))
			return
		}
		if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
			s.writeError(w, r, errorf(KindBadRequest, "to must be after from"))
			return
		}
		if l := v.Get("limit"); l != "" {
			if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 || f.Limit > maxLimit {
				s.writeError(w, r, errorf(KindBadRequest, "limit must be an integer from 1 to "+strconv.Itoa(maxLimit)))
				return
			}
		}
		if o := v.Get("offset"); o != "" {
			if f.Offset, err = strconv.Atoi(o); err != nil || f.Offset < 0 {
				s.writeError(w, r, errorf(KindBadRequest, "offset must be a non-negative integer"))
				return
			}
		}
		if s.auditLog == nil {
			s.writeError(w, r, errorf(KindUnavailable, "no audit log"))
			return
		}
		items, total, err := s.auditLog.ListAudit(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if items == nil {
			items = []store.AuditEntry{}
		}
		writeJSON(w, http.StatusOK, listResponse[store.AuditEntry]{Total: total, Offset: f.Offset, Limit: f.Limit, Items: items})
	}
}
