package operate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Reassignment plan modes.
const (
	ReassignDrain  = "drain"              // move every replica off Brokers
	ReassignAdd    = "add"                // spread Topics onto Brokers too (same replication factor)
	ReassignRF     = "replication_factor" // change the replication factor of Topics
	ReassignCustom = "custom"             // an explicit Assignment
)

// ReassignModes lists the plan modes, for messages and docs.
var ReassignModes = []string{ReassignDrain, ReassignAdd, ReassignRF, ReassignCustom}

// The dynamic configs of a replication throttle: rates on brokers, throttled replicas on topics.
const (
	ThrottleLeaderRate       = "leader.replication.throttled.rate"
	ThrottleFollowerRate     = "follower.replication.throttled.rate"
	ThrottleLeaderReplicas   = "leader.replication.throttled.replicas"
	ThrottleFollowerReplicas = "follower.replication.throttled.replicas"
)

// Assignment is replicas by topic and partition; the first replica is the preferred leader.
type Assignment map[string]map[int32][]int32

// ReassignPlanRequest asks for a plan.
type ReassignPlanRequest struct {
	Mode              string     `json:"mode"`
	Topics            []string   `json:"topics,omitempty"`
	Brokers           []int32    `json:"brokers,omitempty"`
	ReplicationFactor int        `json:"replication_factor,omitempty"`
	Assignment        Assignment `json:"assignment,omitempty"`
	// Regions confine topics to broker sets (self-service regions): the plan picks only
	// their brokers and refuses to put a replica elsewhere. Set by the server, by topic.
	Regions map[string]Region `json:"-"`
}

// Region is a named broker set a topic's replicas stay on.
type Region struct {
	Name    string
	Brokers []int32
}

func rsgInRegion(req ReassignPlanRequest, topic string) string {
	if rg, ok := req.Regions[topic]; ok {
		return " in its region " + rg.Name
	}
	return ""
}

// rsgConfine narrows allowed to topic's region, if it has one.
func (r ReassignPlanRequest) rsgConfine(topic string, allowed []int32) []int32 {
	rg, ok := r.Regions[topic]
	if !ok {
		return allowed
	}
	var out []int32
	for _, b := range allowed {
		if slices.Contains(rg.Brokers, b) {
			out = append(out, b)
		}
	}
	return out
}

// rsgOutside refuses a target replica outside topic's region.
func (r ReassignPlanRequest) rsgOutside(topic string, partition int32, replicas []int32) error {
	rg, ok := r.Regions[topic]
	if !ok {
		return nil
	}
	for _, b := range replicas {
		if !slices.Contains(rg.Brokers, b) {
			return Errorf(Invalid, "%s/%d: broker %d is outside region %s (brokers %s), where the topic lives; change its region first to move it out",
				topic, partition, b, rg.Name, rsgJoin(rg.Brokers))
		}
	}
	return nil
}

// ReassignMove is one partition whose replicas change.
type ReassignMove struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Current   []int32 `json:"current"`
	Target    []int32 `json:"target"`
	Adding    []int32 `json:"adding"`   // in Target, not in Current
	Removing  []int32 `json:"removing"` // in Current, not in Target
	// Bytes to copy: the size of the leader's replica once per added replica.
	Bytes int64 `json:"bytes"`
}

// ReassignPlan is what a reassignment would move. Assignment (the targets of the moves) is
// what to start.
type ReassignPlan struct {
	Mode          string         `json:"mode"`
	Moves         []ReassignMove `json:"moves"`
	Unchanged     int            `json:"unchanged"` // partitions considered that keep their replicas
	Brokers       []int32        `json:"brokers"`   // every broker a move involves
	ReplicasAdded int            `json:"replicas_added"`
	TotalBytes    int64          `json:"total_bytes"`
	Assignment    Assignment     `json:"assignment"`
}

// rsgCluster is what planning needs to know: brokers, replica counts, partitions.
type rsgCluster struct {
	brokers []int32
	load    map[int32]int // replicas per broker, over the whole cluster
	topics  kadm.TopicDetails
}

// rsgDescribe reads the cluster; topics named but missing from the whole-cluster metadata
// (kgo may answer it from a cache a few seconds old) are asked for by name.
func rsgDescribe(ctx context.Context, adm *kadm.Client, names ...string) (*rsgCluster, error) {
	md, err := adm.Metadata(ctx)
	if err != nil {
		return nil, Explain("reading the metadata", err)
	}
	var missing []string
	for _, n := range names {
		if td, ok := md.Topics[n]; (!ok || td.Err != nil) && !slices.Contains(missing, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		more, err := adm.Metadata(ctx, missing...)
		if err != nil {
			return nil, Explain("reading the metadata", err)
		}
		for n, td := range more.Topics {
			md.Topics[n] = td
		}
	}
	c := &rsgCluster{load: map[int32]int{}, topics: md.Topics}
	for _, b := range md.Brokers {
		c.brokers = append(c.brokers, b.NodeID)
		c.load[b.NodeID] += 0
	}
	slices.Sort(c.brokers)
	md.Topics.EachPartition(func(p kadm.PartitionDetail) {
		for _, r := range p.Replicas {
			c.load[r]++
		}
	})
	return c, nil
}

// pick returns the n least-loaded brokers among allowed that are not in skip (ties: lowest id).
func (c *rsgCluster) pick(n int, allowed, skip []int32) ([]int32, bool) {
	var cands []int32
	for _, b := range allowed {
		if !slices.Contains(skip, b) {
			cands = append(cands, b)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if c.load[cands[i]] != c.load[cands[j]] {
			return c.load[cands[i]] < c.load[cands[j]]
		}
		return cands[i] < cands[j]
	})
	if len(cands) < n {
		return nil, false
	}
	return cands[:n], true
}

// topic returns the named topic, or an error when there is none.
func (c *rsgCluster) topic(name string) (kadm.TopicDetail, error) {
	td, ok := c.topics[name]
	if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return td, &Error{Kind: NotFound, Msg: "no topic named " + strconv.Quote(name), Err: kerr.UnknownTopicOrPartition}
	}
	if td.Err != nil {
		return td, Explain("describing topic "+strconv.Quote(name), td.Err)
	}
	return td, nil
}

