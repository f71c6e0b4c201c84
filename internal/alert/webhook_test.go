package alert_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/notify"
)

// With a real webhook receiver: a 503 is retried at the next cycle, then delivered once.
func TestRealWebhook(t *testing.T) {
	var (
		mu     sync.Mutex
		status = http.StatusServiceUnavailable
		got    []notify.WebhookPayload
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
		var p notify.WebhookPayload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			t.Error(err)
		}
		got = append(got, p)
	}))
	defer srv.Close()
	hook, err := notify.New(config.Receiver{Name: "hook", Type: "webhook", URL: srv.URL, Retries: 1},
		notify.Options{Client: srv.Client(), Logger: quiet, Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, config.Alerting{})
	m, err := alert.New(config.Alerting{}, e.st, []alert.Receiver{hook}, alert.Options{Now: e.clock.Now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if i == 1 {
			mu.Lock()
			status = http.StatusOK
			mu.Unlock()
		}
		if err := m.Evaluate(ctx, "prod", t0.Add(time.Duration(i)*time.Minute), fs(off), nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 1 || len(got[0].Alerts) != 1 || got[0].Alerts[0].Labels["alertname"] != "broker.offline" || got[0].Status != "firing" {
		t.Fatalf("webhook got %+v", got)
	}
	log, err := m.NotificationLog(ctx, 0)
	if err != nil || len(log) != 2 || log[0].Error != "" || log[1].Error == "" {
		t.Fatalf("log %+v %v", log, err)
	}
}
