package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/operate"
)

// securityRoutes: ACLs (list: viewer; change: operator), SCRAM users (admin for every call)
// and client quotas (list: viewer; change: operator).
func (s *Server) securityRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/acls", s.handleListACLs())
	mux.Handle("POST /api/v1/clusters/{cluster}/acls", s.operator(s.handleCreateACL()))
	mux.Handle("DELETE /api/v1/clusters/{cluster}/acls", s.operator(s.handleDeleteACLs()))
	mux.Handle("GET /api/v1/clusters/{cluster}/scram-users", s.admin(s.handleListSCRAMUsers()))
	mux.Handle("POST /api/v1/clusters/{cluster}/scram-users", s.admin(s.handleCreateSCRAMUser()))
	mux.Handle("PUT /api/v1/clusters/{cluster}/scram-users/{name}", s.admin(s.handleUpdateSCRAMUser()))
	mux.Handle("DELETE /api/v1/clusters/{cluster}/scram-users/{name}", s.admin(s.handleDeleteSCRAMUser()))
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/quotas", s.handleListQuotas())
	mux.Handle("PUT /api/v1/clusters/{cluster}/quotas", s.operator(s.handleAlterQuotas()))
}

// securityTimeout bounds one security operation's Kafka calls.
const securityTimeout = 30 * time.Second

// securityClient is the Kafka client of the cluster in the path, with a bounded context.
func (s *Server) securityClient(r *http.Request) (string, *kafka.Client, context.Context, context.CancelFunc, error) {
	c, err := s.kafkaOf(r)
	if err != nil {
		return "", nil, nil, nil, err
	}
	cl := c.Client()
	if cl == nil {
		return "", nil, nil, nil, errorf(KindUnavailable, "cluster "+quote(c.Name())+" has no Kafka client for operations")
	}
	ctx, cancel := context.WithTimeout(r.Context(), securityTimeout)
	return c.Name(), cl, ctx, cancel, nil
}

// queryDryRun reads ?dry_run=true (DELETE has no body).
func secDryRun(r *http.Request) (bool, error) {
	v := r.URL.Query().Get("dry_run")
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errorf(KindBadRequest, "dry_run must be true or false")
	}
	return b, nil
}

func aclFilterOf(r *http.Request) operate.ACLFilter {
	q := r.URL.Query()
	return operate.ACLFilter{Principal: q.Get("principal"), Host: q.Get("host"), ResourceType: q.Get("resource_type"),
		ResourceName: q.Get("resource_name"), PatternType: q.Get("pattern_type"), Operation: q.Get("operation"),
		Permission: q.Get("permission")}
}

func aclTarget(principal, resourceType, resourceName string) string {
	t := principal
	if resourceType != "" || resourceName != "" {
		if t != "" {
			t += " "
		}
		t += resourceType + ":" + resourceName
	}
	return t
}

func (s *Server) handleListACLs() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		acls, err := operate.ListACLs(ctx, cl.Kgo(), aclFilterOf(r))
		s.answer(w, r, http.StatusOK, map[string]any{"acls": acls, "total": len(acls)}, err)
	}
}

func (s *Server) handleCreateACL() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			operate.ACL
			DryRun bool `json:"dry_run"`
		}
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		name, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		plan, err := operate.CreateACL(ctx, cl.Kgo(), req.ACL, req.DryRun)
		s.audit(r, name, "acl.create", aclTarget(req.Principal, req.ResourceType, req.ResourceName), req.DryRun, req, plan, err)
		s.answer(w, r, secCreated(req.DryRun), plan, err)
	}
}

// createdOr is 201 for a creation, 200 for its dry run.
func secCreated(dryRun bool) int {
	if dryRun {
		return http.StatusOK
	}
	return http.StatusCreated
}

func (s *Server) handleDeleteACLs() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := aclFilterOf(r)
		dryRun, err := secDryRun(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		// The filter may come as a JSON body instead, sent with a length or chunked: read
		// whatever body there is (an empty one is none), so a body's dry_run is never missed.
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(raw) > maxBody {
			s.writeError(w, r, errorf(KindBadRequest, "the body could not be read or is too large"))
			return
		}
		if len(bytes.TrimSpace(raw)) > 0 {
			var body struct {
				operate.ACLFilter
				DryRun bool `json:"dry_run"`
			}
			r.Body = io.NopCloser(bytes.NewReader(raw))
			if err := decode(r, &body); err != nil {
				s.writeError(w, r, err)
				return
			}
			if f != (operate.ACLFilter{}) {
				s.writeError(w, r, errorf(KindBadRequest, "give the filter in the query or in the body, not both"))
				return
			}
			f, dryRun = body.ACLFilter, dryRun || body.DryRun
		}
		name, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		plan, err := operate.DeleteACLs(ctx, cl.Kgo(), f, dryRun)
		s.audit(r, name, "acl.delete", aclTarget(f.Principal, f.ResourceType, f.ResourceName), dryRun, f, plan, err)
		s.answer(w, r, http.StatusOK, plan, err)
	}
}

