package selfserve

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Names of teams, and of applications: an application's name is its Kafka user name and
// the prefix of its consumer groups ("<application>."), so it holds no '.': no application's
// groups are another's.
var (
	nameRE    = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$`)
	appNameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]{0,99}$`)
)

func checkName(what, name string) error {
	if what == "application" && !appNameRE.MatchString(name) {
		return operate.Errorf(operate.Invalid, "application name %q: 1-100 letters, digits, '_' or '-', starting with a letter or digit (no '.': it ends the prefix of its consumer groups)", name)
	}
	if !nameRE.MatchString(name) {
		return operate.Errorf(operate.Invalid, "%s name %q: 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit", what, name)
	}
	return nil
}

// TeamView is a team with its members.
type TeamView struct {
	store.Team
	Members []string `json:"members"`
}

// CreateTeam creates a team (admin).
func (s *Service) CreateTeam(ctx context.Context, a Actor, name, description string) (store.Team, error) {
	if !a.Admin() {
		return store.Team{}, operate.Errorf(operate.Forbidden, "only an admin creates teams")
	}
	if err := checkName("team", name); err != nil {
		return store.Team{}, err
	}
	t := store.Team{Name: name, Description: description, CreatedAt: s.now().UTC()}
	return t, storeErr("team "+name, s.st.CreateTeam(ctx, t))
}

// DeleteTeam deletes a team without applications (admin).
func (s *Service) DeleteTeam(ctx context.Context, a Actor, name string) error {
	if !a.Admin() {
		return operate.Errorf(operate.Forbidden, "only an admin deletes teams")
	}
	err := s.st.DeleteTeam(ctx, name)
	if errors.Is(err, store.ErrConflict) {
		return operate.Errorf(operate.Conflict, "team %q still has applications: delete them first", name)
	}
	return storeErr("team "+name, err)
}

// SetMember adds or removes a user of a team (admin).
func (s *Service) SetMember(ctx context.Context, a Actor, team, user string, member bool) error {
	if !a.Admin() {
		return operate.Errorf(operate.Forbidden, "only an admin changes team members")
	}
	if member {
		if _, err := s.users.GetUser(ctx, user); err != nil {
			return storeErr("user "+user, err)
		}
	}
	return storeErr("team "+team, s.st.SetMember(ctx, team, user, member))
}

// Teams lists the teams with their members.
func (s *Service) Teams(ctx context.Context) ([]TeamView, error) {
	ts, err := s.st.ListTeams(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TeamView, 0, len(ts))
	for _, t := range ts {
		m, err := s.st.ListMembers(ctx, t.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, TeamView{Team: t, Members: m})
	}
	return out, nil
}

// CreateApplication creates an application of a team (an admin, or a member of the team).
func (s *Service) CreateApplication(ctx context.Context, a Actor, name, team, description string) (store.Application, error) {
	if !a.Admin() && !a.InTeam(team) {
		return store.Application{}, operate.Errorf(operate.Forbidden, "only members of team %q (or an admin) create its applications", team)
	}
	if err := checkName("application", name); err != nil {
		return store.Application{}, err
	}
	for _, t := range s.targets {
		if reservedName(name, t) {
			return store.Application{}, operate.Errorf(operate.Invalid, "application name %q is reserved: Kafka's unauthenticated clients, or Gregor's own user on cluster %q, use it", name, t.Name)
		}
	}
	if strings.EqualFold(name, "ANONYMOUS") {
		return store.Application{}, operate.Errorf(operate.Invalid, "application name %q is reserved: Kafka's unauthenticated clients use it", name)
	}
	app := store.Application{Name: name, Team: team, Description: description, CreatedAt: s.now().UTC()}
	err := s.st.CreateApplication(ctx, app)
	if errors.Is(err, store.ErrNotFound) {
		return app, operate.Errorf(operate.NotFound, "no team named %q", team)
	}
	return app, storeErr("application "+name, err)
}

// application returns the application and checks that a may manage it (its team, or admin).
func (s *Service) application(ctx context.Context, a Actor, name string, manage bool) (store.Application, error) {
	app, err := s.st.GetApplication(ctx, name)
	if err != nil {
		return app, storeErr("application "+name, err)
	}
	if manage && !a.Admin() && !a.InTeam(app.Team) {
		return app, operate.Errorf(operate.Forbidden, "application %q belongs to team %q: only its members (or an admin) may do this", name, app.Team)
	}
	return app, nil
}

