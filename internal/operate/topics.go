package operate

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Topic operations: create (optionally placed on a broker set), delete, add partitions, alter
// configs, purge records. Each takes DryRun: the plan is built (and, where Kafka has a
// ValidateOnly flag, checked by Kafka) and nothing changes.

// MaxPartitions bounds the partition count a topic is created with or grown to here: a guard
// against a typo asking the controller for millions.
const MaxPartitions = 20000

// kafkaTimeoutMillis is the time the controller gets to complete a change.
const kafkaTimeoutMillis = 15000

// KeyOrderWarning is in every add-partitions plan.
const KeyOrderWarning = "keys hash to new partitions: per-key order breaks across the change " +
	"(a key's new messages can go to another partition than its old ones, and consumers may read them out of order)"

// TopicSpec is a topic to create.
type TopicSpec struct {
	Name              string            `json:"name"`
	Partitions        int32             `json:"partitions,omitempty"`         // 0: the cluster's num.partitions
	ReplicationFactor int16             `json:"replication_factor,omitempty"` // 0: the cluster's default.replication.factor
	Configs           map[string]string `json:"configs,omitempty"`
	// Brokers, if set, is the broker set the replicas go on: Gregor computes the assignment
	// (distinct brokers per partition, leaders rotated, racks alternated). Otherwise Kafka
	// places the replicas.
	Brokers []int32 `json:"brokers,omitempty"`
	DryRun  bool    `json:"dry_run,omitempty"`
}

// PartitionReplicas is one partition's replicas, the preferred leader first.
type PartitionReplicas struct {
	Partition int32    `json:"partition"`
	Replicas  []int32  `json:"replicas"`
	Racks     []string `json:"racks,omitempty"` // each replica's broker rack, when brokers have racks
}

// CreateTopicPlan is what creating a topic does (DryRun) or did.
type CreateTopicPlan struct {
	Topic             string `json:"topic"`
	ID                string `json:"id,omitempty"` // once created
	DryRun            bool   `json:"dry_run"`
	Partitions        int32  `json:"partitions"`
	ReplicationFactor int16  `json:"replication_factor"`
	// Placement is "brokers" (the assignment, computed over Brokers) or "kafka" (Kafka's own
	// rack-aware placement, known once created).
	Placement  string              `json:"placement"`
	Brokers    []int32             `json:"brokers,omitempty"`
	Assignment []PartitionReplicas `json:"assignment,omitempty"`
	// Configs are the topic's own configs as Kafka takes them (inherited defaults left out).
	Configs  map[string]string `json:"configs"`
	Summary  string            `json:"summary"`
	Warnings []string          `json:"warnings,omitempty"`
}

// BrokerPlace is a broker and its rack ("" when it has none), for AssignReplicas.
type BrokerPlace struct {
	ID   int32  `json:"id"`
	Rack string `json:"rack,omitempty"`
}

// CreateTopic validates the spec with Kafka (CreateTopics with ValidateOnly) and, unless it is
// a dry run, creates the topic. With a broker set, the replica assignment is computed here and
// sent explicitly, and validated by Kafka too.
func CreateTopic(ctx context.Context, cl *kafka.Client, spec TopicSpec) (*CreateTopicPlan, error) {
	what := "create topic " + strconv.Quote(spec.Name)
	if strings.TrimSpace(spec.Name) == "" {
		return nil, Errorf(Invalid, "create topic: name is required")
	}
	switch {
	case spec.Partitions < 0:
		return nil, Errorf(Invalid, "%s: partitions must be at least 1 (or omitted for the cluster's num.partitions)", what)
	case spec.Partitions > MaxPartitions:
		return nil, Errorf(Invalid, "%s: %d partitions is more than the %d Gregor creates at once", what, spec.Partitions, MaxPartitions)
	case spec.ReplicationFactor < 0:
		return nil, Errorf(Invalid, "%s: replication_factor must be at least 1 (or omitted for the cluster's default.replication.factor)", what)
	}
	for k := range spec.Configs {
		if strings.TrimSpace(k) == "" {
			return nil, Errorf(Invalid, "%s: a config key is empty", what)
		}
	}
	plan := &CreateTopicPlan{Topic: spec.Name, DryRun: spec.DryRun, Placement: "kafka", Configs: map[string]string{}}

	var places []BrokerPlace
	if len(spec.Brokers) > 0 {
		if spec.ReplicationFactor > 0 && int(spec.ReplicationFactor) > len(spec.Brokers) {
			return nil, Errorf(Invalid, "%s: the replication factor (%d) is larger than the broker set (%d brokers: %s)",
				what, spec.ReplicationFactor, len(spec.Brokers), brokerList(spec.Brokers))
		}
		var err error
		if places, err = placesOf(ctx, cl, what, spec.Brokers); err != nil {
			return nil, err
		}
		plan.Placement = "brokers"
		plan.Brokers = slices.Sorted(slices.Values(spec.Brokers))
	}

	// Kafka's own validation first: name, configs, partitions, replication factor, existence.
	// It also resolves defaults (omitted partitions or replication factor).
	v, err := createTopicsRequest(ctx, cl, spec, nil, true)
	if err != nil {
		return nil, err
	}
	plan.Partitions, plan.ReplicationFactor = v.NumPartitions, v.ReplicationFactor
	if plan.Partitions <= 0 { // Kafka before 2.4 does not say; the request's values stand
		plan.Partitions = spec.Partitions
	}
	if plan.ReplicationFactor <= 0 {
		plan.ReplicationFactor = spec.ReplicationFactor
	}
	if plan.Partitions > MaxPartitions {
		return nil, Errorf(Invalid, "%s: %d partitions is more than the %d Gregor creates at once", what, plan.Partitions, MaxPartitions)
	}
	plan.Configs = topicConfigs(v.Configs, spec.Configs)

	if places != nil {
		if int(plan.ReplicationFactor) > len(places) {
			return nil, Errorf(Invalid, "%s: the replication factor (%d) is larger than the broker set (%d brokers: %s)",
				what, plan.ReplicationFactor, len(places), brokerList(spec.Brokers))
		}
		if plan.Assignment, err = AssignReplicas(places, plan.Partitions, plan.ReplicationFactor); err != nil {
			return nil, &Error{Kind: Invalid, Msg: what + ": " + err.Error(), Err: err}
		}
		// Kafka checks the explicit assignment too (brokers registered, policy).
		if _, err := createTopicsRequest(ctx, cl, spec, plan.Assignment, true); err != nil {
			return nil, err
		}
	}
	plan.Warnings = createWarnings(plan, v.Configs, places)

	if !spec.DryRun {
		if _, err := createTopicsRequest(ctx, cl, spec, plan.Assignment, false); err != nil {
			return nil, err
		}
		t, err := waitTopic(ctx, cl, spec.Name, func(t *kmsg.MetadataResponseTopic) bool {
			return len(t.Partitions) >= int(plan.Partitions)
		})
		if err == nil {
			plan.ID = topicID(t)
			plan.Assignment = replicasOf(t, 0, racksOf(places))
		} else {
			plan.Warnings = append(plan.Warnings, "created, but its metadata was not visible yet: "+err.Error())
		}
	}
	plan.Summary = createSummary(plan)
	return plan, nil
}

