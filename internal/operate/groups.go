package operate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// Reset modes: where ResetOffsets moves a group's committed offsets.
const (
	ResetEarliest  = "earliest"  // the log start offset
	ResetLatest    = "latest"    // the log end offset (high watermark)
	ResetTimestamp = "timestamp" // the first record at or after a time (the end when none)
	ResetOffset    = "offset"    // an exact offset
	ResetShift     = "shift"     // the committed offset moved by N (+ forward, - back)
)

// ResetModes lists the reset modes, for messages and docs.
var ResetModes = []string{ResetEarliest, ResetLatest, ResetTimestamp, ResetOffset, ResetShift}

// ResetRequest says which of a group's committed offsets to move, and where.
type ResetRequest struct {
	Group     string
	To        string    // one of ResetModes
	Timestamp time.Time // for ResetTimestamp
	Offset    *int64    // for ResetOffset
	Shift     *int64    // for ResetShift
	// Topics to reset, every partition of each; none: every partition the group has a
	// committed offset for (or, when Partitions is set, the topics it names).
	Topics []string
	// Partitions narrows a topic to these partition ids.
	Partitions map[string][]int32
	DryRun     bool
}

// OffsetChange is one partition of a reset plan. Old and LagBefore are nil when the group had
// no committed offset there.
type OffsetChange struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Old       *int64 `json:"old_offset"`
	New       int64  `json:"new_offset"`
	LogStart  int64  `json:"log_start"`
	LogEnd    int64  `json:"log_end"`
	LagBefore *int64 `json:"lag_before"`
	LagAfter  int64  `json:"lag_after"`
	Clamped   bool   `json:"clamped,omitempty"` // the wanted offset was outside [log start, log end]
}

// ResetPlan is what ResetOffsets would do (DryRun) or did.
type ResetPlan struct {
	Group         string         `json:"group"`
	To            string         `json:"to"`
	DryRun        bool           `json:"dry_run"`
	ActiveMembers int            `json:"active_members"`
	Warning       string         `json:"warning,omitempty"` // why applying would be refused now
	Partitions    []OffsetChange `json:"partitions"`
	LagBefore     int64          `json:"lag_before"` // total, over the partitions with a committed offset
	LagAfter      int64          `json:"lag_after"`  // total, over every planned partition
	Applied       bool           `json:"applied"`
}

// GroupState is what Kafka says about a group: whether it exists, its state and its members,
// from both the classic (DescribeGroups) and the consumer (ConsumerGroupDescribe, KIP-848)
// protocols.
type GroupState struct {
	Exists   bool
	Protocol string // "classic" or "consumer"
	State    string
	Members  int
}

// DescribeGroupState asks the group's coordinator about it with both protocols; a cluster
// without ConsumerGroupDescribe (before Kafka 3.7) answers only the classic one.
func DescribeGroupState(ctx context.Context, adm *kadm.Client, group string) (GroupState, error) {
	var st GroupState
	classic, err := adm.DescribeGroups(ctx, group)
	if err != nil {
		return st, Explain("describing group "+strconv.Quote(group), err)
	}
	if g, ok := classic[group]; ok {
		switch {
		case g.Err == nil && !strings.EqualFold(g.State, "Dead"):
			st = GroupState{Exists: true, Protocol: "classic", State: g.State, Members: len(g.Members)}
		case g.Err != nil && !errors.Is(g.Err, kerr.GroupIDNotFound):
			return st, Explain("describing group "+strconv.Quote(group), g.Err)
		}
	}
	cons, err := adm.DescribeConsumerGroups(ctx, group)
	if err != nil {
		if errors.Is(err, kerr.UnsupportedVersion) || errors.Is(err, kerr.UnsupportedForMessageFormat) || isUnsupported(err) {
			return st, nil
		}
		return st, Explain("describing group "+strconv.Quote(group), err)
	}
	if g, ok := cons[group]; ok && g.Err == nil && !strings.EqualFold(g.State, "Dead") {
		st = GroupState{Exists: true, Protocol: "consumer", State: g.State, Members: max(len(g.Members), st.Members)}
	}
	return st, nil
}

// isUnsupported: kgo's answer when the broker does not know the request (too old).
func isUnsupported(err error) bool {
	return err != nil && strings.Contains(err.Error(), "broker is too old")
}

// existing returns the group's state, or a NotFound error when there is no such group.
func existing(ctx context.Context, adm *kadm.Client, group string) (GroupState, error) {
	if group == "" {
		return GroupState{}, Errorf(Invalid, "a group name is required")
	}
	st, err := DescribeGroupState(ctx, adm, group)
	if err != nil {
		return st, err
	}
	if !st.Exists {
		return st, &Error{Kind: NotFound, Msg: "no consumer group named " + strconv.Quote(group), Err: kerr.GroupIDNotFound}
	}
	return st, nil
}

