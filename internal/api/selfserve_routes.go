package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/selfserve"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Self-service (issue 8): teams, applications, requests and approvals, discovery, regions.
// Who may do what is decided in package selfserve; viewers may write here (viewerWrites).

const selfServeTimeout = 90 * time.Second

func (s *Server) selfServeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/teams", s.ss(s.handleTeams))
	mux.Handle("POST /api/v1/teams", s.admin(s.ss(s.handleCreateTeam)))
	mux.Handle("DELETE /api/v1/teams/{team}", s.admin(s.ss(s.handleDeleteTeam)))
	mux.Handle("PUT /api/v1/teams/{team}/members/{user}", s.admin(s.ss(s.handleSetMember(true))))
	mux.Handle("DELETE /api/v1/teams/{team}/members/{user}", s.admin(s.ss(s.handleSetMember(false))))
	mux.HandleFunc("GET /api/v1/applications", s.ss(s.handleApplications))
	mux.HandleFunc("POST /api/v1/applications", s.ss(s.handleCreateApplication))
	mux.HandleFunc("GET /api/v1/applications/{app}", s.ss(s.handleApplication))
	mux.HandleFunc("DELETE /api/v1/applications/{app}", s.ss(s.handleDeleteApplication))
	mux.HandleFunc("POST /api/v1/applications/{app}/credentials/{cluster}", s.ss(s.handleRotate))
	mux.HandleFunc("GET /api/v1/requests", s.ss(s.handleRequests))
	mux.HandleFunc("POST /api/v1/requests", s.ss(s.handleCreateRequest))
	mux.HandleFunc("GET /api/v1/requests/{id}", s.ss(s.handleRequest))
	mux.HandleFunc("POST /api/v1/requests/{id}/approve", s.ss(s.handleDecide(true)))
	mux.HandleFunc("POST /api/v1/requests/{id}/reject", s.ss(s.handleDecide(false)))
	mux.HandleFunc("POST /api/v1/requests/{id}/cancel", s.ss(s.handleCancelRequest))
	mux.HandleFunc("POST /api/v1/requests/{id}/retry", s.ss(s.handleRetryRequest))
	mux.HandleFunc("GET /api/v1/discovery/{app}", s.ss(s.handleDiscovery))
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/regions", s.handleRegions())
	mux.Handle("PUT /api/v1/clusters/{cluster}/topics/{topic}/owner", s.operator(s.ss(s.handleSetOwner)))
}

// ssHandler is a self-service handler: the actor (the user with their teams) given.
type ssHandler func(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor)

// ss runs h with a bounded context and the request's actor; 503 without self-service.
func (s *Server) ss(h ssHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.selfServe == nil {
			s.writeError(w, r, errorf(KindUnavailable, "self-service is not available (no store)"))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), selfServeTimeout)
		defer cancel()
		var a selfserve.Actor
		if p := principal(r); p != nil {
			var err error
			if a, err = s.selfServe.Actor(ctx, p.User, p.Role); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		h(w, r, ctx, a)
	}
}

func (s *Server) handleTeams(w http.ResponseWriter, r *http.Request, ctx context.Context, _ selfserve.Actor) {
	ts, err := s.selfServe.Teams(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"teams": ts})
}

