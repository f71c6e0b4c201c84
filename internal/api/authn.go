package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/store"
)

// maxBody bounds request bodies.
const maxBody = 1 << 20

// decode reads a JSON body strictly: unknown fields, trailing data and bodies over maxBody
// are refused with a message saying what is wrong.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errorf(KindBadRequest, "a JSON body is required")
		}
		return errorf(KindBadRequest, "invalid JSON body: "+err.Error())
	}
	if dec.More() {
		return errorf(KindBadRequest, "invalid JSON body: more than one value")
	}
	return nil
}

// isPublic: health, readiness, Prometheus metrics, logging in and out, and the UI's files
// need no user.
func isPublic(r *http.Request) bool {
	switch r.URL.Path {
	case "/healthz", "/readyz", "/metrics":
		return r.Method == http.MethodGet || r.Method == http.MethodHead
	case "/api/v1/auth/login", "/api/v1/auth/logout":
		return r.Method == http.MethodPost
	case "/api/v1/auth/oidc", "/api/v1/auth/oidc/login", "/api/v1/auth/oidc/callback":
		return r.Method == http.MethodGet
	}
	// Discovery authenticates the application itself (or a user) in its handler.
	if strings.HasPrefix(r.URL.Path, "/api/v1/discovery/") {
		return r.Method == http.MethodGet
	}
	// The web UI's files are public (the app itself logs in through the API).
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.HasPrefix(r.URL.Path, "/api/")
}

// viewerWrites are the writes a viewer may send: self-service (applications, requests); the
// handlers check who may do what.
func viewerWrites(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/v1/applications") || strings.HasPrefix(r.URL.Path, "/api/v1/requests")
}

func principal(r *http.Request) *auth.Principal {
	p, _ := auth.PrincipalFrom(r.Context())
	return p
}

type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

type sessionView struct {
	User      string     `json:"user"`
	Role      store.Role `json:"role"`
	Method    string     `json:"method"`
	CSRFToken string     `json:"csrf_token,omitempty"`
}

func (s *Server) handleLogin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req loginRequest
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		cookie, csrf, err := s.auth.Login(r.Context(), req.User, req.Password)
		if err != nil {
			s.log.Info("login refused", "remote", r.RemoteAddr) // no name: it often holds a mistyped password
			s.writeError(w, r, err)
			return
		}
		http.SetCookie(w, s.auth.SessionCookie(cookie, time.Time{}))
		u, err := s.users.GetUser(r.Context(), req.User)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.log.Info("login", "user", u.Name, "remote", r.RemoteAddr)
		writeJSON(w, http.StatusOK, sessionView{User: u.Name, Role: u.Role, Method: "session", CSRFToken: csrf})
	}
}

func (s *Server) handleLogout() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(s.auth.SessionCookie("", time.Time{}).Name); err == nil {
			if err := s.auth.Logout(r.Context(), c.Value); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		http.SetCookie(w, s.auth.SessionCookie("", time.Time{}))
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) handleMe() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		writeJSON(w, http.StatusOK, sessionView{User: p.User, Role: p.Role, Method: p.Method, CSRFToken: p.CSRF})
	}
}

type tokenView struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	User      string     `json:"user"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	Token     string     `json:"token,omitempty"` // only in the answer that creates it
}

func viewToken(t store.Token) tokenView {
	v := tokenView{ID: t.ID, Name: t.Name, User: t.User, CreatedAt: t.CreatedAt}
	if !t.ExpiresAt.IsZero() {
		e := t.ExpiresAt
		v.ExpiresAt = &e
	}
	return v
}

func (s *Server) handleTokens() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ts, err := s.auth.ListTokens(r.Context(), principal(r).User)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := make([]tokenView, 0, len(ts))
		for _, t := range ts {
			out = append(out, viewToken(t))
		}
		writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
	}
}

func (s *Server) handleCreateToken() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Name string `json:"name"`
			TTL  string `json:"ttl"` // a duration such as 720h; empty: never expires
		}
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		var ttl time.Duration
		if req.TTL != "" {
			var err error
			if ttl, err = time.ParseDuration(req.TTL); err != nil || ttl <= 0 {
				s.writeError(w, r, errorf(KindBadRequest, "ttl must be a positive duration such as 720h"))
				return
			}
		}
		plain, t, err := s.auth.CreateToken(r.Context(), principal(r).User, req.Name, ttl)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		v := viewToken(t)
		v.Token = plain
		writeJSON(w, http.StatusCreated, v)
	}
}

func (s *Server) handleDeleteToken() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.auth.DeleteToken(r.Context(), principal(r).User, r.PathValue("id")); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

type userView struct {
	Name      string     `json:"name"`
	Role      store.Role `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
}

func (s *Server) handleUsers() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		us, err := s.auth.ListUsers(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out := make([]userView, 0, len(us))
		for _, u := range us {
			out = append(out, userView{u.Name, u.Role, u.CreatedAt})
		}
		writeJSON(w, http.StatusOK, map[string]any{"users": out})
	}
}

func (s *Server) handleCreateUser() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Name     string     `json:"name"`
			Password string     `json:"password"`
			Role     store.Role `json:"role"`
		}
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.auth.CreateUser(r.Context(), req.Name, req.Password, req.Role); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.log.Info("user created", "user", req.Name, "role", req.Role, "by", principal(r).User)
		writeJSON(w, http.StatusCreated, map[string]any{"name": req.Name, "role": req.Role})
	}
}

func (s *Server) handleUpdateUser() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Password *string     `json:"password"`
			Role     *store.Role `json:"role"`
		}
		if err := decode(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		name := r.PathValue("name")
		if req.Password == nil && req.Role == nil {
			s.writeError(w, r, errorf(KindBadRequest, "give password and/or role"))
			return
		}
		if err := s.auth.UpdateUser(r.Context(), name, req.Password, req.Role); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.log.Info("user updated", "user", name, "password_changed", req.Password != nil, "by", principal(r).User)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) handleDeleteUser() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.auth.DeleteUser(r.Context(), r.PathValue("name")); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}
