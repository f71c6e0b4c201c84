package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/store"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// Passwords of the users newTest creates, one per role.
var passwords = map[store.Role]string{
	store.RoleAdmin:    "admin-pass-1",
	store.RoleOperator: "operator-pass-1",
	store.RoleViewer:   "viewer-pass-1",
}

type fixture struct {
	s     *Service
	m     *memStore
	clock *testkit.Clock
}

// newTest returns a Service with users "admin", "operator" and "viewer", each with the role
// of their name and the password in passwords.
func newTest(t testing.TB) fixture {
	t.Helper()
	f := fixture{m: newMemStore(), clock: testkit.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}
	f.s = New(f.m, Options{Now: f.clock.Now, BcryptCost: bcrypt.MinCost})
	for role, pw := range passwords {
		if err := f.s.CreateUser(context.Background(), string(role), pw, role); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// kindOf returns the Kind of err, or 0 if it is not an *Error.
func kindOf(err error) Kind {
	var ae *Error
	if errors.As(err, &ae) {
		return ae.Kind
	}
	return 0
}

// wantErr fails unless err is an *Error of kind k with message msg ("" matches any).
func wantErr(t *testing.T, err error, k Kind, msg string) {
	t.Helper()
	if kindOf(err) != k || (msg != "" && err.Error() != msg) {
		t.Fatalf("err = %v (kind %d), want kind %d %q", err, kindOf(err), k, msg)
	}
}

// statusOf is a test stand-in for the api package's mapping of kinds to statuses.
var statusOf = map[Kind]int{
	BadRequest:   http.StatusBadRequest,
	Unauthorized: http.StatusUnauthorized,
	Forbidden:    http.StatusForbidden,
	NotFound:     http.StatusNotFound,
	Conflict:     http.StatusConflict,
}

func writeError(w http.ResponseWriter, _ *http.Request, err error) {
	code, ok := statusOf[kindOf(err)]
	if !ok {
		code = http.StatusInternalServerError
	}
	http.Error(w, err.Error(), code)
}

// login logs name in and returns a session cookie value and CSRF token.
func (f fixture) login(t testing.TB, name string) (cookie, csrf string) {
	t.Helper()
	cookie, csrf, err := f.s.Login(context.Background(), name, passwords[store.Role(name)])
	if err != nil {
		t.Fatal(err)
	}
	return cookie, csrf
}

// token creates a non-expiring API token for name.
func (f fixture) token(t testing.TB, name string) string {
	t.Helper()
	plain, _, err := f.s.CreateToken(context.Background(), name, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// request builds a request; cookie and csrf are set when non-empty.
func (f fixture) request(method, authz, cookie, csrf string) *http.Request {
	r := httptest.NewRequest(method, "/api/v1/clusters", nil)
	if authz != "" {
		r.Header.Set("Authorization", authz)
	}
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: "gregor_session", Value: cookie})
	}
	if csrf != "" {
		r.Header.Set(CSRFHeader, csrf)
	}
	return r
}
