package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// keptConfigs are kept even at their default value: the checks read them. Other configs are
// kept only when set (not default), which keeps a 20k-topic snapshot small.
var keptConfigs = map[string]bool{
	"min.insync.replicas": true, "retention.ms": true, "retention.bytes": true, "cleanup.policy": true,
	"unclean.leader.election.enable": true, "segment.bytes": true, "max.message.bytes": true,
	"message.timestamp.type": true, "compression.type": true, "message.downconversion.enable": true,
	"num.partitions": true, "default.replication.factor": true, "log.retention.hours": true,
	"log.dirs": true, "num.network.threads": true, "num.io.threads": true, "num.replica.fetchers": true,
	"replica.lag.time.max.ms": true, "auto.create.topics.enable": true, "log.cleaner.enable": true,
}

func configMap(cs []kadm.Config) map[string]snapshot.Config {
	out := make(map[string]snapshot.Config)
	for _, c := range cs {
		if c.Source == kmsg.ConfigSourceDefaultConfig && !keptConfigs[c.Key] {
			continue
		}
		sc := snapshot.Config{Source: strings.ToLower(strings.TrimSuffix(c.Source.String(), "_CONFIG")), Sensitive: c.Sensitive}
		if !c.Sensitive {
			sc.Value = c.MaybeValue()
		}
		out[c.Key] = sc
	}
	return out
}

// configs describes every topic's configs (one request) and every broker's (one each).
func (r *run) configs(ctx context.Context) func() {
	adm := r.c.o.Client.Admin
	names := make([]string, 0, len(r.s.Topics))
	for n := range r.s.Topics {
		names = append(names, n)
	}
	var topics kadm.ResourceConfigs
	var terr error
	if len(names) > 0 {
		topics, terr = adm.DescribeTopicConfigs(ctx, names...)
	}
	ids := make([]int32, 0, len(r.s.Brokers))
	for _, b := range r.s.Brokers {
		if !b.Missing {
			ids = append(ids, b.ID)
		}
	}
	brokers, berr := adm.DescribeBrokerConfigs(ctx, ids...)
	return func() {
		if terr != nil {
			r.fail("configs", snapshot.NoBroker, terr)
		}
		for _, rc := range topics {
			if t := r.s.Topics[rc.Name]; t != nil && rc.Err == nil {
				t.Configs = configMap(rc.Configs)
			}
		}
		if errors.Is(berr, kerr.ClusterAuthorizationFailed) {
			berr = fmt.Errorf("broker configs not authorized (grant DESCRIBE_CONFIGS on CLUSTER): %w", berr)
		}
		if berr != nil {
			r.fail("configs", snapshot.NoBroker, berr) // per failing broker when some answered
		}
		for _, rc := range brokers {
			b := r.s.Broker(parseID(rc.Name))
			if b == nil {
				continue
			}
			if rc.Err != nil {
				r.fail("configs", b.ID, rc.Err)
				continue
			}
			b.Configs = configMap(rc.Configs)
		}
	}
}

func parseID(s string) int32 {
	var n int32
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int32(c-'0')
	}
	return n
}

// logDirs describes every broker's log dirs (one request per broker).
func (r *run) logDirs(ctx context.Context) func() {
	all, err := r.c.o.Client.Admin.DescribeAllLogDirs(ctx, nil)
	return func() {
		if err != nil {
			r.fail("log_dirs", snapshot.NoBroker, err) // per failing broker when some answered
		}
		for id, dirs := range all {
			b := r.s.Broker(id)
			if b == nil {
				continue
			}
			for _, d := range dirs.Sorted() {
				ld := snapshot.LogDir{Path: d.Dir, TotalBytes: d.TotalBytes, UsableBytes: d.UsableBytes}
				if d.Err != nil {
					ld.Error = d.Err.Error()
					r.fail("log_dirs", id, d.Err)
				}
				d.Topics.Each(func(p kadm.DescribedLogDirPartition) {
					ld.UsedBytes += p.Size
					if pp := r.s.Partition(p.Topic, p.Partition); pp != nil {
						if pp.ReplicaBytes == nil {
							pp.ReplicaBytes = make(map[int32]int64, len(pp.Replicas))
						}
						pp.ReplicaBytes[id] += p.Size
					}
				})
				b.LogDirs = append(b.LogDirs, ld)
			}
		}
	}
}

// offsets lists start and end offsets of every partition (batched per leader broker).
func (r *run) offsets(ctx context.Context) func() {
	if len(r.s.Topics) == 0 {
		return nil
	}
	// Two ListOffsets requests over every partition (earliest, latest); kgo splits each by
	// partition leader, so a cycle costs one request per broker and direction, with no
	// metadata round trip of its own (kadm's ListStart/EndOffsets add one each).
	cl := r.c.o.Client.Kgo()
	starts := cl.RequestSharded(ctx, listOffsetsReq(r.s.Topics, -2))
	ends := cl.RequestSharded(ctx, listOffsetsReq(r.s.Topics, -1))
	return func() {
		perBroker := map[int32]error{}
		apply := func(shards []kgo.ResponseShard, set func(p *snapshot.Partition, o int64)) {
			for _, sh := range shards {
				if sh.Err != nil {
					perBroker[sh.Meta.NodeID] = sh.Err
					continue
				}
				for _, t := range sh.Resp.(*kmsg.ListOffsetsResponse).Topics {
					for _, rp := range t.Partitions {
						p := r.s.Partition(t.Topic, rp.Partition)
						if p == nil {
							continue
						}
						if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
							if p.Error == "" {
								p.Error = err.Error()
							}
							if _, seen := perBroker[p.Leader]; !seen {
								perBroker[p.Leader] = err
							}
							continue
						}
						set(p, rp.Offset)
					}
				}
			}
		}
		apply(starts, func(p *snapshot.Partition, o int64) { p.StartOffset = o })
		apply(ends, func(p *snapshot.Partition, o int64) { p.EndOffset = o })
		for id, e := range perBroker {
			r.fail("offsets", id, e)
		}
	}
}

// listOffsetsReq asks for every partition's offset at ts (-2 earliest, -1 latest).
func listOffsetsReq(topics map[string]*snapshot.Topic, ts int64) *kmsg.ListOffsetsRequest {
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	req.Topics = make([]kmsg.ListOffsetsRequestTopic, 0, len(topics))
	for name, t := range topics {
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = name
		rt.Partitions = make([]kmsg.ListOffsetsRequestTopicPartition, 0, len(t.Partitions))
		for _, p := range t.Partitions {
			if p == nil {
				continue
			}
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Partition, rp.Timestamp, rp.CurrentLeaderEpoch = p.ID, ts, -1
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
	}
	return req
}
