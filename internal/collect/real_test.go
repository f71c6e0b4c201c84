package collect

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/goleak"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

var kc *testkit.Cluster // a real 3-node cluster

func realCollector(t *testing.T) *Collector {
	t.Helper()
	urls := map[string]string{}
	for _, n := range kc.Nodes {
		urls[strconv.Itoa(int(n.ID))] = n.MetricsURL()
	}
	cc := config.Cluster{Name: "real", Bootstrap: kc.Bootstrap(), ClientID: "gregor",
		Metrics: &config.Metrics{URLs: urls, Timeout: 5 * time.Second}}
	cl, err := kafka.New(cc, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return New(Options{Client: cl, Metrics: cc.Metrics, Timeout: 5 * time.Second})
}

// TestRealSnapshotMatchesKafka: what a cycle collects equals what Kafka says through kadm.
func TestRealSnapshotMatchesKafka(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	adm := kc.AdminT(t)
	if _, err := adm.CreateTopic(ctx, 4, 3, map[string]*string{"min.insync.replicas": kadm.StringPtr("2")}, "orders"); err != nil {
		t.Fatal(err)
	}
	prod, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic("orders"))...)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	for i := range 200 {
		if err := prod.ProduceSync(ctx, kgo.KeyStringRecord(strconv.Itoa(i), "payload-"+strconv.Itoa(i))).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	os := kadm.Offsets{}
	os.Add(kadm.Offset{Topic: "orders", Partition: 0, At: 3, LeaderEpoch: -1})
	os.Add(kadm.Offset{Topic: "orders", Partition: 1, At: 5, LeaderEpoch: -1})
	if _, err := adm.CommitOffsets(ctx, "billing", os); err != nil {
		t.Fatal(err)
	}
	c := realCollector(t)
	var s *snapshot.Snapshot
	// A new topic reaches every broker's metadata a moment after creation.
	for deadline := time.Now().Add(20 * time.Second); ; {
		s = c.Cycle(ctx)
		if len(s.Errors) == 0 && s.Topics["orders"] != nil && s.Topics["orders"].Partitions[3].EndOffset >= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cycle errors: %+v", s.Errors)
		}
		time.Sleep(500 * time.Millisecond)
	}

	md, err := adm.Metadata(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	ends, _ := adm.ListEndOffsets(ctx, "orders")
	starts, _ := adm.ListStartOffsets(ctx, "orders")
	var total int64
	for _, p := range md.Topics["orders"].Partitions.Sorted() {
		sp := s.Partition("orders", p.Partition)
		e, _ := ends.Lookup("orders", p.Partition)
		st, _ := starts.Lookup("orders", p.Partition)
		if sp.Leader != p.Leader || !slices.Equal(sp.Replicas, p.Replicas) || !slices.Equal(sp.ISR, p.ISR) ||
			sp.EndOffset != e.Offset || sp.StartOffset != st.Offset {
			t.Fatalf("partition %d: gregor %+v, kafka %+v end %d start %d", p.Partition, sp, p, e.Offset, st.Offset)
		}
		if len(sp.ReplicaBytes) != 3 || sp.Stats.SizeBytes <= 0 {
			t.Fatalf("partition %d sizes %v", p.Partition, sp.ReplicaBytes)
		}
		total += e.Offset
	}
	ts := s.Topics["orders"].Stats
	if total != 200 || ts.Messages != 200 || ts.MinISR != 2 || ts.ReplicationFactor != 3 || ts.UnderReplicated != 0 {
		t.Fatalf("topic stats %+v (kafka total %d)", ts, total)
	}
	if cfg := s.Topics["orders"].Configs["min.insync.replicas"]; cfg.Value != "2" || cfg.Source != "dynamic_topic" {
		t.Fatalf("config %+v", cfg)
	}
	g := s.Groups["billing"]
	lag, _ := adm.Lag(ctx, "billing")
	if g == nil || g.Type != "classic" || g.Offsets["orders"][0] != 3 || g.Offsets["orders"][1] != 5 || len(g.Offsets["orders"]) != 2 {
		t.Fatalf("group %+v", g)
	}
	var kadmLag int64
	for _, l := range lag["billing"].Lag.Sorted() {
		if l.Commit.At >= 0 {
			kadmLag += l.Lag
		}
	}
	if g.Stats.Lag != kadmLag {
		t.Fatalf("lag %d, kadm says %d", g.Stats.Lag, kadmLag)
	}
	if _, ok := g.PartitionLag(s, "orders", 2); ok {
		t.Fatal("a partition without a commit has a lag")
	}
	for _, b := range s.Brokers {
		if !b.Reachable || b.Metrics == nil || len(b.LogDirs) != 1 || b.LogDirs[0].TotalBytes <= 0 || b.Configs["log.dirs"].Value == "" {
			t.Fatalf("broker %d: reachable %v metrics %v logdirs %+v", b.ID, b.Reachable, b.Metrics != nil, b.LogDirs)
		}
		if _, ok := b.Metrics.Sum("kafka_server_replicamanager_underreplicatedpartitions"); !ok {
			t.Fatalf("broker %d: no URP metric scraped", b.ID)
		}
	}
	if s.ControllerSource != "quorum" || s.Broker(s.ControllerID) == nil {
		t.Fatalf("controller %d %s", s.ControllerID, s.ControllerSource)
	}
	t.Logf("cycle: %s, %d requests, timings %v", s.Took, s.Requests, s.Timings)
}

