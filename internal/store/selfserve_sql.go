package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Self-service (tables teams, team_members, applications, credentials, topic_owners, grants
// and requests): times Unix milliseconds (0: zero time), a zero CreatedAt is now.

const (
	teamCols       = `name, description, created_at`
	appCols        = `name, team, description, created_at`
	credentialCols = `application, cluster, username, mechanism, password_hash, created_at, rotated_at`
	ownerCols      = `cluster, topic, application, region, created_at`
	grantCols      = `cluster, topic, application, access, group_name, created_at`
	requestCols    = `id, kind, state, requester, team, application, cluster, topic, spec, reason,
		decided_by, comment, result, error_msg, created_at, updated_at`
)

func scanTeam(r scanner) (t Team, err error) {
	var created int64
	err = r.Scan(&t.Name, &t.Description, &created)
	t.CreatedAt = fromMS(created)
	return t, err
}

func scanApplication(r scanner) (a Application, err error) {
	var created int64
	err = r.Scan(&a.Name, &a.Team, &a.Description, &created)
	a.CreatedAt = fromMS(created)
	return a, err
}

func scanCredential(r scanner) (c Credential, err error) {
	var created, rotated int64
	err = r.Scan(&c.Application, &c.Cluster, &c.Username, &c.Mechanism, &c.PasswordHash, &created, &rotated)
	c.CreatedAt, c.RotatedAt = fromMS(created), fromMS(rotated)
	return c, err
}

func scanTopicOwner(r scanner) (o TopicOwner, err error) {
	var created int64
	err = r.Scan(&o.Cluster, &o.Topic, &o.Application, &o.Region, &created)
	o.CreatedAt = fromMS(created)
	return o, err
}

func scanGrant(r scanner) (g Grant, err error) {
	var created int64
	err = r.Scan(&g.Cluster, &g.Topic, &g.Application, &g.Access, &g.Group, &created)
	g.CreatedAt = fromMS(created)
	return g, err
}

func scanRequest(r scanner) (x Request, err error) {
	var created, updated int64
	err = r.Scan(&x.ID, &x.Kind, &x.State, &x.Requester, &x.Team, &x.Application, &x.Cluster, &x.Topic, &x.Spec,
		&x.Reason, &x.DecidedBy, &x.Comment, &x.Result, &x.Error, &created, &updated)
	x.CreatedAt, x.UpdatedAt = fromMS(created), fromMS(updated)
	return x, err
}

func scanString(r scanner) (v string, err error) {
	err = r.Scan(&v)
	return v, err
}

// fail wraps err of the write what: a unique violation becomes ErrExists, a foreign key
// violation ErrNotFound naming ref (the missing row), anything else stays as it is.
func (s *sqlStore) fail(what, ref string, err error) error {
	switch s.d.classify(err) {
	case ErrExists:
		return fmt.Errorf("store: %s: %w", what, ErrExists)
	case errNoRef:
		return fmt.Errorf("store: %s: %s: %w", what, ref, ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// write runs one write whose foreign keys point to ref (see fail).
func (s *sqlStore) write(ctx context.Context, what, ref, query string, args ...any) error {
	if _, err := s.w.ExecContext(ctx, s.q(query), args...); err != nil {
		return s.fail(what, ref, err)
	}
	return nil
}

// exists tells whether query (SELECT COUNT(*) ...) counts a row, in tx.
func (s *sqlStore) exists(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, s.q(query), args...).Scan(&n)
	return n > 0, err
}

// changed is the number of rows res changed, or ErrNotFound for none.
func changed(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// CreateTeam adds t; ErrExists if the name is taken.
func (s *sqlStore) CreateTeam(ctx context.Context, t Team) error {
	if t.Name == "" {
		return errors.New("store: create team: empty name")
	}
	return s.exec(ctx, "create team "+t.Name, false, `INSERT INTO teams (`+teamCols+`) VALUES (?, ?, ?)`,
		t.Name, t.Description, s.created(t.CreatedAt))
}

// ListTeams returns every team by name.
func (s *sqlStore) ListTeams(ctx context.Context) ([]Team, error) {
	return list(ctx, s, "list teams", scanTeam, `SELECT `+teamCols+` FROM teams ORDER BY name`)
}

// DeleteTeam deletes the team and its members; ErrNotFound if there is none, ErrConflict
// while applications belong to it.
func (s *sqlStore) DeleteTeam(ctx context.Context, name string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		apps, err := s.exists(ctx, tx, `SELECT COUNT(*) FROM applications WHERE team = ?`, name)
		if err != nil {
			return err
		}
		if apps {
			return ErrConflict
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM team_members WHERE team = ?`), name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM teams WHERE name = ?`), name)
		if err != nil {
			return err
		}
		return changed(res)
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
		return fmt.Errorf("store: delete team %s: %w", name, err)
	case s.d.classify(err) == errNoRef: // an application created meanwhile (PostgreSQL)
		return fmt.Errorf("store: delete team %s: %w", name, ErrConflict)
	}
	return fmt.Errorf("store: delete team %s: %w", name, err)
}

// SetMember adds (member true) or removes user from team, either idempotent; ErrNotFound if
// there is no such team.
func (s *sqlStore) SetMember(ctx context.Context, team, user string, member bool) error {
	if user == "" {
		return errors.New("store: set member: empty user")
	}
	what := "set member " + user + " of team " + team
	err := s.tx(ctx, func(tx *sql.Tx) error {
		found, err := s.exists(ctx, tx, `SELECT COUNT(*) FROM teams WHERE name = ?`, team)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		q := `DELETE FROM team_members WHERE team = ? AND user_name = ?`
		if member {
			q = `INSERT INTO team_members (team, user_name) VALUES (?, ?) ON CONFLICT (team, user_name) DO NOTHING`
		}
		_, err = tx.ExecContext(ctx, s.q(q), team, user)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: %s: team: %w", what, ErrNotFound)
	}
	if err != nil {
		return s.fail(what, "team", err)
	}
	return nil
}

// ListMembers returns the team's members by name; ErrNotFound if there is no such team.
func (s *sqlStore) ListMembers(ctx context.Context, team string) ([]string, error) {
	out, err := list(ctx, s, "list members of team "+team, scanString,
		`SELECT user_name FROM team_members WHERE team = ? ORDER BY user_name`, team)
	if err != nil || len(out) > 0 {
		return out, err
	}
	if _, err := get(ctx, s, "list members of team "+team, scanString, `SELECT name FROM teams WHERE name = ?`, team); err != nil {
		return nil, err
	}
	return out, nil
}

// TeamsOf returns the names of the user's teams, sorted.
func (s *sqlStore) TeamsOf(ctx context.Context, user string) ([]string, error) {
	return list(ctx, s, "teams of "+user, scanString, `SELECT team FROM team_members WHERE user_name = ? ORDER BY team`, user)
}

// CreateApplication adds a; ErrExists if the name is taken, ErrNotFound if its team is missing.
func (s *sqlStore) CreateApplication(ctx context.Context, a Application) error {
	if a.Name == "" || a.Team == "" {
		return errors.New("store: create application: empty name or team")
	}
	return s.write(ctx, "create application "+a.Name, "team "+a.Team,
		`INSERT INTO applications (`+appCols+`) VALUES (?, ?, ?, ?)`, a.Name, a.Team, a.Description, s.created(a.CreatedAt))
}

// GetApplication returns the application; ErrNotFound if there is none.
func (s *sqlStore) GetApplication(ctx context.Context, name string) (Application, error) {
	return get(ctx, s, "application "+name, scanApplication, `SELECT `+appCols+` FROM applications WHERE name = ?`, name)
}

// ListApplications returns every application by name.
func (s *sqlStore) ListApplications(ctx context.Context) ([]Application, error) {
	return list(ctx, s, "list applications", scanApplication, `SELECT `+appCols+` FROM applications ORDER BY name`)
}

// DeleteApplication deletes the application with its credentials, grants and topic
// ownerships (one transaction); ErrNotFound if there is none. Its requests are kept.
func (s *sqlStore) DeleteApplication(ctx context.Context, name string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM credentials WHERE application = ?`,
			`DELETE FROM grants WHERE application = ?`,
			`DELETE FROM topic_owners WHERE application = ?`,
		} {
			if _, err := tx.ExecContext(ctx, s.q(q), name); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM applications WHERE name = ?`), name)
		if err != nil {
			return err
		}
		return changed(res)
	})
	if err != nil {
		return fmt.Errorf("store: delete application %s: %w", name, err)
	}
	return nil
}