func (s *Server) handleListSCRAMUsers() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		users, err := operate.ListSCRAMUsers(ctx, cl.Admin)
		s.answer(w, r, http.StatusOK, map[string]any{"users": users, "total": len(users)}, err)
	}
}

// scramBody is a SCRAM request; its password goes to Kafka only, never to a log, the audit
// log or an answer.
type scramBody struct {
	operate.SCRAMRequest
	DryRun bool `json:"dry_run"`
}

func (b scramBody) redacted() scramBody {
	b.SCRAMRequest = b.SCRAMRequest.Redacted()
	return b
}

func (s *Server) handleCreateSCRAMUser() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req scramBody
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		name, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		plan, err := operate.CreateSCRAMUser(ctx, cl.Admin, req.SCRAMRequest, req.DryRun)
		s.audit(r, name, "scram.create", req.Name, req.DryRun, req.redacted(), plan, err)
		s.answer(w, r, secCreated(req.DryRun), plan, err)
	}
}

func (s *Server) handleUpdateSCRAMUser() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Mechanism  string `json:"mechanism"`
			Password   string `json:"password"`
			Iterations int32  `json:"iterations"`
			DryRun     bool   `json:"dry_run"`
		}
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		body := scramBody{SCRAMRequest: operate.SCRAMRequest{Name: r.PathValue("name"), Mechanism: req.Mechanism,
			Password: req.Password, Iterations: req.Iterations}, DryRun: req.DryRun}
		name, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		plan, err := operate.UpdateSCRAMUser(ctx, cl.Admin, body.SCRAMRequest, body.DryRun)
		s.audit(r, name, "scram.update", body.Name, body.DryRun, body.redacted(), plan, err)
		s.answer(w, r, http.StatusOK, plan, err)
	}
}

func (s *Server) handleDeleteSCRAMUser() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		dryRun, err := secDryRun(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		user, mech := r.PathValue("name"), r.URL.Query().Get("mechanism")
		name, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		plan, err := operate.DeleteSCRAMUser(ctx, cl.Admin, user, mech, dryRun)
		s.audit(r, name, "scram.delete", user, dryRun, map[string]any{"name": user, "mechanism": mech}, plan, err)
		s.answer(w, r, http.StatusOK, plan, err)
	}
}

func (s *Server) handleListQuotas() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		q := r.URL.Query()
		qs, err := operate.ListQuotas(ctx, cl.Admin, operate.QuotaFilter{User: q.Get("user"), ClientID: q.Get("client_id")})
		s.answer(w, r, http.StatusOK, map[string]any{"quotas": qs, "total": len(qs)}, err)
	}
}

type quotaBody struct {
	User     *string            `json:"user,omitempty"`
	ClientID *string            `json:"client_id,omitempty"`
	Default  bool               `json:"default,omitempty"` // alone: the default user entity
	Set      map[string]float64 `json:"set,omitempty"`
	Remove   []string           `json:"remove,omitempty"`
	DryRun   bool               `json:"dry_run"`
}

func (s *Server) handleAlterQuotas() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req quotaBody
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		e := operate.QuotaEntity{User: req.User, ClientID: req.ClientID}
		if req.Default {
			if e.User != nil || e.ClientID != nil {
				s.writeError(w, r, errorf(KindBadRequest, `"default": true stands alone (the default user); for a default in a pair write "`+operate.DefaultEntity+`" as the name`))
				return
			}
			def := operate.DefaultEntity
			e.User = &def
		}
		name, cl, ctx, cancel, err := s.securityClient(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		defer cancel()
		plan, err := operate.AlterQuotas(ctx, cl.Admin, operate.QuotaChange{Entity: e, Set: req.Set, Remove: req.Remove}, req.DryRun)
		s.audit(r, name, "quota.alter", e.String(), req.DryRun, req, plan, err)
		s.answer(w, r, http.StatusOK, plan, err)
	}
}
