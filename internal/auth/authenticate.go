package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

// Principal is an authenticated user.
type Principal struct {
	User   string
	Role   store.Role // the user's role at the time of the request
	Method string     // "session", "token" or "basic"
	// CSRF is the session's CSRF token (session method only), so the session's own page can
	// fetch it again after a reload.
	CSRF string
}

// Authenticate returns who made r, trying in order: "Authorization: Bearer <API token>",
// "Authorization: Basic", the session cookie. Credentials that are present but wrong fail;
// there is no falling through to the next kind. Session-authenticated requests that are not
// GET, HEAD or OPTIONS must carry the session's CSRF token in X-CSRF-Token; bearer and
// basic requests need none, as browsers do not send those credentials on their own.
// Failures are *Error (Unauthorized, or Forbidden for CSRF) unless the store failed.
func (s *Service) Authenticate(r *http.Request) (*Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		// The header is never echoed: it may hold a secret even when malformed.
		scheme, rest, _ := strings.Cut(h, " ")
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			return s.fromToken(r.Context(), strings.TrimSpace(rest))
		case strings.EqualFold(scheme, "Basic"):
			name, password, ok := r.BasicAuth()
			if !ok {
				return nil, errorf(Unauthorized, "malformed Basic credentials")
			}
			u, err := s.verify(r.Context(), name, password)
			if err != nil {
				return nil, err
			}
			return &Principal{User: u.Name, Role: u.Role, Method: "basic"}, nil
		default:
			return nil, errorf(Unauthorized, "unsupported Authorization scheme; use Bearer or Basic")
		}
	}
	if c, err := r.Cookie(s.o.CookieName); err == nil && c.Value != "" {
		return s.fromSession(r, c.Value)
	}
	return nil, errorf(Unauthorized, "authentication required")
}

// principal looks up the user a session or token issued at issued belongs to, failing with
// fail if there is none. A credential older than its user belonged to an earlier, deleted
// user of the same name, and fails too.
func (s *Service) principal(ctx context.Context, name string, issued time.Time, method string, fail *Error) (*Principal, error) {
	u, err := s.users.GetUser(ctx, name)
	if errors.Is(err, store.ErrNotFound) || (err == nil && issued.Before(u.CreatedAt)) {
		return nil, fail
	}
	if err != nil {
		return nil, fmt.Errorf("auth: get user: %w", err)
	}
	return &Principal{User: u.Name, Role: u.Role, Method: method}, nil
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, if any.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
