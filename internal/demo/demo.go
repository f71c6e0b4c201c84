// Package demo runs an in-process Kafka cluster (franz-go's kfake) with a live synthetic
// workload, so `gregor serve --demo` shows something real with nothing configured.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/config"
)

// ClusterName is the demo cluster's name in Gregor.
const ClusterName = "demo"

// Topic is a seeded topic and how fast the workload writes to it.
type Topic struct {
	Name       string
	Partitions int32
	PerSecond  float64 // messages per second; below 1 means occasional
}

// Topics are the seeded topics. "orders.DLQ" is a dead-letter topic that gets a message now
// and then.
var Topics = []Topic{
	{"orders", 6, 15},
	{"payments", 3, 4},
	{"clickstream", 12, 30},
	{"inventory-updates", 4, 2},
	{"orders.DLQ", 3, 0.2},
}

// Groups of the workload: order-service keeps up, analytics falls behind (it reads slower
// than clickstream is written), billing committed once and stopped.
const (
	GroupHealthy = "order-service"
	GroupLagging = "analytics"
	GroupStopped = "billing"
)

// Retention (retention.ms) of the demo topics, enforced every minute so a long-running demo
// keeps a bounded amount of data in memory.
const Retention = "3600000"

// Demo is a running demo cluster and its workload.
type Demo struct {
	cluster *kfake.Cluster
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	log     *slog.Logger
}

// Start starts the cluster, seeds topics and the stopped group, and launches the workload.
// extraTopics > 0 adds that many idle topics ("bulk-00000"...), 4 partitions each, to try
// Gregor at scale (the UI's 20,000-topic test uses it).
func Start(ctx context.Context, log *slog.Logger, extraTopics int) (*Demo, error) {
	c, err := kfake.NewCluster(kfake.NumBrokers(3), kfake.ClusterID("gregor-demo"))
	if err != nil {
		return nil, fmt.Errorf("demo cluster: %w", err)
	}
	d := &Demo{cluster: c, log: log}
	if err := d.seed(ctx); err != nil {
		c.Close()
		return nil, err
	}
	if err := d.bulk(ctx, extraTopics); err != nil {
		c.Close()
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	for _, t := range Topics {
		d.run(func() { d.produce(wctx, t) })
	}
	d.run(func() { d.consume(wctx, GroupHealthy, "orders", 0) })
	d.run(func() { d.consume(wctx, GroupLagging, "clickstream", 15) })
	d.run(func() { d.retain(wctx) })
	log.Info("demo cluster started", "brokers", c.ListenAddrs(), "topics", len(Topics))
	return d, nil
}

func (d *Demo) run(f func()) {
	d.wg.Add(1)
	go func() { defer d.wg.Done(); f() }()
}

// Config is the demo cluster as a Gregor cluster config.
func (d *Demo) Config() config.Cluster {
	return config.Cluster{Name: ClusterName, Bootstrap: d.cluster.ListenAddrs(), ClientID: "gregor",
		Labels: map[string]string{"env": "demo"}}
}

// Close stops the workload, then the cluster.
func (d *Demo) Close() {
	d.cancel()
	d.wg.Wait()
	d.cluster.Close()
}

func (d *Demo) client(opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(d.cluster.ListenAddrs()...)}, opts...)...)
}

// seed creates the topics and the billing group's offsets: it read the first payments and
// committed, then went away, so its lag grows while nobody commits.
func (d *Demo) seed(ctx context.Context) error {
	cl, err := d.client()
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	for _, t := range Topics {
		resp, err := adm.CreateTopic(ctx, t.Partitions, 3, map[string]*string{"retention.ms": kadm.StringPtr(Retention)}, t.Name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			return fmt.Errorf("demo topic %s: %w", t.Name, err)
		}
	}
	for i := range 30 {
		r := kgo.StringRecord(fmt.Sprintf(`{"payment":%d,"amount":%d}`, i, rand.IntN(500)))
		r.Topic = "payments"
		if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
			return fmt.Errorf("demo seed: %w", err)
		}
	}
	ends, err := adm.ListEndOffsets(ctx, "payments")
	if err != nil {
		return err
	}
	resp, err := adm.CommitOffsets(ctx, GroupStopped, ends.Offsets())
	if err == nil {
		err = resp.Error()
	}
	return err
}

// produce writes to t at its rate until ctx ends.
func (d *Demo) produce(ctx context.Context, t Topic) {
	cl, err := d.client(kgo.DefaultProduceTopic(t.Name), kgo.ProducerLinger(50*time.Millisecond))
	if err != nil {
		d.log.Error("demo producer", "topic", t.Name, "err", err)
		return
	}
	defer cl.Close()
	// Tick at most 20 times a second, writing the messages due since the last tick.
	tick := 50 * time.Millisecond
	if t.PerSecond < 1 {
		tick = time.Duration(float64(time.Second) / t.PerSecond)
	}
	tk := time.NewTicker(tick)
	defer tk.Stop()
	due, n := 0.0, 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
		due += t.PerSecond * tick.Seconds() // one per tick for the sub-1/s topics
		for ; due >= 1; due-- {
			n++
			r := &kgo.Record{Key: []byte(fmt.Sprintf("key-%d", rand.IntN(1000))),
				Value: []byte(fmt.Sprintf(`{"seq":%d,"topic":%q,"at":%q}`, n, t.Name, time.Now().UTC().Format(time.RFC3339Nano)))}
			cl.Produce(ctx, r, nil)
		}
	}
}

// consume reads topic in group; maxPerSecond > 0 throttles it so it falls behind.
func (d *Demo) consume(ctx context.Context, group, topic string, maxPerSecond int) {
	cl, err := d.client(kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic),
		kgo.ClientID(group), kgo.AutoCommitMarks(), kgo.AutoCommitInterval(2*time.Second))
	if err != nil {
		d.log.Error("demo consumer", "group", group, "err", err)
		return
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = cl.CommitMarkedOffsets(cctx)
		cl.Close()
	}()
	batch := 500
	if maxPerSecond > 0 {
		batch = max(1, maxPerSecond/4)
	}
	for ctx.Err() == nil {
		fs := cl.PollRecords(ctx, batch)
		n := 0
		fs.EachRecord(func(r *kgo.Record) { cl.MarkCommitRecords(r); n++ })
		if maxPerSecond > 0 && n > 0 {
			// Pay for what was read: n records take n/maxPerSecond seconds.
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(n) * time.Second / time.Duration(maxPerSecond)):
			}
		}
	}
}

// retain applies the topics' retention every minute.
func (d *Demo) retain(ctx context.Context) {
	tk := time.NewTicker(time.Minute)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			d.cluster.ApplyRetention()
		}
	}
}

// bulk creates n idle topics in batches of 1,000 per CreateTopics request.
func (d *Demo) bulk(ctx context.Context, n int) error {
	if n <= 0 {
		return nil
	}
	cl, err := d.client()
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	for from := 0; from < n; from += 1000 {
		names := make([]string, 0, 1000)
		for i := from; i < min(n, from+1000); i++ {
			names = append(names, fmt.Sprintf("bulk-%05d", i))
		}
		resp, err := adm.CreateTopics(ctx, 4, 3, nil, names...)
		if err == nil {
			err = resp.Error()
		}
		if err != nil {
			return fmt.Errorf("demo bulk topics: %w", err)
		}
	}
	d.log.Info("demo bulk topics created", "topics", n)
	return nil
}
