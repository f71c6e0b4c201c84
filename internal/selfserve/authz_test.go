package selfserve_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

// Who may do what, through the API on the real cluster; every denial is checked, and that it
// changed nothing.
func TestSelfServiceAuthorization(t *testing.T) {
	e := newEnv(t)
	appA, appB := uniq("za"), uniq("zb")
	sa, _ := e.setupTeams(appA, appB)
	topic := uniq("authz")
	var tr reqView
	e.must(201, "root", "POST", "/api/v1/requests", map[string]any{"kind": "topic", "cluster": "prod", "application": appA,
		"topic": topic, "region": "east", "partitions": 1, "replication_factor": 2, "apply": true}, &tr)
	var pending reqView
	e.must(201, "ann", "POST", "/api/v1/requests", map[string]any{"kind": "quota", "cluster": "prod", "application": appA, "consumer_byte_rate": 1 << 20}, &pending)
	var access reqView
	e.must(201, "bob", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appB, "topic": topic, "access": "consume"}, &access)
	id := func(r reqView) string { return fmt.Sprint(r.ID) }

	cases := []struct {
		who, method, path string
		body              any
		want              int
		msg               string
	}{
		// Teams: admins only.
		{"opal", "POST", "/api/v1/teams", map[string]string{"name": "x"}, 403, ""},
		{"ann", "POST", "/api/v1/teams", map[string]string{"name": "x"}, 403, ""},
		{"ann", "PUT", "/api/v1/teams/team-a/members/vic", nil, 403, ""},
		// Applications: a team's members create them; credentials only for one's own.
		{"ann", "POST", "/api/v1/applications", map[string]string{"name": uniq("x"), "team": "team-b"}, 403, "only members of team"},
		{"vic", "POST", "/api/v1/applications", map[string]string{"name": uniq("x"), "team": "team-a"}, 403, "only members of team"},
		{"bob", "POST", "/api/v1/applications/" + appA + "/credentials/prod", nil, 403, "belongs to team"},
		{"opal", "POST", "/api/v1/applications/" + appA + "/credentials/prod", nil, 403, "belongs to team"},
		{"bob", "DELETE", "/api/v1/applications/" + appA, nil, 403, "belongs to team"},
		// Requests: only for one's own team's applications; only admins apply directly.
		{"bob", "POST", "/api/v1/requests", map[string]any{"kind": "quota", "cluster": "prod", "application": appA, "producer_byte_rate": 1}, 403, "belongs to team"},
		{"ann", "POST", "/api/v1/requests", map[string]any{"kind": "quota", "cluster": "prod", "application": appA, "producer_byte_rate": 1, "apply": true}, 403, "only an admin applies"},
		{"opal", "POST", "/api/v1/requests", map[string]any{"kind": "quota", "cluster": "prod", "application": appA, "producer_byte_rate": 1, "apply": true}, 403, "only an admin applies"},
		// Deciding: quotas by the Kafka team; access by the topic's owners or the Kafka team.
		{"ann", "POST", "/api/v1/requests/" + id(pending) + "/approve", nil, 403, "decided by the Kafka team"},
		{"bob", "POST", "/api/v1/requests/" + id(access) + "/approve", nil, 403, "owning team"},
		// Those who may not see a request learn nothing of it, whatever they ask.
		{"vic", "POST", "/api/v1/requests/" + id(access) + "/reject", nil, 404, ""},
		{"bob", "POST", "/api/v1/requests/" + id(pending) + "/cancel", nil, 404, ""},
		{"vic", "POST", "/api/v1/requests/" + id(pending) + "/approve", nil, 404, ""},
		{"ann", "POST", "/api/v1/requests/" + id(pending) + "/retry", nil, 403, "only the Kafka team"},
		{"vic", "GET", "/api/v1/requests/" + id(pending), nil, 404, ""},
		{"ann", "GET", "/api/v1/requests?scope=all", nil, 403, "only the Kafka team"},
		// Ownership: the Kafka team; viewers still change nothing outside self-service.
		{"ann", "PUT", "/api/v1/clusters/prod/topics/" + topic + "/owner", map[string]string{"application": appA}, 403, ""},
		{"ann", "POST", "/api/v1/clusters/prod/topics", map[string]any{"name": uniq("x")}, 403, ""},
		// Kafka identities Gregor did not create are never taken over.
		{"ann", "POST", "/api/v1/applications", map[string]string{"name": "ANONYMOUS", "team": "team-a"}, 400, "reserved"},
		{"ann", "POST", "/api/v1/applications", map[string]string{"name": "a.b", "team": "team-a"}, 400, "no '.'"},
		// A consumer group outside the application's own, or '*' alone, is not the owners' call.
		{"bob", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appB, "topic": topic, "access": "consume", "group": "*"}, 400, "not '*' alone"},
		// Discovery: the application itself, its team, the Kafka team.
		{"bob", "GET", "/api/v1/discovery/" + appA, nil, 403, ""},
		{"", "GET", "/api/v1/discovery/" + appA, nil, 401, ""},
	}
	for _, c := range cases {
		code, raw := e.call(c.who, c.method, c.path, c.body, nil)
		if code != c.want || !strings.Contains(raw, c.msg) {
			t.Errorf("%s %s as %q: %d %s, want %d with %q", c.method, c.path, c.who, code, strings.TrimSpace(raw), c.want, c.msg)
		}
	}
	// The denials changed nothing: both requests still pending, the credential still works.
	for _, r := range []reqView{pending, access} {
		var got reqView
		e.must(200, "root", "GET", "/api/v1/requests/"+id(r), nil, &got)
		if got.State != "pending" {
			t.Errorf("request %d is %s after denials", r.ID, got.State)
		}
	}
	e.mustBasic(200, appA, sa.Password, "/api/v1/discovery/"+appA, nil)
	// Allowed: the owner rejects with a comment; the requester sees it; cancel of a decided one is refused.
	var rej reqView
	e.must(200, "ann", "POST", "/api/v1/requests/"+id(access)+"/reject", map[string]string{"comment": "use the replica topic"}, &rej)
	if rej.State != "rejected" {
		t.Fatalf("rejected: %+v", rej)
	}
	var seen struct {
		Comment string `json:"comment"`
		State   string `json:"state"`
	}
	e.must(200, "bob", "GET", "/api/v1/requests/"+id(access), nil, &seen)
	if seen.State != "rejected" || seen.Comment != "use the replica topic" {
		t.Fatalf("requester sees %+v", seen)
	}
	e.must(409, "bob", "POST", "/api/v1/requests/"+id(access)+"/cancel", nil, nil)
	e.must(200, "ann", "POST", "/api/v1/requests/"+id(pending)+"/cancel", nil, nil)

	// Guessing an application's password: after 10 wrong ones in a minute, even the right one
	// waits (429); its team still reads discovery as users.
	for range 10 {
		e.mustBasic(401, appA, "guess", "/api/v1/discovery/"+appA, nil)
	}
	e.mustBasic(429, appA, sa.Password, "/api/v1/discovery/"+appA, nil)
	// Unknown applications cost the same and count nothing.
	for range 12 {
		e.mustBasic(401, "no-such-app", "guess", "/api/v1/discovery/no-such-app", nil)
	}
	e.must(200, "ann", "GET", "/api/v1/discovery/"+appA, nil, nil)
	e.noSecret(sa.Password)
}