func busy(group string, members int) *Error {
	s := "s"
	if members == 1 {
		s = ""
	}
	return &Error{Kind: Conflict, Err: kerr.NonEmptyGroup,
		Msg: fmt.Sprintf("the group %s has %d active member%s; stop its consumers first", strconv.Quote(group), members, s)}
}

// explainGroup is Explain for an offset commit or delete: the answers Kafka gives an admin
// while the group has members (it is not one of them) say so.
func explainGroup(what, group string, err error) error {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		switch ke {
		case kerr.UnknownMemberID, kerr.IllegalGeneration, kerr.RebalanceInProgress, kerr.StaleMemberEpoch,
			kerr.FencedInstanceID, kerr.FencedMemberEpoch, kerr.NonEmptyGroup:
			return &Error{Kind: Conflict, Err: err,
				Msg: what + ": group " + strconv.Quote(group) + " has active members (" + ke.Message + "); stop its consumers first"}
		case kerr.GroupSubscribedToTopic:
			return &Error{Kind: Conflict, Err: err,
				Msg: what + ": group " + strconv.Quote(group) + " has active members subscribed to the topic; stop its consumers first"}
		}
	}
	return Explain(what, err)
}

// ResetOffsets plans moving a group's committed offsets and, unless DryRun, commits exactly
// the planned offsets. The plan is always computed (a dry run works while the group has
// members and says so); applying is refused with a Conflict while the group has members.
func ResetOffsets(ctx context.Context, adm *kadm.Client, req ResetRequest) (*ResetPlan, error) {
	if err := validateReset(req); err != nil {
		return nil, err
	}
	st, err := existing(ctx, adm, req.Group)
	if err != nil {
		return nil, err
	}
	what := "resetting the offsets of group " + strconv.Quote(req.Group)
	committed, err := adm.FetchOffsets(ctx, req.Group)
	if err != nil {
		return nil, explainGroup(what, req.Group, err)
	}
	targets, err := resetTargets(ctx, adm, req, committed)
	if err != nil {
		return nil, err
	}
	topics := make([]string, 0, len(targets))
	for t := range targets {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	starts, err := listed(ctx, "listing log start offsets", topics, adm.ListStartOffsets)
	if err != nil {
		return nil, err
	}
	ends, err := listed(ctx, "listing log end offsets", topics, adm.ListEndOffsets)
	if err != nil {
		return nil, err
	}
	var byTime kadm.ListedOffsets
	if req.To == ResetTimestamp {
		ms := req.Timestamp.UnixMilli()
		if byTime, err = listed(ctx, "listing offsets by time", topics, func(ctx context.Context, ts ...string) (kadm.ListedOffsets, error) {
			return adm.ListOffsetsAfterMilli(ctx, ms, ts...)
		}); err != nil {
			return nil, err
		}
	}

	plan := &ResetPlan{Group: req.Group, To: req.To, DryRun: req.DryRun, ActiveMembers: st.Members, Partitions: []OffsetChange{}}
	if st.Members > 0 {
		plan.Warning = busy(req.Group, st.Members).Msg
	}
	var noBase []string
	for _, t := range topics {
		for _, p := range targets[t] {
			start, _ := starts.Lookup(t, p)
			end, _ := ends.Lookup(t, p)
			c := OffsetChange{Topic: t, Partition: p, LogStart: start.Offset, LogEnd: end.Offset}
			if o, ok := committed.Lookup(t, p); ok && o.Err == nil && o.At >= 0 {
				old := o.At
				lag := max(end.Offset-old, 0)
				c.Old, c.LagBefore = &old, &lag
				plan.LagBefore += lag
			}
			var want int64
			switch req.To {
			case ResetEarliest:
				want = start.Offset
			case ResetLatest:
				want = end.Offset
			case ResetTimestamp:
				at, ok := byTime.Lookup(t, p)
				if !ok || at.Offset < 0 {
					want = end.Offset
				} else {
					want = at.Offset
				}
			case ResetOffset:
				want = *req.Offset
			case ResetShift:
				if c.Old == nil {
					noBase = append(noBase, fmt.Sprintf("%s/%d", t, p))
					continue
				}
				want = *c.Old + *req.Shift
			}
			c.New = min(max(want, start.Offset), end.Offset)
			c.Clamped = c.New != want
			c.LagAfter = end.Offset - c.New
			plan.LagAfter += c.LagAfter
			plan.Partitions = append(plan.Partitions, c)
		}
	}
	if len(noBase) > 0 {
		return nil, Errorf(Invalid, "shift needs a committed offset to move from; group %s has none on %s (use another mode, or narrow with partitions)",
			strconv.Quote(req.Group), strings.Join(noBase, ", "))
	}
	if req.DryRun {
		return plan, nil
	}
	if st.Members > 0 {
		return nil, busy(req.Group, st.Members)
	}
	offsets := make(kadm.Offsets)
	for _, c := range plan.Partitions {
		offsets.Add(kadm.Offset{Topic: c.Topic, Partition: c.Partition, At: c.New, LeaderEpoch: -1})
	}
	resp, err := adm.CommitOffsets(ctx, req.Group, offsets)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		return nil, explainGroup(what, req.Group, err)
	}
	plan.Applied = true
	return plan, nil
}

