package store

import (
	"bytes"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

// The self-service suite runs on both dialects, each test on a new, empty database, the way
// runSuite does.

func TestSelfServeSQLite(t *testing.T) {
	runSelfServeSuite(t, func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "gregor.db") })
}

func TestSelfServePostgres(t *testing.T) {
	runSelfServeSuite(t, func(t *testing.T) string { return testkit.Postgres(t) })
}

func runSelfServeSuite(t *testing.T, newDSN func(t *testing.T) string) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"Teams", testTeams},
		{"Members", testMembers},
		{"DeleteTeam", testDeleteTeam},
		{"Applications", testApplications},
		{"DeleteApplicationCascades", testDeleteApplicationCascades},
		{"Credentials", testCredentials},
		{"TopicOwners", testTopicOwners},
		{"Grants", testGrants},
		{"Requests", testRequests},
		{"RequestFilters", testRequestFilters},
		{"RequestTeamsFilter", testRequestTeamsFilter},
		{"RequestPaging", testRequestPaging},
		{"UpdateRequest", testUpdateRequest},
		{"UpdateRequestRace", testUpdateRequestRace},
		{"DeleteUserLeavesTeams", testDeleteUserLeavesTeams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &env{dsn: newDSN(t), clock: testkit.NewClock(t0)}
			e.s = e.open(t)
			tc.fn(t, e)
		})
	}
}

func deepEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// teamsAndApps makes teams red (members ann, bob) and blue (member bob), and applications
// billing (red), shop (red) and ads (blue).
func teamsAndApps(t *testing.T, e *env) {
	t.Helper()
	ok(t, e.s.CreateTeam(ctx, Team{Name: "red", Description: "the red team"}))
	ok(t, e.s.CreateTeam(ctx, Team{Name: "blue"}))
	ok(t, e.s.SetMember(ctx, "red", "ann", true))
	ok(t, e.s.SetMember(ctx, "red", "bob", true))
	ok(t, e.s.SetMember(ctx, "blue", "bob", true))
	for _, a := range []Application{{Name: "billing", Team: "red"}, {Name: "shop", Team: "red"}, {Name: "ads", Team: "blue"}} {
		ok(t, e.s.CreateApplication(ctx, a))
	}
}

func testTeams(t *testing.T, e *env) {
	red := Team{Name: "red", Description: "payments", CreatedAt: t0.Add(-time.Hour)}
	ok(t, e.s.CreateTeam(ctx, red))
	e.clock.Set(t0.Add(time.Minute))
	ok(t, e.s.CreateTeam(ctx, Team{Name: "blue"})) // CreatedAt from the clock
	mustErr(t, "duplicate team", e.s.CreateTeam(ctx, Team{Name: "red", Description: "other"}), ErrExists)
	if err := e.s.CreateTeam(ctx, Team{}); err == nil {
		t.Fatal("a team without name was created")
	}
	ts, err := e.s.ListTeams(ctx)
	ok(t, err)
	deepEqual(t, "ListTeams", ts, []Team{{Name: "blue", CreatedAt: t0.Add(time.Minute)}, red})
}

func testMembers(t *testing.T, e *env) {
	ok(t, e.s.CreateTeam(ctx, Team{Name: "red"}))
	ok(t, e.s.CreateTeam(ctx, Team{Name: "blue"}))
	ok(t, e.s.CreateTeam(ctx, Team{Name: "green"}))
	members := func(team string, want ...string) {
		t.Helper()
		got, err := e.s.ListMembers(ctx, team)
		ok(t, err)
		deepEqual(t, "ListMembers "+team, got, append([]string{}, want...))
	}
	teamsOf := func(user string, want ...string) {
		t.Helper()
		got, err := e.s.TeamsOf(ctx, user)
		ok(t, err)
		deepEqual(t, "TeamsOf "+user, got, append([]string{}, want...))
	}
	members("red") // no members: empty, not nil, not an error
	for _, m := range []struct{ team, user string }{{"red", "zoe"}, {"red", "ann"}, {"green", "ann"}, {"blue", "ann"}, {"blue", "bob"}} {
		ok(t, e.s.SetMember(ctx, m.team, m.user, true))
	}
	ok(t, e.s.SetMember(ctx, "red", "ann", true)) // idempotent
	members("red", "ann", "zoe")
	members("blue", "ann", "bob")
	teamsOf("ann", "blue", "green", "red")
	teamsOf("bob", "blue")
	teamsOf("nobody")

	ok(t, e.s.SetMember(ctx, "green", "ann", false))
	ok(t, e.s.SetMember(ctx, "green", "ann", false)) // idempotent
	ok(t, e.s.SetMember(ctx, "red", "bob", false))   // never a member
	members("green")
	teamsOf("ann", "blue", "red")

	mustErr(t, "add to missing team", e.s.SetMember(ctx, "black", "ann", true), ErrNotFound)
	mustErr(t, "remove from missing team", e.s.SetMember(ctx, "black", "ann", false), ErrNotFound)
	_, err := e.s.ListMembers(ctx, "black")
	mustErr(t, "members of missing team", err, ErrNotFound)
	if err := e.s.SetMember(ctx, "red", "", true); err == nil {
		t.Fatal("an empty user was added")
	}
	teamsOf("ann", "blue", "red")
}