// An application named like a Kafka user Gregor did not create for it (the cluster's super
// user, a service's own) never gets its password: no takeover.
func TestSelfServiceNoTakeover(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	adm := sc.AdminT(t)
	legacy := uniq("legacy")
	if _, err := adm.AlterUserSCRAMs(ctx, nil, []kadm.UpsertSCRAM{{User: legacy, Mechanism: kadm.ScramSha512, Iterations: 4096, Password: "legacy-pw-1"}}); err != nil {
		t.Fatal(err)
	}
	e.setupTeams(uniq("ta"), uniq("tb"))
	code, raw := e.call("ann", "POST", "/api/v1/applications", map[string]string{"name": testkit.AdminUser, "team": "team-a"}, nil)
	if code != 400 || !strings.Contains(raw, "reserved") {
		t.Fatalf("an application named as Gregor's own user: %d %s", code, raw)
	}
	e.must(201, "ann", "POST", "/api/v1/applications", map[string]string{"name": legacy, "team": "team-a"}, nil)
	var legacyExists bool
	for deadline := time.Now().Add(20 * time.Second); !legacyExists && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		code, raw = e.call("ann", "POST", "/api/v1/applications/"+legacy+"/credentials/prod", nil, nil)
		legacyExists = code == 409 && strings.Contains(raw, "will not take that identity over")
	}
	if !legacyExists {
		t.Fatalf("credential for an existing Kafka user: %d %s", code, raw)
	}
	// Nor do access or quotas for it: they would go to that user.
	code, raw = e.call("ann", "POST", "/api/v1/requests", map[string]any{"kind": "quota", "cluster": "prod", "application": legacy, "producer_byte_rate": 1000}, nil)
	if code != 409 || !strings.Contains(raw, "Gregor did not create") {
		t.Fatalf("quota for an existing Kafka user's name: %d %s", code, raw)
	}
	// Both still log in with their own passwords.
	for user, pw := range map[string]string{testkit.AdminUser: testkit.AdminPassword, legacy: "legacy-pw-1"} {
		cl := appClient(t, user, pw)
		if err := cl.Ping(ctx); err != nil {
			t.Errorf("%s no longer logs in: %v", user, err)
		}
	}
}