// createTopicsRequest sends one CreateTopics for spec (NumPartitions and ReplicationFactor, or
// the explicit assignment) and returns the topic's answer, or its error explained with
// Kafka's own message.
func createTopicsRequest(ctx context.Context, cl *kafka.Client, spec TopicSpec, assign []PartitionReplicas, validate bool) (*kmsg.CreateTopicsResponseTopic, error) {
	what := "create topic " + strconv.Quote(spec.Name)
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = kafkaTimeoutMillis
	req.ValidateOnly = validate
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = spec.Name
	rt.NumPartitions, rt.ReplicationFactor = -1, -1
	if spec.Partitions > 0 {
		rt.NumPartitions = spec.Partitions
	}
	if spec.ReplicationFactor > 0 {
		rt.ReplicationFactor = spec.ReplicationFactor
	}
	if assign != nil {
		rt.NumPartitions, rt.ReplicationFactor = -1, -1
		for _, a := range assign {
			ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
			ra.Partition, ra.Replicas = a.Partition, a.Replicas
			rt.ReplicaAssignment = append(rt.ReplicaAssignment, ra)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(spec.Configs)) {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name, c.Value = k, kmsg.StringPtr(spec.Configs[k])
		rt.Configs = append(rt.Configs, c)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl.Kgo())
	if err != nil {
		return nil, Explain(what, err)
	}
	if len(resp.Topics) != 1 {
		return nil, Errorf(Unavailable, "%s: unexpected answer from the cluster (%d topics)", what, len(resp.Topics))
	}
	t := &resp.Topics[0]
	if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
		return nil, explainKafka(what, err, kstr(t.ErrorMessage))
	}
	return t, nil
}

