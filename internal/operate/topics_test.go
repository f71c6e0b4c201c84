package operate_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

var topSeq atomic.Int64

// topName is a topic name unique to this test run.
func topName(t *testing.T) string {
	return fmt.Sprintf("tops-%s-%d-%d", strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())), time.Now().UnixNano()%1e6, topSeq.Add(1))
}

// topClient is Gregor's Kafka client for kc, and a kadm client to check what it did.
func topClient(t *testing.T) (*kafka.Client, *kadm.Client) {
	t.Helper()
	testkit.Need(t, kc)
	cl, err := kafka.New(config.Cluster{Name: "kc", Bootstrap: kc.Bootstrap(), ClientID: "gregor-test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl, kc.AdminT(t)
}

func topKind(t *testing.T, err error, want operate.Kind, msg string) {
	t.Helper()
	var oe *operate.Error
	if !errors.As(err, &oe) || oe.Kind != want || !strings.Contains(oe.Msg, msg) {
		t.Fatalf("want kind %d with %q, got %#v", want, msg, err)
	}
}

// topDetail describes one topic with kadm, waiting until it has at least `parts` partitions
// (a change takes a moment to reach every broker's metadata).
func topDetail(t *testing.T, adm *kadm.Client, topic string, parts int) kadm.TopicDetail {
	t.Helper()
	var last kadm.TopicDetail
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		tds, err := adm.ListTopics(context.Background(), topic)
		if err != nil {
			continue
		}
		last = tds[topic]
		if last.Err == nil && len(last.Partitions) >= parts {
			return last
		}
	}
	t.Fatalf("topic %s: %d partitions, want %d (%v)", topic, len(last.Partitions), parts, last.Err)
	return last
}

func topExists(t *testing.T, adm *kadm.Client, topic string) bool {
	t.Helper()
	tds, err := adm.ListTopics(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	return tds.Has(topic) && tds[topic].Err == nil
}

// topConfig is a topic config once every broker says the same (a change reaches each broker
// through the metadata log a moment after Kafka accepts it).
func topConfig(t *testing.T, adm *kadm.Client, topic, key string) kadm.Config {
	t.Helper()
	cl, err := kgo.NewClient(kc.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var seen []string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		seen = seen[:0]
		var got []kadm.Config
		for _, n := range kc.Nodes {
			c, err := topBrokerConfig(cl, n.ID, topic, key)
			if err != nil {
				seen = append(seen, fmt.Sprintf("broker %d: %v", n.ID, err))
				continue
			}
			got = append(got, c)
			seen = append(seen, fmt.Sprintf("broker %d: %s (%s)", n.ID, c.MaybeValue(), c.Source))
		}
		if len(got) == len(kc.Nodes) && slices.IndexFunc(got, func(c kadm.Config) bool { return c.MaybeValue() != got[0].MaybeValue() || c.Source != got[0].Source }) < 0 {
			return got[0]
		}
	}
	t.Fatalf("topic %s config %s: the brokers do not agree: %v", topic, key, seen)
	return kadm.Config{}
}

// topBrokerConfig asks one broker for a topic config.
func topBrokerConfig(cl *kgo.Client, broker int32, topic, key string) (kadm.Config, error) {
	req := kmsg.NewPtrDescribeConfigsRequest()
	rr := kmsg.NewDescribeConfigsRequestResource()
	rr.ResourceType, rr.ResourceName, rr.ConfigNames = kmsg.ConfigResourceTypeTopic, topic, []string{key}
	req.Resources = append(req.Resources, rr)
	resp, err := req.RequestWith(context.Background(), cl.Broker(int(broker)))
	if err != nil {
		return kadm.Config{}, err
	}
	for _, r := range resp.Resources {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			return kadm.Config{}, err
		}
		for _, c := range r.Configs {
			if c.Name == key {
				return kadm.Config{Key: c.Name, Value: c.Value, Source: c.Source, Sensitive: c.IsSensitive}, nil
			}
		}
	}
	return kadm.Config{}, fmt.Errorf("no config %s", key)
}

func TestAssignReplicas(t *testing.T) {
	racked := []operate.BrokerPlace{{1, "a"}, {2, "a"}, {3, "b"}, {4, "b"}, {5, "c"}, {6, "c"}}
	for _, tc := range []struct {
		name       string
		brokers    []operate.BrokerPlace
		parts      int32
		rf         int16
		wantRacks  int // distinct racks per partition
		maxLeaders int // the most partitions any broker leads
	}{
		{"three racks rf3", racked, 12, 3, 3, 2},
		{"three racks rf2", racked, 7, 2, 2, 2},
		{"two racks rf3", racked[:4], 8, 3, 2, 2},
		{"no racks", []operate.BrokerPlace{{7, ""}, {8, ""}, {9, ""}}, 6, 3, 3, 2},
		{"two of three", []operate.BrokerPlace{{1, "rack-1"}, {2, "rack-2"}}, 4, 2, 2, 2},
		{"rf1", racked, 6, 1, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as, err := operate.AssignReplicas(tc.brokers, tc.parts, tc.rf)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != int(tc.parts) {
				t.Fatalf("%d partitions", len(as))
			}
			rack := map[int32]string{}
			for _, b := range tc.brokers {
				rack[b.ID] = b.Rack
				if b.Rack == "" {
					rack[b.ID] = fmt.Sprint(b.ID)
				}
			}
			leaders := map[int32]int{}
			followers := map[string]bool{}
			for i, a := range as {
				if a.Partition != int32(i) || len(a.Replicas) != int(tc.rf) {
					t.Fatalf("partition %d: %+v", i, a)
				}
				seen, racks := map[int32]bool{}, map[string]bool{}
				for _, r := range a.Replicas {
					if seen[r] || rack[r] == "" {
						t.Fatalf("partition %d: replica %d repeated or not in the set: %v", i, r, a.Replicas)
					}
					seen[r], racks[rack[r]] = true, true
				}
				if len(racks) != tc.wantRacks {
					t.Fatalf("partition %d spans %d racks, want %d: %v", i, len(racks), tc.wantRacks, a.Replicas)
				}
				leaders[a.Replicas[0]]++
				followers[fmt.Sprint(a.Replicas)] = true
			}
			for id, n := range leaders {
				if n > tc.maxLeaders {
					t.Fatalf("broker %d leads %d partitions: %v", id, n, leaders)
				}
			}
			if tc.parts >= int32(len(tc.brokers)) && len(leaders) != len(tc.brokers) {
				t.Fatalf("leaders not rotated over every broker: %v", leaders)
			}
		})
	}
	for _, tc := range []struct {
		brokers []operate.BrokerPlace
		parts   int32
		rf      int16
		msg     string
	}{
		{racked[:2], 3, 3, "larger than the number of brokers"},
		{nil, 3, 1, "no brokers"},
		{racked, 0, 1, "at least 1"},
		{racked, 3, 0, "at least 1"},
	} {
		if _, err := operate.AssignReplicas(tc.brokers, tc.parts, tc.rf); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v %d %d: %v, want %q", tc.brokers, tc.parts, tc.rf, err, tc.msg)
		}
	}
}

