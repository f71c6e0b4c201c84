package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The operation commands: they change a cluster through the API's operation endpoints
// (docs/api.md, "Operations: topics", "Operations: consumer groups") or read the audit log.
// Each change can be previewed with --dry-run, which sends dry_run and prints the plan; every
// call, previews too, lands in the server's audit log. Basic and token credentials need no
// CSRF token (only browser sessions do).

// opCommand is one operation command.
type opCommand struct {
	name    string
	arg     string // the positional argument's name, or "" for none
	flags   string // the synopsis after the argument
	summary string
	// selectCluster: --cluster names the cluster to act on (optional when the server has one);
	// otherwise --cluster is a filter (audit).
	selectCluster bool
	dryRun        bool // --dry-run
	// setup registers the command's own flags and returns the function that checks them once
	// parsed (given: the names of the flags on the command line) and builds the request; its
	// errors are usage errors.
	setup    func(fs *flag.FlagSet) func(arg string, given map[string]bool, dry bool) (*opRequest, error)
	render   func(w io.Writer, body []byte) error
	exitCode func(body []byte) int // of a successful answer; nil: 0
}

// opRequest is what a command sends.
type opRequest struct {
	method string
	path   func(cluster string) string
	query  url.Values
	body   any // sent as JSON; nil: no body
}

var opCommands = map[string]*opCommand{}

func init() {
	for _, c := range []*opCommand{
		{
			name: "create-topic", arg: "NAME", selectCluster: true, dryRun: true,
			flags:   "[--partitions N] [--replication-factor N] [--config k=v ...] [--brokers 1,2,3]",
			summary: "create a topic; with --brokers, its replicas are placed over those brokers (rack-aware), else Kafka places them",
			setup:   setupCreateTopic, render: renderCreateTopic,
		},
		{
			name: "delete-topic", arg: "NAME", selectCluster: true, dryRun: true,
			flags:   "--confirm NAME",
			summary: "delete a topic and its data (admin); --confirm must repeat the name, --dry-run shows its size and consuming groups",
			setup:   setupDeleteTopic, render: renderDeleteTopic,
		},
		{
			name: "add-partitions", arg: "TOPIC", selectCluster: true, dryRun: true,
			flags:   "--count N",
			summary: "grow a topic to --count partitions in total (keys then hash to other partitions)",
			setup:   setupAddPartitions, render: renderAddPartitions,
		},
		{
			name: "alter-topic-config", arg: "TOPIC", selectCluster: true, dryRun: true,
			flags:   "[--set k=v ...] [--delete k ...]",
			summary: "set topic configs, or --delete them back to the inherited value; prints each key's old -> new value",
			setup:   setupAlterTopicConfig, render: renderAlterTopicConfig,
		},
		{
			name: "purge-topic", arg: "TOPIC", selectCluster: true, dryRun: true,
			flags:   "(--before-offset N | --before-time RFC3339) [--partitions 0,1]",
			summary: "delete the records before an offset or a time from the start of a topic's partitions; exit 1 if a partition failed",
			setup:   setupPurgeTopic, render: renderPurgeTopic, exitCode: purgeExit,
		},
		{
			name: "reset-offsets", arg: "GROUP", selectCluster: true, dryRun: true,
			flags:   "--to earliest|latest|timestamp|offset|shift [--timestamp T] [--offset N] [--shift N] [--topic T ...]",
			summary: "move a consumer group's committed offsets (the group must have no active members); prints old -> new offset and lag per partition",
			setup:   setupResetOffsets, render: renderResetOffsets,
		},
		{
			name: "delete-group", arg: "GROUP", selectCluster: true, dryRun: true,
			summary: "delete an empty consumer group and its committed offsets",
			setup:   setupDeleteGroup, render: renderDeleteGroup,
		},
		{
			name: "audit", flags: "[--user U] [--action PREFIX] [--cluster C] [--since -24h] [--limit N]",
			summary: "list the audit log, newest first: who ran or previewed which operation, and its error",
			setup:   setupAudit, render: renderAudit,
		},
	} {
		opCommands[c.name] = c
	}
}