// TestRealKillBrokerMidCycle: a broker killed while cycles run; the cycle ends, names the
// missing broker and its error, and the cycles after the restart are whole again.
func TestRealKillBrokerMidCycle(t *testing.T) {
	testkit.Need(t, kc)
	c := realCollector(t)
	ctx := context.Background()
	if s := c.Cycle(ctx); len(s.Errors) > 0 {
		t.Fatalf("before: %+v", s.Errors)
	}
	const victim = int32(3)
	done := make(chan *snapshot.Snapshot)
	go func() { done <- c.Cycle(ctx) }() // a cycle in flight while the broker dies
	if err := kc.Kill(victim); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	<-done
	var s *snapshot.Snapshot
	for {
		s = c.Cycle(ctx)
		if b := s.Broker(victim); b == nil || !b.Reachable {
			break // gone from the metadata, or listed and unreachable
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("the killed broker still looks reachable")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if took := time.Since(start); took > 40*time.Second {
		t.Fatalf("cycles stalled for %s", took)
	}
	if len(s.Topics) == 0 || len(s.Brokers) < 2 {
		t.Fatalf("cycle without the survivors' data: %d topics %d brokers", len(s.Topics), len(s.Brokers))
	}
	named := false
	for _, e := range s.Errors {
		named = named || e.Broker == victim
	}
	if b := s.Broker(victim); b != nil && !named {
		t.Fatalf("broker %d listed but not named in the errors: %+v", victim, s.Errors)
	}
	t.Logf("with broker %d dead: %d brokers, errors %+v", victim, len(s.Brokers), s.Errors)
	// The metrics scrape of the dead broker fails and names it, whether or not it is listed.
	if err := kc.Restart(ctx, victim); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		s = c.Cycle(ctx)
		if len(s.Errors) == 0 && s.Broker(victim) != nil && s.Broker(victim).Reachable && s.Stats.UnderReplicated == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no whole cycle after restart: %+v, URP %d", s.Errors, s.Stats.UnderReplicated)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestRealNoGoroutineLeak runs 100 cycles and checks nothing is left running after close.
func TestRealNoGoroutineLeak(t *testing.T) {
	testkit.Need(t, kc)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	urls := map[string]string{}
	for _, n := range kc.Nodes {
		urls[strconv.Itoa(int(n.ID))] = n.MetricsURL()
	}
	// A JMX exporter scrape takes a few hundred ms on this machine; one broker's keeps the
	// scrape path in the test without making 100 cycles take minutes.
	delete(urls, "3")
	delete(urls, "2")
	cc := config.Cluster{Name: "leak", Bootstrap: kc.Bootstrap(), ClientID: "gregor", Metrics: &config.Metrics{URLs: urls}}
	cl, err := kafka.New(cc, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{Client: cl, Metrics: cc.Metrics})
	defer func() { cl.Close(); c.o.HTTP.CloseIdleConnections() }() // before goleak, even on failure
	start := time.Now()
	scrapeTimeouts := 0
	for i := range 100 {
		s := c.Cycle(context.Background())
		for _, e := range s.Errors {
			// On a loaded machine (CI runs several Kafka clusters at once) a JMX scrape may
			// time out now and then; anything else, or many, is a failure.
			if e.Part == "metrics" && strings.Contains(e.Error, "deadline exceeded") && scrapeTimeouts < 5 {
				scrapeTimeouts++
				continue
			}
			t.Fatalf("cycle %d: %+v", i, s.Errors)
		}
	}
	t.Logf("100 cycles in %s (%d scrape timeouts)", time.Since(start), scrapeTimeouts)
}

// TestRealBothGroupProtocols: a KIP-848 consumer-protocol group and a classic group, live on
// the real cluster, are both described with their members and assignments.
func TestRealBothGroupProtocols(t *testing.T) {
	testkit.Need(t, kc)
	if strings.HasPrefix(kc.Version, "3.") {
		t.Skip("the consumer group protocol (KIP-848) is generally available from Kafka 4.0")
	}
	ctx := context.Background()
	adm := kc.AdminT(t)
	if _, err := adm.CreateTopic(ctx, 4, 3, nil, "events"); err != nil {
		t.Fatal(err)
	}
	consume := func(group string, opts ...kgo.Opt) {
		cl, err := kgo.NewClient(append(append(kc.ClientOpts(), kgo.ConsumerGroup(group), kgo.ConsumeTopics("events"),
			kgo.ClientID(group+"-client")), opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for cctx.Err() == nil {
				cl.PollFetches(cctx)
			}
		}()
		t.Cleanup(func() { cancel(); <-done; cl.Close() })
	}
	consume("next-gen", kgo.Balancers(kgo.RangeBalancer()), kgo.ServerSideBalancer())
	consume("old-school")

	c := realCollector(t)
	c.o.Metrics = nil // scrapes are not what this test is about
	for deadline := time.Now().Add(45 * time.Second); ; {
		s := c.Cycle(ctx)
		ng, og := s.Groups["next-gen"], s.Groups["old-school"]
		if ng != nil && og != nil && assigned(ng) == 4 && assigned(og) == 4 {
			if ng.Type != "consumer" || og.Type != "classic" || ng.State != "Stable" || og.State != "Stable" || ng.Epoch <= 0 || og.Epoch != -1 ||
				ng.Members[0].ClientID != "next-gen-client" || og.ProtocolType != "consumer" {
				t.Fatalf("next-gen %+v\nold-school %+v", ng, og)
			}
			t.Logf("next-gen: %s %s assignor %q, members %+v", ng.Type, ng.State, ng.Assignor, ng.Members)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("groups never stable with 4 partitions assigned: %+v %+v (errors %+v)", ng, og, s.Errors)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func assigned(g *snapshot.Group) int {
	n := 0
	for _, m := range g.Members {
		for _, ps := range m.Assignment {
			n += len(ps)
		}
	}
	return n
}
