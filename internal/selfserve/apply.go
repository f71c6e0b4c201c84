package selfserve

import (
	"context"
	"encoding/json"
	"errors"
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

// apply applies an approved request on Kafka and records applied or failed with the result;
// an error only when the outcome could not be recorded (the request stays approved, and the
// Kafka team can retry it once it is stale).
func (s *Service) apply(ctx context.Context, a Actor, r store.Request) (store.Request, error) {
	// The caller leaving does not stop it; Kafka's part has applyTimeout, and recording the
	// outcome a fresh bound of its own, so a slow Kafka never leaves it unrecorded.
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), applyTimeout)
	defer cancel()
	var sp Spec
	result, err := any(nil), json.Unmarshal([]byte(r.Spec), &sp)
	if err == nil {
		result, err = s.applySpec(kctx, sp)
	}
	ctx, cancelRec := recordCtx(ctx)
	defer cancelRec()
	r.UpdatedAt = s.now().UTC()
	if err != nil {
		r.State, r.Error = store.RequestFailed, err.Error()
	} else {
		b, _ := json.Marshal(result)
		r.State, r.Error, r.Result = store.RequestApplied, "", string(b)
	}
	if uerr := s.st.UpdateRequest(ctx, r, store.RequestApproved); uerr != nil {
		s.log.Error("self-service: recording a request's outcome failed", "request", r.ID, "state", r.State, "err", uerr)
		return r, fmt.Errorf("request %d was %s on Kafka, but recording that failed (%v): it stays approved; retry it later", r.ID, r.State, uerr)
	}
	s.log.Info("self-service request applied", "request", r.ID, "kind", r.Kind, "state", r.State, "by", a.User)
	s.notify(ctx, Event{Request: r, Action: string(r.State), By: a.User})
	return r, nil
}

// recordCtx bounds a write to the store after Kafka's part, whatever time that took.
func recordCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
}

