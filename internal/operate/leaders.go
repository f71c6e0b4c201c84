package operate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// LeaderRequest picks the partitions for a preferred leader election: one topic (some of
// its partitions, or all), every partition whose preferred leader is one broker, or (empty)
// the whole cluster.
type LeaderRequest struct {
	Topic      string  `json:"topic,omitempty"`
	Partitions []int32 `json:"partitions,omitempty"`
	Broker     *int32  `json:"broker,omitempty"`
	DryRun     bool    `json:"dry_run"`
}

// LeaderMove is one partition whose leader is not its preferred replica (the first).
type LeaderMove struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Leader    int32  `json:"leader"`
	Preferred int32  `json:"preferred"`
	// Result after an election: "elected", or why not.
	Result string `json:"result,omitempty"`
}

// LeaderPlan is what an election does (dry run) or did.
type LeaderPlan struct {
	Moves []LeaderMove `json:"moves"`
	// Balanced counts the selected partitions already led by their preferred replica.
	Balanced int      `json:"balanced"`
	Warnings []string `json:"warnings,omitempty"`
	DryRun   bool     `json:"dry_run"`
	Applied  bool     `json:"applied"`
}

// ElectPreferred plans (and unless a dry run, runs) a preferred leader election: the
// partitions it would move are read fresh from the cluster; those whose preferred replica
// is out of sync are listed with a warning, as Kafka cannot elect them.
func ElectPreferred(ctx context.Context, adm *kadm.Client, req LeaderRequest) (LeaderPlan, error) {
	if req.Topic == "" && len(req.Partitions) > 0 {
		return LeaderPlan{}, Errorf(Invalid, "partitions need a topic")
	}
	if req.Topic != "" && req.Broker != nil {
		return LeaderPlan{}, Errorf(Invalid, "give a topic or a broker, not both")
	}
	var topics []string
	if req.Topic != "" {
		topics = []string{req.Topic}
	}
	md, err := adm.Metadata(ctx, topics...)
	if err != nil {
		return LeaderPlan{}, Explain("read the metadata", err)
	}
	if req.Broker != nil && !slices.ContainsFunc(md.Brokers, func(b kadm.BrokerDetail) bool { return b.NodeID == *req.Broker }) {
		return LeaderPlan{}, Errorf(NotFound, "no broker %d in the cluster", *req.Broker)
	}
	plan := LeaderPlan{Moves: []LeaderMove{}, DryRun: req.DryRun}
	want := map[int32]bool{}
	for _, p := range req.Partitions {
		want[p] = true
	}
	found := map[int32]bool{}
	outOfSync := 0
	for _, t := range md.Topics.Sorted() {
		if req.Topic != "" && t.Err != nil {
			return LeaderPlan{}, Explain("topic "+req.Topic, t.Err)
		}
		if t.IsInternal && req.Topic == "" {
			continue
		}
		for _, p := range t.Partitions.Sorted() {
			if len(want) > 0 && !want[p.Partition] || len(p.Replicas) == 0 {
				continue
			}
			found[p.Partition] = true
			preferred := p.Replicas[0]
			if req.Broker != nil && preferred != *req.Broker {
				continue
			}
			if p.Leader == preferred {
				plan.Balanced++
				continue
			}
			m := LeaderMove{Topic: t.Topic, Partition: p.Partition, Leader: p.Leader, Preferred: preferred}
			if !slices.Contains(p.ISR, preferred) {
				m.Result = "preferred replica not in sync"
				outOfSync++
			}
			plan.Moves = append(plan.Moves, m)
		}
	}
	for p := range want {
		if !found[p] {
			return LeaderPlan{}, Errorf(NotFound, "topic %s has no partition %d", req.Topic, p)
		}
	}
	if outOfSync > 0 {
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("%d partition(s) cannot move: their preferred replica is not in sync (wait for it to catch up)", outOfSync))
	}
	if req.DryRun || len(plan.Moves) == 0 {
		return plan, nil
	}
	set := kadm.TopicsSet{}
	for _, m := range plan.Moves {
		if m.Result == "" {
			set.Add(m.Topic, m.Partition)
		}
	}
	if len(set) == 0 {
		return plan, nil
	}
	res, err := adm.ElectLeaders(ctx, kadm.ElectPreferredReplica, set)
	if err != nil {
		return LeaderPlan{}, Explain("elect preferred leaders", err)
	}
	plan.Applied = true
	for i := range plan.Moves {
		m := &plan.Moves[i]
		if m.Result != "" {
			continue
		}
		r, ok := res[m.Topic][m.Partition]
		switch {
		case !ok:
			m.Result = "no answer for this partition"
		case r.Err == nil || errors.Is(r.Err, kerr.ElectionNotNeeded):
			m.Result = "elected"
		default:
			m.Result = Explain("elect", r.Err).Error()
		}
	}
	sort.SliceStable(plan.Moves, func(i, j int) bool { return plan.Moves[i].Result < plan.Moves[j].Result })
	return plan, nil
}