func (c *rsgCluster) checkBrokers(bs []int32) error {
	seen := map[int32]bool{}
	for _, b := range bs {
		if !slices.Contains(c.brokers, b) {
			return Errorf(NotFound, "no broker %d in the cluster (brokers: %s)", b, rsgJoin(c.brokers))
		}
		if seen[b] {
			return Errorf(Invalid, "broker %d is listed twice", b)
		}
		seen[b] = true
	}
	return nil
}

func rsgJoin(bs []int32) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = strconv.Itoa(int(b))
	}
	return strings.Join(s, ",")
}

// PlanReassignment computes where replicas go. Placement is deterministic: existing replicas
// stay where they can, the preferred leader stays first when it stays, new replicas go to the
// least-loaded brokers (by replica count; ties: lowest id), always distinct.
func PlanReassignment(ctx context.Context, adm *kadm.Client, req ReassignPlanRequest) (*ReassignPlan, error) {
	names := slices.Clone(req.Topics)
	for t := range req.Assignment {
		names = append(names, t)
	}
	c, err := rsgDescribe(ctx, adm, names...)
	if err != nil {
		return nil, err
	}
	if err := c.checkBrokers(req.Brokers); err != nil {
		return nil, err
	}
	for _, t := range req.Topics {
		if _, err := c.topic(t); err != nil {
			return nil, err
		}
	}
	target := Assignment{}
	considered := 0
	switch req.Mode {
	case ReassignDrain:
		if len(req.Brokers) == 0 {
			return nil, Errorf(Invalid, `"brokers" (the brokers to drain) is required with mode "drain"`)
		}
		var allowed []int32
		for _, b := range c.brokers {
			if !slices.Contains(req.Brokers, b) {
				allowed = append(allowed, b)
			}
		}
		for _, td := range rsgTopics(c, req.Topics) {
			for _, p := range td.Partitions.Sorted() {
				considered++
				var keep []int32
				for _, r := range p.Replicas {
					if !slices.Contains(req.Brokers, r) {
						keep = append(keep, r)
					}
				}
				n := len(p.Replicas) - len(keep)
				if n == 0 {
					continue
				}
				add, ok := c.pick(n, req.rsgConfine(td.Topic, allowed), p.Replicas)
				if !ok {
					return nil, Errorf(Invalid, "%s/%d has %d replicas; draining broker(s) %s leaves too few brokers for it%s",
						td.Topic, p.Partition, len(p.Replicas), rsgJoin(req.Brokers), rsgInRegion(req, td.Topic))
				}
				c.move(p.Replicas, append(keep, add...))
				target.rsgSet(td.Topic, p.Partition, append(keep, add...))
			}
		}
	case ReassignAdd:
		if len(req.Topics) == 0 || len(req.Brokers) == 0 {
			return nil, Errorf(Invalid, `"topics" and "brokers" (the brokers to spread them onto) are required with mode "add"`)
		}
		for _, td := range rsgTopics(c, req.Topics) {
			considered += len(td.Partitions)
			for p, rs := range c.spread(td, req.Brokers) {
				if err := req.rsgOutside(td.Topic, p, rs); err != nil {
					return nil, err
				}
				target.rsgSet(td.Topic, p, rs)
			}
		}
	case ReassignRF:
		if len(req.Topics) == 0 || req.ReplicationFactor < 1 {
			return nil, Errorf(Invalid, `"topics" and "replication_factor" (1 or more) are required with mode "replication_factor"`)
		}
		allowed := c.brokers
		if len(req.Brokers) > 0 {
			allowed = req.Brokers
		}
		if req.ReplicationFactor > len(c.brokers) {
			return nil, Errorf(Invalid, "replication factor %d is more than the %d brokers of the cluster", req.ReplicationFactor, len(c.brokers))
		}
		for _, td := range rsgTopics(c, req.Topics) {
			for _, p := range td.Partitions.Sorted() {
				considered++
				rf := req.ReplicationFactor
				var next []int32
				switch {
				case len(p.Replicas) == rf:
					continue
				case len(p.Replicas) > rf:
					next = slices.Clone(p.Replicas[:rf]) // drop from the end: the preferred leader stays
				default:
					in := req.rsgConfine(td.Topic, allowed)
					add, ok := c.pick(rf-len(p.Replicas), in, p.Replicas)
					if !ok {
						return nil, Errorf(Invalid, "not enough brokers (%s) for %d replicas of %s/%d%s", rsgJoin(in), rf, td.Topic, p.Partition, rsgInRegion(req, td.Topic))
					}
					next = append(slices.Clone(p.Replicas), add...)
				}
				c.move(p.Replicas, next)
				target.rsgSet(td.Topic, p.Partition, next)
			}
		}
	case ReassignCustom:
		if len(req.Assignment) == 0 {
			return nil, Errorf(Invalid, `"assignment" ({"topic": {"partition": [replicas]}}) is required with mode "custom"`)
		}
		for t, ps := range req.Assignment {
			td, err := c.topic(t)
			if err != nil {
				return nil, err
			}
			for p, rs := range ps {
				considered++
				if _, ok := td.Partitions[p]; !ok {
					return nil, Errorf(NotFound, "topic %s has no partition %d", strconv.Quote(t), p)
				}
				if len(rs) == 0 {
					return nil, Errorf(Invalid, "%s/%d: the replica list is empty", t, p)
				}
				if err := c.checkBrokers(rs); err != nil {
					return nil, Errorf(Invalid, "%s/%d: %s", t, p, err.Error())
				}
				if err := req.rsgOutside(t, p, rs); err != nil && !slices.Equal(td.Partitions[p].Replicas, rs) {
					return nil, err
				}
				if !slices.Equal(td.Partitions[p].Replicas, rs) {
					target.rsgSet(t, p, slices.Clone(rs))
				}
			}
		}
	case "":
		return nil, Errorf(Invalid, `"mode" is required: one of %s`, strings.Join(ReassignModes, ", "))
	default:
		return nil, Errorf(Invalid, `unknown mode %s; use one of %s`, strconv.Quote(req.Mode), strings.Join(ReassignModes, ", "))
	}
	plan, err := rsgBuildPlan(ctx, adm, c, target)
	if err != nil {
		return nil, err
	}
	plan.Mode = req.Mode
	plan.Unchanged = considered - len(plan.Moves)
	return plan, nil
}

