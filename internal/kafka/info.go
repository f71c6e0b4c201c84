package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Broker is one broker as the cluster's metadata lists it.
type Broker struct {
	ID   int32  `json:"id"`
	Host string `json:"host"`
	Port int32  `json:"port"`
	Rack string `json:"rack,omitempty"`
}

// Info is who the cluster is: its id, active controller and live brokers.
type Info struct {
	ClusterID string `json:"cluster_id"`
	// ControllerID is the active controller. On KRaft it is the metadata quorum's leader
	// (DescribeQuorum); the Metadata response's controller id there is only a random broker
	// that forwards admin requests, so it is used only when DescribeQuorum is unavailable.
	ControllerID int32 `json:"controller_id"`
	// ControllerSource says where ControllerID comes from: "quorum" or "metadata".
	ControllerSource string   `json:"controller_source"`
	KRaft            bool     `json:"kraft"`
	Brokers          []Broker `json:"brokers"`
	// Warnings are things Gregor could not see, and why.
	Warnings []string `json:"warnings,omitempty"`
}

// Info asks the cluster for its metadata and, on KRaft, its quorum leader.
func (c *Client) Info(ctx context.Context) (Info, error) {
	if !c.versionsKnown() {
		if err := c.Connect(ctx); err != nil {
			return Info{}, err
		}
	}
	md, err := c.Metadata(ctx)
	if err != nil {
		return Info{}, c.explain(err)
	}
	in := Info{ControllerID: md.ControllerID}
	if md.ClusterID != nil {
		in.ClusterID = *md.ClusterID
	}
	for _, b := range md.Brokers {
		br := Broker{ID: b.NodeID, Host: b.Host, Port: b.Port}
		if b.Rack != nil {
			br.Rack = *b.Rack
		}
		in.Brokers = append(in.Brokers, br)
	}
	sort.Slice(in.Brokers, func(i, j int) bool { return in.Brokers[i].ID < in.Brokers[j].ID })
	in.ControllerSource = "metadata"
	leader, err := c.QuorumLeader(ctx)
	switch {
	case err == nil:
		in.ControllerID, in.ControllerSource, in.KRaft = leader, "quorum", true
	case errors.Is(err, kerr.ClusterAuthorizationFailed):
		in.Warnings = append(in.Warnings, "DescribeQuorum refused (CLUSTER_AUTHORIZATION_FAILED): grant Gregor's user DESCRIBE on the CLUSTER resource to see the active controller; controller_id is the broker the metadata names, which on KRaft is not the active controller")
	case !errors.Is(err, ErrNoQuorum):
		return in, c.explain(err)
	}
	return in, nil
}

// MetadataAll asks a broker for the metadata of every topic, bypassing the cache (see Metadata).
func (c *Client) MetadataAll(ctx context.Context) (*kmsg.MetadataResponse, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = nil
	return req.RequestWith(ctx, c.kgo)
}

// Metadata asks a broker for the cluster's metadata, for the given topics or (none given) for
// brokers only. It bypasses franz-go's metadata cache on purpose: kadm's metadata calls use
// that cache, and a brokers-only request can then return a broker list minutes old, hiding a
// dead broker.
func (c *Client) Metadata(ctx context.Context, topics ...string) (*kmsg.MetadataResponse, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{}
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	return req.RequestWith(ctx, c.kgo)
}

// ErrNoQuorum: the cluster has no KRaft quorum to describe (ZooKeeper mode, or kfake).
var ErrNoQuorum = errors.New("cluster has no KRaft metadata quorum to describe")

// QuorumLeader returns the KRaft metadata quorum's leader (the active controller).
func (c *Client) QuorumLeader(ctx context.Context) (int32, error) {
	if !c.versionsKnown() {
		if err := c.Connect(ctx); err != nil {
			return -1, err
		}
	}
	if _, ok := c.Supports(kmsg.DescribeQuorum.Int16()); !ok {
		return -1, ErrNoQuorum
	}
	req := kmsg.NewPtrDescribeQuorumRequest()
	t := kmsg.NewDescribeQuorumRequestTopic()
	t.Topic = "__cluster_metadata"
	t.Partitions = []kmsg.DescribeQuorumRequestTopicPartition{kmsg.NewDescribeQuorumRequestTopicPartition()}
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, c.kgo)
	if err != nil {
		if errors.Is(err, kerr.UnsupportedVersion) {
			return -1, ErrNoQuorum
		}
		return -1, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return -1, err
	}
	if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
		return -1, fmt.Errorf("DescribeQuorum: unexpected response shape")
	}
	p := resp.Topics[0].Partitions[0]
	if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
		return -1, err
	}
	return p.LeaderID, nil
}

func (c *Client) versionsKnown() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.versions) > 0
}
