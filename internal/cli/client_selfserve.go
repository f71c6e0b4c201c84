package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/selfserve"
)

// The self-service commands (docs/api.md, "Self-service"): teams, applications and their
// credentials, requests (a topic, access, a quota, partitions) and their approval, and an
// application's discovery answer. Members of a team manage its applications and file
// requests; the Kafka team (operators, admins) or a topic's owning team decide them; Gregor
// applies what is approved on Kafka. Every change is audited by the server.

// ssCommand is one self-service command.
type ssCommand struct {
	name    string   // "approve", "request topic"
	args    []string // the positional arguments' names
	flags   string   // the synopsis after the arguments
	summary string
	// cluster: --cluster names the cluster (optional when the server has exactly one).
	cluster bool
	// setup registers the command's own flags and returns the function that checks them
	// once parsed and builds the request; its errors are usage errors.
	setup    func(fs *flag.FlagSet) func(pos []string, given map[string]bool) (*ssRequest, error)
	render   func(w io.Writer, body []byte) error
	exitCode func(body []byte) int // of a successful answer; nil: 0
	// warnJSON is printed to stderr with -o json (the credential's once-only warning).
	warnJSON string
}

// ssRequest is what a command sends; cluster is the resolved --cluster ("" without one).
type ssRequest struct {
	method string
	path   func(cluster string) string
	query  url.Values
	body   func(cluster string) any // nil: no body
}

// ssGroups are the commands with subcommands; def is run when none is given.
var ssGroups = map[string]struct {
	subs []string
	def  string
}{
	"request":     {subs: []string{"topic", "access", "quota", "partitions", "show"}},
	"application": {subs: []string{"show", "create", "delete"}},
	"teams":       {subs: []string{"list", "create", "delete", "add-member", "remove-member"}, def: "list"},
}

var ssCommands = map[string]*ssCommand{}

const ssPasswordWarning = "WARNING: this password is shown only this once; Gregor keeps only a hash of it. " +
	"Store it now (in your secret store). If it is lost, run this command again: it sets a new password and the old one stops working."

func init() {
	reqFlags := "[--reason TEXT] [--apply (admins: approve and apply at once)]"
	for _, c := range []*ssCommand{
		{
			name: "request topic", args: []string{"NAME"}, cluster: true,
			flags:   "--application APP [--region R] [--partitions N] [--replication-factor N] [--retention 7d|MS] [--throughput 5MB/s] [--config k=v ...] " + reqFlags,
			summary: "ask for a new topic owned by an application; the Kafka team decides it (Kafka validates the name, configs and placement now)",
			setup:   ssSetupRequestTopic, render: ssRenderRequest("Filed"), exitCode: ssFailedExit,
		},
		{
			name: "request access", args: []string{"TOPIC"}, cluster: true,
			flags:   "--application APP (--produce | --consume [--group G]) " + reqFlags,
			summary: "ask for produce or consume access to a topic for an application; the topic's owning team or the Kafka team decides it",
			setup:   ssSetupRequestAccess, render: ssRenderRequest("Filed"), exitCode: ssFailedExit,
		},
		{
			name: "request quota", cluster: true,
			flags:   "--application APP [--producer-byte-rate N] [--consumer-byte-rate N] " + reqFlags,
			summary: "ask for client quotas of an application, in bytes per second (10MB, 50MiB); the Kafka team decides it",
			setup:   ssSetupRequestQuota, render: ssRenderRequest("Filed"), exitCode: ssFailedExit,
		},
		{
			name: "request partitions", args: []string{"TOPIC"}, cluster: true,
			flags:   "--application APP --count N " + reqFlags,
			summary: "ask for more partitions (--count: the new total) of a topic the application owns",
			setup:   ssSetupRequestPartitions, render: ssRenderRequest("Filed"), exitCode: ssFailedExit,
		},
		{
			name: "request show", args: []string{"ID"},
			summary: "show a request: what it asks, its state, who decided it, what applying it did",
			setup:   ssSetupRequestID("GET", ""), render: ssRenderRequest(""),
		},
		{
			name:    "requests",
			flags:   "[--scope mine|team|inbox|all] [--state S] [--kind K] [--cluster C] [--application APP] [--limit N] [--offset N]",
			summary: "list requests, newest first: yours (mine), your teams' (team), those waiting for your decision (inbox) or every one (all: the Kafka team)",
			setup:   ssSetupRequests, render: ssRenderRequests,
		},
		{
			name: "approve", args: []string{"ID"}, flags: "[--comment TEXT]",
			summary: "approve a pending request; Gregor applies it on Kafka at once (exit 1 if applying failed)",
			setup:   ssSetupDecide("approve"), render: ssRenderRequest("Approved"), exitCode: ssFailedExit,
		},
		{
			name: "reject", args: []string{"ID"}, flags: "[--comment TEXT]",
			summary: "reject a pending request, with a comment for the requester",
			setup:   ssSetupDecide("reject"), render: ssRenderRequest("Rejected"),
		},
		{
			name: "cancel-request", args: []string{"ID"},
			summary: "withdraw a pending request (its requester, or an admin)",
			setup:   ssSetupRequestID("POST", "/cancel"), render: ssRenderRequest("Cancelled"),
		},
		{
			name: "retry-request", args: []string{"ID"},
			summary: "apply again a request whose applying failed (the Kafka team); exit 1 if it failed again",
			setup:   ssSetupRequestID("POST", "/retry"), render: ssRenderRequest("Retried"), exitCode: ssFailedExit,
		},
		{
			name: "teams list", summary: "list the teams and their members",
			setup:  ssSetupGet(func([]string) string { return "/api/v1/teams" }),
			render: ssRenderTeams,
		},
		{
			name: "teams create", args: []string{"NAME"}, flags: "[--description TEXT]",
			summary: "create a team (admin)",
			setup:   ssSetupTeamCreate, render: ssRenderTeamCreate,
		},
		{
			name: "teams delete", args: []string{"NAME"},
			summary: "delete a team without applications (admin)",
			setup: func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
				return func(pos []string, _ map[string]bool) (*ssRequest, error) {
					return &ssRequest{method: "DELETE", path: ssFixed("/api/v1/teams/" + url.PathEscape(pos[0]))}, nil
				}
			},
			render: ssRenderDeleted("team"),
		},
		{
			name: "teams add-member", args: []string{"TEAM", "USER"},
			summary: "add a Gregor user to a team (admin)",
			setup:   ssSetupMember("PUT"), render: ssRenderMember,
		},
		{
			name: "teams remove-member", args: []string{"TEAM", "USER"},
			summary: "remove a user from a team (admin)",
			setup:   ssSetupMember("DELETE"), render: ssRenderMember,
		},
		{
			name: "applications", summary: "list the applications: your teams' first",
			setup:  ssSetupGet(func([]string) string { return "/api/v1/applications" }),
			render: ssRenderApplications,
		},
		{
			name: "application show", args: []string{"APP"},
			summary: "show an application: its credentials, owned topics, access grants and quotas on each cluster",
			setup:   ssSetupGet(func(pos []string) string { return "/api/v1/applications/" + url.PathEscape(pos[0]) }),
			render:  ssRenderApplication,
		},
		{
			name: "application create", args: []string{"APP"}, flags: "--team T [--description TEXT]",
			summary: "create an application of a team (its members, or an admin); its name is its Kafka user name",
			setup:   ssSetupAppCreate, render: ssRenderAppCreate,
		},
		{
			name: "application delete", args: []string{"APP"}, flags: "--confirm APP",
			summary: "delete an application with its SCRAM credentials and ACLs on every cluster (its team, or an admin); --confirm must repeat the name",
			setup:   ssSetupAppDelete, render: ssRenderDeleted("application"),
		},
		{
			name: "credentials", args: []string{"APP"}, cluster: true,
			summary: "create an application's SCRAM credential on a cluster, or rotate its password; the password is printed once, never again",
			setup: func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
				return func(pos []string, _ map[string]bool) (*ssRequest, error) {
					return &ssRequest{method: "POST", path: func(c string) string {
						return "/api/v1/applications/" + url.PathEscape(pos[0]) + "/credentials/" + url.PathEscape(c)
					}}, nil
				}
			},
			render: ssRenderSecret, warnJSON: ssPasswordWarning,
		},
		{
			name: "discovery", args: []string{"APP"},
			summary: "show what an application needs to connect: per cluster the bootstrap servers, security protocol, SASL user and its topics",
			setup:   ssSetupGet(func(pos []string) string { return "/api/v1/discovery/" + url.PathEscape(pos[0]) }),
			render:  ssRenderDiscovery,
		},
	} {
		ssCommands[c.name] = c
	}
}

