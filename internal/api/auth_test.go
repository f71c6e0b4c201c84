package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/store"
)

// authEnv is a server with one user per role, a log buffer and a movable clock.
type authEnv struct {
	h    http.Handler
	logs *bytes.Buffer
	now  *time.Time
	a    *auth.Service
}

var passwords = map[string]string{"viewer": "viewer-pw-1", "operator": "operator-pw-1", "admin": "admin-pw-12"}

func newAuthEnv(t testing.TB) *authEnv {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Now()
	a := auth.New(st, auth.Options{BcryptCost: bcrypt.MinCost, Now: func() time.Time { return now }})
	for name, pw := range passwords {
		if err := a.CreateUser(context.Background(), name, pw, store.Role(name)); err != nil {
			t.Fatal(err)
		}
	}
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	m, err := alert.New(config.Alerting{RepeatInterval: time.Hour, FindingsMin: "warning"}, st, nil, alert.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Auth: a, Users: st, Series: st, Log: log, Alerts: m})
	s.SetReady()
	return &authEnv{h: s.Handler(), logs: logs, now: &now, a: a}
}

func (e *authEnv) do(method, path, body string, hdr map[string]string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func basic(user string) map[string]string {
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, passwords[user])
	return map[string]string{"Authorization": r.Header.Get("Authorization")}
}

func TestRoleTable(t *testing.T) {
	e := newAuthEnv(t)
	const (
		get, post, put, del = "GET", "POST", "PUT", "DELETE"
	)
	newUser := `{"name":"u1","password":"password-1","role":"viewer"}`
	for _, tc := range []struct {
		method, path, body      string
		anon, viewer, op, admin int
	}{
		{get, "/healthz", "", 200, 200, 200, 200},
		{get, "/readyz", "", 200, 200, 200, 200},
		{get, "/api/openapi.json", "", 401, 200, 200, 200},
		{get, "/api/v1/clusters", "", 401, 200, 200, 200},
		{get, "/api/v1/auth/me", "", 401, 200, 200, 200},
		{get, "/api/v1/metrics/query?entity=cluster:x&metric=lag", "", 401, 200, 200, 200},
		{get, "/api/v1/users", "", 401, 403, 403, 200},
		{post, "/api/v1/users", newUser, 401, 403, 403, 201},
		{put, "/api/v1/users/viewer", `{"role":"viewer"}`, 401, 403, 403, 204},
		{del, "/api/v1/users/nobody", "", 401, 403, 403, 404},
		{post, "/api/v1/auth/tokens", `{"name":"ci"}`, 401, 403, 201, 201},
		{del, "/api/v1/auth/tokens/nope", "", 401, 403, 404, 404},
		{get, "/api/v1/findings", "", 401, 200, 200, 200},
		{get, "/api/v1/health", "", 401, 200, 200, 200},
		{get, "/api/v1/checks/profiles", "", 401, 200, 200, 200},
		{get, "/api/v1/alerts", "", 401, 200, 200, 200},
		{get, "/api/v1/alerts/nope", "", 401, 404, 404, 404},
		{get, "/api/v1/notifications", "", 401, 200, 200, 200},
		{get, "/api/v1/silences", "", 401, 200, 200, 200},
		{post, "/api/v1/silences", `{"matchers":[{"name":"alertname","value":"x"}],"duration":"1h","comment":"c"}`, 401, 403, 201, 201},
		{del, "/api/v1/silences/nope", "", 401, 403, 404, 404},
		{get, "/api/v1/rules", "", 401, 200, 200, 200},
		{post, "/api/v1/rules", `{"name":"r1","entity":"broker:*","metric":"leaders","op":">","threshold":1}`, 401, 403, 403, 201},
		{del, "/api/v1/rules/nope", "", 401, 403, 403, 404},
		{get, "/api/v1/receivers", "", 401, 200, 200, 200},
		{post, "/api/v1/receivers/nope/test", "", 401, 403, 403, 404},
		{get, "/api/v1/clusters/nope/bundle", "", 401, 403, 404, 404},
	} {
		for who, want := range map[string]int{"": tc.anon, "viewer": tc.viewer, "operator": tc.op, "admin": tc.admin} {
			var hdr map[string]string
			if who != "" {
				hdr = basic(who)
			}
			rec := e.do(tc.method, tc.path, tc.body, hdr)
			if rec.Code != want {
				t.Errorf("%s %s as %q: %d, want %d (%s)", tc.method, tc.path, who, rec.Code, want, rec.Body.String())
			}
			if rec.Code >= 400 {
				var env map[string]map[string]string
				if json.Unmarshal(rec.Body.Bytes(), &env) != nil || env["error"]["message"] == "" {
					t.Errorf("%s %s as %q: not an error envelope: %s", tc.method, tc.path, who, rec.Body.String())
				}
			}
		}
	}
}

