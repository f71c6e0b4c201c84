package store

import (
	"context"
	"time"
)

// AuditEntry is one operation a user ran (or previewed): who, when, where, what, the request
// (secrets removed) and the result or the error.
type AuditEntry struct {
	ID      int64     `json:"id"`
	Time    time.Time `json:"time"`
	User    string    `json:"user"`
	Role    Role      `json:"role"`
	Cluster string    `json:"cluster,omitempty"`
	Action  string    `json:"action"` // e.g. topic.create, group.reset_offsets, acl.delete
	Target  string    `json:"target,omitempty"`
	DryRun  bool      `json:"dry_run,omitempty"`
	Request string    `json:"request,omitempty"` // JSON, secrets removed
	Result  string    `json:"result,omitempty"`  // JSON summary
	Error   string    `json:"error,omitempty"`
}

// AuditFilter selects audit entries (zero fields select all), newest first.
type AuditFilter struct {
	User, Cluster, Action string // Action matches as a prefix ("topic." for every topic action)
	From, To              time.Time
	Limit, Offset         int
}

// Audit keeps the audit log.
type Audit interface {
	AppendAudit(ctx context.Context, e AuditEntry) error
	ListAudit(ctx context.Context, f AuditFilter) (entries []AuditEntry, total int, err error)
	PruneAudit(ctx context.Context, before time.Time) error
}
