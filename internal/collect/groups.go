package collect

import (
	"context"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// groups lists the groups on every broker, describes them batched per coordinator with the
// API of their protocol (DescribeGroups for classic, ConsumerGroupDescribe for KIP-848
// consumer groups), and fetches all their committed offsets in multi-group OffsetFetch
// requests (one per coordinator where the broker supports it).
func (r *run) groups(ctx context.Context) func() {
	cl := r.c.o.Client
	type failure struct {
		broker int32
		err    error
	}
	var fails []failure
	fail := func(broker int32, err error) { fails = append(fails, failure{broker, err}) }
	found := map[string]*snapshot.Group{}
	for _, sh := range cl.Kgo().RequestSharded(ctx, kmsg.NewPtrListGroupsRequest()) {
		if sh.Err != nil {
			fail(sh.Meta.NodeID, sh.Err)
			continue
		}
		resp := sh.Resp.(*kmsg.ListGroupsResponse)
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			fail(sh.Meta.NodeID, err)
			continue
		}
		for _, g := range resp.Groups {
			typ := g.GroupType
			if typ == "" {
				typ = "classic"
			}
			found[g.Group] = &snapshot.Group{ID: g.Group, Type: typ, ProtocolType: g.ProtocolType,
				State: g.GroupState, Coordinator: sh.Meta.NodeID, Epoch: -1}
		}
	}
	var classic, consumer, all []string
	for id, g := range found {
		switch g.Type {
		case "classic":
			classic = append(classic, id)
		case "consumer":
			consumer = append(consumer, id)
		default:
			continue // share and streams groups are not consumer groups
		}
		all = append(all, id)
	}
	sort.Strings(all)
	if len(classic) > 0 {
		described, err := cl.Admin.DescribeGroups(ctx, classic...)
		if err != nil {
			fail(snapshot.NoBroker, err)
		}
		for id, d := range described {
			applyClassic(found[id], d)
		}
	}
	if len(consumer) > 0 {
		if _, ok := cl.Supports(kmsg.ConsumerGroupDescribe.Int16()); ok {
			described, err := cl.Admin.DescribeConsumerGroups(ctx, consumer...)
			if err != nil {
				fail(snapshot.NoBroker, err)
			}
			for id, d := range described {
				applyConsumer(found[id], d)
			}
		}
	}
	if len(all) > 0 {
		fetchOffsets(ctx, cl.Kgo(), all, found)
	}
	return func() {
		for _, f := range fails {
			r.fail("groups", f.broker, f.err)
		}
		for _, id := range all {
			r.s.Groups[id] = found[id]
		}
	}
}

func applyClassic(g *snapshot.Group, d kadm.DescribedGroup) {
	if g == nil {
		return
	}
	if d.Err != nil {
		g.Error = d.Err.Error()
		return
	}
	g.State, g.ProtocolType, g.Assignor, g.Coordinator = d.State, d.ProtocolType, d.Protocol, d.Coordinator.NodeID
	for _, m := range d.Members {
		mm := snapshot.Member{ID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assignment: map[string][]int32{}}
		if m.InstanceID != nil {
			mm.InstanceID = *m.InstanceID
		}
		if c, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range c.Topics {
				mm.Assignment[t.Topic] = t.Partitions
			}
		}
		g.Members = append(g.Members, mm)
	}
}

func applyConsumer(g *snapshot.Group, d kadm.DescribedConsumerGroup) {
	if g == nil {
		return
	}
	if d.Err != nil {
		g.Error = d.Err.Error()
		return
	}
	g.State, g.ProtocolType, g.Assignor, g.Coordinator, g.Epoch = d.State, "consumer", d.AssignorName, d.Coordinator.NodeID, d.Epoch
	for _, m := range d.Members {
		mm := snapshot.Member{ID: m.MemberID, ClientID: m.ClientID, Host: m.ClientHost, Assignment: map[string][]int32{}}
		if m.InstanceID != nil {
			mm.InstanceID = *m.InstanceID
		}
		for t, ps := range m.Assignment {
			for p := range ps {
				mm.Assignment[t] = append(mm.Assignment[t], p)
			}
			sort.Slice(mm.Assignment[t], func(i, j int) bool { return mm.Assignment[t][i] < mm.Assignment[t][j] })
		}
		g.Members = append(g.Members, mm)
	}
}

// fetchOffsets reads every group's committed offsets into its Offsets: one multi-group
// OffsetFetch per coordinator (kgo splits the request by coordinator, and into single-group
// requests for brokers before v8), decoded straight into the snapshot's maps. A partition
// without a commit stays absent, never 0; a group whose fetch failed gets its Error.
func fetchOffsets(ctx context.Context, cl *kgo.Client, ids []string, found map[string]*snapshot.Group) {
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Groups = make([]kmsg.OffsetFetchRequestGroup, len(ids))
	for i, id := range ids {
		req.Groups[i] = kmsg.NewOffsetFetchRequestGroup()
		req.Groups[i].Group = id
	}
	for _, sh := range cl.RequestSharded(ctx, req) {
		err := sh.Err
		var resp *kmsg.OffsetFetchResponse
		if err == nil {
			resp = sh.Resp.(*kmsg.OffsetFetchResponse)
			err = kerr.ErrorForCode(resp.ErrorCode)
		}
		if err != nil {
			for _, rg := range sh.Req.(*kmsg.OffsetFetchRequest).Groups {
				if g := found[rg.Group]; g != nil {
					g.Error = err.Error()
				}
			}
			continue
		}
		for _, rg := range resp.Groups {
			g := found[rg.Group]
			if g == nil {
				continue
			}
			if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
				g.Error = err.Error()
				continue
			}
			g.Offsets = make(map[string]map[int32]int64, len(rg.Topics))
			for _, t := range rg.Topics {
				var ps map[int32]int64
				for _, p := range t.Partitions {
					if p.ErrorCode != 0 || p.Offset < 0 {
						continue // no commit for this partition: absent, never 0
					}
					if ps == nil {
						ps = make(map[int32]int64, len(t.Partitions))
						g.Offsets[t.Topic] = ps
					}
					ps[p.Partition] = p.Offset
				}
			}
		}
	}
}
