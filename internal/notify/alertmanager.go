package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// amAlert is one alert of Alertmanager's v2 API (POST /api/v2/alerts).
type amAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     *time.Time        `json:"startsAt,omitempty"`
	EndsAt       *time.Time        `json:"endsAt,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// alertmanager POSTs alerts to Alertmanager. A firing alert goes without endsAt:
// Alertmanager then ends it resolve_timeout (5m by default) after the last POST, so it must
// be re-sent while it fires (Receiver.Resend). A resolved alert carries its end time.
type alertmanager struct {
	url    string // .../api/v2/alerts
	client *http.Client
	now    func() time.Time
}

func (m *alertmanager) Notify(ctx context.Context, alerts []Alert) (bool, error) {
	out := make([]amAlert, 0, len(alerts))
	for _, a := range alerts {
		out = append(out, toAM(a, m.now()))
	}
	body, err := json.Marshal(out)
	if err != nil {
		return false, err
	}
	return postJSON(ctx, m.client, m.url, body, nil)
}

func toAM(a Alert, now time.Time) amAlert {
	x := amAlert{Labels: map[string]string{}, Annotations: map[string]string{"summary": a.Title}, GeneratorURL: a.URL}
	for k, v := range a.Labels {
		if v != "" { // Alertmanager drops empty labels
			x.Labels[labelName(k)] = v
		}
	}
	if x.Labels["severity"] == "" && a.Severity != "" {
		x.Labels["severity"] = a.Severity
	}
	desc := strings.Join(a.Evidence, "\n")
	if a.Fix != "" {
		x.Annotations["fix"] = a.Fix
		desc = strings.TrimSpace(desc + "\n\nFix: " + a.Fix)
	}
	if desc != "" {
		x.Annotations["description"] = desc
	}
	if len(a.Evidence) > 0 {
		x.Annotations["evidence"] = strings.Join(a.Evidence, "\n")
	}
	if !a.StartsAt.IsZero() {
		x.StartsAt = &a.StartsAt
	}
	if a.Status == "resolved" {
		end := a.EndsAt
		if end.IsZero() {
			end = now
		}
		if end.Before(a.StartsAt) { // Alertmanager refuses endsAt < startsAt
			end = a.StartsAt
		}
		x.EndsAt = &end
	}
	return x
}

// labelName maps a label name onto Prometheus's [a-zA-Z_][a-zA-Z0-9_]*: Alertmanager
// rejects the whole batch (400) for one invalid name.
func labelName(k string) string {
	b := []byte(k)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}