// Creating on a broker set: the dry run is checked by Kafka and creates nothing; the real
// run places every replica on the set, leaders rotated, racks alternated.
func TestCreateTopicOnBrokerSet(t *testing.T) {
	cl, adm := topClient(t)
	ctx := context.Background()
	name := topName(t)
	spec := operate.TopicSpec{Name: name, Partitions: 6, ReplicationFactor: 2, Brokers: []int32{3, 1},
		Configs: map[string]string{"retention.ms": "3600000", "cleanup.policy": "delete"}, DryRun: true}
	plan, err := operate.CreateTopic(ctx, cl, spec)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.DryRun || plan.Partitions != 6 || plan.ReplicationFactor != 2 || plan.Placement != "brokers" || len(plan.Assignment) != 6 ||
		plan.Configs["retention.ms"] != "3600000" || !strings.Contains(plan.Summary, "would create") {
		t.Fatalf("plan %+v", plan)
	}
	for _, a := range plan.Assignment {
		if len(a.Racks) != 2 || a.Racks[0] == a.Racks[1] {
			t.Fatalf("racks %+v", a)
		}
	}
	time.Sleep(500 * time.Millisecond)
	if topExists(t, adm, name) {
		t.Fatal("the dry run created the topic")
	}

	spec.DryRun = false
	got, err := operate.CreateTopic(ctx, cl, spec)
	if err != nil {
		t.Fatal(err)
	}
	if got.DryRun || got.ID == "" || len(got.Assignment) != 6 || !strings.HasPrefix(got.Summary, "created") {
		t.Fatalf("result %+v", got)
	}
	td := topDetail(t, adm, name, 6)
	leaders := map[int32]int{}
	for _, p := range td.Partitions.Sorted() {
		if len(p.Replicas) != 2 || p.Replicas[0] == p.Replicas[1] {
			t.Fatalf("partition %d replicas %v", p.Partition, p.Replicas)
		}
		for _, r := range p.Replicas {
			if r != 1 && r != 3 {
				t.Fatalf("partition %d has a replica on broker %d, outside the set: %v", p.Partition, r, p.Replicas)
			}
		}
		if !slices.Equal(p.Replicas, got.Assignment[p.Partition].Replicas) || !slices.Equal(p.Replicas, plan.Assignment[p.Partition].Replicas) {
			t.Fatalf("partition %d: kafka %v, result %v, plan %v", p.Partition, p.Replicas, got.Assignment[p.Partition].Replicas, plan.Assignment[p.Partition].Replicas)
		}
		leaders[p.Replicas[0]]++
	}
	if leaders[1] != 3 || leaders[3] != 3 {
		t.Fatalf("preferred leaders not rotated: %v", leaders)
	}
	if c := topConfig(t, adm, name, "retention.ms"); c.MaybeValue() != "3600000" {
		t.Fatalf("retention.ms %+v", c)
	}
}