func validateReset(req ResetRequest) error {
	if req.Group == "" {
		return Errorf(Invalid, "a group name is required")
	}
	switch req.To {
	case ResetEarliest, ResetLatest:
	case ResetTimestamp:
		if req.Timestamp.IsZero() {
			return Errorf(Invalid, `"timestamp" (RFC 3339, e.g. 2024-05-01T12:00:00Z) is required with "to": "timestamp"`)
		}
	case ResetOffset:
		if req.Offset == nil {
			return Errorf(Invalid, `"offset" is required with "to": "offset"`)
		}
		if *req.Offset < 0 {
			return Errorf(Invalid, `"offset" must be 0 or more`)
		}
	case ResetShift:
		if req.Shift == nil {
			return Errorf(Invalid, `"shift" (a positive or negative number of records) is required with "to": "shift"`)
		}
	case "":
		return Errorf(Invalid, `"to" is required: one of %s`, strings.Join(ResetModes, ", "))
	default:
		return Errorf(Invalid, `unknown reset mode "to": %s; use one of %s`, strconv.Quote(req.To), strings.Join(ResetModes, ", "))
	}
	for _, t := range req.Topics {
		if t == "" {
			return Errorf(Invalid, "an empty topic name in topics")
		}
	}
	for t, ps := range req.Partitions {
		if len(req.Topics) > 0 && !slices.Contains(req.Topics, t) {
			return Errorf(Invalid, "partitions names topic %s, which is not in topics", strconv.Quote(t))
		}
		if len(ps) == 0 {
			return Errorf(Invalid, "partitions lists no partition for topic %s", strconv.Quote(t))
		}
	}
	return nil
}

// resetTargets is the partitions a reset moves, by topic, sorted.
func resetTargets(ctx context.Context, adm *kadm.Client, req ResetRequest, committed kadm.OffsetResponses) (map[string][]int32, error) {
	targets := map[string][]int32{}
	topics := req.Topics
	if len(topics) == 0 {
		for t := range req.Partitions {
			topics = append(topics, t)
		}
	}
	if len(topics) > 0 {
		sort.Strings(topics)
		tds, err := adm.ListTopics(ctx, topics...)
		if err != nil {
			return nil, Explain("listing topics", err)
		}
		for _, t := range topics {
			td, ok := tds[t]
			if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
				return nil, &Error{Kind: NotFound, Msg: "no topic named " + strconv.Quote(t), Err: kerr.UnknownTopicOrPartition}
			}
			if td.Err != nil {
				return nil, Explain("describing topic "+strconv.Quote(t), td.Err)
			}
			for p := range td.Partitions {
				targets[t] = append(targets[t], p)
			}
		}
	} else {
		committed.Each(func(o kadm.OffsetResponse) {
			if o.Err == nil && o.At >= 0 {
				targets[o.Topic] = append(targets[o.Topic], o.Partition)
			}
		})
		if len(targets) == 0 {
			return nil, Errorf(Invalid, "group %s has no committed offsets; name the topics to reset", strconv.Quote(req.Group))
		}
	}
	for t, want := range req.Partitions {
		have := targets[t]
		for _, p := range want {
			if !slices.Contains(have, p) {
				return nil, &Error{Kind: NotFound, Msg: fmt.Sprintf("topic %s has no partition %d", strconv.Quote(t), p), Err: kerr.UnknownTopicOrPartition}
			}
		}
		targets[t] = slices.Clone(want)
	}
	for t := range targets {
		slices.Sort(targets[t])
		targets[t] = slices.Compact(targets[t])
	}
	return targets, nil
}