// runSelfServe runs the self-service command name (a group, or a single command).
func runSelfServe(name string, args []string, stdout, stderr io.Writer, environ []string) int {
	g, ok := ssGroups[name]
	if !ok {
		return ssRun(name, args, stdout, stderr, environ)
	}
	sub := g.def
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "help" || ((a == "-h" || a == "-help" || a == "--help") && g.def == ""):
			fmt.Fprintf(stdout, "Usage: gregor %s %s [flags]\n\n", name, strings.Join(g.subs, "|"))
			for _, s := range g.subs {
				c := ssCommands[name+" "+s]
				fmt.Fprintf(stdout, "  %s\n      %s\n", ssSynopsis(c), c.summary)
			}
			fmt.Fprintf(stdout, "\nRun 'gregor %s SUBCOMMAND --help' for a subcommand's flags.\n", name)
			return ExitOK
		case !strings.HasPrefix(a, "-"):
			if !slices.Contains(g.subs, a) {
				fmt.Fprintf(stderr, "gregor %s: unknown subcommand %q: use one of %s\n", name, a, strings.Join(g.subs, ", "))
				return ExitUsage
			}
			sub, args = a, args[1:]
		}
	}
	if sub == "" {
		fmt.Fprintf(stderr, "gregor %s: missing subcommand: one of %s\nRun 'gregor %s help' for usage.\n", name, strings.Join(g.subs, ", "), name)
		return ExitUsage
	}
	return ssRun(name+" "+sub, args, stdout, stderr, environ)
}

func ssSynopsis(c *ssCommand) string {
	s := "gregor " + c.name
	for _, a := range c.args {
		s += " " + a
	}
	if c.cluster {
		s += " [--cluster C]"
	}
	if c.flags != "" {
		s += " " + c.flags
	}
	return s
}