// Without a broker set Kafka places the replicas; omitted partitions and replication factor
// take the cluster's defaults, which the dry run reports.
func TestCreateTopicKafkaPlacement(t *testing.T) {
	cl, adm := topClient(t)
	ctx := context.Background()
	name := topName(t)
	plan, err := operate.CreateTopic(ctx, cl, operate.TopicSpec{Name: name, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Partitions != 1 || plan.ReplicationFactor != 1 || plan.Placement != "kafka" || plan.Assignment != nil || len(plan.Warnings) == 0 {
		t.Fatalf("defaults plan %+v", plan)
	}
	got, err := operate.CreateTopic(ctx, cl, operate.TopicSpec{Name: name, Partitions: 4, ReplicationFactor: 3,
		Configs: map[string]string{"min.insync.replicas": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Partitions != 4 || got.ReplicationFactor != 3 || len(got.Assignment) != 4 || got.Configs["min.insync.replicas"] != "2" {
		t.Fatalf("result %+v", got)
	}
	td := topDetail(t, adm, name, 4)
	for _, p := range td.Partitions {
		if len(p.Replicas) != 3 {
			t.Fatalf("partition %d replicas %v", p.Partition, p.Replicas)
		}
	}
	if c := topConfig(t, adm, name, "min.insync.replicas"); c.MaybeValue() != "2" {
		t.Fatalf("min.insync.replicas %+v", c)
	}
}

func TestCreateTopicBadInput(t *testing.T) {
	cl, adm := topClient(t)
	ctx := context.Background()
	existing := topName(t)
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, existing); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec operate.TopicSpec
		kind operate.Kind
		msg  string
	}{
		{operate.TopicSpec{Name: existing, Partitions: 1, ReplicationFactor: 1}, operate.Conflict, "the topic already exists"},
		{operate.TopicSpec{Name: existing, Partitions: 1, ReplicationFactor: 1, DryRun: true}, operate.Conflict, "the topic already exists"},
		{operate.TopicSpec{Name: topName(t), Partitions: 1, ReplicationFactor: 4}, operate.Invalid, "replication factor is larger than the number of available brokers"},
		{operate.TopicSpec{Name: topName(t), Partitions: 1, ReplicationFactor: 3, Brokers: []int32{1, 2}}, operate.Invalid, "larger than the broker set"},
		{operate.TopicSpec{Name: topName(t), Partitions: 1, ReplicationFactor: 1, Brokers: []int32{1, 9}}, operate.Invalid, "broker 9 is not a live broker"},
		{operate.TopicSpec{Name: topName(t), Partitions: 1, ReplicationFactor: 1, Brokers: []int32{1, 1}}, operate.Invalid, "listed twice"},
		{operate.TopicSpec{Name: topName(t), Partitions: 1, ReplicationFactor: 1, Configs: map[string]string{"no.such.config": "1"}, DryRun: true}, operate.Invalid, "no.such.config"},
		{operate.TopicSpec{Name: topName(t), Partitions: 1, ReplicationFactor: 1, Configs: map[string]string{"retention.ms": "soon"}}, operate.Invalid, "retention.ms"},
		{operate.TopicSpec{Name: "bad/name", Partitions: 1, ReplicationFactor: 1}, operate.Invalid, "invalid topic name"},
		{operate.TopicSpec{Name: "", Partitions: 1}, operate.Invalid, "name is required"},
		{operate.TopicSpec{Name: topName(t), Partitions: -2}, operate.Invalid, "partitions must be at least 1"},
		{operate.TopicSpec{Name: topName(t), Partitions: operate.MaxPartitions + 1}, operate.Invalid, "more than the"},
	} {
		_, err := operate.CreateTopic(ctx, cl, tc.spec)
		topKind(t, err, tc.kind, tc.msg)
		if tc.spec.Name != existing && tc.spec.Name != "" && topExists(t, adm, tc.spec.Name) {
			t.Fatalf("%+v: created anyway", tc.spec)
		}
	}
}

// topProduce writes n records to each partition of topic: half at t0, half at t1.
func topProduce(t *testing.T, topic string, parts int32, n int, t0, t1 time.Time) {
	t.Helper()
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic(topic))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for p := range parts {
		for i := range n {
			ts := t0
			if i >= n/2 {
				ts = t1
			}
			recs = append(recs, &kgo.Record{Partition: p, Timestamp: ts, Key: fmt.Appendf(nil, "k%d", i), Value: []byte("v")})
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		err := cl.ProduceSync(ctx, recs...).FirstErr()
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond) // leaders of a new topic are still being elected
	}
}

func TestDeleteTopic(t *testing.T) {
	cl, adm := topClient(t)
	ctx := context.Background()
	name := topName(t)
	if _, err := adm.CreateTopic(ctx, 3, 2, nil, name); err != nil {
		t.Fatal(err)
	}
	topDetail(t, adm, name, 3)
	snap := &snapshot.Snapshot{Topics: map[string]*snapshot.Topic{name: {Name: name,
		Stats: snapshot.TopicStats{Partitions: 3, SizeBytes: 1000, ReplicaBytes: 2000, Messages: 30}}},
		Groups: map[string]*snapshot.Group{
			"reader": {ID: "reader", State: "Stable", Members: []snapshot.Member{{ID: "m1"}}, Stats: snapshot.GroupStats{Topics: []string{name}}},
			"other":  {ID: "other", State: "Empty", Stats: snapshot.GroupStats{Topics: []string{"elsewhere"}}},
		}}
	plan, err := operate.DeleteTopic(ctx, cl, name, snap, true)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.DryRun || plan.Partitions != 3 || plan.ReplicationFactor != 2 || plan.SizeBytes != 1000 || plan.ReplicaBytes != 2000 ||
		plan.Messages != 30 || len(plan.Groups) != 1 || plan.Groups[0].ID != "reader" || len(plan.Warnings) != 1 || plan.ID == "" {
		t.Fatalf("plan %+v", plan)
	}
	if !topExists(t, adm, name) {
		t.Fatal("the dry run deleted the topic")
	}
	got, err := operate.DeleteTopic(ctx, cl, name, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.DryRun || got.SizeBytes != -1 || !strings.HasPrefix(got.Summary, "deleted") {
		t.Fatalf("result %+v", got)
	}
	for deadline := time.Now().Add(10 * time.Second); topExists(t, adm, name); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("topic still exists")
		}
	}
	_, err = operate.DeleteTopic(ctx, cl, name, nil, true)
	topKind(t, err, operate.NotFound, "no such topic")
	// Looking up a group's coordinator creates __consumer_offsets.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		adm.FindGroupCoordinators(ctx, name+"-g")
		if _, err = operate.DeleteTopic(ctx, cl, "__consumer_offsets", nil, true); !errors.Is(err, kerr.UnknownTopicOrPartition) || time.Now().After(deadline) {
			break
		}
	}
	topKind(t, err, operate.Invalid, "internal topics")
}