// Bad alerting input is a clear 400 (or 404), never a 5xx, and nothing is created.
func TestAlertingBadInput(t *testing.T) {
	e := newAuthEnv(t)
	for _, tc := range []struct{ method, path, body, want string }{
		{"POST", "/api/v1/silences", `{"duration":"1h","comment":"c"}`, "matchers"},
		{"POST", "/api/v1/silences", `{"matchers":[{"name":"a","value":"(","is_regex":true}],"duration":"1h"}`, "regex"},
		{"POST", "/api/v1/silences", `{"matchers":[{"name":"a","value":"b"}],"duration":"soon"}`, "duration"},
		{"POST", "/api/v1/silences", `{"matchers":[{"name":"a","value":"b"}],"ends_at":"2001-01-01T00:00:00Z"}`, "ends_at"},
		{"POST", "/api/v1/silences", `{"matchers":[],"unknown":1}`, "unknown field"},
		{"POST", "/api/v1/rules", `{"name":"r","entity":"broker:*","metric":"leaders","op":"=>","threshold":1}`, "op"},
		{"POST", "/api/v1/rules", `{"name":"r","entity":"broker:*","metric":"leaders","op":">","for":"later"}`, "for"},
		{"POST", "/api/v1/rules", `{"name":"bad name","entity":"broker:*","metric":"leaders","op":">"}`, "name"},
		{"GET", "/api/v1/alerts?state=burning", "", "state"},
		{"GET", "/api/v1/alerts?severity=loud", "", "severity"},
		{"GET", "/api/v1/alerts?cluster=nope", "", "no cluster"},
		{"GET", "/api/v1/findings?kind=planet", "", "kind"},
		{"GET", "/api/v1/findings?severity=loud", "", "severity"},
		{"GET", "/api/v1/health?kind=topic&name=x", "", "cluster"},
	} {
		rec := e.do(tc.method, tc.path, tc.body, basic("admin"))
		if rec.Code != 400 && rec.Code != 404 || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s %s %s: %d %s, want 400/404 naming %q", tc.method, tc.path, tc.body, rec.Code, rec.Body, tc.want)
		}
	}
	for _, p := range []string{"/api/v1/silences", "/api/v1/rules"} {
		if rec := e.do("GET", p, "", basic("admin")); !strings.Contains(rec.Body.String(), `"items":[]`) {
			t.Errorf("%s after refused creates: %s", p, rec.Body)
		}
	}
}

