package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/collect"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/fleet"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/store"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// memAudit is an in-memory store.Audit for the operations' tests.
type memAudit struct {
	mu      sync.Mutex
	entries []store.AuditEntry // oldest first
}

func (a *memAudit) AppendAudit(_ context.Context, e store.AuditEntry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	e.ID = int64(len(a.entries) + 1)
	a.entries = append(a.entries, e)
	return nil
}

// ListAudit gives the entries whose action starts with f.Action, newest first.
func (a *memAudit) ListAudit(_ context.Context, f store.AuditFilter) ([]store.AuditEntry, int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []store.AuditEntry
	for i := len(a.entries) - 1; i >= 0; i-- {
		if e := a.entries[i]; strings.HasPrefix(e.Action, f.Action) {
			out = append(out, e)
		}
	}
	return out, len(out), nil
}

func (a *memAudit) PruneAudit(context.Context, time.Time) error { return nil }

// all is every entry, oldest first.
func (a *memAudit) all() []store.AuditEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]store.AuditEntry(nil), a.entries...)
}

// of are the entries about one target, oldest first.
func (a *memAudit) of(target string) []store.AuditEntry {
	var out []store.AuditEntry
	for _, e := range a.all() {
		if e.Target == target {
			out = append(out, e)
		}
	}
	return out
}

// last is the newest entry for action.
func (a *memAudit) last(t *testing.T, action string) store.AuditEntry {
	t.Helper()
	es, _, _ := a.ListAudit(context.Background(), store.AuditFilter{Action: action})
	if len(es) == 0 {
		t.Fatalf("no audit entry for %s", action)
	}
	return es[0]
}

func (a *memAudit) dump() string {
	b, _ := json.Marshal(a.all())
	return string(b)
}

// opsServer is a server over the real cluster kc (named name), one user per role (see
// passwords), an in-memory audit log, collected once. log may be nil.
func opsServer(t *testing.T, name string, log *slog.Logger) (*Server, *auth.Service, *memAudit) {
	t.Helper()
	testkit.Need(t, kc)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := auth.New(st, auth.Options{BcryptCost: bcrypt.MinCost})
	for user, pw := range passwords {
		if err := a.CreateUser(context.Background(), user, pw, store.Role(user)); err != nil {
			t.Fatal(err)
		}
	}
	kcl, err := kafka.New(config.Cluster{Name: name, Bootstrap: kc.Bootstrap(), ClientID: "gregor"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kcl.Close)
	fc := fleet.New(collect.Options{Client: kcl, Timeout: 5 * time.Second}, fleet.Options{})
	fc.Cycle(context.Background())
	au := &memAudit{}
	s := New(Options{Auth: a, Users: st, Series: st, Log: log, Clusters: []Cluster{fc}, Audit: au})
	s.SetReady()
	return s, a, au
}
