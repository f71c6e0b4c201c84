package alert

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// AlertView is an alert as the API shows it.
type AlertView struct {
	Fingerprint string            `json:"fingerprint"`
	Cluster     string            `json:"cluster"`
	State       State             `json:"state"`
	Severity    string            `json:"severity"`
	Labels      map[string]string `json:"labels"`
	Title       string            `json:"title"`
	Evidence    []string          `json:"evidence,omitempty"`
	Fix         string            `json:"fix,omitempty"`
	ActiveAt    time.Time         `json:"active_at"`          // first seen
	StartsAt    time.Time         `json:"starts_at,omitzero"` // fired
	EndsAt      time.Time         `json:"ends_at,omitzero"`   // resolved
	LastSeen    time.Time         `json:"last_seen"`
	SilencedBy  string            `json:"silenced_by,omitempty"` // id of the active silence muting it
	// Receivers got this episode's firing notification.
	Receivers []string `json:"receivers"`
}

// AlertFilter selects alerts; zero fields select all.
type AlertFilter struct {
	Cluster  string
	State    State
	Severity string
	Silenced *bool // true: only silenced ones, false: only the others
}

// Alerts lists the alerts: pending and firing ones, and those resolved in the last
// Options.KeepResolved; firing first, then pending, then resolved, the most severe and
// newest first within each.
func (m *Manager) Alerts(f AlertFilter) []AlertView {
	now := m.o.Now()
	m.mu.Lock()
	out := []AlertView{}
	for _, a := range m.alerts {
		if f.Cluster != "" && a.cluster != f.Cluster || f.State != "" && a.state != f.State ||
			f.Severity != "" && a.severity != f.Severity || a.state == StateResolved && now.Sub(a.endsAt) > m.o.KeepResolved {
			continue
		}
		v := m.view(a, now)
		if f.Silenced != nil && *f.Silenced != (v.SilencedBy != "") {
			continue
		}
		out = append(out, v)
	}
	m.mu.Unlock()
	rank := map[State]int{StateFiring: 0, StatePending: 1, StateResolved: 2}
	slices.SortFunc(out, func(a, b AlertView) int {
		return cmp.Or(cmp.Compare(rank[a.State], rank[b.State]), -cmp.Compare(sevRank(a.Severity), sevRank(b.Severity)),
			b.ActiveAt.Compare(a.ActiveAt), strings.Compare(a.Fingerprint, b.Fingerprint))
	})
	return out
}

// Alert returns one alert by fingerprint; ErrNotFound if it is not kept.
func (m *Manager) Alert(fingerprint string) (AlertView, error) {
	now := m.o.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.alerts[fingerprint]
	if a == nil {
		return AlertView{}, fmt.Errorf("%w: no alert %q", ErrNotFound, fingerprint)
	}
	return m.view(a, now), nil
}

// view makes the view of a. Call with mu held.
func (m *Manager) view(a *alert, now time.Time) AlertView {
	v := AlertView{
		Fingerprint: a.fp, Cluster: a.cluster, State: a.state, Severity: a.severity, Labels: maps.Clone(a.labels),
		Title: a.title, Evidence: slices.Clone(a.evidence), Fix: a.fix, ActiveAt: a.activeAt, LastSeen: a.lastSeen,
		SilencedBy: m.silencedBy(a.labels, now), Receivers: []string{},
	}
	if a.state != StatePending { // a pending alert back after an episode keeps that one's times
		v.StartsAt, v.EndsAt = a.startsAt, a.endsAt
		for r, d := range m.sent[a.fp] {
			if !d.firing.IsZero() && !d.firing.Before(a.startsAt) {
				v.Receivers = append(v.Receivers, r)
			}
		}
		slices.Sort(v.Receivers)
	}
	return v
}

// FiringCount is the number of firing alerts (silenced ones included) per severity, with
// every severity present.
func (m *Manager) FiringCount() map[string]int {
	out := map[string]int{"info": 0, "warning": 0, "critical": 0}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range m.alerts {
		if a.state == StateFiring {
			out[a.severity]++
		}
	}
	return out
}

// NotificationEntry is one line of the notification log.
type NotificationEntry struct {
	Receiver    string    `json:"receiver"`
	Fingerprint string    `json:"fingerprint"`
	Cluster     string    `json:"cluster"`
	Status      string    `json:"status"` // firing or resolved
	SentAt      time.Time `json:"sent_at"`
	Error       string    `json:"error,omitempty"` // why it was not delivered
}

// NotificationLog returns the newest entries of the log first, at most limit (<= 0: all kept).
func (m *Manager) NotificationLog(ctx context.Context, limit int) ([]NotificationEntry, error) {
	ns, err := m.st.ListNotifications(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("alert: notification log: %w", err)
	}
	out := make([]NotificationEntry, len(ns))
	for i, n := range ns {
		out[i] = NotificationEntry{Receiver: n.Receiver, Fingerprint: n.Fingerprint, Cluster: n.Cluster,
			Status: n.Status, SentAt: n.SentAt, Error: n.Error}
	}
	return out, nil
}
