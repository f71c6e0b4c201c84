package alert

import (
	"maps"
	"slices"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

// alert is the tracked state of one fingerprint. Its maps and slices are replaced, never
// changed, so copies of them may be read without the lock.
type alert struct {
	fp, cluster string
	state       State
	severity    string
	labels      map[string]string
	title       string
	evidence    []string
	fix         string
	// activeAt: first seen (pending since). startsAt/endsAt: fired and resolved, of the
	// current episode, or of the last one while a returning alert is pending again.
	activeAt, startsAt, endsAt, lastSeen time.Time
	silencedBy                           string

	dirty bool      // changed since last saved
	saved time.Time // lastSeen when last saved
}

func fromRecord(r store.AlertRecord) *alert {
	return &alert{
		fp: r.Fingerprint, cluster: r.Cluster, state: State(r.State), severity: r.Severity, labels: r.Labels,
		title: r.Title, evidence: r.Evidence, fix: r.Fix, activeAt: r.ActiveAt, startsAt: r.StartsAt,
		endsAt: r.EndsAt, lastSeen: r.LastSeen, silencedBy: r.SilencedBy, saved: r.LastSeen,
	}
}

func (a *alert) record() store.AlertRecord {
	return store.AlertRecord{
		Fingerprint: a.fp, Cluster: a.cluster, State: string(a.state), Severity: a.severity, Labels: a.labels,
		Title: a.title, Evidence: a.evidence, Fix: a.fix, ActiveAt: a.activeAt, StartsAt: a.startsAt,
		EndsAt: a.endsAt, LastSeen: a.lastSeen, SilencedBy: a.silencedBy,
	}
}

// saveEvery bounds how stale a persisted last_seen may be.
const saveEvery = time.Minute

// update applies one cycle of cluster to the alerts: candidates become or stay pending or
// firing, the cluster's other alerts resolve (pending ones are dropped). It returns what to
// save and what to delete. Call with mu held.
func (m *Manager) update(cluster string, now time.Time, cands map[string]candidate, unknown func(map[string]string) bool) (save []store.AlertRecord, drop []string) {
	for fp, c := range cands {
		a := m.alerts[fp]
		if a == nil {
			a = &alert{fp: fp, cluster: cluster, state: StateResolved}
			m.alerts[fp] = a
		}
		if a.state == StateResolved { // new, or back: a new episode
			a.state, a.activeAt, a.dirty = StatePending, now, true
		}
		if a.severity != c.severity || a.title != c.title || a.fix != c.fix ||
			!maps.Equal(a.labels, c.labels) || !slices.Equal(a.evidence, c.evidence) {
			a.severity, a.labels, a.title, a.evidence, a.fix, a.dirty = c.severity, c.labels, c.title, c.evidence, c.fix, true
		}
		a.cluster, a.lastSeen = cluster, now
		if a.state == StatePending && !now.Before(a.activeAt.Add(c.hold)) {
			a.state, a.startsAt, a.endsAt, a.dirty = StateFiring, now, time.Time{}, true
		}
	}
	for fp, a := range m.alerts {
		if a.cluster != cluster {
			continue
		}
		if _, ok := cands[fp]; !ok && !unknown(a.labels) {
			switch {
			case a.state == StateFiring:
				a.state, a.endsAt, a.dirty = StateResolved, now, true
			case a.state == StatePending && a.endsAt.IsZero():
				delete(m.alerts, fp)
				delete(m.sent, fp)
				drop = append(drop, fp)
				continue
			case a.state == StatePending: // back to its last episode, resolved
				a.state, a.dirty = StateResolved, true
			}
		}
		if by := m.silencedBy(a.labels, now); by != a.silencedBy {
			a.silencedBy, a.dirty = by, true
		}
		if a.dirty || a.lastSeen.Sub(a.saved) >= saveEvery {
			save = append(save, a.record())
			a.dirty, a.saved = false, a.lastSeen
		}
	}
	return save, drop
}

// forget drops from memory the alerts resolved before cutoff. Call with mu held.
func (m *Manager) forget(cutoff time.Time) {
	for fp, a := range m.alerts {
		if a.state == StateResolved && a.endsAt.Before(cutoff) {
			delete(m.alerts, fp)
			delete(m.sent, fp)
		}
	}
	for id, s := range m.silences {
		if s.EndsAt.Before(cutoff) {
			delete(m.silences, id)
		}
	}
}

// unsaved marks alerts whose save failed so that the next cycle saves them again.
func (m *Manager) unsaved(recs []store.AlertRecord) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range recs {
		if a := m.alerts[r.Fingerprint]; a != nil {
			a.dirty = true
		}
	}
}
