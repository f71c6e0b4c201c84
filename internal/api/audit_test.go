package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/store"
)

// auditEnv is a server with an audit log, one user per role and a movable clock; write runs
// s.audit inside a request signed in as user, the way an operation's handler does.
type auditEnv struct {
	s   *Server
	h   http.Handler
	now time.Time
}

var auditT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newAuditEnv(t *testing.T, withLog bool) *auditEnv {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &auditEnv{now: auditT0}
	a := auth.New(st, auth.Options{BcryptCost: bcrypt.MinCost})
	for name, pw := range passwords {
		if err := a.CreateUser(context.Background(), name, pw, store.Role(name)); err != nil {
			t.Fatal(err)
		}
	}
	o := Options{Auth: a, Users: st, Now: func() time.Time { return e.now }}
	if withLog {
		o.Audit = st
	}
	e.s = New(o)
	e.s.SetReady()
	e.h = e.s.Handler()
	return e
}

func (e *auditEnv) write(t *testing.T, user, cluster, action, target string, dryRun bool, request, result any, opErr error) {
	t.Helper()
	h := e.s.auth.Middleware(e.s.writeError, isPublic, viewerWrites)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.s.audit(r, cluster, action, target, dryRun, request, result, opErr)
		w.WriteHeader(http.StatusNoContent)
	}))
	req := httptest.NewRequest(http.MethodGet, "/api/v1/test-operation", nil)
	for k, v := range basic(user) {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("operation as %s: %d %s", user, rec.Code, rec.Body)
	}
}

type auditPage struct {
	Total  int                `json:"total"`
	Offset int                `json:"offset"`
	Limit  int                `json:"limit"`
	Items  []store.AuditEntry `json:"items"`
}

// list GETs /api/v1/audit?query as user and decodes a 200 answer.
func (e *auditEnv) list(t *testing.T, user, query string) (int, auditPage, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/audit?"+query, nil)
	for k, v := range basic(user) {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	var p auditPage
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatalf("%s: not JSON: %s", query, rec.Body)
		}
	}
	return rec.Code, p, rec.Body.String()
}

func actions(p auditPage) string {
	var s []string
	for _, e := range p.Items {
		s = append(s, e.Action)
	}
	return strings.Join(s, " ")
}

