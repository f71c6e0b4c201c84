package alert

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Rule sources.
const (
	SourceConfig = "config"
	SourceAPI    = "api"
)

// rule is a validated user rule. Its fields are never changed once made.
type rule struct {
	config.Rule
	source    string
	createdAt time.Time
}

// RuleView is a rule as the API shows it.
type RuleView struct {
	Name       string            `json:"name"`
	Entity     string            `json:"entity"`
	Metric     string            `json:"metric"`
	Op         string            `json:"op"`
	Threshold  float64           `json:"threshold"`
	For        time.Duration     `json:"-"`
	ForSeconds float64           `json:"for_seconds"`
	Severity   string            `json:"severity"`
	Labels     map[string]string `json:"labels,omitempty"`
	Summary    string            `json:"summary,omitempty"`
	Source     string            `json:"source"`              // config or api
	CreatedAt  time.Time         `json:"created_at,omitzero"` // api rules
}

var ops = []string{">", ">=", "<", "<=", "==", "!="}

// newRule validates c as the config does (severity defaults to warning).
func newRule(c config.Rule, source string) (rule, error) {
	if c.Severity == "" {
		c.Severity = "warning"
	}
	var bad []string
	add := func(f string, a ...any) { bad = append(bad, fmt.Sprintf(f, a...)) }
	if c.Name == "" || strings.IndexFunc(c.Name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	}) >= 0 {
		add("name: required: letters, digits, '.', '_' and '-'")
	}
	if _, err := path.Match(c.Entity, ""); err != nil || c.Entity == "" {
		add("entity: required: a glob over entity names, e.g. broker:prod/*")
	}
	if c.Metric == "" {
		add("metric: required: a metric name from docs/metrics.md")
	}
	if !slices.Contains(ops, c.Op) {
		add("op: %q is not one of > >= < <= == !=", c.Op)
	}
	if math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0) {
		add("threshold: must be a finite number")
	}
	if c.For < 0 {
		add("for: must not be negative")
	}
	if !slices.Contains(config.Severities, c.Severity) {
		add("severity: %q is not one of info, warning, critical", c.Severity)
	}
	if len(bad) > 0 {
		return rule{}, fmt.Errorf("%w rule %q: %s", ErrInvalid, c.Name, strings.Join(bad, "; "))
	}
	c.Labels = maps.Clone(c.Labels)
	return rule{Rule: c, source: source}, nil
}

// holds says whether v compares with the threshold.
func (r *rule) holds(v float64) bool {
	t := r.Threshold
	switch r.Op {
	case ">":
		return v > t
	case ">=":
		return v >= t
	case "<":
		return v < t
	case "<=":
		return v <= t
	case "==":
		return v == t
	case "!=":
		return v != t
	}
	return false
}

func (r *rule) view() RuleView {
	return RuleView{
		Name: r.Name, Entity: r.Entity, Metric: r.Metric, Op: r.Op, Threshold: r.Threshold,
		For: r.For, ForSeconds: r.For.Seconds(), Severity: r.Severity, Labels: maps.Clone(r.Labels),
		Summary: r.Summary, Source: r.source, CreatedAt: r.createdAt,
	}
}

func fromStoreRule(s store.AlertRule) config.Rule {
	return config.Rule{Name: s.Name, Entity: s.Entity, Metric: s.Metric, Op: s.Op, Threshold: s.Threshold,
		For: s.For, Severity: s.Severity, Labels: s.Labels, Summary: s.Summary}
}

// findRule returns the rule named name, nil if none. Call with mu held (or before sharing m).
func (m *Manager) findRule(name string) *rule {
	for _, rs := range [][]rule{m.confRules, m.apiRules} {
		for i := range rs {
			if rs[i].Name == name {
				return &rs[i]
			}
		}
	}
	return nil
}

// rules returns every rule; the slices are replaced, never changed, so the copy is safe.
func (m *Manager) rules() []rule {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append(slices.Clone(m.confRules), m.apiRules...)
}

// Rules lists the config rules (in config order), then the API rules by name.
func (m *Manager) Rules() []RuleView {
	rs := m.rules()
	out := make([]RuleView, len(rs))
	for i := range rs {
		out[i] = rs[i].view()
	}
	return out
}

// CreateRule validates r like the config does and keeps it in the store. ErrInvalid for a
// bad rule, ErrConflict if a config or API rule has its name.
func (m *Manager) CreateRule(ctx context.Context, r config.Rule) error {
	x, err := newRule(r, SourceAPI)
	if err != nil {
		return err
	}
	x.createdAt = m.o.Now().UTC().Truncate(time.Millisecond)
	m.mu.Lock()
	taken := m.findRule(x.Name) != nil
	m.mu.Unlock()
	if taken {
		return fmt.Errorf("%w: a rule named %q exists", ErrConflict, x.Name)
	}
	err = m.st.CreateAlertRule(ctx, store.AlertRule{Name: x.Name, Entity: x.Entity, Metric: x.Metric, Op: x.Op,
		Threshold: x.Threshold, For: x.For, Severity: x.Severity, Labels: x.Labels, Summary: x.Summary, CreatedAt: x.createdAt})
	if errors.Is(err, store.ErrExists) {
		return fmt.Errorf("%w: a rule named %q exists", ErrConflict, x.Name)
	}
	if err != nil {
		return fmt.Errorf("alert: create rule: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	rs := append(slices.Clone(m.apiRules), x)
	slices.SortFunc(rs, func(a, b rule) int { return strings.Compare(a.Name, b.Name) })
	m.apiRules = rs
	return nil
}

// DeleteRule deletes an API rule; its alerts resolve at their cluster's next cycle.
// ErrNotFound if there is none, ErrConflict for a config rule.
func (m *Manager) DeleteRule(ctx context.Context, name string) error {
	m.mu.Lock()
	r := m.findRule(name)
	m.mu.Unlock()
	switch {
	case r == nil:
		return fmt.Errorf("%w: no rule named %q", ErrNotFound, name)
	case r.source == SourceConfig:
		return fmt.Errorf("%w: rule %q is defined in the config file: remove it there", ErrConflict, name)
	}
	if err := m.st.DeleteAlertRule(ctx, name); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("alert: delete rule: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.apiRules = slices.DeleteFunc(slices.Clone(m.apiRules), func(r rule) bool { return r.Name == name })
	return nil
}