func TestAddPartitions(t *testing.T) {
	cl, adm := topClient(t)
	ctx := context.Background()
	name := topName(t)
	if _, err := adm.CreateTopic(ctx, 2, 2, nil, name); err != nil {
		t.Fatal(err)
	}
	topDetail(t, adm, name, 2)
	plan, err := operate.AddPartitions(ctx, cl, name, 5, true)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.DryRun || plan.From != 2 || plan.To != 5 || !slices.Contains(plan.Warnings, operate.KeyOrderWarning) ||
		!strings.Contains(plan.Warnings[0], "keys hash to new partitions: per-key order breaks across the change") {
		t.Fatalf("plan %+v", plan)
	}
	time.Sleep(500 * time.Millisecond)
	if n := len(topDetail(t, adm, name, 2).Partitions); n != 2 {
		t.Fatalf("the dry run changed the partitions: %d", n)
	}
	got, err := operate.AddPartitions(ctx, cl, name, 5, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.DryRun || len(got.NewPartitions) != 3 || got.NewPartitions[0].Partition != 2 || len(got.NewPartitions[0].Replicas) != 2 {
		t.Fatalf("result %+v", got)
	}
	if td := topDetail(t, adm, name, 5); len(td.Partitions) != 5 {
		t.Fatalf("%d partitions", len(td.Partitions))
	}
	_, err = operate.AddPartitions(ctx, cl, name, 3, true)
	topKind(t, err, operate.Invalid, "partitions cannot be removed from a topic")
	_, err = operate.AddPartitions(ctx, cl, name, 5, false)
	topKind(t, err, operate.Invalid, "already has 5 partitions")
	_, err = operate.AddPartitions(ctx, cl, name, 0, false)
	topKind(t, err, operate.Invalid, "count")
	_, err = operate.AddPartitions(ctx, cl, topName(t), 9, true)
	topKind(t, err, operate.NotFound, "no such topic")
}

func TestAlterTopicConfigs(t *testing.T) {
	cl, adm := topClient(t)
	ctx := context.Background()
	name := topName(t)
	if _, err := adm.CreateTopic(ctx, 1, 1, map[string]*string{"retention.ms": kadm.StringPtr("3600000")}, name); err != nil {
		t.Fatal(err)
	}
	topDetail(t, adm, name, 1)
	ch := operate.TopicConfigChanges{Set: map[string]string{"max.message.bytes": "2097152"}, Delete: []string{"retention.ms"}, DryRun: true}
	plan, err := operate.AlterTopicConfigs(ctx, cl, name, ch)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]operate.ConfigChange{}
	for _, c := range plan.Changes {
		byKey[c.Key] = c
	}
	mmb, ret := byKey["max.message.bytes"], byKey["retention.ms"]
	if !plan.DryRun || len(plan.Changes) != 2 || mmb.Op != "set" || mmb.New != "2097152" || mmb.Old == "" || mmb.OldSource == "dynamic_topic" || !mmb.Changed ||
		ret.Op != "delete" || ret.Old != "3600000" || ret.OldSource != "dynamic_topic" || ret.NewSource == "dynamic_topic" || !ret.Changed {
		t.Fatalf("plan %+v", plan)
	}
	if ret.New != "604800000" || ret.NewSource != "default" {
		t.Fatalf("retention.ms falls back to %q (%s), want Kafka's default 604800000", ret.New, ret.NewSource)
	}
	if !strings.Contains(plan.Summary, "retention.ms: 3600000 -> 604800000") {
		t.Fatalf("summary %q", plan.Summary)
	}
	if c := topConfig(t, adm, name, "retention.ms"); c.MaybeValue() != "3600000" {
		t.Fatal("the dry run changed retention.ms")
	}
	if c := topConfig(t, adm, name, "max.message.bytes"); c.MaybeValue() == "2097152" {
		t.Fatal("the dry run changed max.message.bytes")
	}
	ch.DryRun = false
	got, err := operate.AlterTopicConfigs(ctx, cl, name, ch)
	if err != nil {
		t.Fatal(err)
	}
	if c := topConfig(t, adm, name, "max.message.bytes"); c.MaybeValue() != "2097152" {
		t.Fatalf("max.message.bytes %+v", c)
	}
	if c := topConfig(t, adm, name, "retention.ms"); c.MaybeValue() == "3600000" || c.Source.String() == "DYNAMIC_TOPIC_CONFIG" {
		t.Fatalf("retention.ms %+v", c)
	}
	for _, c := range got.Changes {
		if c.Key == "retention.ms" && (c.New != "604800000" || c.NewSource != "default") {
			t.Fatalf("retention.ms after: %+v", c)
		}
	}
	for _, tc := range []struct {
		ch  operate.TopicConfigChanges
		msg string
	}{
		{operate.TopicConfigChanges{Set: map[string]string{"no.such.config": "1"}}, "no.such.config"},
		{operate.TopicConfigChanges{Set: map[string]string{"retention.ms": "soon"}, DryRun: true}, "retention.ms"},
		{operate.TopicConfigChanges{}, "nothing to change"},
		{operate.TopicConfigChanges{Set: map[string]string{"retention.ms": "1"}, Delete: []string{"retention.ms"}}, "both set and deleted"},
	} {
		_, err := operate.AlterTopicConfigs(ctx, cl, name, tc.ch)
		topKind(t, err, operate.Invalid, tc.msg)
	}
	_, err = operate.AlterTopicConfigs(ctx, cl, topName(t), operate.TopicConfigChanges{Set: map[string]string{"retention.ms": "1"}})
	topKind(t, err, operate.NotFound, "")
}