// ssRun runs one self-service command.
func ssRun(name string, args []string, stdout, stderr io.Writer, environ []string) int {
	cmd := ssCommands[name]
	if cmd == nil {
		fmt.Fprintf(stderr, "gregor: unknown command %q\n", name)
		return ExitUsage
	}
	var (
		server, cluster, output string
		timeout                 time.Duration
		verbose                 bool
	)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	build := cmd.setup(fs)
	fs.StringVar(&server, "server", "", "the gregor server's URL (default $GREGOR_SERVER, else "+defaultServer+")")
	if cmd.cluster {
		fs.StringVar(&cluster, "cluster", "", "the cluster's name (optional when the server has exactly one)")
	}
	fs.StringVar(&output, "o", "table", "output format: table or json")
	fs.StringVar(&output, "output", "table", "output format: table or json (same as -o)")
	// Approving applies the change on Kafka: the server allows self-service calls up to 90s.
	fs.DurationVar(&timeout, "timeout", 100*time.Second, "how long to wait for the server")
	fs.BoolVar(&verbose, "verbose", false, "print each request and its status to stderr (never credentials)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [flags]\n\n%s.\n\nFlags:\n", ssSynopsis(cmd), clientUpperFirst(cmd.summary))
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), clientEnvHelp)
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "gregor %s: %s\nRun 'gregor %s --help' for usage.\n", name, fmt.Sprintf(format, a...), name)
		return ExitUsage
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	switch {
	case len(pos) < len(cmd.args):
		return usageErr("missing %s argument", strings.Join(cmd.args[len(pos):], " "))
	case len(pos) > len(cmd.args) && len(cmd.args) == 0:
		return usageErr("unexpected arguments: %s", strings.Join(pos, " "))
	case len(pos) > len(cmd.args):
		return usageErr("expected %d argument(s) (%s), got %d: %s", len(cmd.args), strings.Join(cmd.args, " "), len(pos), strings.Join(pos, " "))
	case output != "table" && output != "json":
		return usageErr("-o must be table or json, not %q", output)
	case timeout <= 0:
		return usageErr("--timeout must be positive")
	case cmd.cluster && fs.Lookup("cluster") != nil && isGiven(fs, "cluster") && strings.TrimSpace(cluster) == "":
		return usageErr("--cluster must not be empty")
	}
	for i, p := range pos {
		if strings.TrimSpace(p) == "" {
			return usageErr("%s must not be empty", cmd.args[i])
		}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	req, err := build(pos, given)
	if err != nil {
		return usageErr("%v", err)
	}
	c, err := dialServer(server, timeout, environ, verbose, stderr)
	if err != nil {
		return usageErr("%v", err)
	}
	if cmd.cluster && cluster == "" {
		var cerr *clientError
		if cluster, cerr = c.onlyCluster(); cerr != nil {
			return c.fail(cerr)
		}
	}
	var body []byte
	if req.body != nil {
		if body, err = json.Marshal(req.body(cluster)); err != nil {
			return usageErr("%v", err)
		}
	}
	return c.sendAndPrint(stdout, stderr, req.method, req.path(cluster), req.query, body, output, cmd.render, cmd.exitCode, cmd.warnJSON)
}

func isGiven(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

func ssFixed(p string) func(string) string { return func(string) string { return p } }

// --- requests ---

// ssSpec is a request's body as the API reads it: the spec, and apply (admins).
type ssSpec struct {
	selfserve.Spec
	Apply bool `json:"apply,omitempty"`
}

// ssReqFlags are the flags of every request kind.
type ssReqFlags struct {
	app, reason string
	apply       bool
}

func (r *ssReqFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.app, "application", "", "the application the request is for (required)")
	fs.StringVar(&r.reason, "reason", "", "why: shown to whoever decides")
	fs.BoolVar(&r.apply, "apply", false, "admins: approve and apply it at once (still recorded as a request)")
}

func (r *ssReqFlags) spec(kind, topic string) (ssSpec, error) {
	if strings.TrimSpace(r.app) == "" {
		return ssSpec{}, errors.New("--application is required: the application the request is for")
	}
	return ssSpec{Spec: selfserve.Spec{Kind: kind, Application: r.app, Topic: topic, Reason: r.reason}, Apply: r.apply}, nil
}

func ssPostSpec(sp ssSpec) *ssRequest {
	return &ssRequest{method: "POST", path: ssFixed("/api/v1/requests"), body: func(c string) any {
		sp.Cluster = c
		return sp
	}}
}

// ssRetention reads --retention: milliseconds, or a duration (7d, 12h, 30m).
func ssRetention(s string) (int64, error) {
	bad := fmt.Errorf("--retention wants a positive duration (7d, 12h, 30m) or milliseconds, not %q", s)
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return 0, bad
		}
		return n, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n <= 0 || n > 1e6 {
			return 0, bad
		}
		return int64(n * 24 * float64(time.Hour/time.Millisecond)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Millisecond {
		return 0, bad
	}
	return d.Milliseconds(), nil
}

func ssSetupRequestTopic(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	var rf ssReqFlags
	rf.register(fs)
	var region, retention, throughput string
	var partitions, rf2 int
	var configs listFlag
	fs.StringVar(&region, "region", "", "the region (group of brokers) to place it in; required on clusters with regions")
	fs.IntVar(&partitions, "partitions", 0, "partitions (default: the cluster's)")
	fs.IntVar(&rf2, "replication-factor", 0, "replicas per partition (default: the cluster's)")
	fs.StringVar(&retention, "retention", "", "how long records are kept: a duration (7d, 12h) or milliseconds")
	fs.StringVar(&throughput, "throughput", "", "the expected write rate (5MB/s, 100KiB), for capacity planning")
	fs.Var(&configs, "config", "a topic config key=value (repeatable)")
	return func(pos []string, given map[string]bool) (*ssRequest, error) {
		sp, err := rf.spec("topic", pos[0])
		if err != nil {
			return nil, err
		}
		if given["region"] && strings.TrimSpace(region) == "" {
			return nil, errors.New("--region must not be empty")
		}
		sp.Region = region
		if given["partitions"] && (partitions < 1 || partitions > math32) {
			return nil, fmt.Errorf("--partitions must be a positive number, not %d", partitions)
		}
		if given["replication-factor"] && (rf2 < 1 || rf2 > 32767) {
			return nil, fmt.Errorf("--replication-factor must be from 1 to 32767, not %d", rf2)
		}
		sp.Partitions, sp.ReplicationFactor = int32(partitions), int16(rf2)
		if given["retention"] {
			if sp.RetentionMs, err = ssRetention(retention); err != nil {
				return nil, err
			}
		}
		if given["throughput"] {
			if sp.BytesPerSec, err = rpParseBytes("throughput", throughput); err != nil {
				return nil, err
			}
		}
		if sp.Configs, err = keyValues("config", configs); err != nil {
			return nil, err
		}
		if _, ok := sp.Configs["retention.ms"]; ok && given["retention"] {
			return nil, errors.New("give the retention once: --retention or --config retention.ms=..., not both")
		}
		return ssPostSpec(sp), nil
	}
}

