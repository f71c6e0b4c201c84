package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Exit codes of the client commands, beyond ExitOK, ExitFailure and ExitUsage.
const (
	// ExitUnreachable: the server could not be reached (connection refused, DNS, TLS, timeout).
	ExitUnreachable = 3
	// ExitAuth: the server refused the credentials (HTTP 401 or 403).
	ExitAuth = 4
	// ExitCritical: gregor doctor found something critical.
	ExitCritical = 5
)

const (
	defaultServer  = "http://127.0.0.1:8080"
	defaultTimeout = 15 * time.Second
	maxBodyBytes   = 256 << 20
)

// clientCommand describes one client command: its flags, its request and its table.
type clientCommand struct {
	name         string
	arg          string   // the positional argument's name ("TOPIC"), or "" for none
	needsCluster bool     // all but `clusters`
	sorts        []string // the list's sort keys; nil for commands that are not lists
	internalFlag bool     // --no-internal
	watch        bool     // --watch and --count
	// clusterQuery: --cluster is optional and sent as ?cluster= (doctor: every cluster
	// without it); severityFlag adds --severity.
	clusterQuery bool
	severityFlag bool
	// download: the answer is a file written to --out (bundle), with --hours.
	download bool
	summary  string
	path     func(cluster, arg string) string
	render   func(w io.Writer, body []byte) error
	// exitCode, if set, gives the exit code of a successful answer (doctor: 5 when critical).
	exitCode func(body []byte) int
}

var clientCommands = map[string]*clientCommand{
	"clusters": {
		name: "clusters", summary: "list the clusters and their health",
		path:   func(string, string) string { return "/api/v1/clusters" },
		render: renderClusters,
	},
	"brokers": {
		name: "brokers", needsCluster: true, summary: "list a cluster's brokers",
		path:   func(c, _ string) string { return clusterPath(c) + "/brokers" },
		render: renderBrokers,
	},
	"topics": {
		name: "topics", needsCluster: true, summary: "list a cluster's topics",
		sorts: []string{"name", "partitions", "size", "rate"}, internalFlag: true,
		path:   func(c, _ string) string { return clusterPath(c) + "/topics" },
		render: renderTopics,
	},
	"groups": {
		name: "groups", needsCluster: true, summary: "list a cluster's consumer groups",
		sorts:  []string{"name", "lag", "members"},
		path:   func(c, _ string) string { return clusterPath(c) + "/groups" },
		render: renderGroups,
	},
	"describe-topic": {
		name: "describe-topic", arg: "TOPIC", needsCluster: true,
		summary: "show a topic's partitions, non-default configs and consumer groups",
		path:    func(c, t string) string { return clusterPath(c) + "/topics/" + url.PathEscape(t) },
		render:  renderTopic,
	},
	"lag": {
		name: "lag", arg: "GROUP", needsCluster: true, watch: true,
		summary: "show a consumer group's lag status, per partition lag in messages and time, rates and time to drain",
		path:    func(c, g string) string { return clusterPath(c) + "/groups/" + url.PathEscape(g) + "/lag" },
		render:  renderLag,
	},
	"doctor": {
		name: "doctor", clusterQuery: true, severityFlag: true,
		summary: "print the findings of every cluster (or --cluster) with evidence and fix; exit 5 when one is critical",
		path:    func(string, string) string { return "/api/v1/findings" },
		render:  renderDoctor, exitCode: doctorExit,
	},
	"bundle": {
		name: "bundle", needsCluster: true, download: true,
		summary: "download a diagnostics bundle of a cluster (configs, snapshot, findings, alerts, metric history, logs; secrets redacted)",
		path:    func(c, _ string) string { return clusterPath(c) + "/bundle" },
	},
	"describe-group": {
		name: "describe-group", arg: "GROUP", needsCluster: true,
		summary: "show a consumer group's members, partitions and lag",
		path:    func(c, g string) string { return clusterPath(c) + "/groups/" + url.PathEscape(g) },
		render:  renderGroup,
	},
}

func clusterPath(c string) string { return "/api/v1/clusters/" + url.PathEscape(c) }