// topicConfigs are the topic's own configs from a CreateTopics answer; when Kafka does not
// list them (before 2.4), the requested ones.
func topicConfigs(got []kmsg.CreateTopicsResponseTopicConfig, asked map[string]string) map[string]string {
	out := map[string]string{}
	for _, c := range got {
		if c.Source == int8(kmsg.ConfigSourceDynamicTopicConfig) {
			out[c.Name] = kstr(c.Value)
		}
	}
	for k, v := range asked {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

func createWarnings(plan *CreateTopicPlan, cfgs []kmsg.CreateTopicsResponseTopicConfig, places []BrokerPlace) []string {
	var w []string
	if strings.Contains(plan.Topic, ".") && strings.Contains(plan.Topic, "_") {
		w = append(w, "the name has both '.' and '_': Kafka's metric names turn '.' into '_', so it can collide with another topic's; use one or the other")
	}
	if plan.ReplicationFactor == 1 {
		w = append(w, "replication factor 1: the topic's data is lost, and it is unavailable, when its one broker fails")
	}
	for _, c := range cfgs {
		if c.Name != "min.insync.replicas" || c.Value == nil {
			continue
		}
		if m, err := strconv.Atoi(*c.Value); err == nil && plan.ReplicationFactor > 1 && m >= int(plan.ReplicationFactor) {
			w = append(w, fmt.Sprintf("min.insync.replicas=%d with replication factor %d: producers with acks=all fail as soon as one replica is down", m, plan.ReplicationFactor))
		}
	}
	if len(places) > 1 && plan.ReplicationFactor > 1 {
		racks := map[string]bool{}
		for _, p := range places {
			racks[p.Rack] = true
		}
		if len(racks) == 1 && !racks[""] {
			w = append(w, "every broker of the set is in rack "+strconv.Quote(places[0].Rack)+": losing that rack loses every replica")
		}
	}
	return w
}

func createSummary(p *CreateTopicPlan) string {
	verb := "created"
	if p.DryRun {
		verb = "would create"
	}
	s := fmt.Sprintf("%s topic %q: %d partitions, replication factor %d", verb, p.Topic, p.Partitions, p.ReplicationFactor)
	if p.Placement == "brokers" {
		s += ", replicas on brokers " + brokerList(p.Brokers)
	} else {
		s += ", replicas placed by Kafka"
	}
	if n := len(p.Configs); n > 0 {
		s += fmt.Sprintf(", %d config(s) set", n)
	}
	return s
}

// AssignReplicas places partitions × rf replicas on the brokers: each partition's replicas on
// distinct brokers, the leaders (first replica) rotated over the brokers, and the followers
// chosen to spread each partition over as many racks as there are (brokers alternate by rack
// in the rotation, and each follower comes from the rack with the fewest of the partition's
// replicas so far). Brokers without a rack count as racks of their own.
func AssignReplicas(brokers []BrokerPlace, partitions int32, rf int16) ([]PartitionReplicas, error) {
	n := len(brokers)
	switch {
	case n == 0:
		return nil, errors.New("no brokers to place the replicas on")
	case rf < 1:
		return nil, errors.New("the replication factor must be at least 1")
	case int(rf) > n:
		return nil, fmt.Errorf("the replication factor (%d) is larger than the number of brokers (%d)", rf, n)
	case partitions < 1:
		return nil, errors.New("partitions must be at least 1")
	}
	ring := rackAlternated(brokers)
	withRacks := false
	for _, b := range brokers {
		withRacks = withRacks || b.Rack != ""
	}
	out := make([]PartitionReplicas, partitions)
	for p := range int(partitions) {
		start := p % n
		shift := 0
		if n > 1 {
			shift = (p / n) % (n - 1) // followers vary from one lap of leaders to the next
		}
		reps := []BrokerPlace{ring[start]}
		cands := make([]BrokerPlace, 0, n-1)
		for i := range n - 1 {
			cands = append(cands, ring[(start+1+(shift+i)%(n-1))%n])
		}
		for len(reps) < int(rf) {
			best, bestCount := -1, 0
			for i, c := range cands {
				if c.ID < 0 {
					continue // taken
				}
				cnt := 0
				for _, r := range reps {
					if rackKey(r) == rackKey(c) {
						cnt++
					}
				}
				if best < 0 || cnt < bestCount {
					best, bestCount = i, cnt
				}
			}
			reps = append(reps, cands[best])
			cands[best].ID = -1
		}
		pr := PartitionReplicas{Partition: int32(p)}
		for _, r := range reps {
			pr.Replicas = append(pr.Replicas, r.ID)
			if withRacks {
				pr.Racks = append(pr.Racks, r.Rack)
			}
		}
		out[p] = pr
	}
	return out, nil
}

func rackKey(b BrokerPlace) string {
	if b.Rack == "" {
		return "\x00" + strconv.Itoa(int(b.ID))
	}
	return b.Rack
}

// rackAlternated orders brokers so that consecutive ones are in different racks when they
// can be: racks in order of name, brokers by id within a rack, then taken one per rack in turn.
func rackAlternated(brokers []BrokerPlace) []BrokerPlace {
	byRack := map[string][]BrokerPlace{}
	for _, b := range brokers {
		byRack[rackKey(b)] = append(byRack[rackKey(b)], b)
	}
	racks := make([][]BrokerPlace, 0, len(byRack))
	for _, bs := range byRack {
		slices.SortFunc(bs, func(a, b BrokerPlace) int { return cmp.Compare(a.ID, b.ID) })
		racks = append(racks, bs)
	}
	slices.SortFunc(racks, func(a, b []BrokerPlace) int {
		if c := strings.Compare(a[0].Rack, b[0].Rack); c != 0 {
			return c
		}
		return cmp.Compare(a[0].ID, b[0].ID)
	})
	out := make([]BrokerPlace, 0, len(brokers))
	for i := 0; len(out) < len(brokers); i++ {
		for _, bs := range racks {
			if i < len(bs) {
				out = append(out, bs[i])
			}
		}
	}
	return out
}

// ConsumingGroup is a consumer group with committed offsets on (or assigned partitions of) a
// topic, from the latest snapshot.
type ConsumingGroup struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Members int    `json:"members"`
}

// DeleteTopicPlan is what deleting a topic removes (DryRun) or removed.
type DeleteTopicPlan struct {
	Topic             string `json:"topic"`
	ID                string `json:"id,omitempty"`
	DryRun            bool   `json:"dry_run"`
	Partitions        int    `json:"partitions"`
	ReplicationFactor int    `json:"replication_factor"`
	// From the latest snapshot; -1 when the topic is not in it yet.
	SizeBytes    int64            `json:"size_bytes"`    // leaders
	ReplicaBytes int64            `json:"replica_bytes"` // all replicas
	Messages     int64            `json:"messages"`
	Groups       []ConsumingGroup `json:"groups"`
	Summary      string           `json:"summary"`
	Warnings     []string         `json:"warnings,omitempty"`
}

// DeleteTopic deletes a topic, or (DryRun) says what would go: its partitions from the
// metadata, its size and the groups consuming it from snap (nil: unknown).
func DeleteTopic(ctx context.Context, cl *kafka.Client, topic string, snap *snapshot.Snapshot, dryRun bool) (*DeleteTopicPlan, error) {
	what := "delete topic " + strconv.Quote(topic)
	t, err := describeTopic(ctx, cl, topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	if t.IsInternal {
		return nil, Errorf(Invalid, "%s: it is one of Kafka's internal topics; Gregor does not delete those", what)
	}
	plan := &DeleteTopicPlan{Topic: topic, ID: topicID(t), DryRun: dryRun, Partitions: len(t.Partitions),
		SizeBytes: -1, ReplicaBytes: -1, Messages: -1, Groups: consumingGroups(snap, topic)}
	for _, p := range t.Partitions {
		plan.ReplicationFactor = max(plan.ReplicationFactor, len(p.Replicas))
	}
	if st := snapTopic(snap, topic); st != nil {
		plan.SizeBytes, plan.ReplicaBytes, plan.Messages = st.Stats.SizeBytes, st.Stats.ReplicaBytes, st.Stats.Messages
	} else {
		plan.Warnings = append(plan.Warnings, "the topic is not in the latest snapshot yet: its size and consumers are unknown")
	}
	for _, g := range plan.Groups {
		if g.Members > 0 {
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("group %q has %d active member(s) reading it: they will fail to fetch", g.ID, g.Members))
		}
	}
	if !dryRun {
		resp, err := cl.Admin.DeleteTopics(ctx, topic)
		if err != nil {
			return nil, Explain(what, err)
		}
		r, err := resp.On(topic, nil)
		if err == nil {
			err = r.Err
		}
		if err != nil {
			return nil, explainKafka(what, err, r.ErrMessage)
		}
	}
	verb := "would delete"
	if !dryRun {
		verb = "deleted"
	}
	plan.Summary = fmt.Sprintf("%s topic %q: %d partitions × %d replicas", verb, topic, plan.Partitions, plan.ReplicationFactor)
	if plan.SizeBytes >= 0 {
		plan.Summary += fmt.Sprintf(", %d messages, %d bytes (%d with replicas)", plan.Messages, plan.SizeBytes, plan.ReplicaBytes)
	}
	if len(plan.Groups) > 0 {
		ids := make([]string, len(plan.Groups))
		for i, g := range plan.Groups {
			ids[i] = g.ID
		}
		plan.Summary += "; consumed by " + strings.Join(ids, ", ")
	}
	return plan, nil
}

// AddPartitionsPlan is what growing a topic's partition count does (DryRun) or did.
type AddPartitionsPlan struct {
	Topic  string `json:"topic"`
	DryRun bool   `json:"dry_run"`
	From   int32  `json:"from"`
	To     int32  `json:"to"`
	// NewPartitions are the added partitions' replicas, once added (Kafka places them).
	NewPartitions []PartitionReplicas `json:"new_partitions,omitempty"`
	Summary       string              `json:"summary"`
	Warnings      []string            `json:"warnings"`
}

// placesOf resolves a broker set (each listed once, each live) to brokers with their racks.
func placesOf(ctx context.Context, cl *kafka.Client, what string, ids []int32) ([]BrokerPlace, error) {
	seen := map[int32]bool{}
	for _, id := range ids {
		if seen[id] {
			return nil, Errorf(Invalid, "%s: broker %d is listed twice in brokers", what, id)
		}
		seen[id] = true
	}
	live, err := liveBrokers(ctx, cl)
	if err != nil {
		return nil, Explain(what, err)
	}
	byID := map[int32]BrokerPlace{}
	for _, b := range live {
		byID[b.ID] = b
	}
	var places []BrokerPlace
	for _, id := range ids {
		b, ok := byID[id]
		if !ok {
			liveIDs := make([]int32, 0, len(live))
			for _, b := range live {
				liveIDs = append(liveIDs, b.ID)
			}
			return nil, Errorf(Invalid, "%s: broker %d is not a live broker of the cluster (live brokers: %s)", what, id, brokerList(liveIDs))
		}
		places = append(places, b)
	}
	return places, nil
}

// AddPartitions grows topic to count partitions (the new total), validated by Kafka first.
// A topic's partitions never shrink: a count below the current one is refused.
func AddPartitions(ctx context.Context, cl *kafka.Client, topic string, count int32, dryRun bool) (*AddPartitionsPlan, error) {
	return AddPartitionsOn(ctx, cl, topic, count, nil, dryRun)
}

// AddPartitionsOn is AddPartitions with the new partitions' replicas placed on a broker set
// (as CreateTopic does; the topic's replication factor kept); Kafka places them when brokers
// is empty.
func AddPartitionsOn(ctx context.Context, cl *kafka.Client, topic string, count int32, brokers []int32, dryRun bool) (*AddPartitionsPlan, error) {
	what := "add partitions to " + strconv.Quote(topic)
	if count < 1 {
		return nil, Errorf(Invalid, "%s: count (the new total number of partitions) is required and must be at least 1", what)
	}
	if count > MaxPartitions {
		return nil, Errorf(Invalid, "%s: %d partitions is more than the %d Gregor grows a topic to", what, count, MaxPartitions)
	}
	t, err := describeTopic(ctx, cl, topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	cur := int32(len(t.Partitions))
	switch {
	case count < cur:
		return nil, Errorf(Invalid, "%s: partitions cannot be removed from a topic: %q has %d, and count (the new total) is %d. "+
			"To have fewer, create a new topic and move the data", what, topic, cur, count)
	case count == cur:
		return nil, Errorf(Invalid, "%s: %q already has %d partitions; count is the new total and must be more", what, topic, cur)
	}
	plan := &AddPartitionsPlan{Topic: topic, DryRun: dryRun, From: cur, To: count, Warnings: []string{KeyOrderWarning,
		"consumers learn of new partitions at their next metadata refresh (metadata.max.age.ms, 5 minutes by default); " +
			"those with auto.offset.reset=latest skip what is written to the new partitions before then"}}
	var assign []PartitionReplicas
	if len(brokers) > 0 {
		places, err := placesOf(ctx, cl, what, brokers)
		if err != nil {
			return nil, err
		}
		rf := int16(1)
		if len(t.Partitions) > 0 {
			rf = int16(len(t.Partitions[0].Replicas))
		}
		if int(rf) > len(places) {
			return nil, Errorf(Invalid, "%s: the topic's replication factor (%d) is larger than the broker set (%d brokers: %s)", what, rf, len(places), brokerList(brokers))
		}
		if assign, err = AssignReplicas(places, count-cur, rf); err != nil {
			return nil, err
		}
		for i := range assign {
			assign[i].Partition += cur
		}
		plan.NewPartitions = assign
	}
	if err := updatePartitions(ctx, cl, topic, count, assign, true); err != nil {
		return nil, err
	}
	if !dryRun {
		if err := updatePartitions(ctx, cl, topic, count, assign, false); err != nil {
			return nil, err
		}
		t, err := waitTopic(ctx, cl, topic, func(t *kmsg.MetadataResponseTopic) bool { return len(t.Partitions) >= int(count) })
		if err == nil {
			plan.NewPartitions = replicasOf(t, cur, nil)
		} else {
			plan.Warnings = append(plan.Warnings, "added, but the new partitions were not visible in the metadata yet: "+err.Error())
		}
	}
	verb := "would grow"
	if !dryRun {
		verb = "grew"
	}
	plan.Summary = fmt.Sprintf("%s topic %q from %d to %d partitions (%d new)", verb, topic, cur, count, count-cur)
	return plan, nil
}

func updatePartitions(ctx context.Context, cl *kafka.Client, topic string, count int32, assign []PartitionReplicas, validate bool) error {
	what := "add partitions to " + strconv.Quote(topic)
	req := kmsg.NewPtrCreatePartitionsRequest()
	req.TimeoutMillis = kafkaTimeoutMillis
	req.ValidateOnly = validate
	rt := kmsg.NewCreatePartitionsRequestTopic()
	rt.Topic, rt.Count = topic, count
	for _, a := range assign {
		ra := kmsg.NewCreatePartitionsRequestTopicAssignment()
		ra.Replicas = a.Replicas
		rt.Assignment = append(rt.Assignment, ra)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl.Kgo())
	if err != nil {
		return Explain(what, err)
	}
	for _, t := range resp.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return explainKafka(what, err, kstr(t.ErrorMessage))
		}
	}
	return nil
}

