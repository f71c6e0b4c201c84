package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/store"
)

// secEnv is a server over the real cluster kc (named "local"), one user per role, an
// in-memory audit log and a log buffer.
type secEnv struct {
	*authEnv
	audit *memAudit
	adm   *kadm.Client
}

func newSecEnv(t *testing.T) *secEnv {
	t.Helper()
	logs := &bytes.Buffer{}
	s, a, au := opsServer(t, "local", slog.New(slog.NewTextHandler(logs, nil)))
	now := time.Now()
	return &secEnv{authEnv: &authEnv{h: s.Handler(), logs: logs, now: &now, a: a}, audit: au, adm: kc.AdminT(t)}
}

// call runs a request as user and decodes the JSON answer.
func (e *secEnv) call(t *testing.T, user, method, path, body string) (int, map[string]any, string) {
	t.Helper()
	rec := e.do(method, path, body, basic(user))
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: not JSON: %q", method, path, rec.Body.String())
	}
	return rec.Code, out, rec.Body.String()
}

func errMsg(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// secWait polls ok for up to 15 s: changes reach every broker through the metadata log a
// moment after the controller accepts them.
func secWait(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 15 s", what)
		}
	}
}

func secUnique(p string) string { return fmt.Sprintf("%s-%d", p, time.Now().UnixNano()) }

func TestSecurityOpsRoles(t *testing.T) {
	e := newSecEnv(t)
	const base = "/api/v1/clusters/local"
	user := secUnique("role-u")
	acl := `{"principal":"User:a","resource_type":"topic","resource_name":"t","operation":"read","permission":"allow","dry_run":true}`
	scram := `{"name":"` + user + `","mechanism":"SCRAM-SHA-256","password":"long-enough-pw","dry_run":true}`
	quota := `{"user":"` + user + `","set":{"producer_byte_rate":1000},"dry_run":true}`
	for _, tc := range []struct {
		method, path, body  string
		viewer, op, admin   int
		wantMsgForNonForbid string
	}{
		// kc has no authorizer: the ACL calls that pass the role check are a clear 400.
		{"GET", base + "/acls", "", 400, 400, 400, "the cluster has no authorizer"},
		{"POST", base + "/acls", acl, 403, 400, 400, "the cluster has no authorizer"},
		{"DELETE", base + "/acls?principal=User:a&dry_run=true", "", 403, 400, 400, "the cluster has no authorizer"},
		{"DELETE", base + "/acls", `{"principal":"User:a","dry_run":true}`, 403, 400, 400, "the cluster has no authorizer"},
		{"DELETE", base + "/acls?principal=User:a", `{"principal":"User:b"}`, 403, 400, 400, "not both"},
		{"DELETE", base + "/acls?dry_run=maybe", "", 403, 400, 400, "dry_run must be"},
		{"GET", base + "/scram-users", "", 403, 403, 200, ""},
		{"POST", base + "/scram-users", scram, 403, 403, 200, ""},
		{"PUT", base + "/scram-users/" + user, `{"mechanism":"SCRAM-SHA-256","password":"long-enough-pw","dry_run":true}`, 403, 403, 404, "no SCRAM user"},
		{"DELETE", base + "/scram-users/" + user + "?dry_run=true", "", 403, 403, 404, "no SCRAM user"},
		{"GET", base + "/quotas", "", 200, 200, 200, ""},
		{"PUT", base + "/quotas", quota, 403, 200, 200, ""},
		{"GET", "/api/v1/clusters/nope/quotas", "", 404, 404, 404, "no cluster"},
	} {
		for who, want := range map[string]int{"viewer": tc.viewer, "operator": tc.op, "admin": tc.admin} {
			code, out, raw := e.call(t, who, tc.method, tc.path, tc.body)
			if code != want {
				t.Errorf("%s %s as %s: %d, want %d (%s)", tc.method, tc.path, who, code, want, raw)
				continue
			}
			if code >= 400 && code != 403 && !strings.Contains(errMsg(out), tc.wantMsgForNonForbid) {
				t.Errorf("%s %s as %s: %q, want it to say %q", tc.method, tc.path, who, errMsg(out), tc.wantMsgForNonForbid)
			}
		}
	}
	// The refused mutations are not audited; the ACL attempt on a cluster without an authorizer is.
	es, _, _ := e.audit.ListAudit(context.Background(), store.AuditFilter{Action: "acl.create"})
	for _, en := range es {
		if en.User == "viewer" {
			t.Errorf("a viewer's refused call was audited: %+v", en)
		}
		if !strings.Contains(en.Error, "no authorizer") || !en.DryRun {
			t.Errorf("acl.create audit entry %+v", en)
		}
	}
	if len(es) != 2 {
		t.Errorf("%d acl.create entries, want 2 (operator, admin)", len(es))
	}
	if en := e.audit.last(t, "acl.delete"); en.Target != "User:a" || !strings.Contains(en.Error, "no authorizer") || !en.DryRun {
		t.Errorf("acl.delete audit entry %+v", en)
	}
	// Nothing was created by the dry runs.
	if ds, err := e.adm.DescribeUserSCRAMs(context.Background(), user); err == nil && len(ds[user].CredInfos) > 0 {
		t.Errorf("the SCRAM dry run created %s", user)
	}
}