const math32 = 1<<31 - 1

func ssSetupRequestAccess(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	var rf ssReqFlags
	rf.register(fs)
	var produce, consume bool
	var group string
	fs.BoolVar(&produce, "produce", false, "ask to write to the topic")
	fs.BoolVar(&consume, "consume", false, "ask to read the topic")
	fs.StringVar(&group, "group", "", "with --consume: the consumer group (a prefix when it ends in '*'; default: the application's own groups, named \"<application>.\" and more; others need the Kafka team)")
	return func(pos []string, given map[string]bool) (*ssRequest, error) {
		sp, err := rf.spec("access", pos[0])
		if err != nil {
			return nil, err
		}
		switch {
		case produce == consume:
			return nil, errors.New("give exactly one of --produce and --consume (one request per access)")
		case given["group"] && !consume:
			return nil, errors.New("--group is for --consume only")
		case given["group"] && strings.TrimSpace(group) == "":
			return nil, errors.New("--group must not be empty")
		}
		sp.Access, sp.Group = "produce", group
		if consume {
			sp.Access = "consume"
		}
		return ssPostSpec(sp), nil
	}
}

func ssSetupRequestQuota(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	var rf ssReqFlags
	rf.register(fs)
	var prod, cons string
	fs.StringVar(&prod, "producer-byte-rate", "", "the produce quota in bytes per second (10MB, 50MiB)")
	fs.StringVar(&cons, "consumer-byte-rate", "", "the fetch quota in bytes per second (10MB, 50MiB)")
	return func(_ []string, given map[string]bool) (*ssRequest, error) {
		sp, err := rf.spec("quota", "")
		if err != nil {
			return nil, err
		}
		if !given["producer-byte-rate"] && !given["consumer-byte-rate"] {
			return nil, errors.New("give --producer-byte-rate and/or --consumer-byte-rate")
		}
		if given["producer-byte-rate"] {
			if sp.ProducerByteRate, err = rpParseBytes("producer-byte-rate", prod); err != nil {
				return nil, err
			}
		}
		if given["consumer-byte-rate"] {
			if sp.ConsumerByteRate, err = rpParseBytes("consumer-byte-rate", cons); err != nil {
				return nil, err
			}
		}
		return ssPostSpec(sp), nil
	}
}

func ssSetupRequestPartitions(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	var rf ssReqFlags
	rf.register(fs)
	var count int
	fs.IntVar(&count, "count", 0, "the new total number of partitions (required)")
	return func(pos []string, given map[string]bool) (*ssRequest, error) {
		sp, err := rf.spec("partitions", pos[0])
		if err != nil {
			return nil, err
		}
		if !given["count"] {
			return nil, errors.New("--count is required: the new total number of partitions")
		}
		if count < 1 || count > math32 {
			return nil, fmt.Errorf("--count must be a positive number, not %d", count)
		}
		sp.Count = int32(count)
		return ssPostSpec(sp), nil
	}
}

// ssRequestID checks a request id argument.
func ssRequestID(s string) (string, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return "", fmt.Errorf("ID must be a request's number (a positive integer), not %q", s)
	}
	return strconv.FormatInt(n, 10), nil
}

func ssSetupRequestID(method, suffix string) func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	return func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
		return func(pos []string, _ map[string]bool) (*ssRequest, error) {
			id, err := ssRequestID(pos[0])
			if err != nil {
				return nil, err
			}
			return &ssRequest{method: method, path: ssFixed("/api/v1/requests/" + id + suffix)}, nil
		}
	}
}

func ssSetupDecide(action string) func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	return func(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
		var comment string
		fs.StringVar(&comment, "comment", "", "a comment for the requester")
		return func(pos []string, _ map[string]bool) (*ssRequest, error) {
			id, err := ssRequestID(pos[0])
			if err != nil {
				return nil, err
			}
			b := map[string]string{"comment": comment}
			return &ssRequest{method: "POST", path: ssFixed("/api/v1/requests/" + id + "/" + action),
				body: func(string) any { return b }}, nil
		}
	}
}

var (
	ssScopes = []string{"mine", "team", "inbox", "all"}
	ssStates = []string{"pending", "approved", "applied", "failed", "rejected", "cancelled"}
	ssKinds  = []string{"topic", "access", "quota", "partitions"}
)

