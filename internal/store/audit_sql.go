package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// The audit log (table audit_log): times Unix milliseconds, dry_run 0 or 1.

const auditCols = `id, logged_at, user_name, role, cluster, action, target, dry_run, request, result, error_msg`

func scanAudit(r scanner) (e AuditEntry, err error) {
	var at, dry int64
	err = r.Scan(&e.ID, &at, &e.User, &e.Role, &e.Cluster, &e.Action, &e.Target, &dry, &e.Request, &e.Result, &e.Error)
	e.Time, e.DryRun = fromMS(at), dry != 0
	return e, err
}

// AppendAudit adds e to the log; its ID is assigned by the store (e.ID is ignored) and a zero
// Time is now.
func (s *sqlStore) AppendAudit(ctx context.Context, e AuditEntry) error {
	if e.Action == "" {
		return errors.New("store: append audit: empty action")
	}
	dry := 0
	if e.DryRun {
		dry = 1
	}
	return s.exec(ctx, "append audit "+e.Action, false, `INSERT INTO audit_log (logged_at, user_name, role, cluster,
		action, target, dry_run, request, result, error_msg) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.created(e.Time), e.User, string(e.Role), e.Cluster, e.Action, e.Target, dry, e.Request, e.Result, e.Error)
}

// ListAudit returns the entries f selects, newest first, cut to f.Offset and f.Limit (0: no
// limit), and how many f selects in all. From is inclusive, To exclusive; Action matches as a
// case-sensitive prefix.
func (s *sqlStore) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	var where []string
	var args []any
	if f.User != "" {
		where, args = append(where, `user_name = ?`), append(args, f.User)
	}
	if f.Cluster != "" {
		where, args = append(where, `cluster = ?`), append(args, f.Cluster)
	}
	if f.Action != "" {
		// substr counts characters in both dialects; LIKE would be case-insensitive in SQLite
		// and need its wildcards escaped.
		where, args = append(where, `substr(action, 1, ?) = ?`), append(args, utf8.RuneCountInString(f.Action), f.Action)
	}
	if !f.From.IsZero() {
		where, args = append(where, `logged_at >= ?`), append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		where, args = append(where, `logged_at < ?`), append(args, f.To.UnixMilli())
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM audit_log`+cond), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list audit: %w", err)
	}
	limit, offset := int64(f.Limit), int64(max(f.Offset, 0))
	if limit <= 0 {
		limit = math.MaxInt64
	}
	if offset >= int64(total) {
		return []AuditEntry{}, total, nil
	}
	out, err := list(ctx, s, "list audit", scanAudit, `SELECT `+auditCols+` FROM audit_log`+cond+
		` ORDER BY logged_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	return out, total, err
}

// PruneAudit deletes the entries logged before t.
func (s *sqlStore) PruneAudit(ctx context.Context, before time.Time) error {
	if _, err := s.w.ExecContext(ctx, s.q(`DELETE FROM audit_log WHERE logged_at < ?`), before.UnixMilli()); err != nil {
		return fmt.Errorf("store: prune audit: %w", err)
	}
	return nil
}
