package store

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// auditLog appends six entries a minute apart (the last with a zero time, so the clock's),
// and returns them as ListAudit must, newest first, with their IDs.
func auditLog(t *testing.T, e *env) []AuditEntry {
	t.Helper()
	in := []AuditEntry{
		{Time: t0, User: "alice", Role: RoleOperator, Cluster: "prod", Action: "topic.create", Target: "orders",
			Request: `{"partitions":6}`, Result: `{"created":true}`},
		{Time: t0.Add(time.Minute), User: "alice", Role: RoleOperator, Cluster: "prod", Action: "topic.delete", Target: "tmp",
			DryRun: true, Request: `{}`},
		{Time: t0.Add(2 * time.Minute), User: "bob", Role: RoleAdmin, Cluster: "dev", Action: "group.reset_offsets", Target: "billing",
			Error: "group is not empty"},
		{Time: t0.Add(3 * time.Minute), User: "bob", Role: RoleAdmin, Cluster: "prod", Action: "acl.delete"},
		{Time: t0.Add(4 * time.Minute), User: "carol", Role: RoleAdmin, Action: "topics.bulk", Target: "ünïcode"},
		{User: "alice", Role: RoleOperator, Cluster: "dev", Action: "topic_x.create"},
	}
	e.clock.Set(t0.Add(5 * time.Minute))
	for _, a := range in {
		ok(t, e.s.AppendAudit(ctx, a))
	}
	in[5].Time = t0.Add(5 * time.Minute)
	got, total, err := e.s.ListAudit(ctx, AuditFilter{})
	ok(t, err)
	if total != len(in) || len(got) != len(in) {
		t.Fatalf("ListAudit: %d entries, total %d, want %d", len(got), total, len(in))
	}
	want := make([]AuditEntry, len(in))
	seen := map[int64]bool{}
	for i := range in {
		w := in[len(in)-1-i]
		if got[i].ID == 0 || seen[got[i].ID] {
			t.Fatalf("entry %d: id %d missing or repeated", i, got[i].ID)
		}
		seen[got[i].ID] = true
		w.ID = got[i].ID
		want[i] = w
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListAudit:\n got %+v\nwant %+v", got, want)
	}
	return want
}

func testAudit(t *testing.T, e *env) {
	all := auditLog(t, e)
	if err := e.s.AppendAudit(ctx, AuditEntry{User: "x"}); err == nil {
		t.Fatal("an entry without action was appended")
	}
	// Entries logged in the same millisecond come newest (highest id) first.
	for _, u := range []string{"first", "second"} {
		ok(t, e.s.AppendAudit(ctx, AuditEntry{Time: t0.Add(time.Hour), User: u, Role: RoleAdmin, Action: "user.create"}))
	}
	got, total, err := e.s.ListAudit(ctx, AuditFilter{Limit: 3})
	ok(t, err)
	if total != len(all)+2 || len(got) != 3 || got[0].User != "second" || got[1].User != "first" || got[2].ID != all[0].ID {
		t.Fatalf("same time: total %d, %+v", total, got)
	}
}

func testAuditFilters(t *testing.T, e *env) {
	all := auditLog(t, e) // newest first: 0 topic_x.create, 1 topics.bulk, 2 acl.delete, 3 group.reset_offsets, 4 topic.delete, 5 topic.create
	pick := func(idx ...int) []AuditEntry {
		out := []AuditEntry{}
		for _, i := range idx {
			out = append(out, all[i])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    AuditFilter
		want []AuditEntry
	}{
		{"user", AuditFilter{User: "alice"}, pick(0, 4, 5)},
		{"unknown user", AuditFilter{User: "Alice"}, pick()},
		{"cluster", AuditFilter{Cluster: "prod"}, pick(2, 4, 5)},
		{"action prefix", AuditFilter{Action: "topic."}, pick(4, 5)},
		{"action prefix without dot", AuditFilter{Action: "topic"}, pick(0, 1, 4, 5)},
		{"whole action", AuditFilter{Action: "acl.delete"}, pick(2)},
		{"action longer than any", AuditFilter{Action: "acl.delete.more"}, pick()},
		{"action is case-sensitive", AuditFilter{Action: "TOPIC."}, pick()},
		{"no LIKE wildcards", AuditFilter{Action: "topic%"}, pick()},
		{"underscore is literal", AuditFilter{Action: "topic_"}, pick(0)},
		{"underscore matches no other character", AuditFilter{Action: "topic_."}, pick()},
		{"from inclusive", AuditFilter{From: t0.Add(3 * time.Minute)}, pick(0, 1, 2)},
		{"to exclusive", AuditFilter{To: t0.Add(2 * time.Minute)}, pick(4, 5)},
		{"from and to", AuditFilter{From: t0.Add(time.Minute), To: t0.Add(3*time.Minute + time.Millisecond)}, pick(2, 3, 4)},
		{"empty range", AuditFilter{From: t0.Add(time.Hour)}, pick()},
		{"all together", AuditFilter{User: "alice", Cluster: "prod", Action: "topic.", From: t0.Add(time.Second)}, pick(4)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := e.s.ListAudit(ctx, tc.f)
			ok(t, err)
			if total != len(tc.want) || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("total %d\n got %+v\nwant %+v", total, got, tc.want)
			}
		})
	}
	// A prefix of several bytes per character is counted in characters.
	ok(t, e.s.AppendAudit(ctx, AuditEntry{Time: t0, User: "dave", Action: "tëst.ä"}))
	got, total, err := e.s.ListAudit(ctx, AuditFilter{Action: "tëst."})
	ok(t, err)
	if total != 1 || got[0].User != "dave" {
		t.Fatalf("multi-byte prefix: %d %+v", total, got)
	}
}