// TopicConfigChanges are incremental changes to a topic's configs.
type TopicConfigChanges struct {
	Set    map[string]string `json:"set,omitempty"`
	Delete []string          `json:"delete,omitempty"` // back to the inherited value
	DryRun bool              `json:"dry_run,omitempty"`
}

// ConfigChange is one key's change: old -> new, with where each value comes from
// (dynamic_topic for the topic's own, default, static_broker, dynamic_broker, ...).
type ConfigChange struct {
	Key       string `json:"key"`
	Op        string `json:"op"` // set or delete
	Old       string `json:"old"`
	OldSource string `json:"old_source,omitempty"` // "" when the key was unknown to the topic
	New       string `json:"new"`
	NewSource string `json:"new_source,omitempty"`
	// NewFrom names the inherited config a deleted key falls back to when it has another
	// name (log.retention.hours for retention.ms).
	NewFrom string `json:"new_from,omitempty"`
	Changed bool   `json:"changed"`
}

// AlterTopicConfigsPlan is what altering a topic's configs does (DryRun) or did.
type AlterTopicConfigsPlan struct {
	Topic    string         `json:"topic"`
	DryRun   bool           `json:"dry_run"`
	Changes  []ConfigChange `json:"changes"`
	Summary  string         `json:"summary"`
	Warnings []string       `json:"warnings,omitempty"`
}