func testDeleteTeam(t *testing.T, e *env) {
	teamsAndApps(t, e)
	mustErr(t, "delete missing team", e.s.DeleteTeam(ctx, "black"), ErrNotFound)
	mustErr(t, "delete team with applications", e.s.DeleteTeam(ctx, "blue"), ErrConflict)
	// The refused delete changed nothing.
	ms, err := e.s.ListMembers(ctx, "blue")
	ok(t, err)
	deepEqual(t, "members after conflict", ms, []string{"bob"})

	ok(t, e.s.DeleteApplication(ctx, "ads"))
	ok(t, e.s.DeleteTeam(ctx, "blue"))
	mustErr(t, "delete deleted team", e.s.DeleteTeam(ctx, "blue"), ErrNotFound)
	ts, err := e.s.ListTeams(ctx)
	ok(t, err)
	if len(ts) != 1 || ts[0].Name != "red" {
		t.Fatalf("teams left: %+v", ts)
	}
	teams, err := e.s.TeamsOf(ctx, "bob")
	ok(t, err)
	deepEqual(t, "bob's teams", teams, []string{"red"})
	var n int
	ok(t, e.s.(*sqlStore).r.QueryRowContext(ctx, `SELECT COUNT(*) FROM team_members WHERE team = 'blue'`).Scan(&n))
	if n != 0 {
		t.Fatalf("%d members of the deleted team left", n)
	}
	// A team of the same name starts empty.
	ok(t, e.s.CreateTeam(ctx, Team{Name: "blue"}))
	ms, err = e.s.ListMembers(ctx, "blue")
	ok(t, err)
	deepEqual(t, "members of recreated team", ms, []string{})
}

func testApplications(t *testing.T, e *env) {
	ok(t, e.s.CreateTeam(ctx, Team{Name: "red"}))
	billing := Application{Name: "billing", Team: "red", Description: "invoices", CreatedAt: t0.Add(-time.Hour)}
	ok(t, e.s.CreateApplication(ctx, billing))
	ok(t, e.s.CreateApplication(ctx, Application{Name: "ads", Team: "red"}))
	mustErr(t, "duplicate application", e.s.CreateApplication(ctx, Application{Name: "billing", Team: "red"}), ErrExists)
	mustErr(t, "application of missing team", e.s.CreateApplication(ctx, Application{Name: "shop", Team: "black"}), ErrNotFound)
	for _, a := range []Application{{Name: "x"}, {Team: "red"}} {
		if err := e.s.CreateApplication(ctx, a); err == nil {
			t.Fatalf("application %+v was created", a)
		}
	}
	a, err := e.s.GetApplication(ctx, "billing")
	ok(t, err)
	deepEqual(t, "GetApplication", a, billing)
	_, err = e.s.GetApplication(ctx, "shop")
	mustErr(t, "missing application", err, ErrNotFound)
	as, err := e.s.ListApplications(ctx)
	ok(t, err)
	deepEqual(t, "ListApplications", as, []Application{{Name: "ads", Team: "red", CreatedAt: t0}, billing})

	ok(t, e.s.DeleteApplication(ctx, "ads"))
	mustErr(t, "delete deleted application", e.s.DeleteApplication(ctx, "ads"), ErrNotFound)
	_, err = e.s.GetApplication(ctx, "ads")
	mustErr(t, "deleted application", err, ErrNotFound)
}