func TestSecurityOpsSCRAM(t *testing.T) {
	e := newSecEnv(t)
	ctx := context.Background()
	const base = "/api/v1/clusters/local/scram-users"
	user := secUnique("api-u")
	const pw1, pw2 = "api-first-secret-1", "api-second-secret-2"

	code, out, raw := e.call(t, "admin", "POST", base, `{"name":"`+user+`","mechanism":"SCRAM-SHA-512","password":"`+pw1+`"}`)
	if code != 201 || out["applied"] != true {
		t.Fatalf("create: %d %s", code, raw)
	}
	secWait(t, "kadm sees the user", func() bool {
		ds, err := e.adm.DescribeUserSCRAMs(ctx, user)
		return err == nil && len(ds[user].CredInfos) == 1 && ds[user].CredInfos[0].Mechanism == kadm.ScramSha512 &&
			ds[user].CredInfos[0].Iterations == 8192
	})
	code, out, raw = e.call(t, "admin", "GET", base, "")
	if code != 200 || !strings.Contains(raw, `"name":"`+user+`"`) || !strings.Contains(raw, `"iterations":8192`) {
		t.Fatalf("list: %d %s", code, raw)
	}
	if code, _, raw = e.call(t, "admin", "POST", base, `{"name":"`+user+`","mechanism":"SCRAM-SHA-512","password":"`+pw1+`"}`); code != 409 {
		t.Fatalf("create twice: %d %s", code, raw)
	}
	if code, out, _ = e.call(t, "admin", "POST", base, `{"name":"x","mechanism":"SCRAM-SHA-512","password":"shrt-pw"}`); code != 400 ||
		!strings.Contains(errMsg(out), "at least 8 characters") {
		t.Fatalf("short password: %d %v", code, out)
	}
	code, out, raw = e.call(t, "admin", "PUT", base+"/"+user, `{"mechanism":"SCRAM-SHA-512","password":"`+pw2+`","dry_run":true}`)
	if code != 200 || out["dry_run"] != true || out["applied"] != false {
		t.Fatalf("update dry run: %d %s", code, raw)
	}
	if code, _, raw = e.call(t, "admin", "PUT", base+"/"+user, `{"mechanism":"SCRAM-SHA-512","password":"`+pw2+`"}`); code != 200 {
		t.Fatalf("update: %d %s", code, raw)
	}
	if code, out, raw = e.call(t, "admin", "DELETE", base+"/"+user+"?mechanism=SCRAM-SHA-512&dry_run=true", ""); code != 200 || out["applied"] != false {
		t.Fatalf("delete dry run: %d %s", code, raw)
	}
	if ds, _ := e.adm.DescribeUserSCRAMs(ctx, user); len(ds[user].CredInfos) != 1 {
		t.Fatalf("the delete dry run deleted: %+v", ds)
	}
	if code, out, raw = e.call(t, "admin", "DELETE", base+"/"+user+"?mechanism=SCRAM-SHA-512", ""); code != 200 || out["applied"] != true {
		t.Fatalf("delete: %d %s", code, raw)
	}
	secWait(t, "kadm sees the user gone", func() bool {
		ds, err := e.adm.DescribeUserSCRAMs(ctx, user)
		return err == nil && len(ds[user].CredInfos) == 0
	})
	if code, _, raw = e.call(t, "admin", "DELETE", base+"/"+user, ""); code != 404 {
		t.Fatalf("delete again: %d %s", code, raw)
	}

	// Audited, and the password is nowhere: not in the audit log, the server's log or answers.
	for _, action := range []string{"scram.create", "scram.update", "scram.delete"} {
		es, _, _ := e.audit.ListAudit(ctx, store.AuditFilter{Action: action})
		var ok bool
		for _, en := range es {
			ok = ok || (en.Target == user && en.User == "admin" && en.Cluster == "local" && en.Error == "" && !en.DryRun && en.Result != "")
		}
		if !ok {
			t.Errorf("no successful %s audit entry for %s: %+v", action, user, es)
		}
	}
	if en := e.audit.last(t, "scram.update"); !strings.Contains(en.Request, `"password":"[redacted]"`) {
		t.Errorf("scram.update audit request %s", en.Request)
	}
	all := e.audit.dump() + e.logs.String()
	for _, pw := range []string{pw1, pw2, "shrt-pw"} {
		if strings.Contains(all, pw) {
			t.Errorf("the password %q is in the audit log or the server log:\n%s", pw, all)
		}
	}
	es, _, _ := e.audit.ListAudit(ctx, store.AuditFilter{Action: "scram."})
	if len(es) < 6 {
		t.Errorf("%d scram audit entries, want at least 6 (incl. the refused ones): %s", len(es), e.audit.dump())
	}
}