// PutCredential inserts c or replaces the one of its application and cluster. A replacement
// keeps the first CreatedAt and sets RotatedAt (now if zero); a first insert keeps RotatedAt
// as given. ErrNotFound if the application is missing, ErrExists if another application
// has this username on the cluster.
func (s *sqlStore) PutCredential(ctx context.Context, c Credential) error {
	if c.Application == "" || c.Cluster == "" || c.Username == "" {
		return errors.New("store: put credential: empty application, cluster or username")
	}
	return s.write(ctx, "put credential of "+c.Application+" on "+c.Cluster, "application "+c.Application,
		`INSERT INTO credentials (`+credentialCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (application, cluster) DO UPDATE SET username = excluded.username,
		mechanism = excluded.mechanism, password_hash = excluded.password_hash, rotated_at = ?`,
		c.Application, c.Cluster, c.Username, c.Mechanism, nonNil(c.PasswordHash), s.created(c.CreatedAt), ms(c.RotatedAt),
		s.created(c.RotatedAt))
}

// ListCredentials returns the application's credentials by cluster (none for an unknown
// application).
func (s *sqlStore) ListCredentials(ctx context.Context, application string) ([]Credential, error) {
	return list(ctx, s, "list credentials of "+application, scanCredential,
		`SELECT `+credentialCols+` FROM credentials WHERE application = ? ORDER BY cluster`, application)
}

// DeleteCredential deletes a credential; ErrNotFound if there is none.
func (s *sqlStore) DeleteCredential(ctx context.Context, application, cluster string) error {
	return s.exec(ctx, "delete credential of "+application+" on "+cluster, true,
		`DELETE FROM credentials WHERE application = ? AND cluster = ?`, application, cluster)
}

// SetTopicOwner inserts o or replaces the owner of its topic; ErrNotFound if the application
// is missing.
func (s *sqlStore) SetTopicOwner(ctx context.Context, o TopicOwner) error {
	if o.Cluster == "" || o.Topic == "" || o.Application == "" {
		return errors.New("store: set topic owner: empty cluster, topic or application")
	}
	return s.write(ctx, "set owner of "+o.Cluster+"/"+o.Topic, "application "+o.Application,
		`INSERT INTO topic_owners (`+ownerCols+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (cluster, topic) DO UPDATE SET application = excluded.application, region = excluded.region,
		created_at = excluded.created_at`,
		o.Cluster, o.Topic, o.Application, o.Region, s.created(o.CreatedAt))
}

// GetTopicOwner returns the owner of a topic; ErrNotFound if it has none.
func (s *sqlStore) GetTopicOwner(ctx context.Context, cluster, topic string) (TopicOwner, error) {
	return get(ctx, s, "owner of "+cluster+"/"+topic, scanTopicOwner,
		`SELECT `+ownerCols+` FROM topic_owners WHERE cluster = ? AND topic = ?`, cluster, topic)
}

// ListTopicOwners returns the owners of the cluster's topics ("": every cluster), by cluster
// and topic.
func (s *sqlStore) ListTopicOwners(ctx context.Context, cluster string) ([]TopicOwner, error) {
	if cluster == "" {
		return list(ctx, s, "list topic owners", scanTopicOwner, `SELECT `+ownerCols+` FROM topic_owners ORDER BY cluster, topic`)
	}
	return list(ctx, s, "list topic owners of "+cluster, scanTopicOwner,
		`SELECT `+ownerCols+` FROM topic_owners WHERE cluster = ? ORDER BY cluster, topic`, cluster)
}

// DeleteTopicOwner deletes a topic's owner; ErrNotFound if it has none.
func (s *sqlStore) DeleteTopicOwner(ctx context.Context, cluster, topic string) error {
	return s.exec(ctx, "delete owner of "+cluster+"/"+topic, true,
		`DELETE FROM topic_owners WHERE cluster = ? AND topic = ?`, cluster, topic)
}

// PutGrant inserts g or replaces the one with its cluster, topic, application and access;
// ErrNotFound if the application is missing.
func (s *sqlStore) PutGrant(ctx context.Context, g Grant) error {
	if g.Cluster == "" || g.Topic == "" || g.Application == "" || g.Access == "" {
		return errors.New("store: put grant: empty cluster, topic, application or access")
	}
	return s.write(ctx, "put grant "+g.Access+" of "+g.Cluster+"/"+g.Topic+" to "+g.Application, "application "+g.Application,
		`INSERT INTO grants (`+grantCols+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (cluster, topic, application, access) DO UPDATE SET group_name = excluded.group_name,
		created_at = excluded.created_at`,
		g.Cluster, g.Topic, g.Application, g.Access, g.Group, s.created(g.CreatedAt))
}

// ListGrants returns the grants f selects, by cluster, topic, application and access.
func (s *sqlStore) ListGrants(ctx context.Context, f GrantFilter) ([]Grant, error) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{{"cluster", f.Cluster}, {"topic", f.Topic}, {"application", f.Application}} {
		if c.v != "" {
			where, args = append(where, c.col+` = ?`), append(args, c.v)
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	return list(ctx, s, "list grants", scanGrant, `SELECT `+grantCols+` FROM grants`+cond+
		` ORDER BY cluster, topic, application, access`, args...)
}

// DeleteGrant deletes the grant with g's cluster, topic, application and access (g.Group is
// ignored); ErrNotFound if there is none.
func (s *sqlStore) DeleteGrant(ctx context.Context, g Grant) error {
	return s.exec(ctx, "delete grant "+g.Access+" of "+g.Cluster+"/"+g.Topic+" to "+g.Application, true,
		`DELETE FROM grants WHERE cluster = ? AND topic = ? AND application = ? AND access = ?`,
		g.Cluster, g.Topic, g.Application, g.Access)
}

// CreateRequest adds r and sets its ID; a zero CreatedAt is now, a zero UpdatedAt CreatedAt
// and an empty State pending (set in r too).
func (s *sqlStore) CreateRequest(ctx context.Context, r *Request) error {
	if r.Kind == "" {
		return errors.New("store: create request: empty kind")
	}
	if r.State == "" {
		r.State = RequestPending
	}
	created := s.created(r.CreatedAt)
	updated := created
	if !r.UpdatedAt.IsZero() {
		updated = r.UpdatedAt.UnixMilli()
	}
	var id int64
	err := s.w.QueryRowContext(ctx, s.q(`INSERT INTO requests (kind, state, requester, team, application, cluster,
		topic, spec, reason, decided_by, comment, result, error_msg, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.Kind, string(r.State), r.Requester, r.Team, r.Application, r.Cluster, r.Topic, r.Spec, r.Reason,
		r.DecidedBy, r.Comment, r.Result, r.Error, created, updated).Scan(&id)
	if err != nil {
		return fmt.Errorf("store: create request: %w", err)
	}
	r.ID, r.CreatedAt, r.UpdatedAt = id, fromMS(created), fromMS(updated)
	return nil
}

// GetRequest returns the request; ErrNotFound if there is none.
func (s *sqlStore) GetRequest(ctx context.Context, id int64) (Request, error) {
	return get(ctx, s, fmt.Sprintf("request %d", id), scanRequest, `SELECT `+requestCols+` FROM requests WHERE id = ?`, id)
}

// ListRequests returns the requests f selects, newest first, cut to f.Offset and f.Limit (0:
// no limit), and how many f selects in all. Teams, when not nil, keeps the requests of those
// teams and those on a topic owned by an application of one of them; an empty Teams selects
// nothing.
func (s *sqlStore) ListRequests(ctx context.Context, f RequestFilter) ([]Request, int, error) {
	if f.Teams != nil && len(f.Teams) == 0 {
		return []Request{}, 0, nil
	}
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{
		{"state", f.State}, {"kind", f.Kind}, {"requester", f.Requester}, {"application", f.Application}, {"cluster", f.Cluster},
	} {
		if c.v != "" {
			where, args = append(where, `requests.`+c.col+` = ?`), append(args, c.v)
		}
	}
	if len(f.Teams) > 0 {
		in := placeholders(1, len(f.Teams))
		where = append(where, `(requests.team IN `+in+` OR (requests.topic <> '' AND EXISTS (
			SELECT 1 FROM topic_owners o JOIN applications a ON a.name = o.application
			WHERE o.cluster = requests.cluster AND o.topic = requests.topic AND a.team IN `+in+`)))`)
		for range 2 {
			for _, t := range f.Teams {
				args = append(args, t)
			}
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM requests`+cond), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list requests: %w", err)
	}
	limit, offset := int64(f.Limit), int64(max(f.Offset, 0))
	if limit <= 0 {
		limit = math.MaxInt64
	}
	if offset >= int64(total) {
		return []Request{}, total, nil
	}
	out, err := list(ctx, s, "list requests", scanRequest, `SELECT `+requestCols+` FROM requests`+cond+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	return out, total, err
}

// UpdateRequest stores the state, decider, comment, result, error, topic and spec of r, and
// its UpdatedAt (now if zero), if the stored request is still in state from: ErrConflict if
// it is not, ErrNotFound if there is no request r.ID.
func (s *sqlStore) UpdateRequest(ctx context.Context, r Request, from RequestState) error {
	if r.State == "" {
		return errors.New("store: update request: empty state")
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE requests SET state = ?, decided_by = ?, comment = ?, result = ?,
			error_msg = ?, updated_at = ?, topic = ?, spec = ? WHERE id = ? AND state = ?`),
			string(r.State), r.DecidedBy, r.Comment, r.Result, r.Error, s.created(r.UpdatedAt), r.Topic, r.Spec,
			r.ID, string(from))
		if err != nil {
			return err
		}
		if err := changed(res); err == nil {
			return nil
		}
		found, err := s.exists(ctx, tx, `SELECT COUNT(*) FROM requests WHERE id = ?`, r.ID)
		if err != nil {
			return err
		}
		if found {
			return ErrConflict
		}
		return ErrNotFound
	})
	if err != nil {
		return fmt.Errorf("store: update request %d from %s: %w", r.ID, from, err)
	}
	return nil
}