func testDeleteApplicationCascades(t *testing.T, e *env) {
	teamsAndApps(t, e)
	for _, app := range []string{"billing", "ads"} {
		ok(t, e.s.PutCredential(ctx, Credential{Application: app, Cluster: "prod", Username: app + "-prod", Mechanism: "SCRAM-SHA-512", PasswordHash: []byte("h")}))
		ok(t, e.s.PutCredential(ctx, Credential{Application: app, Cluster: "dev", Username: app + "-dev", Mechanism: "SCRAM-SHA-256", PasswordHash: []byte("h")}))
		ok(t, e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "prod", Topic: app + ".events", Application: app}))
		ok(t, e.s.PutGrant(ctx, Grant{Cluster: "prod", Topic: "shared", Application: app, Access: "consume", Group: app}))
		ok(t, e.s.PutGrant(ctx, Grant{Cluster: "prod", Topic: app + ".events", Application: app, Access: "produce"}))
	}
	r := Request{Kind: "topic", Requester: "ann", Team: "red", Application: "billing", Cluster: "prod", Topic: "billing.events"}
	ok(t, e.s.CreateRequest(ctx, &r))

	ok(t, e.s.DeleteApplication(ctx, "billing"))
	cs, err := e.s.ListCredentials(ctx, "billing")
	ok(t, err)
	deepEqual(t, "credentials of deleted application", cs, []Credential{})
	gs, err := e.s.ListGrants(ctx, GrantFilter{Application: "billing"})
	ok(t, err)
	deepEqual(t, "grants of deleted application", gs, []Grant{})
	_, err = e.s.GetTopicOwner(ctx, "prod", "billing.events")
	mustErr(t, "owner of deleted application", err, ErrNotFound)
	for table, want := range map[string]int{"credentials": 2, "grants": 2, "topic_owners": 1, "requests": 1, "applications": 2} {
		if n := e.count(t, table); n != want {
			t.Fatalf("%s: %d rows, want %d", table, n, want)
		}
	}
	// ads keeps everything; the request stays as history.
	cs, err = e.s.ListCredentials(ctx, "ads")
	ok(t, err)
	if len(cs) != 2 {
		t.Fatalf("credentials of ads: %+v", cs)
	}
	if o, err := e.s.GetTopicOwner(ctx, "prod", "ads.events"); err != nil || o.Application != "ads" {
		t.Fatalf("owner of ads.events: %+v, %v", o, err)
	}
	if got, err := e.s.GetRequest(ctx, r.ID); err != nil || got.Application != "billing" {
		t.Fatalf("request after delete: %+v, %v", got, err)
	}
	mustErr(t, "delete missing application", e.s.DeleteApplication(ctx, "billing"), ErrNotFound)
}

