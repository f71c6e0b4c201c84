package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The replica commands: preferred leader election and partition reassignment (docs/api.md,
// "Operations: replicas", "Operations: reassignment"). They are operation commands (runOp);
// `gregor reassign SUB` is a command group (rpRunGroup).

func init() {
	for _, c := range []*opCommand{
		{
			name: "elect-leaders", selectCluster: true, dryRun: true,
			flags:   "[--topic T [--partitions 0,1] | --broker N]",
			summary: "move leadership back to each partition's preferred replica: of one topic (or some of its partitions), of the partitions whose preferred replica is --broker, or of the whole cluster; exit 1 if a partition was not elected",
			setup:   rpSetupElect, render: rpRenderElect, exitCode: rpElectExit,
		},
		{
			name: "reassign plan", selectCluster: true,
			flags:   "(--move-off-broker N | --onto 4,5 | --replication-factor N | --file plan.json) [--topic T ...]",
			summary: "plan a partition reassignment and print each move with the bytes to copy; changes nothing (start it with 'gregor reassign start')",
			setup:   rpSetupPlan, render: rpRenderPlan,
		},
		{
			name: "reassign start", selectCluster: true, dryRun: true,
			flags:   "(--file plan.json | --move-off-broker N | --onto 4,5 | --replication-factor N) [--topic T ...] --throttle RATE",
			summary: "start a reassignment (a plan file, or one planned from the same flags as 'reassign plan') with a replication throttle in bytes/s; at most one per cluster at a time",
			setup:   rpSetupStart, render: rpRenderStart,
		},
		{
			name: "reassign status", selectCluster: true,
			summary: "show the partitions being reassigned and the progress of Gregor's last reassignment (partitions done, bytes moved); the look that sees it ended removes its throttle",
			setup:   rpSetupStatus, render: rpRenderStatus,
		},
		{
			name: "reassign finish", selectCluster: true,
			summary: "remove the replication throttle of a reassignment that has ended (refused while one runs)",
			setup:   rpSetupEnd("POST", "/finish"), render: rpRenderEnd(false),
		},
		{
			name: "reassign cancel", selectCluster: true,
			summary: "cancel the running reassignment (Kafka moves the partitions back), wait for it to end and remove the throttle",
			setup:   rpSetupEnd("DELETE", ""), render: rpRenderEnd(true),
		},
	} {
		opCommands[c.name] = c
	}
}

// rpGroup is a command with subcommands: `gregor reassign plan`, `gregor acls create`. Each
// subcommand is the operation command "GROUP SUB".
type rpGroup struct {
	subs []string
	def  string // the subcommand run when none is given; "" when one is required
}

var rpGroups = map[string]rpGroup{
	"reassign": {subs: []string{"plan", "start", "status", "finish", "cancel"}},
}

// rpRunGroup runs `gregor GROUP [SUB] args...`.
func rpRunGroup(group string, args []string, stdout, stderr io.Writer, environ []string) int {
	g, ok := rpGroups[group]
	if !ok {
		fmt.Fprintf(stderr, "gregor: unknown command %q\n", group)
		return ExitUsage
	}
	sub := g.def
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "help" || ((a == "-h" || a == "-help" || a == "--help") && g.def == ""):
			fmt.Fprintf(stdout, "Usage: gregor %s %s [flags]\n\nRun 'gregor %s SUBCOMMAND --help' for a subcommand's flags.\n",
				group, strings.Join(g.subs, "|"), group)
			return ExitOK
		case !strings.HasPrefix(a, "-"):
			if !slices.Contains(g.subs, a) {
				fmt.Fprintf(stderr, "gregor %s: unknown subcommand %q: use one of %s\n", group, a, strings.Join(g.subs, ", "))
				return ExitUsage
			}
			sub, args = a, args[1:]
		}
	}
	if sub == "" {
		fmt.Fprintf(stderr, "gregor %s: missing subcommand: one of %s\nRun 'gregor %s help' for usage.\n", group, strings.Join(g.subs, ", "), group)
		return ExitUsage
	}
	if group == "reassign" && sub == "start" {
		return rpRunStart(args, stdout, stderr, environ)
	}
	return runOp(group+" "+sub, args, stdout, stderr, environ)
}

// rpPlanned is the assignment `reassign start` starts when planned from generator flags: the
// first run of the command sends the plan request (rpPlanning), the second the start.
var (
	rpPlanned  rpAssignment
	rpPlanning bool
)