// DeleteApplication deletes an application (its team or an admin) and, on Kafka, only what
// Gregor made for it: the ACLs of its recorded grants, the client quotas its applied quota
// requests set, and its SCRAM credentials (every mechanism) where Gregor created one. A
// cluster that cannot be reached stops it with the cluster named (retry later), so no
// identity is left behind with rights.
func (s *Service) DeleteApplication(ctx context.Context, a Actor, name string) error {
	if _, err := s.application(ctx, a, name, true); err != nil {
		return err
	}
	creds, err := s.st.ListCredentials(ctx, name)
	if err != nil {
		return err
	}
	grants, err := s.st.ListGrants(ctx, store.GrantFilter{Application: name})
	if err != nil {
		return err
	}
	quotas, _, err := s.st.ListRequests(ctx, store.RequestFilter{Application: name, Kind: KindQuota, State: string(store.RequestApplied)})
	if err != nil {
		return err
	}
	on := func(cluster string, err error) error {
		return fmt.Errorf("deleting application %q on cluster %q: %w", name, cluster, err)
	}
	for _, g := range grants {
		t, err := s.kafkaTarget(g.Cluster)
		if err != nil {
			return on(g.Cluster, err)
		}
		for _, acl := range accessACLs(Spec{Application: name, Topic: g.Topic, Access: g.Access, Group: g.Group}) {
			if _, err := operate.DeleteACLs(ctx, t.Client.Kgo(), aclFilter(acl), false); err != nil {
				return on(g.Cluster, err)
			}
		}
	}
	done := map[string]bool{}
	for _, q := range quotas {
		if done[q.Cluster] {
			continue
		}
		done[q.Cluster] = true
		t, err := s.kafkaTarget(q.Cluster)
		if err != nil {
			return on(q.Cluster, err)
		}
		if err := removeUserQuotas(ctx, t, name); err != nil {
			return on(q.Cluster, err)
		}
	}
	for _, c := range creds {
		t, err := s.kafkaTarget(c.Cluster)
		if err != nil {
			return on(c.Cluster, err)
		}
		// Every mechanism: an older one may still hold a password.
		if _, err := operate.DeleteSCRAMUser(ctx, t.Client.Admin, name, "", false); err != nil && !isNotFound(err) {
			return on(c.Cluster, err)
		}
	}
	return storeErr("application "+name, s.st.DeleteApplication(ctx, name))
}

