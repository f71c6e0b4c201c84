// Package notify sends alerts to receivers: a generic webhook (JSON, optional HMAC-SHA256
// signature), a Slack incoming webhook, email over SMTP, and a Prometheus Alertmanager (its
// v2 alerts API). Each receiver routes by severity and labels and retries with backoff.
package notify

import (
	"context"
	"time"
)

// Alert is one alert as receivers see it.
type Alert struct {
	// Fingerprint identifies the alert across its life (the same for firing and resolved).
	Fingerprint string `json:"fingerprint"`
	Status      string `json:"status"`   // "firing" or "resolved"
	Severity    string `json:"severity"` // info, warning, critical
	// Labels always hold alertname, cluster and severity; findings add code and entity
	// (and broker, topic, group, log_dir where they apply); rules add their own.
	Labels   map[string]string `json:"labels"`
	Title    string            `json:"title"`
	Evidence []string          `json:"evidence,omitempty"` // one line per value ("under_replicated = 12 (threshold 0)")
	Fix      string            `json:"fix,omitempty"`
	StartsAt time.Time         `json:"starts_at"`
	EndsAt   time.Time         `json:"ends_at,omitzero"` // zero while firing
	// URL points at the alert in Gregor's UI when Gregor knows its external address.
	URL string `json:"url,omitempty"`
}

// Notifier sends a batch of alerts. retry says whether a failure is worth another attempt
// (a timeout, a 5xx, a 429 are; a 4xx or a bad address are not).
type Notifier interface {
	Notify(ctx context.Context, alerts []Alert) (retry bool, err error)
}
