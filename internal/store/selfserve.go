package store

import (
	"context"
	"errors"
	"time"
)

// ErrConflict: the row is not in the state the change expected (a request already decided).
var ErrConflict = errors.New("conflict")

// Team is a group of users that owns applications.
type Team struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// Application is a tenant: a team's program with its own Kafka identity on each cluster.
type Application struct {
	Name        string    `json:"name"`
	Team        string    `json:"team"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// Credential is an application's SCRAM identity on one cluster. The password is kept only
// as a bcrypt hash (to authenticate the application to Gregor's discovery endpoint).
type Credential struct {
	Application  string    `json:"application"`
	Cluster      string    `json:"cluster"`
	Username     string    `json:"username"`
	Mechanism    string    `json:"mechanism"` // SCRAM-SHA-256 or SCRAM-SHA-512
	PasswordHash []byte    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	RotatedAt    time.Time `json:"rotated_at"`
}

// TopicOwner records which application owns a topic, and the region it was placed in.
type TopicOwner struct {
	Cluster     string    `json:"cluster"`
	Topic       string    `json:"topic"`
	Application string    `json:"application"`
	Region      string    `json:"region,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Grant is an access given to an application on a topic (its ACLs are on Kafka).
type Grant struct {
	Cluster     string    `json:"cluster"`
	Topic       string    `json:"topic"`
	Application string    `json:"application"`
	Access      string    `json:"access"`          // produce or consume
	Group       string    `json:"group,omitempty"` // consume: the consumer group (prefix) allowed
	CreatedAt   time.Time `json:"created_at"`
}

// GrantFilter selects grants (zero fields select all).
type GrantFilter struct{ Cluster, Topic, Application string }

// RequestState is where a request is in its life.
type RequestState string

// Request states: pending -> approved -> applied | failed; pending -> rejected | cancelled.
const (
	RequestPending   RequestState = "pending"
	RequestApproved  RequestState = "approved"
	RequestApplied   RequestState = "applied"
	RequestFailed    RequestState = "failed"
	RequestRejected  RequestState = "rejected"
	RequestCancelled RequestState = "cancelled"
)

// Request is a user's ask (a topic, access, a quota, partitions) and its decision.
type Request struct {
	ID          int64        `json:"id"`
	Kind        string       `json:"kind"` // topic, access, quota, partitions
	State       RequestState `json:"state"`
	Requester   string       `json:"requester"`
	Team        string       `json:"team"` // the requesting application's team
	Application string       `json:"application"`
	Cluster     string       `json:"cluster"`
	Topic       string       `json:"topic,omitempty"`
	Spec        string       `json:"-"`      // JSON: what is asked, by kind
	Reason      string       `json:"reason"` // the requester's words
	DecidedBy   string       `json:"decided_by,omitempty"`
	Comment     string       `json:"comment,omitempty"` // the decider's words
	Result      string       `json:"-"`                 // JSON: what applying did
	Error       string       `json:"error,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// RequestFilter selects requests (zero fields select all), newest first. Teams, when not
// nil, keeps those of any of the teams listed or whose Topic is owned by an application of
// one of them (OwnedBy).
type RequestFilter struct {
	State, Kind, Requester, Application, Cluster string
	Teams                                        []string
	Limit, Offset                                int
}

// SelfService keeps teams, applications, their credentials, topic ownership, grants and
// requests.
type SelfService interface {
	CreateTeam(ctx context.Context, t Team) error // ErrExists
	ListTeams(ctx context.Context) ([]Team, error)
	DeleteTeam(ctx context.Context, name string) error // ErrNotFound; ErrConflict while it has applications
	// SetMember adds (member true) or removes a user from a team; ErrNotFound for no such team.
	SetMember(ctx context.Context, team, user string, member bool) error
	ListMembers(ctx context.Context, team string) ([]string, error)
	TeamsOf(ctx context.Context, user string) ([]string, error)

	CreateApplication(ctx context.Context, a Application) error // ErrExists; ErrNotFound for no such team
	GetApplication(ctx context.Context, name string) (Application, error)
	ListApplications(ctx context.Context) ([]Application, error)
	DeleteApplication(ctx context.Context, name string) error // also its credentials, grants and ownerships

	PutCredential(ctx context.Context, c Credential) error // insert or replace (application, cluster)
	ListCredentials(ctx context.Context, application string) ([]Credential, error)
	DeleteCredential(ctx context.Context, application, cluster string) error

	SetTopicOwner(ctx context.Context, o TopicOwner) error // insert or replace (cluster, topic)
	GetTopicOwner(ctx context.Context, cluster, topic string) (TopicOwner, error)
	ListTopicOwners(ctx context.Context, cluster string) ([]TopicOwner, error) // "" every cluster
	DeleteTopicOwner(ctx context.Context, cluster, topic string) error

	PutGrant(ctx context.Context, g Grant) error // insert or replace (cluster, topic, application, access)
	ListGrants(ctx context.Context, f GrantFilter) ([]Grant, error)
	DeleteGrant(ctx context.Context, g Grant) error

	CreateRequest(ctx context.Context, r *Request) error // sets r.ID, CreatedAt, UpdatedAt
	GetRequest(ctx context.Context, id int64) (Request, error)
	ListRequests(ctx context.Context, f RequestFilter) ([]Request, int, error)
	// UpdateRequest stores r if the stored request is still in state from, else ErrConflict.
	UpdateRequest(ctx context.Context, r Request, from RequestState) error
}