// runOp runs the operation command name with its arguments.
func runOp(name string, args []string, stdout, stderr io.Writer, environ []string) int {
	cmd := opCommands[name]
	if cmd == nil {
		fmt.Fprintf(stderr, "gregor: unknown command %q\n", name)
		return ExitUsage
	}
	var (
		server, cluster, output string
		timeout                 time.Duration
		verbose, dry            bool
	)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	build := cmd.setup(fs)
	// No default value here: --help would print $GREGOR_SERVER, password and all.
	fs.StringVar(&server, "server", "", "the gregor server's URL (default $GREGOR_SERVER, else "+defaultServer+")")
	if cmd.selectCluster {
		fs.StringVar(&cluster, "cluster", "", "the cluster's name (optional when the server has exactly one)")
	} else {
		fs.StringVar(&cluster, "cluster", "", "only entries of this cluster")
	}
	if cmd.dryRun {
		fs.BoolVar(&dry, "dry-run", false, "only show the plan: change nothing (the preview is audited too)")
	}
	fs.StringVar(&output, "o", "table", "output format: table or json")
	fs.StringVar(&output, "output", "table", "output format: table or json (same as -o)")
	// Operations wait for Kafka (a topic's metadata, the group's coordinator): the server
	// allows them up to 60s.
	fs.DurationVar(&timeout, "timeout", 75*time.Second, "how long to wait for the server")
	fs.BoolVar(&verbose, "verbose", false, "print each request and its status to stderr (never credentials)")
	pos, usageErr, code, ok := parseClientArgs(fs, name, cmd.arg, cmd.flags, cmd.summary, args, stderr)
	if !ok {
		return code
	}
	switch {
	case cmd.arg != "" && strings.TrimSpace(pos[0]) == "":
		return usageErr("%s must not be empty", cmd.arg)
	case output != "table" && output != "json":
		return usageErr("-o must be table or json, not %q", output)
	case timeout <= 0:
		return usageErr("--timeout must be positive")
	}
	arg := ""
	if cmd.arg != "" {
		arg = pos[0]
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	req, err := build(arg, given, dry)
	if err != nil {
		return usageErr("%v", err)
	}
	if !cmd.selectCluster && cluster != "" {
		req.query.Set("cluster", cluster)
	}
	var body []byte
	if req.body != nil {
		if body, err = json.Marshal(req.body); err != nil {
			return usageErr("%v", err)
		}
	}
	c, err := dialServer(server, timeout, environ, verbose, stderr)
	if err != nil {
		return usageErr("%v", err)
	}
	if cmd.selectCluster && cluster == "" {
		var cerr *clientError
		if cluster, cerr = c.onlyCluster(); cerr != nil {
			return c.fail(cerr)
		}
	}
	return c.sendAndPrint(stdout, stderr, req.method, req.path(cluster), req.query, body, output, cmd.render, cmd.exitCode, "")
}

// listFlag is a flag that may be given several times (--config a=1 --config b=2).
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// keyValues parses k=v pairs; a key given twice is an error.
func keyValues(flagName string, pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("--%s wants key=value, not %q", flagName, p)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("--%s: %q is given twice", flagName, k)
		}
		m[k] = v
	}
	return m, nil
}

// int32List parses "1,2,3" (non-negative numbers; none twice).
func int32List(flagName, s string) ([]int32, error) {
	var out []int32
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.ParseInt(f, 10, 32)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("--%s wants comma-separated non-negative numbers (1,2,3), not %q", flagName, s)
		}
		if slices.Contains(out, int32(n)) {
			return nil, fmt.Errorf("--%s: %d is given twice", flagName, n)
		}
		out = append(out, int32(n))
	}
	return out, nil
}

func topicPath(topic string) func(string) string {
	return func(c string) string { return clusterPath(c) + "/topics/" + url.PathEscape(topic) }
}

func groupPath(group string) func(string) string {
	return func(c string) string { return clusterPath(c) + "/groups/" + url.PathEscape(group) }
}

// dryRunQuery is ?dry_run=true for the DELETEs, which have no body.
func dryRunQuery(dry bool) url.Values {
	q := url.Values{}
	if dry {
		q.Set("dry_run", "true")
	}
	return q
}

// --- request bodies, as the API reads them (internal/api, internal/operate) ---

type createTopicBody struct {
	Name              string            `json:"name"`
	Partitions        int32             `json:"partitions,omitempty"`
	ReplicationFactor int16             `json:"replication_factor,omitempty"`
	Configs           map[string]string `json:"configs,omitempty"`
	Brokers           []int32           `json:"brokers,omitempty"`
	DryRun            bool              `json:"dry_run"`
}

