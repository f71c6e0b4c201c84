package alert

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/notify"
	"github.com/gregor-kafka/gregor/internal/store"
)

// pruneEvery is how often ended alerts, silences and old log entries are deleted.
const pruneEvery = 10 * time.Minute

// batch is what one receiver gets in one cycle.
type batch struct {
	r      Receiver
	alerts []notify.Alert
}

// Cycle is one evaluation's input: a cluster's findings and samples of one cycle, and the
// finding codes that could not be judged in it (Skipped: their alerts neither fire nor
// resolve). A rule whose metric is absent for an entity is likewise unknown there.
type Cycle struct {
	Cluster  string
	Now      time.Time
	Findings []analyze.Finding
	Skipped  []string
	Samples  []store.Sample
}

// Evaluate is EvaluateCycle with nothing skipped.
func (m *Manager) Evaluate(ctx context.Context, cluster string, now time.Time, findings []analyze.Finding, samples []store.Sample) error {
	return m.EvaluateCycle(ctx, Cycle{Cluster: cluster, Now: now, Findings: findings, Samples: samples})
}

// Evaluate runs one cycle of cluster at now. Findings at or above findings_min and the rules
// over samples (the cycle's history samples) are the alerts that should be active; the
// cluster's other alerts resolve. Then each receiver gets, in one batch, the alerts it has
// not got yet in this episode, those due again after the repeat interval (or its shorter
// Resend), and the resolutions of those it got firing; silenced alerts are not sent.
//
// Alert state is saved before sending, the notification log after: a crash in between may
// repeat a notification once, never lose one. A failed send is retried at the next cycle.
// Cycles of one cluster must not overlap (an overlapping call returns an error at once);
// different clusters may be evaluated concurrently. Send failures are logged and written
// to the notification log; the error returned is about the store.
func (m *Manager) EvaluateCycle(ctx context.Context, in Cycle) error {
	cluster, now, findings, samples := in.Cluster, in.Now, in.Findings, in.Samples
	m.mu.Lock()
	if m.busy[cluster] {
		m.mu.Unlock()
		return fmt.Errorf("alert: cluster %s: the previous evaluation is still running", cluster)
	}
	m.busy[cluster] = true
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.busy, cluster)
		m.mu.Unlock()
	}()
	rules := m.rules()
	now = now.UTC().Truncate(time.Millisecond) // as the store keeps it

	cands := make(map[string]candidate, len(findings))
	for _, f := range findings {
		if f.Severity >= m.minSev {
			c := fromFinding(cluster, f, m.findFor)
			cands[c.fp] = c
		}
	}
	ruleCandidates(cluster, rules, samples, cands)

	unknown := unknownFunc(rules, in.Skipped, samples)
	m.mu.Lock()
	save, drop := m.update(cluster, now, cands, unknown)
	batches := m.plan(cluster, now)
	prune := now.Sub(m.lastPruned) >= pruneEvery
	if prune {
		m.lastPruned = now
		m.forget(now.Add(-m.o.KeepResolved))
	}
	m.mu.Unlock()

	var errs []error
	if err := m.st.SaveAlerts(ctx, save); err != nil {
		m.unsaved(save)
		errs = append(errs, err)
	}
	if len(drop) > 0 {
		errs = append(errs, m.st.DeleteAlerts(ctx, drop))
	}
	entries := m.send(ctx, cluster, now, batches)
	errs = append(errs, m.st.AppendNotifications(ctx, entries))
	if prune {
		errs = append(errs, m.st.PruneAlerts(ctx, now.Add(-m.o.KeepResolved)))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("alert: cluster %s: %w", cluster, err)
	}
	return nil
}

