package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// amListed is an alert as GET /api/v2/alerts returns it.
type amListed struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
	GeneratorURL string            `json:"generatorURL"`
	Status       struct {
		State string `json:"state"`
	} `json:"status"`
}

func listAM(t *testing.T, base, alertname string) []amListed {
	t.Helper()
	q := url.Values{"active": {"true"}, "silenced": {"false"}, "inhibited": {"false"}, "filter": {`alertname="` + alertname + `"`}}
	resp, err := http.Get(base + "/api/v2/alerts?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []amListed
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET alerts: %s %v", resp.Status, err)
	}
	return out
}

// waitAM polls until the listed alerts satisfy ok.
func waitAM(t *testing.T, base, alertname string, ok func([]amListed) bool) []amListed {
	t.Helper()
	var got []amListed
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = listAM(t, base, alertname); ok(got) {
			return got
		}
	}
	t.Fatalf("Alertmanager lists %+v", got)
	return nil
}

func TestAlertmanagerReal(t *testing.T) {
	base := testkit.StartAlertmanager(t)
	r, err := New(config.Receiver{Name: "am", Type: "alertmanager", URL: base + "/", Timeout: 5 * time.Second}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := alert("UnderReplicatedPartitions", "critical", "firing")
	a.StartsAt = time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)
	a.Labels["broker.rack"] = "rack-1" // not a Prometheus label name
	a.Labels["empty"] = ""
	sent := time.Now()
	if err := r.Send(context.Background(), []Alert{a}); err != nil {
		t.Fatal(err)
	}
	got := waitAM(t, base, a.Labels["alertname"], func(l []amListed) bool { return len(l) == 1 && l[0].Status.State == "active" })[0]
	for k, v := range map[string]string{"alertname": "UnderReplicatedPartitions", "cluster": "prod", "severity": "critical",
		"code": "under_replicated", "entity": "topic:prod/orders", "broker_rack": "rack-1"} {
		if got.Labels[k] != v {
			t.Errorf("label %s = %q, want %q (labels %v)", k, got.Labels[k], v, got.Labels)
		}
	}
	if len(got.Labels) != 6 {
		t.Errorf("labels %v: want exactly 6", got.Labels)
	}
	wantDesc := "under_replicated = 4 (threshold 0)\nwindow = 5m\n\nFix: " + a.Fix
	if got.Annotations["summary"] != a.Title || got.Annotations["fix"] != a.Fix || got.Annotations["description"] != wantDesc {
		t.Errorf("annotations %q", got.Annotations)
	}
	if !got.StartsAt.Equal(a.StartsAt) || got.GeneratorURL != a.URL {
		t.Errorf("startsAt %s (want %s), generatorURL %q", got.StartsAt, a.StartsAt, got.GeneratorURL)
	}
	// Without endsAt, Alertmanager ends the alert resolve_timeout (5m) after receiving it.
	if d := got.EndsAt.Sub(sent); d < 4*time.Minute || d > 6*time.Minute {
		t.Errorf("endsAt %s is %s after the send, want resolve_timeout (5m)", got.EndsAt, d)
	}

	a.Status, a.EndsAt = "resolved", time.Now().UTC()
	if err := r.Send(context.Background(), []Alert{a}); err != nil {
		t.Fatal(err)
	}
	waitAM(t, base, a.Labels["alertname"], func(l []amListed) bool { return len(l) == 0 })

	if err := r.Test(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitAM(t, base, "GregorTest", func(l []amListed) bool { return len(l) == 1 && l[0].Labels["severity"] == "info" })
}

func TestAlertmanagerRejectsBatch(t *testing.T) {
	bad := func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `"invalid label set"`, http.StatusBadRequest)
	}
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Type: "alertmanager", URL: serve(t, http.HandlerFunc(bad))})
	if err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")}); err == nil || len(h.sleeps) != 0 {
		t.Fatalf("want an unretried 400, got %v after %d retries", err, len(h.sleeps))
	}
}

func TestToAM(t *testing.T) {
	a := alert("A", "warning", "resolved")
	a.EndsAt = time.Time{}
	delete(a.Labels, "severity")
	x := toAM(a, t0)
	if x.EndsAt == nil || !x.EndsAt.Equal(t0) || x.Labels["severity"] != "warning" {
		t.Fatalf("resolved without end time: endsAt %v, labels %v", x.EndsAt, x.Labels)
	}
	if x := toAM(alert("A", "critical", "firing"), t0); x.EndsAt != nil {
		t.Fatalf("a firing alert must not carry endsAt: %v", x.EndsAt)
	}
	for in, want := range map[string]string{"log.dir": "log_dir", "1x": "_x", "ok_9": "ok_9", "": "_"} {
		if got := labelName(in); got != want {
			t.Errorf("labelName(%q) = %q, want %q", in, got, want)
		}
	}
}