func testAuditPaging(t *testing.T, e *env) {
	const n = 25
	for i := range n {
		ok(t, e.s.AppendAudit(ctx, AuditEntry{Time: t0.Add(time.Duration(i) * time.Second), User: "u", Role: RoleOperator,
			Cluster: "prod", Action: "topic.create", Target: fmt.Sprintf("t%02d", i)}))
	}
	ok(t, e.s.AppendAudit(ctx, AuditEntry{Time: t0, User: "v", Action: "acl.create"}))
	targets := func(es []AuditEntry) string {
		s := ""
		for _, x := range es {
			s += x.Target + " "
		}
		return s
	}
	for _, tc := range []struct {
		limit, offset int
		want          string
	}{
		{10, 0, "t24 t23 t22 t21 t20 t19 t18 t17 t16 t15 "},
		{10, 10, "t14 t13 t12 t11 t10 t09 t08 t07 t06 t05 "},
		{10, 20, "t04 t03 t02 t01 t00 "},
		{10, 25, ""},
		{10, 1000, ""},
		{0, 22, "t02 t01 t00 "}, // no limit
		{1, 0, "t24 "},
		{3, -5, "t24 t23 t22 "}, // a negative offset is 0
	} {
		got, total, err := e.s.ListAudit(ctx, AuditFilter{User: "u", Limit: tc.limit, Offset: tc.offset})
		ok(t, err)
		if total != n || targets(got) != tc.want || got == nil {
			t.Fatalf("limit %d offset %d: total %d, %q, want %q", tc.limit, tc.offset, total, targets(got), tc.want)
		}
	}
	got, total, err := e.s.ListAudit(ctx, AuditFilter{Action: "topic.", From: t0.Add(10 * time.Second), Limit: 2, Offset: 1})
	ok(t, err)
	if total != 15 || targets(got) != "t23 t22 " {
		t.Fatalf("filtered page: total %d, %q", total, targets(got))
	}
}

func testPruneAudit(t *testing.T, e *env) {
	for i := range 10 {
		ok(t, e.s.AppendAudit(ctx, AuditEntry{Time: t0.Add(time.Duration(i) * time.Hour), User: "u", Action: "topic.create",
			Target: fmt.Sprint(i)}))
	}
	ok(t, e.s.PruneAudit(ctx, t0.Add(4*time.Hour))) // entries at 0-3h go, the one at 4h stays
	got, total, err := e.s.ListAudit(ctx, AuditFilter{})
	ok(t, err)
	if total != 6 || len(got) != 6 || got[5].Target != "4" || got[0].Target != "9" {
		t.Fatalf("after prune: total %d, %+v", total, got)
	}
	if n := e.count(t, "audit_log"); n != 6 {
		t.Fatalf("%d rows, want 6", n)
	}
	ok(t, e.s.PruneAudit(ctx, t0)) // nothing before the first
	ok(t, e.s.PruneAudit(ctx, t0.Add(24*time.Hour)))
	if n := e.count(t, "audit_log"); n != 0 {
		t.Fatalf("%d rows after pruning everything", n)
	}
}