func ssSetupRequests(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	var scope, state, kind, cluster, app string
	var limit, offset int
	fs.StringVar(&scope, "scope", "mine", "whose: mine (filed by you), team (your teams' and on their topics), inbox (pending, yours to decide), all (the Kafka team)")
	fs.StringVar(&state, "state", "", "only requests in this state: "+strings.Join(ssStates, ", "))
	fs.StringVar(&kind, "kind", "", "only requests of this kind: "+strings.Join(ssKinds, ", "))
	fs.StringVar(&cluster, "cluster", "", "only requests on this cluster")
	fs.StringVar(&app, "application", "", "only requests of this application")
	fs.IntVar(&limit, "limit", 100, "show at most this many (1 to 1000)")
	fs.IntVar(&offset, "offset", 0, "skip this many")
	return func(_ []string, given map[string]bool) (*ssRequest, error) {
		switch {
		case !slices.Contains(ssScopes, scope):
			return nil, fmt.Errorf("--scope must be one of %s, not %q", strings.Join(ssScopes, ", "), scope)
		case given["state"] && !slices.Contains(ssStates, state):
			return nil, fmt.Errorf("--state must be one of %s, not %q", strings.Join(ssStates, ", "), state)
		case given["kind"] && !slices.Contains(ssKinds, kind):
			return nil, fmt.Errorf("--kind must be one of %s, not %q", strings.Join(ssKinds, ", "), kind)
		case scope == "inbox" && given["state"] && state != "pending":
			return nil, errors.New("--scope inbox lists pending requests only; leave out --state")
		case limit < 1 || limit > 1000:
			return nil, errors.New("--limit must be from 1 to 1000")
		case offset < 0:
			return nil, errors.New("--offset must not be negative")
		}
		q := url.Values{}
		q.Set("scope", scope)
		for k, v := range map[string]string{"state": state, "kind": kind, "cluster": cluster, "application": app} {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("limit", strconv.Itoa(limit))
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		return &ssRequest{method: "GET", path: ssFixed("/api/v1/requests"), query: q}, nil
	}
}

// --- teams and applications ---

func ssSetupGet(path func(pos []string) string) func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	return func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
		return func(pos []string, _ map[string]bool) (*ssRequest, error) {
			return &ssRequest{method: "GET", path: ssFixed(path(pos))}, nil
		}
	}
}

func ssSetupTeamCreate(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	var desc string
	fs.StringVar(&desc, "description", "", "what the team does")
	return func(pos []string, _ map[string]bool) (*ssRequest, error) {
		b := map[string]string{"name": pos[0], "description": desc}
		return &ssRequest{method: "POST", path: ssFixed("/api/v1/teams"), body: func(string) any { return b }}, nil
	}
}

func ssSetupMember(method string) func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	return func(*flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
		return func(pos []string, _ map[string]bool) (*ssRequest, error) {
			return &ssRequest{method: method, path: ssFixed("/api/v1/teams/" + url.PathEscape(pos[0]) + "/members/" + url.PathEscape(pos[1]))}, nil
		}
	}
}

func ssSetupAppCreate(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	var team, desc string
	fs.StringVar(&team, "team", "", "the team owning the application (required)")
	fs.StringVar(&desc, "description", "", "what the application does")
	return func(pos []string, _ map[string]bool) (*ssRequest, error) {
		if strings.TrimSpace(team) == "" {
			return nil, errors.New("--team is required: the team owning the application")
		}
		b := map[string]string{"name": pos[0], "team": team, "description": desc}
		return &ssRequest{method: "POST", path: ssFixed("/api/v1/applications"), body: func(string) any { return b }}, nil
	}
}

func ssSetupAppDelete(fs *flag.FlagSet) func([]string, map[string]bool) (*ssRequest, error) {
	var confirm string
	fs.StringVar(&confirm, "confirm", "", "the application's name again, to confirm")
	return func(pos []string, _ map[string]bool) (*ssRequest, error) {
		if confirm != pos[0] {
			return nil, fmt.Errorf("deleting application %q removes its credentials and ACLs on every cluster: confirm with --confirm %s", pos[0], pos[0])
		}
		return &ssRequest{method: "DELETE", path: ssFixed("/api/v1/applications/" + url.PathEscape(pos[0]))}, nil
	}
}

// --- answers ---

