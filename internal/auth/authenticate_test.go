package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

func basicHeader(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

func TestBasicAuth(t *testing.T) {
	f := newTest(t)
	const bad = "invalid user name or password"
	tests := []struct {
		name, authz string
		want        Kind
		msg         string
	}{
		{"right", basicHeader("viewer", passwords[store.RoleViewer]), 0, ""},
		{"lower-case scheme", "basic " + strings.TrimPrefix(basicHeader("viewer", passwords[store.RoleViewer]), "Basic "), 0, ""},
		{"wrong password", basicHeader("viewer", "wrong-password"), Unauthorized, bad},
		{"unknown user", basicHeader("mallory", "wrong-password"), Unauthorized, bad},
		{"no colon", "Basic " + base64.StdEncoding.EncodeToString([]byte("viewer")), Unauthorized, "malformed Basic credentials"},
		{"not base64", "Basic !!!", Unauthorized, "malformed Basic credentials"},
		{"empty", "Basic", Unauthorized, "malformed Basic credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.s.Authenticate(f.request(http.MethodGet, tt.authz, "", ""))
			if tt.want != 0 {
				wantErr(t, err, tt.want, tt.msg)
				return
			}
			if err != nil || *p != (Principal{User: "viewer", Role: store.RoleViewer, Method: "basic"}) {
				t.Fatalf("principal %+v, %v", p, err)
			}
		})
	}
}

func TestAuthenticateOrder(t *testing.T) {
	f := newTest(t)
	token := f.token(t, "operator")
	cookie, _ := f.login(t, "viewer")
	tests := []struct {
		name, authz, cookie string
		wantUser, wantMsg   string
	}{
		{"nothing", "", "", "", "authentication required"},
		{"bearer before cookie", "Bearer " + token, cookie, "operator", ""},
		{"basic before cookie", basicHeader("admin", passwords[store.RoleAdmin]), cookie, "admin", ""},
		{"cookie alone", "", cookie, "viewer", ""},
		{"bad bearer does not fall back to cookie", "Bearer gregor_bad", cookie, "", "invalid or expired token"},
		{"unsupported scheme", "Digest username=x", cookie, "", "unsupported Authorization scheme; use Bearer or Basic"},
		{"token without scheme", token, "", "", "unsupported Authorization scheme; use Bearer or Basic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.s.Authenticate(f.request(http.MethodGet, tt.authz, tt.cookie, ""))
			if tt.wantMsg != "" {
				wantErr(t, err, Unauthorized, tt.wantMsg)
				return
			}
			if err != nil || p.User != tt.wantUser {
				t.Fatalf("principal %+v, %v", p, err)
			}
		})
	}
}

func TestPrincipalContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := PrincipalFrom(ctx); ok {
		t.Fatal("principal in an empty context")
	}
	if _, ok := PrincipalFrom(WithPrincipal(ctx, nil)); ok {
		t.Fatal("nil principal reported as present")
	}
	//lint:ignore SA1029 proves a string key cannot collide
	if _, ok := PrincipalFrom(context.WithValue(ctx, "principal", &Principal{User: "x"})); ok {
		t.Fatal("string key collides")
	}
	want := &Principal{User: "u", Role: store.RoleOperator, Method: "token"}
	if got, ok := PrincipalFrom(WithPrincipal(ctx, want)); !ok || got != want {
		t.Fatalf("got %+v, %v", got, ok)
	}
}