// rpRunStart runs `reassign start`; planned from generator flags rather than a file, it asks
// for the plan first (its answer kept in memory), then starts the plan's assignment.
func rpRunStart(args []string, stdout, stderr io.Writer, environ []string) int {
	rpPlanned, rpPlanning = nil, false
	defer func() { rpPlanned, rpPlanning = nil, false }()
	var first bytes.Buffer
	code := runOp("reassign start", args, &first, stderr, environ)
	if code != ExitOK || !rpPlanning {
		if _, err := stdout.Write(first.Bytes()); err != nil && code == ExitOK {
			return ExitFailure
		}
		return code
	}
	var plan rpPlan
	if err := json.Unmarshal(first.Bytes(), &plan); err != nil {
		fmt.Fprintf(stderr, "gregor: unexpected plan from the server: %v\n", err)
		return ExitFailure
	}
	if len(plan.Moves) == 0 || len(plan.Assignment) == 0 {
		fmt.Fprintf(stdout, "The plan moves nothing (%d partition(s) keep their replicas): no reassignment started.\n", plan.Unchanged)
		return ExitOK
	}
	rpPlanned, rpPlanning = plan.Assignment, false
	return runOp("reassign start", args, stdout, stderr, environ)
}

// --- requests ---

// rpAssignment is replicas by topic and partition, as the API reads it.
type rpAssignment map[string]map[int32][]int32

type rpElectBody struct {
	Topic      string  `json:"topic,omitempty"`
	Partitions []int32 `json:"partitions,omitempty"`
	Broker     *int32  `json:"broker,omitempty"`
	DryRun     bool    `json:"dry_run"`
}

type rpPlanBody struct {
	Mode              string       `json:"mode"`
	Topics            []string     `json:"topics,omitempty"`
	Brokers           []int32      `json:"brokers,omitempty"`
	ReplicationFactor int          `json:"replication_factor,omitempty"`
	Assignment        rpAssignment `json:"assignment,omitempty"`
}

type rpStartBody struct {
	Assignment          rpAssignment `json:"assignment"`
	ThrottleBytesPerSec int64        `json:"throttle_bytes_per_sec"`
	DryRun              bool         `json:"dry_run"`
}

func rpPath(suffix string) func(string) string {
	return func(c string) string { return clusterPath(c) + suffix }
}

func rpSetupElect(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var topic, partitions string
	var broker int
	fs.StringVar(&topic, "topic", "", "only this topic")
	fs.StringVar(&partitions, "partitions", "", "with --topic: only these partitions, e.g. 0,1")
	fs.IntVar(&broker, "broker", 0, "only the partitions whose preferred replica is this broker")
	return func(_ string, given map[string]bool, dry bool) (*opRequest, error) {
		b := rpElectBody{Topic: topic, DryRun: dry}
		switch {
		case given["topic"] && strings.TrimSpace(topic) == "":
			return nil, errors.New("--topic must not be empty")
		case given["topic"] && given["broker"]:
			return nil, errors.New("give --topic or --broker, not both")
		case given["partitions"] && !given["topic"]:
			return nil, errors.New("--partitions needs --topic")
		case given["broker"] && (broker < 0 || broker > math.MaxInt32):
			return nil, errors.New("--broker must be a broker id (0 or more)")
		}
		if given["broker"] {
			id := int32(broker)
			b.Broker = &id
		}
		if given["partitions"] {
			var err error
			if b.Partitions, err = int32List("partitions", partitions); err != nil {
				return nil, err
			}
		}
		return &opRequest{method: "POST", path: rpPath("/elect-leaders"), body: b}, nil
	}
}

// rpGenFlags are the flags that say what to plan: shared by `reassign plan` and `start`.
type rpGenFlags struct {
	moveOff, onto, file string
	rf                  int
	topics              listFlag
}

func (g *rpGenFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.moveOff, "move-off-broker", "", "move every replica off these brokers, e.g. 3 or 3,4 (with --topic: of those topics only)")
	fs.StringVar(&g.onto, "onto", "", "spread the --topic topics onto these brokers too, e.g. 4,5 (same replication factor); with --replication-factor: place new replicas among them")
	fs.IntVar(&g.rf, "replication-factor", 0, "change the replication factor of the --topic topics to N")
	fs.StringVar(&g.file, "file", "", "a plan file: 'gregor reassign plan -o json' output, {\"topic\": {\"0\": [1,2,3]}}, or kafka-reassign-partitions JSON")
	fs.Var(&g.topics, "topic", "a `topic` to act on (repeat for several)")
}

