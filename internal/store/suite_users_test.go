package store

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func mustErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testUsers(t *testing.T, e *env) {
	alice := User{Name: "alice", Role: RoleAdmin, PasswordHash: []byte("$2a$10$hash"), CreatedAt: t0.Add(time.Minute)}
	ok(t, e.s.CreateUser(ctx, alice))
	ok(t, e.s.CreateUser(ctx, User{Name: "bob", Role: RoleViewer})) // CreatedAt from the clock
	mustErr(t, "duplicate user", e.s.CreateUser(ctx, User{Name: "alice", Role: RoleViewer}), ErrExists)

	u, err := e.s.GetUser(ctx, "alice")
	ok(t, err)
	if u.Name != "alice" || u.Role != RoleAdmin || !bytes.Equal(u.PasswordHash, alice.PasswordHash) || !u.CreatedAt.Equal(alice.CreatedAt) {
		t.Fatalf("GetUser: %+v", u)
	}
	_, err = e.s.GetUser(ctx, "carol")
	mustErr(t, "missing user", err, ErrNotFound)

	us, err := e.s.ListUsers(ctx)
	ok(t, err)
	if len(us) != 2 || us[0].Name != "alice" || us[1].Name != "bob" || !us[1].CreatedAt.Equal(t0) {
		t.Fatalf("ListUsers: %+v", us)
	}

	ok(t, e.s.UpdateUser(ctx, User{Name: "bob", Role: RoleOperator, PasswordHash: []byte("new")}))
	u, err = e.s.GetUser(ctx, "bob")
	ok(t, err)
	if u.Role != RoleOperator || string(u.PasswordHash) != "new" || !u.CreatedAt.Equal(t0) {
		t.Fatalf("after UpdateUser: %+v", u)
	}
	mustErr(t, "update missing user", e.s.UpdateUser(ctx, User{Name: "carol", Role: RoleAdmin}), ErrNotFound)

	ok(t, e.s.DeleteUser(ctx, "bob"))
	mustErr(t, "delete missing user", e.s.DeleteUser(ctx, "bob"), ErrNotFound)
	us, err = e.s.ListUsers(ctx)
	ok(t, err)
	if len(us) != 1 {
		t.Fatalf("ListUsers after delete: %+v", us)
	}
}