// clientOpts are the parsed flags of a client command.
type clientOpts struct {
	server     string
	cluster    string
	output     string
	timeout    time.Duration
	verbose    bool
	filter     string
	sort       string
	desc       bool
	noInternal bool
	limit      int
	offset     int
	watch      time.Duration
	count      int
	severity   string
	out        string
	hours      int
}

// runClient runs the client command name with its arguments.
func runClient(name string, args []string, stdout, stderr io.Writer, environ []string) int {
	cmd := clientCommands[name]
	if cmd == nil {
		fmt.Fprintf(stderr, "gregor: unknown command %q\n", name)
		return ExitUsage
	}
	var o clientOpts
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	// No default value here: --help would print $GREGOR_SERVER, password and all.
	fs.StringVar(&o.server, "server", "", "the gregor server's URL (default $GREGOR_SERVER, else "+defaultServer+")")
	if cmd.needsCluster {
		fs.StringVar(&o.cluster, "cluster", "", "the cluster's name (optional when the server has exactly one)")
	}
	if cmd.clusterQuery {
		fs.StringVar(&o.cluster, "cluster", "", "only this cluster (default: every cluster)")
	}
	if cmd.severityFlag {
		fs.StringVar(&o.severity, "severity", "info", "the lowest severity shown: info, warning or critical")
	}
	if cmd.download {
		fs.StringVar(&o.out, "out", "", "the file to write (default gregor-bundle-CLUSTER-TIME.tar.gz)")
		fs.IntVar(&o.hours, "hours", 6, "hours of metric history to include (1 to 168)")
	}
	fs.StringVar(&o.output, "o", "table", "output format: table or json")
	fs.StringVar(&o.output, "output", "table", "output format: table or json (same as -o)")
	fs.DurationVar(&o.timeout, "timeout", defaultTimeout, "how long to wait for the server")
	fs.BoolVar(&o.verbose, "verbose", false, "print each request and its status to stderr (never credentials)")
	if cmd.sorts != nil {
		fs.StringVar(&o.filter, "filter", "", "only names containing this (case-insensitive)")
		fs.StringVar(&o.sort, "sort", cmd.sorts[0], "sort by: "+strings.Join(cmd.sorts, ", "))
		fs.BoolVar(&o.desc, "desc", false, "sort in descending order")
		fs.IntVar(&o.limit, "limit", 100, "show at most this many (1 to 1000)")
		fs.IntVar(&o.offset, "offset", 0, "skip this many")
	}
	if cmd.internalFlag {
		fs.BoolVar(&o.noInternal, "no-internal", false, "hide internal topics")
	}
	if cmd.watch {
		fs.DurationVar(&o.watch, "watch", 0, "print again every this long (e.g. 5s) until interrupted")
		fs.IntVar(&o.count, "count", 0, "with --watch: stop after this many prints (0: never)")
	}
	pos, usageErr, code, ok := parseClientArgs(fs, name, cmd.arg, "", cmd.summary, args, stderr)
	if !ok {
		return code
	}
	switch {
	case o.output != "table" && o.output != "json":
		return usageErr("-o must be table or json, not %q", o.output)
	case o.timeout <= 0:
		return usageErr("--timeout must be positive")
	case o.watch < 0 || (o.watch > 0 && o.watch < time.Second):
		return usageErr("--watch must be at least 1s")
	case o.count < 0:
		return usageErr("--count must not be negative")
	case o.count > 0 && o.watch == 0:
		return usageErr("--count needs --watch")
	case cmd.sorts != nil && !slices.Contains(cmd.sorts, o.sort):
		return usageErr("--sort must be one of: %s", strings.Join(cmd.sorts, ", "))
	case cmd.sorts != nil && (o.limit < 1 || o.limit > 1000):
		return usageErr("--limit must be from 1 to 1000")
	case cmd.sorts != nil && o.offset < 0:
		return usageErr("--offset must not be negative")
	case cmd.severityFlag && !slices.Contains([]string{"info", "warning", "critical"}, o.severity):
		return usageErr("--severity must be info, warning or critical, not %q", o.severity)
	case cmd.download && (o.hours < 1 || o.hours > 168):
		return usageErr("--hours must be from 1 to 168")
	}
	arg := ""
	if cmd.arg != "" {
		arg = pos[0]
	}
	c, err := dialServer(o.server, o.timeout, environ, o.verbose, stderr)
	if err != nil {
		return usageErr("%v", err)
	}
	for n := 1; ; n++ {
		if o.watch > 0 {
			fmt.Fprintf(stdout, "--- %s\n", time.Now().Format(time.RFC3339))
		}
		code := c.run(cmd, &o, arg, stdout)
		if o.watch == 0 || code != ExitOK || (o.count > 0 && n >= o.count) {
			return code
		}
		time.Sleep(o.watch)
	}
}

