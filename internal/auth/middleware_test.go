package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gregor-kafka/gregor/internal/store"
)

// echo answers 200 with the principal's user name, or "-" if there is none.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := PrincipalFrom(r.Context())
	if !ok {
		w.Write([]byte("-"))
		return
	}
	w.Write([]byte(p.User))
})

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestMiddlewareRoleMethod(t *testing.T) {
	f := newTest(t)
	h := f.s.Middleware(writeError, nil, nil)(echo)
	tokens := map[store.Role]string{}
	sessions := map[store.Role][2]string{}
	for role := range passwords {
		tokens[role] = f.token(t, string(role))
		c, csrf := f.login(t, string(role))
		sessions[role] = [2]string{c, csrf}
	}
	const ok, forbidden = http.StatusOK, http.StatusForbidden
	tests := []struct {
		role   store.Role
		method string
		want   int
	}{
		{store.RoleViewer, http.MethodGet, ok},
		{store.RoleViewer, http.MethodHead, ok},
		{store.RoleViewer, http.MethodOptions, ok},
		{store.RoleViewer, http.MethodPost, forbidden},
		{store.RoleViewer, http.MethodPut, forbidden},
		{store.RoleViewer, http.MethodPatch, forbidden},
		{store.RoleViewer, http.MethodDelete, forbidden},
		{store.RoleOperator, http.MethodGet, ok},
		{store.RoleOperator, http.MethodPost, ok},
		{store.RoleOperator, http.MethodPut, ok},
		{store.RoleOperator, http.MethodPatch, ok},
		{store.RoleOperator, http.MethodDelete, ok},
		{store.RoleAdmin, http.MethodGet, ok},
		{store.RoleAdmin, http.MethodPost, ok},
		{store.RoleAdmin, http.MethodPut, ok},
		{store.RoleAdmin, http.MethodDelete, ok},
	}
	for _, tt := range tests {
		for _, via := range []string{"token", "session"} {
			t.Run(string(tt.role)+" "+tt.method+" "+via, func(t *testing.T) {
				r := f.request(tt.method, "Bearer "+tokens[tt.role], "", "")
				if via == "session" {
					r = f.request(tt.method, "", sessions[tt.role][0], sessions[tt.role][1])
				}
				w := serve(h, r)
				if w.Code != tt.want {
					t.Fatalf("status %d, want %d: %s", w.Code, tt.want, w.Body)
				}
				if tt.want == ok && tt.method != http.MethodHead && w.Body.String() != string(tt.role) {
					t.Fatalf("principal %q in context, want %q", w.Body, tt.role)
				}
				if tt.want == forbidden && w.Body.String() != "role viewer may not change anything\n" {
					t.Fatalf("body %q", w.Body)
				}
			})
		}
	}
}

func TestMiddlewareAuthFailures(t *testing.T) {
	f := newTest(t)
	public := func(r *http.Request) bool { return r.URL.Path == "/healthz" }
	h := f.s.Middleware(writeError, public, nil)(echo)
	cookie, _ := f.login(t, "operator")
	tests := []struct {
		name string
		r    *http.Request
		want int
		body string
	}{
		{"public", httptest.NewRequest(http.MethodGet, "/healthz", nil), http.StatusOK, "-"},
		{"public POST", httptest.NewRequest(http.MethodPost, "/healthz", nil), http.StatusOK, "-"},
		{"no credentials", f.request(http.MethodGet, "", "", ""), http.StatusUnauthorized, "authentication required\n"},
		{"bad token", f.request(http.MethodGet, "Bearer gregor_x", "", ""), http.StatusUnauthorized, "invalid or expired token\n"},
		{"session POST without CSRF", f.request(http.MethodPost, "", cookie, ""), http.StatusForbidden, "missing or invalid CSRF token\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, tt.r)
			if w.Code != tt.want || w.Body.String() != tt.body {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body, tt.want, tt.body)
			}
		})
	}
}

func TestRequire(t *testing.T) {
	f := newTest(t)
	mw := f.s.Middleware(writeError, nil, nil)
	routes := map[store.Role]http.Handler{
		store.RoleOperator: mw(Require(store.RoleOperator, writeError, echo)),
		store.RoleAdmin:    mw(Require(store.RoleAdmin, writeError, echo)),
	}
	tests := []struct {
		need, have store.Role
		want       int
	}{
		{store.RoleAdmin, store.RoleViewer, http.StatusForbidden},
		{store.RoleAdmin, store.RoleOperator, http.StatusForbidden},
		{store.RoleAdmin, store.RoleAdmin, http.StatusOK},
		{store.RoleOperator, store.RoleViewer, http.StatusForbidden},
		{store.RoleOperator, store.RoleOperator, http.StatusOK},
		{store.RoleOperator, store.RoleAdmin, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(string(tt.need)+" "+string(tt.have), func(t *testing.T) {
			w := serve(routes[tt.need], f.request(http.MethodGet, basicHeader(string(tt.have), passwords[tt.have]), "", ""))
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.want, w.Body)
			}
		})
	}
	w := serve(Require(store.RoleViewer, writeError, echo), httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("without Middleware: status %d", w.Code)
	}
}
