package store

import (
	"context"
	"time"
)

// AlertRecord is the persisted state of one alert (package alert owns its meaning).
type AlertRecord struct {
	Fingerprint string
	Cluster     string
	State       string // pending, firing, resolved
	Severity    string
	Labels      map[string]string
	Title       string
	Evidence    []string
	Fix         string
	ActiveAt    time.Time // first seen in this episode
	StartsAt    time.Time // fired; zero while pending
	EndsAt      time.Time // resolved; zero until then
	LastSeen    time.Time
	SilencedBy  string // silence id, "" when not silenced
}

// Matcher is one condition of a silence on an alert label.
type Matcher struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	IsRegex bool   `json:"is_regex"`
	IsEqual bool   `json:"is_equal"`
}

// Silence mutes the alerts whose labels match all its matchers between StartsAt and EndsAt.
type Silence struct {
	ID        string
	Matchers  []Matcher
	StartsAt  time.Time
	EndsAt    time.Time
	CreatedBy string
	Comment   string
	CreatedAt time.Time
	ExpiredBy string // who ended it early, "" if nobody
}

// AlertRule is a user alert rule created through the API (config rules are not stored).
type AlertRule struct {
	Name      string
	Entity    string
	Metric    string
	Op        string
	Threshold float64
	For       time.Duration // stored in milliseconds
	Severity  string
	Labels    map[string]string
	Summary   string
	CreatedAt time.Time
}

// Notification is one entry of the notification log: one alert sent (or not) to a receiver.
type Notification struct {
	ID          int64 // assigned by the store
	Receiver    string
	Fingerprint string
	Cluster     string
	Status      string // firing or resolved
	SentAt      time.Time
	Error       string // "" when delivered
}

// Alerts keeps alert state, silences, API alert rules and the notification log.
type Alerts interface {
	// SaveAlerts inserts or replaces alerts by fingerprint (one transaction).
	SaveAlerts(ctx context.Context, a []AlertRecord) error
	DeleteAlerts(ctx context.Context, fingerprints []string) error
	ListAlerts(ctx context.Context) ([]AlertRecord, error)

	CreateSilence(ctx context.Context, s Silence) error // ErrExists
	UpdateSilence(ctx context.Context, s Silence) error // ErrNotFound
	ListSilences(ctx context.Context) ([]Silence, error)

	CreateAlertRule(ctx context.Context, r AlertRule) error // ErrExists
	DeleteAlertRule(ctx context.Context, name string) error // ErrNotFound
	ListAlertRules(ctx context.Context) ([]AlertRule, error)

	AppendNotifications(ctx context.Context, n []Notification) error
	// ListNotifications returns the newest entries first, at most limit (<= 0: all).
	ListNotifications(ctx context.Context, limit int) ([]Notification, error)
	// LastDeliveries returns, per receiver, fingerprint and status, the latest delivered
	// entry (Error ""); ID and Cluster are left empty.
	LastDeliveries(ctx context.Context) ([]Notification, error)

	// PruneAlerts deletes alerts in state "resolved" and silences that ended before t, and
	// log entries older than t but the latest delivery per receiver, fingerprint and status
	// of the alerts still kept.
	PruneAlerts(ctx context.Context, before time.Time) error
}