// listed runs one of kadm's List*Offsets and turns missing topics and partition errors into
// *Error.
func listed(ctx context.Context, what string, topics []string, list func(context.Context, ...string) (kadm.ListedOffsets, error)) (kadm.ListedOffsets, error) {
	l, err := list(ctx, topics...)
	if err != nil {
		return nil, Explain(what, err)
	}
	var first error
	l.Each(func(o kadm.ListedOffset) {
		if o.Err == nil || first != nil {
			return
		}
		if errors.Is(o.Err, kerr.UnknownTopicOrPartition) {
			first = &Error{Kind: NotFound, Msg: what + ": no topic named " + strconv.Quote(o.Topic), Err: o.Err}
			return
		}
		first = Explain(fmt.Sprintf("%s of %s/%d", what, o.Topic, o.Partition), o.Err)
	})
	return l, first
}

// CommittedOffset is one committed offset of a group.
type CommittedOffset struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

// GroupDeletion is what DeleteGroup would delete (DryRun) or deleted.
type GroupDeletion struct {
	Group         string            `json:"group"`
	DryRun        bool              `json:"dry_run"`
	State         string            `json:"state"`
	ActiveMembers int               `json:"active_members"`
	Warning       string            `json:"warning,omitempty"`
	Offsets       []CommittedOffset `json:"offsets"` // the committed offsets that go with it
	Deleted       bool              `json:"deleted"`
}

// DeleteGroup deletes an empty group and its committed offsets; a dry run says what would go.
// A group with members is refused with a Conflict.
func DeleteGroup(ctx context.Context, adm *kadm.Client, group string, dryRun bool) (*GroupDeletion, error) {
	st, err := existing(ctx, adm, group)
	if err != nil {
		return nil, err
	}
	what := "deleting group " + strconv.Quote(group)
	offs, err := committedOffsets(ctx, adm, group, "")
	if err != nil {
		return nil, explainGroup(what, group, err)
	}
	d := &GroupDeletion{Group: group, DryRun: dryRun, State: st.State, ActiveMembers: st.Members, Offsets: offs}
	if st.Members > 0 {
		d.Warning = busy(group, st.Members).Msg
	}
	if dryRun {
		return d, nil
	}
	if st.Members > 0 {
		return nil, busy(group, st.Members)
	}
	if _, err := adm.DeleteGroup(ctx, group); err != nil {
		return nil, explainGroup(what, group, err)
	}
	d.Deleted = true
	return d, nil
}

// OffsetDeletion is what DeleteOffsets would delete (DryRun) or deleted.
type OffsetDeletion struct {
	Group   string            `json:"group"`
	Topic   string            `json:"topic"`
	DryRun  bool              `json:"dry_run"`
	Offsets []CommittedOffset `json:"offsets"`
	Deleted bool              `json:"deleted"`
}

// DeleteOffsets deletes a group's committed offsets for one topic (OffsetDelete). Kafka
// refuses it while members of the group are subscribed to the topic (a Conflict).
func DeleteOffsets(ctx context.Context, adm *kadm.Client, group, topic string, dryRun bool) (*OffsetDeletion, error) {
	if topic == "" {
		return nil, Errorf(Invalid, `the topic is required ("?topic=NAME")`)
	}
	if _, err := existing(ctx, adm, group); err != nil {
		return nil, err
	}
	what := "deleting the offsets of group " + strconv.Quote(group) + " for topic " + strconv.Quote(topic)
	offs, err := committedOffsets(ctx, adm, group, topic)
	if err != nil {
		return nil, explainGroup(what, group, err)
	}
	if len(offs) == 0 {
		return nil, Errorf(NotFound, "group %s has no committed offsets for topic %s", strconv.Quote(group), strconv.Quote(topic))
	}
	d := &OffsetDeletion{Group: group, Topic: topic, DryRun: dryRun, Offsets: offs}
	if dryRun {
		return d, nil
	}
	set := kadm.TopicsSet{}
	for _, o := range offs {
		set.Add(topic, o.Partition)
	}
	resp, err := adm.DeleteOffsets(ctx, group, set)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		return nil, explainGroup(what, group, err)
	}
	d.Deleted = true
	return d, nil
}

// committedOffsets lists a group's committed offsets (of one topic, when topic is set), sorted.
func committedOffsets(ctx context.Context, adm *kadm.Client, group, topic string) ([]CommittedOffset, error) {
	resp, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		return nil, err
	}
	out := []CommittedOffset{}
	for _, o := range resp.Sorted() {
		if o.Err != nil || o.At < 0 || (topic != "" && o.Topic != topic) {
			continue
		}
		out = append(out, CommittedOffset{Topic: o.Topic, Partition: o.Partition, Offset: o.At})
	}
	return out, nil
}