func testCredentials(t *testing.T, e *env) {
	teamsAndApps(t, e)
	prod := Credential{Application: "billing", Cluster: "prod", Username: "billing", Mechanism: "SCRAM-SHA-512",
		PasswordHash: []byte("$2a$10$first"), CreatedAt: t0.Add(-time.Hour)}
	ok(t, e.s.PutCredential(ctx, prod))
	ok(t, e.s.PutCredential(ctx, Credential{Application: "billing", Cluster: "dev", Username: "billing", Mechanism: "SCRAM-SHA-256",
		PasswordHash: []byte("$2a$10$dev")})) // same username on another cluster
	cs, err := e.s.ListCredentials(ctx, "billing")
	ok(t, err)
	deepEqual(t, "ListCredentials", cs, []Credential{
		{Application: "billing", Cluster: "dev", Username: "billing", Mechanism: "SCRAM-SHA-256", PasswordHash: []byte("$2a$10$dev"), CreatedAt: t0},
		prod,
	})

	// Replacing (a rotation) keeps CreatedAt and sets RotatedAt, now when zero.
	e.clock.Set(t0.Add(time.Hour))
	ok(t, e.s.PutCredential(ctx, Credential{Application: "billing", Cluster: "prod", Username: "billing-2", Mechanism: "SCRAM-SHA-256",
		PasswordHash: []byte("$2a$10$second")}))
	cs, err = e.s.ListCredentials(ctx, "billing")
	ok(t, err)
	want := Credential{Application: "billing", Cluster: "prod", Username: "billing-2", Mechanism: "SCRAM-SHA-256",
		PasswordHash: []byte("$2a$10$second"), CreatedAt: prod.CreatedAt, RotatedAt: t0.Add(time.Hour)}
	if len(cs) != 2 {
		t.Fatalf("after replace: %+v", cs)
	}
	deepEqual(t, "replaced credential", cs[1], want)
	ok(t, e.s.PutCredential(ctx, Credential{Application: "billing", Cluster: "prod", Username: "billing-2", Mechanism: "SCRAM-SHA-256",
		PasswordHash: []byte("$2a$10$third"), RotatedAt: t0.Add(2 * time.Hour)}))
	cs, err = e.s.ListCredentials(ctx, "billing")
	ok(t, err)
	if !cs[1].RotatedAt.Equal(t0.Add(2*time.Hour)) || !bytes.Equal(cs[1].PasswordHash, []byte("$2a$10$third")) || !cs[1].CreatedAt.Equal(prod.CreatedAt) {
		t.Fatalf("second rotation: %+v", cs[1])
	}

	mustErr(t, "credential of missing application", e.s.PutCredential(ctx,
		Credential{Application: "nope", Cluster: "prod", Username: "nope", PasswordHash: []byte("h")}), ErrNotFound)
	mustErr(t, "username of another application", e.s.PutCredential(ctx,
		Credential{Application: "ads", Cluster: "prod", Username: "billing-2", PasswordHash: []byte("h")}), ErrExists)
	if err := e.s.PutCredential(ctx, Credential{Application: "ads", Cluster: "prod"}); err == nil {
		t.Fatal("a credential without username was put")
	}
	cs, err = e.s.ListCredentials(ctx, "ads")
	ok(t, err)
	deepEqual(t, "credentials of ads", cs, []Credential{})

	ok(t, e.s.DeleteCredential(ctx, "billing", "dev"))
	mustErr(t, "delete deleted credential", e.s.DeleteCredential(ctx, "billing", "dev"), ErrNotFound)
	cs, err = e.s.ListCredentials(ctx, "billing")
	ok(t, err)
	if len(cs) != 1 || cs[0].Cluster != "prod" {
		t.Fatalf("after delete: %+v", cs)
	}
}

func testTopicOwners(t *testing.T, e *env) {
	teamsAndApps(t, e)
	orders := TopicOwner{Cluster: "prod", Topic: "orders", Application: "billing", Region: "eu", CreatedAt: t0.Add(-time.Hour)}
	ok(t, e.s.SetTopicOwner(ctx, orders))
	ok(t, e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "prod", Topic: "clicks", Application: "ads"}))
	ok(t, e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "dev", Topic: "orders", Application: "shop"}))
	o, err := e.s.GetTopicOwner(ctx, "prod", "orders")
	ok(t, err)
	deepEqual(t, "GetTopicOwner", o, orders)
	_, err = e.s.GetTopicOwner(ctx, "prod", "nope")
	mustErr(t, "owner of unowned topic", err, ErrNotFound)
	_, err = e.s.GetTopicOwner(ctx, "qa", "orders")
	mustErr(t, "owner on other cluster", err, ErrNotFound)
	mustErr(t, "owner is missing application", e.s.SetTopicOwner(ctx,
		TopicOwner{Cluster: "prod", Topic: "x", Application: "nope"}), ErrNotFound)
	if err := e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "prod", Application: "ads"}); err == nil {
		t.Fatal("an owner without topic was set")
	}

	all, err := e.s.ListTopicOwners(ctx, "")
	ok(t, err)
	deepEqual(t, "ListTopicOwners all", all, []TopicOwner{
		{Cluster: "dev", Topic: "orders", Application: "shop", CreatedAt: t0},
		{Cluster: "prod", Topic: "clicks", Application: "ads", CreatedAt: t0},
		orders,
	})
	prod, err := e.s.ListTopicOwners(ctx, "prod")
	ok(t, err)
	deepEqual(t, "ListTopicOwners prod", prod, all[1:])
	none, err := e.s.ListTopicOwners(ctx, "qa")
	ok(t, err)
	deepEqual(t, "ListTopicOwners qa", none, []TopicOwner{})

	// Replacing changes the owner and region.
	e.clock.Set(t0.Add(time.Hour))
	ok(t, e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "prod", Topic: "orders", Application: "shop", Region: "us"}))
	o, err = e.s.GetTopicOwner(ctx, "prod", "orders")
	ok(t, err)
	deepEqual(t, "replaced owner", o, TopicOwner{Cluster: "prod", Topic: "orders", Application: "shop", Region: "us", CreatedAt: t0.Add(time.Hour)})

	ok(t, e.s.DeleteTopicOwner(ctx, "prod", "orders"))
	mustErr(t, "delete deleted owner", e.s.DeleteTopicOwner(ctx, "prod", "orders"), ErrNotFound)
	_, err = e.s.GetTopicOwner(ctx, "prod", "orders")
	mustErr(t, "deleted owner", err, ErrNotFound)
	if o, err := e.s.GetTopicOwner(ctx, "dev", "orders"); err != nil || o.Application != "shop" {
		t.Fatalf("dev/orders after deleting prod/orders: %+v, %v", o, err)
	}
}

