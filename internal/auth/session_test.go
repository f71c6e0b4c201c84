package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

func TestLogin(t *testing.T) {
	f := newTest(t)
	const bad = "invalid user name or password"
	tests := []struct {
		name, user, password string
		want                 Kind
		msg                  string
	}{
		{"right", "operator", passwords[store.RoleOperator], 0, ""},
		{"wrong password", "operator", "not-the-password", Unauthorized, bad},
		{"other user's password", "operator", passwords[store.RoleAdmin], Unauthorized, bad},
		{"unknown user", "mallory", "whatever-pass", Unauthorized, bad},
		{"invalid user name", "a b/c", "whatever-pass", Unauthorized, bad},
		{"empty", "", "", Unauthorized, bad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cookie, csrf, err := f.s.Login(context.Background(), tt.user, tt.password)
			if tt.want != 0 {
				wantErr(t, err, tt.want, tt.msg)
				if cookie != "" || csrf != "" {
					t.Fatal("failed login returned credentials")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			raw, err := base64.RawURLEncoding.DecodeString(cookie)
			if err != nil || len(raw) != 32 {
				t.Fatalf("cookie %q is not 32 bytes base64url (%v)", cookie, err)
			}
			h := sha256.Sum256([]byte(cookie))
			sess, err := f.m.GetSession(context.Background(), h[:])
			if err != nil {
				t.Fatalf("session not stored under the SHA-256 of the cookie: %v", err)
			}
			if sess.CSRF != csrf || len(csrf) < 32 || sess.User != tt.user {
				t.Fatalf("session = %+v, csrf %q", sess, csrf)
			}
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	f := newTest(t)
	cookie, _ := f.login(t, "viewer")
	get := func() error {
		_, err := f.s.Authenticate(f.request(http.MethodGet, "", cookie, ""))
		return err
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(12*time.Hour - time.Second)
	if err := get(); err != nil {
		t.Fatalf("just before expiry: %v", err)
	}
	f.clock.Advance(time.Second)
	wantErr(t, get(), Unauthorized, "session expired; log in again")

	// Expired sessions are removed at the next login.
	f.login(t, "viewer")
	if n := f.m.sessionCount(); n != 1 {
		t.Fatalf("%d sessions, want 1", n)
	}
}

func TestLogout(t *testing.T) {
	f := newTest(t)
	ctx := context.Background()
	cookie, _ := f.login(t, "viewer")
	if err := f.s.Logout(ctx, cookie); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.Authenticate(f.request(http.MethodGet, "", cookie, ""))
	wantErr(t, err, Unauthorized, "session expired; log in again")
	for _, v := range []string{cookie, "", "never-issued"} {
		if err := f.s.Logout(ctx, v); err != nil {
			t.Fatalf("Logout(%q): %v", v, err)
		}
	}
}

func TestUnknownSession(t *testing.T) {
	f := newTest(t)
	_, err := f.s.Authenticate(f.request(http.MethodGet, "", "forged-cookie-value", ""))
	wantErr(t, err, Unauthorized, "session expired; log in again")
}

func TestSessionOfDeletedUser(t *testing.T) {
	// A session outlives neither its user nor passes to a new user of the same name.
	f := newTest(t)
	ctx := context.Background()
	cookie, _ := f.login(t, "viewer")
	if err := f.s.DeleteUser(ctx, "viewer"); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.Authenticate(f.request(http.MethodGet, "", cookie, ""))
	wantErr(t, err, Unauthorized, "session expired; log in again")

	f.clock.Advance(time.Minute)
	if err := f.s.CreateUser(ctx, "viewer", "new-viewer-pass", store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.Authenticate(f.request(http.MethodGet, "", cookie, ""))
	wantErr(t, err, Unauthorized, "session expired; log in again")
}

func TestSessionRoleIsCurrent(t *testing.T) {
	f := newTest(t)
	cookie, _ := f.login(t, "viewer")
	if err := f.s.SetRole(context.Background(), "viewer", store.RoleOperator); err != nil {
		t.Fatal(err)
	}
	p, err := f.s.Authenticate(f.request(http.MethodGet, "", cookie, ""))
	if err != nil || p.Role != store.RoleOperator {
		t.Fatalf("principal %+v, %v", p, err)
	}
}

func TestCSRF(t *testing.T) {
	f := newTest(t)
	cookie, csrf := f.login(t, "operator")
	_, otherCSRF := f.login(t, "operator") // a valid token, but of another session
	token := f.token(t, "operator")
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("operator:"+passwords[store.RoleOperator]))
	const msg = "missing or invalid CSRF token"
	tests := []struct {
		name, method, authz, cookie, csrf string
		want                              Kind
	}{
		{"session GET without token", http.MethodGet, "", cookie, "", 0},
		{"session HEAD without token", http.MethodHead, "", cookie, "", 0},
		{"session OPTIONS without token", http.MethodOptions, "", cookie, "", 0},
		{"session POST without token", http.MethodPost, "", cookie, "", Forbidden},
		{"session POST wrong token", http.MethodPost, "", cookie, "wrong", Forbidden},
		{"session POST other session's token", http.MethodPost, "", cookie, otherCSRF, Forbidden},
		{"session POST token with suffix", http.MethodPost, "", cookie, csrf + "x", Forbidden},
		{"session POST right token", http.MethodPost, "", cookie, csrf, 0},
		{"session PUT without token", http.MethodPut, "", cookie, "", Forbidden},
		{"session PATCH right token", http.MethodPatch, "", cookie, csrf, 0},
		{"session DELETE without token", http.MethodDelete, "", cookie, "", Forbidden},
		{"session DELETE right token", http.MethodDelete, "", cookie, csrf, 0},
		{"bearer POST without token", http.MethodPost, "Bearer " + token, "", "", 0},
		{"bearer DELETE without token", http.MethodDelete, "Bearer " + token, "", "", 0},
		{"basic POST without token", http.MethodPost, basic, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.s.Authenticate(f.request(tt.method, tt.authz, tt.cookie, tt.csrf))
			if tt.want != 0 {
				wantErr(t, err, tt.want, msg)
				return
			}
			if err != nil || p.User != "operator" {
				t.Fatalf("principal %+v, %v", p, err)
			}
		})
	}
}

func TestSessionCookie(t *testing.T) {
	f := newTest(t)
	exp := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	c := f.s.SessionCookie("v", exp)
	if c.Name != "gregor_session" || c.Value != "v" || c.Path != "/" || !c.HttpOnly || c.Secure ||
		c.SameSite != http.SameSiteLaxMode || !c.Expires.Equal(exp) {
		t.Fatalf("cookie = %+v", c)
	}
	if c := f.s.SessionCookie("v", time.Time{}); !c.Expires.Equal(f.clock.Now().Add(12 * time.Hour)) {
		t.Fatalf("default expiry = %v", c.Expires)
	}
	if c := f.s.SessionCookie("", time.Time{}); c.MaxAge >= 0 {
		t.Fatalf("clearing cookie = %+v", c)
	}

	s := New(newMemStore(), Options{SecureCookies: true, CookieName: "sid"})
	if c := s.SessionCookie("v", exp); !c.Secure || c.Name != "sid" {
		t.Fatalf("cookie = %+v", c)
	}
}
