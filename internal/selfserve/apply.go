package selfserve

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/store"
)

// applyTimeout bounds applying one request on Kafka.
const applyTimeout = 60 * time.Second

// apply applies an approved request on Kafka and records applied or failed with the result.
func (s *Service) apply(ctx context.Context, a Actor, r store.Request) store.Request {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), applyTimeout)
	defer cancel()
	var sp Spec
	result, err := any(nil), json.Unmarshal([]byte(r.Spec), &sp)
	if err == nil {
		result, err = s.applySpec(ctx, sp)
	}
	r.UpdatedAt = s.now().UTC()
	if err != nil {
		r.State, r.Error = store.RequestFailed, err.Error()
	} else {
		b, _ := json.Marshal(result)
		r.State, r.Error, r.Result = store.RequestApplied, "", string(b)
	}
	if uerr := s.st.UpdateRequest(ctx, r, store.RequestApproved); uerr != nil {
		s.log.Error("self-service: recording a request's outcome failed", "request", r.ID, "err", uerr)
	}
	s.log.Info("self-service request applied", "request", r.ID, "kind", r.Kind, "state", r.State, "by", a.User)
	s.notify(ctx, Event{Request: r, Action: string(r.State), By: a.User})
	return r
}

func (s *Service) applySpec(ctx context.Context, sp Spec) (any, error) {
	t, err := s.kafkaTarget(sp.Cluster)
	if err != nil {
		return nil, err
	}
	switch sp.Kind {
	case KindTopic:
		plan, err := s.createTopic(ctx, t, sp, false)
		if err != nil {
			return nil, err
		}
		o := store.TopicOwner{Cluster: sp.Cluster, Topic: sp.Topic, Application: sp.Application, Region: sp.Region, CreatedAt: s.now().UTC()}
		return plan, s.st.SetTopicOwner(ctx, o)
	case KindAccess:
		return s.grant(ctx, t, sp)
	case KindQuota:
		return s.setQuota(ctx, t, sp, false)
	case KindPartitions:
		o, err := s.st.GetTopicOwner(ctx, sp.Cluster, sp.Topic)
		if err != nil {
			return nil, storeErr("owner of topic "+sp.Topic, err)
		}
		return s.addPartitions(ctx, t, sp, o.Region, false)
	}
	return nil, operate.Errorf(operate.Invalid, "unknown request kind %q", sp.Kind)
}

// createTopic creates (or, dry, validates) a requested topic, on its region's brokers.
func (s *Service) createTopic(ctx context.Context, t Target, sp Spec, dry bool) (*operate.CreateTopicPlan, error) {
	spec := operate.TopicSpec{Name: sp.Topic, Partitions: sp.Partitions, ReplicationFactor: sp.ReplicationFactor,
		Configs: maps.Clone(sp.Configs), DryRun: dry}
	if sp.RetentionMs > 0 {
		if spec.Configs == nil {
			spec.Configs = map[string]string{}
		}
		spec.Configs["retention.ms"] = strconv.FormatInt(sp.RetentionMs, 10)
	}
	if sp.Region != "" {
		r, ok := t.Region(sp.Region)
		if !ok {
			return nil, operate.Errorf(operate.Invalid, "cluster %q has no region %q; its regions: %s", t.Name, sp.Region, regionNames(t))
		}
		spec.Brokers = r.Brokers
	}
	return operate.CreateTopic(ctx, t.Client, spec)
}

func (s *Service) addPartitions(ctx context.Context, t Target, sp Spec, region string, dry bool) (*operate.AddPartitionsPlan, error) {
	var brokers []int32
	if region != "" {
		r, ok := t.Region(region)
		if !ok {
			return nil, operate.Errorf(operate.Invalid, "topic %q is in region %q, which cluster %q no longer has", sp.Topic, region, t.Name)
		}
		brokers = r.Brokers
	}
	return operate.AddPartitionsOn(ctx, t.Client, sp.Topic, sp.Count, brokers, dry)
}

func (s *Service) setQuota(ctx context.Context, t Target, sp Spec, dry bool) (*operate.QuotaPlan, error) {
	user := sp.Application
	c := operate.QuotaChange{Entity: operate.QuotaEntity{User: &user}, Set: map[string]float64{}}
	if sp.ProducerByteRate > 0 {
		c.Set["producer_byte_rate"] = float64(sp.ProducerByteRate)
	}
	if sp.ConsumerByteRate > 0 {
		c.Set["consumer_byte_rate"] = float64(sp.ConsumerByteRate)
	}
	return operate.AlterQuotas(ctx, t.Client.Admin, c, dry)
}

func (s *Service) topicExists(ctx context.Context, t Target, topic string) error {
	if topic == "" {
		return operate.Errorf(operate.Invalid, `"topic" is required`)
	}
	md, err := t.Client.Metadata(ctx, topic)
	if err != nil {
		return operate.Explain("reading topic "+strconv.Quote(topic), err)
	}
	for _, mt := range md.Topics {
		if mt.Topic != nil && *mt.Topic == topic && mt.ErrorCode == 0 {
			return nil
		}
	}
	return operate.Errorf(operate.NotFound, "cluster %q has no topic %q", t.Name, topic)
}

// accessACLs are the ACLs of an access grant: produce writes and describes the topic;
// consume reads and describes it and reads its consumer group (a literal name, or a prefix:
// the group ending in '*', by default the application's name).
func accessACLs(sp Spec) []operate.ACL {
	acl := func(rt, name, pattern, op string) operate.ACL {
		return operate.ACL{Principal: principal(sp.Application), Host: "*", ResourceType: rt, ResourceName: name,
			PatternType: pattern, Operation: op, Permission: "allow"}
	}
	if sp.Access == "produce" {
		return []operate.ACL{acl("topic", sp.Topic, "literal", "write"), acl("topic", sp.Topic, "literal", "describe")}
	}
	group, pattern := sp.Group, "literal"
	switch {
	case group == "":
		group, pattern = sp.Application, "prefixed"
	case strings.HasSuffix(group, "*"):
		group, pattern = strings.TrimSuffix(group, "*"), "prefixed"
	}
	return []operate.ACL{acl("topic", sp.Topic, "literal", "read"), acl("topic", sp.Topic, "literal", "describe"),
		acl("group", group, pattern, "read")}
}

// grant creates an access's ACLs on Kafka and records the grant.
func (s *Service) grant(ctx context.Context, t Target, sp Spec) ([]operate.ACL, error) {
	acls := accessACLs(sp)
	for _, a := range acls {
		if _, err := operate.CreateACL(ctx, t.Client.Kgo(), a, false); err != nil {
			return nil, fmt.Errorf("creating ACL %s %s on %s %q: %w", a.Permission, a.Operation, a.ResourceType, a.ResourceName, err)
		}
	}
	g := store.Grant{Cluster: sp.Cluster, Topic: sp.Topic, Application: sp.Application, Access: sp.Access, Group: sp.Group, CreatedAt: s.now().UTC()}
	return acls, s.st.PutGrant(ctx, g)
}
