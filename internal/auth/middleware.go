package auth

import (
	"net/http"

	"github.com/gregor-kafka/gregor/internal/store"
)

// Middleware authenticates every request for which public is false (public may be nil),
// puts the principal in the request context, and refuses viewers any request that is not
// GET, HEAD or OPTIONS, except those viewerWrites allows (may be nil: none; the handler then
// checks who may do what). Failures go to onError as *Error, or store errors.
func (s *Service) Middleware(onError func(http.ResponseWriter, *http.Request, error), public, viewerWrites func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if public != nil && public(r) {
				next.ServeHTTP(w, r)
				return
			}
			p, err := s.Authenticate(r)
			if err != nil {
				onError(w, r, err)
				return
			}
			if !safeMethod(r.Method) && !Allows(p.Role, store.RoleOperator) && (viewerWrites == nil || !viewerWrites(r)) {
				onError(w, r, errorf(Forbidden, "role %s may not change anything", p.Role))
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

// Require passes to h only requests whose principal (put there by Middleware) has at least
// role need.
func Require(need store.Role, onError func(http.ResponseWriter, *http.Request, error), h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := PrincipalFrom(r.Context())
		switch {
		case !ok:
			onError(w, r, errorf(Unauthorized, "authentication required"))
		case !Allows(p.Role, need):
			onError(w, r, errorf(Forbidden, "role %s may not do this; it needs %s", p.Role, need))
		default:
			h.ServeHTTP(w, r)
		}
	})
}