// AlterTopicConfigs applies incremental config changes (IncrementalAlterConfigs), validated
// by Kafka first; the plan lists old -> new per key.
func AlterTopicConfigs(ctx context.Context, cl *kafka.Client, topic string, ch TopicConfigChanges) (*AlterTopicConfigsPlan, error) {
	what := "alter configs of topic " + strconv.Quote(topic)
	if len(ch.Set) == 0 && len(ch.Delete) == 0 {
		return nil, Errorf(Invalid, "%s: nothing to change: give set {key: value} and/or delete [key]", what)
	}
	var alters []kadm.AlterConfig
	for _, k := range slices.Sorted(maps.Keys(ch.Set)) {
		if strings.TrimSpace(k) == "" {
			return nil, Errorf(Invalid, "%s: a config key is empty", what)
		}
		alters = append(alters, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: kmsg.StringPtr(ch.Set[k])})
	}
	seen := map[string]bool{}
	for _, k := range ch.Delete {
		if _, ok := ch.Set[k]; ok {
			return nil, Errorf(Invalid, "%s: %q is both set and deleted", what, k)
		}
		if strings.TrimSpace(k) == "" || seen[k] {
			return nil, Errorf(Invalid, "%s: delete lists an empty or repeated key (%q)", what, k)
		}
		seen[k] = true
		alters = append(alters, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: k})
	}
	before, err := describeTopicConfigs(ctx, cl, topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	if err := alterConfigs(ctx, cl, topic, alters, true); err != nil {
		return nil, err
	}
	plan := &AlterTopicConfigsPlan{Topic: topic, DryRun: ch.DryRun}
	var defaults map[string]string // what a topic without its own configs gets, for deletes
	for _, k := range ch.Delete {
		if c, ok := before[k]; ok && c.Source == kmsg.ConfigSourceDynamicTopicConfig {
			defaults = inheritedConfigs(ctx, cl)
			break
		}
	}
	for _, a := range alters {
		c := ConfigChange{Key: a.Name, Op: "set"}
		old, known := before[a.Name]
		if known {
			c.Old, c.OldSource = configValue(old), sourceName(old.Source)
		}
		if a.Op == kadm.SetConfig {
			c.New, c.NewSource = *a.Value, "dynamic_topic"
		} else {
			c.Op = "delete"
			c.New, c.NewSource, c.NewFrom = inherited(old, known, defaults)
			if known && old.Source != kmsg.ConfigSourceDynamicTopicConfig {
				plan.Warnings = append(plan.Warnings, fmt.Sprintf("%s is not set on the topic: deleting it changes nothing", a.Name))
			}
		}
		c.Changed = c.Old != c.New || c.OldSource != c.NewSource
		plan.Changes = append(plan.Changes, c)
	}
	if !ch.DryRun {
		if err := alterConfigs(ctx, cl, topic, alters, false); err != nil {
			return nil, err
		}
		// Read the values back: what Kafka holds now, normalized and inherited.
		if after, err := describeAltered(ctx, cl, topic, ch); err == nil {
			for i, c := range plan.Changes {
				if now, ok := after[c.Key]; ok {
					c.New, c.NewSource, c.NewFrom = configValue(now), sourceName(now.Source), ""
					c.Changed = c.Old != c.New || c.OldSource != c.NewSource
					plan.Changes[i] = c
				}
			}
		}
	}
	var parts []string
	for _, c := range plan.Changes {
		old := c.Old
		if c.OldSource == "" {
			old = "(unset)"
		}
		nw := c.New
		if c.NewFrom != "" {
			nw += " (from " + c.NewFrom + ")"
		}
		parts = append(parts, fmt.Sprintf("%s: %s -> %s", c.Key, old, nw))
	}
	verb := "would change"
	if !ch.DryRun {
		verb = "changed"
	}
	plan.Summary = fmt.Sprintf("%s topic %q: %s", verb, topic, strings.Join(parts, "; "))
	return plan, nil
}

func alterConfigs(ctx context.Context, cl *kafka.Client, topic string, alters []kadm.AlterConfig, validate bool) error {
	what := "alter configs of topic " + strconv.Quote(topic)
	var rs kadm.AlterConfigsResponses
	var err error
	if validate {
		rs, err = cl.Admin.ValidateAlterTopicConfigs(ctx, alters, topic)
	} else {
		rs, err = cl.Admin.AlterTopicConfigs(ctx, alters, topic)
	}
	if err != nil {
		return Explain(what, err)
	}
	r, err := rs.On(topic, nil)
	if err == nil {
		err = r.Err
	}
	if err != nil {
		return explainKafka(what, err, r.ErrMessage)
	}
	return nil
}

