package notify

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func alert(name, sev, status string) Alert {
	a := Alert{
		Fingerprint: name + "-fp", Status: status, Severity: sev,
		Labels:   map[string]string{"alertname": name, "cluster": "prod", "severity": sev, "code": "under_replicated", "entity": "topic:prod/orders"},
		Title:    "4 under-replicated partitions",
		Evidence: []string{"under_replicated = 4 (threshold 0)", "window = 5m"},
		Fix:      "Restart broker 2 or reassign its partitions.",
		StartsAt: t0.Add(-10 * time.Minute),
		URL:      "http://gregor.example/alerts/" + name,
	}
	if status == "resolved" {
		a.EndsAt = t0
	}
	return a
}

// harness records backoff waits and log output.
type harness struct {
	sleeps []time.Duration
	logs   bytes.Buffer
}

func (h *harness) options() Options {
	return Options{
		Sleep:  func(ctx context.Context, d time.Duration) error { h.sleeps = append(h.sleeps, d); return ctx.Err() },
		Now:    func() time.Time { return t0 },
		Logger: slog.New(slog.NewTextHandler(&h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

func newReceiver(t *testing.T, h *harness, cfg config.Receiver) *Receiver {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "ops"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	r, err := New(cfg, h.options())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// recorder is an HTTP endpoint answering with the next of codes (then 200), keeping bodies.
type recorder struct {
	mu     sync.Mutex
	codes  []int
	reqs   []*http.Request
	bodies [][]byte
	ok     [][]byte // bodies answered 2xx
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	_, _ = b.ReadFrom(r.Body)
	rc.mu.Lock()
	code := http.StatusOK
	if n := len(rc.reqs); n < len(rc.codes) {
		code = rc.codes[n]
	}
	rc.reqs, rc.bodies = append(rc.reqs, r), append(rc.bodies, b.Bytes())
	if code/100 == 2 {
		rc.ok = append(rc.ok, b.Bytes())
	}
	rc.mu.Unlock()
	w.WriteHeader(code)
	_, _ = w.Write([]byte("answer " + http.StatusText(code)))
}

func serve(t *testing.T, h http.Handler) string {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

func TestAccepts(t *testing.T) {
	h := &harness{}
	crit := newReceiver(t, h, config.Receiver{Type: "webhook", URL: "http://x", MinSeverity: "critical"})
	prodWarn := newReceiver(t, h, config.Receiver{Type: "webhook", URL: "http://x", MinSeverity: "warning",
		Match: map[string]string{"cluster": "prod", "code": "under_replicated"}})
	for _, c := range []struct {
		r    *Receiver
		a    Alert
		want bool
	}{
		{crit, alert("A", "critical", "firing"), true},
		{crit, alert("A", "warning", "firing"), false},
		{crit, alert("A", "info", "firing"), false},
		{prodWarn, alert("A", "warning", "firing"), true},
		{prodWarn, alert("A", "critical", "resolved"), true},
		{prodWarn, alert("A", "info", "firing"), false},
		{prodWarn, func() Alert { a := alert("A", "critical", "firing"); a.Labels["cluster"] = "stage"; return a }(), false},
		{prodWarn, func() Alert { a := alert("A", "critical", "firing"); delete(a.Labels, "code"); return a }(), false},
	} {
		if got := c.r.Accepts(c.a); got != c.want {
			t.Errorf("%s accepts %s %v: %v, want %v", c.r.cfg.MinSeverity, c.a.Severity, c.a.Labels, got, c.want)
		}
	}
}

func TestSendRoutes(t *testing.T) {
	rc := &recorder{}
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Type: "webhook", URL: serve(t, rc), MinSeverity: "critical"})
	if err := r.Send(context.Background(), []Alert{alert("W", "warning", "firing")}); err != nil {
		t.Fatal(err)
	}
	if len(rc.reqs) != 0 {
		t.Fatalf("a warning reached a critical-only receiver: %d requests", len(rc.reqs))
	}
	if err := r.Send(context.Background(), []Alert{alert("W", "warning", "firing"), alert("C", "critical", "firing")}); err != nil {
		t.Fatal(err)
	}
	p := decodeWebhook(t, rc.bodies[0])
	if len(rc.reqs) != 1 || len(p.Alerts) != 1 || p.Alerts[0].Labels["alertname"] != "C" {
		t.Fatalf("want only the critical alert, got %d requests, %+v", len(rc.reqs), p.Alerts)
	}
	// A resolution is not routed again: C fired critical, dropped to warning, then ended.
	if err := r.Send(context.Background(), []Alert{alert("C", "warning", "resolved")}); err != nil {
		t.Fatal(err)
	}
	if len(rc.reqs) != 2 || decodeWebhook(t, rc.bodies[1]).Alerts[0].Status != "resolved" {
		t.Fatalf("the resolution did not reach the receiver that got the firing: %d requests", len(rc.reqs))
	}
}

func TestBackoffAndGiveUp(t *testing.T) {
	rc := &recorder{codes: []int{503, 503, 503, 503, 503, 503}}
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Type: "webhook", URL: serve(t, rc), Retries: 5})
	err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")})
	if err == nil || !strings.Contains(err.Error(), `receiver "ops"`) || !strings.Contains(err.Error(), "503") {
		t.Fatalf("want an error naming the receiver and the status, got %v", err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second}
	if !slices.Equal(h.sleeps, want) || len(rc.reqs) != 6 {
		t.Fatalf("sleeps %v (want %v), requests %d (want 6)", h.sleeps, want, len(rc.reqs))
	}
	for _, l := range []string{"attempt=6", "receiver=ops", "type=webhook", "retrying"} {
		if !strings.Contains(h.logs.String(), l) {
			t.Errorf("log lacks %q:\n%s", l, h.logs.String())
		}
	}
}

func TestBackoffCap(t *testing.T) {
	rc := &recorder{codes: slices.Repeat([]int{500}, 10)}
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Type: "webhook", URL: serve(t, rc), Retries: 8})
	_ = r.Send(context.Background(), []Alert{alert("A", "critical", "firing")})
	if got := h.sleeps[len(h.sleeps)-1]; len(h.sleeps) != 8 || got != maxBackoff {
		t.Fatalf("sleeps %v: want 8, the last capped at %s", h.sleeps, maxBackoff)
	}
}

func TestContextEndStopsRetries(t *testing.T) {
	rc := &recorder{codes: []int{500, 500, 500}}
	h := &harness{}
	ctx, cancel := context.WithCancel(context.Background())
	o := h.options()
	o.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	r, err := New(config.Receiver{Name: "ops", Type: "webhook", URL: serve(t, rc), Retries: 3, Timeout: time.Second}, o)
	if err != nil {
		t.Fatal(err)
	}
	err = r.Send(ctx, []Alert{alert("A", "critical", "firing")})
	if !errors.Is(err, context.Canceled) || len(rc.reqs) != 1 {
		t.Fatalf("want context.Canceled after 1 request, got %v after %d", err, len(rc.reqs))
	}
}

func TestTestAlert(t *testing.T) {
	rc := &recorder{}
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Type: "webhook", URL: serve(t, rc), MinSeverity: "critical",
		Match: map[string]string{"cluster": "prod"}})
	if err := r.Test(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rc.bodies) != 1 {
		t.Fatalf("the test alert was not sent despite routing: %d requests", len(rc.bodies))
	}
	a := decodeWebhook(t, rc.bodies[0]).Alerts[0]
	if a.Labels["alertname"] != "GregorTest" || a.Labels["severity"] != "info" || a.Severity != "info" || a.Status != "firing" {
		t.Fatalf("test alert: %+v", a)
	}
}