func TestSessionFlow(t *testing.T) {
	e := newAuthEnv(t)
	bad := e.do("POST", "/api/v1/auth/login", `{"user":"operator","password":"wrong-pw"}`, nil)
	unknown := e.do("POST", "/api/v1/auth/login", `{"user":"ghost","password":"wrong-pw"}`, nil)
	if bad.Code != 401 || unknown.Code != 401 || bad.Body.String() != unknown.Body.String() {
		t.Fatalf("wrong password %d %s / unknown user %d %s", bad.Code, bad.Body, unknown.Code, unknown.Body)
	}
	rec := e.do("POST", "/api/v1/auth/login", `{"user":"operator","password":"operator-pw-1"}`, nil)
	var sess sessionView
	json.Unmarshal(rec.Body.Bytes(), &sess)
	cookies := rec.Result().Cookies()
	if rec.Code != 200 || sess.Role != store.RoleOperator || sess.CSRFToken == "" || len(cookies) != 1 ||
		!cookies[0].HttpOnly || cookies[0].SameSite == http.SameSiteDefaultMode {
		t.Fatalf("login: %d %s %+v", rec.Code, rec.Body, cookies)
	}
	c := cookies[0]
	if rec := e.do("GET", "/api/v1/auth/me", "", nil, c); rec.Code != 200 || !strings.Contains(rec.Body.String(), sess.CSRFToken) {
		t.Fatalf("me: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do("POST", "/api/v1/auth/tokens", `{"name":"x"}`, nil, c); rec.Code != 403 || !strings.Contains(rec.Body.String(), "CSRF") {
		t.Fatalf("POST without CSRF: %d %s", rec.Code, rec.Body)
	}
	rec = e.do("POST", "/api/v1/auth/tokens", `{"name":"x","ttl":"1h"}`, map[string]string{"X-CSRF-Token": sess.CSRFToken}, c)
	var tok tokenView
	json.Unmarshal(rec.Body.Bytes(), &tok)
	if rec.Code != 201 || !strings.HasPrefix(tok.Token, "gregor_") || tok.ExpiresAt == nil {
		t.Fatalf("POST with CSRF: %d %s", rec.Code, rec.Body)
	}
	bearer := map[string]string{"Authorization": "Bearer " + tok.Token}
	if rec := e.do("GET", "/api/v1/clusters", "", bearer); rec.Code != 200 {
		t.Fatalf("new token: %d", rec.Code)
	}
	if rec := e.do("GET", "/api/v1/auth/tokens", "", bearer); rec.Code != 200 || strings.Contains(rec.Body.String(), tok.Token) {
		t.Fatalf("token list shows the token: %s", rec.Body)
	}
	*e.now = e.now.Add(2 * time.Hour) // the token expires after 1h
	if rec := e.do("GET", "/api/v1/clusters", "", bearer); rec.Code != 401 || !strings.Contains(rec.Body.String(), "invalid or expired token") {
		t.Fatalf("expired token: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do("POST", "/api/v1/auth/logout", "", nil, c); rec.Code != 204 {
		t.Fatalf("logout %d", rec.Code)
	}
	if rec := e.do("GET", "/api/v1/clusters", "", nil, c); rec.Code != 401 {
		t.Fatalf("after logout: %d", rec.Code)
	}
	for _, secret := range []string{"operator-pw-1", tok.Token, c.Value, sess.CSRFToken} {
		if strings.Contains(e.logs.String(), secret) {
			t.Fatalf("secret %q in the log:\n%s", secret[:4], e.logs)
		}
	}
	if rec := e.do("GET", "/api/v1/users", "", basic("admin")); strings.Contains(rec.Body.String(), "$2a$") {
		t.Fatalf("password hashes in the users list: %s", rec.Body)
	}
}

// A bad role next to a new password changes nothing: the old password still logs in.
func TestUpdateUserAllOrNothing(t *testing.T) {
	e := newAuthEnv(t)
	rec := e.do("PUT", "/api/v1/users/viewer", `{"password":"brand-new-pw","role":"god"}`, basic("admin"))
	if rec.Code != 400 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if rec := e.do("GET", "/api/v1/clusters", "", basic("viewer")); rec.Code != 200 {
		t.Fatalf("the old password stopped working: %d", rec.Code)
	}
	rec = e.do("PUT", "/api/v1/users/admin", `{"password":"other-pw-123","role":"viewer"}`, basic("admin"))
	if rec.Code != 409 {
		t.Fatalf("demoting the last admin: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do("GET", "/api/v1/users", "", basic("admin")); rec.Code != 200 {
		t.Fatalf("the admin's password changed on a refused update: %d", rec.Code)
	}
}

func TestBodiesRefusedClearly(t *testing.T) {
	e := newAuthEnv(t)
	for body, want := range map[string]string{
		"":                     "a JSON body is required",
		"{":                    "invalid JSON body: unexpected EOF",
		`{"user":"a","x":1}`:   `invalid JSON body: json: unknown field "x"`,
		`{"user":"a"} {"b":1}`: "invalid JSON body: more than one value",
		`{"user":5}`:           "invalid JSON body: json: cannot unmarshal number into Go struct field loginRequest.user of type string",
	} {
		rec := e.do("POST", "/api/v1/auth/login", body, nil)
		var env map[string]map[string]string
		json.Unmarshal(rec.Body.Bytes(), &env)
		if rec.Code != 400 || env["error"]["message"] != want {
			t.Errorf("%q: %d %q, want %q", body, rec.Code, env["error"]["message"], want)
		}
	}
}
