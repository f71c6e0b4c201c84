package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Default retention of each resolution.
const (
	DefaultRaw     = 48 * time.Hour
	DefaultFiveMin = 30 * 24 * time.Hour
	DefaultHour    = 365 * 24 * time.Hour
)

// Open opens (creating it if needed) the store named by dsn and applies pending schema
// migrations:
//
//	sqlite:///abs/path/gregor.db or path/gregor.db   SQLite file (pure Go driver)
//	postgres://... or postgresql://...               PostgreSQL (pgx)
//
// Zero Options fields take the defaults (DefaultRaw, DefaultFiveMin, DefaultHour, time.Now).
func Open(ctx context.Context, dsn string, o Options) (Store, error) {
	if o.Retention.Raw <= 0 {
		o.Retention.Raw = DefaultRaw
	}
	if o.Retention.FiveMin <= 0 {
		o.Retention.FiveMin = DefaultFiveMin
	}
	if o.Retention.Hour <= 0 {
		o.Retention.Hour = DefaultHour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var (
		s   *sqlStore
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err = openPostgres(ctx, dsn)
		if err != nil {
			return nil, redact(fmt.Errorf("store: open postgres: %w", err), dsn)
		}
	case strings.HasPrefix(dsn, "sqlite://"):
		s, err = openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite://"))
	case !strings.Contains(dsn, "://") && strings.HasSuffix(dsn, ".db"):
		s, err = openSQLite(ctx, dsn)
	default:
		return nil, errors.New("store: unsupported dsn: want sqlite:///path/gregor.db, path/gregor.db or postgres://")
	}
	if err != nil {
		return nil, err
	}
	s.ret, s.now = o.Retention, o.Now
	if err := migrate(ctx, s); err != nil {
		s.Close()
		return nil, redact(fmt.Errorf("store: %s: %w", s.d.name, err), dsn)
	}
	return s, nil
}

// redactedError carries a message with the DSN's secrets masked; Unwrap keeps errors.Is working.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

var passwordParam = regexp.MustCompile(`(?i)(?:^|[?&\s])(?:ssl)?password=([^&\s]+)`)

// redact masks the password of dsn (userinfo or password= parameter) wherever it appears in err.
func redact(err error, dsn string) error {
	var secrets []string
	if u, perr := url.Parse(dsn); perr == nil {
		if p, ok := u.User.Password(); ok {
			secrets = append(secrets, p, url.QueryEscape(p), url.PathEscape(p))
		}
	} else if at := strings.LastIndex(dsn, "@"); at > 0 {
		if i := strings.Index(dsn, "://"); i >= 0 && i+3 < at {
			if _, p, ok := strings.Cut(dsn[i+3:at], ":"); ok {
				secrets = append(secrets, p)
			}
		}
	}
	for _, m := range passwordParam.FindAllStringSubmatch(dsn, -1) {
		p, _ := url.QueryUnescape(m[1])
		secrets = append(secrets, m[1], p)
	}
	msg := err.Error()
	for _, p := range secrets {
		if p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return &redactedError{msg: msg, err: err}
}
