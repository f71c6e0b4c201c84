package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

var postgresDialect = dialect{
	name:   "postgres",
	dollar: true,
	lock:   "SELECT pg_advisory_xact_lock(?)",
	classify: func(err error) error {
		var e *pgconn.PgError
		if errors.As(err, &e) {
			switch e.Code {
			case "23505": // unique_violation
				return ErrExists
			case "23503": // foreign_key_violation
				return errNoRef
			}
		}
		return nil
	},
}

// openPostgres opens a pool on dsn through pgx's database/sql driver (stdlib), so that the
// SQL and the code around it are shared with SQLite. Callers redact the error.
func openPostgres(ctx context.Context, dsn string) (*sqlStore, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(5)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return newSQLStore(postgresDialect, db, db), nil
}