// plan lists, per receiver, the cluster's alerts to send now. Call with mu held.
func (m *Manager) plan(cluster string, now time.Time) []batch {
	per := make([][]notify.Alert, len(m.receivers))
	for _, a := range m.alerts {
		if a.cluster != cluster || a.silencedBy != "" {
			continue
		}
		switch a.state {
		case StateFiring:
			var n *notify.Alert // made when first needed
			for i, r := range m.receivers {
				d := m.sent[a.fp][r.Name()]
				if d != nil && !d.firing.Before(a.startsAt) && now.Before(d.firing.Add(m.repeat[i])) {
					continue // sent in this episode, not due again yet
				}
				if n == nil {
					x := a.notification(StateFiring, m.o.URL)
					n = &x
				}
				if r.Accepts(*n) {
					per[i] = append(per[i], *n)
				}
			}
		case StateResolved:
			n := a.notification(StateResolved, m.o.URL)
			for i, r := range m.receivers {
				d := m.sent[a.fp][r.Name()]
				if d != nil && !d.firing.Before(a.startsAt) && d.resolved.Before(a.endsAt) {
					per[i] = append(per[i], n)
				}
			}
		}
	}
	var out []batch
	for i, as := range per {
		if len(as) == 0 {
			continue
		}
		slices.SortFunc(as, func(a, b notify.Alert) int {
			return cmp.Or(strings.Compare(a.Status, b.Status), -cmp.Compare(sevRank(a.Severity), sevRank(b.Severity)),
				strings.Compare(a.Fingerprint, b.Fingerprint))
		})
		out = append(out, batch{m.receivers[i], as})
	}
	return out
}

// send sends the batches concurrently, each bounded by SendTimeout, records the deliveries
// and returns the log entries.
func (m *Manager) send(ctx context.Context, cluster string, now time.Time, batches []batch) []store.Notification {
	errs := make([]error, len(batches))
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("receiver panicked: %v", p)
				}
			}()
			sctx, cancel := context.WithTimeout(ctx, m.o.SendTimeout)
			defer cancel()
			errs[i] = b.r.Send(sctx, b.alerts)
		})
	}
	wg.Wait()
	var entries []store.Notification
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, b := range batches {
		name, msg := b.r.Name(), ""
		if err := errs[i]; err != nil {
			msg = err.Error()
			if len(msg) > 1000 {
				msg = msg[:1000]
			}
			m.log.Warn("alert: send failed, retried next cycle", "receiver", name, "cluster", cluster, "alerts", len(b.alerts), "err", err)
		} else {
			m.log.Debug("alert: sent", "receiver", name, "cluster", cluster, "alerts", len(b.alerts))
		}
		for _, n := range b.alerts {
			entries = append(entries, store.Notification{Receiver: name, Fingerprint: n.Fingerprint, Cluster: cluster,
				Status: n.Status, SentAt: now, Error: msg})
			if errs[i] != nil || m.alerts[n.Fingerprint] == nil {
				continue
			}
			if d := m.delivery(n.Fingerprint, name); n.Status == string(StateFiring) {
				d.firing = now
			} else {
				d.resolved = now
			}
		}
	}
	return entries
}

// notification is the alert as receivers see it.
func (a *alert) notification(st State, url func(string) string) notify.Alert {
	n := notify.Alert{
		Fingerprint: a.fp, Status: string(st), Severity: a.severity, Labels: maps.Clone(a.labels), Title: a.title,
		Evidence: slices.Clone(a.evidence), Fix: a.fix, StartsAt: a.startsAt,
	}
	if st == StateResolved {
		n.EndsAt = a.endsAt
	}
	if url != nil {
		n.URL = url(a.fp)
	}
	return n
}

// sevRank orders severities: info 0, warning 1, critical 2, unknown -1.
func sevRank(s string) int {
	v, err := analyze.ParseSeverity(s)
	if err != nil {
		return -1
	}
	return int(v)
}

// unknownFunc says whether an alert missing from a cycle was not judged in it: its finding
// code was skipped, or its rule's metric is absent for its entity. Such an alert keeps its
// state instead of resolving (or of being dropped while pending).
func unknownFunc(rules []rule, skipped []string, samples []store.Sample) func(labels map[string]string) bool {
	skip := make(map[string]bool, len(skipped))
	for _, c := range skipped {
		skip[c] = true
	}
	metricOf := make(map[string]string, len(rules))
	for _, r := range rules {
		metricOf[r.Name] = r.Metric
	}
	present := make(map[[2]string]bool, len(samples))
	for _, s := range samples {
		present[[2]string{s.Entity, s.Metric}] = true
	}
	return func(labels map[string]string) bool {
		if code := labels["code"]; code != "" {
			return skip[code]
		}
		if metric, ok := metricOf[labels["alertname"]]; ok {
			return !present[[2]string{labels["entity"], metric}]
		}
		return false
	}
}