// TestSecretsNotInErrors drives every failure that involves a secret and checks that no
// error message contains one.
func TestSecretsNotInErrors(t *testing.T) {
	f := newTest(t)
	ctx := context.Background()
	cookie, csrf := f.login(t, "operator")
	token := f.token(t, "operator")
	secrets := []string{cookie, csrf, token, strings.TrimPrefix(token, "gregor_")}
	for _, pw := range passwords {
		secrets = append(secrets, pw)
	}
	var errs []error
	add := func(err error) {
		if err == nil {
			t.Helper()
			t.Fatal("expected an error")
		}
		errs = append(errs, err)
	}
	secret := func(s string) string { secrets = append(secrets, s); return s }
	auth := func(method, authz, cookie, csrf string) {
		_, err := f.s.Authenticate(f.request(method, authz, cookie, csrf))
		add(err)
	}

	_, _, err := f.s.Login(ctx, "operator", secret("wrong-secret-password"))
	add(err)
	_, _, err = f.s.Login(ctx, "nobody", secret("unknown-secret-password"))
	add(err)
	add(f.s.CreateUser(ctx, "x", secret("short7!"), store.RoleViewer))
	add(f.s.CreateUser(ctx, "x", secret(strings.Repeat("long-secret-", 7)), store.RoleViewer))
	add(f.s.CreateUser(ctx, "operator", secret("a-valid-secret-password"), store.RoleViewer))
	add(f.s.CreateUser(ctx, "bad name", secret("another-secret-password"), store.RoleViewer))
	add(f.s.SetPassword(ctx, "operator", secret("tiny!")))
	add(f.s.SetPassword(ctx, "nobody", secret("yet-another-secret")))
	_, err = New(newMemStore(), Options{}).Bootstrap(ctx, secret("boot-7!"), false)
	add(err)

	auth(http.MethodGet, "Bearer "+token+"x", "", "")
	auth(http.MethodGet, "Bearer "+secret("gregor_forged-secret-token"), "", "")
	auth(http.MethodGet, secret("gregor_token-without-scheme"), "", "")
	auth(http.MethodGet, "Token "+token, "", "")
	auth(http.MethodGet, basicHeader("operator", secret("wrong-basic-secret")), "", "")
	auth(http.MethodGet, "Basic "+secret("not-base64-secret!"), "", "")
	auth(http.MethodGet, "", secret("forged-secret-cookie"), "")
	auth(http.MethodPost, "", cookie, secret("forged-secret-csrf"))
	auth(http.MethodPost, "", cookie, "")
	f.clock.Advance(13 * time.Hour)
	auth(http.MethodGet, "", cookie, csrf)

	for _, err := range errs {
		var ae *Error
		if !errors.As(err, &ae) && !strings.HasPrefix(err.Error(), "auth: ") {
			t.Errorf("unexpected error type %T: %v", err, err)
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q contains secret %q", err, s)
			}
		}
	}
}

// FuzzAuthenticateHeader feeds arbitrary Authorization and Cookie headers: Authenticate must
// not panic, and must return either a principal or an *Error.
func FuzzAuthenticateHeader(f *testing.F) {
	fx := newTest(f)
	cookie, csrf := fx.login(f, "operator")
	token := fx.token(f, "viewer")
	seeds := []struct{ authz, cookie, csrf string }{
		{"", "", ""},
		{"Bearer " + token, "", ""},
		{"Bearer " + token[:len(token)-1], "", ""},
		{basicHeader("admin", passwords[store.RoleAdmin]), "", ""},
		{basicHeader("admin", "nope"), "", ""},
		{"Basic !!!", "", ""},
		{"", "gregor_session=" + cookie, ""},
		{"", "gregor_session=" + cookie, csrf},
		{"", "a=b; gregor_session=\"" + cookie + "\"", ""},
		{"", "gregor_session=", ""},
		{"Bearer", "gregor_session=x", ""},
		{"\x00 \xff", "\x00;;=", "\xff"},
	}
	for _, s := range seeds {
		for _, post := range []bool{false, true} {
			f.Add(s.authz, s.cookie, s.csrf, post)
		}
	}
	f.Fuzz(func(t *testing.T, authz, cookieHeader, csrf string, post bool) {
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		r := fx.request(method, "", "", "")
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if cookieHeader != "" {
			r.Header.Set("Cookie", cookieHeader)
		}
		if csrf != "" {
			r.Header.Set(CSRFHeader, csrf)
		}
		p, err := fx.s.Authenticate(r)
		if err != nil {
			var ae *Error
			if p != nil || !errors.As(err, &ae) || (ae.Kind != Unauthorized && ae.Kind != Forbidden) {
				t.Fatalf("Authenticate = %+v, %#v", p, err)
			}
			return
		}
		if p == nil || ranks[p.Role] == 0 || (p.Method != "session" && p.Method != "token" && p.Method != "basic") {
			t.Fatalf("Authenticate = %+v", p)
		}
	})
}
