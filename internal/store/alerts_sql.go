package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Alerts, silences, alert rules and the notification log. Labels, evidence and matchers are
// JSON text; times Unix milliseconds (0: zero time).

const (
	alertCols = `fingerprint, cluster, state, severity, labels, title, evidence, fix,
		active_at, starts_at, ends_at, last_seen, silenced_by`
	silenceCols = `id, matchers, starts_at, ends_at, created_by, comment, created_at, expired_by`
	ruleCols    = `name, entity, metric, op, threshold, for_ms, severity, labels, summary, created_at`
	notifCols   = `receiver, fingerprint, cluster, status, sent_at, error_msg`
)

// alertsPerInsert keeps 13 parameters a row well under the parameter limits.
const alertsPerInsert = 200

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil { // maps of strings and slices of strings and matchers always encode
		panic(err)
	}
	return string(b)
}

func fromJSON[T any](s string) (T, error) {
	var v T
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}

func scanAlert(r scanner) (a AlertRecord, err error) {
	var labels, evidence string
	var active, starts, ends, seen int64
	if err = r.Scan(&a.Fingerprint, &a.Cluster, &a.State, &a.Severity, &labels, &a.Title, &evidence, &a.Fix,
		&active, &starts, &ends, &seen, &a.SilencedBy); err != nil {
		return a, err
	}
	a.ActiveAt, a.StartsAt, a.EndsAt, a.LastSeen = fromMS(active), fromMS(starts), fromMS(ends), fromMS(seen)
	if a.Labels, err = fromJSON[map[string]string](labels); err != nil {
		return a, err
	}
	a.Evidence, err = fromJSON[[]string](evidence)
	return a, err
}

func scanSilence(r scanner) (s Silence, err error) {
	var matchers string
	var starts, ends, created int64
	if err = r.Scan(&s.ID, &matchers, &starts, &ends, &s.CreatedBy, &s.Comment, &created, &s.ExpiredBy); err != nil {
		return s, err
	}
	s.StartsAt, s.EndsAt, s.CreatedAt = fromMS(starts), fromMS(ends), fromMS(created)
	s.Matchers, err = fromJSON[[]Matcher](matchers)
	return s, err
}

func scanRule(r scanner) (x AlertRule, err error) {
	var labels string
	var forMS, created int64
	if err = r.Scan(&x.Name, &x.Entity, &x.Metric, &x.Op, &x.Threshold, &forMS, &x.Severity, &labels, &x.Summary, &created); err != nil {
		return x, err
	}
	x.For, x.CreatedAt = time.Duration(forMS)*time.Millisecond, fromMS(created)
	x.Labels, err = fromJSON[map[string]string](labels)
	return x, err
}

func scanNotification(r scanner) (n Notification, err error) {
	var sent int64
	err = r.Scan(&n.ID, &n.Receiver, &n.Fingerprint, &n.Cluster, &n.Status, &sent, &n.Error)
	n.SentAt = fromMS(sent)
	return n, err
}

// SaveAlerts upserts the alerts; of several with one fingerprint the last wins.
func (s *sqlStore) SaveAlerts(ctx context.Context, alerts []AlertRecord) error {
	if len(alerts) == 0 {
		return nil
	}
	rows := slices.Clone(alerts)
	// A fixed order keeps concurrent writers (PostgreSQL) from deadlocking on each other.
	slices.SortStableFunc(rows, func(a, b AlertRecord) int { return strings.Compare(a.Fingerprint, b.Fingerprint) })
	out := rows[:0]
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].Fingerprint == r.Fingerprint {
			out[n-1] = r
			continue
		}
		out = append(out, r)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for chunk := range slices.Chunk(out, alertsPerInsert) {
			args := make([]any, 0, 13*len(chunk))
			for _, a := range chunk {
				if a.Fingerprint == "" {
					return errors.New("empty fingerprint")
				}
				args = append(args, a.Fingerprint, a.Cluster, a.State, a.Severity, toJSON(nonNilMap(a.Labels)), a.Title,
					toJSON(nonNilSlice(a.Evidence)), a.Fix, ms(a.ActiveAt), ms(a.StartsAt), ms(a.EndsAt), ms(a.LastSeen), a.SilencedBy)
			}
			_, err := tx.ExecContext(ctx, s.q(`INSERT INTO alerts (`+alertCols+`) VALUES `+placeholders(len(chunk), 13)+`
				ON CONFLICT (fingerprint) DO UPDATE SET cluster = excluded.cluster, state = excluded.state,
				severity = excluded.severity, labels = excluded.labels, title = excluded.title,
				evidence = excluded.evidence, fix = excluded.fix, active_at = excluded.active_at,
				starts_at = excluded.starts_at, ends_at = excluded.ends_at, last_seen = excluded.last_seen,
				silenced_by = excluded.silenced_by`), args...)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save alerts: %w", err)
	}
	return nil
}

