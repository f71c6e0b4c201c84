package operate_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/operate"
)

// rsgCreate creates a topic with one partition whose only replica is on broker 1, holding
// about mb MiB.
func rsgCreate(t *testing.T, mb int) string {
	t.Helper()
	ctx := context.Background()
	topic := fmt.Sprintf("rsg-%d", time.Now().UnixNano()%1e9)
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic(topic), kgo.ProducerBatchMaxBytes(1<<20),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	req := kmsg.NewPtrCreateTopicsRequest()
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = topic, -1, -1
	ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
	ra.Partition, ra.Replicas = 0, []int32{1}
	rt.ReplicaAssignment = append(rt.ReplicaAssignment, ra)
	req.Topics = append(req.Topics, rt)
	req.TimeoutMillis = 15000
	resp, err := req.RequestWith(ctx, cl)
	if err == nil && resp.Topics[0].ErrorCode != 0 {
		err = fmt.Errorf("create topic: error code %d", resp.Topics[0].ErrorCode)
	}
	if err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for range mb * 10 {
		val := make([]byte, 100<<10)
		_, _ = rand.Read(val) // incompressible
		recs = append(recs, &kgo.Record{Value: val})
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		err := cl.ProduceSync(ctx, recs...).FirstErr()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("producing to %s: %v", topic, err)
		}
	}
	// Every broker knows the topic and the log dir reports the data.
	adm := kc.AdminT(t)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		known := 0
		for _, b := range []int32{1, 2, 3} {
			mreq := kmsg.NewPtrMetadataRequest()
			mt := kmsg.NewMetadataRequestTopic()
			mt.Topic = kmsg.StringPtr(topic)
			mreq.Topics = append(mreq.Topics, mt)
			mresp, err := mreq.RequestWith(ctx, cl.Broker(int(b)))
			if err == nil && len(mresp.Topics) == 1 && mresp.Topics[0].ErrorCode == 0 && len(mresp.Topics[0].Partitions) == 1 {
				known++
			}
		}
		if known == 3 && rsgSizeOn(t, adm, 1, topic) >= int64(mb)*1000<<10 {
			return topic
		}
		if time.Now().After(deadline) {
			t.Fatalf("topic %s not ready on every broker (%d) or not all its data on disk", topic, known)
		}
	}
}

// rsgSizeOn is the size of topic/0 on broker (-1: no replica there).
func rsgSizeOn(t *testing.T, adm *kadm.Client, broker int32, topic string) int64 {
	t.Helper()
	d, err := adm.DescribeAllLogDirs(context.Background(), kadm.TopicsSet{topic: {0: {}}})
	if err != nil && len(d) == 0 {
		t.Fatal(err)
	}
	var s int64 = -1
	for _, dir := range d[broker] {
		if p, ok := dir.Topics.Lookup(topic, 0); ok && !p.IsFuture {
			s = max(s, p.Size)
		}
	}
	return s
}

// rsgThrottles lists the throttle configs set on the brokers and on topic, read directly.
func rsgThrottles(t *testing.T, adm *kadm.Client, topic string) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	bcs, err := adm.DescribeBrokerConfigs(ctx, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range bcs {
		for _, c := range rc.Configs {
			if strings.Contains(c.Key, "replication.throttled.rate") && c.Source == kmsg.ConfigSourceDynamicBrokerConfig {
				out = append(out, "broker "+rc.Name+" "+c.Key+"="+c.MaybeValue())
			}
		}
	}
	tcs, err := adm.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range tcs {
		for _, c := range rc.Configs {
			if strings.Contains(c.Key, "replication.throttled.replicas") && c.Source == kmsg.ConfigSourceDynamicTopicConfig {
				out = append(out, c.Key+"="+c.MaybeValue())
			}
		}
	}
	slices.Sort(out)
	return out
}

