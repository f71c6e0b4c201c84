package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// dialect is what differs between SQLite and PostgreSQL; everything else (database/sql, the
// SQL text written with ? placeholders, the logic) is shared by sqlStore.
type dialect struct {
	name   string // "sqlite" or "postgres": also the folder of its migrations
	dollar bool   // placeholders are $1, $2, ... instead of ?
	// lock is a statement taking a transaction-scoped lock on its one argument, to keep
	// several processes from migrating or maintaining at once; "" when BEGIN already
	// serializes writers (SQLite: BEGIN IMMEDIATE).
	lock string
	// classify maps a constraint violation to ErrExists (unique) or errNoRef (foreign key).
	classify func(error) error
}

// errNoRef is a foreign key violation: the referenced row (a user) does not exist.
var errNoRef = errors.New("referenced row missing")

// Keys of the advisory locks (PostgreSQL).
const (
	lockMigrate  = 0x67726567_6f720001
	lockMaintain = 0x67726567_6f720002
)

// sqlStore implements Store on database/sql for both dialects.
type sqlStore struct {
	d   dialect
	w   *sql.DB // writes (SQLite: one connection)
	r   *sql.DB // reads (SQLite: a read-only pool; PostgreSQL: w)
	ret Retention
	now func() time.Time

	mu  sync.Mutex
	ids map[seriesKey]int64 // series ids, filled as series are created or looked up
}

func newSQLStore(d dialect, w, r *sql.DB) *sqlStore {
	return &sqlStore{d: d, w: w, r: r, ids: make(map[seriesKey]int64)}
}

// Close closes the connection pools.
func (s *sqlStore) Close() error {
	var err error
	if s.r != s.w {
		err = s.r.Close()
	}
	return errors.Join(err, s.w.Close())
}

// q rewrites the ? placeholders of query for the dialect. The SQL of this package has no
// ? inside literals.
func (s *sqlStore) q(query string) string {
	if !s.d.dollar {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + len(query)/4)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] != '?' {
			b.WriteByte(query[i])
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// tx runs fn in a write transaction, committed when fn returns nil.
func (s *sqlStore) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lock takes the dialect's transaction-scoped lock on key, if it has one.
func (s *sqlStore) lock(ctx context.Context, tx *sql.Tx, key int64) error {
	if s.d.lock == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.q(s.d.lock), key); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	return nil
}

// placeholders returns "(?,?),(?,?),..." for rows tuples of cols values.
func placeholders(rows, cols int) string {
	tuple := "(" + strings.Repeat("?,", cols-1) + "?)"
	return strings.Repeat(tuple+",", rows-1) + tuple
}

// ms is t in Unix milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS is the inverse of ms, in UTC.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
