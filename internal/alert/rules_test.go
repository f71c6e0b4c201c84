package alert_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/store"
)

func TestRuleOps(t *testing.T) {
	for _, tc := range []struct {
		op        string
		threshold float64
		value     float64
		fires     bool
	}{
		{">", 10, 11, true}, {">", 10, 10, false},
		{">=", 10, 10, true}, {">=", 10, 9.99, false},
		{"<", 1, 0, true}, {"<", 1, 1, false},
		{"<=", 1, 1, true}, {"<=", 1, 1.5, false},
		{"==", 0, 0, true}, {"==", 0, 0.1, false},
		{"!=", 0, 3, true}, {"!=", 0, 0, false},
	} {
		cfg := config.Alerting{Rules: []config.Rule{{Name: "r", Entity: "cluster:*", Metric: "m", Op: tc.op, Threshold: tc.threshold}}}
		e := newEnv(t, cfg)
		got := e.eval(0, "prod", nil, []store.Sample{sample("cluster:prod", "m", tc.value)})
		if fired := len(got) == 1; fired != tc.fires {
			t.Errorf("%v %s %v: sent %v, want firing %v", tc.value, tc.op, tc.threshold, got, tc.fires)
		}
	}
}

func TestRuleGlob(t *testing.T) {
	cfg := config.Alerting{Rules: []config.Rule{{Name: "lag", Entity: "group:prod/billing-*", Metric: "lag", Op: ">", Threshold: 0}}}
	e := newEnv(t, cfg)
	got := e.eval(0, "prod", nil, []store.Sample{
		sample("group:prod/billing-eu", "lag", 5), sample("group:prod/billing-us", "lag", 0), sample("group:prod/search", "lag", 9),
		sample("group:prod/billing-us/x", "lag", 9), sample("topic:prod/billing-eu", "lag", 9), sample("group:prod/billing-eu", "other", 9),
	})
	same(t, "sent", got, []string{"hook firing lag group:prod/billing-eu"})
	a := e.m.Alerts(alert.AlertFilter{})[0]
	want := map[string]string{"alertname": "lag", "cluster": "prod", "severity": "warning", "entity": "group:prod/billing-eu", "group": "billing-eu"}
	if len(a.Labels) != len(want) {
		t.Fatalf("labels %v, want %v", a.Labels, want)
	}
	for k, v := range want {
		if a.Labels[k] != v {
			t.Fatalf("labels %v, want %v", a.Labels, want)
		}
	}
	if a.Title != "lag of group:prod/billing-eu is 5 (> 0)" || a.Evidence[0] != "lag = 5 (threshold > 0)" {
		t.Fatalf("title %q evidence %q", a.Title, a.Evidence)
	}
}