// staleApproved: an approved request whose apply ended long ago without recording an
// outcome (Gregor stopped meanwhile, or the store failed).
func (s *Service) staleApproved(r store.Request) bool {
	return r.State == store.RequestApproved && s.now().Sub(r.UpdatedAt) > 2*applyTimeout
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
		rctx, cancel := recordCtx(ctx)
		defer cancel()
		return plan, s.st.SetTopicOwner(rctx, o)
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
// consume reads and describes it and reads its consumer group: Group as named (a prefix when
// it ends in '*'), by default every group named "<application>." and more.
func accessACLs(sp Spec) []operate.ACL {
	acl := func(rt, name, pattern, op string) operate.ACL {
		return operate.ACL{Principal: principal(sp.Application), Host: "*", ResourceType: rt, ResourceName: name,
			PatternType: pattern, Operation: op, Permission: "allow"}
	}
	if sp.Access == "produce" {
		return []operate.ACL{acl("topic", sp.Topic, "literal", "write"), acl("topic", sp.Topic, "literal", "describe")}
	}
	group, pattern := groupOf(sp)
	return []operate.ACL{acl("topic", sp.Topic, "literal", "read"), acl("topic", sp.Topic, "literal", "describe"),
		acl("group", group, pattern, "read")}
}

// groupOf is the consumer group a consume access names, and its pattern type.
func groupOf(sp Spec) (name, pattern string) {
	switch {
	case sp.Group == "":
		return sp.Application + ".", "prefixed"
	case strings.HasSuffix(sp.Group, "*"):
		return strings.TrimSuffix(sp.Group, "*"), "prefixed"
	}
	return sp.Group, "literal"
}

// ownGroup reports whether a consume access stays in the application's own groups (named
// "<application>." and more); others need the Kafka team's approval.
func ownGroup(sp Spec) bool {
	g, _ := groupOf(sp)
	return strings.HasPrefix(g, sp.Application+".")
}

// grant creates an access's ACLs on Kafka and records the grant; if anything fails, the ACLs
// it created are deleted again, so a failed request grants nothing. Grants are applied one
// at a time (their group ACLs are shared between an application's grants).
func (s *Service) grant(ctx context.Context, t Target, sp Spec) ([]operate.ACL, error) {
	s.grantMu.Lock()
	defer s.grantMu.Unlock()
	acls := accessACLs(sp)
	var created []operate.ACL
	undo := func(err error) error {
		for _, c := range created {
			if _, uerr := operate.DeleteACLs(context.WithoutCancel(ctx), t.Client.Kgo(), aclFilter(c), false); uerr != nil {
				s.log.Error("self-service: removing an ACL of a failed grant failed", "acl", c, "err", uerr)
			}
		}
		return err
	}
	for _, a := range acls {
		plan, err := operate.CreateACL(ctx, t.Client.Kgo(), a, false)
		if err != nil {
			return nil, undo(fmt.Errorf("creating ACL %s %s on %s %q: %w", a.Permission, a.Operation, a.ResourceType, a.ResourceName, err))
		}
		if !plan.Exists {
			created = append(created, a)
		}
	}
	g := store.Grant{Cluster: sp.Cluster, Topic: sp.Topic, Application: sp.Application, Access: sp.Access, Group: sp.Group, CreatedAt: s.now().UTC()}
	if err := s.dropReplacedGroup(ctx, t, g); err != nil {
		return nil, undo(err)
	}
	rctx, cancel := recordCtx(ctx)
	defer cancel()
	if err := s.st.PutGrant(rctx, g); err != nil {
		return nil, undo(err)
	}
	return acls, nil
}

// dropReplacedGroup: a consume grant that replaces one of the same topic with another group
// removes the old group's ACL, unless the new grant or another of the application's grants
// on the cluster gives the same ACL.
func (s *Service) dropReplacedGroup(ctx context.Context, t Target, g store.Grant) error {
	if g.Access != "consume" {
		return nil
	}
	gs, err := s.st.ListGrants(ctx, store.GrantFilter{Cluster: g.Cluster, Application: g.Application})
	if err != nil {
		return err
	}
	var old *store.Grant
	for i := range gs {
		if gs[i].Topic == g.Topic && gs[i].Access == "consume" {
			old = &gs[i]
		}
	}
	if old == nil || groupKey(*old) == groupKey(g) || groupUsedElsewhere(gs, *old) {
		return nil
	}
	name, pattern := groupOf(Spec{Application: g.Application, Group: old.Group})
	_, err = operate.DeleteACLs(ctx, t.Client.Kgo(), aclFilter(operate.ACL{Principal: principal(g.Application), Host: "*", ResourceType: "group",
		ResourceName: name, PatternType: pattern, Operation: "read", Permission: "allow"}), false)
	return err
}

// ForgetTopic drops what self-service knows of a deleted topic: its owner, its access grants
// and their topic ACLs (Kafka keeps ACLs by name, so a topic created later under the name
// would inherit them). Group ACLs stay: other grants of the application may use them.
func (s *Service) ForgetTopic(ctx context.Context, cluster, topic string) error {
	t, err := s.kafkaTarget(cluster)
	if err != nil {
		return err
	}
	grants, err := s.st.ListGrants(ctx, store.GrantFilter{Cluster: cluster, Topic: topic})
	if err != nil {
		return err
	}
	for _, g := range grants {
		all, err := s.st.ListGrants(ctx, store.GrantFilter{Cluster: cluster, Application: g.Application})
		if err != nil {
			return err
		}
		for _, acl := range accessACLs(Spec{Application: g.Application, Topic: topic, Access: g.Access, Group: g.Group}) {
			if acl.ResourceType == "group" && groupUsedElsewhere(all, g) {
				continue // the application's other grants still give it
			}
			if _, err := operate.DeleteACLs(ctx, t.Client.Kgo(), aclFilter(acl), false); err != nil {
				return err
			}
		}
		if err := s.st.DeleteGrant(ctx, g); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if err := s.st.DeleteTopicOwner(ctx, cluster, topic); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// groupKey is the group ACL a consume grant gives, as pattern:name.
func groupKey(g store.Grant) string {
	name, pattern := groupOf(Spec{Application: g.Application, Group: g.Group})
	return pattern + ":" + name
}

// groupUsedElsewhere reports whether another consume grant among gs (the application's, on
// the cluster) than the one on g's topic gives the same group ACL as g.
func groupUsedElsewhere(gs []store.Grant, g store.Grant) bool {
	for _, o := range gs {
		if o.Access == "consume" && o.Topic != g.Topic && groupKey(o) == groupKey(g) {
			return true
		}
	}
	return false
}

// aclFilter selects exactly one ACL.
func aclFilter(a operate.ACL) operate.ACLFilter {
	return operate.ACLFilter{Principal: a.Principal, Host: a.Host, ResourceType: a.ResourceType, ResourceName: a.ResourceName,
		PatternType: a.PatternType, Operation: a.Operation, Permission: a.Permission}
}