type addPartitionsReq struct {
	Count  int32 `json:"count"`
	DryRun bool  `json:"dry_run"`
}

type alterConfigsBody struct {
	Set    map[string]string `json:"set,omitempty"`
	Delete []string          `json:"delete,omitempty"`
	DryRun bool              `json:"dry_run"`
}

type purgeReq struct {
	BeforeOffset *int64  `json:"before_offset,omitempty"`
	BeforeTime   string  `json:"before_time,omitempty"`
	Partitions   []int32 `json:"partitions,omitempty"`
	DryRun       bool    `json:"dry_run"`
}

type resetReq struct {
	To        string   `json:"to"`
	Timestamp string   `json:"timestamp,omitempty"`
	Offset    *int64   `json:"offset,omitempty"`
	Shift     *int64   `json:"shift,omitempty"`
	Topics    []string `json:"topics,omitempty"`
	DryRun    bool     `json:"dry_run"`
}

// --- flags and requests ---

func setupCreateTopic(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var partitions, rf int
	var configs listFlag
	var brokers string
	fs.IntVar(&partitions, "partitions", 0, "the number of partitions (default: the cluster's num.partitions)")
	fs.IntVar(&rf, "replication-factor", 0, "the replicas per partition (default: the cluster's default.replication.factor)")
	fs.Var(&configs, "config", "a topic config as `key=value` (repeat for several)")
	fs.StringVar(&brokers, "brokers", "", "place the replicas over these brokers only, e.g. 1,2,3 (default: Kafka places them)")
	return func(name string, given map[string]bool, dry bool) (*opRequest, error) {
		b := createTopicBody{Name: name, DryRun: dry}
		if given["partitions"] {
			if partitions < 1 || partitions > math.MaxInt32 {
				return nil, errors.New("--partitions must be at least 1")
			}
			b.Partitions = int32(partitions)
		}
		if given["replication-factor"] {
			if rf < 1 || rf > math.MaxInt16 {
				return nil, fmt.Errorf("--replication-factor must be from 1 to %d", math.MaxInt16)
			}
			b.ReplicationFactor = int16(rf)
		}
		var err error
		if b.Configs, err = keyValues("config", configs); err != nil {
			return nil, err
		}
		if given["brokers"] {
			if b.Brokers, err = int32List("brokers", brokers); err != nil {
				return nil, err
			}
		}
		return &opRequest{method: "POST", path: func(c string) string { return clusterPath(c) + "/topics" }, body: b}, nil
	}
}

func setupDeleteTopic(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var confirm string
	fs.StringVar(&confirm, "confirm", "", "the topic's name again, to confirm (not needed with --dry-run)")
	return func(name string, given map[string]bool, dry bool) (*opRequest, error) {
		switch {
		case !dry && !given["confirm"]:
			return nil, fmt.Errorf("deleting a topic needs --confirm %s (the name again), or --dry-run to see what would go", name)
		case given["confirm"] && confirm != name:
			return nil, fmt.Errorf("--confirm %q does not match the topic's name %q", confirm, name)
		}
		q := dryRunQuery(dry)
		if given["confirm"] {
			q.Set("confirm", confirm)
		}
		return &opRequest{method: "DELETE", path: topicPath(name), query: q}, nil
	}
}

func setupAddPartitions(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var count int
	fs.IntVar(&count, "count", 0, "the new total number of partitions (more than now)")
	return func(topic string, given map[string]bool, dry bool) (*opRequest, error) {
		if !given["count"] {
			return nil, errors.New("--count is required: the new total number of partitions")
		}
		if count < 1 || count > math.MaxInt32 {
			return nil, errors.New("--count must be at least 1")
		}
		return &opRequest{method: "POST", path: func(c string) string { return topicPath(topic)(c) + "/partitions" },
			body: addPartitionsReq{Count: int32(count), DryRun: dry}}, nil
	}
}

