package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/store"
)

// audit writes one operation to the audit log: the caller, the cluster, the action
// ("topic.create"), its target, the request (the caller passes it with secrets removed), the
// result or the error. A failure to write is logged; it does not undo the operation.
func (s *Server) audit(r *http.Request, cluster, action, target string, dryRun bool, request, result any, opErr error) {
	if s.auditLog == nil {
		return
	}
	e := store.AuditEntry{Time: s.now(), Cluster: cluster, Action: action, Target: target, DryRun: dryRun}
	if p := principal(r); p != nil {
		e.User, e.Role = p.User, p.Role
	}
	if request != nil {
		b, _ := json.Marshal(request)
		e.Request = string(b)
	}
	if result != nil && opErr == nil {
		b, _ := json.Marshal(result)
		e.Result = string(b)
	}
	if opErr != nil {
		e.Error = opErr.Error()
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if err := s.auditLog.AppendAudit(ctx, e); err != nil {
		s.log.Error("audit log write failed", "action", action, "cluster", cluster, "err", err)
	}
}

// operateErr maps operate's errors onto API kinds (their messages are for users).
func operateErr(err error) error {
	var oe *operate.Error
	if !errors.As(err, &oe) {
		return err
	}
	k := map[operate.Kind]Kind{operate.Invalid: KindBadRequest, operate.NotFound: KindNotFound, operate.Conflict: KindConflict,
		operate.Forbidden: KindForbidden, operate.Unavailable: KindUnavailable}[oe.Kind]
	if k == 0 {
		k = KindBadRequest
	}
	return errorf(k, oe.Msg)
}

// kafkaOf is the cluster named in the path, for operations (no snapshot needed).
func (s *Server) kafkaOf(r *http.Request) (Cluster, error) {
	name := r.PathValue("cluster")
	c, ok := s.byName[name]
	if !ok {
		return nil, errorf(KindNotFound, "no cluster named "+quote(name))
	}
	return c, nil
}