// DeleteAlerts deletes the alerts with these fingerprints; missing ones are ignored.
func (s *sqlStore) DeleteAlerts(ctx context.Context, fingerprints []string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for chunk := range slices.Chunk(fingerprints, alertsPerInsert) {
			args := make([]any, len(chunk))
			for i, f := range chunk {
				args[i] = f
			}
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM alerts WHERE fingerprint IN `+placeholders(1, len(chunk))), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete alerts: %w", err)
	}
	return nil
}

// ListAlerts returns every alert kept, by fingerprint.
func (s *sqlStore) ListAlerts(ctx context.Context) ([]AlertRecord, error) {
	return list(ctx, s, "list alerts", scanAlert, `SELECT `+alertCols+` FROM alerts ORDER BY fingerprint`)
}

// CreateSilence adds x; ErrExists if its ID is taken.
func (s *sqlStore) CreateSilence(ctx context.Context, x Silence) error {
	if x.ID == "" {
		return errors.New("store: create silence: empty id")
	}
	return s.exec(ctx, "create silence "+x.ID, false, `INSERT INTO silences (`+silenceCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, toJSON(nonNilSlice(x.Matchers)), ms(x.StartsAt), ms(x.EndsAt), x.CreatedBy, x.Comment, s.created(x.CreatedAt), x.ExpiredBy)
}

// UpdateSilence replaces everything but the ID and CreatedAt; ErrNotFound if there is none.
func (s *sqlStore) UpdateSilence(ctx context.Context, x Silence) error {
	return s.exec(ctx, "update silence "+x.ID, true, `UPDATE silences SET matchers = ?, starts_at = ?, ends_at = ?,
		created_by = ?, comment = ?, expired_by = ? WHERE id = ?`,
		toJSON(nonNilSlice(x.Matchers)), ms(x.StartsAt), ms(x.EndsAt), x.CreatedBy, x.Comment, x.ExpiredBy, x.ID)
}

// ListSilences returns every silence kept, oldest first.
func (s *sqlStore) ListSilences(ctx context.Context) ([]Silence, error) {
	return list(ctx, s, "list silences", scanSilence, `SELECT `+silenceCols+` FROM silences ORDER BY created_at, id`)
}

// CreateAlertRule adds r; ErrExists if its name is taken.
func (s *sqlStore) CreateAlertRule(ctx context.Context, r AlertRule) error {
	if r.Name == "" {
		return errors.New("store: create alert rule: empty name")
	}
	return s.exec(ctx, "create alert rule "+r.Name, false, `INSERT INTO alert_rules (`+ruleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Name, r.Entity, r.Metric, r.Op, r.Threshold, r.For.Milliseconds(), r.Severity, toJSON(nonNilMap(r.Labels)), r.Summary, s.created(r.CreatedAt))
}

// DeleteAlertRule deletes a rule; ErrNotFound if there is none with this name.
func (s *sqlStore) DeleteAlertRule(ctx context.Context, name string) error {
	return s.exec(ctx, "delete alert rule "+name, true, `DELETE FROM alert_rules WHERE name = ?`, name)
}

// ListAlertRules returns every API rule by name.
func (s *sqlStore) ListAlertRules(ctx context.Context) ([]AlertRule, error) {
	return list(ctx, s, "list alert rules", scanRule, `SELECT `+ruleCols+` FROM alert_rules ORDER BY name`)
}

// AppendNotifications adds entries to the log (one transaction).
func (s *sqlStore) AppendNotifications(ctx context.Context, ns []Notification) error {
	if len(ns) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for chunk := range slices.Chunk(ns, alertsPerInsert) {
			args := make([]any, 0, 6*len(chunk))
			for _, n := range chunk {
				args = append(args, n.Receiver, n.Fingerprint, n.Cluster, n.Status, ms(n.SentAt), n.Error)
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO alert_notifications (`+notifCols+`) VALUES `+
				placeholders(len(chunk), 6)), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: append notifications: %w", err)
	}
	return nil
}

// ListNotifications returns the newest entries first.
func (s *sqlStore) ListNotifications(ctx context.Context, limit int) ([]Notification, error) {
	q := `SELECT id, ` + notifCols + ` FROM alert_notifications ORDER BY sent_at DESC, id DESC`
	if limit > 0 {
		return list(ctx, s, "list notifications", scanNotification, q+` LIMIT ?`, limit)
	}
	return list(ctx, s, "list notifications", scanNotification, q)
}

// LastDeliveries returns the latest delivered entry per receiver, fingerprint and status.
func (s *sqlStore) LastDeliveries(ctx context.Context) ([]Notification, error) {
	out, err := list(ctx, s, "last deliveries", func(r scanner) (n Notification, err error) {
		var sent int64
		err = r.Scan(&n.Receiver, &n.Fingerprint, &n.Status, &sent)
		n.SentAt = fromMS(sent)
		return n, err
	}, `SELECT receiver, fingerprint, status, MAX(sent_at) FROM alert_notifications
		WHERE error_msg = '' GROUP BY receiver, fingerprint, status`)
	slices.SortFunc(out, func(a, b Notification) int {
		return cmp.Or(strings.Compare(a.Fingerprint, b.Fingerprint), strings.Compare(a.Receiver, b.Receiver),
			strings.Compare(a.Status, b.Status))
	})
	return out, err
}

// PruneAlerts deletes what ended before t (see Alerts).
func (s *sqlStore) PruneAlerts(ctx context.Context, before time.Time) error {
	t := before.UnixMilli()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM alerts WHERE state = 'resolved' AND ends_at < ?`,
			`DELETE FROM silences WHERE ends_at < ?`,
			`DELETE FROM alert_notifications WHERE sent_at < ?
				AND (error_msg <> '' OR fingerprint NOT IN (SELECT fingerprint FROM alerts)
				OR id NOT IN (SELECT MAX(id) FROM alert_notifications WHERE error_msg = ''
					GROUP BY receiver, fingerprint, status))`,
		} {
			if _, err := tx.ExecContext(ctx, s.q(q), t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: prune alerts: %w", err)
	}
	return nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