// run resolves the cluster, fetches and prints; it returns the exit code.
func (c *client) run(cmd *clientCommand, o *clientOpts, arg string, stdout io.Writer) int {
	cluster := o.cluster
	if cmd.needsCluster && cluster == "" {
		var cerr *clientError
		cluster, cerr = c.onlyCluster()
		if cerr != nil {
			return c.fail(cerr)
		}
	}
	q := url.Values{}
	if cmd.sorts != nil {
		if o.filter != "" {
			q.Set("q", o.filter)
		}
		q.Set("sort", o.sort)
		if o.desc {
			q.Set("order", "desc")
		}
		q.Set("limit", strconv.Itoa(o.limit))
		if o.offset > 0 {
			q.Set("offset", strconv.Itoa(o.offset))
		}
	}
	if o.noInternal {
		q.Set("internal", "false")
	}
	if cmd.clusterQuery && cluster != "" {
		q.Set("cluster", cluster)
	}
	if cmd.severityFlag {
		q.Set("severity", o.severity)
		q.Set("limit", "1000")
	}
	if cmd.download {
		q.Set("hours", strconv.Itoa(o.hours))
	}
	body, cerr := c.fetch(cmd.path(cluster, arg), q, !cmd.download)
	if cerr != nil {
		return c.fail(cerr)
	}
	if cmd.download {
		return c.save(body, o.out, cluster, stdout)
	}
	if o.output == "json" {
		var buf bytes.Buffer
		if err := json.Indent(&buf, bytes.TrimSpace(body), "", "  "); err != nil {
			return c.fail(c.unexpected("the response is not JSON", body))
		}
		buf.WriteByte('\n')
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return c.fail(&clientError{code: ExitFailure, msg: "write output: " + err.Error()})
		}
		return ExitOK
	}
	var out bytes.Buffer
	if err := cmd.render(&out, body); err != nil {
		return c.fail(c.unexpected(err.Error(), body))
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return c.fail(&clientError{code: ExitFailure, msg: "write output: " + err.Error()})
	}
	if cmd.exitCode != nil {
		return cmd.exitCode(body)
	}
	return ExitOK
}

// save writes a downloaded file (never over an existing one) and says where.
func (c *client) save(body []byte, out, cluster string, stdout io.Writer) int {
	if out == "" {
		out = fmt.Sprintf("gregor-bundle-%s-%s.tar.gz", cluster, time.Now().UTC().Format("20060102T150405Z"))
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_, err = f.Write(body)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return c.fail(&clientError{code: ExitFailure, msg: "write " + out + ": " + err.Error()})
	}
	fmt.Fprintf(stdout, "wrote %s (%s)\n", out, fmtBytes(int64(len(body))))
	return ExitOK
}

const clientEnvHelp = `
Environment:
  GREGOR_SERVER                   the server's URL when --server is not given
  GREGOR_TOKEN                    an API token, sent as "Authorization: Bearer ..."
  GREGOR_USER, GREGOR_PASSWORD    HTTP basic credentials, used when GREGOR_TOKEN is not set

Exit codes: 0 ok, 1 the server answered with an error, 2 bad flags or arguments,
3 the server could not be reached, 4 authentication or authorization refused,
5 (doctor) a critical finding.
`

