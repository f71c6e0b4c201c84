package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gregor-kafka/gregor/internal/web"
)

// Login through OpenID Connect (config oidc): the UI's "Sign in with ..." button goes to
// /api/v1/auth/oidc/login, the provider comes back to /api/v1/auth/oidc/callback, which
// starts a session and returns to the UI. All three are public.

func (s *Server) oidcRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/auth/oidc", s.handleOIDCInfo())
	mux.HandleFunc("GET /api/v1/auth/oidc/login", s.handleOIDCLogin())
	mux.HandleFunc("GET /api/v1/auth/oidc/callback", s.handleOIDCCallback())
}

// handleOIDCInfo says whether the login page offers a provider, and its name.
func (s *Server) handleOIDCInfo() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.oidc == nil {
			writeJSON(w, http.StatusOK, map[string]any{"enabled": false})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"enabled": true, "name": s.oidc.Name(), "login_url": web.NormalizeBase(s.basePath) + "api/v1/auth/oidc/login"})
	}
}

func (s *Server) handleOIDCLogin() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.oidc == nil {
			s.writeError(w, r, errorf(KindNotFound, "login through OpenID Connect is not configured (config oidc)"))
			return
		}
		u, c, err := s.oidc.Start(r.Context())
		if err != nil {
			s.loginFailed(w, r, err)
			return
		}
		http.SetCookie(w, c)
		http.Redirect(w, r, u, http.StatusFound)
	}
}

// handleOIDCCallback finishes the login: a session, the user's teams from the provider's
// groups, then back to the UI (to its login page with the error when it failed).
func (s *Server) handleOIDCCallback() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.oidc == nil {
			s.writeError(w, r, errorf(KindNotFound, "login through OpenID Connect is not configured (config oidc)"))
			return
		}
		http.SetCookie(w, s.oidc.ClearCookie())
		id, cookie, _, err := s.oidc.Finish(r)
		if err == nil && s.selfServe != nil {
			err = s.selfServe.SyncTeams(r.Context(), id.User, id.Teams, s.oidc.ManagedTeams())
		}
		if err != nil {
			s.loginFailed(w, r, err)
			return
		}
		http.SetCookie(w, s.auth.SessionCookie(cookie, time.Time{}))
		s.log.Info("login", "user", id.User, "method", "oidc", "role", id.Role, "teams", id.Teams, "remote", r.RemoteAddr)
		http.Redirect(w, r, web.NormalizeBase(s.basePath), http.StatusFound)
	}
}

// loginFailed sends the browser back to the login page with the reason.
func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Warn("login through OpenID Connect failed", "err", err, "remote", r.RemoteAddr)
	http.Redirect(w, r, web.NormalizeBase(s.basePath)+"login?error="+url.QueryEscape(err.Error()), http.StatusFound)
}