// removeUserQuotas removes the byte-rate quotas of a user that quota requests set.
func removeUserQuotas(ctx context.Context, t Target, user string) error {
	qs, err := operate.ListQuotas(ctx, t.Client.Admin, operate.QuotaFilter{User: user})
	if err != nil {
		return err
	}
	for _, q := range qs {
		if q.Entity.User == nil || *q.Entity.User != user || q.Entity.ClientID != nil {
			continue
		}
		c := operate.QuotaChange{Entity: operate.QuotaEntity{User: &user}}
		for _, k := range []string{"producer_byte_rate", "consumer_byte_rate"} {
			if _, ok := q.Values[k]; ok {
				c.Remove = append(c.Remove, k)
			}
		}
		if len(c.Remove) > 0 {
			if _, err := operate.AlterQuotas(ctx, t.Client.Admin, c, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func isNotFound(err error) bool {
	var oe *operate.Error
	return errors.As(err, &oe) && oe.Kind == operate.NotFound
}

// Secret is an application's credential with its password: shown once, never kept.
type Secret struct {
	Application      string   `json:"application"`
	Cluster          string   `json:"cluster"`
	Username         string   `json:"username"`
	Password         string   `json:"password"`
	Mechanism        string   `json:"mechanism"`
	Bootstrap        []string `json:"bootstrap_servers"`
	SecurityProtocol string   `json:"security_protocol"`
	Rotated          bool     `json:"rotated"` // an older password stopped working
}

// Rotate creates the application's SCRAM credential on a cluster, or replaces its password,
// and returns the new password once (its team or an admin). Only a bcrypt hash is kept.
func (s *Service) Rotate(ctx context.Context, a Actor, app, cluster string) (*Secret, error) {
	if _, err := s.application(ctx, a, app, true); err != nil {
		return nil, err
	}
	t, err := s.kafkaTarget(cluster)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	password := base64.RawURLEncoding.EncodeToString(raw)
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost())
	if err != nil {
		return nil, err
	}
	s.rotateMu.Lock() // one rotation at a time: the kept hash must match Kafka's
	defer s.rotateMu.Unlock()
	old, err := s.credential(ctx, app, cluster)
	if err != nil {
		return nil, err
	}
	if reservedName(app, t) {
		return nil, operate.Errorf(operate.Forbidden, "application %q cannot have a Kafka identity on cluster %q: the name is reserved (ANONYMOUS, or Gregor's own user)", app, cluster)
	}
	mech := t.Clients.Mechanism
	existing, gerr := operate.GetSCRAMUser(ctx, t.Client.Admin, app)
	var oe *operate.Error
	absent := errors.As(gerr, &oe) && oe.Kind == operate.NotFound
	if gerr != nil && !absent {
		return nil, gerr
	}
	if old == nil && !absent {
		return nil, operate.Errorf(operate.Conflict, "a Kafka user named %q already exists on cluster %q and Gregor did not create it for this application: "+
			"it will not take that identity over; name the application otherwise, or remove that user first", app, cluster)
	}
	req := operate.SCRAMRequest{Name: app, Mechanism: mech, Password: password}
	if _, has := existing.Credential(mech); has {
		_, err = operate.UpdateSCRAMUser(ctx, t.Client.Admin, req, false)
	} else {
		_, err = operate.CreateSCRAMUser(ctx, t.Client.Admin, req, false)
	}
	if err != nil {
		return nil, err
	}
	// A password of another mechanism (the configured one changed) must stop working too.
	for _, c := range existing.Credentials {
		if c.Mechanism != mech {
			if _, err := operate.DeleteSCRAMUser(ctx, t.Client.Admin, app, c.Mechanism, false); err != nil {
				return nil, err
			}
		}
	}
	now := s.now().UTC()
	c := store.Credential{Application: app, Cluster: cluster, Username: app, Mechanism: t.Clients.Mechanism, PasswordHash: hash, CreatedAt: now, RotatedAt: now}
	if old != nil {
		c.CreatedAt = old.CreatedAt
	}
	if err := s.st.PutCredential(ctx, c); err != nil {
		return nil, err
	}
	return &Secret{Application: app, Cluster: cluster, Username: app, Password: password, Mechanism: c.Mechanism,
		Bootstrap: t.Clients.Bootstrap, SecurityProtocol: t.Clients.SecurityProtocol, Rotated: old != nil}, nil
}

// reservedName: names an application may not take as its Kafka user on t.
func reservedName(app string, t Target) bool {
	return strings.EqualFold(app, "ANONYMOUS") || (t.AdminUser != "" && app == t.AdminUser)
}

func (s *Service) cost() int {
	if s.hashCost == 0 {
		return bcrypt.DefaultCost
	}
	return s.hashCost
}

func (s *Service) credential(ctx context.Context, app, cluster string) (*store.Credential, error) {
	cs, err := s.st.ListCredentials(ctx, app)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if cs[i].Cluster == cluster {
			return &cs[i], nil
		}
	}
	return nil, nil
}

// AppView is an application with what it has on the clusters.
type AppView struct {
	store.Application
	Credentials []store.Credential `json:"credentials"`
	Topics      []store.TopicOwner `json:"topics"`
	Grants      []store.Grant      `json:"grants"`
	Quotas      []AppQuota         `json:"quotas"`
	Rates       []AppRate          `json:"rates"` // filled by the API from the latest snapshots
}

// AppRate is an application's traffic on a cluster as Kafka's client quota sensors measure
// it (the brokers' kafka_server_{produce,fetch}_{byte_rate,throttle_time}{user=...}, summed
// over brokers; the throttle is the largest). Measured is false when no broker exposes the
// sensors (they exist once any client quota is set).
type AppRate struct {
	Cluster             string  `json:"cluster"`
	Measured            bool    `json:"measured"`
	ProduceBytesPerSec  float64 `json:"produce_bytes_per_sec"`
	FetchBytesPerSec    float64 `json:"fetch_bytes_per_sec"`
	ProduceThrottleMs   float64 `json:"produce_throttle_ms"`
	FetchThrottleMs     float64 `json:"fetch_throttle_ms"`
	ProducerByteRateCap float64 `json:"producer_byte_rate,omitempty"` // the quota, when set
	ConsumerByteRateCap float64 `json:"consumer_byte_rate,omitempty"`
}

// AppQuota is an application's client quotas on a cluster (Kafka's values), "" error when read.
type AppQuota struct {
	Cluster string             `json:"cluster"`
	Values  map[string]float64 `json:"values"`
	Error   string             `json:"error,omitempty"`
}

// Applications lists the applications: those of a's teams first, then the others.
func (s *Service) Applications(ctx context.Context, a Actor) ([]store.Application, error) {
	apps, err := s.st.ListApplications(ctx)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(apps, func(i, j int) bool { return a.InTeam(apps[i].Team) && !a.InTeam(apps[j].Team) })
	return apps, nil
}

// Application describes one application; quotas are read from Kafka on every cluster where
// it has a credential.
func (s *Service) Application(ctx context.Context, a Actor, name string) (*AppView, error) {
	app, err := s.application(ctx, a, name, false)
	if err != nil {
		return nil, err
	}
	v := &AppView{Application: app, Quotas: []AppQuota{}}
	if v.Credentials, err = s.st.ListCredentials(ctx, name); err != nil {
		return nil, err
	}
	if v.Grants, err = s.st.ListGrants(ctx, store.GrantFilter{Application: name}); err != nil {
		return nil, err
	}
	owners, err := s.st.ListTopicOwners(ctx, "")
	if err != nil {
		return nil, err
	}
	v.Topics = []store.TopicOwner{}
	clusters := map[string]bool{}
	for _, o := range owners {
		if o.Application == name {
			v.Topics = append(v.Topics, o)
			clusters[o.Cluster] = true
		}
	}
	for _, c := range v.Credentials {
		clusters[c.Cluster] = true
	}
	for _, g := range v.Grants {
		clusters[g.Cluster] = true
	}
	names := make([]string, 0, len(clusters))
	for c := range clusters {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		q := AppQuota{Cluster: c, Values: map[string]float64{}}
		t, err := s.kafkaTarget(c)
		if err == nil {
			var qs []operate.Quota
			qs, err = operate.ListQuotas(ctx, t.Client.Admin, operate.QuotaFilter{User: name})
			for _, x := range qs {
				if x.Entity.User != nil && *x.Entity.User == name && x.Entity.ClientID == nil {
					q.Values = x.Values
				}
			}
		}
		if err != nil {
			q.Error = err.Error()
		}
		v.Quotas = append(v.Quotas, q)
	}
	return v, nil
}

// principal is the Kafka principal of an application.
func principal(app string) string { return "User:" + app }

// IsMember reports whether a is in the team of application app.
func (s *Service) IsMember(ctx context.Context, a Actor, app string) bool {
	got, err := s.st.GetApplication(ctx, app)
	return err == nil && a.InTeam(got.Team)
}

// SetOwner records the application owning a topic and its region (the Kafka team): for
// topics created before self-service, or to hand one over.
func (s *Service) SetOwner(ctx context.Context, a Actor, cluster, topic, app, region string) (*store.TopicOwner, error) {
	if !a.KafkaTeam() {
		return nil, operate.Errorf(operate.Forbidden, "only the Kafka team (operators and admins) sets a topic's owner")
	}
	t, err := s.kafkaTarget(cluster)
	if err != nil {
		return nil, err
	}
	if _, err := s.application(ctx, a, app, false); err != nil {
		return nil, err
	}
	if region != "" {
		if _, ok := t.Region(region); !ok {
			return nil, operate.Errorf(operate.Invalid, "cluster %q has no region %q; its regions: %s", cluster, region, regionNames(t))
		}
	}
	if err := s.topicExists(ctx, t, topic); err != nil {
		return nil, err
	}
	o := store.TopicOwner{Cluster: cluster, Topic: topic, Application: app, Region: region, CreatedAt: s.now().UTC()}
	return &o, s.st.SetTopicOwner(ctx, o)
}

// Owners lists the topic owners of a cluster.
func (s *Service) Owners(ctx context.Context, cluster string) ([]store.TopicOwner, error) {
	return s.st.ListTopicOwners(ctx, cluster)
}

// SyncTeams sets a user's membership of the teams the login provider decides (managed): in
// those of teams, out of the others. A managed team that does not exist yet is created.
func (s *Service) SyncTeams(ctx context.Context, user string, teams, managed []string) error {
	for _, t := range managed {
		in := slices.Contains(teams, t)
		err := s.st.SetMember(ctx, t, user, in)
		if errors.Is(err, store.ErrNotFound) && in {
			err = s.st.CreateTeam(ctx, store.Team{Name: t, Description: "from the login provider's groups", CreatedAt: s.now().UTC()})
			if err == nil || errors.Is(err, store.ErrExists) {
				err = s.st.SetMember(ctx, t, user, true)
			}
		} else if errors.Is(err, store.ErrNotFound) {
			err = nil
		}
		if err != nil {
			return fmt.Errorf("self-service: team %s of %s: %w", t, user, err)
		}
	}
	return nil
}
