package store

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func testAlerts(t *testing.T, e *env) {
	a := AlertRecord{
		Fingerprint: "fp1", Cluster: "prod", State: "firing", Severity: "critical",
		Labels: map[string]string{"alertname": "cluster.offline", "cluster": "prod"}, Title: "2 partitions offline",
		Evidence: []string{"offline = 2 count (threshold 0)"}, Fix: "restart broker 3",
		ActiveAt: t0, StartsAt: t0.Add(time.Minute), LastSeen: t0.Add(2 * time.Minute), SilencedBy: "s1",
	}
	b := AlertRecord{Fingerprint: "fp2", Cluster: "dev", State: "pending", Severity: "warning", ActiveAt: t0, LastSeen: t0}
	ok(t, e.s.SaveAlerts(ctx, []AlertRecord{b, a}))
	got, err := e.s.ListAlerts(ctx)
	ok(t, err)
	b.Labels, b.Evidence = map[string]string{}, []string{} // nil comes back empty
	if !reflect.DeepEqual(got, []AlertRecord{a, b}) {
		t.Fatalf("ListAlerts:\n got %+v\nwant %+v", got, []AlertRecord{a, b})
	}

	// Upsert replaces; of two with one fingerprint the last wins.
	a.State, a.EndsAt, a.SilencedBy = "resolved", t0.Add(time.Hour), ""
	a.Labels["extra"] = "x"
	stale := a
	stale.Title = "stale"
	ok(t, e.s.SaveAlerts(ctx, []AlertRecord{stale, a}))
	got, err = e.s.ListAlerts(ctx)
	ok(t, err)
	if !reflect.DeepEqual(got, []AlertRecord{a, b}) {
		t.Fatalf("after upsert:\n got %+v\nwant %+v", got, []AlertRecord{a, b})
	}
	if err := e.s.SaveAlerts(ctx, []AlertRecord{{Cluster: "x"}}); err == nil {
		t.Fatal("an alert without fingerprint was saved")
	}

	// Many at once (several chunks), then deleted.
	var many []AlertRecord
	var fps []string
	for i := range 450 {
		fp := fmt.Sprintf("m%03d", i)
		many = append(many, AlertRecord{Fingerprint: fp, Cluster: "big", State: "firing", ActiveAt: t0})
		fps = append(fps, fp)
	}
	ok(t, e.s.SaveAlerts(ctx, many))
	if n := e.count(t, "alerts"); n != 452 {
		t.Fatalf("%d alerts, want 452", n)
	}
	ok(t, e.s.DeleteAlerts(ctx, append(fps, "fp2", "nope")))
	got, err = e.s.ListAlerts(ctx)
	ok(t, err)
	if len(got) != 1 || got[0].Fingerprint != "fp1" {
		t.Fatalf("after delete: %+v", got)
	}
	ok(t, e.s.DeleteAlerts(ctx, nil))
}

func testSilences(t *testing.T, e *env) {
	s1 := Silence{
		ID: "s1", Matchers: []Matcher{{Name: "cluster", Value: "prod", IsEqual: true}, {Name: "topic", Value: "tmp-.*", IsRegex: true}},
		StartsAt: t0, EndsAt: t0.Add(time.Hour), CreatedBy: "alice", Comment: "maintenance", CreatedAt: t0,
	}
	s2 := Silence{ID: "s2", Matchers: []Matcher{{Name: "alertname", Value: "x", IsEqual: true}}, StartsAt: t0, EndsAt: t0.Add(time.Hour),
		CreatedBy: "bob", CreatedAt: t0.Add(time.Second)}
	ok(t, e.s.CreateSilence(ctx, s2))
	ok(t, e.s.CreateSilence(ctx, s1))
	mustErr(t, "duplicate silence", e.s.CreateSilence(ctx, s1), ErrExists)
	got, err := e.s.ListSilences(ctx)
	ok(t, err)
	if !reflect.DeepEqual(got, []Silence{s1, s2}) {
		t.Fatalf("ListSilences:\n got %+v\nwant %+v", got, []Silence{s1, s2})
	}
	s1.EndsAt, s1.ExpiredBy = t0.Add(time.Minute), "carol"
	ok(t, e.s.UpdateSilence(ctx, s1))
	mustErr(t, "update missing silence", e.s.UpdateSilence(ctx, Silence{ID: "s9"}), ErrNotFound)
	got, err = e.s.ListSilences(ctx)
	ok(t, err)
	if !reflect.DeepEqual(got[0], s1) {
		t.Fatalf("after update: %+v", got[0])
	}
}

func testAlertRules(t *testing.T, e *env) {
	r := AlertRule{Name: "leaders", Entity: "broker:prod/*", Metric: "leaders", Op: "<", Threshold: 1.5,
		For: 90 * time.Second, Severity: "critical", Labels: map[string]string{"team": "kafka"}, Summary: "no leaders", CreatedAt: t0}
	ok(t, e.s.CreateAlertRule(ctx, r))
	ok(t, e.s.CreateAlertRule(ctx, AlertRule{Name: "a-first", Entity: "*", Metric: "m", Op: ">", Severity: "info"}))
	mustErr(t, "duplicate rule", e.s.CreateAlertRule(ctx, r), ErrExists)
	got, err := e.s.ListAlertRules(ctx)
	ok(t, err)
	want := []AlertRule{{Name: "a-first", Entity: "*", Metric: "m", Op: ">", Severity: "info", Labels: map[string]string{}, CreatedAt: t0}, r}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ListAlertRules:\n got %+v\nwant %+v", got, want)
	}
	ok(t, e.s.DeleteAlertRule(ctx, "leaders"))
	mustErr(t, "delete missing rule", e.s.DeleteAlertRule(ctx, "leaders"), ErrNotFound)
}