func setupAlterTopicConfig(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var set, del listFlag
	fs.Var(&set, "set", "set a config: `key=value` (repeat for several)")
	fs.Var(&del, "delete", "remove the topic's own value of config `key`, back to the inherited one (repeat for several)")
	return func(topic string, _ map[string]bool, dry bool) (*opRequest, error) {
		if len(set) == 0 && len(del) == 0 {
			return nil, errors.New("nothing to change: give --set key=value or --delete key")
		}
		b := alterConfigsBody{DryRun: dry}
		var err error
		if b.Set, err = keyValues("set", set); err != nil {
			return nil, err
		}
		for _, k := range del {
			k = strings.TrimSpace(k)
			switch {
			case k == "" || strings.Contains(k, "="):
				return nil, fmt.Errorf("--delete wants a config key, not %q", k)
			case slices.Contains(b.Delete, k):
				return nil, fmt.Errorf("--delete: %q is given twice", k)
			}
			if _, ok := b.Set[k]; ok {
				return nil, fmt.Errorf("%q is both set and deleted", k)
			}
			b.Delete = append(b.Delete, k)
		}
		return &opRequest{method: "PATCH", path: func(c string) string { return topicPath(topic)(c) + "/configs" }, body: b}, nil
	}
}

func setupPurgeTopic(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var offset int64
	var before, partitions string
	fs.Int64Var(&offset, "before-offset", 0, "delete the records before this offset (-1: every record)")
	fs.StringVar(&before, "before-time", "", "delete the records written before this time (RFC 3339, e.g. 2024-05-01T00:00:00Z)")
	fs.StringVar(&partitions, "partitions", "", "only these partitions, e.g. 0,1 (default: all)")
	return func(topic string, given map[string]bool, dry bool) (*opRequest, error) {
		b := purgeReq{DryRun: dry}
		switch {
		case given["before-offset"] == given["before-time"]:
			return nil, errors.New("give exactly one of --before-offset and --before-time")
		case given["before-offset"]:
			if offset < -1 {
				return nil, errors.New("--before-offset must be an offset, or -1 for every record")
			}
			b.BeforeOffset = &offset
		default:
			if _, err := time.Parse(time.RFC3339Nano, before); err != nil {
				return nil, fmt.Errorf("--before-time must be RFC 3339 (e.g. 2024-05-01T00:00:00Z), not %q", before)
			}
			b.BeforeTime = before
		}
		if given["partitions"] {
			var err error
			if b.Partitions, err = int32List("partitions", partitions); err != nil {
				return nil, err
			}
		}
		return &opRequest{method: "POST", path: func(c string) string { return topicPath(topic)(c) + "/purge" }, body: b}, nil
	}
}

var resetModes = []string{"earliest", "latest", "timestamp", "offset", "shift"}

func setupResetOffsets(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var to, ts string
	var offset, shift int64
	var topics listFlag
	fs.StringVar(&to, "to", "", "where to: earliest, latest, timestamp (--timestamp), offset (--offset) or shift (--shift)")
	fs.StringVar(&ts, "timestamp", "", "with --to timestamp: the first record at or after this time (RFC 3339)")
	fs.Int64Var(&offset, "offset", 0, "with --to offset: this offset")
	fs.Int64Var(&shift, "shift", 0, "with --to shift: move the committed offsets by this many records (+ forward, - back)")
	fs.Var(&topics, "topic", "every partition of this `topic` (repeat for several; default: the partitions the group has committed offsets for)")
	return func(group string, given map[string]bool, dry bool) (*opRequest, error) {
		if !given["to"] {
			return nil, errors.New("--to is required: " + strings.Join(resetModes, ", "))
		}
		if !slices.Contains(resetModes, to) {
			return nil, fmt.Errorf("--to must be one of %s, not %q", strings.Join(resetModes, ", "), to)
		}
		b := resetReq{To: to, DryRun: dry}
		for _, f := range []string{"timestamp", "offset", "shift"} {
			switch {
			case f == to && !given[f]:
				return nil, fmt.Errorf("--to %s needs --%s", to, f)
			case f != to && given[f]:
				return nil, fmt.Errorf("--%s is only for --to %s", f, f)
			}
		}
		switch to {
		case "timestamp":
			if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
				return nil, fmt.Errorf("--timestamp must be RFC 3339 (e.g. 2024-05-01T12:00:00Z), not %q", ts)
			}
			b.Timestamp = ts
		case "offset":
			if offset < 0 {
				return nil, errors.New("--offset must not be negative")
			}
			b.Offset = &offset
		case "shift":
			b.Shift = &shift
		}
		for _, t := range topics {
			if strings.TrimSpace(t) == "" {
				return nil, errors.New("--topic must not be empty")
			}
			if !slices.Contains(b.Topics, t) {
				b.Topics = append(b.Topics, t)
			}
		}
		return &opRequest{method: "POST", path: func(c string) string { return groupPath(group)(c) + "/offsets/reset" }, body: b}, nil
	}
}

