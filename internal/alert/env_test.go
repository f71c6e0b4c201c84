package alert_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/notify"
	"github.com/gregor-kafka/gregor/internal/store"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

var (
	ctx   = context.Background()
	quiet = slog.New(slog.DiscardHandler)
	t0    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

// fakeRecv records what it is sent; fail makes the next sends fail.
type fakeRecv struct {
	name   string
	accept func(notify.Alert) bool // nil: everything
	resend bool                    // wants firing alerts every minute

	mu    sync.Mutex
	fail  int
	calls int
	got   []string
	last  []notify.Alert
}

func (r *fakeRecv) Name() string { return r.name }

// resendRecv is a fakeRecv that wants firing alerts again every minute (like Alertmanager).
type resendRecv struct{ *fakeRecv }

func (resendRecv) Resend() time.Duration { return time.Minute }

// *notify.Receiver is a Receiver, with Resend.
var _ interface {
	alert.Receiver
	Resend() time.Duration
} = (*notify.Receiver)(nil)

func (r *fakeRecv) Accepts(a notify.Alert) bool { return r.accept == nil || r.accept(a) }

func (r *fakeRecv) Send(_ context.Context, as []notify.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.fail > 0 {
		r.fail--
		return errors.New("fake: 503 Service Unavailable")
	}
	for _, a := range as {
		r.got = append(r.got, fmt.Sprintf("%s %s %s %s", r.name, a.Status, a.Labels["alertname"], a.Labels["entity"]))
	}
	r.last = as
	return nil
}

// take returns what the receiver got since the last take.
func (r *fakeRecv) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

// env is a Manager over a real SQLite store, with fake receivers and a fake clock.
type env struct {
	t     *testing.T
	dsn   string
	st    store.Store
	clock *testkit.Clock
	cfg   config.Alerting
	recv  []*fakeRecv
	m     *alert.Manager

	silence string // id of the last silence made by a step
}

func newEnv(t *testing.T, cfg config.Alerting, recv ...*fakeRecv) *env {
	t.Helper()
	if len(recv) == 0 {
		recv = []*fakeRecv{{name: "hook"}}
	}
	e := &env{t: t, dsn: "sqlite://" + filepath.Join(t.TempDir(), "gregor.db"), clock: testkit.NewClock(t0), cfg: cfg, recv: recv}
	e.open()
	return e
}

// open opens the store and a new Manager over it.
func (e *env) open() {
	e.t.Helper()
	st, err := store.Open(ctx, e.dsn, store.Options{Now: e.clock.Now})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	rs := make([]alert.Receiver, len(e.recv))
	for i, r := range e.recv {
		rs[i] = r
		if r.resend {
			rs[i] = resendRecv{r}
		}
	}
	m, err := alert.New(e.cfg, st, rs, alert.Options{
		Now: e.clock.Now, Logger: quiet,
		URL: func(fp string) string { return "https://gregor.example/alerts/" + fp },
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.st, e.m = st, m
}

// restart is a new Gregor: the store reopened, a new Manager.
func (e *env) restart() {
	e.t.Helper()
	if err := e.st.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

// eval runs a cycle of cluster at t0+at and returns what the receivers got, sorted.
func (e *env) eval(at time.Duration, cluster string, f []analyze.Finding, s []store.Sample) []string {
	e.t.Helper()
	now := t0.Add(at)
	e.clock.Set(now)
	if err := e.m.Evaluate(ctx, cluster, now, f, s); err != nil {
		e.t.Fatal(err)
	}
	var got []string
	for _, r := range e.recv {
		got = append(got, r.take()...)
	}
	slices.Sort(got)
	return got
}

// alerts summarizes the alerts: "state alertname entity [silenced]", in the Manager's order.
func (e *env) alerts(f alert.AlertFilter) []string {
	out := []string{}
	for _, a := range e.m.Alerts(f) {
		s := fmt.Sprintf("%s %s %s", a.State, a.Labels["alertname"], a.Labels["entity"])
		if a.SilencedBy != "" {
			s += " silenced"
		}
		out = append(out, s)
	}
	return out
}

// finding of cluster prod about a broker, topic or the cluster (name "").
func finding(code string, sev analyze.Severity, kind, name string) analyze.Finding {
	if name == "" {
		kind = analyze.KindCluster
	}
	return analyze.Finding{
		Code: code, Severity: sev, Entity: analyze.Entity{Kind: kind, Cluster: "prod", Name: name},
		Title: code + " on " + name, Fix: "fix it",
		Evidence: []analyze.Evidence{{Name: "under_replicated", Value: 12, Unit: "count"}},
	}
}

func sample(entity, metric string, v float64) store.Sample {
	return store.Sample{Entity: entity, Metric: metric, Time: t0, Value: v}
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got %s\nwant %s", what, strings.Join(got, " | "), strings.Join(want, " | "))
	}
}