func testNotifications(t *testing.T, e *env) {
	n := func(recv, fp, status string, at time.Duration, errText string) Notification {
		return Notification{Receiver: recv, Fingerprint: fp, Cluster: "prod", Status: status, SentAt: t0.Add(at), Error: errText}
	}
	ok(t, e.s.AppendNotifications(ctx, []Notification{
		n("slack", "fp1", "firing", 0, "503"),
		n("slack", "fp1", "firing", time.Minute, ""),
		n("hook", "fp1", "firing", time.Minute, ""),
		n("slack", "fp1", "firing", 4*time.Hour, ""),
		n("slack", "fp1", "resolved", 5*time.Hour, ""),
		n("slack", "fp1", "firing", 6*time.Hour, "timeout"),
	}))
	ok(t, e.s.AppendNotifications(ctx, nil))
	all, err := e.s.ListNotifications(ctx, 0)
	ok(t, err)
	if len(all) != 6 || all[0].Error != "timeout" || all[5].Error != "503" || all[0].Cluster != "prod" || all[0].ID == 0 {
		t.Fatalf("ListNotifications: %+v", all)
	}
	// Equal times: the later entry first.
	if all[3].Receiver != "hook" || all[4].Receiver != "slack" {
		t.Fatalf("order of equal times: %+v", all[3:5])
	}
	two, err := e.s.ListNotifications(ctx, 2)
	ok(t, err)
	if len(two) != 2 || two[0] != all[0] || two[1] != all[1] {
		t.Fatalf("limit 2: %+v", two)
	}
	last, err := e.s.LastDeliveries(ctx)
	ok(t, err)
	want := []Notification{
		{Receiver: "hook", Fingerprint: "fp1", Status: "firing", SentAt: t0.Add(time.Minute)},
		{Receiver: "slack", Fingerprint: "fp1", Status: "firing", SentAt: t0.Add(4 * time.Hour)},
		{Receiver: "slack", Fingerprint: "fp1", Status: "resolved", SentAt: t0.Add(5 * time.Hour)},
	}
	if !reflect.DeepEqual(last, want) {
		t.Fatalf("LastDeliveries:\n got %+v\nwant %+v", last, want)
	}
}

func testPruneAlerts(t *testing.T, e *env) {
	day := 24 * time.Hour
	ok(t, e.s.SaveAlerts(ctx, []AlertRecord{
		{Fingerprint: "old", State: "resolved", ActiveAt: t0, EndsAt: t0.Add(time.Hour)},
		{Fingerprint: "recent", State: "resolved", ActiveAt: t0, EndsAt: t0.Add(day + time.Hour)},
		{Fingerprint: "firing", State: "firing", ActiveAt: t0},
		// Pending again after an episode that ended long ago: kept.
		{Fingerprint: "back", State: "pending", ActiveAt: t0.Add(day), StartsAt: t0, EndsAt: t0.Add(time.Hour)},
	}))
	ok(t, e.s.CreateSilence(ctx, Silence{ID: "ended", StartsAt: t0, EndsAt: t0.Add(time.Hour)}))
	ok(t, e.s.CreateSilence(ctx, Silence{ID: "active", StartsAt: t0, EndsAt: t0.Add(2 * day)}))
	ok(t, e.s.AppendNotifications(ctx, []Notification{
		{Receiver: "r", Fingerprint: "old", Status: "firing", SentAt: t0},                       // alert pruned: goes
		{Receiver: "r", Fingerprint: "firing", Status: "firing", SentAt: t0.Add(-time.Hour)},    // superseded: goes
		{Receiver: "r", Fingerprint: "firing", Status: "firing", SentAt: t0},                    // live alert's latest: kept
		{Receiver: "r", Fingerprint: "firing", Status: "firing", SentAt: t0, Error: "x"},        // old failure: goes
		{Receiver: "r", Fingerprint: "gone", Status: "firing", SentAt: t0.Add(day + time.Hour)}, // recent: kept
	}))
	ok(t, e.s.PruneAlerts(ctx, t0.Add(day)))
	as, err := e.s.ListAlerts(ctx)
	ok(t, err)
	if len(as) != 3 || as[0].Fingerprint != "back" || as[1].Fingerprint != "firing" || as[2].Fingerprint != "recent" {
		t.Fatalf("alerts after prune: %+v", as)
	}
	ss, err := e.s.ListSilences(ctx)
	ok(t, err)
	if len(ss) != 1 || ss[0].ID != "active" {
		t.Fatalf("silences after prune: %+v", ss)
	}
	ns, err := e.s.ListNotifications(ctx, 0)
	ok(t, err)
	if len(ns) != 2 || ns[0].Fingerprint != "gone" || ns[1].Fingerprint != "firing" || ns[1].Error != "" || !ns[1].SentAt.Equal(t0) {
		t.Fatalf("log after prune: %+v", ns)
	}
}