// plan checks the flags and builds the plan request; exactly one source is given.
func (g *rpGenFlags) plan(given map[string]bool) (rpPlanBody, error) {
	var b rpPlanBody
	n := 0
	for _, f := range []string{"move-off-broker", "replication-factor", "file"} {
		if given[f] {
			n++
		}
	}
	if given["onto"] && !given["replication-factor"] {
		n++
	}
	if n != 1 {
		return b, errors.New("give exactly one of --move-off-broker, --onto, --replication-factor and --file")
	}
	for _, t := range g.topics {
		if strings.TrimSpace(t) == "" {
			return b, errors.New("--topic must not be empty")
		}
		if !slices.Contains(b.Topics, t) {
			b.Topics = append(b.Topics, t)
		}
	}
	var err error
	switch {
	case given["file"]:
		if len(b.Topics) > 0 {
			return b, errors.New("--topic is not for --file: the file names the partitions")
		}
		b.Mode = "custom"
		b.Assignment, err = rpReadPlanFile(g.file)
		return b, err
	case given["move-off-broker"]:
		b.Mode = "drain"
		b.Brokers, err = int32List("move-off-broker", g.moveOff)
		return b, err
	case given["replication-factor"]:
		if g.rf < 1 || g.rf > math.MaxInt16 {
			return b, fmt.Errorf("--replication-factor must be from 1 to %d", math.MaxInt16)
		}
		b.Mode, b.ReplicationFactor = "replication_factor", g.rf
		if given["onto"] {
			if b.Brokers, err = int32List("onto", g.onto); err != nil {
				return b, err
			}
		}
	default:
		b.Mode = "add"
		if b.Brokers, err = int32List("onto", g.onto); err != nil {
			return b, err
		}
	}
	if len(b.Topics) == 0 {
		return b, fmt.Errorf("--%s needs --topic (repeat for several topics)", map[string]string{"add": "onto", "replication_factor": "replication-factor"}[b.Mode])
	}
	return b, nil
}

// rpReadPlanFile reads an assignment: a plan ({"assignment": ...}, what `reassign plan -o
// json` prints), a bare assignment ({"topic": {"0": [1,2]}}) or Kafka's reassignment JSON
// ({"version": 1, "partitions": [{"topic", "partition", "replicas"}]}).
func rpReadPlanFile(name string) (rpAssignment, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--file: %v", err)
	}
	bad := func(err error) error { return fmt.Errorf("--file %s: %v", name, err) }
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, bad(errors.New("not a JSON object"))
	}
	var a rpAssignment
	switch {
	case probe["assignment"] != nil:
		if err := json.Unmarshal(probe["assignment"], &a); err != nil {
			return nil, bad(fmt.Errorf(`"assignment": %v`, err))
		}
	case probe["partitions"] != nil && probe["version"] != nil:
		var k struct {
			Partitions []struct {
				Topic     string  `json:"topic"`
				Partition *int32  `json:"partition"`
				Replicas  []int32 `json:"replicas"`
			} `json:"partitions"`
		}
		if err := json.Unmarshal(data, &k); err != nil {
			return nil, bad(err)
		}
		a = rpAssignment{}
		for i, p := range k.Partitions {
			if p.Topic == "" || p.Partition == nil || len(p.Replicas) == 0 {
				return nil, bad(fmt.Errorf("partitions[%d] needs a topic, a partition and replicas", i))
			}
			if a[p.Topic] == nil {
				a[p.Topic] = map[int32][]int32{}
			}
			a[p.Topic][*p.Partition] = p.Replicas
		}
	default:
		if err := json.Unmarshal(data, &a); err != nil {
			return nil, bad(errors.New(`want a plan ({"assignment": ...}), {"topic": {"0": [1,2,3]}} or Kafka's {"version": 1, "partitions": [...]}`))
		}
	}
	if len(a) == 0 {
		return nil, bad(errors.New("it assigns no partition"))
	}
	return a, nil
}

func rpSetupPlan(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var g rpGenFlags
	g.register(fs)
	return func(_ string, given map[string]bool, _ bool) (*opRequest, error) {
		b, err := g.plan(given)
		if err != nil {
			return nil, err
		}
		return &opRequest{method: "POST", path: rpPath("/reassignments/plan"), body: b}, nil
	}
}