func TestPurgeTopic(t *testing.T) {
	cl, adm := topClient(t)
	ctx := context.Background()
	name := topName(t)
	if _, err := adm.CreateTopic(ctx, 3, 2, nil, name); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-2 * time.Hour).Truncate(time.Millisecond)
	t1 := t0.Add(time.Hour)
	topProduce(t, name, 3, 10, t0, t1)
	starts := func() map[int32]int64 {
		t.Helper()
		l, err := adm.ListStartOffsets(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int32]int64{}
		l.Each(func(o kadm.ListedOffset) { out[o.Partition] = o.Offset })
		return out
	}
	snap := &snapshot.Snapshot{Groups: map[string]*snapshot.Group{"slow": {ID: "slow", Offsets: map[string]map[int32]int64{name: {0: 2, 1: 9}}}}}

	// One offset for two partitions, dry run first.
	four := int64(4)
	plan, err := operate.PurgeTopic(ctx, cl, name, operate.PurgeSpec{Offset: &four, Partitions: []int32{0, 2}, DryRun: true}, snap)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.DryRun || plan.Removed != 8 || len(plan.Partitions) != 2 || plan.Partitions[1].Partition != 2 ||
		plan.Partitions[1].StartOffset != 0 || plan.Partitions[1].NewStartOffset != 4 || plan.Partitions[1].EndOffset != 10 ||
		len(plan.Warnings) != 1 || !strings.Contains(plan.Warnings[0], `"slow"`) {
		t.Fatalf("plan %+v", plan)
	}
	if s := starts(); s[0] != 0 || s[1] != 0 || s[2] != 0 {
		t.Fatalf("the dry run moved start offsets: %v", s)
	}
	got, err := operate.PurgeTopic(ctx, cl, name, operate.PurgeSpec{Offset: &four, Partitions: []int32{0, 2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Removed != 8 || got.Partitions[0].NewStartOffset != 4 {
		t.Fatalf("result %+v", got)
	}
	if s := starts(); s[0] != 4 || s[1] != 0 || s[2] != 4 {
		t.Fatalf("start offsets %v", s)
	}

	// Per partition; an offset before the start changes nothing on its partition.
	got, err = operate.PurgeTopic(ctx, cl, name, operate.PurgeSpec{Offsets: map[int32]int64{0: 2, 1: 7}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Removed != 7 || got.Partitions[0].Removed != 0 || got.Partitions[0].NewStartOffset != 4 {
		t.Fatalf("result %+v", got)
	}
	if s := starts(); s[0] != 4 || s[1] != 7 || s[2] != 4 {
		t.Fatalf("start offsets %v", s)
	}

	// Before a time: offsets 5-9 are at t1, so everything before t1 goes.
	plan, err = operate.PurgeTopic(ctx, cl, name, operate.PurgeSpec{Before: t1, DryRun: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Removed != 1+0+1 || plan.Partitions[1].NewStartOffset != 7 || plan.Partitions[2].NewStartOffset != 5 {
		t.Fatalf("by time plan %+v", plan)
	}
	if _, err = operate.PurgeTopic(ctx, cl, name, operate.PurgeSpec{Before: t1}, nil); err != nil {
		t.Fatal(err)
	}
	if s := starts(); s[0] != 5 || s[1] != 7 || s[2] != 5 {
		t.Fatalf("start offsets after the time purge %v", s)
	}
	// -1: everything.
	all := int64(-1)
	got, err = operate.PurgeTopic(ctx, cl, name, operate.PurgeSpec{Offset: &all, Partitions: []int32{1}}, nil)
	if err != nil || got.Removed != 3 {
		t.Fatalf("%+v %v", got, err)
	}
	if s := starts(); s[1] != 10 {
		t.Fatalf("start offsets after -1 %v", s)
	}

	compacted := topName(t)
	if _, err := adm.CreateTopic(ctx, 1, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, compacted); err != nil {
		t.Fatal(err)
	}
	topDetail(t, adm, compacted, 1)
	eleven := int64(11)
	for _, tc := range []struct {
		topic string
		spec  operate.PurgeSpec
		kind  operate.Kind
		msg   string
	}{
		{name, operate.PurgeSpec{Offsets: map[int32]int64{0: 11}}, operate.Invalid, "past the end of partition 0 (its end offset is 10)"},
		{name, operate.PurgeSpec{Offset: &four, Partitions: []int32{3}}, operate.Invalid, "no partition 3"},
		{name, operate.PurgeSpec{}, operate.Invalid, "exactly one of before_offset"},
		{name, operate.PurgeSpec{Offset: &four, Before: t1}, operate.Invalid, "exactly one of before_offset"},
		{name, operate.PurgeSpec{Offsets: map[int32]int64{0: 1}, Partitions: []int32{0}}, operate.Invalid, "leave partitions out"},
		{name, operate.PurgeSpec{Offsets: map[int32]int64{0: -5}}, operate.Invalid, "negative"},
		{compacted, operate.PurgeSpec{Offset: &four, DryRun: true}, operate.Invalid, "compacted topic"},
		{topName(t), operate.PurgeSpec{Offset: &four}, operate.NotFound, "no such topic"},
	} {
		_, err := operate.PurgeTopic(ctx, cl, tc.topic, tc.spec, nil)
		topKind(t, err, tc.kind, tc.msg)
	}
	if s := starts(); s[0] != 5 || s[1] != 10 || s[2] != 5 {
		t.Fatalf("bad input moved start offsets: %v", s)
	}
	// One offset for all, past some partitions' end: those lose every record, and it says so.
	plan, err = operate.PurgeTopic(ctx, cl, name, operate.PurgeSpec{Offset: &eleven, DryRun: true}, nil)
	if err != nil || plan.Removed != 10 || plan.Partitions[0].NewStartOffset != 10 || len(plan.Warnings) != 1 || !strings.Contains(plan.Warnings[0], "partition(s) 0, 1, 2 end before offset 11") {
		t.Fatalf("%+v %v", plan, err)
	}
}
