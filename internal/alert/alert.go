// Package alert turns findings and user metric rules into alerts with a life cycle (pending,
// firing, resolved), silences them, and sends them to receivers once per cycle, deduplicated
// against a notification log kept in the store so that a restart neither loses nor repeats
// a notification (docs/alerting.md).
package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/notify"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
	ErrConflict = errors.New("conflict")
)

// Receiver is where alerts go (a *notify.Receiver). Send retries by itself; an error means
// the batch was not delivered. A receiver with a method Resend() time.Duration gets firing
// alerts again at least that often (when positive), whatever the repeat interval.
type Receiver interface {
	Name() string
	Accepts(a notify.Alert) bool
	Send(ctx context.Context, alerts []notify.Alert) error
}

// resender is a Receiver that needs still-firing alerts sent again at least this often,
// whatever the repeat interval (0: no need), e.g. an Alertmanager and its resolve_timeout.
type resender interface{ Resend() time.Duration }

// Store keeps alert state, silences, API rules and the notification log.
type Store = store.Alerts

// State of an alert.
type State string

const (
	StatePending  State = "pending"
	StateFiring   State = "firing"
	StateResolved State = "resolved"
)

// Options of a Manager; zero values take the defaults.
type Options struct {
	Now    func() time.Time // clock of the API methods; default time.Now
	Logger *slog.Logger     // default slog.Default()
	// KeepResolved is how long resolved alerts and ended silences stay visible (default 24h).
	KeepResolved time.Duration
	// SendTimeout bounds one Send, retries included (default 2m).
	SendTimeout time.Duration
	// URL, if set, gives the UI address of an alert from its fingerprint.
	URL func(fingerprint string) string
}

// Manager keeps the alerts of every cluster. Evaluate may run for several clusters at once;
// the API methods may be called at any time.
type Manager struct {
	st        Store
	receivers []Receiver
	repeat    []time.Duration // per receiver
	minSev    analyze.Severity
	findFor   time.Duration
	o         Options
	log       *slog.Logger

	mu         sync.Mutex
	alerts     map[string]*alert               // by fingerprint
	sent       map[string]map[string]*delivery // fingerprint -> receiver -> last deliveries
	silences   map[string]*silence             // by id
	confRules  []rule
	apiRules   []rule
	busy       map[string]bool // clusters being evaluated
	lastPruned time.Time
}

// delivery is when a receiver last got an alert, per status.
type delivery struct{ firing, resolved time.Time }

// New loads the persisted alerts, silences, API rules and deliveries and returns a Manager.
// cfg takes the defaults of config.Alerting where unset.
func New(cfg config.Alerting, st Store, receivers []Receiver, o Options) (*Manager, error) {
	if st == nil {
		return nil, errors.New("alert: no store")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.KeepResolved <= 0 {
		o.KeepResolved = 24 * time.Hour
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 2 * time.Minute
	}
	if cfg.RepeatInterval <= 0 {
		cfg.RepeatInterval = 4 * time.Hour
	}
	if cfg.FindingsMin == "" {
		cfg.FindingsMin = "warning"
	}
	minSev, err := analyze.ParseSeverity(cfg.FindingsMin)
	if err != nil {
		return nil, fmt.Errorf("alert: findings_min: %w", errors.Join(ErrInvalid, err))
	}
	m := &Manager{
		st: st, receivers: receivers, minSev: minSev, findFor: max(cfg.FindingsFor, 0),
		o: o, log: o.Logger,
		alerts: map[string]*alert{}, sent: map[string]map[string]*delivery{}, silences: map[string]*silence{},
		busy: map[string]bool{},
	}
	names := map[string]bool{}
	for _, r := range receivers {
		if names[r.Name()] {
			return nil, fmt.Errorf("alert: %w: two receivers named %q", ErrInvalid, r.Name())
		}
		names[r.Name()] = true
		repeat := cfg.RepeatInterval
		if x, ok := r.(resender); ok && x.Resend() > 0 {
			repeat = min(repeat, x.Resend())
		}
		m.repeat = append(m.repeat, repeat)
	}
	for _, c := range cfg.Rules {
		r, err := newRule(c, SourceConfig)
		if err != nil {
			return nil, fmt.Errorf("alert: %w", err)
		}
		if m.findRule(r.Name) != nil {
			return nil, fmt.Errorf("alert: %w: two rules named %q", ErrInvalid, r.Name)
		}
		m.confRules = append(m.confRules, r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.load(ctx); err != nil {
		return nil, fmt.Errorf("alert: load: %w", err)
	}
	return m, nil
}

// load reads what the store keeps.
func (m *Manager) load(ctx context.Context) error {
	recs, err := m.st.ListAlerts(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		a := fromRecord(r)
		m.alerts[a.fp] = a
	}
	ds, err := m.st.LastDeliveries(ctx)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if m.alerts[d.Fingerprint] == nil {
			continue // the log of an alert no longer kept
		}
		x := m.delivery(d.Fingerprint, d.Receiver)
		switch d.Status {
		case string(StateFiring):
			x.firing = d.SentAt
		case string(StateResolved):
			x.resolved = d.SentAt
		}
	}
	ss, err := m.st.ListSilences(ctx)
	if err != nil {
		return err
	}
	for _, s := range ss {
		x, bad := compile(fromStoreSilence(s))
		if len(bad) > 0 {
			m.log.Warn("alert: stored silence ignored", "id", s.ID, "problems", bad)
			continue
		}
		m.silences[s.ID] = x
	}
	rs, err := m.st.ListAlertRules(ctx)
	if err != nil {
		return err
	}
	for _, s := range rs {
		r, err := newRule(fromStoreRule(s), SourceAPI)
		if err == nil && m.findRule(r.Name) != nil {
			err = fmt.Errorf("%w: a config rule has the same name", ErrConflict)
		}
		if err != nil {
			m.log.Warn("alert: stored rule ignored", "rule", s.Name, "err", err)
			continue
		}
		r.createdAt = s.CreatedAt
		m.apiRules = append(m.apiRules, r)
	}
	return nil
}

// delivery returns the deliveries of fp to a receiver, created if missing. Call with mu held.
func (m *Manager) delivery(fp, receiver string) *delivery {
	byRecv := m.sent[fp]
	if byRecv == nil {
		byRecv = map[string]*delivery{}
		m.sent[fp] = byRecv
	}
	d := byRecv[receiver]
	if d == nil {
		d = &delivery{}
		byRecv[receiver] = d
	}
	return d
}