func rpSetupStart(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var g rpGenFlags
	var throttle string
	g.register(fs)
	fs.StringVar(&throttle, "throttle", "", "the replication throttle per broker in bytes/s, e.g. 10485760, 10MB or 50MiB (required)")
	return func(_ string, given map[string]bool, dry bool) (*opRequest, error) {
		if !given["throttle"] {
			return nil, errors.New("--throttle is required: the replication rate per broker in bytes/s (e.g. 50MiB)")
		}
		rate, err := rpParseBytes("throttle", throttle)
		if err != nil {
			return nil, err
		}
		plan, err := g.plan(given)
		if err != nil {
			return nil, err
		}
		b := rpStartBody{Assignment: plan.Assignment, ThrottleBytesPerSec: rate, DryRun: dry}
		if plan.Mode != "custom" {
			if rpPlanned == nil {
				// First the plan (rpRunStart then starts its assignment).
				rpPlanning = true
				return &opRequest{method: "POST", path: rpPath("/reassignments/plan"), body: plan}, nil
			}
			b.Assignment = rpPlanned
		}
		return &opRequest{method: "POST", path: rpPath("/reassignments"), body: b}, nil
	}
}

// rpParseBytes reads a byte count or rate: a whole number of bytes, or with a unit: KB, MB,
// GB (powers of 1000), KiB, MiB, GiB (of 1024), K/M/G as KiB/MiB/GiB; "/s" may follow.
func rpParseBytes(flagName, s string) (int64, error) {
	bad := fmt.Errorf("--%s wants a positive number of bytes, optionally with a unit (10MB, 50MiB), not %q", flagName, s)
	v := strings.TrimSuffix(strings.TrimSpace(s), "/s")
	i := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := v, ""
	if i >= 0 {
		num, unit = v[:i], strings.TrimSpace(v[i:])
	}
	mult := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}[strings.ToLower(unit)]
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || f <= 0 || f*mult > math.MaxInt64/2 || f*mult < 1 {
		return 0, bad
	}
	return int64(f * mult), nil
}

func rpSetupStatus(*flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	return func(string, map[string]bool, bool) (*opRequest, error) {
		return &opRequest{method: "GET", path: rpPath("/reassignments")}, nil
	}
}

func rpSetupEnd(method, suffix string) func(*flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	return func(*flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
		return func(string, map[string]bool, bool) (*opRequest, error) {
			return &opRequest{method: method, path: rpPath("/reassignments" + suffix)}, nil
		}
	}
}

// --- answers ---

type rpElectAnswer struct {
	Moves *[]struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Leader    int32  `json:"leader"`
		Preferred int32  `json:"preferred"`
		Result    string `json:"result"`
	} `json:"moves"`
	Balanced int      `json:"balanced"`
	Warnings []string `json:"warnings"`
	DryRun   bool     `json:"dry_run"`
	Applied  bool     `json:"applied"`
}

type rpMove struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Current   []int32 `json:"current"`
	Target    []int32 `json:"target"`
	Adding    []int32 `json:"adding"`
	Removing  []int32 `json:"removing"`
	Bytes     int64   `json:"bytes"`
}

type rpPlan struct {
	Mode          string       `json:"mode"`
	Moves         []rpMove     `json:"moves"`
	Unchanged     int          `json:"unchanged"`
	Brokers       []int32      `json:"brokers"`
	ReplicasAdded int          `json:"replicas_added"`
	TotalBytes    int64        `json:"total_bytes"`
	Assignment    rpAssignment `json:"assignment"`
}

type rpStartAnswer struct {
	Started  time.Time `json:"started"`
	DryRun   bool      `json:"dry_run"`
	Plan     *rpPlan   `json:"plan"`
	Throttle struct {
		BytesPerSec int64             `json:"bytes_per_sec"`
		Brokers     []int32           `json:"brokers"`
		Leader      map[string]string `json:"leader_replicas"`
		Follower    map[string]string `json:"follower_replicas"`
	} `json:"throttle"`
}

type rpPartition struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Replicas  []int32 `json:"replicas"`
	Adding    []int32 `json:"adding"`
	Removing  []int32 `json:"removing"`
}