// parseClientArgs gives fs its usage text, parses args (flags before or after the positional
// argument) and checks the one positional argument named arg ("" for none). usageErr prints
// a usage error and returns ExitUsage; ok false means exit with code.
func parseClientArgs(fs *flag.FlagSet, name, arg, flagsHint, summary string, args []string, stderr io.Writer) (
	pos []string, usageErr func(format string, a ...any) int, code int, ok bool) {
	synopsis := "gregor " + name
	for _, s := range []string{arg, flagsHint} {
		if s != "" {
			synopsis += " " + s
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s [flags]\n\n%s.\n\nFlags:\n", synopsis, clientUpperFirst(summary))
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), clientEnvHelp)
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, ExitOK, false
		}
		return nil, nil, ExitUsage, false
	}
	usageErr = func(format string, a ...any) int {
		fmt.Fprintf(stderr, "gregor %s: %s\nRun 'gregor %s --help' for usage.\n", name, fmt.Sprintf(format, a...), name)
		return ExitUsage
	}
	switch {
	case arg == "" && len(pos) > 0:
		return nil, nil, usageErr("unexpected arguments: %s", strings.Join(pos, " ")), false
	case arg != "" && len(pos) == 0:
		return nil, nil, usageErr("missing %s argument", arg), false
	case arg != "" && len(pos) > 1:
		return nil, nil, usageErr("expected one %s argument, got %d: %s", arg, len(pos), strings.Join(pos, " ")), false
	case arg != "" && pos[0] == "":
		return nil, nil, usageErr("%s must not be empty", arg), false
	}
	return pos, usageErr, 0, true
}

// parseInterspersed parses flags that may come before or after positional arguments
// ("describe-topic orders --cluster prod"); everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

func clientUpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clientError is a failure with its exit code; msg and hint are printed after "gregor: ".
type clientError struct {
	code int
	msg  string
	hint string
}

// client talks to a gregor server's REST API.
type client struct {
	base     *url.URL
	shown    string // the server URL as printed: without any password in it
	hc       *http.Client
	timeout  time.Duration
	verbose  bool
	stderr   io.Writer
	authKind string // "", "token" or "basic"
	authVal  string // the Authorization header's value; never printed
	userOnly bool   // GREGOR_USER or GREGOR_PASSWORD set without the other
	secrets  []string
}

func newClient(server string, timeout time.Duration, environ []string, verbose bool, stderr io.Writer) (*client, error) {
	u, err := url.Parse(strings.TrimSpace(server))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		shown := "a malformed URL"
		if err == nil {
			shown = strconv.Quote(u.Redacted())
		}
		return nil, fmt.Errorf("--server must be an http:// or https:// URL with a host, not %s", shown)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	c := &client{base: u, shown: u.Redacted(), timeout: timeout, verbose: verbose, stderr: stderr}
	c.hc = &http.Client{Timeout: timeout}
	if p, ok := u.User.Password(); ok {
		c.secrets = append(c.secrets, p)
	}
	token := envValue(environ, "GREGOR_TOKEN")
	user, pass := envValue(environ, "GREGOR_USER"), envValue(environ, "GREGOR_PASSWORD")
	enc := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	// Every credential in the environment is a secret, used or not.
	for _, s := range []string{token, pass, enc} {
		if s != "" && (s != enc || (user != "" && pass != "")) {
			c.secrets = append(c.secrets, s)
		}
	}
	switch {
	case token != "":
		c.authKind, c.authVal = "token", "Bearer "+token
	case user != "" && pass != "":
		c.authKind, c.authVal = "basic", "Basic "+enc
	default:
		c.userOnly = user != "" || pass != ""
	}
	return c, nil
}

