package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testkit.StopPostgres()
	os.Exit(code)
}

func TestSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "gregor.db") })
}

func TestPostgres(t *testing.T) {
	runSuite(t, func(t *testing.T) string { return testkit.Postgres(t) })
}

// A bare path ending in .db is SQLite; its folder is created.
func TestOpenBarePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "g.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if ss := s.(*sqlStore); ss.ret != (Retention{DefaultRaw, DefaultFiveMin, DefaultHour}) || ss.now == nil {
		t.Fatalf("defaults not applied: %+v", ss.ret)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"", "mysql://u:pw@h/db", "gregor.sqlite", "sqlite://"} {
		if s, err := Open(ctx, dsn, Options{}); err == nil {
			s.Close()
			t.Errorf("Open(%q): no error", dsn)
		}
	}
	// Neither a refused connection nor a bad DSN may show the password.
	for _, dsn := range []string{
		"postgres://gregor:s3cr3tPW@127.0.0.1:1/gregor?connect_timeout=2",
		"postgresql://gregor@127.0.0.1:1/gregor?password=s3cr3tPW&connect_timeout=2",
		"postgres://gregor:s3cr3tPW@127.0.0.1:notaport/gregor",
		"postgres://gregor:s3cr3tPW@127.0.0.1/gregor?sslmode=bogus",
	} {
		_, err := Open(ctx, dsn, Options{})
		if err == nil {
			t.Fatalf("Open(%q): no error", dsn)
		}
		if strings.Contains(err.Error(), "s3cr3tPW") || !strings.Contains(err.Error(), "postgres") {
			t.Errorf("Open(%q): %v", dsn, err)
		}
	}
}

func TestRedactKeepsCause(t *testing.T) {
	err := redact(errors.Join(ErrNotFound, errors.New("pw=hunter2")), "postgres://u:hunter2@h/db")
	if !errors.Is(err, ErrNotFound) || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("%v", err)
	}
}

func TestPlaceholders(t *testing.T) {
	s := &sqlStore{d: postgresDialect}
	if got := s.q(`INSERT INTO t VALUES ` + placeholders(2, 2)); got != `INSERT INTO t VALUES ($1,$2),($3,$4)` {
		t.Fatal(got)
	}
	s.d = sqliteDialect
	if got := s.q(`a = ? AND b = ?`); got != `a = ? AND b = ?` {
		t.Fatal(got)
	}
}
