package alert_test

import (
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/notify"
	"github.com/gregor-kafka/gregor/internal/store"
)

// step is one cycle: before runs first (silence, restart, receiver failure), then the
// cluster (default prod) is evaluated at t0+at; sent is what every receiver got, alerts (if
// not nil) the alerts shown, and after runs last.
type step struct {
	at      time.Duration
	cluster string
	f       []analyze.Finding
	s       []store.Sample
	before  func(t *testing.T, e *env)
	sent    []string
	alerts  []string
	after   func(t *testing.T, e *env)
}

var (
	urp  = finding("cluster.under_replicated", analyze.Warning, "", "")
	off  = finding("broker.offline", analyze.Critical, analyze.KindBroker, "3")
	info = finding("topic.no_traffic", analyze.Info, analyze.KindTopic, "orders")
	fs   = func(f ...analyze.Finding) []analyze.Finding { return f }
)

const (
	urpFiring   = "hook firing cluster.under_replicated cluster:prod"
	urpResolved = "hook resolved cluster.under_replicated cluster:prod"
	offFiring   = "hook firing broker.offline broker:prod/3"
)

func inCluster(f analyze.Finding, c string) analyze.Finding {
	f.Entity.Cluster = c
	return f
}

func critical(f analyze.Finding) analyze.Finding {
	f.Severity = analyze.Critical
	return f
}

func silence(matchers ...alert.Matcher) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		s, err := e.m.CreateSilence(ctx, alert.Silence{Matchers: matchers, EndsAt: e.clock.Now().Add(30 * time.Minute),
			CreatedBy: "alice", Comment: "maintenance"})
		if err != nil {
			t.Fatal(err)
		}
		e.silence = s.ID
	}
}

func fail(recv, n int) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) { e.recv[recv].fail = n }
}

func restart(t *testing.T, e *env) { e.restart() }

