package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/gregor-kafka/gregor/internal/config"
)

func TestSlackPayload(t *testing.T) {
	rc := &recorder{}
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Type: "slack", URL: serve(t, rc) + "/services/T0/B0/XYZ"})
	crit := alert("A", "critical", "firing")
	crit.Evidence = append(crit.Evidence, "lag <5m> & rising")
	if err := r.Send(context.Background(), []Alert{alert("R", "warning", "resolved"), crit, alert("W", "warning", "firing")}); err != nil {
		t.Fatal(err)
	}
	if p := rc.reqs[0].URL.Path; p != "/services/T0/B0/XYZ" {
		t.Fatalf("path %q", p)
	}
	var m slackMessage
	if err := json.Unmarshal(rc.bodies[0], &m); err != nil {
		t.Fatal(err)
	}
	if want := "[FIRING:2] cluster prod: critical – 4 under-replicated partitions (+1 more)"; m.Text != want {
		t.Fatalf("text %q, want %q", m.Text, want)
	}
	if len(m.Attachments) != 3 {
		t.Fatalf("%d attachments", len(m.Attachments))
	}
	res, c, w := m.Attachments[0], m.Attachments[1], m.Attachments[2]
	if res.Title != "RESOLVED: 4 under-replicated partitions" || res.Color != colors["resolved"] {
		t.Errorf("resolved attachment: %+v", res)
	}
	if c.Color != "#d63232" || w.Color != "#e8a33d" || c.Title != crit.Title || c.TitleLink != crit.URL {
		t.Errorf("colours/title: %+v / %+v", c, w)
	}
	for _, s := range []string{"• under_replicated = 4 (threshold 0)", "• lag &lt;5m&gt; &amp; rising", "*Fix:* Restart broker 2"} {
		if !strings.Contains(c.Text, s) {
			t.Errorf("attachment text lacks %q:\n%s", s, c.Text)
		}
	}
	if len(c.Fields) != 4 || c.Fields[0] != (slackField{"cluster", "prod", true}) || c.Fields[2].Value != "topic:prod/orders" {
		t.Errorf("fields %+v", c.Fields)
	}
}

func TestSlackErrorHidesURL(t *testing.T) {
	gone := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no_service", http.StatusNotFound) })
	h := &harness{}
	r := newReceiver(t, h, config.Receiver{Type: "slack", URL: serve(t, gone) + "/services/T0/B0/S3CRET"})
	err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")})
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "no_service") {
		t.Fatalf("want a 404 no_service error, got %v", err)
	}
	if strings.Contains(err.Error(), "S3CRET") || strings.Contains(h.logs.String(), "S3CRET") || strings.Contains(err.Error(), "/services") {
		t.Fatalf("the webhook URL leaked: %v\n%s", err, h.logs.String())
	}
}

func TestSummary(t *testing.T) {
	a := alert("A", "info", "resolved")
	b := alert("B", "info", "resolved")
	b.Labels["cluster"] = "stage"
	if got, want := summary([]Alert{a, b}), "[RESOLVED:2] clusters prod, stage: info – 4 under-replicated partitions (+1 more)"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}