func setupDeleteGroup(*flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	return func(group string, _ map[string]bool, dry bool) (*opRequest, error) {
		return &opRequest{method: "DELETE", path: groupPath(group), query: dryRunQuery(dry)}, nil
	}
}

func setupAudit(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var user, action, since string
	var limit, offset int
	fs.StringVar(&user, "user", "", "only entries of this user")
	fs.StringVar(&action, "action", "", "only actions starting with this (topic. for every topic operation, group.reset_offsets)")
	fs.StringVar(&since, "since", "", "only entries since then: a duration ago (24h, -24h, 7d), RFC 3339 or Unix seconds (default: all kept)")
	fs.IntVar(&limit, "limit", 100, "show at most this many (1 to 1000)")
	fs.IntVar(&offset, "offset", 0, "skip this many")
	return func(_ string, _ map[string]bool, _ bool) (*opRequest, error) {
		if limit < 1 || limit > 1000 {
			return nil, errors.New("--limit must be from 1 to 1000")
		}
		if offset < 0 {
			return nil, errors.New("--offset must not be negative")
		}
		q := url.Values{}
		if since != "" {
			from, err := sinceParam(since)
			if err != nil {
				return nil, err
			}
			q.Set("from", from)
		}
		for k, v := range map[string]string{"user": user, "action": action} {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("limit", strconv.Itoa(limit))
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		return &opRequest{method: "GET", path: func(string) string { return "/api/v1/audit" }, query: q}, nil
	}
}

// sinceParam turns --since into the API's from: a duration (ago, with or without "-", days
// as "7d") becomes "-168h"; RFC 3339 and Unix seconds pass as they are.
func sinceParam(s string) (string, error) {
	bad := fmt.Errorf("--since wants a duration ago (24h, 30m, 7d), RFC 3339 or Unix seconds, not %q", s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return "", bad
		}
		return s, nil
	}
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return s, nil
	}
	d := strings.TrimPrefix(s, "-")
	if days, ok := strings.CutSuffix(d, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100000 {
			return "", bad
		}
		return "-" + (time.Duration(n) * 24 * time.Hour).String(), nil
	}
	dur, err := time.ParseDuration(d)
	if err != nil || dur < 0 {
		return "", bad
	}
	return "-" + dur.String(), nil
}

// --- answers, as far as the tables need them ---

type opPartitionReplicas struct {
	Partition int32    `json:"partition"`
	Replicas  []int32  `json:"replicas"`
	Racks     []string `json:"racks"`
}

type createTopicAnswer struct {
	Topic             string                `json:"topic"`
	ID                string                `json:"id"`
	DryRun            bool                  `json:"dry_run"`
	Partitions        int32                 `json:"partitions"`
	ReplicationFactor int16                 `json:"replication_factor"`
	Placement         string                `json:"placement"`
	Brokers           []int32               `json:"brokers"`
	Assignment        []opPartitionReplicas `json:"assignment"`
	Configs           map[string]string     `json:"configs"`
	Summary           string                `json:"summary"`
	Warnings          []string              `json:"warnings"`
}

type deleteTopicAnswer struct {
	Topic             string `json:"topic"`
	ID                string `json:"id"`
	DryRun            bool   `json:"dry_run"`
	Partitions        int    `json:"partitions"`
	ReplicationFactor int    `json:"replication_factor"`
	SizeBytes         int64  `json:"size_bytes"`
	ReplicaBytes      int64  `json:"replica_bytes"`
	Messages          int64  `json:"messages"`
	Groups            []struct {
		ID      string `json:"id"`
		State   string `json:"state"`
		Members int    `json:"members"`
	} `json:"groups"`
	Summary  string   `json:"summary"`
	Warnings []string `json:"warnings"`
}