func rsgReplicas(t *testing.T, adm *kadm.Client, topic string) kadm.PartitionDetail {
	t.Helper()
	md, err := adm.Metadata(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	return md.Topics[topic].Partitions[0]
}

func rsgKind(err error) operate.Kind {
	var oe *operate.Error
	if errors.As(err, &oe) {
		return oe.Kind
	}
	return 0
}

// Plans: drain and replication factor keep the preferred leader, pick distinct brokers and
// count the leader's bytes per new replica; bad requests are clear errors.
func TestReassignPlan(t *testing.T) {
	if kc == nil {
		t.Skip("no cluster")
	}
	ctx := context.Background()
	adm := kc.AdminT(t)
	topic := rsgCreate(t, 1)
	size := rsgSizeOn(t, adm, 1, topic)
	if size < 1000<<10 {
		t.Fatalf("size on broker 1 = %d", size)
	}
	rf, err := operate.PlanReassignment(ctx, adm, operate.ReassignPlanRequest{Mode: operate.ReassignRF, Topics: []string{topic}, ReplicationFactor: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(rf.Moves) != 1 || rf.Moves[0].Target[0] != 1 || len(rf.Moves[0].Target) != 3 || len(rf.Moves[0].Adding) != 2 ||
		rf.TotalBytes != 2*size || rf.Moves[0].Bytes != 2*size || !slices.Equal(rf.Brokers, []int32{1, 2, 3}) {
		t.Fatalf("rf plan %+v (size %d)", rf, size)
	}
	dr, err := operate.PlanReassignment(ctx, adm, operate.ReassignPlanRequest{Mode: operate.ReassignDrain, Topics: []string{topic}, Brokers: []int32{1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(dr.Moves) != 1 || len(dr.Moves[0].Target) != 1 || dr.Moves[0].Target[0] == 1 || dr.TotalBytes != size ||
		!slices.Equal(dr.Moves[0].Removing, []int32{1}) {
		t.Fatalf("drain plan %+v", dr)
	}
	// Another topic with 3 partitions on brokers 1 and 2; "add" 3 spreads onto it.
	spread := fmt.Sprintf("rsg-add-%d", time.Now().UnixNano()%1e9)
	if _, err := adm.CreateTopic(ctx, 4, 1, nil, spread); err != nil {
		t.Fatal(err)
	}
	// A topic created a moment ago reaches every broker's metadata a moment later.
	var md kadm.Metadata
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		md, _ = adm.Metadata(ctx, spread)
		if len(md.Topics[spread].Partitions) == 4 || time.Now().After(deadline) {
			break
		}
	}
	cur := map[int32]int{}
	for _, p := range md.Topics[spread].Partitions {
		cur[p.Replicas[0]]++
	}
	var add *operate.ReassignPlan
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		add, err = operate.PlanReassignment(ctx, adm, operate.ReassignPlanRequest{Mode: operate.ReassignAdd, Topics: []string{spread}, Brokers: []int32{1, 2, 3}})
		if err == nil || rsgKind(err) != operate.NotFound || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	after := map[int32]int{}
	for b, n := range cur {
		after[b] = n
	}
	for _, m := range add.Moves {
		after[m.Current[0]]--
		after[m.Target[0]]++
	}
	for b, n := range after {
		if n < 1 || n > 2 {
			t.Fatalf("add plan %+v leaves broker %d with %d of 4 partitions (before %v)", add, b, n, cur)
		}
	}
	for _, bad := range []struct {
		req  operate.ReassignPlanRequest
		kind operate.Kind
		msg  string
	}{
		{operate.ReassignPlanRequest{}, operate.Invalid, `"mode" is required`},
		{operate.ReassignPlanRequest{Mode: "shuffle"}, operate.Invalid, "unknown mode"},
		{operate.ReassignPlanRequest{Mode: operate.ReassignDrain}, operate.Invalid, `"brokers"`},
		{operate.ReassignPlanRequest{Mode: operate.ReassignDrain, Brokers: []int32{9}}, operate.NotFound, "no broker 9"},
		{operate.ReassignPlanRequest{Mode: operate.ReassignDrain, Brokers: []int32{1, 2, 3}, Topics: []string{topic}}, operate.Invalid, "too few brokers"},
		{operate.ReassignPlanRequest{Mode: operate.ReassignRF, Topics: []string{topic}, ReplicationFactor: 4}, operate.Invalid, "more than the 3 brokers"},
		{operate.ReassignPlanRequest{Mode: operate.ReassignRF, Topics: []string{"rsg-nope"}, ReplicationFactor: 2}, operate.NotFound, "no topic"},
		{operate.ReassignPlanRequest{Mode: operate.ReassignCustom, Assignment: operate.Assignment{topic: {0: {1, 1}}}}, operate.Invalid, "listed twice"},
		{operate.ReassignPlanRequest{Mode: operate.ReassignCustom, Assignment: operate.Assignment{topic: {5: {1}}}}, operate.NotFound, "no partition 5"},
	} {
		_, err := operate.PlanReassignment(ctx, adm, bad.req)
		if rsgKind(err) != bad.kind || !strings.Contains(fmt.Sprint(err), bad.msg) {
			t.Errorf("%+v: got %v (kind %d), want kind %d with %q", bad.req, err, rsgKind(err), bad.kind, bad.msg)
		}
	}
	if _, err := operate.StartReassignment(ctx, adm, operate.ReassignStartRequest{Assignment: rf.Assignment}); rsgKind(err) != operate.Invalid {
		t.Errorf("start without throttle: %v", err)
	}
}

// A real reassignment with a small throttle: the throttle is set while it runs, a second one
// is refused, the replicas end where planned and the throttle goes when progress sees the end.
// Then a very slow one is cancelled: the assignment stays consistent and no throttle remains.
func TestReassignThrottled(t *testing.T) {
	if kc == nil {
		t.Skip("no cluster")
	}
	ctx := context.Background()
	adm := kc.AdminT(t)
	topic := rsgCreate(t, 3)
	size := rsgSizeOn(t, adm, 1, topic)
	plan, err := operate.PlanReassignment(ctx, adm, operate.ReassignPlanRequest{Mode: operate.ReassignRF, Topics: []string{topic}, ReplicationFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Moves) != 1 || plan.TotalBytes != size {
		t.Fatalf("plan %+v, size %d", plan, size)
	}
	newBroker := plan.Moves[0].Adding[0]

	dry, err := operate.StartReassignment(ctx, adm, operate.ReassignStartRequest{Assignment: plan.Assignment, ThrottleBytesPerSec: 200 << 10, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Throttle.Leader[topic] != "0:1" || dry.Throttle.Follower[topic] != fmt.Sprintf("0:%d", newBroker) {
		t.Fatalf("dry run throttle %+v", dry.Throttle)
	}
	if got := rsgThrottles(t, adm, topic); len(got) != 0 || len(rsgReplicas(t, adm, topic).Replicas) != 1 {
		t.Fatalf("dry run changed something: %v", got)
	}

	started := time.Now()
	r, err := operate.StartReassignment(ctx, adm, operate.ReassignStartRequest{Assignment: plan.Assignment, ThrottleBytesPerSec: 200 << 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = operate.CancelReassignment(context.Background(), adm, r) })
	th := rsgThrottles(t, adm, topic)
	want := []string{
		"broker 1 follower.replication.throttled.rate=204800", "broker 1 leader.replication.throttled.rate=204800",
		fmt.Sprintf("broker %d follower.replication.throttled.rate=204800", newBroker), fmt.Sprintf("broker %d leader.replication.throttled.rate=204800", newBroker),
		fmt.Sprintf("follower.replication.throttled.replicas=0:%d", newBroker), "leader.replication.throttled.replicas=0:1",
	}
	slices.Sort(want)
	if !slices.Equal(th, want) {
		t.Fatalf("throttle configs while running:\n%v\nwant\n%v", th, want)
	}
	pr, err := operate.Progress(ctx, adm, r, true)
	if err != nil {
		t.Fatal(err)
	}
	if !pr.Running || len(pr.InProgress) != 1 || !pr.ThrottleSet || pr.PartitionsTotal != 1 || pr.PartitionsDone != 0 || pr.BytesPlanned != size {
		t.Fatalf("progress while running %+v", pr)
	}
	if _, err := operate.StartReassignment(ctx, adm, operate.ReassignStartRequest{Assignment: plan.Assignment, ThrottleBytesPerSec: 1 << 20}); rsgKind(err) != operate.Conflict ||
		!strings.Contains(err.Error(), "at most one reassignment per cluster") {
		t.Fatalf("second start: %v", err)
	}
	if _, err := operate.FinishReassignment(ctx, adm, r); rsgKind(err) != operate.Conflict {
		t.Fatalf("finish while running: %v", err)
	}
	var last *operate.ReassignProgress
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		// A look that may not change the cluster (a viewer's) reports the throttle, never
		// removes it; then an operator's look removes it.
		pr, err := operate.Progress(ctx, adm, r, false)
		if err != nil {
			t.Fatal(err)
		}
		if !pr.Running {
			if !pr.ThrottleSet || pr.ThrottleRemoved {
				t.Fatalf("a read-only look at a finished reassignment: %+v", pr)
			}
			if last, err = operate.Progress(ctx, adm, r, true); err != nil {
				t.Fatal(err)
			}
			break
		}
		if pr.BytesMoved > size {
			t.Fatalf("moved %d > planned %d", pr.BytesMoved, size)
		}
		if time.Now().After(deadline) {
			t.Fatalf("still running: %+v", pr)
		}
	}
	took := time.Since(started)
	t.Logf("%d bytes at 200 KiB/s took %v", size, took)
	if took < 3*time.Second {
		t.Errorf("a %d byte reassignment throttled to 200 KiB/s took only %v", size, took)
	}
	if !last.ThrottleRemoved || last.ThrottleSet || last.PartitionsDone != 1 || last.BytesMoved != size {
		t.Fatalf("progress at the end %+v", last)
	}
	if th := rsgThrottles(t, adm, topic); len(th) != 0 {
		t.Fatalf("throttle configs after the end: %v", th)
	}
	pd := rsgReplicas(t, adm, topic)
	if !slices.Equal(pd.Replicas, plan.Moves[0].Target) || pd.Leader != 1 {
		t.Fatalf("replicas %v leader %d, want %v", pd.Replicas, pd.Leader, plan.Moves[0].Target)
	}
	if s := rsgSizeOn(t, adm, newBroker, topic); s < size {
		t.Fatalf("size on broker %d = %d, want %d", newBroker, s, size)
	}

	// Cancel a slow drain of broker 1.
	slow := rsgCreate(t, 3)
	drain, err := operate.PlanReassignment(ctx, adm, operate.ReassignPlanRequest{Mode: operate.ReassignDrain, Topics: []string{slow}, Brokers: []int32{1}})
	if err != nil {
		t.Fatal(err)
	}
	old, next := []int32{1}, drain.Moves[0].Target
	r2, err := operate.StartReassignment(ctx, adm, operate.ReassignStartRequest{Assignment: drain.Assignment, ThrottleBytesPerSec: 10 << 10})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if th := rsgThrottles(t, adm, slow); len(th) != 6 {
		t.Fatalf("throttle of the slow one: %v", th)
	}
	end, err := operate.CancelReassignment(ctx, adm, r2)
	if err != nil {
		t.Fatal(err)
	}
	if len(end.Cancelled) != 1 || !end.ThrottleRemoved || len(end.Assignment) != 1 {
		t.Fatalf("cancel %+v", end)
	}
	if running, err := operate.InProgress(ctx, adm); err != nil || len(running) != 0 {
		t.Fatalf("in progress after cancel: %v %v", running, err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		pd := rsgReplicas(t, adm, slow)
		if (slices.Equal(pd.Replicas, old) || slices.Equal(pd.Replicas, next)) && len(pd.ISR) > 0 && pd.Leader >= 0 {
			if !slices.Equal(end.Assignment[0].Replicas, pd.Replicas) {
				t.Fatalf("cancel reported %v, metadata says %v", end.Assignment[0].Replicas, pd.Replicas)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after cancel: replicas %v ISR %v leader %d (old %v, new %v)", pd.Replicas, pd.ISR, pd.Leader, old, next)
		}
	}
	if th := rsgThrottles(t, adm, slow); len(th) != 0 {
		t.Fatalf("throttle configs after cancel: %v", th)
	}
	if pr, err := operate.Progress(ctx, adm, r2, true); err != nil || pr.Running || pr.ThrottleSet {
		t.Fatalf("progress after cancel %+v %v", pr, err)
	}
	if fin, err := operate.FinishReassignment(ctx, adm, nil); err != nil || !fin.ThrottleRemoved {
		t.Fatalf("finish with nothing running: %+v %v", fin, err)
	}
}

// Throttle configs set by hand before a reassignment are kept while it runs (their replicas
// added to its lists) and put back, not deleted, when it ends.
func TestReassignKeepsManualThrottle(t *testing.T) {
	if kc == nil {
		t.Skip("no cluster")
	}
	ctx := context.Background()
	adm := kc.AdminT(t)
	topic := rsgCreate(t, 1)
	manualRate, manualReplicas := "999999", "0:3"
	r0, err := adm.AlterBrokerConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: operate.ThrottleLeaderRate, Value: &manualRate}}, 1)
	if err = errors.Join(err, rsgAlterErrs(r0)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = adm.AlterBrokerConfigs(context.Background(), []kadm.AlterConfig{{Op: kadm.DeleteConfig, Name: operate.ThrottleLeaderRate}}, 1)
	})
	r1, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: operate.ThrottleLeaderReplicas, Value: &manualReplicas}}, topic)
	if err = errors.Join(err, rsgAlterErrs(r1)); err != nil {
		t.Fatal(err)
	}
	before := rsgThrottles(t, adm, topic)

	plan, err := operate.PlanReassignment(ctx, adm, operate.ReassignPlanRequest{Mode: operate.ReassignRF, Topics: []string{topic}, ReplicationFactor: 2})
	if err != nil {
		t.Fatal(err)
	}
	r, err := operate.StartReassignment(ctx, adm, operate.ReassignStartRequest{Assignment: plan.Assignment, ThrottleBytesPerSec: 50 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = operate.CancelReassignment(context.Background(), adm, r) })
	if r.Throttle.Kept.Brokers[1][operate.ThrottleLeaderRate] != manualRate || r.Throttle.Kept.Topics[topic][operate.ThrottleLeaderReplicas] != manualReplicas {
		t.Fatalf("kept %+v", r.Throttle.Kept)
	}
	if got := r.Throttle.Leader[topic]; got != "0:1,0:3" {
		t.Fatalf("leader throttled replicas %q, want the plan's and the manual one", got)
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(300 * time.Millisecond) {
		pr, err := operate.Progress(ctx, adm, r, true)
		if err != nil {
			t.Fatal(err)
		}
		if !pr.Running {
			if !pr.ThrottleRemoved || pr.ThrottleSet {
				t.Fatalf("progress at the end %+v", pr)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still running: %+v", pr)
		}
	}
	if after := rsgThrottles(t, adm, topic); !slices.Equal(after, before) {
		t.Fatalf("throttle configs after the end:\n%v\nwant the manual ones back:\n%v", after, before)
	}
	// A later look sees only the manual throttle, which is not the reassignment's.
	pr, err := operate.Progress(ctx, adm, r, true)
	if err != nil || pr.ThrottleSet || len(pr.ThrottledBrokers) != 0 {
		t.Fatalf("a later look: %+v, %v", pr, err)
	}
}

func rsgAlterErrs(rs kadm.AlterConfigsResponses) error {
	for _, r := range rs {
		if r.Err != nil {
			return fmt.Errorf("%s: %w %s", r.Name, r.Err, r.ErrMessage)
		}
	}
	return nil
}
