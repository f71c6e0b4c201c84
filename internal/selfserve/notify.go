package selfserve

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/gregor-kafka/gregor/internal/notify"
	"github.com/gregor-kafka/gregor/internal/store"
)

// RequestAlertName is the alertname of request notifications: route them to a receiver with
// match {alertname: GregorRequest} (they are info, so min_severity must be info).
const RequestAlertName = "GregorRequest"

// Notifier sends request events to the alert receivers that accept them, in the background
// (a slow receiver never holds a request up). Wait waits for the sends under way.
type Notifier struct {
	Receivers []*notify.Receiver
	Log       *slog.Logger
	wg        sync.WaitGroup
}

// Notify is a Service's Options.Notify.
func (n *Notifier) Notify(_ context.Context, ev Event) {
	if len(n.Receivers) == 0 {
		return
	}
	a := EventAlert(ev, time.Now())
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, r := range n.Receivers {
			if err := r.Send(ctx, []notify.Alert{a}); err != nil && n.Log != nil {
				n.Log.Warn("self-service: notification failed", "receiver", r.Name(), "request", ev.Request.ID, "err", err)
			}
		}
	}()
}

// Wait waits for the notifications under way.
func (n *Notifier) Wait() { n.wg.Wait() }

// EventAlert is a request event as an info alert; a decided request's alert has ended.
func EventAlert(ev Event, now time.Time) notify.Alert {
	r := ev.Request
	what := r.Kind
	if r.Topic != "" {
		what += " " + strconv.Quote(r.Topic)
	}
	a := notify.Alert{
		Fingerprint: fmt.Sprintf("gregor-request-%d", r.ID),
		Status:      "firing",
		Severity:    "info",
		Labels: map[string]string{"alertname": RequestAlertName, "cluster": r.Cluster, "severity": "info",
			"request": strconv.FormatInt(r.ID, 10), "kind": r.Kind, "state": string(r.State), "team": r.Team, "application": r.Application},
		Title:    fmt.Sprintf("Request %d (%s for application %s on %s) %s by %s", r.ID, what, r.Application, r.Cluster, ev.Action, ev.By),
		Evidence: []string{"requester = " + r.Requester, "state = " + string(r.State)},
		StartsAt: r.CreatedAt,
	}
	if r.Reason != "" {
		a.Evidence = append(a.Evidence, "reason = "+r.Reason)
	}
	if r.Comment != "" {
		a.Evidence = append(a.Evidence, "comment = "+r.Comment)
	}
	if r.Error != "" {
		a.Evidence = append(a.Evidence, "error = "+r.Error)
	}
	switch r.State {
	case store.RequestPending:
		a.Fix = "Approve or reject it: gregor approve " + strconv.FormatInt(r.ID, 10) + " (or the approvals page)."
	case store.RequestFailed:
		a.Fix = "Read the error, fix the cause, then retry it: POST /api/v1/requests/" + strconv.FormatInt(r.ID, 10) + "/retry."
	}
	if r.State != store.RequestPending && r.State != store.RequestApproved {
		a.EndsAt = now.UTC()
	}
	return a
}