// redact hides the credentials in text that came from elsewhere (a server's message, a
// proxy's page), in case it echoes them. Very short secrets are left: replacing them would
// mangle the text and they would not be recognisable in it anyway.
func (c *client) redact(s string) string {
	for _, sec := range c.secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

func (c *client) logf(format string, a ...any) {
	if c.verbose {
		fmt.Fprintf(c.stderr, "gregor: "+format+"\n", a...)
	}
}

// fail prints e and returns its exit code.
func (c *client) fail(e *clientError) int {
	fmt.Fprintf(c.stderr, "gregor: %s\n", c.redact(e.msg))
	if e.hint != "" {
		fmt.Fprintf(c.stderr, "gregor: hint: %s\n", e.hint)
	}
	return e.code
}

// get fetches path with query and returns the body of a 2xx answer.
func (c *client) get(path string, q url.Values) ([]byte, *clientError) { return c.fetch(path, q, true) }

// fetch GETs path; a successful answer must be JSON when wantJSON (errors always are).
func (c *client) fetch(path string, q url.Values, wantJSON bool) ([]byte, *clientError) {
	return c.send(http.MethodGet, path, q, nil, wantJSON)
}

// send sends method to path with query q and, when body is not nil, that JSON body; it
// returns the body of a 2xx answer (JSON when wantJSON; errors always are).
func (c *client) send(method, path string, q url.Values, body []byte, wantJSON bool) ([]byte, *clientError) {
	u := *c.base
	u.RawPath = c.base.EscapedPath() + path
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	}
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, &clientError{code: ExitUsage, msg: "bad request URL: " + err.Error()}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if wantJSON {
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("User-Agent", "gregor-cli/"+version())
	if c.authVal != "" {
		req.Header.Set("Authorization", c.authVal)
	}
	auth := "no credentials"
	switch c.authKind {
	case "token":
		auth = "bearer token from GREGOR_TOKEN"
	case "basic":
		auth = "basic auth from GREGOR_USER/GREGOR_PASSWORD"
	}
	c.logf("%s %s (%s)", method, u.Redacted(), auth)
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.unreachable(err)
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, c.unreachable(err)
	}
	c.logf("%s in %s, %d bytes", resp.Status, time.Since(start).Round(time.Millisecond), len(body))
	if len(body) > maxBodyBytes {
		return nil, &clientError{code: ExitFailure, msg: fmt.Sprintf("the response from %s is larger than %d MiB", c.shown, maxBodyBytes>>20)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if wantJSON && !json.Valid(body) {
			return nil, c.unexpectedStatus(resp, "not JSON", body)
		}
		return body, nil
	}
	msg := envelopeMessage(body)
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		if msg == "" {
			msg = "the server answered " + resp.Status
		}
		return nil, &clientError{code: ExitAuth, msg: msg, hint: c.authHint(resp.StatusCode)}
	}
	if msg == "" {
		return nil, c.unexpectedStatus(resp, "not an API error", body)
	}
	return nil, &clientError{code: ExitFailure, msg: msg}
}

// envelopeMessage is the message of an API error envelope, or "" when body is not one.
func envelopeMessage(body []byte) string {
	var env struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil || env.Error == nil {
		return ""
	}
	if env.Error.Message != "" {
		return env.Error.Message
	}
	return env.Error.Code
}

func (c *client) authHint(status int) string {
	switch {
	case c.authKind == "token" && status == http.StatusForbidden:
		return "the token in GREGOR_TOKEN is not allowed to do this; set GREGOR_TOKEN, or GREGOR_USER and GREGOR_PASSWORD, to credentials that are"
	case c.authKind == "basic" && status == http.StatusForbidden:
		return "the user in GREGOR_USER is not allowed to do this; set GREGOR_TOKEN, or GREGOR_USER and GREGOR_PASSWORD, to credentials that are"
	case c.authKind == "token":
		return "the token in GREGOR_TOKEN was refused; set a valid GREGOR_TOKEN, or GREGOR_USER and GREGOR_PASSWORD"
	case c.authKind == "basic":
		return "the credentials in GREGOR_USER and GREGOR_PASSWORD were refused; check them, or set GREGOR_TOKEN"
	case c.userOnly:
		return "set both GREGOR_USER and GREGOR_PASSWORD (only one is set), or set GREGOR_TOKEN"
	}
	return "set GREGOR_TOKEN, or GREGOR_USER and GREGOR_PASSWORD, to authenticate"
}

// unreachable describes a failure to talk to the server at all.
func (c *client) unreachable(err error) *clientError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	reason := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		reason = fmt.Sprintf("no answer within %s (see --timeout)", c.timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		reason = "connection refused"
	case errors.Is(err, os.ErrDeadlineExceeded):
		reason = fmt.Sprintf("no answer within %s (see --timeout)", c.timeout)
	}
	return &clientError{code: ExitUnreachable, msg: fmt.Sprintf("cannot reach %s: %s", c.shown, reason)}
}

