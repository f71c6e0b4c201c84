package alert_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/notify"
)

func TestNotificationContent(t *testing.T) {
	e := newEnv(t, config.Alerting{})
	disk := func(dir string) analyze.Finding {
		return analyze.Finding{
			Code: "broker.disk_full", Severity: analyze.Critical, Entity: analyze.Entity{Kind: analyze.KindBroker, Cluster: "prod", Name: "2"},
			Title: "log dir 95% full", Fix: "add disk or lower retention", Labels: map[string]string{"log_dir": dir},
			Evidence: []analyze.Evidence{{Name: "disk_used_ratio", Value: 0.95, Threshold: 0.9, Unit: "ratio"},
				{Name: "versions", Text: "brokers 1 and 3 run 3.9.2"}},
		}
	}
	// The log dir splits the finding: two alerts.
	e.eval(0, "prod", fs(disk("/data/1"), disk("/data/2")), nil)
	r := e.recv[0]
	if len(r.last) != 2 || r.last[0].Fingerprint == r.last[1].Fingerprint {
		t.Fatalf("sent %+v", r.last)
	}
	a := r.last[0]
	if a.Labels["log_dir"] != "/data/1" {
		a = r.last[1]
	}
	want := map[string]string{"alertname": "broker.disk_full", "cluster": "prod", "severity": "critical", "code": "broker.disk_full",
		"entity": "broker:prod/2", "broker": "2", "log_dir": "/data/1"}
	if len(a.Fingerprint) != 16 || a.Status != "firing" || a.Severity != "critical" || len(a.Labels) != len(want) ||
		a.Title != "log dir 95% full" || a.Fix != "add disk or lower retention" || !a.StartsAt.Equal(t0) || !a.EndsAt.IsZero() ||
		a.URL != "https://gregor.example/alerts/"+a.Fingerprint {
		t.Fatalf("alert %+v", a)
	}
	for k, v := range want {
		if a.Labels[k] != v {
			t.Fatalf("labels %v, want %v", a.Labels, want)
		}
	}
	same(t, "evidence", a.Evidence, []string{"disk_used_ratio = 0.95 ratio (threshold 0.9)", "versions: brokers 1 and 3 run 3.9.2"})
	if c := e.m.FiringCount(); c["critical"] != 2 || c["warning"] != 0 || c["info"] != 0 {
		t.Fatalf("FiringCount %v", c)
	}
	v, err := e.m.Alert(a.Fingerprint)
	if err != nil || v.State != alert.StateFiring || !slices.Equal(v.Receivers, []string{"hook"}) || !v.ActiveAt.Equal(t0) {
		t.Fatalf("Alert: %+v %v", v, err)
	}

	e.eval(time.Minute, "prod", fs(disk("/data/2")), nil)
	if len(r.last) != 1 || r.last[0].Status != "resolved" || r.last[0].Fingerprint != a.Fingerprint ||
		!r.last[0].StartsAt.Equal(t0) || !r.last[0].EndsAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("resolved %+v", r.last)
	}
	if c := e.m.FiringCount(); c["critical"] != 1 {
		t.Fatalf("FiringCount %v", c)
	}
	if as := e.m.Alerts(alert.AlertFilter{State: alert.StateResolved}); len(as) != 1 || as[0].Fingerprint != a.Fingerprint {
		t.Fatalf("resolved alerts: %+v", as)
	}
}

func TestResolvedKeptForADay(t *testing.T) {
	e := newEnv(t, config.Alerting{})
	e.eval(0, "prod", fs(urp), nil)
	e.eval(time.Minute, "prod", nil, nil)
	fp := e.m.Alerts(alert.AlertFilter{})[0].Fingerprint
	day := 24 * time.Hour
	e.clock.Set(t0.Add(day))
	same(t, "a day later", e.alerts(alert.AlertFilter{}), []string{"resolved cluster.under_replicated cluster:prod"})
	e.clock.Set(t0.Add(day + 2*time.Minute))
	same(t, "past a day", e.alerts(alert.AlertFilter{}), []string{})
	// The next cycle forgets it and prunes the store.
	e.eval(day+2*time.Minute, "dev", nil, nil)
	if _, err := e.m.Alert(fp); !errors.Is(err, alert.ErrNotFound) {
		t.Fatalf("Alert after prune: %v", err)
	}
	if as, err := e.st.ListAlerts(ctx); err != nil || len(as) != 0 {
		t.Fatalf("stored alerts after prune: %v %v", as, err)
	}
	if log, err := e.m.NotificationLog(ctx, 10); err != nil || len(log) != 0 {
		t.Fatalf("log after prune: %v %v", log, err)
	}
}