func (s *Server) handleCreateTeam(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	var body struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	if err := decode(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := s.selfServe.CreateTeam(ctx, a, body.Name, body.Description)
	s.audit(r, "", "team.create", body.Name, false, body, t, err)
	s.answer(w, r, http.StatusCreated, t, err)
}

func (s *Server) handleDeleteTeam(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	name := r.PathValue("team")
	err := s.selfServe.DeleteTeam(ctx, a, name)
	s.audit(r, "", "team.delete", name, false, nil, nil, err)
	s.answer(w, r, http.StatusOK, map[string]string{"deleted": name}, err)
}

func (s *Server) handleSetMember(member bool) ssHandler {
	return func(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
		team, user := r.PathValue("team"), r.PathValue("user")
		err := s.selfServe.SetMember(ctx, a, team, user, member)
		action := "team.add_member"
		if !member {
			action = "team.remove_member"
		}
		s.audit(r, "", action, team+"/"+user, false, nil, nil, err)
		s.answer(w, r, http.StatusOK, map[string]any{"team": team, "user": user, "member": member}, err)
	}
}

func (s *Server) handleApplications(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	apps, err := s.selfServe.Applications(ctx, a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	type view struct {
		store.Application
		Mine bool `json:"mine"` // of one of the caller's teams
	}
	out := make([]view, 0, len(apps))
	for _, app := range apps {
		out = append(out, view{Application: app, Mine: a.InTeam(app.Team)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"applications": out, "teams": a.Teams})
}

func (s *Server) handleCreateApplication(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	var body struct {
		Name        string `json:"name"`
		Team        string `json:"team"`
		Description string `json:"description"`
	}
	if err := decode(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	app, err := s.selfServe.CreateApplication(ctx, a, body.Name, body.Team, body.Description)
	s.audit(r, "", "application.create", body.Name, false, body, app, err)
	s.answer(w, r, http.StatusCreated, app, err)
}

func (s *Server) handleApplication(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	v, err := s.selfServe.Application(ctx, a, r.PathValue("app"))
	if v != nil {
		s.appRates(v)
	}
	s.answer(w, r, http.StatusOK, v, err)
}

func (s *Server) handleDeleteApplication(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	name := r.PathValue("app")
	err := s.selfServe.DeleteApplication(ctx, a, name)
	s.audit(r, "", "application.delete", name, false, nil, nil, err)
	s.answer(w, r, http.StatusOK, map[string]string{"deleted": name}, err)
}

// handleRotate creates or rotates an application's credential on a cluster; the password is
// in this answer only (and never in the audit log).
func (s *Server) handleRotate(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	app, cluster := r.PathValue("app"), r.PathValue("cluster")
	sec, err := s.selfServe.Rotate(ctx, a, app, cluster)
	var result any
	if sec != nil {
		result = map[string]any{"username": sec.Username, "mechanism": sec.Mechanism, "rotated": sec.Rotated}
	}
	s.audit(r, cluster, "application.credential", app, false, nil, result, err)
	s.answer(w, r, http.StatusCreated, sec, err)
}

func (s *Server) handleRequests(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	v := r.URL.Query()
	f := store.RequestFilter{State: v.Get("state"), Kind: v.Get("kind"), Cluster: v.Get("cluster"), Application: v.Get("application"), Limit: 100}
	for _, p := range []struct {
		name string
		to   *int
		max  int
	}{{"limit", &f.Limit, 1000}, {"offset", &f.Offset, 1 << 30}} {
		if q := v.Get(p.name); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n < 0 || n > p.max || (p.name == "limit" && n == 0) {
				s.writeError(w, r, errorf(KindBadRequest, p.name+" must be an integer from "+map[bool]string{true: "1", false: "0"}[p.name == "limit"]+" to "+strconv.Itoa(p.max)))
				return
			}
			*p.to = n
		}
	}
	rs, total, err := s.selfServe.List(ctx, a, v.Get("scope"), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": rs, "total": total})
}

func (s *Server) handleCreateRequest(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	var body struct {
		selfserve.Spec
		Apply bool `json:"apply"` // admins: approve and apply at once
	}
	if err := decode(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.selfServe.Create(ctx, a, body.Spec, body.Apply)
	action := "request.create"
	if body.Apply {
		action = "request.apply"
	}
	s.audit(r, body.Cluster, action, body.Kind+" "+body.Topic, false, body, reqResult(v), err)
	s.answer(w, r, http.StatusCreated, v, err)
}

func reqResult(v *selfserve.RequestView) any {
	if v == nil {
		return nil
	}
	return map[string]any{"id": v.ID, "state": v.State, "error": v.Error}
}

func (s *Server) requestID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.writeError(w, r, errorf(KindBadRequest, "the request id must be a positive integer"))
		return 0, false
	}
	return id, true
}

func (s *Server) handleRequest(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	if id, ok := s.requestID(w, r); ok {
		v, err := s.selfServe.Get(ctx, a, id)
		s.answer(w, r, http.StatusOK, v, err)
	}
}

func (s *Server) handleDecide(approve bool) ssHandler {
	return func(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
		id, ok := s.requestID(w, r)
		if !ok {
			return
		}
		var body struct {
			Comment string `json:"comment"`
		}
		if r.ContentLength != 0 {
			if err := decode(r, &body); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		v, err := s.selfServe.Decide(ctx, a, id, approve, body.Comment)
		action := "request.reject"
		if approve {
			action = "request.approve"
		}
		s.audit(r, clusterOf(v), action, strconv.FormatInt(id, 10), false, body, reqResult(v), err)
		s.answer(w, r, http.StatusOK, v, err)
	}
}

func clusterOf(v *selfserve.RequestView) string {
	if v == nil {
		return ""
	}
	return v.Cluster
}

func (s *Server) handleCancelRequest(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	if id, ok := s.requestID(w, r); ok {
		v, err := s.selfServe.Cancel(ctx, a, id)
		s.audit(r, clusterOf(v), "request.cancel", strconv.FormatInt(id, 10), false, nil, reqResult(v), err)
		s.answer(w, r, http.StatusOK, v, err)
	}
}

func (s *Server) handleRetryRequest(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	if id, ok := s.requestID(w, r); ok {
		v, err := s.selfServe.Retry(ctx, a, id)
		s.audit(r, clusterOf(v), "request.retry", strconv.FormatInt(id, 10), false, nil, reqResult(v), err)
		s.answer(w, r, http.StatusOK, v, err)
	}
}

// handleDiscovery answers an application authenticated with HTTP Basic as itself (its name
// and the password of one of its credentials), or a user of its team or the Kafka team.
func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request, ctx context.Context, _ selfserve.Actor) {
	app := r.PathValue("app")
	if name, pw, ok := r.BasicAuth(); ok && name == app {
		// Failures count per application and client address: guessing is slow, and someone
		// else's guesses do not lock the application out.
		who := app + " " + clientHost(r)
		if no, wait := s.discoveryFails.blocked(who, s.now()); no {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			s.writeError(w, r, errorf(KindTooManyRequests, "too many wrong passwords for application "+quote(app)+"; try again later"))
			return
		}
		if err := s.selfServe.AuthenticateApp(ctx, app, pw); err != nil {
			var oe *operate.Error
			if !errors.As(err, &oe) {
				s.writeError(w, r, err) // the store failed: not the caller's fault
				return
			}
			if oe.Kind == operate.Forbidden { // an existing application's wrong password
				s.discoveryFails.fail(who, s.now())
			}
			w.Header().Set("WWW-Authenticate", `Basic realm="gregor discovery"`)
			s.writeError(w, r, errorf(KindUnauthorized, "wrong application name or password"))
			return
		}
		s.discoveryFails.reset(who)
	} else {
		p, err := s.auth.Authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		a, err := s.selfServe.Actor(ctx, p.User, p.Role)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if _, err := s.selfServe.Application(ctx, a, app); err != nil {
			s.writeError(w, r, err)
			return
		}
		if !a.KafkaTeam() && !s.selfServe.IsMember(ctx, a, app) {
			s.writeError(w, r, errorf(KindForbidden, "only the application itself, its team or the Kafka team see its discovery"))
			return
		}
	}
	d, err := s.selfServe.Discover(ctx, app)
	s.answer(w, r, http.StatusOK, d, err)
}

func (s *Server) handleSetOwner(w http.ResponseWriter, r *http.Request, ctx context.Context, a selfserve.Actor) {
	var body struct {
		Application string `json:"application"`
		Region      string `json:"region"`
	}
	if err := decode(r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	cluster, topic := r.PathValue("cluster"), r.PathValue("topic")
	o, err := s.selfServe.SetOwner(ctx, a, cluster, topic, body.Application, body.Region)
	s.audit(r, cluster, "topic.set_owner", topic, false, body, o, err)
	s.answer(w, r, http.StatusOK, o, err)
}

// clientHost is the address the request came from (without the port).
func clientHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}
