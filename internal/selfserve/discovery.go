package selfserve

import (
	"context"
	"sort"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Discovery is what an application needs to connect: per cluster where it has a
// credential, the addresses, the security protocol, the SASL mechanism and user name, and
// the topics it may use. Clients read it at start, so a cluster move is a change here.
type Discovery struct {
	Application string             `json:"application"`
	Clusters    []DiscoveryCluster `json:"clusters"`
}

// DiscoveryCluster is one cluster of a Discovery.
type DiscoveryCluster struct {
	Cluster          string           `json:"cluster"`
	Bootstrap        []string         `json:"bootstrap_servers"`
	SecurityProtocol string           `json:"security_protocol"`
	Mechanism        string           `json:"sasl_mechanism"`
	Username         string           `json:"sasl_username"`
	Topics           []DiscoveryTopic `json:"topics"`
}

// DiscoveryTopic is a topic an application may use, and how.
type DiscoveryTopic struct {
	Topic  string   `json:"topic"`
	Access []string `json:"access"` // owner, produce, consume
	Group  string   `json:"group,omitempty"`
}

// dummyHash is compared against when an application has no credential, so the answer's
// time does not tell which applications exist.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no credential"), bcrypt.MinCost)

// AuthenticateApp checks an application's password against its kept credential hashes (the
// password of any of its clusters): a Forbidden error for a wrong password, NotFound for an
// application without a credential (after the same work).
func (s *Service) AuthenticateApp(ctx context.Context, app, password string) error {
	creds, err := s.st.ListCredentials(ctx, app)
	if err != nil {
		return err
	}
	if len(creds) == 0 {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return operate.Errorf(operate.NotFound, "wrong application name or password")
	}
	for _, c := range creds {
		if bcrypt.CompareHashAndPassword(c.PasswordHash, []byte(password)) == nil {
			return nil
		}
	}
	return operate.Errorf(operate.Forbidden, "wrong application name or password")
}

// Discover builds an application's discovery answer (the caller authenticated it, or is a
// member of its team or the Kafka team).
func (s *Service) Discover(ctx context.Context, app string) (*Discovery, error) {
	if _, err := s.st.GetApplication(ctx, app); err != nil {
		return nil, storeErr("application "+app, err)
	}
	creds, err := s.st.ListCredentials(ctx, app)
	if err != nil {
		return nil, err
	}
	grants, err := s.st.ListGrants(ctx, store.GrantFilter{Application: app})
	if err != nil {
		return nil, err
	}
	owners, err := s.st.ListTopicOwners(ctx, "")
	if err != nil {
		return nil, err
	}
	d := &Discovery{Application: app, Clusters: []DiscoveryCluster{}}
	for _, c := range creds {
		t, ok := s.targets[c.Cluster]
		if !ok {
			continue // a cluster no longer configured
		}
		dc := DiscoveryCluster{Cluster: c.Cluster, Bootstrap: t.Clients.Bootstrap, SecurityProtocol: t.Clients.SecurityProtocol,
			Mechanism: c.Mechanism, Username: c.Username, Topics: []DiscoveryTopic{}}
		topics := map[string]*DiscoveryTopic{}
		add := func(topic, access, group string) {
			dt := topics[topic]
			if dt == nil {
				dt = &DiscoveryTopic{Topic: topic}
				topics[topic] = dt
			}
			dt.Access = append(dt.Access, access)
			if group != "" {
				dt.Group = group
			}
		}
		for _, o := range owners {
			if o.Cluster == c.Cluster && o.Application == app {
				add(o.Topic, "owner", "")
			}
		}
		for _, g := range grants {
			if g.Cluster == c.Cluster {
				add(g.Topic, g.Access, g.Group)
			}
		}
		for _, dt := range topics {
			sort.Strings(dt.Access)
			dc.Topics = append(dc.Topics, *dt)
		}
		sort.Slice(dc.Topics, func(i, j int) bool { return dc.Topics[i].Topic < dc.Topics[j].Topic })
		d.Clusters = append(d.Clusters, dc)
	}
	return d, nil
}
