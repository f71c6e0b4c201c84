package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Users, tokens and sessions. Times are stored as Unix milliseconds (0: zero time) and read
// back in UTC; a zero CreatedAt is set to Now().

const (
	userCols    = `name, role, password_hash, created_at, subject`
	tokenCols   = `id, user_name, name, hash, created_at, expires_at`
	sessionCols = `hash, user_name, csrf, created_at, expires_at`
)

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(dest ...any) error }

func scanUser(r scanner) (u User, err error) {
	var created int64
	err = r.Scan(&u.Name, &u.Role, &u.PasswordHash, &created, &u.Subject)
	u.CreatedAt = fromMS(created)
	return u, err
}

func scanToken(r scanner) (t Token, err error) {
	var created, expires int64
	err = r.Scan(&t.ID, &t.User, &t.Name, &t.Hash, &created, &expires)
	t.CreatedAt, t.ExpiresAt = fromMS(created), fromMS(expires)
	return t, err
}

func scanSession(r scanner) (x Session, err error) {
	var created, expires int64
	err = r.Scan(&x.Hash, &x.User, &x.CSRF, &created, &expires)
	x.CreatedAt, x.ExpiresAt = fromMS(created), fromMS(expires)
	return x, err
}

// exec runs a write; a constraint violation becomes ErrExists, a missing user ErrNotFound,
// and with mustChange no row changed ErrNotFound. what names the thing in the error.
func (s *sqlStore) exec(ctx context.Context, what string, mustChange bool, query string, args ...any) error {
	res, err := s.w.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		switch s.d.classify(err) {
		case ErrExists:
			return fmt.Errorf("store: %s: %w", what, ErrExists)
		case errNoRef:
			return fmt.Errorf("store: %s: user: %w", what, ErrNotFound)
		}
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if mustChange {
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		if n == 0 {
			return fmt.Errorf("store: %s: %w", what, ErrNotFound)
		}
	}
	return nil
}

// get reads one row with scan; no row is ErrNotFound.
func get[T any](ctx context.Context, s *sqlStore, what string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(s.r.QueryRowContext(ctx, s.q(query), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("store: %s: %w", what, err)
	}
	return v, nil
}

// list reads every row with scan; none is an empty slice.
func list[T any](ctx context.Context, s *sqlStore, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

func (s *sqlStore) created(t time.Time) int64 {
	if t.IsZero() {
		t = s.now()
	}
	return t.UnixMilli()
}

// nonNil keeps a nil slice from becoming NULL in a NOT NULL column.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// CreateUser adds u; ErrExists if the name is taken.
func (s *sqlStore) CreateUser(ctx context.Context, u User) error {
	if u.Name == "" {
		return errors.New("store: create user: empty name")
	}
	return s.exec(ctx, "create user "+u.Name, false, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?)`,
		u.Name, string(u.Role), nonNil(u.PasswordHash), s.created(u.CreatedAt), u.Subject)
}

// GetUser returns the user; ErrNotFound if there is none.
func (s *sqlStore) GetUser(ctx context.Context, name string) (User, error) {
	return get(ctx, s, "user "+name, scanUser, `SELECT `+userCols+` FROM users WHERE name = ?`, name)
}

// ListUsers returns every user by name.
func (s *sqlStore) ListUsers(ctx context.Context) ([]User, error) {
	return list(ctx, s, "list users", scanUser, `SELECT `+userCols+` FROM users ORDER BY name`)
}

// UpdateUser sets the role, password hash and subject of u.Name; ErrNotFound if there is no
// such user.
func (s *sqlStore) UpdateUser(ctx context.Context, u User) error {
	return s.exec(ctx, "update user "+u.Name, true, `UPDATE users SET role = ?, password_hash = ?, subject = ? WHERE name = ?`,
		string(u.Role), nonNil(u.PasswordHash), u.Subject, u.Name)
}

// DeleteUser deletes a user with their tokens and sessions (ON DELETE CASCADE) and their
// team memberships (a later user of the same name starts in no team); ErrNotFound if there
// is no such user.
func (s *sqlStore) DeleteUser(ctx context.Context, name string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM users WHERE name = ?`), name)
		if err != nil {
			return fmt.Errorf("store: delete user %s: %w", name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("store: delete user %s: %w", name, errors.Join(ErrNotFound, err))
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM team_members WHERE user_name = ?`), name); err != nil {
			return fmt.Errorf("store: delete user %s: teams: %w", name, err)
		}
		return nil
	})
}

// CreateToken adds t; ErrExists if its ID or hash is taken, ErrNotFound if its user is missing.
func (s *sqlStore) CreateToken(ctx context.Context, t Token) error {
	if t.ID == "" || len(t.Hash) == 0 {
		return errors.New("store: create token: empty id or hash")
	}
	return s.exec(ctx, "create token "+t.ID, false, `INSERT INTO tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.User, t.Name, t.Hash, s.created(t.CreatedAt), ms(t.ExpiresAt))
}

// GetTokenByHash returns the token with this hash, expired or not; ErrNotFound if none.
func (s *sqlStore) GetTokenByHash(ctx context.Context, hash []byte) (Token, error) {
	return get(ctx, s, "token", scanToken, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, nonNil(hash))
}

// ListTokens returns the user's tokens, oldest first.
func (s *sqlStore) ListTokens(ctx context.Context, user string) ([]Token, error) {
	return list(ctx, s, "list tokens of "+user, scanToken,
		`SELECT `+tokenCols+` FROM tokens WHERE user_name = ? ORDER BY created_at, id`, user)
}

// DeleteToken deletes a token; ErrNotFound if there is none with this ID.
func (s *sqlStore) DeleteToken(ctx context.Context, id string) error {
	return s.exec(ctx, "delete token "+id, true, `DELETE FROM tokens WHERE id = ?`, id)
}

// CreateSession adds x; ErrExists if its hash is taken, ErrNotFound if its user is missing.
func (s *sqlStore) CreateSession(ctx context.Context, x Session) error {
	if len(x.Hash) == 0 || x.ExpiresAt.IsZero() {
		return errors.New("store: create session: empty hash or no expiry")
	}
	return s.exec(ctx, "create session", false, `INSERT INTO sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?)`,
		x.Hash, x.User, x.CSRF, s.created(x.CreatedAt), ms(x.ExpiresAt))
}

// GetSession returns the session with this hash, expired or not; ErrNotFound if none.
func (s *sqlStore) GetSession(ctx context.Context, hash []byte) (Session, error) {
	return get(ctx, s, "session", scanSession, `SELECT `+sessionCols+` FROM sessions WHERE hash = ?`, nonNil(hash))
}

// DeleteSession deletes a session; ErrNotFound if there is none with this hash.
func (s *sqlStore) DeleteSession(ctx context.Context, hash []byte) error {
	return s.exec(ctx, "delete session", true, `DELETE FROM sessions WHERE hash = ?`, nonNil(hash))
}

// DeleteExpiredSessions deletes the sessions whose ExpiresAt is at or before now.
func (s *sqlStore) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return s.exec(ctx, "delete expired sessions", false, `DELETE FROM sessions WHERE expires_at <= ?`, now.UnixMilli())
}
