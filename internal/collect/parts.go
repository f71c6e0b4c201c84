package collect

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// metadata fetches brokers, topics and partitions (one request). Without it nothing else of
// the cycle can be placed, so it reports whether to go on.
func (r *run) metadata(ctx context.Context) bool {
	start := time.Now()
	mctx, cancel := context.WithTimeout(ctx, r.c.o.Timeout)
	defer cancel()
	md, err := r.c.o.Client.MetadataAll(mctx)
	r.s.Timings["metadata"] = time.Since(start)
	if err != nil {
		r.fail("metadata", snapshot.NoBroker, r.c.o.Client.Explain(err))
		return false
	}
	s := r.s
	if md.ClusterID != nil {
		s.ClusterID = *md.ClusterID
	}
	s.ControllerID, s.ControllerSource = md.ControllerID, "metadata"
	for _, b := range md.Brokers {
		br := &snapshot.Broker{ID: b.NodeID, Host: b.Host, Port: b.Port}
		if b.Rack != nil {
			br.Rack = *b.Rack
		}
		s.Brokers = append(s.Brokers, br)
	}
	sort.Slice(s.Brokers, func(i, j int) bool { return s.Brokers[i].ID < s.Brokers[j].ID })
	for _, t := range md.Topics {
		if t.Topic == nil {
			continue
		}
		tp := &snapshot.Topic{Name: *t.Topic, Internal: t.IsInternal, Partitions: make([]*snapshot.Partition, len(t.Partitions))}
		if t.TopicID != ([16]byte{}) {
			tp.ID = base64.RawURLEncoding.EncodeToString(t.TopicID[:])
		}
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			tp.Error = err.Error()
		}
		for _, p := range t.Partitions {
			if p.Partition < 0 || int(p.Partition) >= len(tp.Partitions) {
				continue // malformed answer; never index out of range
			}
			pp := &snapshot.Partition{ID: p.Partition, Leader: p.Leader, LeaderEpoch: p.LeaderEpoch,
				Replicas: p.Replicas, ISR: p.ISR, Offline: p.OfflineReplicas, StartOffset: -1, EndOffset: -1}
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil && !errors.Is(err, kerr.ReplicaNotAvailable) {
				pp.Error = err.Error()
			}
			tp.Partitions[p.Partition] = pp
		}
		for i, p := range tp.Partitions {
			if p == nil {
				tp.Partitions[i] = &snapshot.Partition{ID: int32(i), Leader: -1, StartOffset: -1, EndOffset: -1, Error: "missing from metadata"}
			}
		}
		s.Topics[tp.Name] = tp
	}
	r.missingBrokers()
	return true
}

// missingBrokers adds the brokers that hold replicas but are not in the metadata: under KRaft
// a killed or shut down broker is fenced and leaves the metadata, yet it is down, not gone.
// They are listed unreachable, with the address they had when last seen.
func (r *run) missingBrokers() {
	s := r.s
	if r.c.known == nil {
		r.c.known = map[int32]snapshot.Broker{}
	}
	in := map[int32]bool{}
	for _, b := range s.Brokers {
		in[b.ID] = true
		r.c.known[b.ID] = snapshot.Broker{ID: b.ID, Host: b.Host, Port: b.Port, Rack: b.Rack}
	}
	added := false
	for _, t := range s.Topics {
		for _, p := range t.Partitions {
			for _, id := range p.Replicas {
				if in[id] {
					continue
				}
				in[id] = true
				k := r.c.known[id]
				s.Brokers = append(s.Brokers, &snapshot.Broker{ID: id, Host: k.Host, Port: k.Port, Rack: k.Rack, Missing: true,
					Error: "not in the cluster metadata but holds replicas: shut down, killed or fenced"})
				added = true
			}
		}
	}
	if added {
		sort.Slice(s.Brokers, func(i, j int) bool { return s.Brokers[i].ID < s.Brokers[j].ID })
	}
}

// apiVersions asks one broker for its API versions: whether it is reachable, what it
// supports, and which Kafka it probably is.
func (r *run) apiVersions(ctx context.Context, b *snapshot.Broker) func() {
	req := kmsg.NewPtrApiVersionsRequest()
	req.ClientSoftwareName, req.ClientSoftwareVersion = "gregor", "1"
	resp, err := req.RequestWith(ctx, r.c.o.Client.Kgo().Broker(int(b.ID)))
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	return func() {
		if err != nil {
			b.Error = err.Error()
			r.fail("api_versions", b.ID, err)
			return
		}
		b.Reachable = true
		b.APIVersions = make(map[int16]int16, len(resp.ApiKeys))
		for _, k := range resp.ApiKeys {
			b.APIVersions[k.ApiKey] = k.MaxVersion
		}
		b.KafkaVersion = kversion.FromApiVersionsResponse(resp).VersionGuess()
	}
}

func (r *run) quorum(ctx context.Context) func() {
	leader, err := r.c.o.Client.QuorumLeader(ctx)
	if err != nil {
		if errors.Is(err, kafka.ErrNoQuorum) {
			return nil // not KRaft: the metadata's controller stands
		}
		if errors.Is(err, kerr.ClusterAuthorizationFailed) {
			err = fmt.Errorf("DescribeQuorum not authorized (grant DESCRIBE on CLUSTER): %w", err)
		}
		return func() { r.fail("quorum", snapshot.NoBroker, err) }
	}
	return func() { r.s.ControllerID, r.s.ControllerSource = leader, "quorum" }
}

// scrape reads one broker's Prometheus endpoint.
func (r *run) scrape(ctx context.Context, b *snapshot.Broker, url string) func() {
	m, err := scrape.Fetch(ctx, r.c.o.HTTP, url)
	return func() {
		if err != nil {
			b.MetricsError = err.Error()
			r.fail("metrics", b.ID, err)
			return
		}
		b.Metrics = m
	}
}