func testGrants(t *testing.T, e *env) {
	teamsAndApps(t, e)
	in := []Grant{
		{Cluster: "prod", Topic: "orders", Application: "shop", Access: "produce", CreatedAt: t0.Add(-time.Hour)},
		{Cluster: "prod", Topic: "orders", Application: "billing", Access: "consume", Group: "billing-"},
		{Cluster: "prod", Topic: "orders", Application: "billing", Access: "produce"},
		{Cluster: "dev", Topic: "orders", Application: "billing", Access: "consume", Group: "dev-billing"},
		{Cluster: "prod", Topic: "clicks", Application: "ads", Access: "produce"},
	}
	for _, g := range in {
		ok(t, e.s.PutGrant(ctx, g))
	}
	for i := range in {
		if in[i].CreatedAt.IsZero() {
			in[i].CreatedAt = t0
		}
	}
	mustErr(t, "grant to missing application", e.s.PutGrant(ctx, Grant{Cluster: "prod", Topic: "orders", Application: "nope", Access: "consume"}), ErrNotFound)
	if err := e.s.PutGrant(ctx, Grant{Cluster: "prod", Topic: "orders", Application: "ads"}); err == nil {
		t.Fatal("a grant without access was put")
	}
	pick := func(idx ...int) []Grant {
		out := []Grant{}
		for _, i := range idx {
			out = append(out, in[i])
		}
		return out
	}
	for _, tc := range []struct {
		f    GrantFilter
		want []Grant
	}{
		{GrantFilter{}, pick(3, 4, 1, 2, 0)},
		{GrantFilter{Cluster: "prod"}, pick(4, 1, 2, 0)},
		{GrantFilter{Topic: "orders"}, pick(3, 1, 2, 0)},
		{GrantFilter{Application: "billing"}, pick(3, 1, 2)},
		{GrantFilter{Cluster: "prod", Topic: "orders", Application: "billing"}, pick(1, 2)},
		{GrantFilter{Cluster: "qa"}, pick()},
	} {
		got, err := e.s.ListGrants(ctx, tc.f)
		ok(t, err)
		deepEqual(t, "ListGrants "+toJSON(tc.f), got, tc.want)
	}

	// Replacing changes the group.
	ok(t, e.s.PutGrant(ctx, Grant{Cluster: "prod", Topic: "orders", Application: "billing", Access: "consume", Group: "billing-v2"}))
	got, err := e.s.ListGrants(ctx, GrantFilter{Cluster: "prod", Topic: "orders", Application: "billing"})
	ok(t, err)
	if len(got) != 2 || got[0].Access != "consume" || got[0].Group != "billing-v2" {
		t.Fatalf("after replace: %+v", got)
	}

	ok(t, e.s.DeleteGrant(ctx, Grant{Cluster: "prod", Topic: "orders", Application: "billing", Access: "consume"}))
	mustErr(t, "delete deleted grant", e.s.DeleteGrant(ctx, Grant{Cluster: "prod", Topic: "orders", Application: "billing", Access: "consume"}), ErrNotFound)
	got, err = e.s.ListGrants(ctx, GrantFilter{Application: "billing"})
	ok(t, err)
	deepEqual(t, "after delete", got, pick(3, 2))
}