// TestNoSecrets: neither errors nor logs show the HMAC key, URL credentials, path or query.
func TestNoSecrets(t *testing.T) {
	const key, pass, token = "hmac-key-S3CRET", "url-pass-S3CRET", "tok-S3CRET"
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad "+r.URL.RawQuery+" at "+r.URL.Path, http.StatusBadRequest) // a server echoing its URL
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	base := strings.TrimPrefix(serve(t, echo), "http://")
	for _, u := range []string{
		"http://user:" + pass + "@" + base + "/hooks/path-S3CRET?token=" + token,
		"http://user:" + pass + "@" + closed + "/hooks/path-S3CRET?token=" + token, // connection refused
	} {
		h := &harness{}
		r := newReceiver(t, h, config.Receiver{Type: "webhook", URL: u, Secret: key, Retries: 1})
		err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")})
		if err == nil {
			t.Fatal("want an error")
		}
		if !strings.Contains(err.Error(), "/…") {
			t.Errorf("error does not show the redacted URL: %v", err)
		}
		for _, s := range []string{"S3CRET", pass, token} {
			if strings.Contains(err.Error(), s) || strings.Contains(h.logs.String(), s) {
				t.Errorf("secret %q leaked:\nerror: %v\nlogs: %s", s, err, h.logs.String())
			}
		}
		if !strings.Contains(h.logs.String(), "error=") {
			t.Errorf("the failure was not logged: %s", h.logs.String())
		}
	}
}
