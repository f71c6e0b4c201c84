package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/collect"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/fleet"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/store"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

func collector(t testing.TB, name string, fake *kfake.Cluster) *fleet.Cluster {
	t.Helper()
	c, err := kafka.New(config.Cluster{Name: name, Bootstrap: fake.ListenAddrs(), ClientID: "gregor-test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return fleet.New(collect.Options{Client: c, Timeout: 2 * time.Second}, fleet.Options{})
}

// testToken is an operator's API token on servers built by newServer.
var testToken string

// newServer builds a Server with real auth on a SQLite store in a temp dir, and an
// operator token in testToken.
func newServer(t testing.TB, o Options) *Server {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "gregor.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := auth.New(st, auth.Options{BcryptCost: bcrypt.MinCost})
	if err := a.CreateUser(context.Background(), "op", "operator-pw", store.RoleOperator); err != nil {
		t.Fatal(err)
	}
	if testToken, _, err = a.CreateToken(context.Background(), "op", "test", 0); err != nil {
		t.Fatal(err)
	}
	o.Auth, o.Users = a, st
	if o.Series == nil {
		o.Series = st
	}
	return New(o)
}

func get(t testing.TB, h http.Handler, path string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	h.ServeHTTP(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: not JSON: %q", path, rec.Body.String())
	}
	return rec.Code, body
}

// fixture: a fake cluster with topics a (3 partitions, 10 records each) and b (1 partition),
// and a group g that committed offset 4 on a/0 only.
func fixture(t testing.TB) (*Server, *fleet.Cluster) {
	fake := testkit.Fake(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(fake.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx := context.Background()
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.CreateTopic(ctx, 1, 3, nil, "b"); err != nil {
		t.Fatal(err)
	}
	for p := range 3 {
		for range 10 {
			if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "a", Partition: int32(p), Value: []byte("v")}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	os := kadm.Offsets{}
	os.Add(kadm.Offset{Topic: "a", Partition: 0, At: 4, LeaderEpoch: -1})
	if _, err := adm.CommitOffsets(ctx, "g", os); err != nil {
		t.Fatal(err)
	}
	c := collector(t, "fake", fake)
	c.Cycle(ctx)
	return newServer(t, Options{Clusters: []Cluster{c}}), c
}

func TestClusterEndpoints(t *testing.T) {
	s, _ := fixture(t)
	h := s.Handler()
	code, body := get(t, h, "/api/v1/clusters")
	c := body["clusters"].([]any)[0].(map[string]any)
	if code != 200 || c["name"] != "fake" || c["status"] != "ok" || len(c["brokers"].([]any)) != 3 {
		t.Fatalf("%d %v", code, c)
	}
	// kfake has no KRaft quorum to describe: the metadata's controller is used and says so.
	if c["controller_source"] != "metadata" {
		t.Fatalf("controller %v", c)
	}
	stats := c["stats"].(map[string]any)
	if stats["topics"] != 2.0 || stats["partitions"] != 4.0 || stats["lag"] != 6.0 {
		t.Fatalf("stats %v", stats)
	}
	if code, body = get(t, h, "/api/v1/clusters/fake"); code != 200 || body["requests"].(float64) < 5 {
		t.Fatalf("cluster %d %v", code, body)
	}
	if code, body = get(t, h, "/api/v1/clusters/fake/brokers"); code != 200 || len(body["brokers"].([]any)) != 3 {
		t.Fatalf("brokers %d %v", code, body)
	}
	if code, body = get(t, h, "/api/v1/clusters/fake/brokers/1"); code != 200 || body["id"] != 1.0 {
		t.Fatalf("broker %d %v", code, body)
	}
}

func TestTopicEndpoints(t *testing.T) {
	s, _ := fixture(t)
	h := s.Handler()
	_, body := get(t, h, "/api/v1/clusters/fake/topics?sort=partitions&order=desc&limit=1")
	items := body["items"].([]any)
	if body["total"] != 2.0 || len(items) != 1 || items[0].(map[string]any)["name"] != "a" {
		t.Fatalf("%v", body)
	}
	_, body = get(t, h, "/api/v1/clusters/fake/topics?q=B")
	if body["total"] != 1.0 || body["items"].([]any)[0].(map[string]any)["name"] != "b" {
		t.Fatalf("filter %v", body)
	}
	_, body = get(t, h, "/api/v1/clusters/fake/topics?offset=5")
	if body["total"] != 2.0 || len(body["items"].([]any)) != 0 {
		t.Fatalf("past the end %v", body)
	}
	code, body := get(t, h, "/api/v1/clusters/fake/topics/a")
	parts := body["partitions"].([]any)
	p0 := parts[0].(map[string]any)
	if code != 200 || len(parts) != 3 || p0["end_offset"] != 10.0 || p0["start_offset"] != 0.0 {
		t.Fatalf("%d %v", code, body)
	}
	groups := body["groups"].([]any)
	if len(groups) != 1 || groups[0].(map[string]any)["id"] != "g" || groups[0].(map[string]any)["lag"] != 6.0 {
		t.Fatalf("groups %v", groups)
	}
}

func TestGroupEndpoints(t *testing.T) {
	s, _ := fixture(t)
	h := s.Handler()
	_, body := get(t, h, "/api/v1/clusters/fake/groups?sort=lag&order=desc")
	row := body["items"].([]any)[0].(map[string]any)
	if body["total"] != 1.0 || row["id"] != "g" || row["lag"] != 6.0 {
		t.Fatalf("%v", body)
	}
	if row["status"] != "OK" || row["lag_seconds"] == nil {
		t.Fatalf("status fields %v", row)
	}
	code, body := get(t, h, "/api/v1/clusters/fake/groups/g/lag")
	lp := body["partitions"].([]any)
	if code != 200 || body["status"] != "OK" || body["lag_messages"] != 6.0 || len(lp) != 1 ||
		lp[0].(map[string]any)["committed"] != 4.0 || lp[0].(map[string]any)["lag"] != 6.0 {
		t.Fatalf("lag %d %v", code, body)
	}
	if code, _ := get(t, h, "/api/v1/clusters/fake/groups/nope/lag"); code != 404 {
		t.Fatalf("lag of a missing group: %d", code)
	}
	code, body = get(t, h, "/api/v1/clusters/fake/groups/g")
	parts := body["partitions"].([]any)
	p := parts[0].(map[string]any)
	if code != 200 || len(parts) != 1 || p["committed"] != 4.0 || p["lag"] != 6.0 || p["end_offset"] != 10.0 {
		t.Fatalf("%d %v", code, body)
	}
}

func TestNotFoundAndBadRequests(t *testing.T) {
	s, _ := fixture(t)
	h := s.Handler()
	for path, want := range map[string]string{
		"/api/v1/clusters/nope":                                `no cluster named "nope"`,
		"/api/v1/clusters/fake/topics/nope":                    `no topic "nope" in cluster "fake"`,
		"/api/v1/clusters/fake/groups/nope":                    `no group "nope" in cluster "fake"`,
		"/api/v1/clusters/fake/brokers/99":                     `no broker 99 in cluster "fake"`,
		"/api/v1/clusters/fake/brokers/x":                      "broker id must be an integer",
		"/api/v1/clusters/fake/topics?sort=color":              "sort must be one of: name, partitions, size, rate",
		"/api/v1/clusters/fake/topics?limit=0":                 "limit must be an integer from 1 to 1000",
		"/api/v1/clusters/fake/groups?order=up":                "order must be asc or desc",
		"/api/v1/metrics/query?entity=x":                       "entity and metric are required, e.g. entity=topic:prod/orders&metric=messages_in_per_sec",
		"/api/v1/metrics/query?entity=x&metric=y&from=soon":    "from: want RFC 3339 (2026-01-02T15:04:05Z), Unix seconds, or -1h",
		"/api/v1/metrics/query?entity=x&metric=y&step=1.0005s": "step must be a duration of at least 1s in whole milliseconds, e.g. 60s",
	} {
		code, body := get(t, h, path)
		e := body["error"].(map[string]any)
		if code < 400 || code >= 500 || e["message"] != want {
			t.Errorf("%s: %d %v, want %q", path, code, e, want)
		}
	}
}

// A cluster whose brokers fail every Metadata request is "unreachable" with the error, and
// the healthy cluster next to it is unaffected.
func TestClustersFaultInjected(t *testing.T) {
	bad, good := testkit.Fake(t), testkit.Fake(t)
	bad.ControlKey(kmsg.Metadata.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		bad.KeepControl()
		return nil, errors.New("injected failure"), true
	})
	cb, cg := collector(t, "bad", bad), collector(t, "good", good)
	cb.Cycle(context.Background())
	cg.Cycle(context.Background())
	s := newServer(t, Options{Clusters: []Cluster{cb, cg}})
	_, body := get(t, s.Handler(), "/api/v1/clusters")
	cs := body["clusters"].([]any)
	b, g := cs[0].(map[string]any), cs[1].(map[string]any)
	if b["status"] != "unreachable" || b["error"] == "" {
		t.Fatalf("bad: %v", b)
	}
	if g["status"] != "ok" || len(g["brokers"].([]any)) != 3 {
		t.Fatalf("good: %v", g)
	}
	if code, body := get(t, s.Handler(), "/api/v1/clusters/bad/topics"); code != 200 || body["total"] != 0.0 {
		t.Fatalf("topics of an unreachable cluster: %d %v", code, body)
	}
}

func TestPendingCluster(t *testing.T) {
	c := collector(t, "later", testkit.Fake(t))
	s := newServer(t, Options{Clusters: []Cluster{c}})
	_, body := get(t, s.Handler(), "/api/v1/clusters")
	if body["clusters"].([]any)[0].(map[string]any)["status"] != "pending" {
		t.Fatalf("%v", body)
	}
	code, body := get(t, s.Handler(), "/api/v1/clusters/later/topics")
	if code != http.StatusServiceUnavailable || body["error"].(map[string]any)["code"] != "unavailable" {
		t.Fatalf("%d %v", code, body)
	}
}

func TestHealthAndReady(t *testing.T) {
	s := newServer(t, Options{})
	h := s.Handler()
	if code, _ := get(t, h, "/healthz"); code != http.StatusOK {
		t.Fatalf("healthz %d", code)
	}
	if code, body := get(t, h, "/readyz"); code != http.StatusServiceUnavailable || body["status"] != "starting" {
		t.Fatalf("readyz before start-up finished: %d %v", code, body)
	}
	s.SetReady()
	if code, _ := get(t, h, "/readyz"); code != http.StatusOK {
		t.Fatalf("readyz after: %d", code)
	}
}

func TestErrorEnvelope(t *testing.T) {
	s := newServer(t, Options{})
	code, body := get(t, s.Handler(), "/api/v1/nope")
	e := body["error"].(map[string]any)
	if code != http.StatusNotFound || e["code"] != "not_found" || e["message"] != "no such API endpoint: GET /api/v1/nope" {
		t.Fatalf("%d %v", code, body)
	}
	rec := httptest.NewRecorder()
	s.recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom: secret detail") })).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	b, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusInternalServerError || strings.Contains(string(b), "secret detail") ||
		!strings.Contains(string(b), `"code":"internal"`) {
		t.Fatalf("panic: %d %s", rec.Code, b)
	}
}