func testRequests(t *testing.T, e *env) {
	r := Request{Kind: "topic", Requester: "ann", Team: "red", Application: "billing", Cluster: "prod", Topic: "orders",
		Spec: `{"partitions":6}`, Reason: "new service"}
	e.clock.Set(t0.Add(time.Minute))
	ok(t, e.s.CreateRequest(ctx, &r))
	if r.ID == 0 || r.State != RequestPending || !r.CreatedAt.Equal(t0.Add(time.Minute)) || !r.UpdatedAt.Equal(r.CreatedAt) {
		t.Fatalf("CreateRequest set %+v", r)
	}
	got, err := e.s.GetRequest(ctx, r.ID)
	ok(t, err)
	deepEqual(t, "GetRequest", got, r)

	// Given times and state are kept.
	r2 := Request{Kind: "access", State: RequestApproved, Requester: "bob", Team: "blue", Application: "ads", Cluster: "prod",
		Topic: "orders", Spec: `{"access":"consume"}`, DecidedBy: "admin", Comment: "ok", Result: `{}`, Error: "boom",
		CreatedAt: t0, UpdatedAt: t0.Add(time.Second)}
	ok(t, e.s.CreateRequest(ctx, &r2))
	if r2.ID == 0 || r2.ID == r.ID {
		t.Fatalf("ids %d and %d", r.ID, r2.ID)
	}
	got, err = e.s.GetRequest(ctx, r2.ID)
	ok(t, err)
	deepEqual(t, "GetRequest with every field", got, r2)

	_, err = e.s.GetRequest(ctx, r2.ID+100)
	mustErr(t, "missing request", err, ErrNotFound)
	if err := e.s.CreateRequest(ctx, &Request{Requester: "ann"}); err == nil {
		t.Fatal("a request without kind was created")
	}
	// Newest first: r (t0+1m) before r2 (t0).
	rs, total, err := e.s.ListRequests(ctx, RequestFilter{})
	ok(t, err)
	if total != 2 {
		t.Fatalf("total %d", total)
	}
	deepEqual(t, "ListRequests", rs, []Request{r, r2})
}

// requestLog creates six requests a minute apart, and returns them newest first with their
// IDs, as ListRequests must.
func requestLog(t *testing.T, e *env) []Request {
	t.Helper()
	in := []Request{
		{Kind: "topic", Requester: "ann", Team: "red", Application: "billing", Cluster: "prod", Topic: "invoices"},
		{Kind: "access", Requester: "bob", Team: "blue", Application: "ads", Cluster: "prod", Topic: "invoices"},
		{Kind: "access", State: RequestRejected, Requester: "bob", Team: "blue", Application: "ads", Cluster: "dev", Topic: "invoices"},
		{Kind: "quota", Requester: "ann", Team: "red", Application: "shop", Cluster: "prod"},
		{Kind: "partitions", State: RequestApplied, Requester: "cat", Team: "green", Application: "ml", Cluster: "prod", Topic: "clicks"},
		{Kind: "access", Requester: "cat", Team: "green", Application: "ml", Cluster: "prod", Topic: "orders"},
	}
	for i := range in {
		e.clock.Set(t0.Add(time.Duration(i) * time.Minute))
		ok(t, e.s.CreateRequest(ctx, &in[i]))
	}
	out := make([]Request, len(in))
	for i := range in {
		out[i] = in[len(in)-1-i]
	}
	return out
}

