package history

import (
	"slices"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/store"
)

func snap(errs ...snapshot.PartError) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Cluster: "c", Time: time.Unix(100, 0), Errors: errs,
		Brokers: []*snapshot.Broker{{ID: 0, Reachable: true}},
		Topics: map[string]*snapshot.Topic{"t": {Name: "t", Partitions: []*snapshot.Partition{
			{ID: 0, Leader: 0, Replicas: []int32{0}, ISR: []int32{0}, EndOffset: 10}, {ID: 1, Leader: 0, Replicas: []int32{0}, ISR: []int32{0}, EndOffset: 10}}}},
		Groups: map[string]*snapshot.Group{},
	}
	for _, g := range []string{"g3", "g1", "g2"} {
		s.Groups[g] = &snapshot.Group{ID: g, Offsets: map[string]map[int32]int64{"t": {0: 1, 1: 2}}}
	}
	snapshot.Derive(nil, s)
	return s
}

func metrics(ss []store.Sample, entity string) []string {
	var out []string
	for _, s := range ss {
		if s.Entity == entity {
			out = append(out, s.Metric)
		}
	}
	slices.Sort(out)
	return out
}

func TestFailedPartsLeaveGaps(t *testing.T) {
	ok := Samples(snap(), 100)
	if got := metrics(ok, "group:c/g1"); !slices.Equal(got, []string{"lag", "members"}) {
		t.Fatalf("group series %v", got)
	}
	if got := metrics(ok, "cluster:c"); slices.Contains(got, "messages_in_per_sec") {
		t.Fatalf("a first snapshot recorded a rate: %v", got)
	}
	down := Samples(snap(snapshot.PartError{Part: "metadata", Broker: snapshot.NoBroker, Error: "x"}), 100)
	if got := metrics(down, "cluster:c"); !slices.Equal(got, []string{"collect_errors", "collect_seconds"}) || len(down) != 2 {
		t.Fatalf("metadata failed, recorded %v", down)
	}
	noOffsets := Samples(snap(snapshot.PartError{Part: "offsets", Broker: 0, Error: "x"}), 100)
	if got := metrics(noOffsets, "group:c/g1"); len(got) != 0 || slices.Contains(metrics(noOffsets, "cluster:c"), "lag") {
		t.Fatalf("offsets failed, lag recorded: %v", got)
	}
	noDirs := Samples(snap(snapshot.PartError{Part: "log_dirs", Broker: 0, Error: "x"}), 100)
	if slices.Contains(metrics(noDirs, "topic:c/t"), "size_bytes") || !slices.Contains(metrics(noDirs, "topic:c/t"), "under_replicated") {
		t.Fatalf("log dirs failed: %v", metrics(noDirs, "topic:c/t"))
	}
}

// The group-partition cap keeps the same series every cycle (not a random subset).
func TestGroupPartitionCapIsStable(t *testing.T) {
	var first []string
	for i := range 20 {
		var gp []string
		for _, s := range Samples(snap(), 3) {
			if s.Metric == "committed" {
				gp = append(gp, s.Entity)
			}
		}
		if i == 0 {
			first = gp
			if !slices.Equal(gp, []string{"gp:c/g1/t/0", "gp:c/g1/t/1", "gp:c/g2/t/0"}) {
				t.Fatalf("capped series %v", gp)
			}
		} else if !slices.Equal(gp, first) {
			t.Fatalf("cycle %d kept %v, first kept %v", i, gp, first)
		}
	}
}