type rpStatusAnswer struct {
	InProgress       *[]rpPartition `json:"in_progress"`
	Running          bool           `json:"running"`
	Last             *rpStartAnswer `json:"last"`
	PartitionsDone   int            `json:"partitions_done"`
	PartitionsTotal  int            `json:"partitions_total"`
	BytesMoved       int64          `json:"bytes_moved"`
	BytesPlanned     int64          `json:"bytes_planned"`
	ThrottledBrokers []int32        `json:"throttled_brokers"`
	ThrottledTopics  []string       `json:"throttled_topics"`
	ThrottleSet      bool           `json:"throttle_set"`
	ThrottleRemoved  bool           `json:"throttle_removed"`
}

type rpEndAnswer struct {
	Cancelled       *[]rpPartition `json:"cancelled"`
	Assignment      []rpPartition  `json:"assignment"`
	ThrottleRemoved bool           `json:"throttle_removed"`
}

// --- rendering ---

func rpRenderElect(w io.Writer, body []byte) error {
	var a rpElectAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Moves == nil {
		return errors.New(`no "moves"`)
	}
	verb := "would elect"
	if !a.DryRun {
		verb = "elected"
		if !a.Applied {
			verb = "elected no"
		}
	}
	elected := 0
	for _, m := range *a.Moves {
		if m.Result == "elected" {
			elected++
		}
	}
	summary := fmt.Sprintf("%s the preferred leader of %d partition(s); %d already led by their preferred replica", verb, len(*a.Moves), a.Balanced)
	if !a.DryRun && a.Applied {
		summary = fmt.Sprintf("elected the preferred leader of %d of %d partition(s); %d already led by their preferred replica", elected, len(*a.Moves), a.Balanced)
	}
	if len(*a.Moves) == 0 {
		summary = fmt.Sprintf("nothing to elect: all %d partition(s) are led by their preferred replica", a.Balanced)
	}
	opHeader(w, a.DryRun, summary)
	if len(*a.Moves) > 0 {
		t := newClientTable("TOPIC", "PARTITION", "LEADER", "", "PREFERRED", "RESULT")
		for _, m := range *a.Moves {
			t.row(m.Topic, strconv.Itoa(int(m.Partition)), strconv.Itoa(int(m.Leader)), "->", strconv.Itoa(int(m.Preferred)), orDash(m.Result))
		}
		t.writeTo(w)
	}
	opWarnings(w, a.Warnings...)
	return nil
}

// rpElectExit is 1 when an election was asked for a partition and it did not happen.
func rpElectExit(body []byte) int {
	var a rpElectAnswer
	if decodeBody(body, &a) != nil || a.Moves == nil {
		return ExitFailure
	}
	if a.DryRun {
		return ExitOK
	}
	for _, m := range *a.Moves {
		if m.Result != "elected" {
			return ExitFailure
		}
	}
	return ExitOK
}

func rpMovesTable(w io.Writer, moves []rpMove) {
	t := newClientTable("TOPIC", "PARTITION", "CURRENT", "", "TARGET", "ADDING", "REMOVING", "BYTES")
	for _, m := range moves {
		t.row(m.Topic, strconv.Itoa(int(m.Partition)), fmtIDs(m.Current), "->", fmtIDs(m.Target), fmtIDs(m.Adding), fmtIDs(m.Removing), fmtBytes(m.Bytes))
	}
	t.writeTo(w)
}

func rpPlanSummary(p *rpPlan) string {
	return fmt.Sprintf("%d partition(s) move, %d replica(s) added, %s to copy (brokers %s); %d partition(s) unchanged",
		len(p.Moves), p.ReplicasAdded, fmtBytes(p.TotalBytes), fmtIDs(p.Brokers), p.Unchanged)
}

func rpRenderPlan(w io.Writer, body []byte) error {
	var p rpPlan
	if err := decodeBody(body, &p); err != nil {
		return err
	}
	if p.Mode == "" {
		return errors.New(`no "mode"`)
	}
	if len(p.Moves) == 0 {
		fmt.Fprintf(w, "Nothing to move (%s): %d partition(s) keep their replicas.\n", p.Mode, p.Unchanged)
		return nil
	}
	fmt.Fprintf(w, "Plan (%s): %s.\n\n", p.Mode, rpPlanSummary(&p))
	rpMovesTable(w, p.Moves)
	fmt.Fprintln(w, "\nNothing was changed. Start it with 'gregor reassign start --file PLAN --throttle RATE', PLAN being this command's -o json output.")
	return nil
}