func TestSecurityOpsQuotas(t *testing.T) {
	e := newSecEnv(t)
	ctx := context.Background()
	const base = "/api/v1/clusters/local/quotas"
	user, client := secUnique("q-u"), secUnique("q-c")
	read := func(comps ...kadm.DescribeClientQuotaComponent) map[string]float64 {
		t.Helper()
		qs, err := e.adm.DescribeClientQuotas(ctx, true, comps)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, q := range qs {
			for _, v := range q.Values {
				out[v.Key] = v.Value
			}
		}
		return out
	}
	exactUser := kadm.DescribeClientQuotaComponent{Type: "user", MatchName: &user, MatchType: kmsg.QuotasMatchTypeExact}
	exactClient := kadm.DescribeClientQuotaComponent{Type: "client-id", MatchName: &client, MatchType: kmsg.QuotasMatchTypeExact}
	waitFor := func(what string, ok func() bool) { t.Helper(); secWait(t, what, ok) }

	body := `{"user":"` + user + `","client_id":"` + client + `","set":{"producer_byte_rate":1048576,"request_percentage":25}`
	code, out, raw := e.call(t, "operator", "PUT", base, body+`,"dry_run":true}`)
	if code != 200 || out["applied"] != false {
		t.Fatalf("dry run: %d %s", code, raw)
	}
	if got := read(exactUser, exactClient); len(got) != 0 {
		t.Fatalf("the dry run set %v", got)
	}
	if code, out, raw = e.call(t, "operator", "PUT", base, body+`}`); code != 200 || out["applied"] != true {
		t.Fatalf("set: %d %s", code, raw)
	}
	waitFor("the quotas in Kafka", func() bool {
		got := read(exactUser, exactClient)
		return got["producer_byte_rate"] == 1048576 && got["request_percentage"] == 25
	})
	code, out, raw = e.call(t, "viewer", "GET", base+"?user="+user+"&client_id="+client, "")
	if code != 200 || out["total"] != float64(1) || !strings.Contains(raw, `"producer_byte_rate":1048576`) || !strings.Contains(raw, `"client_id":"`+client+`"`) {
		t.Fatalf("list: %d %s", code, raw)
	}

	// The default user entity.
	if code, _, raw = e.call(t, "operator", "PUT", base, `{"default":true,"set":{"consumer_byte_rate":7340032}}`); code != 200 {
		t.Fatalf("default: %d %s", code, raw)
	}
	defUser := kadm.DescribeClientQuotaComponent{Type: "user", MatchType: kmsg.QuotasMatchTypeDefault}
	waitFor("the default user quota", func() bool { return read(defUser)["consumer_byte_rate"] == 7340032 })
	if code, _, raw = e.call(t, "viewer", "GET", base+"?user=<default>", ""); code != 200 || !strings.Contains(raw, `"user":"\u003cdefault\u003e"`) {
		t.Fatalf("list the default: %d %s", code, raw)
	}

	// Remove.
	if code, out, raw = e.call(t, "operator", "PUT", base, `{"user":"`+user+`","client_id":"`+client+`","remove":["producer_byte_rate","request_percentage"]}`); code != 200 {
		t.Fatalf("remove: %d %s", code, raw)
	}
	if b, _ := out["before"].(map[string]any); len(b) != 2 {
		t.Errorf("remove plan before: %s", raw)
	}
	if code, _, raw = e.call(t, "operator", "PUT", base, `{"default":true,"remove":["consumer_byte_rate"]}`); code != 200 {
		t.Fatalf("remove the default: %d %s", code, raw)
	}
	waitFor("the quotas removed", func() bool { return len(read(exactUser, exactClient)) == 0 && len(read(defUser)) == 0 })

	// Bad input: a clear 400, nothing changed.
	for _, tc := range []struct{ body, want string }{
		{`{"user":"u","set":{"producer_byte_rate":-5}}`, "positive"},
		{`{"user":"u","set":{"bytes_per_day":5}}`, "unknown quota"},
		{`{"set":{"producer_byte_rate":5}}`, "give a user"},
		{`{"user":"u"}`, "nothing to change"},
		{`{"default":true,"user":"u","set":{"producer_byte_rate":5}}`, "stands alone"},
		{`{"user":"u","set":{"producer_byte_rate":"fast"}}`, "invalid JSON"},
		{`{"user":"u","remove":["producer_byte_rate"],"oops":1}`, "unknown field"},
	} {
		if code, out, _ := e.call(t, "operator", "PUT", base, tc.body); code != 400 || !strings.Contains(errMsg(out), tc.want) {
			t.Errorf("%s: %d %v, want 400 with %q", tc.body, code, out, tc.want)
		}
	}

	// Audited: the dry run and the changes.
	es, _, _ := e.audit.ListAudit(ctx, store.AuditFilter{Action: "quota.alter"})
	var dry, applied int
	for _, en := range es {
		if en.Error != "" {
			continue
		}
		if en.DryRun {
			dry++
		} else {
			applied++
		}
	}
	if dry != 1 || applied != 4 {
		t.Errorf("quota.alter audit entries: %d dry runs, %d applied; want 1 and 4: %s", dry, applied, e.audit.dump())
	}
	if en := e.audit.last(t, "quota.alter"); en.User != "operator" || en.Cluster != "local" {
		t.Errorf("audit entry %+v", en)
	}
}

// A chunked DELETE body (no Content-Length) is read like any other: its fields are checked,
// so its dry_run can never be skipped.
func TestDeleteACLsChunkedBody(t *testing.T) {
	e := newAuthEnv(t)
	req := httptest.NewRequest("DELETE", "/api/v1/clusters/local/acls", io.MultiReader(strings.NewReader(`{"dry_run":true,"bogus":1}`)))
	for k, v := range basic("operator") {
		req.Header.Set(k, v)
	}
	if req.ContentLength != 0 && req.ContentLength != -1 {
		t.Fatalf("the request has a length (%d): not the chunked case", req.ContentLength)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "bogus") {
		t.Fatalf("chunked body: %d %s", rec.Code, rec.Body)
	}
}
