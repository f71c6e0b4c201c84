package operate_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

var grpSeq atomic.Int64

// grpName is a topic or group name unique to this test run.
func grpName(t *testing.T, kind string) string {
	return fmt.Sprintf("gops-%s-%s-%d-%d", kind, strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())), time.Now().UnixNano()%1e6, grpSeq.Add(1))
}

// grpTimes are the two record batches' timestamps: 5 records per partition at grpT0, then 5
// at grpT1 (in the past: Kafka refuses timestamps too far ahead).
var (
	grpT0 = time.Now().Add(-3 * time.Hour).Truncate(time.Millisecond)
	grpT1 = grpT0.Add(time.Hour)
)

// grpTopic creates a topic with `parts` partitions holding 10 records each (offsets 0-4 at
// grpT0, 5-9 at grpT1).
func grpTopic(t *testing.T, adm *kadm.Client, parts int32) string {
	t.Helper()
	ctx := context.Background()
	topic := grpName(t, "t")
	if _, err := adm.CreateTopic(ctx, parts, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic(topic))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for p := range parts {
		for i := range 10 {
			ts := grpT0
			if i >= 5 {
				ts = grpT1
			}
			recs = append(recs, &kgo.Record{Partition: p, Timestamp: ts, Value: fmt.Appendf(nil, "r%d", i)})
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := cl.ProduceSync(ctx, recs...).FirstErr()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("producing to %s: %v", topic, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	return topic
}

// grpCommit commits offsets for group: topic -> partition -> offset.
func grpCommit(t *testing.T, adm *kadm.Client, group string, offs map[string]map[int32]int64) {
	t.Helper()
	os := kadm.Offsets{}
	for tp, ps := range offs {
		for p, o := range ps {
			os.AddOffset(tp, p, o, -1)
		}
	}
	if err := adm.CommitAllOffsets(context.Background(), group, os); err != nil {
		t.Fatal(err)
	}
}

// grpFetch is the group's committed offsets: topic -> partition -> offset.
func grpFetch(t *testing.T, adm *kadm.Client, group string) map[string]map[int32]int64 {
	t.Helper()
	resp, err := adm.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[int32]int64{}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 {
			if out[o.Topic] == nil {
				out[o.Topic] = map[int32]int64{}
			}
			out[o.Topic][o.Partition] = o.At
		}
	})
	return out
}

func grpKind(t *testing.T, err error, want operate.Kind, msg string) {
	t.Helper()
	var oe *operate.Error
	if !errors.As(err, &oe) || oe.Kind != want || !strings.Contains(oe.Msg, msg) {
		t.Fatalf("error %v (%T), want kind %d containing %q", err, err, want, msg)
	}
}

func i64(v int64) *int64 { return &v }

// The reset modes each commit exactly the planned offsets, clamped into [log start, end];
// the dry run before them changes nothing.
func TestGroupResetModes(t *testing.T) {
	testkit.Need(t, kc)
	adm := kc.AdminT(t)
	ctx := context.Background()
	topic := grpTopic(t, adm, 2)
	other := grpTopic(t, adm, 1)
	group := grpName(t, "g")
	start := map[string]map[int32]int64{topic: {0: 3, 1: 3}, other: {0: 8}}

	for _, tc := range []struct {
		name string
		req  operate.ResetRequest
		want map[string]map[int32]int64 // the new committed offsets
	}{
		{"earliest", operate.ResetRequest{To: "earliest", Topics: []string{topic}}, map[string]map[int32]int64{topic: {0: 0, 1: 0}, other: {0: 8}}},
		{"latest", operate.ResetRequest{To: "latest"}, map[string]map[int32]int64{topic: {0: 10, 1: 10}, other: {0: 10}}},
		{"timestamp", operate.ResetRequest{To: "timestamp", Timestamp: grpT0.Add(30 * time.Minute), Topics: []string{topic}},
			map[string]map[int32]int64{topic: {0: 5, 1: 5}, other: {0: 8}}},
		{"timestamp-future", operate.ResetRequest{To: "timestamp", Timestamp: time.Now().Add(time.Hour), Topics: []string{topic}},
			map[string]map[int32]int64{topic: {0: 10, 1: 10}, other: {0: 8}}},
		{"offset", operate.ResetRequest{To: "offset", Offset: i64(7), Partitions: map[string][]int32{topic: {1}}},
			map[string]map[int32]int64{topic: {0: 3, 1: 7}, other: {0: 8}}},
		{"offset-clamped", operate.ResetRequest{To: "offset", Offset: i64(100), Topics: []string{other}},
			map[string]map[int32]int64{topic: {0: 3, 1: 3}, other: {0: 10}}},
		{"shift-forward", operate.ResetRequest{To: "shift", Shift: i64(2)}, map[string]map[int32]int64{topic: {0: 5, 1: 5}, other: {0: 10}}},
		{"shift-back-clamped", operate.ResetRequest{To: "shift", Shift: i64(-5)}, map[string]map[int32]int64{topic: {0: 0, 1: 0}, other: {0: 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			grpCommit(t, adm, group, start)
			req := tc.req
			req.Group = group
			req.DryRun = true
			dry, err := operate.ResetOffsets(ctx, adm, req)
			if err != nil {
				t.Fatal(err)
			}
			if got := grpFetch(t, adm, group); !reflect.DeepEqual(got, start) {
				t.Fatalf("dry run changed the offsets: %v, want %v", got, start)
			}
			if dry.Applied || !dry.DryRun {
				t.Fatalf("dry run says applied: %+v", dry)
			}
			req.DryRun = false
			plan, err := operate.ResetOffsets(ctx, adm, req)
			if err != nil {
				t.Fatal(err)
			}
			if !plan.Applied {
				t.Fatalf("not applied: %+v", plan)
			}
			if !reflect.DeepEqual(plan.Partitions, dry.Partitions) {
				t.Fatalf("applied plan %+v differs from the dry run %+v", plan.Partitions, dry.Partitions)
			}
			got := grpFetch(t, adm, group)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("offsets after: %v, want %v", got, tc.want)
			}
			for _, c := range plan.Partitions {
				if got[c.Topic][c.Partition] != c.New {
					t.Errorf("%s/%d: committed %d, planned %d", c.Topic, c.Partition, got[c.Topic][c.Partition], c.New)
				}
				if c.Old == nil || *c.Old != start[c.Topic][c.Partition] {
					t.Errorf("%s/%d: old %v, want %d", c.Topic, c.Partition, c.Old, start[c.Topic][c.Partition])
				}
				if c.LogStart != 0 || c.LogEnd != 10 || c.LagAfter != 10-c.New || *c.LagBefore != 10-*c.Old {
					t.Errorf("%s/%d: bounds/lag wrong: %+v", c.Topic, c.Partition, c)
				}
			}
			if tc.name == "offset-clamped" || tc.name == "shift-back-clamped" {
				clamped := false
				for _, c := range plan.Partitions {
					clamped = clamped || c.Clamped
				}
				if !clamped {
					t.Errorf("no partition marked clamped: %+v", plan.Partitions)
				}
			}
		})
	}
}

// A topic the group never committed on can be reset by name: old offset and lag before are none.
func TestGroupResetUncommittedTopic(t *testing.T) {
	testkit.Need(t, kc)
	adm := kc.AdminT(t)
	topic, fresh := grpTopic(t, adm, 1), grpTopic(t, adm, 2)
	group := grpName(t, "g")
	grpCommit(t, adm, group, map[string]map[int32]int64{topic: {0: 4}})
	plan, err := operate.ResetOffsets(context.Background(), adm, operate.ResetRequest{Group: group, To: "earliest", Topics: []string{fresh}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Partitions) != 2 || plan.Partitions[0].Old != nil || plan.Partitions[0].LagBefore != nil || plan.Partitions[1].New != 0 {
		t.Fatalf("plan: %+v", plan.Partitions)
	}
	want := map[string]map[int32]int64{topic: {0: 4}, fresh: {0: 0, 1: 0}}
	if got := grpFetch(t, adm, group); !reflect.DeepEqual(got, want) {
		t.Fatalf("offsets %v, want %v", got, want)
	}
	// Shift needs a committed offset to move from.
	_, err = operate.ResetOffsets(context.Background(), adm, operate.ResetRequest{Group: group, To: "shift", Shift: i64(1),
		Topics: []string{topic, grpTopic(t, adm, 1)}})
	grpKind(t, err, operate.Invalid, "needs a committed offset")
}

// Bad requests are refused with a clear kind and message, and change nothing.
func TestGroupResetBadInput(t *testing.T) {
	testkit.Need(t, kc)
	adm := kc.AdminT(t)
	ctx := context.Background()
	topic := grpTopic(t, adm, 1)
	group := grpName(t, "g")
	grpCommit(t, adm, group, map[string]map[int32]int64{topic: {0: 4}})
	for _, tc := range []struct {
		req  operate.ResetRequest
		kind operate.Kind
		msg  string
	}{
		{operate.ResetRequest{Group: group, To: "sideways"}, operate.Invalid, "unknown reset mode"},
		{operate.ResetRequest{Group: group}, operate.Invalid, `"to" is required`},
		{operate.ResetRequest{Group: group, To: "timestamp"}, operate.Invalid, "timestamp"},
		{operate.ResetRequest{Group: group, To: "offset"}, operate.Invalid, "offset"},
		{operate.ResetRequest{Group: group, To: "offset", Offset: i64(-1)}, operate.Invalid, "0 or more"},
		{operate.ResetRequest{Group: group, To: "shift"}, operate.Invalid, "shift"},
		{operate.ResetRequest{Group: grpName(t, "nope"), To: "earliest"}, operate.NotFound, "no consumer group"},
		{operate.ResetRequest{Group: group, To: "earliest", Topics: []string{"gops-no-such-topic"}}, operate.NotFound, "no topic"},
		{operate.ResetRequest{Group: group, To: "earliest", Partitions: map[string][]int32{topic: {9}}}, operate.NotFound, "no partition 9"},
		{operate.ResetRequest{Group: group, To: "earliest", Topics: []string{topic}, Partitions: map[string][]int32{"x": {0}}}, operate.Invalid, "not in topics"},
	} {
		_, err := operate.ResetOffsets(ctx, adm, tc.req)
		grpKind(t, err, tc.kind, tc.msg)
	}
	if got := grpFetch(t, adm, group); got[topic][0] != 4 {
		t.Fatalf("offsets changed: %v", got)
	}
}

// grpMember starts a consumer in group polling topic (classic protocol, or KIP-848's
// consumer protocol) and waits until the group shows it as a member.
func grpMember(t *testing.T, adm *kadm.Client, group, topic string, consumerProtocol bool) {
	t.Helper()
	opts := append(kc.ClientOpts(), kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic), kgo.DisableAutoCommit(),
		kgo.FetchMaxWait(200*time.Millisecond))
	if consumerProtocol {
		opts = append(opts, kgo.ServerSideBalancer(), kgo.Balancers(kgo.CooperativeStickyBalancer()))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			cl.PollFetches(ctx)
		}
	}()
	t.Cleanup(func() { cancel(); <-done; cl.Close() })
	deadline := time.Now().Add(45 * time.Second)
	for {
		st, err := operate.DescribeGroupState(context.Background(), adm, group)
		if err == nil && st.Members > 0 && (st.Protocol == "consumer") == consumerProtocol {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the consumer never joined %s: %+v %v", group, st, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// While a consumer is in the group, applying a reset or deleting the group is refused with
// a Conflict and changes nothing; the dry run still shows the plan and says why.
func TestGroupActiveMembersRefused(t *testing.T) {
	testkit.Need(t, kc)
	for _, proto := range []string{"classic", "consumer"} {
		t.Run(proto, func(t *testing.T) {
			adm := kc.AdminT(t)
			ctx := context.Background()
			topic := grpTopic(t, adm, 2)
			group := grpName(t, "g")
			before := map[string]map[int32]int64{topic: {0: 3, 1: 3}}
			grpCommit(t, adm, group, before)
			grpMember(t, adm, group, topic, proto == "consumer")

			dry, err := operate.ResetOffsets(ctx, adm, operate.ResetRequest{Group: group, To: "earliest", DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if dry.ActiveMembers != 1 || !strings.Contains(dry.Warning, "1 active member;") || len(dry.Partitions) != 2 {
				t.Fatalf("dry run: %+v", dry)
			}
			_, err = operate.ResetOffsets(ctx, adm, operate.ResetRequest{Group: group, To: "earliest"})
			grpKind(t, err, operate.Conflict, "has 1 active member; stop its consumers first")
			_, err = operate.DeleteGroup(ctx, adm, group, false)
			grpKind(t, err, operate.Conflict, "stop its consumers first")
			_, err = operate.DeleteOffsets(ctx, adm, group, topic, false)
			grpKind(t, err, operate.Conflict, "stop its consumers first")
			if got := grpFetch(t, adm, group); !reflect.DeepEqual(got, before) {
				t.Fatalf("offsets changed: %v, want %v", got, before)
			}
			if st, _ := operate.DescribeGroupState(ctx, adm, group); !st.Exists {
				t.Fatal("group gone")
			}
		})
	}
}

// Deleting a group: the dry run lists its offsets and deletes nothing; then it is gone.
func TestGroupDelete(t *testing.T) {
	testkit.Need(t, kc)
	adm := kc.AdminT(t)
	ctx := context.Background()
	topic := grpTopic(t, adm, 2)
	group := grpName(t, "g")
	offs := map[string]map[int32]int64{topic: {0: 2, 1: 6}}
	grpCommit(t, adm, group, offs)

	d, err := operate.DeleteGroup(ctx, adm, group, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []operate.CommittedOffset{{Topic: topic, Partition: 0, Offset: 2}, {Topic: topic, Partition: 1, Offset: 6}}
	if d.Deleted || !reflect.DeepEqual(d.Offsets, want) || d.ActiveMembers != 0 {
		t.Fatalf("dry run: %+v", d)
	}
	if got := grpFetch(t, adm, group); !reflect.DeepEqual(got, offs) {
		t.Fatalf("dry run changed offsets: %v", got)
	}
	if d, err = operate.DeleteGroup(ctx, adm, group, false); err != nil || !d.Deleted {
		t.Fatalf("delete: %+v %v", d, err)
	}
	if got := grpFetch(t, adm, group); len(got) != 0 {
		t.Fatalf("offsets left: %v", got)
	}
	listed, err := adm.ListGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := listed[group]; ok {
		t.Fatalf("group still listed: %+v", listed[group])
	}
	_, err = operate.DeleteGroup(ctx, adm, group, false)
	grpKind(t, err, operate.NotFound, "no consumer group")
}

// Deleting a group's offsets for one topic leaves its other topics alone.
func TestGroupDeleteOffsets(t *testing.T) {
	testkit.Need(t, kc)
	adm := kc.AdminT(t)
	ctx := context.Background()
	t1, t2 := grpTopic(t, adm, 2), grpTopic(t, adm, 1)
	group := grpName(t, "g")
	offs := map[string]map[int32]int64{t1: {0: 1, 1: 2}, t2: {0: 3}}
	grpCommit(t, adm, group, offs)

	d, err := operate.DeleteOffsets(ctx, adm, group, t1, true)
	if err != nil {
		t.Fatal(err)
	}
	if d.Deleted || len(d.Offsets) != 2 || d.Offsets[1] != (operate.CommittedOffset{Topic: t1, Partition: 1, Offset: 2}) {
		t.Fatalf("dry run: %+v", d)
	}
	if got := grpFetch(t, adm, group); !reflect.DeepEqual(got, offs) {
		t.Fatalf("dry run changed offsets: %v", got)
	}
	if d, err = operate.DeleteOffsets(ctx, adm, group, t1, false); err != nil || !d.Deleted {
		t.Fatalf("delete: %+v %v", d, err)
	}
	if got, want := grpFetch(t, adm, group), (map[string]map[int32]int64{t2: {0: 3}}); !reflect.DeepEqual(got, want) {
		t.Fatalf("offsets %v, want %v", got, want)
	}
	_, err = operate.DeleteOffsets(ctx, adm, group, t1, false)
	grpKind(t, err, operate.NotFound, "no committed offsets for topic")
	_, err = operate.DeleteOffsets(ctx, adm, group, "", false)
	grpKind(t, err, operate.Invalid, "topic is required")
	_, err = operate.DeleteOffsets(ctx, adm, grpName(t, "nope"), t2, false)
	grpKind(t, err, operate.NotFound, "no consumer group")
}