// blockRecv blocks sends of cluster prod until released.
type blockRecv struct {
	fakeRecv
	entered, release chan struct{}
}

func (r *blockRecv) Send(ctx context.Context, as []notify.Alert) error {
	if as[0].Labels["cluster"] == "prod" {
		r.entered <- struct{}{}
		<-r.release
	}
	return r.fakeRecv.Send(ctx, as)
}

// While a receiver hangs, the API answers, other clusters are evaluated, and an overlapping
// cycle of the same cluster is refused rather than queued.
func TestSendHoldsNoLock(t *testing.T) {
	b := &blockRecv{fakeRecv: fakeRecv{name: "slow"}, entered: make(chan struct{}), release: make(chan struct{})}
	st := newEnv(t, config.Alerting{}).st
	m, err := alert.New(config.Alerting{}, st, []alert.Receiver{b}, alert.Options{Now: func() time.Time { return t0 }, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- m.Evaluate(ctx, "prod", t0, fs(urp), nil) }()
	<-b.entered
	if err := m.Evaluate(ctx, "prod", t0, fs(urp), nil); err == nil {
		t.Fatal("an overlapping cycle of prod was accepted")
	}
	if err := m.Evaluate(ctx, "dev", t0, fs(inCluster(off, "dev")), nil); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Alerts(alert.AlertFilter{})); n != 2 {
		t.Fatalf("%d alerts", n)
	}
	if _, err := m.CreateSilence(ctx, alert.Silence{Matchers: []alert.Matcher{{Name: "a", Value: "b", IsEqual: true}},
		EndsAt: t0.Add(time.Hour), CreatedBy: "x"}); err != nil {
		t.Fatal(err)
	}
	close(b.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	same(t, "sent", b.take(), []string{"slow firing broker.offline broker:dev/3", "slow firing cluster.under_replicated cluster:prod"})
}

// A send that outlives SendTimeout fails and is retried next cycle.
func TestSendTimeout(t *testing.T) {
	e := newEnv(t, config.Alerting{})
	hang := &ctxRecv{}
	m, err := alert.New(config.Alerting{}, e.st, []alert.Receiver{hang}, alert.Options{Now: e.clock.Now, Logger: quiet, SendTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Evaluate(ctx, "prod", t0, fs(urp), nil); err != nil {
		t.Fatal(err)
	}
	log, err := m.NotificationLog(ctx, 0)
	if err != nil || len(log) != 1 || log[0].Error != context.DeadlineExceeded.Error() {
		t.Fatalf("log %+v %v", log, err)
	}
}

// ctxRecv waits for its context to end.
type ctxRecv struct{}

func (ctxRecv) Name() string              { return "hang" }
func (ctxRecv) Accepts(notify.Alert) bool { return true }
func (ctxRecv) Send(ctx context.Context, _ []notify.Alert) error {
	<-ctx.Done()
	return ctx.Err()
}

// Several clusters at once, with API calls alongside (run with -race).
func TestConcurrentClusters(t *testing.T) {
	e := newEnv(t, config.Alerting{RepeatInterval: time.Hour})
	var wg sync.WaitGroup
	for i := range 4 {
		cluster := fmt.Sprintf("c%d", i)
		wg.Go(func() {
			for c := range 5 {
				f := fs(inCluster(urp, cluster))
				if c == 4 {
					f = nil
				}
				if err := e.m.Evaluate(ctx, cluster, t0.Add(time.Duration(c)*time.Minute), f, nil); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			e.m.Alerts(alert.AlertFilter{})
			e.m.FiringCount()
			e.m.Silences()
			e.m.Rules()
		}
	})
	wg.Wait()
	got := e.recv[0].take()
	if len(got) != 8 {
		t.Fatalf("sent %v, want each cluster's firing and resolution once", got)
	}
}