// describeAltered reads a topic's configs after a change, until the broker answering shows
// it (a change reaches each broker through the metadata log a moment later), for at most 3 s.
func describeAltered(ctx context.Context, cl *kafka.Client, topic string, ch TopicConfigChanges) (map[string]kadm.Config, error) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		cfgs, err := describeTopicConfigs(ctx, cl, topic)
		done := err == nil
		for k, v := range ch.Set {
			c := cfgs[k]
			done = done && c.Source == kmsg.ConfigSourceDynamicTopicConfig && c.MaybeValue() == v
		}
		for _, k := range ch.Delete {
			done = done && cfgs[k].Source != kmsg.ConfigSourceDynamicTopicConfig
		}
		if done || time.Now().After(deadline) || ctx.Err() != nil {
			return cfgs, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// describeTopicConfigs reads a topic's configs; like describeTopic, it asks "unknown" twice
// more before believing it.
func describeTopicConfigs(ctx context.Context, cl *kafka.Client, topic string) (map[string]kadm.Config, error) {
	for try := 1; ; try++ {
		cfgs, err := describeTopicConfigsOnce(ctx, cl, topic)
		if !errors.Is(err, kerr.UnknownTopicOrPartition) || try == 3 {
			return cfgs, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func describeTopicConfigsOnce(ctx context.Context, cl *kafka.Client, topic string) (map[string]kadm.Config, error) {
	rcs, err := cl.Admin.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		return nil, err
	}
	rc, err := rcs.On(topic, nil)
	if err == nil {
		err = rc.Err
	}
	if err != nil {
		return nil, err
	}
	out := make(map[string]kadm.Config, len(rc.Configs))
	for _, c := range rc.Configs {
		out[c.Key] = c
	}
	return out, nil
}

// inherited is the value a topic config falls back to once its topic-level value is deleted:
// what a new topic would get (defaults, from inheritedConfigs), else the first synonym that
// is not the topic's own.
func inherited(c kadm.Config, known bool, defaults map[string]string) (value, source, from string) {
	if !known {
		return "", "", ""
	}
	if c.Source != kmsg.ConfigSourceDynamicTopicConfig {
		return configValue(c), sourceName(c.Source), ""
	}
	src := "default"
	for _, s := range c.Synonyms {
		if s.Source != kmsg.ConfigSourceDynamicTopicConfig {
			src = sourceName(s.Source)
			break
		}
	}
	if v, ok := defaults[c.Key]; ok {
		if c.Sensitive {
			v = "(sensitive)"
		}
		return v, src, ""
	}
	for _, s := range c.Synonyms {
		if s.Source == kmsg.ConfigSourceDynamicTopicConfig {
			continue
		}
		v := kstr(s.Value)
		if c.Sensitive {
			v = "(sensitive)"
		}
		if s.Key != c.Key {
			from = s.Key
		}
		return v, sourceName(s.Source), from
	}
	return "(Kafka's default)", "default", ""
}

// inheritedConfigs are the configs a topic without configs of its own would have, from a
// ValidateOnly CreateTopics of a name that does not exist (Kafka 2.4+ answers with every
// config); nil when Kafka does not say (older, or the probe is not authorized).
func inheritedConfigs(ctx context.Context, cl *kafka.Client) map[string]string {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = kafkaTimeoutMillis
	req.ValidateOnly = true
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = "gregor-config-probe-" + hex.EncodeToString(rnd[:])
	rt.NumPartitions, rt.ReplicationFactor = 1, 1
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl.Kgo())
	if err != nil || len(resp.Topics) != 1 || resp.Topics[0].ErrorCode != 0 || len(resp.Topics[0].Configs) == 0 {
		return nil
	}
	out := make(map[string]string, len(resp.Topics[0].Configs))
	for _, c := range resp.Topics[0].Configs {
		out[c.Name] = kstr(c.Value)
	}
	return out
}

func configValue(c kadm.Config) string {
	if c.Sensitive {
		return "(sensitive)"
	}
	return c.MaybeValue()
}

// sourceName names a config source as the snapshot does (dynamic_topic, default, ...).
func sourceName(s kmsg.ConfigSource) string {
	return strings.ToLower(strings.TrimSuffix(s.String(), "_CONFIG"))
}

// PurgeSpec says which records to delete from the start of a topic's partitions: those
// before an offset (one for all, or per partition) or before a time. -1 as an offset means
// every record (up to the end offset). One offset for all takes every record of a partition
// that ends before it; an offset per partition past its end is refused.
type PurgeSpec struct {
	Offsets    map[int32]int64 // per partition
	Offset     *int64          // one for all the selected partitions
	Before     time.Time       // records older than this (by timestamp)
	Partitions []int32         // with Offset or Before; empty: all
	DryRun     bool
}

// PurgePartition is one partition's purge: its start offset old -> new, and how many
// messages (offsets) go.
type PurgePartition struct {
	Partition      int32  `json:"partition"`
	StartOffset    int64  `json:"start_offset"`
	NewStartOffset int64  `json:"new_start_offset"`
	EndOffset      int64  `json:"end_offset"`
	Removed        int64  `json:"removed"`
	Error          string `json:"error,omitempty"`
}

// PurgeTopicPlan is what a purge deletes (DryRun) or deleted.
type PurgeTopicPlan struct {
	Topic      string           `json:"topic"`
	DryRun     bool             `json:"dry_run"`
	Before     string           `json:"before"` // what was asked: "offset 100", "offsets per partition", a time
	Partitions []PurgePartition `json:"partitions"`
	Removed    int64            `json:"removed"`
	Summary    string           `json:"summary"`
	Warnings   []string         `json:"warnings,omitempty"`
}

// PurgeTopic deletes records from the start of partitions (DeleteRecords): the log start
// offset moves up. Offsets before a time are found with ListOffsets by timestamp. snap (may
// be nil) gives the groups whose committed offsets the purge passes.
func PurgeTopic(ctx context.Context, cl *kafka.Client, topic string, spec PurgeSpec, snap *snapshot.Snapshot) (*PurgeTopicPlan, error) {
	what := "purge topic " + strconv.Quote(topic)
	ways := 0
	for _, b := range []bool{spec.Offsets != nil, spec.Offset != nil, !spec.Before.IsZero()} {
		if b {
			ways++
		}
	}
	if ways != 1 {
		return nil, Errorf(Invalid, "%s: give exactly one of before_offset (one offset, or {partition: offset}) and before_time (RFC 3339)", what)
	}
	if spec.Offsets != nil && len(spec.Partitions) > 0 {
		return nil, Errorf(Invalid, "%s: with before_offset per partition, the partitions are its keys; leave partitions out", what)
	}
	if spec.Offsets != nil && len(spec.Offsets) == 0 {
		return nil, Errorf(Invalid, "%s: before_offset lists no partition", what)
	}
	checkOffset := func(o int64) error {
		if o < -1 {
			return Errorf(Invalid, "%s: offset %d is negative (use -1 for every record)", what, o)
		}
		return nil
	}
	if spec.Offset != nil {
		if err := checkOffset(*spec.Offset); err != nil {
			return nil, err
		}
	}
	for _, o := range spec.Offsets {
		if err := checkOffset(o); err != nil {
			return nil, err
		}
	}
	t, err := describeTopic(ctx, cl, topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	n := int32(len(t.Partitions))
	var parts []int32
	switch {
	case spec.Offsets != nil:
		parts = slices.Sorted(maps.Keys(spec.Offsets))
	case len(spec.Partitions) > 0:
		parts = slices.Clone(spec.Partitions)
		slices.Sort(parts)
		if len(slices.Compact(slices.Clone(parts))) != len(parts) {
			return nil, Errorf(Invalid, "%s: partitions lists a partition twice", what)
		}
	default:
		for p := range n {
			parts = append(parts, p)
		}
	}
	for _, p := range parts {
		if p < 0 || p >= n {
			return nil, Errorf(Invalid, "%s: no partition %d (the topic has %d: 0-%d)", what, p, n, n-1)
		}
	}
	// Records cannot be deleted from a compacted-only topic; say so before Kafka's bare
	// POLICY_VIOLATION.
	if cfgs, err := describeTopicConfigs(ctx, cl, topic); err == nil {
		if cp, ok := cfgs["cleanup.policy"]; ok && !strings.Contains(cp.MaybeValue(), "delete") {
			return nil, Errorf(Invalid, "%s: records cannot be deleted from a compacted topic (cleanup.policy=%s); "+
				"compaction removes them by key (produce a null value, a tombstone)", what, cp.MaybeValue())
		}
	}

	starts, err := cl.Admin.ListStartOffsets(ctx, topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	ends, err := cl.Admin.ListEndOffsets(ctx, topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	var byTime kadm.ListedOffsets
	if !spec.Before.IsZero() {
		if byTime, err = cl.Admin.ListOffsetsAfterMilli(ctx, spec.Before.UnixMilli(), topic); err != nil {
			return nil, Explain(what, err)
		}
	}
	plan := &PurgeTopicPlan{Topic: topic, DryRun: spec.DryRun}
	switch {
	case spec.Offset != nil && *spec.Offset == -1:
		plan.Before = "the end offset (every record)"
	case spec.Offset != nil:
		plan.Before = fmt.Sprintf("offset %d", *spec.Offset)
	case spec.Offsets != nil:
		plan.Before = "the given offsets"
	default:
		plan.Before = spec.Before.UTC().Format(time.RFC3339Nano)
	}
	del := kadm.Offsets{}
	var clamped []int32
	for _, p := range parts {
		s, ok1 := starts.Lookup(topic, p)
		e, ok2 := ends.Lookup(topic, p)
		switch {
		case !ok1 || !ok2:
			return nil, Errorf(Unavailable, "%s: partition %d's offsets were not listed; try again", what, p)
		case s.Err != nil:
			return nil, Explain(fmt.Sprintf("%s: partition %d", what, p), s.Err)
		case e.Err != nil:
			return nil, Explain(fmt.Sprintf("%s: partition %d", what, p), e.Err)
		}
		var target int64
		switch {
		case spec.Offsets != nil:
			target = spec.Offsets[p]
		case spec.Offset != nil:
			target = *spec.Offset
		default:
			o, ok := byTime.Lookup(topic, p)
			if !ok || o.Err != nil {
				err := o.Err
				if !ok {
					err = kerr.UnknownTopicOrPartition
				}
				return nil, Explain(fmt.Sprintf("%s: partition %d's offset at %s", what, p, plan.Before), err)
			}
			target = o.Offset
			if target < 0 { // no record at or after the time: every record is older
				target = e.Offset
			}
		}
		if target == -1 {
			target = e.Offset
		}
		if target > e.Offset {
			if spec.Offset == nil { // an offset named for this partition
				return nil, Errorf(Invalid, "%s: offset %d is past the end of partition %d (its end offset is %d)", what, target, p, e.Offset)
			}
			// One offset for all: a partition that ends sooner loses every record.
			clamped = append(clamped, p)
			target = e.Offset
		}
		pp := PurgePartition{Partition: p, StartOffset: s.Offset, NewStartOffset: max(s.Offset, target), EndOffset: e.Offset}
		pp.Removed = pp.NewStartOffset - pp.StartOffset
		plan.Partitions = append(plan.Partitions, pp)
		if pp.Removed > 0 {
			del.Add(kadm.Offset{Topic: topic, Partition: p, At: pp.NewStartOffset, LeaderEpoch: -1})
		}
	}
	if len(clamped) > 0 {
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("partition(s) %s end before %s: every record of theirs goes", brokerList(clamped), plan.Before))
	}
	plan.Warnings = append(plan.Warnings, purgeWarnings(snap, topic, plan.Partitions)...)

	if !spec.DryRun && len(del) > 0 {
		rs, err := cl.Admin.DeleteRecords(ctx, del)
		if err != nil && len(rs) == 0 {
			return nil, Explain(what, err)
		}
		failed := 0
		var first error
		for i, pp := range plan.Partitions {
			if pp.Removed == 0 {
				continue
			}
			r, ok := rs[topic][pp.Partition]
			switch {
			case !ok:
				e := Errorf(Unavailable, "%s: partition %d: no answer from its leader; try again", what, pp.Partition)
				pp.Error = e.Msg
				if first == nil {
					first = e
				}
			case r.Err != nil:
				e := Explain(fmt.Sprintf("%s: partition %d", what, pp.Partition), r.Err)
				pp.Error = e.Error()
				if first == nil {
					first = e
				}
			default:
				pp.Removed = max(0, r.LowWatermark-pp.StartOffset)
				pp.NewStartOffset = r.LowWatermark
			}
			if pp.Error != "" {
				failed++
				pp.Removed, pp.NewStartOffset = 0, pp.StartOffset
			}
			plan.Partitions[i] = pp
		}
		if failed == len(del) {
			return nil, first
		}
		if failed > 0 {
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("%d partition(s) failed (see their error); the others were purged", failed))
		}
	}
	touched := 0
	for _, pp := range plan.Partitions {
		plan.Removed += pp.Removed
		if pp.Removed > 0 {
			touched++
		}
	}
	verb := "would delete"
	if !spec.DryRun {
		verb = "deleted"
	}
	plan.Summary = fmt.Sprintf("%s %d message(s) before %s from %d of %d partition(s) of topic %q",
		verb, plan.Removed, plan.Before, touched, len(plan.Partitions), topic)
	if plan.Removed == 0 {
		plan.Summary = fmt.Sprintf("nothing to delete before %s in topic %q: every selected partition already starts there or later", plan.Before, topic)
	}
	return plan, nil
}

// purgeWarnings: groups whose committed offset the new start passes will reset (their
// auto.offset.reset) the next time they fetch there.
func purgeWarnings(snap *snapshot.Snapshot, topic string, parts []PurgePartition) []string {
	if snap == nil {
		return nil
	}
	var w []string
	for _, id := range slices.Sorted(maps.Keys(snap.Groups)) {
		g := snap.Groups[id]
		var behind []string
		for _, pp := range parts {
			if c, ok := g.Offsets[topic][pp.Partition]; ok && c >= 0 && c < pp.NewStartOffset {
				behind = append(behind, fmt.Sprintf("%d (committed %d, new start %d)", pp.Partition, c, pp.NewStartOffset))
			}
		}
		if len(behind) > 0 {
			w = append(w, fmt.Sprintf("group %q has committed offsets before the new start on partition(s) %s: "+
				"it loses those messages and resets per its auto.offset.reset", id, strings.Join(behind, ", ")))
		}
	}
	return w
}

// liveBrokers are the brokers in the metadata (registered and not fenced), with racks.
func liveBrokers(ctx context.Context, cl *kafka.Client) ([]BrokerPlace, error) {
	m, err := cl.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BrokerPlace, 0, len(m.Brokers))
	for _, b := range m.Brokers {
		out = append(out, BrokerPlace{ID: b.NodeID, Rack: kstr(b.Rack)})
	}
	slices.SortFunc(out, func(a, b BrokerPlace) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// describeTopic reads one topic's metadata fresh (not from the client's cache). A topic just
// created can be unknown to the broker asked for a moment, so "unknown" is asked twice more
// before it is believed.
func describeTopic(ctx context.Context, cl *kafka.Client, topic string) (*kmsg.MetadataResponseTopic, error) {
	if topic == "" {
		return nil, kerr.InvalidTopicException
	}
	for try := 1; ; try++ {
		t, err := describeTopicOnce(ctx, cl, topic)
		if !errors.Is(err, kerr.UnknownTopicOrPartition) || try == 3 {
			return t, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func describeTopicOnce(ctx context.Context, cl *kafka.Client, topic string) (*kmsg.MetadataResponseTopic, error) {
	m, err := cl.Metadata(ctx, topic)
	if err != nil {
		return nil, err
	}
	for i := range m.Topics {
		t := &m.Topics[i]
		if kstr(t.Topic) != topic {
			continue
		}
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil && !(errors.Is(err, kerr.LeaderNotAvailable) && len(t.Partitions) > 0) {
			return nil, err
		}
		sort.Slice(t.Partitions, func(a, b int) bool { return t.Partitions[a].Partition < t.Partitions[b].Partition })
		return t, nil
	}
	return nil, kerr.UnknownTopicOrPartition
}

// waitTopic polls the metadata until ok says the topic is as expected (a change takes a
// moment to reach every broker), for at most 10 s.
func waitTopic(ctx context.Context, cl *kafka.Client, topic string, ok func(*kmsg.MetadataResponseTopic) bool) (*kmsg.MetadataResponseTopic, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		t, err := describeTopic(ctx, cl, topic)
		if err == nil && ok(t) {
			return t, nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = errors.New("not all of its partitions were visible in time")
			}
			return nil, err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// replicasOf lists the partitions from `from` on with their replicas.
func replicasOf(t *kmsg.MetadataResponseTopic, from int32, racks map[int32]string) []PartitionReplicas {
	var out []PartitionReplicas
	for _, p := range t.Partitions {
		if p.Partition < from {
			continue
		}
		pr := PartitionReplicas{Partition: p.Partition, Replicas: slices.Clone(p.Replicas)}
		if len(racks) > 0 {
			for _, r := range p.Replicas {
				pr.Racks = append(pr.Racks, racks[r])
			}
		}
		out = append(out, pr)
	}
	return out
}

func racksOf(places []BrokerPlace) map[int32]string {
	m := map[int32]string{}
	racked := false
	for _, p := range places {
		m[p.ID] = p.Rack
		racked = racked || p.Rack != ""
	}
	if !racked {
		return nil
	}
	return m
}

func topicID(t *kmsg.MetadataResponseTopic) string {
	if t.TopicID == ([16]byte{}) {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(t.TopicID[:])
}

func snapTopic(snap *snapshot.Snapshot, topic string) *snapshot.Topic {
	if snap == nil {
		return nil
	}
	return snap.Topics[topic]
}

// consumingGroups are the snapshot's groups with commits on, or members assigned to, topic.
func consumingGroups(snap *snapshot.Snapshot, topic string) []ConsumingGroup {
	out := []ConsumingGroup{}
	if snap == nil {
		return out
	}
	for _, g := range snap.Groups {
		if slices.Contains(g.Stats.Topics, topic) {
			out = append(out, ConsumingGroup{ID: g.ID, State: g.State, Members: len(g.Members)})
		}
	}
	slices.SortFunc(out, func(a, b ConsumingGroup) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// explainKafka is Explain with Kafka's own error message, which says more than the code's
// generic description (InvalidConfig: "Unknown topic config name: foo").
func explainKafka(what string, err error, msg string) error {
	e := Explain(what, err)
	var oe *Error
	if msg == "" || !errors.As(e, &oe) || oe.Kind != Invalid {
		return e
	}
	switch {
	case errors.Is(err, kerr.InvalidConfig):
		return &Error{Kind: Invalid, Msg: what + ": invalid config: " + msg, Err: err}
	case errors.Is(err, kerr.PolicyViolation):
		return &Error{Kind: Invalid, Msg: what + ": refused by the cluster's policy: " + msg, Err: err}
	}
	return &Error{Kind: Invalid, Msg: oe.Msg + " (Kafka: " + msg + ")", Err: err}
}

func brokerList(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ", ")
}

func kstr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
