package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
)

func decodeWebhook(t *testing.T, b []byte) WebhookPayload {
	t.Helper()
	var p WebhookPayload
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return p
}

func TestWebhookBodyAndSignature(t *testing.T) {
	rc := &recorder{}
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Name: "hooks", Type: "webhook", URL: serve(t, rc), Secret: "k3y"})
	in := []Alert{alert("A", "critical", "resolved"), alert("B", "warning", "firing")}
	if err := r.Send(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	req, body := rc.reqs[0], rc.bodies[0]
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["version"] != "1" || raw["receiver"] != "hooks" || raw["status"] != "firing" || raw["sent_at"] != "2026-03-01T12:00:00Z" {
		t.Fatalf("envelope: %s", body)
	}
	p := decodeWebhook(t, body)
	if len(p.Alerts) != 2 || p.Alerts[0].Title != in[0].Title || p.Alerts[0].Status != "resolved" ||
		!p.Alerts[0].EndsAt.Equal(t0) || p.Alerts[1].Labels["code"] != "under_replicated" || p.Alerts[1].Evidence[1] != "window = 5m" ||
		p.Alerts[1].Fix != in[1].Fix {
		t.Fatalf("alerts: %s", body)
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	m := hmac.New(sha256.New, []byte("k3y"))
	m.Write(body)
	if got, want := req.Header.Get("X-Gregor-Signature"), "sha256="+hex.EncodeToString(m.Sum(nil)); got != want {
		t.Fatalf("signature %q, want %q", got, want)
	}
	if got := req.Header.Get("X-Gregor-Timestamp"); got != strconv.FormatInt(t0.Unix(), 10) {
		t.Fatalf("timestamp %q", got)
	}

	// all resolved: status resolved; no secret: no signature
	rc2 := &recorder{}
	r2 := newReceiver(t, h, config.Receiver{Type: "webhook", URL: serve(t, rc2)})
	if err := r2.Send(context.Background(), in[:1]); err != nil {
		t.Fatal(err)
	}
	if p := decodeWebhook(t, rc2.bodies[0]); p.Status != "resolved" || rc2.reqs[0].Header.Get("X-Gregor-Signature") != "" {
		t.Fatalf("status %q, signature %q", p.Status, rc2.reqs[0].Header.Get("X-Gregor-Signature"))
	}
}

func TestWebhookRetries(t *testing.T) {
	for _, c := range []struct {
		codes    []int
		requests int
		fails    bool
	}{
		{[]int{500, 500}, 3, false},
		{[]int{429}, 2, false},
		{[]int{502, 503, 504, 500}, 4, true}, // retries: 3
		{[]int{400}, 1, true},
		{[]int{404}, 1, true},
	} {
		rc := &recorder{codes: c.codes}
		h := &harness{}
		r := newReceiver(t, h, config.Receiver{Type: "webhook", URL: serve(t, rc), Retries: 3})
		err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")})
		if (err != nil) != c.fails || len(rc.reqs) != c.requests {
			t.Fatalf("codes %v: err %v, %d requests; want failure %v, %d requests", c.codes, err, len(rc.reqs), c.fails, c.requests)
		}
		if !c.fails {
			if len(rc.ok) != 1 || decodeWebhook(t, rc.ok[0]).Alerts[0].Fingerprint != "A-fp" {
				t.Fatalf("codes %v: want the alert delivered once, got %d", c.codes, len(rc.ok))
			}
		} else if !strings.Contains(err.Error(), strconv.Itoa(c.codes[len(c.codes)-1])) {
			t.Fatalf("error lacks the status: %v", err)
		}
	}
}

func TestWebhookTimeoutRetries(t *testing.T) {
	var n atomic.Int32
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // then the server notices the client leaving
		if n.Add(1) == 1 {
			select { // hang until the client gives up
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}
	})
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Type: "webhook", URL: serve(t, slow), Timeout: 100 * time.Millisecond, Retries: 1})
	start := time.Now()
	if err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")}); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 || time.Since(start) > 5*time.Second {
		t.Fatalf("%d requests in %s: want a timed-out attempt then a retry", n.Load(), time.Since(start))
	}
	if !strings.Contains(h.logs.String(), "deadline exceeded") {
		t.Fatalf("the timeout was not logged: %s", h.logs.String())
	}
}
