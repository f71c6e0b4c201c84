package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

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