func TestAPIRules(t *testing.T) {
	cfg := config.Alerting{Rules: []config.Rule{{Name: "from-config", Entity: "cluster:*", Metric: "offline", Op: ">", Threshold: 0}}}
	e := newEnv(t, cfg)
	e.clock.Set(t0.Add(time.Minute))
	r := config.Rule{Name: "slow", Entity: "cluster:*", Metric: "collect_seconds", Op: ">", Threshold: 5, For: time.Minute,
		Severity: "critical", Labels: map[string]string{"team": "platform"}, Summary: "collection is slow"}
	if err := e.m.CreateRule(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		r    config.Rule
		want error
	}{
		{"same name as a config rule", config.Rule{Name: "from-config", Entity: "*", Metric: "m", Op: ">"}, alert.ErrConflict},
		{"same name as an API rule", config.Rule{Name: "slow", Entity: "*", Metric: "m", Op: ">"}, alert.ErrConflict},
		{"bad name", config.Rule{Name: "a b", Entity: "*", Metric: "m", Op: ">"}, alert.ErrInvalid},
		{"bad glob", config.Rule{Name: "x", Entity: "[", Metric: "m", Op: ">"}, alert.ErrInvalid},
		{"no metric", config.Rule{Name: "x", Entity: "*", Op: ">"}, alert.ErrInvalid},
		{"bad op", config.Rule{Name: "x", Entity: "*", Metric: "m", Op: "=>"}, alert.ErrInvalid},
		{"negative for", config.Rule{Name: "x", Entity: "*", Metric: "m", Op: ">", For: -time.Second}, alert.ErrInvalid},
		{"bad severity", config.Rule{Name: "x", Entity: "*", Metric: "m", Op: ">", Severity: "fatal"}, alert.ErrInvalid},
	} {
		if err := e.m.CreateRule(ctx, tc.r); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}

	// Persisted: a new Gregor has it and evaluates it.
	e.restart()
	rs := e.m.Rules()
	if len(rs) != 2 || rs[0].Name != "from-config" || rs[0].Source != "config" || rs[1].Name != "slow" || rs[1].Source != "api" ||
		rs[1].For != time.Minute || rs[1].ForSeconds != 60 || rs[1].Labels["team"] != "platform" || rs[1].Severity != "critical" ||
		!rs[1].CreatedAt.Equal(t0.Add(time.Minute)) || rs[0].Severity != "warning" {
		t.Fatalf("Rules: %+v", rs)
	}
	slow := []store.Sample{sample("cluster:prod", "collect_seconds", 7)}
	e.eval(2*time.Minute, "prod", nil, slow)
	same(t, "after for", e.eval(3*time.Minute, "prod", nil, slow), []string{"hook firing slow cluster:prod"})

	if err := e.m.DeleteRule(ctx, "from-config"); !errors.Is(err, alert.ErrConflict) {
		t.Fatalf("delete config rule: %v", err)
	}
	if err := e.m.DeleteRule(ctx, "nope"); !errors.Is(err, alert.ErrNotFound) {
		t.Fatalf("delete missing rule: %v", err)
	}
	if err := e.m.DeleteRule(ctx, "slow"); err != nil {
		t.Fatal(err)
	}
	// Its alert resolves at the next cycle; the deletion is persisted.
	same(t, "after delete", e.eval(4*time.Minute, "prod", nil, slow), []string{"hook resolved slow cluster:prod"})
	e.restart()
	if rs := e.m.Rules(); len(rs) != 1 {
		t.Fatalf("Rules after delete and restart: %+v", rs)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for name, cfg := range map[string]config.Alerting{
		"findings_min": {FindingsMin: "loud"},
		"bad rule":     {Rules: []config.Rule{{Name: "x", Entity: "*", Metric: "m", Op: "~"}}},
		"dup rule": {Rules: []config.Rule{{Name: "x", Entity: "*", Metric: "m", Op: ">"},
			{Name: "x", Entity: "*", Metric: "n", Op: ">"}}},
	} {
		st, err := store.Open(ctx, t.TempDir()+"/g.db", store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := alert.New(cfg, st, nil, alert.Options{Logger: quiet}); !errors.Is(err, alert.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
		st.Close()
	}
	st, err := store.Open(ctx, t.TempDir()+"/g.db", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := alert.New(config.Alerting{}, st, []alert.Receiver{&fakeRecv{name: "a"}, &fakeRecv{name: "a"}}, alert.Options{}); !errors.Is(err, alert.ErrInvalid) {
		t.Errorf("two receivers with one name: %v", err)
	}
}

// A cycle that could not judge something neither fires nor resolves it: a skipped finding
// code keeps its alert firing (no resolution sent), as does a rule whose metric is absent;
// the next cycle that judges it resolves it.
func TestUnjudgedKeepsState(t *testing.T) {
	cfg := config.Alerting{RepeatInterval: time.Hour, FindingsMin: "warning",
		Rules: []config.Rule{{Name: "many-leaders", Entity: "broker:prod/*", Metric: "leaders", Op: ">", Threshold: 10, Severity: "warning"}}}
	e := newEnv(t, cfg)
	f := finding("group.lag", analyze.Critical, analyze.KindGroup, "billing")
	hot := []store.Sample{sample("broker:prod/1", "leaders", 50)}
	if err := e.m.EvaluateCycle(ctx, alert.Cycle{Cluster: "prod", Now: t0, Findings: []analyze.Finding{f}, Samples: hot}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.m.Alerts(alert.AlertFilter{State: alert.StateFiring})); n != 2 {
		t.Fatalf("%d firing, want the finding's and the rule's", n)
	}
	e.recv[0].take()
	// Restarted lag tracker: group.lag skipped; the leaders metric absent this cycle.
	if err := e.m.EvaluateCycle(ctx, alert.Cycle{Cluster: "prod", Now: t0.Add(time.Minute), Skipped: []string{"group.lag"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.m.Alerts(alert.AlertFilter{State: alert.StateFiring})); n != 2 {
		t.Fatalf("%d firing after an unjudged cycle, want 2", n)
	}
	if got := e.recv[0].take(); len(got) != 0 {
		t.Fatalf("an unjudged cycle sent %v", got)
	}
	// Judged again, both gone: both resolve.
	cool := []store.Sample{sample("broker:prod/1", "leaders", 5)}
	if err := e.m.EvaluateCycle(ctx, alert.Cycle{Cluster: "prod", Now: t0.Add(2 * time.Minute), Samples: cool}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.m.Alerts(alert.AlertFilter{State: alert.StateResolved})); n != 2 {
		t.Fatalf("%d resolved, want 2", n)
	}
	if got := e.recv[0].take(); len(got) != 2 {
		t.Fatalf("resolutions sent: %v, want 2", got)
	}
}