func testRequestFilters(t *testing.T, e *env) {
	all := requestLog(t, e) // newest first: 0 ml/orders, 1 ml/clicks applied, 2 shop quota, 3 ads dev rejected, 4 ads prod, 5 billing
	pick := func(idx ...int) []Request {
		out := []Request{}
		for _, i := range idx {
			out = append(out, all[i])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    RequestFilter
		want []Request
	}{
		{"all", RequestFilter{}, pick(0, 1, 2, 3, 4, 5)},
		{"state", RequestFilter{State: string(RequestPending)}, pick(0, 2, 4, 5)},
		{"kind", RequestFilter{Kind: "access"}, pick(0, 3, 4)},
		{"requester", RequestFilter{Requester: "ann"}, pick(2, 5)},
		{"application", RequestFilter{Application: "ads"}, pick(3, 4)},
		{"cluster", RequestFilter{Cluster: "dev"}, pick(3)},
		{"combined", RequestFilter{Kind: "access", State: string(RequestPending), Cluster: "prod"}, pick(0, 4)},
		{"none", RequestFilter{Requester: "nobody"}, pick()},
	} {
		got, total, err := e.s.ListRequests(ctx, tc.f)
		ok(t, err)
		if total != len(tc.want) {
			t.Fatalf("%s: total %d, want %d", tc.name, total, len(tc.want))
		}
		deepEqual(t, tc.name, got, tc.want)
	}
}

func testRequestTeamsFilter(t *testing.T, e *env) {
	teamsAndApps(t, e) // red: billing, shop; blue: ads
	ok(t, e.s.CreateTeam(ctx, Team{Name: "green"}))
	ok(t, e.s.CreateApplication(ctx, Application{Name: "ml", Team: "green"}))
	// red owns prod/invoices (through billing) and prod/orders (through shop); green prod/clicks;
	// dev/invoices is owned by blue.
	ok(t, e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "prod", Topic: "invoices", Application: "billing"}))
	ok(t, e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "prod", Topic: "orders", Application: "shop"}))
	ok(t, e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "prod", Topic: "clicks", Application: "ml"}))
	ok(t, e.s.SetTopicOwner(ctx, TopicOwner{Cluster: "dev", Topic: "invoices", Application: "ads"}))
	all := requestLog(t, e) // newest first: 0 green ml prod/orders, 1 green prod/clicks, 2 red quota, 3 blue dev/invoices, 4 blue prod/invoices, 5 red prod/invoices
	pick := func(idx ...int) []Request {
		out := []Request{}
		for _, i := range idx {
			out = append(out, all[i])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    RequestFilter
		want []Request
	}{
		// red's own (2, 5) and those on topics red owns: 0 (prod/orders), 4 (prod/invoices).
		{"red", RequestFilter{Teams: []string{"red"}}, pick(0, 2, 4, 5)},
		// blue's own (3, 4); dev/invoices is blue's, the request on it is blue's anyway.
		{"blue", RequestFilter{Teams: []string{"blue"}}, pick(3, 4)},
		{"green", RequestFilter{Teams: []string{"green"}}, pick(0, 1)},
		{"blue and green", RequestFilter{Teams: []string{"blue", "green"}}, pick(0, 1, 3, 4)},
		{"unknown team", RequestFilter{Teams: []string{"black"}}, pick()},
		{"empty list", RequestFilter{Teams: []string{}}, pick()},
		{"nil", RequestFilter{}, pick(0, 1, 2, 3, 4, 5)},
		{"red and state", RequestFilter{Teams: []string{"red"}, Requester: "bob"}, pick(4)},
		{"red paged", RequestFilter{Teams: []string{"red"}, Limit: 2, Offset: 1}, pick(2, 4)},
	} {
		got, total, err := e.s.ListRequests(ctx, tc.f)
		ok(t, err)
		wantTotal := len(tc.want)
		if tc.name == "red paged" {
			wantTotal = 4
		}
		if total != wantTotal {
			t.Fatalf("%s: total %d, want %d", tc.name, total, wantTotal)
		}
		deepEqual(t, tc.name, got, tc.want)
	}
	// Ownership moves with the topic owner.
	ok(t, e.s.DeleteTopicOwner(ctx, "prod", "orders"))
	got, _, err := e.s.ListRequests(ctx, RequestFilter{Teams: []string{"red"}})
	ok(t, err)
	deepEqual(t, "red after unowning prod/orders", got, pick(2, 4, 5))
}

func testRequestPaging(t *testing.T, e *env) {
	all := requestLog(t, e)
	// Requests of the same millisecond come newest (highest id) first.
	e.clock.Set(t0.Add(time.Hour))
	same := []Request{{Kind: "topic", Requester: "first"}, {Kind: "topic", Requester: "second"}}
	for i := range same {
		ok(t, e.s.CreateRequest(ctx, &same[i]))
	}
	all = append([]Request{same[1], same[0]}, all...)
	for _, tc := range []struct {
		limit, offset int
		want          []Request
	}{
		{0, 0, all},
		{3, 0, all[:3]},
		{3, 3, all[3:6]},
		{3, 6, all[6:]},
		{0, 5, all[5:]},
		{3, len(all), []Request{}},
		{3, len(all) + 10, []Request{}},
		{-1, -1, all},
	} {
		got, total, err := e.s.ListRequests(ctx, RequestFilter{Limit: tc.limit, Offset: tc.offset})
		ok(t, err)
		if total != len(all) {
			t.Fatalf("limit %d offset %d: total %d, want %d", tc.limit, tc.offset, total, len(all))
		}
		deepEqual(t, "page", got, tc.want)
	}
}

