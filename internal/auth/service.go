// Package auth authenticates requests to Gregor's HTTP API (login sessions, API tokens,
// HTTP Basic) and checks roles. Only hashes are stored: bcrypt for passwords, SHA-256 for
// session cookies and API tokens (256 random bits each, so a fast hash is enough). The
// package takes no logger, and its error messages never contain a secret.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/store"
)

// Options configure a Service; zero values take the defaults.
type Options struct {
	Now           func() time.Time // default time.Now
	SessionTTL    time.Duration    // default 12h
	CookieName    string           // default "gregor_session"
	SecureCookies bool             // mark the session cookie Secure (serve over HTTPS)
	BcryptCost    int              // default, and when out of range, bcrypt.DefaultCost
}

// Service authenticates users and manages users, sessions and API tokens.
type Service struct {
	users store.Users
	o     Options
	dummy func() []byte // a bcrypt hash to compare against when the user is unknown
	mu    sync.Mutex    // serialises changes that must keep one admin
}

// New returns a Service keeping its state in users.
func New(users store.Users, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.CookieName == "" {
		o.CookieName = "gregor_session"
	}
	if o.BcryptCost < bcrypt.MinCost || o.BcryptCost > bcrypt.MaxCost {
		o.BcryptCost = bcrypt.DefaultCost
	}
	return &Service{users: users, o: o, dummy: sync.OnceValue(func() []byte {
		h, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), o.BcryptCost)
		if err != nil {
			panic(err) // the cost is in range and the input short: cannot happen
		}
		return h
	})}
}

// adminName is the user Bootstrap creates.
const adminName = "admin"

// Bootstrap creates the first admin, named "admin", when no user has the admin role. With
// adminPassword set it gets that password; else, in demo mode, a generated one, which is
// returned for the caller to print; else Bootstrap fails, because a real deployment must not
// start without an admin password. Once an admin exists Bootstrap does nothing and returns
// "": in particular adminPassword does not reset an existing admin's password (use
// SetPassword), so a password changed through the API survives restarts.
func (s *Service) Bootstrap(ctx context.Context, adminPassword string, demo bool) (generated string, err error) {
	users, err := s.users.ListUsers(ctx)
	if err != nil {
		return "", fmt.Errorf("auth: list users: %w", err)
	}
	for _, u := range users {
		if u.Role == store.RoleAdmin {
			return "", nil
		}
	}
	if adminPassword == "" {
		if !demo {
			return "", errorf(BadRequest, "GREGOR_ADMIN_PASSWORD must be set on the first start (no admin user exists yet)")
		}
		adminPassword = rand.Text() // 26 characters, 128 random bits
		generated = adminPassword
	}
	err = s.CreateUser(ctx, adminName, adminPassword, store.RoleAdmin)
	var ae *Error
	switch {
	case errors.As(err, &ae) && ae.Kind == Conflict:
		return "", nil // another Gregor instance sharing the store created it first
	case errors.As(err, &ae):
		return "", errorf(BadRequest, "GREGOR_ADMIN_PASSWORD: %s", ae.Msg)
	case err != nil:
		return "", err
	}
	return generated, nil
}

// ranks orders the roles; unknown roles have rank 0.
var ranks = map[store.Role]int{store.RoleViewer: 1, store.RoleOperator: 2, store.RoleAdmin: 3}

// Allows reports whether role have may do what needs role need (viewer < operator < admin).
// Unknown roles allow nothing.
func Allows(have, need store.Role) bool {
	h, n := ranks[have], ranks[need]
	return h > 0 && n > 0 && h >= n
}

// randomString returns 32 random bytes, base64url-encoded without padding.
func randomString() string {
	b := make([]byte, 32)
	rand.Read(b) // never returns an error (it crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// digest is the stored form of a session cookie value or API token.
func digest(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}
