package operate_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/gregor-kafka/gregor/internal/operate"
)

// A broker stopped and restarted loses its leaderships; the preferred leader election plans
// exactly the partitions that prefer it (the dry run moves nothing) and gives them back.
func TestElectPreferredLeaders(t *testing.T) {
	if kc == nil {
		t.Skip("no cluster")
	}
	ctx := context.Background()
	adm := kc.AdminT(t)
	topic := fmt.Sprintf("ple-%d", time.Now().UnixNano()%1e6)
	if _, err := adm.CreateTopic(ctx, 6, 3, nil, topic); err != nil {
		t.Fatal(err)
	}
	const victim = int32(2)
	preferred := waitLeaders(t, adm, topic, func(p kadm.PartitionDetail) bool { return p.Leader == p.Replicas[0] })
	if err := kc.Stop(victim); err != nil {
		t.Fatal(err)
	}
	if err := kc.Restart(ctx, victim); err != nil {
		t.Fatal(err)
	}
	// Back in every ISR, but leading nothing.
	waitLeaders(t, adm, topic, func(p kadm.PartitionDetail) bool { return slices.Contains(p.ISR, victim) && p.Leader != victim })
	v := victim
	dry, err := operate.ElectPreferred(ctx, adm, operate.LeaderRequest{Broker: &v, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []int32
	for p, pref := range preferred {
		if pref == victim {
			want = append(want, p)
		}
	}
	var got []int32
	for _, m := range dry.Moves {
		if m.Topic == topic {
			if m.Preferred != victim || m.Leader == victim || m.Result != "" {
				t.Fatalf("planned move %+v", m)
			}
			got = append(got, m.Partition)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) == 0 || !slices.Equal(got, want) || dry.Applied {
		t.Fatalf("dry run moves %v of %s, want %v (plan %+v)", got, topic, want, dry)
	}
	if leaders(t, adm, topic)[want[0]] == victim {
		t.Fatal("the dry run moved a leader")
	}
	done, err := operate.ElectPreferred(ctx, adm, operate.LeaderRequest{Broker: &v})
	if err != nil || !done.Applied {
		t.Fatalf("election: %v %+v", err, done)
	}
	for _, m := range done.Moves {
		if m.Result != "elected" {
			t.Fatalf("move %+v", m)
		}
	}
	waitLeaders(t, adm, topic, func(p kadm.PartitionDetail) bool { return p.Leader == p.Replicas[0] })
}

// waitLeaders waits until every partition of topic satisfies ok; it returns each partition's
// preferred replica.
func waitLeaders(t *testing.T, adm *kadm.Client, topic string, ok func(kadm.PartitionDetail) bool) map[int32]int32 {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		md, err := adm.Metadata(context.Background(), topic)
		all := err == nil && len(md.Topics[topic].Partitions) > 0
		pref := map[int32]int32{}
		if all {
			for _, p := range md.Topics[topic].Partitions {
				all = all && len(p.Replicas) > 0 && ok(p)
				if len(p.Replicas) > 0 {
					pref[p.Partition] = p.Replicas[0]
				}
			}
		}
		if all {
			return pref
		}
		if time.Now().After(deadline) {
			t.Fatalf("partitions of %s did not reach the state: %v %+v", topic, err, md.Topics[topic].Partitions)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func leaders(t *testing.T, adm *kadm.Client, topic string) map[int32]int32 {
	t.Helper()
	md, err := adm.Metadata(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int32{}
	for _, p := range md.Topics[topic].Partitions {
		out[p.Partition] = p.Leader
	}
	return out
}