type addPartitionsAnswer struct {
	Topic         string                `json:"topic"`
	DryRun        bool                  `json:"dry_run"`
	From          int32                 `json:"from"`
	To            int32                 `json:"to"`
	NewPartitions []opPartitionReplicas `json:"new_partitions"`
	Summary       string                `json:"summary"`
	Warnings      []string              `json:"warnings"`
}

type alterConfigsAnswer struct {
	Topic   string `json:"topic"`
	DryRun  bool   `json:"dry_run"`
	Changes []struct {
		Key       string `json:"key"`
		Op        string `json:"op"`
		Old       string `json:"old"`
		OldSource string `json:"old_source"`
		New       string `json:"new"`
		NewSource string `json:"new_source"`
		NewFrom   string `json:"new_from"`
		Changed   bool   `json:"changed"`
	} `json:"changes"`
	Summary  string   `json:"summary"`
	Warnings []string `json:"warnings"`
}

type purgeAnswer struct {
	Topic      string `json:"topic"`
	DryRun     bool   `json:"dry_run"`
	Before     string `json:"before"`
	Partitions []struct {
		Partition      int32  `json:"partition"`
		StartOffset    int64  `json:"start_offset"`
		NewStartOffset int64  `json:"new_start_offset"`
		EndOffset      int64  `json:"end_offset"`
		Removed        int64  `json:"removed"`
		Error          string `json:"error"`
	} `json:"partitions"`
	Removed  int64    `json:"removed"`
	Summary  string   `json:"summary"`
	Warnings []string `json:"warnings"`
}

type resetAnswer struct {
	Group         string `json:"group"`
	To            string `json:"to"`
	DryRun        bool   `json:"dry_run"`
	ActiveMembers int    `json:"active_members"`
	Warning       string `json:"warning"`
	Partitions    []struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Old       *int64 `json:"old_offset"`
		New       int64  `json:"new_offset"`
		LogStart  int64  `json:"log_start"`
		LogEnd    int64  `json:"log_end"`
		LagBefore *int64 `json:"lag_before"`
		LagAfter  int64  `json:"lag_after"`
		Clamped   bool   `json:"clamped"`
	} `json:"partitions"`
	LagBefore int64 `json:"lag_before"`
	LagAfter  int64 `json:"lag_after"`
	Applied   bool  `json:"applied"`
}

type deleteGroupAnswer struct {
	Group         string `json:"group"`
	DryRun        bool   `json:"dry_run"`
	State         string `json:"state"`
	ActiveMembers int    `json:"active_members"`
	Warning       string `json:"warning"`
	Offsets       []struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Offset    int64  `json:"offset"`
	} `json:"offsets"`
	Deleted bool `json:"deleted"`
}

type auditAnswer struct {
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Items  []struct {
		Time    time.Time `json:"time"`
		User    string    `json:"user"`
		Cluster string    `json:"cluster"`
		Action  string    `json:"action"`
		Target  string    `json:"target"`
		DryRun  bool      `json:"dry_run"`
		Error   string    `json:"error"`
	} `json:"items"`
}

// --- rendering ---

const dryRunBanner = "DRY RUN: nothing was changed. Run it again without --dry-run to apply."

// opHeader prints the dry-run banner and the summary line.
func opHeader(w io.Writer, dry bool, summary string) {
	if dry {
		fmt.Fprintln(w, dryRunBanner)
	}
	if summary != "" {
		fmt.Fprintln(w, clientUpperFirst(strings.TrimSuffix(summary, "."))+".")
	}
	fmt.Fprintln(w)
}

func opWarnings(w io.Writer, warnings ...string) {
	first := true
	for _, s := range warnings {
		if s == "" {
			continue
		}
		if first {
			fmt.Fprintln(w)
			first = false
		}
		fmt.Fprintln(w, "Warning: "+s)
	}
}

func fmtConfigs(m map[string]string) string {
	if len(m) == 0 {
		return "none of its own (the cluster's defaults)"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + m[k]
	}
	return strings.Join(keys, ", ")
}

func replicasTable(w io.Writer, parts []opPartitionReplicas) {
	racks := false
	for _, p := range parts {
		racks = racks || len(p.Racks) > 0
	}
	header := []string{"PARTITION", "REPLICAS"}
	if racks {
		header = append(header, "RACKS")
	}
	t := newClientTable(header...)
	for _, p := range parts {
		row := []string{strconv.Itoa(int(p.Partition)), fmtIDs(p.Replicas)}
		if racks {
			row = append(row, orDash(strings.Join(p.Racks, ",")))
		}
		t.row(row...)
	}
	t.writeTo(w)
}