func (a Assignment) rsgSet(t string, p int32, rs []int32) {
	if a[t] == nil {
		a[t] = map[int32][]int32{}
	}
	a[t][p] = rs
}

// move updates the loads for a partition going from old to next.
func (c *rsgCluster) move(old, next []int32) {
	for _, r := range old {
		c.load[r]--
	}
	for _, r := range next {
		c.load[r]++
	}
}

// rsgTopics is the named topics, or (none named) every topic, sorted.
func rsgTopics(c *rsgCluster, names []string) []kadm.TopicDetail {
	var out []kadm.TopicDetail
	for _, td := range c.topics.Sorted() {
		if td.Err != nil || len(names) > 0 && !slices.Contains(names, td.Topic) {
			continue
		}
		out = append(out, td)
	}
	return out
}

// spread moves replicas of one topic onto the added brokers until the topic's replica counts
// over its brokers and the added ones differ by at most one: repeatedly a replica of the
// busiest broker (for the topic; not the preferred leader when possible) goes to the least
// busy added broker.
func (c *rsgCluster) spread(td kadm.TopicDetail, added []int32) map[int32][]int32 {
	cur := map[int32][]int32{}
	count := map[int32]int{}
	for _, b := range added {
		count[b] += 0
	}
	var ps []int32
	for _, p := range td.Partitions.Sorted() {
		cur[p.Partition] = slices.Clone(p.Replicas)
		ps = append(ps, p.Partition)
		for _, r := range p.Replicas {
			count[r]++
		}
	}
	changed := map[int32]bool{}
	for range 10000 {
		var hi, lo int32 = -1, -1
		for b, n := range count {
			if hi < 0 || n > count[hi] || n == count[hi] && b < hi {
				hi = b
			}
		}
		for _, b := range added {
			if lo < 0 || count[b] < count[lo] || count[b] == count[lo] && (c.load[b] < c.load[lo] || c.load[b] == c.load[lo] && b < lo) {
				lo = b
			}
		}
		if hi < 0 || lo < 0 || count[hi]-count[lo] <= 1 {
			break
		}
		// Prefer a partition where hi is not the preferred leader.
		best, bestIdx := int32(-1), -1
		for _, p := range ps {
			rs := cur[p]
			i := slices.Index(rs, hi)
			if i < 0 || slices.Contains(rs, lo) {
				continue
			}
			if best < 0 || bestIdx == 0 && i > 0 {
				best, bestIdx = p, i
			}
			if i > 0 {
				break
			}
		}
		if best < 0 {
			break
		}
		cur[best][bestIdx] = lo
		count[hi]--
		count[lo]++
		c.load[hi]--
		c.load[lo]++
		changed[best] = true
	}
	out := map[int32][]int32{}
	for p := range changed {
		if !slices.Equal(cur[p], td.Partitions[p].Replicas) {
			out[p] = cur[p]
		}
	}
	return out
}

