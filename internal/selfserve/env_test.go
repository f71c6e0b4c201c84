package selfserve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"
	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/api"
	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/collect"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/fleet"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/notify"
	"github.com/gregor-kafka/gregor/internal/selfserve"
	"github.com/gregor-kafka/gregor/internal/store"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// Users of the test server: name -> role. ann is in team-a, bob in team-b.
var users = map[string]store.Role{"root": store.RoleAdmin, "opal": store.RoleOperator, "ann": store.RoleViewer, "bob": store.RoleViewer, "vic": store.RoleViewer}

const password = "pw-123456789"

// env is Gregor's API over the real SCRAM cluster sc (named prod, regions east = 1,2 and
// west = 3), a SQLite store, a webhook receiver for request notifications, and the logs.
type env struct {
	t       *testing.T
	url     string
	dbPath  string
	st      store.Store
	logs    *syncBuf
	hooks   *hookLog
	notes   *selfserve.Notifier
	cluster config.Cluster
	fleet   *fleet.Cluster // collect again with fleet.Cycle
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// hookLog is a real HTTP webhook receiver's log of bodies.
type hookLog struct {
	mu     sync.Mutex
	bodies []string
}

func (h *hookLog) all() string { h.mu.Lock(); defer h.mu.Unlock(); return strings.Join(h.bodies, "\n") }

func newEnv(t *testing.T) *env {
	t.Helper()
	testkit.Need(t, sc)
	ctx := context.Background()
	e := &env{t: t, logs: &syncBuf{}, hooks: &hookLog{}, dbPath: filepath.Join(t.TempDir(), "g.db")}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := store.Open(ctx, e.dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	a := auth.New(st, auth.Options{BcryptCost: bcrypt.MinCost})
	for u, role := range users {
		if err := a.CreateUser(ctx, u, password, role); err != nil {
			t.Fatal(err)
		}
	}
	e.cluster = config.Cluster{Name: "prod", Bootstrap: sc.Bootstrap(), ClientID: "gregor",
		SASL:    &config.SASL{Mechanism: config.MechScramSHA512, Username: testkit.AdminUser, Password: config.Secret(testkit.AdminPassword)},
		Regions: []config.Region{{Name: "east", Brokers: []int32{1, 2}}, {Name: "west", Brokers: []int32{3}}}}
	kcl, err := kafka.New(e.cluster, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kcl.Close)
	urls := map[string]string{}
	for _, n := range sc.Nodes {
		urls[fmt.Sprint(n.ID)] = n.MetricsURL()
	}
	fc := fleet.New(collect.Options{Client: kcl, Timeout: 10 * time.Second, Metrics: &config.Metrics{URLs: urls, Timeout: 5 * time.Second}}, fleet.Options{})
	fc.Cycle(ctx)
	e.fleet = fc

	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		e.hooks.mu.Lock()
		e.hooks.bodies = append(e.hooks.bodies, string(b))
		e.hooks.mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	rcv, err := notify.New(config.Receiver{Name: "requests", Type: "webhook", URL: hook.URL, MinSeverity: "info",
		Match: map[string]string{"alertname": selfserve.RequestAlertName}, Timeout: 5 * time.Second}, notify.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.notes = &selfserve.Notifier{Receivers: []*notify.Receiver{rcv}, Log: log}
	svc := selfserve.New(selfserve.Options{Store: st, Users: st, Log: log, Notify: e.notes.Notify, HashCost: bcrypt.MinCost,
		Targets: []selfserve.Target{{Name: "prod", Client: kcl, Regions: e.cluster.Regions, Clients: config.ClientsOf(&e.cluster), AdminUser: testkit.AdminUser}}})
	srv := api.New(api.Options{Auth: a, Users: st, Clusters: []api.Cluster{fc}, Audit: st, SelfServe: svc, Log: log})
	srv.SetReady()
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	e.url = hs.URL
	return e
}

// call sends a JSON request as user (basic auth; "" none) and decodes the answer into out
// (may be nil); it returns the status and the raw body.
func (e *env) call(user, method, path string, body, out any) (int, string) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, string(raw)
}

// must is call that fails the test unless the status is want.
func (e *env) must(want int, user, method, path string, body, out any) string {
	e.t.Helper()
	code, raw := e.call(user, method, path, body, out)
	if code != want {
		e.t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, user, code, want, raw)
	}
	return raw
}

// appClient is a Kafka client of the real cluster authenticated as an application.
func appClient(t *testing.T, user, pw string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(sc.Bootstrap()...),
		kgo.SASL(scram.Auth{User: user, Pass: pw}.AsSha512Mechanism())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func uniq(prefix string) string { return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1e9) }