func renderCreateTopic(w io.Writer, body []byte) error {
	var a createTopicAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Topic == "" {
		return errors.New(`no "topic"`)
	}
	opHeader(w, a.DryRun, a.Summary)
	h := newClientTable()
	h.row("Topic:", a.Topic)
	if a.ID != "" {
		h.row("ID:", a.ID)
	}
	h.row("Partitions:", strconv.Itoa(int(a.Partitions)))
	h.row("Replication factor:", strconv.Itoa(int(a.ReplicationFactor)))
	placement := "Kafka's own (rack-aware)"
	if a.Placement == "brokers" {
		placement = "over brokers " + fmtIDs(a.Brokers)
	}
	h.row("Placement:", placement)
	h.row("Configs:", fmtConfigs(a.Configs))
	h.writeTo(w)
	if len(a.Assignment) > 0 {
		fmt.Fprintln(w)
		replicasTable(w, a.Assignment)
	}
	opWarnings(w, a.Warnings...)
	return nil
}

func renderDeleteTopic(w io.Writer, body []byte) error {
	var a deleteTopicAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Topic == "" {
		return errors.New(`no "topic"`)
	}
	opHeader(w, a.DryRun, a.Summary)
	h := newClientTable()
	h.row("Topic:", a.Topic)
	if a.ID != "" {
		h.row("ID:", a.ID)
	}
	h.row("Partitions:", strconv.Itoa(a.Partitions))
	h.row("Replication factor:", strconv.Itoa(a.ReplicationFactor))
	h.row("Size:", fmtBytes(a.SizeBytes)+" ("+fmtBytes(a.ReplicaBytes)+" with replicas)")
	h.row("Messages:", fmtOffset(a.Messages))
	h.writeTo(w)
	fmt.Fprintln(w)
	if len(a.Groups) == 0 {
		fmt.Fprintln(w, "Consuming groups: none")
	} else {
		t := newClientTable("GROUP", "STATE", "MEMBERS")
		for _, g := range a.Groups {
			t.row(g.ID, orDash(g.State), fmtInt(g.Members))
		}
		t.writeTo(w)
	}
	opWarnings(w, a.Warnings...)
	return nil
}

func renderAddPartitions(w io.Writer, body []byte) error {
	var a addPartitionsAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Topic == "" {
		return errors.New(`no "topic"`)
	}
	opHeader(w, a.DryRun, a.Summary)
	h := newClientTable()
	h.row("Topic:", a.Topic)
	h.row("Partitions:", fmt.Sprintf("%d -> %d", a.From, a.To))
	h.writeTo(w)
	if len(a.NewPartitions) > 0 {
		fmt.Fprintln(w)
		replicasTable(w, a.NewPartitions)
	}
	opWarnings(w, a.Warnings...)
	return nil
}

func renderAlterTopicConfig(w io.Writer, body []byte) error {
	var a alterConfigsAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Topic == "" {
		return errors.New(`no "topic"`)
	}
	opHeader(w, a.DryRun, a.Summary)
	t := newClientTable("KEY", "OP", "OLD", "", "NEW", "CHANGED")
	for _, c := range a.Changes {
		old := "(unset)"
		if c.OldSource != "" {
			old = c.Old + " (" + c.OldSource + ")"
		}
		nw := c.New
		switch {
		case c.NewFrom != "":
			nw += " (from " + c.NewFrom + ")"
		case c.NewSource != "":
			nw += " (" + c.NewSource + ")"
		}
		t.row(c.Key, c.Op, old, "->", nw, fmtYesNo(c.Changed))
	}
	t.writeTo(w)
	opWarnings(w, a.Warnings...)
	return nil
}

func renderPurgeTopic(w io.Writer, body []byte) error {
	var a purgeAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Topic == "" {
		return errors.New(`no "topic"`)
	}
	opHeader(w, a.DryRun, a.Summary)
	t := newClientTable("PARTITION", "START", "", "NEW-START", "END", "REMOVED", "ERROR")
	for _, p := range a.Partitions {
		t.row(strconv.Itoa(int(p.Partition)), fmtOffset(p.StartOffset), "->", fmtOffset(p.NewStartOffset),
			fmtOffset(p.EndOffset), strconv.FormatInt(p.Removed, 10), orDash(p.Error))
	}
	t.writeTo(w)
	fmt.Fprintf(w, "\n%d message(s) removed in total, before %s.\n", a.Removed, a.Before)
	opWarnings(w, a.Warnings...)
	return nil
}

