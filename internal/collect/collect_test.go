package collect

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

func newCollector(t testing.TB, fake *kfake.Cluster, now func() time.Time) *Collector {
	t.Helper()
	cl, err := kafka.New(config.Cluster{Name: "fake", Bootstrap: fake.ListenAddrs(), ClientID: "gregor"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	if err := cl.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	return New(Options{Client: cl, Timeout: 30 * time.Second, Now: now})
}

// seed creates topics of parts partitions, writes perPartition records to each partition,
// and commits offsets for groups on the first groupTopics topics.
func seed(t testing.TB, fake *kfake.Cluster, topics, parts, perPartition, groups, groupTopics int) {
	t.Helper()
	ctx := context.Background()
	cl, err := kgo.NewClient(kgo.SeedBrokers(fake.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	names := make([]string, topics)
	for i := range names {
		names[i] = fmt.Sprintf("topic-%05d", i)
	}
	if _, err := adm.CreateTopics(ctx, int32(parts), 3, nil, names...); err != nil {
		t.Fatal(err)
	}
	if perPartition > 0 {
		var recs []*kgo.Record
		for _, n := range names {
			for p := range parts {
				for range perPartition {
					recs = append(recs, &kgo.Record{Topic: n, Partition: int32(p), Value: []byte("0123456789")})
				}
			}
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	for g := range groups {
		os := kadm.Offsets{}
		for i := range groupTopics {
			for p := range parts {
				os.Add(kadm.Offset{Topic: names[(g+i)%topics], Partition: int32(p), At: 1, LeaderEpoch: -1})
			}
		}
		if _, err := adm.CommitOffsets(ctx, fmt.Sprintf("group-%05d", g), os); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCycleOnFake(t *testing.T) {
	fake := testkit.Fake(t)
	seed(t, fake, 4, 3, 5, 2, 2)
	now := time.Unix(1_800_000_000, 0)
	c := newCollector(t, fake, func() time.Time { return now })
	s := c.Cycle(context.Background())
	if len(s.Errors) > 0 {
		t.Fatalf("errors: %+v", s.Errors)
	}
	if len(s.Brokers) != 3 || len(s.Topics) != 4 || len(s.Groups) != 2 {
		t.Fatalf("brokers %d topics %d groups %d", len(s.Brokers), len(s.Topics), len(s.Groups))
	}
	for _, b := range s.Brokers {
		if !b.Reachable || len(b.APIVersions) == 0 {
			t.Fatalf("broker %+v", b)
		}
	}
	p := s.Partition("topic-00001", 2)
	if p == nil || p.StartOffset != 0 || p.EndOffset != 5 || p.Stats.Messages != 5 {
		t.Fatalf("partition %+v", p)
	}
	g := s.Groups["group-00000"]
	if g.Offsets["topic-00000"][1] != 1 || !lagIs(g, s, "topic-00000", 1, 4) || g.Stats.Lag != 2*3*4 {
		t.Fatalf("group %+v stats %+v", g, g.Stats)
	}
	if s.Stats.Partitions != 12 || s.Stats.Topics != 4 || s.Stats.Lag != 2*2*3*4 {
		t.Fatalf("cluster stats %+v", s.Stats)
	}

	// Ten seconds later, 20 more records in one partition: a rate of 2 msg/s there.
	cl, _ := kgo.NewClient(kgo.SeedBrokers(fake.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	defer cl.Close()
	for range 20 {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: "topic-00001", Partition: 2, Value: []byte("x")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(10 * time.Second)
	s2 := c.Cycle(context.Background())
	if r := s2.Partition("topic-00001", 2).Stats.MessagesInPerSec; r != 2 {
		t.Fatalf("rate %v, want 2", r)
	}
	if r := s2.Topics["topic-00001"].Stats.MessagesInPerSec; r != 2 {
		t.Fatalf("topic rate %v", r)
	}
	if c.Latest() != s2 {
		t.Fatal("latest not published")
	}
}

// A broker that fails ListOffsets marks the offsets part missing; the cycle completes.
func TestCyclePartialFailure(t *testing.T) {
	fake := testkit.Fake(t)
	seed(t, fake, 3, 2, 1, 1, 1)
	fake.ControlKey(kmsg.ListOffsets.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		return nil, fmt.Errorf("injected"), true
	})
	c := newCollector(t, fake, time.Now)
	c.o.Timeout = 2 * time.Second
	s := c.Cycle(context.Background())
	var offsetErr bool
	for _, e := range s.Errors {
		if e.Part == "offsets" {
			offsetErr = true
		}
	}
	if !offsetErr || len(s.Topics) != 3 || len(s.Groups) != 1 || s.Partition("topic-00000", 0).EndOffset != -1 {
		t.Fatalf("errors %+v topics %d groups %d", s.Errors, len(s.Topics), len(s.Groups))
	}
}

// A broker that fails DescribeLogDirs while the others answer is named in the errors; its
// disk is not silently reported as empty.
func TestCycleOneBrokerFailsLogDirs(t *testing.T) {
	fake := testkit.Fake(t)
	seed(t, fake, 2, 3, 1, 0, 0)
	fake.ControlKey(kmsg.DescribeLogDirs.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		if fake.CurrentNode() == 1 {
			return nil, fmt.Errorf("injected"), true
		}
		return nil, nil, false
	})
	c := newCollector(t, fake, time.Now)
	c.o.Timeout = 3 * time.Second
	s := c.Cycle(context.Background())
	var named bool
	for _, e := range s.Errors {
		named = named || (e.Part == "log_dirs" && e.Broker == 1)
	}
	if !named || !s.Failed("log_dirs") {
		t.Fatalf("errors %+v", s.Errors)
	}
	for _, b := range s.Brokers {
		if b.ID != 1 && len(b.LogDirs) == 0 {
			t.Fatalf("broker %d lost its log dirs too", b.ID)
		}
	}
}

// A cycle whose metadata fails in between two good ones: the next good cycle's rates come
// from the last good snapshot, not from zeros.
func TestRatesAcrossAFailedCycle(t *testing.T) {
	fake := testkit.Fake(t)
	seed(t, fake, 1, 1, 0, 0, 0)
	var failing atomic.Bool
	fake.ControlKey(kmsg.Metadata.Int16(), func(kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		if failing.Load() {
			return nil, fmt.Errorf("injected"), true
		}
		return nil, nil, false
	})
	now := time.Unix(1_800_000_000, 0)
	c := newCollector(t, fake, func() time.Time { return now })
	c.o.Timeout = 2 * time.Second
	if s := c.Cycle(context.Background()); len(s.Errors) > 0 {
		t.Fatalf("first: %+v", s.Errors)
	}
	failing.Store(true)
	now = now.Add(10 * time.Second)
	if s := c.Cycle(context.Background()); !s.Failed("metadata") || s.Rates {
		t.Fatalf("failed cycle: errors %+v rates %v", s.Errors, s.Rates)
	}
	failing.Store(false)
	cl, _ := kgo.NewClient(kgo.SeedBrokers(fake.ListenAddrs()...))
	defer cl.Close()
	for range 40 {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: "topic-00000", Value: []byte("x")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(10 * time.Second)
	s := c.Cycle(context.Background())
	if len(s.Errors) > 0 || !s.Rates || s.Stats.MessagesInPerSec != 2 { // 40 messages over 20 s
		t.Fatalf("after recovery: errors %+v rates %v, %v msg/s", s.Errors, s.Rates, s.Stats.MessagesInPerSec)
	}
}

func lagIs(g *snapshot.Group, s *snapshot.Snapshot, topic string, p int32, want int64) bool {
	l, ok := g.PartitionLag(s, topic, p)
	return ok && l == want
}
