package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/selfserve"
	"github.com/gregor-kafka/gregor/internal/store"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// oidcEnv is a server with OIDC login against the test provider, groups mapped to roles
// and the team payments; a local user "dave" has a password.
func oidcEnv(t *testing.T, idp *testkit.OIDCProvider) (string, store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := auth.New(st, auth.Options{BcryptCost: bcrypt.MinCost})
	if err := a.CreateUser(ctx, "dave", "dave-local-pw", store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(hs.Close)
	cfg := config.OIDC{Issuer: idp.URL, ClientID: idp.ClientID, ClientSecret: config.Secret(idp.ClientSecret),
		RedirectURL: hs.URL + "/api/v1/auth/oidc/callback",
		Roles:       map[string][]string{"operator": {"kafka-ops"}, "admin": {"kafka-admins"}},
		Teams:       map[string][]string{"payments": {"payments-devs"}}}
	cfg.SetDefaults()
	svc := selfserve.New(selfserve.Options{Store: st, Users: st})
	s := New(Options{Auth: a, Users: st, SelfServe: svc, OIDC: a.NewOIDC(cfg, nil)})
	s.SetReady()
	h = s.Handler()
	return hs.URL, st
}

// login follows the whole browser flow with a cookie jar; it returns where it ended and the
// client (carrying the session on success).
func oidcLogin(t *testing.T, base string) (*url.URL, *http.Client) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	resp, err := cl.Get(base + "/api/v1/auth/oidc/login")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Request.URL, cl
}

func getJSON(t *testing.T, cl *http.Client, u string, out any) int {
	t.Helper()
	resp, err := cl.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func TestOIDCLogin(t *testing.T) {
	idp := testkit.StartOIDC(t, "gregor", "s3cret-client")
	base, _ := oidcEnv(t, idp)

	var info struct {
		Enabled bool   `json:"enabled"`
		Name    string `json:"name"`
	}
	if getJSON(t, http.DefaultClient, base+"/api/v1/auth/oidc", &info) != 200 || !info.Enabled || info.Name != "SSO" {
		t.Fatalf("info %+v", info)
	}

	// carol: operator by group, member of payments by group.
	idp.LogIn(map[string]any{"sub": "u-1", "preferred_username": "carol", "groups": []string{"kafka-ops", "payments-devs"}})
	end, cl := oidcLogin(t, base)
	if end.Path != "/" || end.Query().Get("error") != "" {
		t.Fatalf("login ended at %s", end)
	}
	var me struct {
		User   string `json:"user"`
		Role   string `json:"role"`
		Method string `json:"method"`
	}
	if getJSON(t, cl, base+"/api/v1/auth/me", &me) != 200 || me.User != "carol" || me.Role != "operator" || me.Method != "session" {
		t.Fatalf("me %+v", me)
	}
	members := func() []string {
		var teams struct {
			Teams []struct {
				Name    string   `json:"name"`
				Members []string `json:"members"`
			} `json:"teams"`
		}
		getJSON(t, cl, base+"/api/v1/teams", &teams)
		for _, tm := range teams.Teams {
			if tm.Name == "payments" {
				return tm.Members
			}
		}
		return nil
	}
	if m := members(); !slices.Equal(m, []string{"carol"}) {
		t.Fatalf("payments members %v", m)
	}

	// Next login without the groups: the default role, out of the team.
	idp.LogIn(map[string]any{"sub": "u-1", "preferred_username": "carol", "groups": []string{}})
	end, cl = oidcLogin(t, base)
	if end.Path != "/" {
		t.Fatalf("second login ended at %s", end)
	}
	if getJSON(t, cl, base+"/api/v1/auth/me", &me) != 200 || me.Role != "viewer" {
		t.Fatalf("me after losing the group %+v", me)
	}
	if m := members(); len(m) != 0 {
		t.Fatalf("payments members after losing the group %v", m)
	}
	// An OIDC user has no password: Basic auth with anything fails.
	req, _ := http.NewRequest("GET", base+"/api/v1/auth/me", nil)
	req.SetBasicAuth("carol", "")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Fatalf("password login of an OIDC user: %v %v", resp.StatusCode, err)
	}
}