// purgeExit is 1 when a partition could not be purged (the others were).
func purgeExit(body []byte) int {
	var a purgeAnswer
	if decodeBody(body, &a) != nil {
		return ExitFailure
	}
	for _, p := range a.Partitions {
		if p.Error != "" {
			return ExitFailure
		}
	}
	return ExitOK
}

func renderResetOffsets(w io.Writer, body []byte) error {
	var a resetAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Group == "" {
		return errors.New(`no "group"`)
	}
	verb := "would move"
	if !a.DryRun {
		verb = "moved"
		if !a.Applied {
			verb = "did not move"
		}
	}
	opHeader(w, a.DryRun, fmt.Sprintf("%s the committed offsets of group %q on %d partition(s) to %s; lag %d -> %d",
		verb, a.Group, len(a.Partitions), a.To, a.LagBefore, a.LagAfter))
	t := newClientTable("TOPIC", "PARTITION", "OLD", "", "NEW", "LAG-BEFORE", "", "LAG-AFTER", "LOG-START", "LOG-END", "NOTE")
	for _, p := range a.Partitions {
		old, lagBefore := "-", "-"
		if p.Old != nil {
			old = strconv.FormatInt(*p.Old, 10)
		}
		if p.LagBefore != nil {
			lagBefore = strconv.FormatInt(*p.LagBefore, 10)
		}
		note := ""
		if p.Clamped {
			note = "clamped"
		}
		t.row(p.Topic, strconv.Itoa(int(p.Partition)), old, "->", strconv.FormatInt(p.New, 10), lagBefore, "->",
			strconv.FormatInt(p.LagAfter, 10), fmtOffset(p.LogStart), fmtOffset(p.LogEnd), note)
	}
	t.writeTo(w)
	if a.ActiveMembers > 0 {
		fmt.Fprintf(w, "\nActive members: %d\n", a.ActiveMembers)
	}
	opWarnings(w, a.Warning)
	return nil
}

func renderDeleteGroup(w io.Writer, body []byte) error {
	var a deleteGroupAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Group == "" {
		return errors.New(`no "group"`)
	}
	verb := "would delete"
	if !a.DryRun {
		verb = "deleted"
		if !a.Deleted {
			verb = "did not delete"
		}
	}
	opHeader(w, a.DryRun, fmt.Sprintf("%s group %q with %d committed offset(s)", verb, a.Group, len(a.Offsets)))
	h := newClientTable()
	h.row("Group:", a.Group)
	h.row("State:", orDash(a.State))
	h.row("Active members:", fmtInt(a.ActiveMembers))
	h.writeTo(w)
	fmt.Fprintln(w)
	if len(a.Offsets) == 0 {
		fmt.Fprintln(w, "Committed offsets: none")
	} else {
		t := newClientTable("TOPIC", "PARTITION", "OFFSET")
		for _, o := range a.Offsets {
			t.row(o.Topic, strconv.Itoa(int(o.Partition)), strconv.FormatInt(o.Offset, 10))
		}
		t.writeTo(w)
	}
	opWarnings(w, a.Warning)
	return nil
}

func renderAudit(w io.Writer, body []byte) error {
	var a auditAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if len(a.Items) == 0 && a.Total == 0 {
		fmt.Fprintln(w, "No audit entries.")
		return nil
	}
	t := newClientTable("TIME", "USER", "CLUSTER", "ACTION", "TARGET", "DRY-RUN", "ERROR")
	for _, e := range a.Items {
		errText := e.Error
		if r := []rune(errText); len(r) > 100 {
			errText = string(r[:100]) + "..."
		}
		t.row(e.Time.UTC().Format(time.RFC3339), e.User, orDash(e.Cluster), e.Action, orDash(e.Target), fmtYesNo(e.DryRun), orDash(errText))
	}
	t.writeTo(w)
	if f := fmtPageFooter(a.Total, a.Offset, len(a.Items)); f != "" {
		fmt.Fprintln(w, f)
	}
	return nil
}
