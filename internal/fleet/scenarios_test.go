package fleet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/collect"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

var kc *testkit.Cluster

// consumerEnv makes the test binary a consumer process (for the kill -9 scenario):
// "bootstrap|group|topic".
const consumerEnv = "GREGOR_TEST_CONSUMER"

func TestMain(m *testing.M) {
	if v := os.Getenv(consumerEnv); v != "" {
		os.Exit(runConsumer(strings.Split(v, "|")))
	}
	testkit.Main(m, func(cs []*testkit.Cluster) { kc = cs[0] }, testkit.Options{Nodes: 3})
}

// runConsumer consumes and commits until killed.
func runConsumer(a []string) int {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(a[0], ",")...), kgo.ConsumerGroup(a[1]), kgo.ConsumeTopics(a[2]),
		kgo.SessionTimeout(6*time.Second), kgo.HeartbeatInterval(time.Second), kgo.AutoCommitInterval(500*time.Millisecond))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("consuming")
	for {
		cl.PollFetches(context.Background())
	}
}

// scenario is a group and what it should become.
type scenario struct {
	group, want string
	okBefore    bool               // a live, healthy group until start
	start       func(t *testing.T) // what makes it so; runs after the warm-up
	startedAt   int                // cycle when start ran
	reachedAt   int                // first cycle with want, after start; -1 not yet
	reason      string
	burrowAt    int    // the same for Burrow (opt-in comparison); -1 not yet
	burrowLast  string // Burrow's last group status and partition statuses
}