func testTokens(t *testing.T, e *env) {
	ok(t, e.s.CreateUser(ctx, User{Name: "alice", Role: RoleAdmin}))
	t1 := Token{ID: "t1", User: "alice", Name: "ci", Hash: []byte{1, 2, 3}, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
	t2 := Token{ID: "t2", User: "alice", Name: "forever", Hash: []byte{4, 5, 6}, CreatedAt: t0.Add(time.Second)}
	ok(t, e.s.CreateToken(ctx, t2))
	ok(t, e.s.CreateToken(ctx, t1))
	mustErr(t, "duplicate id", e.s.CreateToken(ctx, Token{ID: "t1", User: "alice", Hash: []byte{9}}), ErrExists)
	mustErr(t, "duplicate hash", e.s.CreateToken(ctx, Token{ID: "t3", User: "alice", Hash: []byte{1, 2, 3}}), ErrExists)
	mustErr(t, "missing user", e.s.CreateToken(ctx, Token{ID: "t4", User: "nobody", Hash: []byte{7}}), ErrNotFound)

	got, err := e.s.GetTokenByHash(ctx, []byte{1, 2, 3})
	ok(t, err)
	if got.ID != "t1" || got.User != "alice" || got.Name != "ci" || !got.CreatedAt.Equal(t1.CreatedAt) || !got.ExpiresAt.Equal(t1.ExpiresAt) {
		t.Fatalf("GetTokenByHash: %+v", got)
	}
	got, err = e.s.GetTokenByHash(ctx, []byte{4, 5, 6})
	ok(t, err)
	if !got.ExpiresAt.IsZero() {
		t.Fatalf("a token that never expires came back with %v", got.ExpiresAt)
	}
	_, err = e.s.GetTokenByHash(ctx, []byte{0})
	mustErr(t, "unknown hash", err, ErrNotFound)

	ts, err := e.s.ListTokens(ctx, "alice")
	ok(t, err)
	if len(ts) != 2 || ts[0].ID != "t1" || ts[1].ID != "t2" {
		t.Fatalf("ListTokens: %+v", ts)
	}
	if ts, err := e.s.ListTokens(ctx, "nobody"); err != nil || ts == nil || len(ts) != 0 {
		t.Fatalf("ListTokens of nobody: %v %v", ts, err)
	}
	ok(t, e.s.DeleteToken(ctx, "t1"))
	mustErr(t, "delete missing token", e.s.DeleteToken(ctx, "t1"), ErrNotFound)
	_, err = e.s.GetTokenByHash(ctx, []byte{1, 2, 3})
	mustErr(t, "deleted token", err, ErrNotFound)
}

func testSessions(t *testing.T, e *env) {
	ok(t, e.s.CreateUser(ctx, User{Name: "alice", Role: RoleViewer}))
	s1 := Session{Hash: []byte("h1"), User: "alice", CSRF: "c1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	s2 := Session{Hash: []byte("h2"), User: "alice", CSRF: "c2", CreatedAt: t0, ExpiresAt: t0.Add(2 * time.Hour)}
	ok(t, e.s.CreateSession(ctx, s1))
	ok(t, e.s.CreateSession(ctx, s2))
	mustErr(t, "duplicate session", e.s.CreateSession(ctx, s1), ErrExists)
	mustErr(t, "missing user", e.s.CreateSession(ctx, Session{Hash: []byte("h3"), User: "bob", ExpiresAt: t0}), ErrNotFound)
	if err := e.s.CreateSession(ctx, Session{Hash: []byte("h4"), User: "alice"}); err == nil {
		t.Fatal("a session without expiry was accepted")
	}

	got, err := e.s.GetSession(ctx, []byte("h1"))
	ok(t, err)
	if got.User != "alice" || got.CSRF != "c1" || !got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(s1.ExpiresAt) || string(got.Hash) != "h1" {
		t.Fatalf("GetSession: %+v", got)
	}
	_, err = e.s.GetSession(ctx, []byte("nope"))
	mustErr(t, "unknown session", err, ErrNotFound)

	ok(t, e.s.DeleteExpiredSessions(ctx, t0.Add(30*time.Minute)))
	_, err = e.s.GetSession(ctx, []byte("h1"))
	ok(t, err)
	ok(t, e.s.DeleteExpiredSessions(ctx, t0.Add(time.Hour))) // expiring at now counts as expired
	_, err = e.s.GetSession(ctx, []byte("h1"))
	mustErr(t, "expired session", err, ErrNotFound)
	_, err = e.s.GetSession(ctx, []byte("h2"))
	ok(t, err)

	ok(t, e.s.DeleteSession(ctx, []byte("h2")))
	mustErr(t, "delete missing session", e.s.DeleteSession(ctx, []byte("h2")), ErrNotFound)
}

func testDeleteUserCascades(t *testing.T, e *env) {
	for _, name := range []string{"alice", "bob"} {
		ok(t, e.s.CreateUser(ctx, User{Name: name, Role: RoleOperator}))
		ok(t, e.s.CreateToken(ctx, Token{ID: name + "-t", User: name, Hash: []byte(name + "-t")}))
		ok(t, e.s.CreateSession(ctx, Session{Hash: []byte(name + "-s"), User: name, ExpiresAt: t0.Add(time.Hour)}))
	}
	ok(t, e.s.DeleteUser(ctx, "alice"))
	_, err := e.s.GetTokenByHash(ctx, []byte("alice-t"))
	mustErr(t, "token of deleted user", err, ErrNotFound)
	_, err = e.s.GetSession(ctx, []byte("alice-s"))
	mustErr(t, "session of deleted user", err, ErrNotFound)
	if ts, _ := e.s.ListTokens(ctx, "alice"); len(ts) != 0 {
		t.Fatalf("tokens left: %v", ts)
	}
	// bob keeps his.
	_, err = e.s.GetTokenByHash(ctx, []byte("bob-t"))
	ok(t, err)
	_, err = e.s.GetSession(ctx, []byte("bob-s"))
	ok(t, err)
	// A user created again with the same name starts with nothing.
	ok(t, e.s.CreateUser(ctx, User{Name: "alice", Role: RoleViewer}))
	if ts, _ := e.s.ListTokens(ctx, "alice"); len(ts) != 0 {
		t.Fatalf("tokens came back: %v", ts)
	}
}
