package auth

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

// memStore is an in-memory store.Users for tests.
type memStore struct {
	mu       sync.Mutex
	users    map[string]store.User
	tokens   map[string]store.Token
	sessions map[string]store.Session // by string(hash)
}

var _ store.Users = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{users: map[string]store.User{}, tokens: map[string]store.Token{}, sessions: map[string]store.Session{}}
}

func (m *memStore) CreateUser(_ context.Context, u store.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.Name]; ok {
		return store.ErrExists
	}
	u.PasswordHash = bytes.Clone(u.PasswordHash)
	m.users[u.Name] = u
	return nil
}

func (m *memStore) GetUser(_ context.Context, name string) (store.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[name]
	if !ok {
		return store.User{}, store.ErrNotFound
	}
	u.PasswordHash = bytes.Clone(u.PasswordHash)
	return u, nil
}

func (m *memStore) ListUsers(context.Context) ([]store.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.User
	for _, u := range m.users {
		u.PasswordHash = bytes.Clone(u.PasswordHash)
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b store.User) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (m *memStore) UpdateUser(_ context.Context, u store.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.Name]; !ok {
		return store.ErrNotFound
	}
	u.PasswordHash = bytes.Clone(u.PasswordHash)
	m.users[u.Name] = u
	return nil
}

func (m *memStore) DeleteUser(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[name]; !ok {
		return store.ErrNotFound
	}
	delete(m.users, name)
	return nil
}

func (m *memStore) CreateToken(_ context.Context, t store.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.tokens[t.ID]; ok {
		return store.ErrExists
	}
	t.Hash = bytes.Clone(t.Hash)
	m.tokens[t.ID] = t
	return nil
}

func (m *memStore) GetTokenByHash(_ context.Context, hash []byte) (store.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.tokens {
		if bytes.Equal(t.Hash, hash) {
			t.Hash = bytes.Clone(t.Hash)
			return t, nil
		}
	}
	return store.Token{}, store.ErrNotFound
}

func (m *memStore) ListTokens(_ context.Context, user string) ([]store.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Token
	for _, t := range m.tokens {
		if t.User == user {
			t.Hash = bytes.Clone(t.Hash)
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b store.Token) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (m *memStore) DeleteToken(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.tokens[id]; !ok {
		return store.ErrNotFound
	}
	delete(m.tokens, id)
	return nil
}

func (m *memStore) CreateSession(_ context.Context, s store.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[string(s.Hash)]; ok {
		return store.ErrExists
	}
	s.Hash = bytes.Clone(s.Hash)
	m.sessions[string(s.Hash)] = s
	return nil
}

func (m *memStore) GetSession(_ context.Context, hash []byte) (store.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[string(hash)]
	if !ok {
		return store.Session{}, store.ErrNotFound
	}
	s.Hash = bytes.Clone(s.Hash)
	return s, nil
}

func (m *memStore) DeleteSession(_ context.Context, hash []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[string(hash)]; !ok {
		return store.ErrNotFound
	}
	delete(m.sessions, string(hash))
	return nil
}

func (m *memStore) DeleteExpiredSessions(_ context.Context, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, s := range m.sessions {
		if !now.Before(s.ExpiresAt) {
			delete(m.sessions, k)
		}
	}
	return nil
}

func (m *memStore) sessionCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions)
}