// TestLagScenarios runs the scripted scenarios on the real cluster, all at once on
// one topic with a steady producer, cycles 1 s apart, and reports for each the status and
// how many cycles it took.
func TestLagScenarios(t *testing.T) {
	testkit.Need(t, kc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	adm := kc.AdminT(t)
	const topic = "scenarios"
	if _, err := adm.CreateTopic(ctx, 4, 3, nil, topic); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	run := func(f func()) { wg.Add(1); go func() { defer wg.Done(); f() }() }

	// A steady producer: 40 messages/s over the 4 partitions.
	prod, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	run(func() {
		tk := time.NewTicker(25 * time.Millisecond)
		defer tk.Stop()
		for ctx.Err() == nil {
			<-tk.C
			prod.Produce(ctx, kgo.StringRecord("m"), nil)
		}
	})
	// consume runs a group member; perSecond > 0 throttles it; skip, when it returns true,
	// stops commits of a partition (nil: commit all).
	consume := func(group string, perSecond int, skip func(int32) bool, opts ...kgo.Opt) context.CancelFunc {
		cctx, stop := context.WithCancel(ctx)
		cl, err := kgo.NewClient(append(append(kc.ClientOpts(), kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic),
			kgo.AutoCommitMarks(), kgo.AutoCommitInterval(500*time.Millisecond)), opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		run(func() {
			defer cl.Close()
			for cctx.Err() == nil {
				n := 0
				cl.PollRecords(cctx, 10).EachRecord(func(r *kgo.Record) {
					n++
					if skip == nil || !skip(r.Partition) {
						cl.MarkCommitRecords(r)
					}
				})
				if perSecond > 0 && n > 0 {
					time.Sleep(time.Duration(n) * time.Second / time.Duration(perSecond))
				}
			}
		})
		return stop
	}
	commitEnds := func(group string, minus int64) {
		ends, err := adm.ListEndOffsets(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		os := kadm.Offsets{}
		ends.Each(func(o kadm.ListedOffset) {
			os.Add(kadm.Offset{Topic: topic, Partition: o.Partition, At: max(o.Offset-minus, 0), LeaderEpoch: -1})
		})
		if resp, err := adm.CommitOffsets(ctx, group, os); err != nil || resp.Error() != nil {
			t.Fatalf("commit %s: %v %v", group, err, resp.Error())
		}
	}

	consume("s-healthy", 0, nil)
	consume("s-848", 0, nil, kgo.Balancers(kgo.RangeBalancer()), kgo.ServerSideBalancer())
	stopRewind := consume("s-rewind", 0, nil)
	var stuck atomic.Bool
	consume("s-stuck", 0, func(p int32) bool { return p == 0 && stuck.Load() })
	var killed *exec.Cmd
	scenarios := []*scenario{
		{group: "s-healthy", want: "OK"},
		{group: "s-848", want: "OK"},
		{group: "s-slow", want: "WARN", start: func(t *testing.T) { consume("s-slow", 10, nil) }},
		{group: "s-stuck", want: "STALL", okBefore: true, start: func(t *testing.T) { stuck.Store(true) }},
		{group: "s-nomembers", want: "STOP", start: func(t *testing.T) { commitEnds("s-nomembers", 0) }},
		{group: "s-rewind", want: "REWIND", okBefore: true, start: func(t *testing.T) {
			// A reset, as kafka-consumer-groups --reset-offsets does it: members gone, then
			// the offsets committed lower.
			stopRewind()
			time.Sleep(1500 * time.Millisecond)
			commitEnds("s-rewind", 200)
		}},
		{group: "s-killed", want: "STOP", okBefore: true, start: func(t *testing.T) {
			if err := killed.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}},
	}
	killed = exec.Command(os.Args[0], "-test.run=^$")
	killed.Env = append(os.Environ(), consumerEnv+"="+strings.Join(kc.Bootstrap(), ",")+"|s-killed|"+topic)
	out, _ := killed.StdoutPipe()
	if err := killed.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = killed.Process.Kill(); _ = killed.Wait() }()
	bufio.NewReader(out).ReadString('\n')

	// With GREGOR_BURROW=1 (Kafka 3.x only: Burrow 1.2.1 cannot read offsets from Kafka 4),
	// Burrow watches the same cluster and the same groups, side by side.
	var bw *testkit.Burrow
	if os.Getenv(testkit.BurrowEnv) == "1" {
		if !strings.HasPrefix(kc.Version, "3.") {
			t.Fatalf("%s=1 needs GREGOR_KAFKA_VERSION=3.9: Burrow 1.2.1 sends ListOffsets v0, removed in Kafka 4", testkit.BurrowEnv)
		}
		bw = testkit.StartBurrow(t, kc)
	}
	cl, err := kafka.New(config.Cluster{Name: "real", Bootstrap: kc.Bootstrap(), ClientID: "gregor"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	th := lag.Thresholds{Window: 5, StallAfter: 8 * time.Second, StopAfter: 20 * time.Second}
	c := New(collect.Options{Client: cl, Timeout: 5 * time.Second}, Options{Lag: th})

	const warmup, maxCycles, burrowPatience = 12, 75, 60
	for i := range maxCycles {
		if i == warmup {
			for _, s := range scenarios {
				if s.start != nil {
					s.start(t)
				}
				s.startedAt, s.reachedAt, s.burrowAt = i, -1, -1
			}
		}
		c.Cycle(ctx)
		rep := c.Lag()
		done := i > warmup
		for _, s := range scenarios {
			g := rep.Groups[s.group]
			if i >= warmup && s.reachedAt < 0 && g != nil && g.Status.String() == s.want {
				s.reachedAt, s.reason = i, g.Reason
			}
			done = done && s.reachedAt >= 0
			if bw != nil && i >= warmup {
				st, ps := bw.Statuses(ctx, s.group)
				s.burrowLast = st + " " + strings.Join(ps, ",")
				if s.burrowAt < 0 && (st == s.want || slices.Contains(ps, s.want)) {
					s.burrowAt = i
				}
				done = done && (s.burrowAt >= 0 || i-warmup >= burrowPatience)
			}
			if i == warmup-1 && s.okBefore {
				if g == nil || g.Status != lag.OK {
					t.Fatalf("%s before its scenario: %+v", s.group, g)
				}
			}
		}
		if done {
			break
		}
		time.Sleep(time.Second)
	}
	t.Logf("%-12s %-7s %s", "group", "status", "cycles after the event (1 s each), reason")
	for _, s := range scenarios {
		t.Logf("%-12s %-7s %d: %s", s.group, s.want, s.reachedAt-s.startedAt, s.reason)
	}
	if bw != nil {
		t.Logf("%-12s %-7s %-8s %-8s %s", "group", "want", "gregor", "burrow", "burrow's last status")
		for _, s := range scenarios {
			b := "never"
			if s.burrowAt >= 0 {
				b = fmt.Sprint(s.burrowAt - s.startedAt)
			}
			t.Logf("%-12s %-7s %-8d %-8s %s", s.group, s.want, s.reachedAt-s.startedAt, b, s.burrowLast)
			if s.want == "STOP" && s.burrowAt >= 0 && s.reachedAt > s.burrowAt {
				t.Errorf("%s: Burrow said STOP %d cycles before Gregor", s.group, s.reachedAt-s.burrowAt)
			}
		}
	}
	for _, s := range scenarios {
		if s.reachedAt < 0 {
			g := c.Lag().Groups[s.group]
			t.Errorf("%s never became %s; last: %+v", s.group, s.want, g)
		}
	}
	// The healthy groups must have stayed OK to the end.
	for _, g := range []string{"s-healthy", "s-848"} {
		if st := c.Lag().Groups[g]; st.Status != lag.OK {
			t.Errorf("%s ended %s: %s", g, st.Status, st.Reason)
		}
	}
}

// TestExactTimeLag: records written with timestamps an hour old, a group committed at the
// first of them: the estimate from Gregor's short end-offset history can only say "at least a
// few seconds"; the exact read says an hour.
func TestExactTimeLag(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	adm := kc.AdminT(t)
	if _, err := adm.CreateTopic(ctx, 1, 3, nil, "old-news"); err != nil {
		t.Fatal(err)
	}
	prod, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic("old-news"))...)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	written := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	for i := range 20 {
		r := kgo.StringRecord(fmt.Sprint(i))
		r.Timestamp = written.Add(time.Duration(i) * time.Second)
		if err := prod.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	os := kadm.Offsets{}
	os.Add(kadm.Offset{Topic: "old-news", Partition: 0, At: 5, LeaderEpoch: -1})
	if _, err := adm.CommitOffsets(ctx, "historians", os); err != nil {
		t.Fatal(err)
	}
	cl, err := kafka.New(config.Cluster{Name: "real", Bootstrap: kc.Bootstrap(), ClientID: "gregor"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, exact := range []int{-1, 0} {
		c := New(collect.Options{Client: cl, Timeout: 5 * time.Second}, Options{Lag: lag.Thresholds{Exact: exact}})
		var p lag.PartitionReport
		for i := range 20 {
			c.Cycle(ctx)
			if g := c.Lag().Groups["historians"]; g != nil && len(g.Partitions) == 1 && g.Partitions[0].Lag == 15 {
				p = g.Partitions[0]
				break
			}
			if i == 19 {
				t.Fatalf("exact=%d: no lag for historians", exact)
			}
			time.Sleep(500 * time.Millisecond)
		}
		want := time.Since(written.Add(5 * time.Second)).Seconds()
		switch exact {
		case -1:
			if p.LagExact || !p.LagAtLeast || p.LagSeconds > 60 {
				t.Fatalf("estimate: %+v", p.Result)
			}
		default:
			if !p.LagExact || p.LagAtLeast || p.LagSeconds < want-30 || p.LagSeconds > want+30 {
				t.Fatalf("exact: %.0fs (exact %v), want ~%.0fs", p.LagSeconds, p.LagExact, want)
			}
		}
		t.Logf("exact=%d: lag %.0fs (exact %v, at least %v)", exact, p.LagSeconds, p.LagExact, p.LagAtLeast)
	}
}