// rsgBuildPlan turns targets into moves with sizes (DescribeLogDirs of the leader's replica).
func rsgBuildPlan(ctx context.Context, adm *kadm.Client, c *rsgCluster, target Assignment) (*ReassignPlan, error) {
	plan := &ReassignPlan{Moves: []ReassignMove{}, Brokers: []int32{}, Assignment: Assignment{}}
	set := kadm.TopicsSet{}
	for t, ps := range target {
		for p := range ps {
			set.Add(t, p)
		}
	}
	var dirs kadm.DescribedAllLogDirs
	if len(set) > 0 {
		var err error
		if dirs, err = adm.DescribeAllLogDirs(ctx, set); err != nil && len(dirs) == 0 {
			return nil, Explain("describing the log dirs", err)
		}
	}
	brokers := map[int32]bool{}
	topics := make([]string, 0, len(target))
	for t := range target {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	for _, t := range topics {
		ps := make([]int32, 0, len(target[t]))
		for p := range target[t] {
			ps = append(ps, p)
		}
		slices.Sort(ps)
		for _, p := range ps {
			pd := c.topics[t].Partitions[p]
			m := ReassignMove{Topic: t, Partition: p, Current: slices.Clone(pd.Replicas), Target: target[t][p], Adding: []int32{}, Removing: []int32{}}
			if m.Current == nil {
				m.Current = []int32{}
			}
			for _, r := range m.Target {
				if !slices.Contains(m.Current, r) {
					m.Adding = append(m.Adding, r)
				}
			}
			for _, r := range m.Current {
				if !slices.Contains(m.Target, r) {
					m.Removing = append(m.Removing, r)
				}
			}
			size := rsgSize(dirs, pd.Leader, t, p)
			if size < 0 {
				for _, r := range m.Current {
					size = max(size, rsgSize(dirs, r, t, p))
				}
			}
			m.Bytes = max(size, 0) * int64(len(m.Adding))
			for _, r := range append(slices.Clone(m.Current), m.Target...) {
				brokers[r] = true
			}
			plan.Moves = append(plan.Moves, m)
			plan.ReplicasAdded += len(m.Adding)
			plan.TotalBytes += m.Bytes
			plan.Assignment.rsgSet(t, p, m.Target)
		}
	}
	for b := range brokers {
		plan.Brokers = append(plan.Brokers, b)
	}
	slices.Sort(plan.Brokers)
	return plan, nil
}

// rsgSize is the size of a partition's replica on a broker (-1: not there).
func rsgSize(dirs kadm.DescribedAllLogDirs, broker int32, t string, p int32) int64 {
	size := int64(-1)
	for _, d := range dirs[broker] {
		if lp, ok := d.Topics.Lookup(t, p); ok && !lp.IsFuture {
			size = max(size, lp.Size)
		}
	}
	return size
}

// ReassignStartRequest starts a reassignment.
type ReassignStartRequest struct {
	Assignment          Assignment        `json:"assignment"`
	ThrottleBytesPerSec int64             `json:"throttle_bytes_per_sec"`
	DryRun              bool              `json:"dry_run"`
	Regions             map[string]Region `json:"-"` // as in ReassignPlanRequest
}

// Throttle is the replication throttle Gregor sets for a reassignment.
type Throttle struct {
	BytesPerSec int64             `json:"bytes_per_sec"`
	Brokers     []int32           `json:"brokers"`           // with both rates
	Leader      map[string]string `json:"leader_replicas"`   // topic -> "partition:broker,..."
	Follower    map[string]string `json:"follower_replicas"` // topic -> "partition:broker,..."
	// Kept: throttle configs set before the start (by hand, say). The throttled-replica lists
	// above include their entries; at the end these values are put back instead of deleted.
	Kept ThrottleConfigs `json:"kept"`
}

// ThrottleConfigs are the dynamic throttle configs of brokers (both rates) and of topics
// (both throttled-replica lists), key -> value.
type ThrottleConfigs struct {
	Brokers map[int32]map[string]string  `json:"brokers,omitempty"`
	Topics  map[string]map[string]string `json:"topics,omitempty"`
}

// Reassignment is a started reassignment: its plan and its throttle. Gregor keeps the last
// one per cluster to report progress and to remove the throttle.
type Reassignment struct {
	Started  time.Time     `json:"started"`
	DryRun   bool          `json:"dry_run"`
	Plan     *ReassignPlan `json:"plan"`
	Throttle Throttle      `json:"throttle"`
	// Done: finished and its throttle removed once; a later look never removes throttles
	// again (someone may have set them by hand since).
	Done bool `json:"done"`
}

// InProgress lists the partitions being reassigned anywhere in the cluster.
func InProgress(ctx context.Context, adm *kadm.Client) ([]kadm.ListPartitionReassignmentsResponse, error) {
	md, err := adm.Metadata(ctx)
	if err != nil {
		return nil, Explain("reading the metadata", err)
	}
	set := md.Topics.TopicsSet()
	if len(set) == 0 {
		return nil, nil
	}
	l, err := adm.ListPartitionReassignments(ctx, set)
	if err != nil {
		return nil, Explain("listing partition reassignments", err)
	}
	return l.Sorted(), nil
}

// StartReassignment sets the replication throttle and starts moving replicas. Refused
// with a Conflict while a reassignment is running in the cluster. A dry run plans and says
// which throttle it would set.
func StartReassignment(ctx context.Context, adm *kadm.Client, req ReassignStartRequest) (*Reassignment, error) {
	if req.ThrottleBytesPerSec <= 0 {
		return nil, Errorf(Invalid, `"throttle_bytes_per_sec" is required and must be more than 0`)
	}
	if len(req.Assignment) == 0 {
		return nil, Errorf(Invalid, `"assignment" (a plan's assignment) is required`)
	}
	running, err := InProgress(ctx, adm)
	if err != nil {
		return nil, err
	}
	if len(running) > 0 {
		return nil, Errorf(Conflict, "a reassignment is already running on the cluster (%d partitions, e.g. %s/%d); at most one reassignment per cluster at a time: wait for it or cancel it",
			len(running), running[0].Topic, running[0].Partition)
	}
	plan, err := PlanReassignment(ctx, adm, ReassignPlanRequest{Mode: ReassignCustom, Assignment: req.Assignment, Regions: req.Regions})
	if err != nil {
		return nil, err
	}
	if len(plan.Moves) == 0 {
		return nil, Errorf(Invalid, "nothing to move: every partition already has the replicas asked for")
	}
	r := &Reassignment{Started: time.Now().UTC(), DryRun: req.DryRun, Plan: plan, Throttle: rsgThrottle(plan, req.ThrottleBytesPerSec)}
	if r.Throttle.Kept, err = rsgRead(ctx, adm, r.Throttle.Brokers, rsgKeys(r.Throttle), true); err != nil {
		return nil, err
	}
	rsgKeep(&r.Throttle)
	if req.DryRun {
		return r, nil
	}
	// Undo runs on a context of its own: a caller gone (or timed out) must not leave a
	// throttle, or a move, behind.
	undo := func(f func(context.Context) error) error {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return f(uctx)
	}
	removeThrottle := func(c context.Context) error { return rsgUndo(c, adm, r.Throttle) }
	if err := rsgSetThrottle(ctx, adm, r.Throttle); err != nil {
		if uerr := undo(removeThrottle); uerr != nil {
			return nil, fmt.Errorf("%w; removing the throttle set so far also failed: %v", err, uerr)
		}
		return nil, err
	}
	areq := kadm.AlterPartitionAssignmentsReq{}
	for _, m := range plan.Moves {
		areq.Assign(m.Topic, m.Partition, m.Target)
	}
	resp, err := adm.AlterPartitionAssignments(ctx, areq)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		// Undo what started, so nothing runs unplanned.
		cancel := kadm.AlterPartitionAssignmentsReq{}
		resp.Each(func(a kadm.AlterPartitionAssignmentsResponse) {
			if a.Err == nil {
				cancel.CancelAssign(a.Topic, a.Partition)
			}
		})
		uerr := undo(func(c context.Context) error {
			if len(cancel) > 0 {
				if _, err := adm.AlterPartitionAssignments(c, cancel); err != nil {
					return err
				}
			}
			return removeThrottle(c)
		})
		if uerr != nil {
			return nil, Errorf(Unavailable, "starting the reassignment failed (%v) and undoing it failed too (%v): check GET .../reassignments and the throttle configs", err, uerr)
		}
		return nil, Explain("starting the reassignment", err)
	}
	return r, nil
}