type ssRequestView struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	State       string          `json:"state"`
	Requester   string          `json:"requester"`
	Team        string          `json:"team"`
	Application string          `json:"application"`
	Cluster     string          `json:"cluster"`
	Topic       string          `json:"topic"`
	Reason      string          `json:"reason"`
	DecidedBy   string          `json:"decided_by"`
	Comment     string          `json:"comment"`
	Error       string          `json:"error"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	Spec        ssSpec          `json:"spec"`
	Result      json.RawMessage `json:"result"`
	CanDecide   bool            `json:"can_decide"`
}

// ssFailedExit is 1 when applying the request failed.
func ssFailedExit(body []byte) int {
	var v ssRequestView
	if decodeBody(body, &v) != nil || v.State == "failed" {
		return ExitFailure
	}
	return ExitOK
}

// ssWhat says what a request asks, in a few words.
func ssWhat(v ssRequestView) string {
	sp := v.Spec
	switch v.Kind {
	case "topic":
		var parts []string
		if sp.Region != "" {
			parts = append(parts, "region "+sp.Region)
		}
		if sp.Partitions > 0 {
			parts = append(parts, fmt.Sprintf("%d partitions", sp.Partitions))
		}
		if sp.ReplicationFactor > 0 {
			parts = append(parts, fmt.Sprintf("replication factor %d", sp.ReplicationFactor))
		}
		if sp.RetentionMs > 0 {
			parts = append(parts, "retention "+ssFmtMs(sp.RetentionMs))
		}
		if sp.BytesPerSec > 0 {
			parts = append(parts, "expecting "+fmtBytes(sp.BytesPerSec)+"/s")
		}
		s := fmt.Sprintf("topic %q", v.Topic)
		if len(parts) > 0 {
			s += " (" + strings.Join(parts, ", ") + ")"
		}
		return s
	case "access":
		s := fmt.Sprintf("%s access to topic %q", sp.Access, v.Topic)
		if sp.Group != "" {
			s += fmt.Sprintf(" with group %q", sp.Group)
		}
		return s
	case "quota":
		var parts []string
		if sp.ProducerByteRate > 0 {
			parts = append(parts, "produce "+fmtBytes(sp.ProducerByteRate)+"/s")
		}
		if sp.ConsumerByteRate > 0 {
			parts = append(parts, "consume "+fmtBytes(sp.ConsumerByteRate)+"/s")
		}
		return "quota " + strings.Join(parts, ", ")
	case "partitions":
		return fmt.Sprintf("%d partitions in total for topic %q", sp.Count, v.Topic)
	}
	return v.Kind
}

// ssFmtMs is a duration in milliseconds as days, hours... when round.
func ssFmtMs(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

// ssAge is how long ago t was, shortly.
func ssAge(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func ssTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339) + " (" + ssAge(t) + " ago)"
}

// ssRenderRequest prints one request; verb ("Filed", "Approved") heads it.
func ssRenderRequest(verb string) func(io.Writer, []byte) error {
	return func(w io.Writer, body []byte) error {
		var v ssRequestView
		if err := decodeBody(body, &v); err != nil {
			return err
		}
		if v.ID == 0 {
			return errors.New(`no request "id"`)
		}
		head := fmt.Sprintf("Request %d", v.ID)
		if verb != "" {
			head = fmt.Sprintf("%s request %d", verb, v.ID)
		}
		fmt.Fprintf(w, "%s: %s for application %q on cluster %q is %s.\n", head, ssWhat(v), v.Application, v.Cluster, strings.ToUpper(v.State))
		switch {
		case v.State == "pending" && v.CanDecide:
			fmt.Fprintf(w, "You may decide it: gregor approve %d | gregor reject %d --comment ...\n", v.ID, v.ID)
		case v.State == "pending":
			who := "the Kafka team (operators and admins)"
			if v.Kind == "access" || v.Kind == "partitions" {
				who = "the topic's owning team or the Kafka team"
			}
			fmt.Fprintf(w, "Waiting for %s to decide it.\n", who)
		case v.State == "failed":
			fmt.Fprintf(w, "Applying it failed: %s\nThe Kafka team may retry it: gregor retry-request %d\n", v.Error, v.ID)
		}
		fmt.Fprintln(w)
		h := newClientTable()
		h.row("ID:", strconv.FormatInt(v.ID, 10))
		h.row("Kind:", v.Kind)
		h.row("State:", v.State)
		h.row("Application:", v.Application+" (team "+orDash(v.Team)+")")
		h.row("Cluster:", v.Cluster)
		if v.Topic != "" {
			h.row("Topic:", v.Topic)
		}
		h.row("Asks for:", ssWhat(v))
		if len(v.Spec.Configs) > 0 {
			h.row("Configs:", fmtConfigs(v.Spec.Configs))
		}
		h.row("Requester:", v.Requester)
		h.row("Reason:", orDash(v.Reason))
		h.row("Decided by:", orDash(v.DecidedBy))
		if v.Comment != "" {
			h.row("Comment:", v.Comment)
		}
		if v.Error != "" {
			h.row("Error:", v.Error)
		}
		h.row("Created:", ssTime(v.CreatedAt))
		h.row("Updated:", ssTime(v.UpdatedAt))
		result, warnings := ssResult(v.Result)
		if result != "" {
			h.row("Result:", result)
		}
		h.writeTo(w)
		opWarnings(w, warnings...)
		return nil
	}
}

// ssResult is what applying a request did, in words: the operation's summary (a topic,
// partitions, a quota) with its warnings, or the ACLs created (access); else its JSON.
func ssResult(raw json.RawMessage) (string, []string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var op struct {
		Summary  string   `json:"summary"`
		Warnings []string `json:"warnings"`
	}
	if json.Unmarshal(raw, &op) == nil && op.Summary != "" {
		return clientUpperFirst(op.Summary), op.Warnings
	}
	var quota struct {
		Entity struct {
			User string `json:"user"`
		} `json:"entity"`
		Before map[string]float64 `json:"before"`
		After  map[string]float64 `json:"after"`
	}
	if json.Unmarshal(raw, &quota) == nil && quota.After != nil {
		return fmt.Sprintf("Client quotas of user %s: %s -> %s", quota.Entity.User, ssFmtQuotas(quota.Before), ssFmtQuotas(quota.After)), nil
	}
	var acls []struct {
		Principal    string `json:"principal"`
		ResourceType string `json:"resource_type"`
		ResourceName string `json:"resource_name"`
		Operation    string `json:"operation"`
		Permission   string `json:"permission"`
	}
	if json.Unmarshal(raw, &acls) == nil && len(acls) > 0 {
		parts := make([]string, 0, len(acls))
		for _, a := range acls {
			parts = append(parts, fmt.Sprintf("%s %s on %s %s", a.Permission, a.Operation, a.ResourceType, a.ResourceName))
		}
		return fmt.Sprintf("%d ACL(s) for %s: %s", len(acls), acls[0].Principal, strings.Join(parts, ", ")), nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return "", nil
	}
	return buf.String(), nil
}

func ssRenderRequests(w io.Writer, body []byte) error {
	var a struct {
		Requests *[]ssRequestView `json:"requests"`
		Total    int              `json:"total"`
	}
	var keys map[string]json.RawMessage
	if err := decodeBody(body, &keys); err != nil {
		return err
	}
	if _, ok := keys["requests"]; !ok {
		return errors.New(`no "requests" list`)
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Requests == nil { // the server sends null for an empty inbox
		a.Requests = &[]ssRequestView{}
	}
	if len(*a.Requests) == 0 {
		fmt.Fprintln(w, "No requests.")
		return nil
	}
	t := newClientTable("ID", "KIND", "STATE", "APPLICATION", "CLUSTER", "TOPIC", "REQUESTER", "DECIDED-BY", "AGE")
	decide := 0
	for _, r := range *a.Requests {
		state := r.State
		if r.State == "pending" && r.CanDecide {
			state += "*"
			decide++
		}
		t.row(strconv.FormatInt(r.ID, 10), r.Kind, state, r.Application, r.Cluster, orDash(r.Topic), r.Requester, orDash(r.DecidedBy), ssAge(r.CreatedAt))
	}
	t.writeTo(w)
	if decide > 0 {
		fmt.Fprintln(w, "\n* yours to decide: gregor approve ID | gregor reject ID")
	}
	if a.Total > len(*a.Requests) {
		fmt.Fprintf(w, "\nShowing %d of %d requests (see --limit and --offset).\n", len(*a.Requests), a.Total)
	}
	return nil
}

func ssRenderTeams(w io.Writer, body []byte) error {
	var a struct {
		Teams *[]struct {
			Name        string    `json:"name"`
			Description string    `json:"description"`
			CreatedAt   time.Time `json:"created_at"`
			Members     []string  `json:"members"`
		} `json:"teams"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Teams == nil {
		return errors.New(`no "teams" list`)
	}
	if len(*a.Teams) == 0 {
		fmt.Fprintln(w, "No teams. An admin creates them: gregor teams create NAME")
		return nil
	}
	t := newClientTable("TEAM", "MEMBERS", "DESCRIPTION")
	for _, tm := range *a.Teams {
		t.row(tm.Name, orDash(strings.Join(tm.Members, ",")), orDash(tm.Description))
	}
	t.writeTo(w)
	return nil
}