func rpRenderStart(w io.Writer, body []byte) error {
	if rpPlanning {
		// The plan of rpRunStart's first run: kept as it is.
		_, err := w.Write(body)
		return err
	}
	var a rpStartAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Plan == nil {
		return errors.New(`no "plan"`)
	}
	verb := "started the reassignment: "
	if a.DryRun {
		verb = "would start the reassignment: "
	}
	opHeader(w, a.DryRun, verb+rpPlanSummary(a.Plan))
	h := newClientTable()
	h.row("Throttle:", fmtBytes(a.Throttle.BytesPerSec)+"/s on brokers "+fmtIDs(a.Throttle.Brokers))
	if !a.DryRun && !a.Started.IsZero() {
		h.row("Started:", a.Started.UTC().Format(time.RFC3339))
	}
	h.writeTo(w)
	if len(a.Plan.Moves) > 0 {
		fmt.Fprintln(w)
		rpMovesTable(w, a.Plan.Moves)
	}
	if !a.DryRun {
		fmt.Fprintln(w, "\nFollow it with 'gregor reassign status'; the throttle is removed when a status shows it ended (or with 'gregor reassign finish').")
	}
	return nil
}

func rpRenderStatus(w io.Writer, body []byte) error {
	var a rpStatusAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.InProgress == nil {
		return errors.New(`no "in_progress"`)
	}
	if a.Running {
		fmt.Fprintf(w, "Running: %d partition(s) being reassigned.\n", len(*a.InProgress))
	} else {
		fmt.Fprintln(w, "No reassignment is running.")
	}
	if a.Last != nil {
		fmt.Fprintln(w)
		h := newClientTable()
		h.row("Last started by Gregor:", a.Last.Started.UTC().Format(time.RFC3339))
		h.row("Partitions done:", fmt.Sprintf("%d of %d", a.PartitionsDone, a.PartitionsTotal))
		pct := ""
		if a.BytesPlanned > 0 {
			pct = fmt.Sprintf(" (%.0f%%)", 100*float64(a.BytesMoved)/float64(a.BytesPlanned))
		}
		h.row("Bytes moved:", fmt.Sprintf("%s of %s%s", fmtBytes(a.BytesMoved), fmtBytes(a.BytesPlanned), pct))
		throttle := "not set"
		switch {
		case a.ThrottleRemoved:
			throttle = "removed now, as the reassignment ended"
		case a.ThrottleSet:
			throttle = fmt.Sprintf("%s/s on brokers %s, topics %s", fmtBytes(a.Last.Throttle.BytesPerSec), fmtIDs(a.ThrottledBrokers), orDash(strings.Join(a.ThrottledTopics, ",")))
		}
		h.row("Throttle:", throttle)
		h.writeTo(w)
	}
	if len(*a.InProgress) > 0 {
		fmt.Fprintln(w)
		t := newClientTable("TOPIC", "PARTITION", "REPLICAS", "ADDING", "REMOVING")
		for _, p := range *a.InProgress {
			t.row(p.Topic, strconv.Itoa(int(p.Partition)), fmtIDs(p.Replicas), fmtIDs(p.Adding), fmtIDs(p.Removing))
		}
		t.writeTo(w)
	}
	return nil
}

// rpRenderEnd renders the answer of finish (cancel false) or cancel.
func rpRenderEnd(cancel bool) func(io.Writer, []byte) error {
	return func(w io.Writer, body []byte) error { return rpRenderEndAnswer(w, body, cancel) }
}

func rpRenderEndAnswer(w io.Writer, body []byte, cancel bool) error {
	var a rpEndAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Cancelled == nil {
		return errors.New(`no "cancelled"`)
	}
	switch {
	case len(*a.Cancelled) > 0:
		fmt.Fprintf(w, "Cancelled the reassignment of %d partition(s): Kafka moved them back.\n", len(*a.Cancelled))
	case cancel:
		fmt.Fprintln(w, "No reassignment was running: nothing to cancel.")
	default:
		fmt.Fprintln(w, "The reassignment has ended.")
	}
	if a.ThrottleRemoved {
		fmt.Fprintln(w, "Removed the replication throttle.")
	} else {
		fmt.Fprintln(w, "No replication throttle to remove.")
	}
	if len(a.Assignment) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Replicas now:")
		t := newClientTable("TOPIC", "PARTITION", "REPLICAS")
		for _, p := range a.Assignment {
			t.row(p.Topic, strconv.Itoa(int(p.Partition)), fmtIDs(p.Replicas))
		}
		t.writeTo(w)
	}
	return nil
}
