package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

func client(t *testing.T, name string, bootstrap []string) *kafka.Client {
	t.Helper()
	c, err := kafka.New(config.Cluster{Name: name, Bootstrap: bootstrap, ClientID: "gregor-test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func get(t *testing.T, h http.Handler, path string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: not JSON: %q", path, rec.Body.String())
	}
	return rec.Code, body
}

func TestClustersOnFake(t *testing.T) {
	fake := testkit.Fake(t)
	s := New(Options{Clusters: []*kafka.Client{client(t, "fake", fake.ListenAddrs())}})
	code, body := get(t, s.Handler(), "/api/v1/clusters")
	if code != http.StatusOK {
		t.Fatalf("status %d %v", code, body)
	}
	cs := body["clusters"].([]any)
	c := cs[0].(map[string]any)
	if c["name"] != "fake" || c["status"] != "ok" || len(c["brokers"].([]any)) != 3 {
		t.Fatalf("%v", c)
	}
	// kfake has no KRaft quorum to describe: the metadata's controller is used and says so.
	if c["controller_source"] != "metadata" || c["kraft"] != false {
		t.Fatalf("controller %v", c)
	}
}

// A broker that fails every Metadata request makes its cluster "unreachable" within the
// request timeout, while a healthy cluster in the same answer is unaffected.
func TestClustersFaultInjected(t *testing.T) {
	bad, good := testkit.Fake(t), testkit.Fake(t)
	bad.ControlKey(kmsg.Metadata.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		bad.KeepControl()
		return nil, errors.New("injected failure"), true
	})
	s := New(Options{RequestTimeout: 1500 * time.Millisecond,
		Clusters: []*kafka.Client{client(t, "bad", bad.ListenAddrs()), client(t, "good", good.ListenAddrs())}})
	start := time.Now()
	code, body := get(t, s.Handler(), "/api/v1/clusters")
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %s", took)
	}
	cs := body["clusters"].([]any)
	b, g := cs[0].(map[string]any), cs[1].(map[string]any)
	if code != http.StatusOK || b["status"] != "unreachable" || !strings.HasPrefix(b["error"].(string), `cluster "bad": `) {
		t.Fatalf("bad: %d %v", code, b)
	}
	if g["status"] != "ok" || len(g["brokers"].([]any)) != 3 {
		t.Fatalf("good: %v", g)
	}
}

func TestHealthAndReady(t *testing.T) {
	s := New(Options{})
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
	s := New(Options{})
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