func TestAuditLog(t *testing.T) {
	e := newAuditEnv(t, true)
	type req struct {
		Partitions int `json:"partitions"`
	}
	// Five operations a minute apart; the log lists them newest first.
	e.write(t, "operator", "prod", "topic.create", "orders", false, req{6}, map[string]bool{"created": true}, nil)
	e.now = e.now.Add(time.Minute)
	e.write(t, "operator", "prod", "topic.delete", "tmp", true, nil, map[string]any{"would_delete": "tmp"}, nil)
	e.now = e.now.Add(time.Minute)
	e.write(t, "admin", "dev", "group.reset_offsets", "billing", false, req{1}, map[string]bool{"ignored": true},
		errors.New("group billing is not empty"))
	e.now = e.now.Add(time.Minute)
	e.write(t, "admin", "prod", "acl.delete", "User:x", false, nil, nil, nil)
	e.now = e.now.Add(time.Minute)
	e.write(t, "viewer", "dev", "topics.export", "", false, nil, nil, nil) // any signed-in caller is recorded
	e.now = e.now.Add(time.Hour)

	code, p, body := e.list(t, "operator", "")
	if code != http.StatusOK || p.Total != 5 || p.Offset != 0 || p.Limit != 100 ||
		actions(p) != "topics.export acl.delete group.reset_offsets topic.delete topic.create" {
		t.Fatalf("list: %d %s", code, body)
	}
	create, dry, failed := p.Items[4], p.Items[3], p.Items[2]
	if create.User != "operator" || create.Role != store.RoleOperator || create.Cluster != "prod" || create.Target != "orders" ||
		create.Request != `{"partitions":6}` || create.Result != `{"created":true}` || create.Error != "" || create.DryRun ||
		!create.Time.Equal(auditT0) || create.ID == 0 {
		t.Fatalf("topic.create entry: %+v", create)
	}
	if !dry.DryRun || dry.Request != "" || dry.Result != `{"would_delete":"tmp"}` {
		t.Fatalf("dry run entry: %+v", dry)
	}
	if failed.User != "admin" || failed.Role != store.RoleAdmin || failed.Error != "group billing is not empty" || failed.Result != "" {
		t.Fatalf("failed entry (no result kept with an error): %+v", failed)
	}
	if !strings.Contains(body, `"dry_run":true`) || !strings.Contains(body, `"time":"2026-03-01T12:01:00Z"`) {
		t.Fatalf("JSON names: %s", body)
	}

	rfc := func(d time.Duration) string { return url.QueryEscape(auditT0.Add(d).Format(time.RFC3339)) }
	for _, tc := range []struct{ query, want string }{
		{"user=admin", "acl.delete group.reset_offsets"},
		{"user=nobody", ""},
		{"cluster=dev", "topics.export group.reset_offsets"},
		{"cluster=gone", ""}, // a cluster no longer configured is no error: its entries stay
		{"action=topic.", "topic.delete topic.create"},
		{"action=topic", "topics.export topic.delete topic.create"},
		{"action=group.reset_offsets", "group.reset_offsets"},
		{"from=" + rfc(2*time.Minute), "topics.export acl.delete group.reset_offsets"},
		{"to=" + rfc(2*time.Minute), "topic.delete topic.create"},
		{"from=" + rfc(time.Minute) + "&to=" + rfc(3*time.Minute), "group.reset_offsets topic.delete"},
		{"from=-61m", "topics.export acl.delete"}, // now is 13:04
		{"from=-2h&to=now", "topics.export acl.delete group.reset_offsets topic.delete topic.create"},
		{"from=" + url.QueryEscape("1772366520"), "topics.export acl.delete group.reset_offsets"}, // Unix seconds of 12:02
		{"user=admin&cluster=prod&action=acl.", "acl.delete"},
	} {
		code, p, body := e.list(t, "admin", tc.query)
		if code != http.StatusOK || actions(p) != tc.want || p.Total != len(p.Items) {
			t.Errorf("%s: %d %q, want %q (%s)", tc.query, code, actions(p), tc.want, body)
		}
	}

	// Paging: total counts every entry the filters select.
	for _, tc := range []struct {
		query, want string
		total       int
	}{
		{"limit=2", "topics.export acl.delete", 5},
		{"limit=2&offset=2", "group.reset_offsets topic.delete", 5},
		{"limit=2&offset=4", "topic.create", 5},
		{"offset=5", "", 5},
		{"offset=100000", "", 5},
		{"cluster=prod&limit=1&offset=1", "topic.delete", 3},
	} {
		code, p, body := e.list(t, "operator", tc.query)
		if code != http.StatusOK || actions(p) != tc.want || p.Total != tc.total || p.Items == nil {
			t.Errorf("%s: %d %q total %d, want %q total %d (%s)", tc.query, code, actions(p), p.Total, tc.want, tc.total, body)
		}
	}
	if _, p, _ := e.list(t, "operator", "limit=1000&offset=3"); p.Limit != 1000 || p.Offset != 3 || len(p.Items) != 2 {
		t.Errorf("limit and offset echoed: %+v", p)
	}
}

func TestAuditAccess(t *testing.T) {
	e := newAuditEnv(t, true)
	for user, want := range map[string]int{"": 401, "viewer": 403, "operator": 200, "admin": 200} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/audit", nil)
		if user != "" {
			for k, v := range basic(user) {
				req.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("%q: %d, want %d: %s", user, rec.Code, want, rec.Body)
		}
	}
	// Only GET.
	req := httptest.NewRequest(http.MethodDelete, "/api/v1/audit", nil)
	for k, v := range basic("admin") {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed && rec.Code != http.StatusNotFound {
		t.Errorf("DELETE: %d", rec.Code)
	}
}

func TestAuditBadParams(t *testing.T) {
	e := newAuditEnv(t, true)
	for _, tc := range []struct{ query, msg string }{
		{"from=yesterday", "from: "},
		{"from=-1d", "from: relative time"},
		{"to=2026-13-01T00:00:00Z", "to: "},
		{"from=-1h&to=-2h", "to must be after from"},
		{"from=now&to=now", "to must be after from"},
		{"limit=0", "limit must be an integer from 1 to 1000"},
		{"limit=1001", "limit must be an integer from 1 to 1000"},
		{"limit=ten", "limit must be an integer from 1 to 1000"},
		{"offset=-1", "offset must be a non-negative integer"},
		{"offset=99999999999999999999", "offset must be a non-negative integer"},
	} {
		code, _, body := e.list(t, "operator", tc.query)
		if code != http.StatusBadRequest || !strings.Contains(body, `"bad_request"`) || !strings.Contains(body, tc.msg) {
			t.Errorf("%s: %d %s, want 400 with %q", tc.query, code, body, tc.msg)
		}
	}
	// Without a log: nothing to list (and s.audit records nothing, without failing).
	e = newAuditEnv(t, false)
	e.write(t, "operator", "prod", "topic.create", "x", false, nil, nil, nil)
	if code, _, body := e.list(t, "operator", ""); code != http.StatusServiceUnavailable {
		t.Errorf("no audit log: %d %s", code, body)
	}
}