func rsgKeys(m Throttle) []string {
	var ts []string
	for t := range m.Leader {
		ts = append(ts, t)
	}
	for t := range m.Follower {
		if !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	sort.Strings(ts)
	return ts
}

// rsgThrottle: rates on every involved broker; leader side = current replicas, follower
// side = the added ones.
func rsgThrottle(plan *ReassignPlan, rate int64) Throttle {
	th := Throttle{BytesPerSec: rate, Brokers: slices.Clone(plan.Brokers), Leader: map[string]string{}, Follower: map[string]string{}}
	lead, follow := map[string][]string{}, map[string][]string{}
	for _, m := range plan.Moves {
		for _, r := range m.Current {
			lead[m.Topic] = append(lead[m.Topic], fmt.Sprintf("%d:%d", m.Partition, r))
		}
		for _, r := range m.Adding {
			follow[m.Topic] = append(follow[m.Topic], fmt.Sprintf("%d:%d", m.Partition, r))
		}
	}
	for t, v := range lead {
		th.Leader[t] = strings.Join(v, ",")
	}
	for t, v := range follow {
		th.Follower[t] = strings.Join(v, ",")
	}
	return th
}

func rsgSetThrottle(ctx context.Context, adm *kadm.Client, th Throttle) error {
	rate := strconv.FormatInt(th.BytesPerSec, 10)
	resp, err := adm.AlterBrokerConfigs(ctx, []kadm.AlterConfig{
		{Op: kadm.SetConfig, Name: ThrottleLeaderRate, Value: &rate},
		{Op: kadm.SetConfig, Name: ThrottleFollowerRate, Value: &rate},
	}, th.Brokers...)
	if err = rsgAlterErr(resp, err); err != nil {
		return Explain("setting the replication throttle rate on the brokers", err)
	}
	for _, t := range rsgKeys(th) {
		var cs []kadm.AlterConfig
		if v, ok := th.Leader[t]; ok {
			cs = append(cs, kadm.AlterConfig{Op: kadm.SetConfig, Name: ThrottleLeaderReplicas, Value: kadm.StringPtr(v)})
		}
		if v, ok := th.Follower[t]; ok {
			cs = append(cs, kadm.AlterConfig{Op: kadm.SetConfig, Name: ThrottleFollowerReplicas, Value: kadm.StringPtr(v)})
		}
		resp, err := adm.AlterTopicConfigs(ctx, cs, t)
		if err = rsgAlterErr(resp, err); err != nil {
			return Explain("setting the throttled replicas of topic "+strconv.Quote(t), err)
		}
	}
	return nil
}

func rsgAlterErr(resp kadm.AlterConfigsResponses, err error) error {
	if err != nil {
		return err
	}
	for _, r := range resp {
		if r.Err != nil {
			if r.ErrMessage != "" {
				return fmt.Errorf("%s: %w (%s)", r.Name, r.Err, r.ErrMessage)
			}
			return r.Err
		}
	}
	return nil
}

// RemoveThrottle deletes the throttle configs: both rates on brokers (none: every broker)
// and both throttled-replica lists on topics (none given: every topic that has them).
func RemoveThrottle(ctx context.Context, adm *kadm.Client, brokers []int32, topics []string) error {
	if len(brokers) == 0 || topics == nil {
		md, err := adm.Metadata(ctx)
		if err != nil {
			return Explain("reading the metadata", err)
		}
		if len(brokers) == 0 {
			for _, b := range md.Brokers {
				brokers = append(brokers, b.NodeID)
			}
		}
		if topics == nil {
			set, err := ThrottledTopics(ctx, adm, md.Topics.Names())
			if err != nil {
				return err
			}
			topics = set
		}
	}
	resp, err := adm.AlterBrokerConfigs(ctx, []kadm.AlterConfig{
		{Op: kadm.DeleteConfig, Name: ThrottleLeaderRate}, {Op: kadm.DeleteConfig, Name: ThrottleFollowerRate},
	}, brokers...)
	if err = rsgAlterErr(resp, err); err != nil {
		return Explain("removing the replication throttle rate from the brokers", err)
	}
	for _, t := range topics {
		resp, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{
			{Op: kadm.DeleteConfig, Name: ThrottleLeaderReplicas}, {Op: kadm.DeleteConfig, Name: ThrottleFollowerReplicas},
		}, t)
		if err = rsgAlterErr(resp, err); err != nil && !errors.Is(err, kerr.UnknownTopicOrPartition) {
			return Explain("removing the throttled replicas of topic "+strconv.Quote(t), err)
		}
	}
	return nil
}

