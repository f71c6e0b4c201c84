package alert_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/config"
)

func TestSilenceValidation(t *testing.T) {
	e := newEnv(t, config.Alerting{})
	eq := func(n, v string) alert.Matcher { return alert.Matcher{Name: n, Value: v, IsEqual: true} }
	end := t0.Add(time.Hour)
	for _, tc := range []struct {
		name string
		s    alert.Silence
		msg  string // in the error; "" for a valid silence
	}{
		{"valid", alert.Silence{Matchers: []alert.Matcher{eq("cluster", "prod")}, EndsAt: end, CreatedBy: "a"}, ""},
		{"no matchers", alert.Silence{EndsAt: end, CreatedBy: "a"}, "matchers: at least one is required"},
		{"bad regex", alert.Silence{Matchers: []alert.Matcher{{Name: "topic", Value: "(", IsRegex: true, IsEqual: true}}, EndsAt: end, CreatedBy: "a"},
			`matchers[0].value: "(" is not a regular expression`},
		{"no name", alert.Silence{Matchers: []alert.Matcher{eq("", "x")}, EndsAt: end, CreatedBy: "a"}, "matchers[0].name: required"},
		{"matches everything", alert.Silence{Matchers: []alert.Matcher{{Name: "topic", Value: ".*", IsRegex: true, IsEqual: true}}, EndsAt: end, CreatedBy: "a"},
			"would silence every alert"},
		{"ends before it starts", alert.Silence{Matchers: []alert.Matcher{eq("cluster", "prod")}, StartsAt: t0.Add(2 * time.Hour), EndsAt: end, CreatedBy: "a"},
			"ends_at: must be after starts_at"},
		{"no end", alert.Silence{Matchers: []alert.Matcher{eq("cluster", "prod")}, CreatedBy: "a"}, "ends_at: required"},
		{"ended", alert.Silence{Matchers: []alert.Matcher{eq("cluster", "prod")}, EndsAt: t0.Add(-time.Minute), CreatedBy: "a"}, "ends_at: must be in the future"},
		{"nobody", alert.Silence{Matchers: []alert.Matcher{eq("cluster", "prod")}, EndsAt: end}, "created_by: required"},
	} {
		s, err := e.m.CreateSilence(ctx, tc.s)
		switch {
		case tc.msg == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.msg == "" && (s.ID == "" || s.State != alert.SilenceActive || !s.StartsAt.Equal(t0) || !s.CreatedAt.Equal(t0)):
			t.Errorf("%s: %+v", tc.name, s)
		case tc.msg != "" && (!errors.Is(err, alert.ErrInvalid) || !strings.Contains(err.Error(), tc.msg)):
			t.Errorf("%s: %v, want ErrInvalid with %q", tc.name, err, tc.msg)
		}
	}
}

func TestSilenceLifecycle(t *testing.T) {
	e := newEnv(t, config.Alerting{RepeatInterval: time.Hour})
	// A negative matcher: every alert but those of cluster dev.
	e.clock.Set(t0.Add(-time.Minute))
	now, err := e.m.CreateSilence(ctx, alert.Silence{Matchers: []alert.Matcher{{Name: "cluster", Value: "dev", IsEqual: false},
		{Name: "alertname", Value: ".+", IsRegex: true, IsEqual: true}},
		EndsAt: t0.Add(time.Hour), CreatedBy: "bob", Comment: "upgrade"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Set(t0)
	later, err := e.m.CreateSilence(ctx, alert.Silence{Matchers: []alert.Matcher{{Name: "severity", Value: "critical", IsEqual: true}},
		StartsAt: t0.Add(time.Hour), EndsAt: t0.Add(2 * time.Hour), CreatedBy: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "sent", e.eval(0, "prod", fs(urp), nil), nil)
	same(t, "sent dev", e.eval(0, "dev", fs(inCluster(urp, "dev")), nil), []string{"hook firing cluster.under_replicated cluster:dev"})
	if a := e.m.Alerts(alert.AlertFilter{Cluster: "prod"}); len(a) != 1 || a[0].SilencedBy != now.ID {
		t.Fatalf("prod alert: %+v", a)
	}
	yes, no := true, false
	if a := e.m.Alerts(alert.AlertFilter{Silenced: &yes}); len(a) != 1 || a[0].Cluster != "prod" {
		t.Fatalf("silenced filter: %+v", a)
	}
	if a := e.m.Alerts(alert.AlertFilter{Silenced: &no}); len(a) != 1 || a[0].Cluster != "dev" {
		t.Fatalf("not silenced filter: %+v", a)
	}

	ss := e.m.Silences()
	if len(ss) != 2 || ss[0].ID != later.ID || ss[0].State != alert.SilencePending || ss[1].State != alert.SilenceActive {
		t.Fatalf("Silences: %+v", ss)
	}
	// Expiring one not started yet ends it at once.
	e.clock.Set(t0.Add(time.Minute))
	if err := e.m.ExpireSilence(ctx, later.ID, "carol"); err != nil {
		t.Fatal(err)
	}
	if err := e.m.ExpireSilence(ctx, later.ID, "carol"); !errors.Is(err, alert.ErrConflict) {
		t.Fatalf("expire twice: %v", err)
	}
	if err := e.m.ExpireSilence(ctx, "nope", "carol"); !errors.Is(err, alert.ErrNotFound) {
		t.Fatalf("expire missing: %v", err)
	}
	// Persisted, with who ended it; kept for a day after its end.
	e.restart()
	ss = e.m.Silences()
	if len(ss) != 2 || ss[0].ID != later.ID || ss[0].State != alert.SilenceExpired || ss[0].ExpiredBy != "carol" ||
		!ss[0].EndsAt.Equal(t0.Add(time.Minute)) || !ss[0].StartsAt.Equal(t0.Add(time.Minute)) || ss[1].Comment != "upgrade" {
		t.Fatalf("Silences after restart: %+v", ss)
	}
	e.clock.Set(t0.Add(26 * time.Hour))
	if ss := e.m.Silences(); len(ss) != 0 {
		t.Fatalf("Silences a day later: %+v", ss)
	}
}

func TestMatcherJSONDefaultsToEqual(t *testing.T) {
	var s alert.Silence
	if err := json.Unmarshal([]byte(`{"matchers":[{"name":"a","value":"b"},{"name":"c","value":"d","is_equal":false}]}`), &s); err != nil {
		t.Fatal(err)
	}
	if !s.Matchers[0].IsEqual || s.Matchers[1].IsEqual {
		t.Fatalf("%+v", s.Matchers)
	}
}
