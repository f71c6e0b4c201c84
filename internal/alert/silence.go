package alert

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

// Matcher is one condition on an alert label (a missing label is the empty string).
type Matcher struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	IsRegex bool   `json:"is_regex"` // Value is a regular expression matching the whole value
	IsEqual bool   `json:"is_equal"` // false negates; true when absent from JSON
}

// UnmarshalJSON reads a matcher; is_equal defaults to true, as in Alertmanager.
func (m *Matcher) UnmarshalJSON(b []byte) error {
	type plain Matcher
	x := plain{IsEqual: true}
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*m = Matcher(x)
	return nil
}

// Silence states.
const (
	SilencePending = "pending"
	SilenceActive  = "active"
	SilenceExpired = "expired"
)

// Silence mutes the alerts whose labels match all its matchers in [StartsAt, EndsAt).
type Silence struct {
	ID        string    `json:"id"`
	Matchers  []Matcher `json:"matchers"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	CreatedBy string    `json:"created_by"`
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
	ExpiredBy string    `json:"expired_by,omitempty"`
	State     string    `json:"state"` // pending, active or expired; set by Silences
}

// silence is a Silence with its regular expressions compiled.
type silence struct {
	Silence
	res []*regexp.Regexp // per matcher, nil if not a regex
}

// compile checks s's matchers and compiles them; it returns the problems found.
func compile(s Silence) (*silence, []string) {
	var bad []string
	x := &silence{Silence: s, res: make([]*regexp.Regexp, len(s.Matchers))}
	if len(s.Matchers) == 0 {
		bad = append(bad, "matchers: at least one is required")
	}
	for i, mt := range s.Matchers {
		if mt.Name == "" {
			bad = append(bad, fmt.Sprintf("matchers[%d].name: required", i))
		}
		if mt.IsRegex {
			re, err := regexp.Compile("^(?:" + mt.Value + ")$")
			if err != nil {
				bad = append(bad, fmt.Sprintf("matchers[%d].value: %q is not a regular expression: %v", i, mt.Value, err))
				continue
			}
			x.res[i] = re
		}
	}
	if len(bad) == 0 && x.matches(map[string]string{}) {
		bad = append(bad, "matchers: they match an alert without labels, so they would silence every alert: add one that needs a value")
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return x, nil
}

// matches says whether labels match every matcher.
func (s *silence) matches(labels map[string]string) bool {
	for i, mt := range s.Matchers {
		v := labels[mt.Name]
		ok := v == mt.Value
		if s.res[i] != nil {
			ok = s.res[i].MatchString(v)
		}
		if ok != mt.IsEqual {
			return false
		}
	}
	return true
}

func (s *silence) state(now time.Time) string {
	switch {
	case now.Before(s.StartsAt):
		return SilencePending
	case now.Before(s.EndsAt):
		return SilenceActive
	}
	return SilenceExpired
}

// silencedBy returns the id of an active silence matching labels (the one created first),
// "" if none. Call with mu held.
func (m *Manager) silencedBy(labels map[string]string, now time.Time) string {
	var by *silence
	for _, s := range m.silences {
		if s.state(now) == SilenceActive && s.matches(labels) &&
			(by == nil || s.CreatedAt.Before(by.CreatedAt) || s.CreatedAt.Equal(by.CreatedAt) && s.ID < by.ID) {
			by = s
		}
	}
	if by == nil {
		return ""
	}
	return by.ID
}

// Silences lists the silences kept (ended ones for Options.KeepResolved), newest first.
func (m *Manager) Silences() []Silence {
	now := m.o.Now()
	m.mu.Lock()
	out := make([]Silence, 0, len(m.silences))
	for _, s := range m.silences {
		if now.Sub(s.EndsAt) > m.o.KeepResolved {
			continue
		}
		v := s.Silence
		v.Matchers = slices.Clone(v.Matchers)
		v.State = s.state(now)
		out = append(out, v)
	}
	m.mu.Unlock()
	slices.SortFunc(out, func(a, b Silence) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// CreateSilence validates s and keeps it. The ID, CreatedAt, ExpiredBy and State are set
// here; a zero or past StartsAt means now. ErrInvalid for a bad silence.
func (m *Manager) CreateSilence(ctx context.Context, s Silence) (Silence, error) {
	now := m.o.Now().UTC().Truncate(time.Millisecond)
	s.ID, s.CreatedAt, s.ExpiredBy, s.State = newID(), now, "", ""
	s.Matchers = slices.Clone(s.Matchers)
	if s.StartsAt.Before(now) {
		s.StartsAt = now
	}
	s.StartsAt, s.EndsAt = s.StartsAt.UTC().Truncate(time.Millisecond), s.EndsAt.UTC().Truncate(time.Millisecond)
	x, bad := compile(s)
	switch {
	case s.EndsAt.IsZero():
		bad = append(bad, "ends_at: required")
	case !s.EndsAt.After(now):
		bad = append(bad, "ends_at: must be in the future")
	case !s.EndsAt.After(s.StartsAt):
		bad = append(bad, "ends_at: must be after starts_at")
	}
	if strings.TrimSpace(s.CreatedBy) == "" {
		bad = append(bad, "created_by: required")
	}
	if len(bad) > 0 {
		return Silence{}, fmt.Errorf("%w silence: %s", ErrInvalid, strings.Join(bad, "; "))
	}
	if err := m.st.CreateSilence(ctx, toStoreSilence(s)); err != nil {
		return Silence{}, fmt.Errorf("alert: create silence: %w", err)
	}
	m.mu.Lock()
	m.silences[s.ID] = x
	m.mu.Unlock()
	s.State = x.state(now)
	return s, nil
}

// ExpireSilence ends a silence now (one not started yet too). ErrNotFound if there is none,
// ErrConflict if it has ended already.
func (m *Manager) ExpireSilence(ctx context.Context, id, by string) error {
	now := m.o.Now().UTC().Truncate(time.Millisecond)
	m.mu.Lock()
	x := m.silences[id]
	m.mu.Unlock()
	if x == nil {
		return fmt.Errorf("%w: no silence %q", ErrNotFound, id)
	}
	if x.state(now) == SilenceExpired {
		return fmt.Errorf("%w: silence %q has already ended", ErrConflict, id)
	}
	e := *x
	e.EndsAt, e.ExpiredBy = now, by
	if e.StartsAt.After(now) {
		e.StartsAt = now
	}
	if err := m.st.UpdateSilence(ctx, toStoreSilence(e.Silence)); err != nil {
		return fmt.Errorf("alert: expire silence: %w", err)
	}
	m.mu.Lock()
	m.silences[id] = &e
	m.mu.Unlock()
	return nil
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func toStoreSilence(s Silence) store.Silence {
	ms := make([]store.Matcher, len(s.Matchers))
	for i, m := range s.Matchers {
		ms[i] = store.Matcher(m)
	}
	return store.Silence{ID: s.ID, Matchers: ms, StartsAt: s.StartsAt, EndsAt: s.EndsAt, CreatedBy: s.CreatedBy,
		Comment: s.Comment, CreatedAt: s.CreatedAt, ExpiredBy: s.ExpiredBy}
}

func fromStoreSilence(s store.Silence) Silence {
	ms := make([]Matcher, len(s.Matchers))
	for i, m := range s.Matchers {
		ms[i] = Matcher(m)
	}
	return Silence{ID: s.ID, Matchers: ms, StartsAt: s.StartsAt, EndsAt: s.EndsAt, CreatedBy: s.CreatedBy,
		Comment: s.Comment, CreatedAt: s.CreatedAt, ExpiredBy: s.ExpiredBy}
}