func testUpdateRequest(t *testing.T, e *env) {
	r := Request{Kind: "topic", Requester: "ann", Team: "red", Application: "billing", Cluster: "prod", Topic: "orders", Spec: `{"partitions":3}`}
	ok(t, e.s.CreateRequest(ctx, &r))
	other := Request{Kind: "quota", Requester: "bob"}
	ok(t, e.s.CreateRequest(ctx, &other))

	// Approve: every mutable field stored, UpdatedAt from the clock.
	e.clock.Set(t0.Add(time.Minute))
	approved := r
	approved.State, approved.DecidedBy, approved.Comment = RequestApproved, "admin", "fine"
	approved.Topic, approved.Spec = "orders-v2", `{"partitions":6}`
	approved.UpdatedAt = time.Time{}
	ok(t, e.s.UpdateRequest(ctx, approved, RequestPending))
	approved.UpdatedAt = t0.Add(time.Minute)
	got, err := e.s.GetRequest(ctx, r.ID)
	ok(t, err)
	deepEqual(t, "approved", got, approved)

	// A second decision from pending conflicts and changes nothing.
	rejected := approved
	rejected.State, rejected.DecidedBy, rejected.Comment, rejected.UpdatedAt = RequestRejected, "other", "no", time.Time{}
	mustErr(t, "reject approved request", e.s.UpdateRequest(ctx, rejected, RequestPending), ErrConflict)
	got, err = e.s.GetRequest(ctx, r.ID)
	ok(t, err)
	deepEqual(t, "after conflict", got, approved)

	// Apply with a given UpdatedAt, a result and an error.
	failed := approved
	failed.State, failed.Result, failed.Error, failed.UpdatedAt = RequestFailed, `{"created":false}`, "broker down", t0.Add(time.Hour)
	ok(t, e.s.UpdateRequest(ctx, failed, RequestApproved))
	got, err = e.s.GetRequest(ctx, r.ID)
	ok(t, err)
	deepEqual(t, "failed", got, failed)
	if !got.CreatedAt.Equal(t0) {
		t.Fatalf("CreatedAt changed: %v", got.CreatedAt)
	}

	missing := failed
	missing.ID = other.ID + 100
	mustErr(t, "update missing request", e.s.UpdateRequest(ctx, missing, RequestFailed), ErrNotFound)
	mustErr(t, "update missing request from pending", e.s.UpdateRequest(ctx, missing, RequestPending), ErrNotFound)
	// The other request was never touched.
	got, err = e.s.GetRequest(ctx, other.ID)
	ok(t, err)
	deepEqual(t, "other request", got, other)
}

// Concurrent decisions on one pending request: exactly one wins, the others conflict.
func testUpdateRequestRace(t *testing.T, e *env) {
	r := Request{Kind: "topic", Requester: "ann"}
	ok(t, e.s.CreateRequest(ctx, &r))
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			d := r
			d.State, d.DecidedBy = RequestApproved, string(rune('a'+i))
			errs[i] = e.s.UpdateRequest(ctx, d, RequestPending)
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Fatalf("deciders %d and %d both won", winner, i)
			}
			winner = i
		default:
			mustErr(t, "losing decider", err, ErrConflict)
		}
	}
	if winner < 0 {
		t.Fatal("no decider won")
	}
	got, err := e.s.GetRequest(ctx, r.ID)
	ok(t, err)
	if got.State != RequestApproved || got.DecidedBy != string(rune('a'+winner)) {
		t.Fatalf("stored %+v, winner %d", got, winner)
	}
}

// A deleted user's memberships go with them: a later user of the same name is in no team.
func testDeleteUserLeavesTeams(t *testing.T, e *env) {
	ok(t, e.s.CreateTeam(ctx, Team{Name: "red"}))
	ok(t, e.s.CreateUser(ctx, User{Name: "alice", Role: RoleViewer, PasswordHash: []byte("x")}))
	ok(t, e.s.SetMember(ctx, "red", "alice", true))
	ok(t, e.s.SetMember(ctx, "red", "bob", true))
	ok(t, e.s.DeleteUser(ctx, "alice"))
	got, err := e.s.TeamsOf(ctx, "alice")
	ok(t, err)
	deepEqual(t, "TeamsOf alice after delete", got, []string{})
	members, err := e.s.ListMembers(ctx, "red")
	ok(t, err)
	deepEqual(t, "red members", members, []string{"bob"})
	mustErr(t, "delete missing user", e.s.DeleteUser(ctx, "alice"), ErrNotFound)
}