func TestOIDCLoginRefused(t *testing.T) {
	idp := testkit.StartOIDC(t, "gregor", "s3cret-client")
	base, _ := oidcEnv(t, idp)
	refused := func(name, want string) {
		t.Helper()
		end, cl := oidcLogin(t, base)
		if end.Path != "/login" || !strings.Contains(end.Query().Get("error"), want) {
			t.Errorf("%s: ended at %s, want /login with %q", name, end, want)
		}
		if code := getJSON(t, cl, base+"/api/v1/auth/me", nil); code != 401 {
			t.Errorf("%s: a session after a refused login (%d)", name, code)
		}
	}
	idp.LogIn(map[string]any{"sub": "u-2", "preferred_username": "dave"})
	refused("a local user's name", "a local user named")

	idp.LogIn(map[string]any{"sub": "u-3", "preferred_username": "erin"})
	idp.Tamper(func(c map[string]any) { c["aud"] = "another-client" })
	refused("wrong audience", "not valid")
	idp.Tamper(func(c map[string]any) { c["nonce"] = "replayed" })
	refused("wrong nonce", "nonce")
	idp.Tamper(func(c map[string]any) { c["iss"] = "https://evil.example" })
	refused("wrong issuer", "not valid")
	idp.Tamper(func(c map[string]any) { c["preferred_username"] = "has space" })
	refused("bad user name", "cannot be a Gregor user name")
	idp.Tamper(nil)

	// A callback without the login cookie, or with another state, starts nothing.
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	resp, err := cl.Get(base + "/api/v1/auth/oidc/callback?code=x&state=y")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" || !strings.Contains(resp.Request.URL.Query().Get("error"), "no login in progress") {
		t.Fatalf("callback without a login: %s", resp.Request.URL)
	}
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: "gregor_oidc", Value: "s1.n1.v1", Path: "/"}})
	resp, err = cl.Get(base + "/api/v1/auth/oidc/callback?code=x&state=other")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Request.URL.Query().Get("error"), "state does not match") {
		t.Fatalf("callback with another state: %s", resp.Request.URL)
	}
}

// A provider identity is bound to its account: another subject claiming the name, an
// unverified email, a forged error, and demoting the last admin are refused.
func TestOIDCIdentityBinding(t *testing.T) {
	idp := testkit.StartOIDC(t, "gregor", "s3cret-client")
	base, st := oidcEnv(t, idp)
	endsAt := func(want string) {
		t.Helper()
		end, _ := oidcLogin(t, base)
		if got := end.Query().Get("error"); want == "" && (end.Path != "/" || got != "") || want != "" && !strings.Contains(got, want) {
			t.Fatalf("login ended at %s, want error %q", end, want)
		}
	}
	idp.LogIn(map[string]any{"sub": "u-1", "preferred_username": "carol", "groups": []string{"kafka-admins"}})
	endsAt("")
	idp.LogIn(map[string]any{"sub": "u-9", "preferred_username": "carol"})
	endsAt("belongs to another identity")

	// An unverified email names no one: the subject is the name.
	idp.LogIn(map[string]any{"sub": "u-2", "email": "dave", "email_verified": false})
	endsAt("")
	if _, err := st.GetUser(context.Background(), "u-2"); err != nil {
		t.Fatalf("user of an unverified email: %v", err)
	}

	// carol is the only admin once dave goes; the provider demoting her is refused.
	if err := st.DeleteUser(context.Background(), "dave"); err != nil {
		t.Fatal(err)
	}
	idp.LogIn(map[string]any{"sub": "u-1", "preferred_username": "carol", "groups": []string{}})
	endsAt("no other admin")
	if u, _ := st.GetUser(context.Background(), "carol"); u.Role != store.RoleAdmin {
		t.Fatalf("carol's role %s after a refused demotion", u.Role)
	}

	// An error answer counts only for the login under way, and only its code is shown.
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: "gregor_oidc", Value: "s1.n1.v1", Path: "/"}})
	resp, err := cl.Get(base + "/api/v1/auth/oidc/callback?state=s1&error=access_denied&error_description=call+0800+EVIL")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if msg := resp.Request.URL.Query().Get("error"); !strings.Contains(msg, "(access_denied)") || strings.Contains(msg, "EVIL") {
		t.Fatalf("provider error shown as %q", msg)
	}
}

// A provider that is down: the login page says so, and password logins still work.
func TestOIDCProviderDown(t *testing.T) {
	base, _ := oidcEnv(t, &testkit.OIDCProvider{URL: "http://127.0.0.1:1", ClientID: "gregor", ClientSecret: "x"})
	end, _ := oidcLogin(t, base)
	if end.Path != "/login" || !strings.Contains(end.Query().Get("error"), "cannot be reached") {
		t.Fatalf("login with the provider down ended at %s", end)
	}
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"user":"dave","password":"dave-local-pw"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("password login with the provider down: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}