// rsgRead reads the dynamic throttle configs of brokers and topics. Strict (before a start,
// to keep what is set) fails when one cannot be read; otherwise (a progress look) a broker
// or topic that cannot be described is left out, so a broker gone since does not stop it.
func rsgRead(ctx context.Context, adm *kadm.Client, brokers []int32, topics []string, strict bool) (ThrottleConfigs, error) {
	out := ThrottleConfigs{Brokers: map[int32]map[string]string{}, Topics: map[string]map[string]string{}}
	if len(brokers) > 0 {
		rcs, err := adm.DescribeBrokerConfigs(ctx, brokers...)
		if err != nil && (strict || len(rcs) == 0) {
			return out, Explain("describing broker configs", err)
		}
		for _, rc := range rcs {
			if rc.Err != nil {
				if !strict {
					continue
				}
				return out, Explain("describing the configs of broker "+rc.Name, rc.Err)
			}
			id, _ := strconv.Atoi(rc.Name)
			for _, c := range rc.Configs {
				if (c.Key == ThrottleLeaderRate || c.Key == ThrottleFollowerRate) && c.Source == kmsg.ConfigSourceDynamicBrokerConfig {
					rsgPut(out.Brokers, int32(id), c.Key, c.MaybeValue())
				}
			}
		}
	}
	if len(topics) > 0 {
		rcs, err := adm.DescribeTopicConfigs(ctx, topics...)
		if err != nil && len(rcs) == 0 {
			return out, Explain("describing topic configs", err)
		}
		for _, rc := range rcs {
			if rc.Err != nil && strict {
				return out, Explain("describing the configs of topic "+strconv.Quote(rc.Name), rc.Err)
			}
			for _, c := range rc.Configs {
				if (c.Key == ThrottleLeaderReplicas || c.Key == ThrottleFollowerReplicas) && rsgDynamic(c) && c.MaybeValue() != "" {
					rsgPut(out.Topics, rc.Name, c.Key, c.MaybeValue())
				}
			}
		}
	}
	return out, nil
}

func rsgPut[K comparable](m map[K]map[string]string, k K, key, v string) {
	if m[k] == nil {
		m[k] = map[string]string{}
	}
	m[k][key] = v
}

// rsgKeep adds the kept throttled-replica entries to the reassignment's lists, so that
// replicas throttled by hand stay throttled while it runs ("*" stays "*").
func rsgKeep(th *Throttle) {
	for t, kept := range th.Kept.Topics {
		for key, lists := range map[string]map[string]string{ThrottleLeaderReplicas: th.Leader, ThrottleFollowerReplicas: th.Follower} {
			old, ok := kept[key]
			if !ok {
				continue
			}
			ours, has := lists[t]
			switch {
			case !has:
				lists[t] = old
			case ours == "*" || old == "*":
				lists[t] = "*"
			default:
				entries := strings.Split(ours, ",")
				for _, e := range strings.Split(old, ",") {
					if e = strings.TrimSpace(e); e != "" && !slices.Contains(entries, e) {
						entries = append(entries, e)
					}
				}
				lists[t] = strings.Join(entries, ",")
			}
		}
	}
}

// rsgUndo removes a reassignment's throttle: each config goes back to its kept value, or is
// deleted when none was set before.
func rsgUndo(ctx context.Context, adm *kadm.Client, th Throttle) error {
	ops := func(kept map[string]string, keys ...string) []kadm.AlterConfig {
		var cs []kadm.AlterConfig
		for _, k := range keys {
			if v, ok := kept[k]; ok {
				cs = append(cs, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: kadm.StringPtr(v)})
			} else {
				cs = append(cs, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: k})
			}
		}
		return cs
	}
	var plain []int32
	for _, b := range th.Brokers {
		if len(th.Kept.Brokers[b]) == 0 {
			plain = append(plain, b)
			continue
		}
		resp, err := adm.AlterBrokerConfigs(ctx, ops(th.Kept.Brokers[b], ThrottleLeaderRate, ThrottleFollowerRate), b)
		if err = rsgAlterErr(resp, err); err != nil {
			return Explain(fmt.Sprintf("restoring the replication throttle rate of broker %d", b), err)
		}
	}
	if len(plain) > 0 {
		if err := RemoveThrottle(ctx, adm, plain, []string{}); err != nil {
			return err
		}
	}
	for _, t := range rsgKeys(th) {
		resp, err := adm.AlterTopicConfigs(ctx, ops(th.Kept.Topics[t], ThrottleLeaderReplicas, ThrottleFollowerReplicas), t)
		if err = rsgAlterErr(resp, err); err != nil && !errors.Is(err, kerr.UnknownTopicOrPartition) {
			return Explain("removing the throttled replicas of topic "+strconv.Quote(t), err)
		}
	}
	return nil
}

