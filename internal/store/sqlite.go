package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var sqliteDialect = dialect{
	name: "sqlite",
	classify: func(err error) error {
		var e *sqlite.Error
		if errors.As(err, &e) {
			switch e.Code() {
			case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
				return ErrExists
			case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
				return errNoRef
			}
		}
		return nil
	},
}

// openSQLite opens the database file at path (created with its folder if missing) in WAL
// mode: one writing connection whose transactions start with BEGIN IMMEDIATE (so writers
// queue on busy_timeout instead of failing to upgrade a read lock), and a read-only pool
// that WAL lets read while the writer writes.
func openSQLite(ctx context.Context, path string) (*sqlStore, error) {
	if path == "" || path == "/" {
		return nil, errors.New("store: sqlite dsn has no file path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite path %q: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("store: sqlite folder: %w", err)
	}
	dsn := func(params url.Values) string {
		params.Set("_busy_timeout", "10000")
		params.Set("_foreign_keys", "1")
		return (&url.URL{Scheme: "file", Path: abs, RawQuery: params.Encode()}).String()
	}
	// The writer gets 32 MiB of page cache: a batch touches about one page per series.
	w, err := sql.Open("sqlite", dsn(url.Values{
		"_journal_mode": {"WAL"}, "_synchronous": {"NORMAL"}, "_txlock": {"immediate"}, "_pragma": {"cache_size(-32768)"},
	}))
	if err != nil {
		return nil, fmt.Errorf("store: sqlite %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	// The writer's first connection switches the file to WAL before readers open it.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", abs, err)
	}
	r, err := sql.Open("sqlite", dsn(url.Values{"_query_only": {"1"}}))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", abs, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	return newSQLStore(sqliteDialect, w, r), nil
}