func ssRenderTeamCreate(w io.Writer, body []byte) error {
	var a struct {
		Name string `json:"name"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Name == "" {
		return errors.New(`no team "name"`)
	}
	fmt.Fprintf(w, "Created team %q. Add its members: gregor teams add-member %s USER\n", a.Name, a.Name)
	return nil
}

func ssRenderMember(w io.Writer, body []byte) error {
	var a struct {
		Team   string `json:"team"`
		User   string `json:"user"`
		Member bool   `json:"member"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Member {
		fmt.Fprintf(w, "User %q is a member of team %q.\n", a.User, a.Team)
	} else {
		fmt.Fprintf(w, "User %q is no longer a member of team %q.\n", a.User, a.Team)
	}
	return nil
}

func ssRenderDeleted(what string) func(io.Writer, []byte) error {
	return func(w io.Writer, body []byte) error {
		var a struct {
			Deleted string `json:"deleted"`
		}
		if err := decodeBody(body, &a); err != nil {
			return err
		}
		fmt.Fprintf(w, "Deleted %s %q.\n", what, a.Deleted)
		return nil
	}
}

type ssApp struct {
	Name        string    `json:"name"`
	Team        string    `json:"team"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	Mine        bool      `json:"mine"`
}

func ssRenderApplications(w io.Writer, body []byte) error {
	var a struct {
		Applications *[]ssApp `json:"applications"`
		Teams        []string `json:"teams"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Applications == nil {
		return errors.New(`no "applications" list`)
	}
	if len(*a.Applications) == 0 {
		fmt.Fprintln(w, "No applications. Create one: gregor application create APP --team TEAM")
	} else {
		t := newClientTable("APPLICATION", "TEAM", "MINE", "CREATED", "DESCRIPTION")
		for _, app := range *a.Applications {
			t.row(app.Name, app.Team, fmtYesNo(app.Mine), app.CreatedAt.UTC().Format("2006-01-02"), orDash(app.Description))
		}
		t.writeTo(w)
	}
	fmt.Fprintf(w, "\nYour teams: %s\n", orDash(strings.Join(a.Teams, ", ")))
	return nil
}

func ssRenderAppCreate(w io.Writer, body []byte) error {
	var a ssApp
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Name == "" {
		return errors.New(`no application "name"`)
	}
	fmt.Fprintf(w, "Created application %q of team %q.\nGive it a credential on a cluster: gregor credentials %s --cluster CLUSTER\n", a.Name, a.Team, a.Name)
	return nil
}

func ssRenderApplication(w io.Writer, body []byte) error {
	var a struct {
		ssApp
		Credentials []struct {
			Cluster   string    `json:"cluster"`
			Username  string    `json:"username"`
			Mechanism string    `json:"mechanism"`
			CreatedAt time.Time `json:"created_at"`
			RotatedAt time.Time `json:"rotated_at"`
		} `json:"credentials"`
		Topics []struct {
			Cluster string `json:"cluster"`
			Topic   string `json:"topic"`
			Region  string `json:"region"`
		} `json:"topics"`
		Grants []struct {
			Cluster string `json:"cluster"`
			Topic   string `json:"topic"`
			Access  string `json:"access"`
			Group   string `json:"group"`
		} `json:"grants"`
		Quotas []struct {
			Cluster string             `json:"cluster"`
			Values  map[string]float64 `json:"values"`
			Error   string             `json:"error"`
		} `json:"quotas"`
		Rates []selfserve.AppRate `json:"rates"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Name == "" {
		return errors.New(`no application "name"`)
	}
	h := newClientTable()
	h.row("Application:", a.Name)
	h.row("Team:", a.Team)
	h.row("Description:", orDash(a.Description))
	h.row("Created:", ssTime(a.CreatedAt))
	h.writeTo(w)
	section := func(title string, n int, empty string) bool {
		fmt.Fprintf(w, "\n%s:\n", title)
		if n == 0 {
			fmt.Fprintln(w, "  "+empty)
		}
		return n > 0
	}
	if section("Credentials", len(a.Credentials), "none: gregor credentials "+a.Name+" --cluster CLUSTER") {
		t := newClientTable("CLUSTER", "USERNAME", "MECHANISM", "CREATED", "ROTATED")
		for _, c := range a.Credentials {
			t.row(c.Cluster, c.Username, c.Mechanism, c.CreatedAt.UTC().Format(time.RFC3339), c.RotatedAt.UTC().Format(time.RFC3339))
		}
		t.writeTo(w)
	}
	if section("Owned topics", len(a.Topics), "none") {
		t := newClientTable("CLUSTER", "TOPIC", "REGION")
		for _, o := range a.Topics {
			t.row(o.Cluster, o.Topic, orDash(o.Region))
		}
		t.writeTo(w)
	}
	if section("Access", len(a.Grants), "none") {
		t := newClientTable("CLUSTER", "TOPIC", "ACCESS", "GROUP")
		for _, g := range a.Grants {
			t.row(g.Cluster, g.Topic, g.Access, orDash(g.Group))
		}
		t.writeTo(w)
	}
	if section("Quotas", len(a.Quotas), "none") {
		t := newClientTable("CLUSTER", "QUOTAS")
		for _, q := range a.Quotas {
			v := ssFmtQuotas(q.Values)
			if q.Error != "" {
				v = "error: " + q.Error
			}
			t.row(q.Cluster, v)
		}
		t.writeTo(w)
	}
	if len(a.Rates) > 0 {
		fmt.Fprintln(w, "\nTraffic (Kafka's quota sensors, now):")
		t := newClientTable("CLUSTER", "PRODUCE", "FETCH", "THROTTLED")
		of := func(rate, quota float64) string {
			if quota > 0 {
				return fmt.Sprintf("%s of %s (%.0f%%)", fmtByteRate(rate), fmtByteRate(quota), 100*rate/quota)
			}
			return fmtByteRate(rate)
		}
		for _, r := range a.Rates {
			if !r.Measured {
				t.row(r.Cluster, "not measured", "-", "-")
				continue
			}
			th := "no"
			if ms := max(r.ProduceThrottleMs, r.FetchThrottleMs); ms > 0 {
				th = fmt.Sprintf("yes, %.0f ms", ms)
			}
			t.row(r.Cluster, of(r.ProduceBytesPerSec, r.ProducerByteRateCap), of(r.FetchBytesPerSec, r.ConsumerByteRateCap), th)
		}
		t.writeTo(w)
	}
	return nil
}

func ssRenderSecret(w io.Writer, body []byte) error {
	var a struct {
		Application      string   `json:"application"`
		Cluster          string   `json:"cluster"`
		Username         string   `json:"username"`
		Password         string   `json:"password"`
		Mechanism        string   `json:"mechanism"`
		Bootstrap        []string `json:"bootstrap_servers"`
		SecurityProtocol string   `json:"security_protocol"`
		Rotated          bool     `json:"rotated"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Password == "" || a.Username == "" {
		return errors.New("no username or password")
	}
	if a.Rotated {
		fmt.Fprintf(w, "Rotated the password of application %q on cluster %q: the old password no longer works.\n\n", a.Application, a.Cluster)
	} else {
		fmt.Fprintf(w, "Created the SCRAM credential of application %q on cluster %q.\n\n", a.Application, a.Cluster)
	}
	h := newClientTable()
	h.row("Username:", a.Username)
	h.row("Password:", a.Password)
	h.row("SASL mechanism:", a.Mechanism)
	h.row("Security protocol:", a.SecurityProtocol)
	h.row("Bootstrap servers:", strings.Join(a.Bootstrap, ","))
	h.writeTo(w)
	fmt.Fprintf(w, "\n%s\n", ssPasswordWarning)
	return nil
}

func ssRenderDiscovery(w io.Writer, body []byte) error {
	var a struct {
		Application string `json:"application"`
		Clusters    *[]struct {
			Cluster          string   `json:"cluster"`
			Bootstrap        []string `json:"bootstrap_servers"`
			SecurityProtocol string   `json:"security_protocol"`
			Mechanism        string   `json:"sasl_mechanism"`
			Username         string   `json:"sasl_username"`
			Topics           []struct {
				Topic  string   `json:"topic"`
				Access []string `json:"access"`
				Group  string   `json:"group"`
			} `json:"topics"`
		} `json:"clusters"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Clusters == nil {
		return errors.New(`no "clusters" list`)
	}
	fmt.Fprintf(w, "Application %q connects to %d cluster(s).\n", a.Application, len(*a.Clusters))
	if len(*a.Clusters) == 0 {
		fmt.Fprintf(w, "It has no credential yet: gregor credentials %s --cluster CLUSTER\n", a.Application)
	}
	for _, c := range *a.Clusters {
		fmt.Fprintln(w)
		h := newClientTable()
		h.row("Cluster:", c.Cluster)
		h.row("Bootstrap servers:", strings.Join(c.Bootstrap, ","))
		h.row("Security protocol:", c.SecurityProtocol)
		h.row("SASL mechanism:", c.Mechanism)
		h.row("SASL username:", c.Username)
		h.writeTo(w)
		if len(c.Topics) == 0 {
			fmt.Fprintln(w, "Topics: none")
			continue
		}
		t := newClientTable("TOPIC", "ACCESS", "GROUP")
		for _, tp := range c.Topics {
			t.row(tp.Topic, strings.Join(tp.Access, ","), orDash(tp.Group))
		}
		t.writeTo(w)
	}
	return nil
}

// ssFmtQuotas is quota values as k=v, sorted; "none" for none.
func ssFmtQuotas(m map[string]float64) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + strconv.FormatFloat(m[k], 'f', -1, 64)
	}
	return strings.Join(keys, ", ")
}
