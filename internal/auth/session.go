package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

// CSRFHeader carries a session's CSRF token on requests that change something.
const CSRFHeader = "X-CSRF-Token"

// Login checks a user's password and starts a session. It returns the session cookie value
// (32 random bytes, base64url; only its SHA-256 is stored) and the session's CSRF token,
// which the client must send in the X-CSRF-Token header on every request that is not GET,
// HEAD or OPTIONS.
func (s *Service) Login(ctx context.Context, name, password string) (cookie, csrf string, err error) {
	u, err := s.verify(ctx, name, password)
	if err != nil {
		return "", "", err
	}
	return s.startSession(ctx, u.Name)
}

// startSession starts a session for a user already authenticated.
func (s *Service) startSession(ctx context.Context, user string) (cookie, csrf string, err error) {
	now := s.o.Now()
	// Housekeeping, best effort: a failure here must not stop anyone logging in.
	_ = s.users.DeleteExpiredSessions(ctx, now)
	cookie, csrf = randomString(), randomString()
	err = s.users.CreateSession(ctx, store.Session{
		Hash: digest(cookie), User: user, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(s.o.SessionTTL),
	})
	if err != nil {
		return "", "", fmt.Errorf("auth: create session: %w", err)
	}
	return cookie, csrf, nil
}

// Logout ends the session with this cookie value; an unknown one is not an error.
func (s *Service) Logout(ctx context.Context, cookie string) error {
	if cookie == "" {
		return nil
	}
	if err := s.users.DeleteSession(ctx, digest(cookie)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("auth: delete session: %w", err)
	}
	return nil
}

// SessionCookie returns the cookie carrying a session: HttpOnly, so scripts cannot read it;
// SameSite=Lax, so other sites' forms and scripts do not send it, while following a link to
// Gregor from elsewhere (chat, a ticket) still finds the user logged in (Strict would not);
// Path "/"; Secure if Options.SecureCookies. A zero expires means now plus the session
// lifetime, as Login gives it. An empty value gives a cookie that deletes the session
// cookie, for logging out.
func (s *Service) SessionCookie(value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{
		Name: s.o.CookieName, Value: value, Path: "/",
		HttpOnly: true, Secure: s.o.SecureCookies, SameSite: http.SameSiteLaxMode,
	}
	switch {
	case value == "":
		c.MaxAge = -1
	case expires.IsZero():
		c.Expires = s.o.Now().Add(s.o.SessionTTL)
	default:
		c.Expires = expires
	}
	return c
}

// fromSession authenticates r by its session cookie value and, unless r is safe, checks its
// CSRF token.
func (s *Service) fromSession(r *http.Request, cookie string) (*Principal, error) {
	expired := errorf(Unauthorized, "session expired; log in again")
	sess, err := s.users.GetSession(r.Context(), digest(cookie))
	if errors.Is(err, store.ErrNotFound) {
		return nil, expired
	}
	if err != nil {
		return nil, fmt.Errorf("auth: get session: %w", err)
	}
	if !s.o.Now().Before(sess.ExpiresAt) {
		return nil, expired
	}
	p, err := s.principal(r.Context(), sess.User, sess.CreatedAt, "session", expired)
	if err != nil {
		return nil, err
	}
	if !safeMethod(r.Method) {
		got := r.Header.Get(CSRFHeader)
		if sess.CSRF == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
			return nil, errorf(Forbidden, "missing or invalid CSRF token")
		}
	}
	p.CSRF = sess.CSRF
	return p, nil
}

// safeMethod reports whether method only reads.
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}