// rsgDynamic: a config set on the resource itself (not a default).
func rsgDynamic(c kadm.Config) bool {
	return c.Source == kmsg.ConfigSourceDynamicTopicConfig || c.Source == kmsg.ConfigSourceDynamicBrokerConfig ||
		c.Source == kmsg.ConfigSourceDynamicDefaultBrokerConfig
}

// ThrottledTopics returns those of topics with a throttled-replica config set.
func ThrottledTopics(ctx context.Context, adm *kadm.Client, topics []string) ([]string, error) {
	out := []string{}
	if len(topics) == 0 {
		return out, nil
	}
	rcs, err := adm.DescribeTopicConfigs(ctx, topics...)
	if err != nil && len(rcs) == 0 {
		return nil, Explain("describing topic configs", err)
	}
	for _, rc := range rcs {
		if rc.Err != nil {
			continue
		}
		for _, c := range rc.Configs {
			if (c.Key == ThrottleLeaderReplicas || c.Key == ThrottleFollowerReplicas) && rsgDynamic(c) && c.MaybeValue() != "" {
				out = append(out, rc.Name)
				break
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// ReassignPartition is one partition being moved now.
type ReassignPartition struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Replicas  []int32 `json:"replicas"`
	Adding    []int32 `json:"adding"`
	Removing  []int32 `json:"removing"`
}

// ReassignProgress is the state of reassignments in a cluster, and of Gregor's last one.
type ReassignProgress struct {
	InProgress []ReassignPartition `json:"in_progress"`
	Running    bool                `json:"running"`
	// Of Gregor's last reassignment (absent when Gregor started none since it runs):
	Plan             *Reassignment `json:"last,omitempty"`
	PartitionsDone   int           `json:"partitions_done"`
	PartitionsTotal  int           `json:"partitions_total"`
	BytesMoved       int64         `json:"bytes_moved"` // estimate: sizes of the new replicas, capped at the plan's
	BytesPlanned     int64         `json:"bytes_planned"`
	ThrottledBrokers []int32       `json:"throttled_brokers"`
	ThrottledTopics  []string      `json:"throttled_topics"`
	ThrottleSet      bool          `json:"throttle_set"`
	ThrottleRemoved  bool          `json:"throttle_removed"` // by this call, as nothing runs any more
}

// Progress reports the reassignments running in the cluster and the progress of last (may be
// nil). When nothing runs any more and last's throttle is still set, it removes it if
// removeWhenDone (the caller may change the cluster), else reports it still set.
func Progress(ctx context.Context, adm *kadm.Client, last *Reassignment, removeWhenDone bool) (*ReassignProgress, error) {
	running, err := InProgress(ctx, adm)
	if err != nil {
		return nil, err
	}
	pr := &ReassignProgress{InProgress: []ReassignPartition{}, Running: len(running) > 0, ThrottledBrokers: []int32{}, ThrottledTopics: []string{}}
	busy := map[string]bool{}
	for _, r := range running {
		pr.InProgress = append(pr.InProgress, ReassignPartition{Topic: r.Topic, Partition: r.Partition, Replicas: rsgNonNil(r.Replicas),
			Adding: rsgNonNil(r.AddingReplicas), Removing: rsgNonNil(r.RemovingReplicas)})
		busy[fmt.Sprintf("%s/%d", r.Topic, r.Partition)] = true
	}
	if last == nil || last.DryRun {
		return pr, nil
	}
	pr.Plan = last
	c, err := rsgDescribe(ctx, adm, rsgPlanTopics(last)...)
	if err != nil {
		return nil, err
	}
	set := kadm.TopicsSet{}
	for _, m := range last.Plan.Moves {
		set.Add(m.Topic, m.Partition)
	}
	dirs, err := adm.DescribeAllLogDirs(ctx, set)
	if err != nil && len(dirs) == 0 {
		return nil, Explain("describing the log dirs", err)
	}
	pr.PartitionsTotal = len(last.Plan.Moves)
	pr.BytesPlanned = last.Plan.TotalBytes
	for _, m := range last.Plan.Moves {
		now := c.topics[m.Topic].Partitions[m.Partition].Replicas
		done := !busy[fmt.Sprintf("%s/%d", m.Topic, m.Partition)] && slices.Equal(rsgSorted(now), rsgSorted(m.Target))
		per := int64(0)
		if len(m.Adding) > 0 {
			per = m.Bytes / int64(len(m.Adding))
		}
		for _, r := range m.Adding {
			if done {
				pr.BytesMoved += per
			} else if s := rsgSize(dirs, r, m.Topic, m.Partition); s > 0 {
				pr.BytesMoved += min(s, per)
			}
		}
		if done {
			pr.PartitionsDone++
		}
	}
	cur, err := rsgRead(ctx, adm, last.Throttle.Brokers, rsgKeys(last.Throttle), false)
	if err != nil {
		return nil, err
	}
	// Only configs differing from what was kept are this reassignment's throttle.
	for _, b := range last.Throttle.Brokers {
		if len(cur.Brokers[b]) > 0 && !maps.Equal(cur.Brokers[b], last.Throttle.Kept.Brokers[b]) {
			pr.ThrottledBrokers = append(pr.ThrottledBrokers, b)
		}
	}
	for _, t := range rsgKeys(last.Throttle) {
		if len(cur.Topics[t]) > 0 && !maps.Equal(cur.Topics[t], last.Throttle.Kept.Topics[t]) {
			pr.ThrottledTopics = append(pr.ThrottledTopics, t)
		}
	}
	pr.ThrottleSet = len(pr.ThrottledBrokers) > 0 || len(pr.ThrottledTopics) > 0
	if !pr.Running && pr.ThrottleSet && removeWhenDone && !last.Done {
		if err := rsgUndo(ctx, adm, last.Throttle); err != nil {
			return nil, err
		}
		pr.ThrottleRemoved, pr.ThrottleSet, last.Done = true, false, true
		pr.ThrottledBrokers, pr.ThrottledTopics = []int32{}, []string{}
	}
	return pr, nil
}

func rsgPlanTopics(last *Reassignment) []string {
	var ts []string
	if last != nil && last.Plan != nil {
		for _, m := range last.Plan.Moves {
			if !slices.Contains(ts, m.Topic) {
				ts = append(ts, m.Topic)
			}
		}
	}
	return ts
}

func rsgNonNil(s []int32) []int32 {
	if s == nil {
		return []int32{}
	}
	return s
}

func rsgSorted(s []int32) []int32 {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// ReassignEnd is what a cancel or finish did.
type ReassignEnd struct {
	Cancelled       []ReassignPartition `json:"cancelled"`
	Assignment      []ReassignPartition `json:"assignment"` // the resulting replicas of the partitions involved
	ThrottleRemoved bool                `json:"throttle_removed"`
}

// CancelReassignment cancels every running reassignment (Kafka moves those partitions back
// to their replicas before it), waits for them to end, then removes the throttle (last's, or
// when last is nil every throttle config in the cluster).
func CancelReassignment(ctx context.Context, adm *kadm.Client, last *Reassignment) (*ReassignEnd, error) {
	running, err := InProgress(ctx, adm)
	if err != nil {
		return nil, err
	}
	end := &ReassignEnd{Cancelled: []ReassignPartition{}, Assignment: []ReassignPartition{}}
	if len(running) > 0 {
		req := kadm.AlterPartitionAssignmentsReq{}
		for _, r := range running {
			req.CancelAssign(r.Topic, r.Partition)
			end.Cancelled = append(end.Cancelled, ReassignPartition{Topic: r.Topic, Partition: r.Partition, Replicas: rsgNonNil(r.Replicas),
				Adding: rsgNonNil(r.AddingReplicas), Removing: rsgNonNil(r.RemovingReplicas)})
		}
		resp, err := adm.AlterPartitionAssignments(ctx, req)
		if err == nil {
			resp.Each(func(a kadm.AlterPartitionAssignmentsResponse) {
				if a.Err != nil && !errors.Is(a.Err, kerr.NoReassignmentInProgress) && err == nil {
					err = fmt.Errorf("%s/%d: %w", a.Topic, a.Partition, a.Err)
				}
			})
		}
		if err != nil {
			return nil, Explain("cancelling the reassignment", err)
		}
		for {
			if running, err = InProgress(ctx, adm); err != nil {
				return nil, err
			}
			if len(running) == 0 {
				break
			}
			select {
			case <-ctx.Done():
				return nil, Explain("waiting for the cancellation", ctx.Err())
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	if err := rsgRemoveLast(ctx, adm, last); err != nil {
		return nil, err
	}
	end.ThrottleRemoved = true
	if err := rsgResult(ctx, adm, end, last); err != nil {
		return nil, err
	}
	return end, nil
}

// FinishReassignment removes the throttle once nothing runs; a Conflict while a
// reassignment runs (cancel it, or wait).
func FinishReassignment(ctx context.Context, adm *kadm.Client, last *Reassignment) (*ReassignEnd, error) {
	running, err := InProgress(ctx, adm)
	if err != nil {
		return nil, err
	}
	if len(running) > 0 {
		return nil, Errorf(Conflict, "a reassignment is still running (%d partitions); wait for it to end or cancel it", len(running))
	}
	if err := rsgRemoveLast(ctx, adm, last); err != nil {
		return nil, err
	}
	end := &ReassignEnd{Cancelled: []ReassignPartition{}, Assignment: []ReassignPartition{}, ThrottleRemoved: true}
	if err := rsgResult(ctx, adm, end, last); err != nil {
		return nil, err
	}
	return end, nil
}

func rsgRemoveLast(ctx context.Context, adm *kadm.Client, last *Reassignment) error {
	if last == nil || last.DryRun {
		return RemoveThrottle(ctx, adm, nil, nil)
	}
	return rsgUndo(ctx, adm, last.Throttle)
}

// rsgResult fills the resulting replicas of the plan's partitions and the cancelled ones.
func rsgResult(ctx context.Context, adm *kadm.Client, end *ReassignEnd, last *Reassignment) error {
	c, err := rsgDescribe(ctx, adm, rsgPlanTopics(last)...)
	if err != nil {
		return err
	}
	set := kadm.TopicsSet{}
	for _, p := range end.Cancelled {
		set.Add(p.Topic, p.Partition)
	}
	if last != nil && last.Plan != nil {
		for _, m := range last.Plan.Moves {
			set.Add(m.Topic, m.Partition)
		}
	}
	for _, tp := range set.Sorted() {
		for _, p := range tp.Partitions {
			if pd, ok := c.topics[tp.Topic].Partitions[p]; ok {
				end.Assignment = append(end.Assignment, ReassignPartition{Topic: tp.Topic, Partition: p, Replicas: rsgNonNil(pd.Replicas),
					Adding: []int32{}, Removing: []int32{}})
			}
		}
	}
	return nil
}
