// Package selfserve is self-service with guard rails: teams, applications (tenants) with
// their own SCRAM identity per cluster, topic ownership, and requests (a topic, access, a
// quota, partitions) that the Kafka team or the topic's owners approve and Gregor applies on
// Kafka, enforced by Kafka itself (credentials, ACLs, client quotas).
package selfserve

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Actor is who acts: a Gregor user, their role and teams.
type Actor struct {
	User  string
	Role  store.Role
	Teams []string
}

// KafkaTeam: operators and admins run the clusters; they approve what uses shared capacity.
func (a Actor) KafkaTeam() bool { return a.Role == store.RoleOperator || a.Role == store.RoleAdmin }

// Admin reports whether a is an admin.
func (a Actor) Admin() bool { return a.Role == store.RoleAdmin }

// InTeam reports whether a is a member of team.
func (a Actor) InTeam(team string) bool { return slices.Contains(a.Teams, team) }

// Target is a cluster as self-service sees it.
type Target struct {
	Name    string
	Client  *kafka.Client // nil: no client for operations
	Regions []config.Region
	Clients config.Clients
	// AdminUser is Gregor's own Kafka user on the cluster: no application may take it.
	AdminUser string
}

// Region returns the cluster's region named name.
func (t Target) Region(name string) (config.Region, bool) {
	for _, r := range t.Regions {
		if r.Name == name {
			return r, true
		}
	}
	return config.Region{}, false
}

// Event is a request's change, for notifications.
type Event struct {
	Request store.Request
	Action  string // created, approved, rejected, cancelled, applied, failed
	By      string
}

// Options build a Service.
type Options struct {
	Store   store.SelfService
	Users   store.Users
	Targets []Target
	Notify  func(context.Context, Event) // nil: none
	Now     func() time.Time
	Log     *slog.Logger
	// HashCost is the bcrypt cost of kept credential hashes (0: bcrypt.DefaultCost).
	HashCost int
}

// Service runs self-service.
type Service struct {
	st       store.SelfService
	users    store.Users
	targets  map[string]Target
	notify   func(context.Context, Event)
	now      func() time.Time
	log      *slog.Logger
	hashCost int
	rotateMu sync.Mutex
	retryMu  sync.Mutex
	grantMu  sync.Mutex
}

// New builds a Service.
func New(o Options) *Service {
	s := &Service{st: o.Store, users: o.Users, targets: map[string]Target{}, notify: o.Notify, now: o.Now, log: o.Log, hashCost: o.HashCost}
	for _, t := range o.Targets {
		s.targets[t.Name] = t
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.notify == nil {
		s.notify = func(context.Context, Event) {}
	}
	return s
}

// Actor builds the actor of user with role, with their teams from the store.
func (s *Service) Actor(ctx context.Context, user string, role store.Role) (Actor, error) {
	teams, err := s.st.TeamsOf(ctx, user)
	if err != nil {
		return Actor{}, err
	}
	return Actor{User: user, Role: role, Teams: teams}, nil
}

func (s *Service) target(name string) (Target, error) {
	t, ok := s.targets[name]
	if !ok {
		return Target{}, operate.Errorf(operate.NotFound, "no cluster named %q", name)
	}
	return t, nil
}

func (s *Service) kafkaTarget(name string) (Target, error) {
	t, err := s.target(name)
	if err == nil && t.Client == nil {
		err = operate.Errorf(operate.Unavailable, "cluster %q has no Kafka client for operations", name)
	}
	return t, err
}

// storeErr turns a store error into an operate error a user understands.
func storeErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return operate.Errorf(operate.NotFound, "%s: not found", what)
	case errors.Is(err, store.ErrExists):
		return operate.Errorf(operate.Conflict, "%s: already exists", what)
	case errors.Is(err, store.ErrConflict):
		return operate.Errorf(operate.Conflict, "%s: changed meanwhile", what)
	}
	return err
}

// Regions returns a cluster's regions.
func (s *Service) Regions(cluster string) ([]config.Region, error) {
	t, err := s.target(cluster)
	return t.Regions, err
}

// Placements are a cluster's topics placed in a region (none when it has no regions).
func (s *Service) Placements(ctx context.Context, cluster string) (map[string]analyze.Placement, error) {
	t, ok := s.targets[cluster]
	if !ok || len(t.Regions) == 0 {
		return nil, nil
	}
	owners, err := s.st.ListTopicOwners(ctx, cluster)
	if err != nil {
		return nil, err
	}
	out := map[string]analyze.Placement{}
	for _, o := range owners {
		if r, ok := t.Region(o.Region); ok {
			out[o.Topic] = analyze.Placement{Region: r.Name, Brokers: r.Brokers}
		}
	}
	return out, nil
}
