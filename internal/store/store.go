// Package store keeps Gregor's state: metric history (raw samples and 5 min / 1 h rollups),
// users, API tokens and sessions, alerts (state, silences, rules, notification log) and the
// audit log of operations. Two implementations pass one test suite: SQLite (pure Go, the
// embedded default) and PostgreSQL (pgx, for several Gregor instances).
package store

import (
	"context"
	"errors"
	"time"
)

// Errors callers can test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// Sample is one value of one series at one time. Entity names the thing measured, as
// "<kind>:<path>": "cluster:prod", "broker:prod/1", "topic:prod/orders", "group:prod/billing",
// "gp:prod/billing/orders/3" (group-partition). Metric is a short name such as
// "bytes_in_per_sec".
type Sample struct {
	Entity string
	Metric string
	Time   time.Time
	Value  float64
}

// Point is one step of a queried series: the average and the maximum of the samples in
// [Time, Time+step).
type Point struct {
	Time time.Time `json:"t"`
	Avg  float64   `json:"avg"`
	Max  float64   `json:"max"`
}

// Retention says how long each resolution is kept.
type Retention struct {
	Raw     time.Duration // default 48h
	FiveMin time.Duration // default 30 days
	Hour    time.Duration // default 365 days
}

// Series is the metric history.
type Series interface {
	// AppendSamples writes a batch (one transaction).
	AppendSamples(ctx context.Context, s []Sample) error
	// QuerySeries returns the points of one series in [from, to), one per step, using the
	// finest resolution still kept for from; steps without data are left out.
	QuerySeries(ctx context.Context, entity, metric string, from, to time.Time, step time.Duration) ([]Point, error)
	// Maintain rolls raw samples up into 5 min and 1 h buckets and deletes what is past
	// retention. Idempotent; call it periodically.
	Maintain(ctx context.Context) error
}

// Role of a user.
type Role string

const (
	RoleViewer   Role = "viewer"
	RoleOperator Role = "operator"
	RoleAdmin    Role = "admin"
)

// User is a local user.
type User struct {
	Name         string
	Role         Role
	PasswordHash []byte // bcrypt; none for users of an OpenID Connect provider
	CreatedAt    time.Time
	Subject      string // "<issuer> <subject>" of a provider's user; "" for local users
}

// Token is an API token; only its SHA-256 hash is stored.
type Token struct {
	ID        string
	User      string
	Name      string
	Hash      []byte
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
}

// Session is a login session; only the hash of its cookie value is stored.
type Session struct {
	Hash      []byte
	User      string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Users keeps users, tokens and sessions.
type Users interface {
	CreateUser(ctx context.Context, u User) error // ErrExists
	GetUser(ctx context.Context, name string) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	UpdateUser(ctx context.Context, u User) error // ErrNotFound
	DeleteUser(ctx context.Context, name string) error

	CreateToken(ctx context.Context, t Token) error
	GetTokenByHash(ctx context.Context, hash []byte) (Token, error)
	ListTokens(ctx context.Context, user string) ([]Token, error)
	DeleteToken(ctx context.Context, id string) error

	CreateSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, hash []byte) (Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) error
}

// Store is everything kept.
type Store interface {
	Series
	Users
	Alerts
	Audit
	SelfService
	Close() error
}

// Options for Open.
type Options struct {
	Retention Retention
	Now       func() time.Time // injected clock; default time.Now
}
