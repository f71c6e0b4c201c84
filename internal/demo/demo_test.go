package demo

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestWorkload runs the demo for a few seconds and checks each part of the workload is real:
// topics written, a group keeping up, one falling behind, one stopped, and the DLQ fed.
func TestWorkload(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := Start(ctx, slog.New(slog.DiscardHandler), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(d.Config().Bootstrap...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)

	topics, err := adm.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range Topics {
		if td, ok := topics[tp.Name]; !ok || int32(len(td.Partitions)) != tp.Partitions {
			t.Fatalf("topic %s: %+v", tp.Name, td)
		}
	}
	lag := func(group string) (committed, lag int64) {
		l, err := adm.Lag(ctx, group)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range l[group].Lag.Sorted() {
			committed += p.Commit.At
			lag += p.Lag
		}
		return committed, lag
	}
	time.Sleep(4 * time.Second)
	hc1, _ := lag(GroupHealthy)
	ac1, al1 := lag(GroupLagging)
	bc1, bl1 := lag(GroupStopped)
	time.Sleep(4 * time.Second)
	hc2, hl2 := lag(GroupHealthy)
	ac2, al2 := lag(GroupLagging)
	bc2, bl2 := lag(GroupStopped)

	if hc2 <= hc1 || hl2 > 100 {
		t.Errorf("%s should keep up: commits %d -> %d, lag %d", GroupHealthy, hc1, hc2, hl2)
	}
	if ac2 <= ac1 || al2 <= al1 {
		t.Errorf("%s should consume yet fall behind: commits %d -> %d, lag %d -> %d", GroupLagging, ac1, ac2, al1, al2)
	}
	if bc1 != 30 || bc2 != bc1 || bl2 <= bl1 {
		t.Errorf("%s should have stopped at 30 with growing lag: commits %d -> %d, lag %d -> %d", GroupStopped, bc1, bc2, bl1, bl2)
	}
	ends, err := adm.ListEndOffsets(ctx, "orders.DLQ")
	if err != nil {
		t.Fatal(err)
	}
	var dlq int64
	ends.Each(func(o kadm.ListedOffset) { dlq += o.Offset })
	if dlq == 0 {
		t.Error("dead-letter topic received nothing in 8s")
	}
}