func TestScenarios(t *testing.T) {
	hour := config.Alerting{RepeatInterval: time.Hour}
	for _, tc := range []struct {
		name  string
		cfg   config.Alerting
		recv  []*fakeRecv
		steps []step
	}{
		{name: "sent once, repeated after the interval, resolved once", cfg: hour, steps: []step{
			{at: 0, f: fs(urp, info), sent: []string{urpFiring}, alerts: []string{"firing cluster.under_replicated cluster:prod"}},
			{at: time.Minute, f: fs(urp)},
			{at: 59 * time.Minute, f: fs(urp)},
			{at: time.Hour, f: fs(urp), sent: []string{urpFiring}},
			{at: 61 * time.Minute, f: fs(urp)},
			{at: 62 * time.Minute, sent: []string{urpResolved}, alerts: []string{"resolved cluster.under_replicated cluster:prod"}},
			{at: 63 * time.Minute},
		}},
		{name: "for: pending, then firing; pending that goes sends nothing", cfg: config.Alerting{FindingsFor: 5 * time.Minute}, steps: []step{
			{at: 0, f: fs(urp, off), alerts: []string{"pending broker.offline broker:prod/3", "pending cluster.under_replicated cluster:prod"}},
			{at: 2 * time.Minute, f: fs(urp), alerts: []string{"pending cluster.under_replicated cluster:prod"}},
			{at: 5*time.Minute - time.Second, f: fs(urp)},
			{at: 5 * time.Minute, f: fs(urp), sent: []string{urpFiring}, alerts: []string{"firing cluster.under_replicated cluster:prod"}},
			{at: 6 * time.Minute, sent: []string{urpResolved}},
			// Back, pending, gone again: nothing sent, the last episode shows.
			{at: 7 * time.Minute, f: fs(urp), alerts: []string{"pending cluster.under_replicated cluster:prod"}},
			{at: 8 * time.Minute, alerts: []string{"resolved cluster.under_replicated cluster:prod"}},
			{at: 9 * time.Minute, f: fs(urp)},
			{at: 14 * time.Minute, f: fs(urp), sent: []string{urpFiring}},
		}},
		{name: "silenced: nothing sent, firing or resolved; sent once the silence ends", cfg: hour, steps: []step{
			{at: 0, before: silence(alert.Matcher{Name: "alertname", Value: "cluster.under_replicated", IsEqual: true}),
				f: fs(urp, off), sent: []string{offFiring},
				alerts: []string{"firing broker.offline broker:prod/3", "firing cluster.under_replicated cluster:prod silenced"}},
			{at: 10 * time.Minute, f: fs(off),
				alerts: []string{"firing broker.offline broker:prod/3", "resolved cluster.under_replicated cluster:prod silenced"}},
			{at: 11 * time.Minute, f: fs(off, urp)},
			{at: 30 * time.Minute, f: fs(off, urp), sent: []string{urpFiring}},
		}},
		{name: "resolved while silenced: the resolution goes out when the silence is expired", cfg: hour, steps: []step{
			{at: 0, f: fs(urp), sent: []string{urpFiring}},
			{at: time.Minute, before: silence(alert.Matcher{Name: "alertname", Value: `cluster\..*`, IsRegex: true, IsEqual: true}),
				f: fs(urp), alerts: []string{"firing cluster.under_replicated cluster:prod silenced"}},
			{at: 2 * time.Minute, alerts: []string{"resolved cluster.under_replicated cluster:prod silenced"}},
			{at: 3 * time.Minute, before: func(t *testing.T, e *env) {
				if err := e.m.ExpireSilence(ctx, e.silence, "bob"); err != nil {
					t.Fatal(err)
				}
			}, sent: []string{urpResolved}},
			{at: 4 * time.Minute},
		}},
		{name: "a resolution goes only where this episode's firing went", cfg: hour, steps: []step{
			{at: 0, f: fs(urp), sent: []string{urpFiring}},
			{at: time.Minute, sent: []string{urpResolved}},
			{at: 2 * time.Minute, before: silence(alert.Matcher{Name: "severity", Value: "warning", IsEqual: true}), f: fs(urp)},
			{at: 3 * time.Minute},
			{at: 33 * time.Minute, alerts: []string{"resolved cluster.under_replicated cluster:prod"}},
		}},
		{name: "a receiver failing twice gets the alert once, the others at once", cfg: hour,
			recv: []*fakeRecv{{name: "hook"}, {name: "mail"}}, steps: []step{
				{at: 0, before: fail(0, 2), f: fs(off), sent: []string{"mail firing broker.offline broker:prod/3"}},
				{at: time.Minute, f: fs(off)},
				{at: 2 * time.Minute, f: fs(off), sent: []string{offFiring}},
				{at: 3 * time.Minute, f: fs(off), after: func(t *testing.T, e *env) {
					if e.recv[0].calls != 3 || e.recv[1].calls != 1 {
						t.Fatalf("calls: hook %d, mail %d", e.recv[0].calls, e.recv[1].calls)
					}
					log, err := e.m.NotificationLog(ctx, 0)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, n := range log {
						got = append(got, n.SentAt.Sub(t0).String()+" "+n.Receiver+" "+n.Status+" "+n.Error)
					}
					same(t, "log", got, []string{"2m0s hook firing ", "1m0s hook firing fake: 503 Service Unavailable",
						"0s mail firing ", "0s hook firing fake: 503 Service Unavailable"})
				}},
			}},
		{name: "restart: still firing, not sent again; resolution sent once", cfg: hour, steps: []step{
			{at: 0, f: fs(urp), sent: []string{urpFiring}},
			{at: time.Minute, before: restart, f: fs(urp), alerts: []string{"firing cluster.under_replicated cluster:prod"}},
			{at: 2 * time.Minute, sent: []string{urpResolved}},
			{at: 3 * time.Minute, before: restart, alerts: []string{"resolved cluster.under_replicated cluster:prod"}},
			{at: 61 * time.Minute, before: restart},
		}},
		{name: "restart: repeat interval counts from the logged send", cfg: hour, steps: []step{
			{at: 0, f: fs(urp), sent: []string{urpFiring}},
			{at: 59 * time.Minute, before: restart, f: fs(urp)},
			{at: time.Hour, f: fs(urp), sent: []string{urpFiring}},
		}},
		{name: "restart: pending keeps its start", cfg: config.Alerting{FindingsFor: 5 * time.Minute}, steps: []step{
			{at: 0, f: fs(urp)},
			{at: 3 * time.Minute, before: restart, f: fs(urp), alerts: []string{"pending cluster.under_replicated cluster:prod"}},
			{at: 5 * time.Minute, f: fs(urp), sent: []string{urpFiring}},
		}},
		{name: "restart: a failed send is retried", cfg: hour, steps: []step{
			{at: 0, before: fail(0, 1), f: fs(urp)},
			{at: time.Minute, before: restart, f: fs(urp), sent: []string{urpFiring}},
		}},
		{name: "a receiver's Resend shortens the repeat interval for it alone", cfg: hour,
			recv: []*fakeRecv{{name: "hook"}, {name: "am", resend: true}}, steps: []step{
				{at: 0, f: fs(urp), sent: []string{"am firing cluster.under_replicated cluster:prod", urpFiring}},
				{at: 30 * time.Second, f: fs(urp)},
				{at: time.Minute, f: fs(urp), sent: []string{"am firing cluster.under_replicated cluster:prod"}},
				{at: 2 * time.Minute, before: restart, f: fs(urp), sent: []string{"am firing cluster.under_replicated cluster:prod"}},
				{at: 3 * time.Minute, sent: []string{"am resolved cluster.under_replicated cluster:prod", urpResolved}},
			}},
		{name: "a cluster's cycle resolves only its own alerts", cfg: hour, steps: []step{
			{at: 0, f: fs(urp), sent: []string{urpFiring}},
			{at: 0, cluster: "dev", f: fs(inCluster(off, "dev")), sent: []string{"hook firing broker.offline broker:dev/3"}},
			{at: time.Minute, cluster: "dev", sent: []string{"hook resolved broker.offline broker:dev/3"},
				alerts: []string{"firing cluster.under_replicated cluster:prod", "resolved broker.offline broker:dev/3"}},
			{at: 2 * time.Minute, f: fs(urp)},
		}},
		{name: "routing: a receiver that does not accept gets nothing", cfg: hour, recv: []*fakeRecv{
			{name: "all"}, {name: "crit", accept: func(a notify.Alert) bool { return a.Severity == "critical" }}}, steps: []step{
			{at: 0, f: fs(urp, off), sent: []string{"all firing broker.offline broker:prod/3",
				"all firing cluster.under_replicated cluster:prod", "crit firing broker.offline broker:prod/3"}},
			{at: time.Minute, f: fs(urp), sent: []string{"all resolved broker.offline broker:prod/3", "crit resolved broker.offline broker:prod/3"}},
			// Raised to critical: now crit wants it; all has it already.
			{at: 2 * time.Minute, f: fs(critical(urp)), sent: []string{"crit firing cluster.under_replicated cluster:prod"}},
			{at: 3 * time.Minute, sent: []string{"all resolved cluster.under_replicated cluster:prod", "crit resolved cluster.under_replicated cluster:prod"}},
		}},
		{name: "user rules: per-entity alerts, glob, for", cfg: config.Alerting{Rules: []config.Rule{
			{Name: "no-leaders", Entity: "broker:prod/*", Metric: "leaders", Op: "<", Threshold: 1},
			{Name: "disk-full", Entity: "broker:*/*", Metric: "disk_used_bytes", Op: ">=", Threshold: 100, For: 2 * time.Minute,
				Severity: "critical", Labels: map[string]string{"team": "kafka"}},
		}}, steps: []step{
			{at: 0, s: []store.Sample{
				sample("broker:prod/1", "leaders", 0), sample("broker:prod/2", "leaders", 3), sample("topic:prod/x", "leaders", 0),
				sample("broker:prod/1", "disk_used_bytes", 100), sample("broker:prod/2", "disk_used_bytes", 99.5),
			}, sent: []string{"hook firing no-leaders broker:prod/1"},
				alerts: []string{"firing no-leaders broker:prod/1", "pending disk-full broker:prod/1"}},
			{at: 2 * time.Minute, s: []store.Sample{
				sample("broker:prod/1", "leaders", 0), sample("broker:prod/1", "disk_used_bytes", 150),
			}, sent: []string{"hook firing disk-full broker:prod/1"}},
			{at: 3 * time.Minute, s: []store.Sample{
				sample("broker:prod/1", "leaders", 2), sample("broker:prod/2", "leaders", 0), sample("broker:prod/1", "disk_used_bytes", 150),
			}, sent: []string{"hook firing no-leaders broker:prod/2", "hook resolved no-leaders broker:prod/1"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.cfg, tc.recv...)
			for _, s := range tc.steps {
				if s.before != nil {
					s.before(t, e)
				}
				cluster := s.cluster
				if cluster == "" {
					cluster = "prod"
				}
				same(t, "step "+s.at.String()+" sent", e.eval(s.at, cluster, s.f, s.s), s.sent)
				if s.alerts != nil {
					same(t, "step "+s.at.String()+" alerts", e.alerts(alert.AlertFilter{}), s.alerts)
				}
				if s.after != nil {
					s.after(t, e)
				}
			}
		})
	}
}