// unexpectedStatus is an answer that is not the API's: not JSON, or an error without the
// error envelope (a proxy's page, another service on that port).
func (c *client) unexpectedStatus(resp *http.Response, what string, body []byte) *clientError {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = "none"
	}
	msg := fmt.Sprintf("unexpected response from %s: %s with Content-Type %s, %s", c.shown, resp.Status, ct, what)
	if s := bodySnippet(body); s != "" {
		msg += ": " + s
	}
	e := &clientError{code: ExitFailure, msg: msg}
	if resp.StatusCode < 300 || resp.StatusCode == http.StatusNotFound {
		e.hint = "is " + c.shown + " a gregor server? Set --server or GREGOR_SERVER"
	}
	return e
}

// unexpected is a 2xx answer this client does not understand.
func (c *client) unexpected(what string, body []byte) *clientError {
	msg := fmt.Sprintf("unexpected response from %s: %s", c.shown, what)
	if !json.Valid(body) {
		if s := bodySnippet(body); s != "" {
			msg += ": " + s
		}
	}
	return &clientError{code: ExitFailure, msg: msg}
}

// snippet is the start of body, on one line, for an error message.
func bodySnippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	if s == "" {
		return ""
	}
	return strconv.Quote(s)
}

// onlyCluster is the server's one cluster, for commands run without --cluster.
func (c *client) onlyCluster() (string, *clientError) {
	body, cerr := c.get("/api/v1/clusters", nil)
	if cerr != nil {
		return "", cerr
	}
	var list struct {
		Clusters *[]struct {
			Name string `json:"name"`
		} `json:"clusters"`
	}
	if err := json.Unmarshal(body, &list); err != nil || list.Clusters == nil {
		return "", c.unexpected(`no "clusters" list`, body)
	}
	names := make([]string, 0, len(*list.Clusters))
	for _, cl := range *list.Clusters {
		names = append(names, cl.Name)
	}
	switch len(names) {
	case 1:
		c.logf("using cluster %q, the server's only one", names[0])
		return names[0], nil
	case 0:
		return "", &clientError{code: ExitUsage, msg: "--cluster is required, and the server has no clusters"}
	}
	return "", &clientError{code: ExitUsage, msg: fmt.Sprintf("--cluster is required: the server has %d clusters: %s", len(names), strings.Join(names, ", "))}
}

// dialServer is the client of server, else $GREGOR_SERVER, else the default.
func dialServer(server string, timeout time.Duration, environ []string, verbose bool, stderr io.Writer) (*client, error) {
	if server == "" {
		server = envValue(environ, "GREGOR_SERVER")
	}
	if server == "" {
		server = defaultServer
	}
	return newClient(server, timeout, environ, verbose, stderr)
}

// sendAndPrint sends a request and prints the answer: indented JSON (-o json), or through
// render; then the exit code (exitCode of the answer, if given). warnJSON goes to stderr
// with -o json (what the table would have said besides).
func (c *client) sendAndPrint(stdout, stderr io.Writer, method, path string, query url.Values, body []byte, output string,
	render func(io.Writer, []byte) error, exitCode func([]byte) int, warnJSON string) int {
	answer, cerr := c.send(method, path, query, body, true)
	if cerr != nil {
		return c.fail(cerr)
	}
	var out bytes.Buffer
	if output == "json" {
		if err := json.Indent(&out, bytes.TrimSpace(answer), "", "  "); err != nil {
			return c.fail(c.unexpected("the response is not JSON", answer))
		}
		out.WriteByte('\n')
		if warnJSON != "" {
			fmt.Fprintln(stderr, warnJSON)
		}
	} else if err := render(&out, answer); err != nil {
		return c.fail(c.unexpected(err.Error(), answer))
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return c.fail(&clientError{code: ExitFailure, msg: "write output: " + err.Error()})
	}
	if exitCode != nil {
		return exitCode(answer)
	}
	return ExitOK
}
