package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

const ssUserPassword = "ss-user-pw-123456"

// ssRunAs runs a client command as user (password pw) and returns stdout, stderr and the
// exit code.
func ssRunAs(t *testing.T, url, user, pw string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, append(args, "--server", url)...)
	cmd.Env = append(os.Environ(), "GREGOR_USER="+user, "GREGOR_PASSWORD="+pw, "GREGOR_TOKEN=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return stdout.String(), stderr.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), 0
}

// ssAPI calls the API as the admin with a JSON body.
func ssAPI(t *testing.T, url, method, path string, body any, want int) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, url+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("admin", adminPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		t.Fatalf("%s %s: %s, want %d: %s", method, path, resp.Status, want, buf.String())
	}
}

var ssIDRE = regexp.MustCompile(`request (\d+):`)

// ssID is the request id in a command's output ("Filed request 12: ...").
func ssID(t *testing.T, out string) string {
	t.Helper()
	m := ssIDRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no request id in:\n%s", out)
	}
	return m[1]
}

var ssPasswordRE = regexp.MustCompile(`(?m)^Password:\s+(\S+)$`)

// TestSelfServeCLIRealCluster runs the self-service commands of the real binary against a
// real server over the SCRAM cluster with its authorizer: teams, applications, credentials
// (printed once, rotated), a topic request approved by an admin and created on Kafka, access
// requests decided (approved, rejected) by the topic's owning team, a cancelled one, the
// request lists and the discovery answer.
func TestSelfServeCLIRealCluster(t *testing.T) {
	testkit.Need(t, sc)
	ctx := context.Background()
	adm := sc.AdminT(t)
	cfg := writeConfig(t, fmt.Sprintf("collect:\n  interval: 2s\nclusters:\n  - name: secure\n    bootstrap: [%s]\n"+
		"    sasl: {mechanism: SCRAM-SHA-512, username: %s, password_env: KAFKA_PW}\n    regions:\n      - {name: r1, brokers: [1]}\n",
		strings.Join(sc.Bootstrap(), ", "), testkit.AdminUser))
	p := startGregor(t, []string{"KAFKA_PW=" + testkit.AdminPassword}, "--config", cfg)
	waitReady(t, p)

	for u, role := range map[string]string{"ann": "viewer", "bob": "viewer", "opal": "operator"} {
		ssAPI(t, p.URL, "POST", "/api/v1/users", map[string]string{"name": u, "password": ssUserPassword, "role": role}, 201)
	}
	var secrets []string // app passwords: printed only by `credentials`
	run := func(user string, want int, args ...string) string {
		t.Helper()
		pw := ssUserPassword
		if user == "admin" {
			pw = adminPassword
		}
		stdout, stderr, code := ssRunAs(t, p.URL, user, pw, args...)
		out := stdout + stderr
		t.Logf("%s$ gregor %s\n%s", user, strings.Join(args, " "), out)
		if code != want {
			t.Fatalf("%s: gregor %s: exit %d, want %d\n%s", user, strings.Join(args, " "), code, want, out)
		}
		for _, s := range append([]string{adminPassword, ssUserPassword, testkit.AdminPassword}, secrets...) {
			if strings.Contains(out, s) && args[0] != "credentials" {
				t.Fatalf("a password was printed:\n%s", out)
			}
		}
		return out
	}
	has := func(out string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(clean(out), clean(w)) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
	}

	// Teams, by the admin.
	teamA, teamB := msgE2EName("cli-ss-team-a"), msgE2EName("cli-ss-team-b")
	appA, appB := msgE2EName("cli-ss-app-a"), msgE2EName("cli-ss-app-b")
	topic := msgE2EName("cli-ss-orders")
	has(run("admin", 0, "teams", "create", teamA, "--description", "team A"), fmt.Sprintf("Created team %q", teamA))
	run("admin", 0, "teams", "create", teamB)
	has(run("admin", 0, "teams", "add-member", teamA, "ann"), fmt.Sprintf(`User "ann" is a member of team %q.`, teamA))
	run("admin", 0, "teams", "add-member", teamB, "bob")
	has(run("ann", 0, "teams"), teamA+" ann team A", teamB+" bob -")
	has(run("ann", 4, "teams", "create", msgE2EName("cli-ss-nope")), "role viewer may not change anything")
	has(run("admin", 1, "teams", "add-member", teamA, "nobody"), "not found")

	// Applications, by the teams' members.
	has(run("ann", 0, "application", "create", appA, "--team", teamA), fmt.Sprintf("Created application %q of team %q.", appA, teamA))
	has(run("bob", 4, "application", "create", msgE2EName("cli-ss-app-x"), "--team", teamA), "only members of team")
	run("bob", 0, "application", "create", appB, "--team", teamB)
	out := run("ann", 0, "applications")
	has(out, appA+" "+teamA+" yes", appB+" "+teamB+" no", "Your teams: "+teamA)
	if strings.Index(out, appA) > strings.Index(out, appB) {
		t.Errorf("ann's application not listed first:\n%s", out)
	}

	// A credential: the password is printed once, with the warning; a second call rotates it.
	canLogIn := func(user, pw string) bool {
		cl, err := kgo.NewClient(kgo.SeedBrokers(sc.Bootstrap()...), kgo.SASL(scram.Auth{User: user, Pass: pw}.AsSha512Mechanism()))
		if err != nil {
			return false
		}
		defer cl.Close()
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return cl.Ping(pctx) == nil
	}
	out = run("ann", 0, "credentials", appA, "--cluster", "secure")
	has(out, fmt.Sprintf("Created the SCRAM credential of application %q on cluster %q.", appA, "secure"),
		"Username: "+appA, "SASL mechanism: SCRAM-SHA-512", "Security protocol: SASL_PLAINTEXT",
		"Bootstrap servers: "+strings.Join(sc.Bootstrap(), ","), "WARNING: this password is shown only this once")
	m := ssPasswordRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no password in:\n%s", out)
	}
	pw1 := m[1]
	secrets = append(secrets, pw1)
	secEventually(t, "the application logs in to Kafka with its password", func() bool { return canLogIn(appA, pw1) })
	out = run("ann", 0, "credentials", appA, "--cluster", "secure")
	has(out, "Rotated the password of application", "the old password no longer works")
	m = ssPasswordRE.FindStringSubmatch(out)
	if m == nil || m[1] == pw1 {
		t.Fatalf("no new password in:\n%s", out)
	}
	pw2 := m[1]
	secrets = append(secrets, pw2)
	secEventually(t, "the rotated password works and the old one does not", func() bool { return canLogIn(appA, pw2) && !canLogIn(appA, pw1) })
	has(run("bob", 4, "credentials", appA, "--cluster", "secure"), "only its members")
	// -o json: the server's JSON on stdout, the warning on stderr.
	stdout, stderr, code := ssRunAs(t, p.URL, "bob", ssUserPassword, "credentials", appB, "--cluster", "secure", "-o", "json")
	var sec struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Rotated  bool   `json:"rotated"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &sec) != nil || sec.Username != appB || sec.Password == "" || sec.Rotated ||
		!strings.Contains(stderr, "shown only this once") {
		t.Fatalf("credentials -o json: exit %d, %+v\nstdout:\n%s\nstderr:\n%s", code, sec, stdout, stderr)
	}
	secrets = append(secrets, sec.Password)

	// A topic request: the Kafka team decides it; the admin approves and Gregor creates it.
	out = run("ann", 0, "request", "topic", topic, "--cluster", "secure", "--application", appA, "--region", "r1",
		"--partitions", "2", "--replication-factor", "1", "--retention", "1d", "--throughput", "1MB/s",
		"--config", "cleanup.policy=delete", "--reason", "orders for the shop")
	has(out, fmt.Sprintf("topic %q (region r1, 2 partitions, replication factor 1, retention 1d, expecting", topic),
		"is PENDING", "Waiting for the Kafka team", "Configs: cleanup.policy=delete", "Reason: orders for the shop", "Requester: ann")
	topicReq := ssID(t, out)
	has(run("ann", 4, "approve", topicReq), "decided by the Kafka team")
	has(run("bob", 1, "request", "show", topicReq), "not found")
	has(run("opal", 0, "requests", "--scope", "inbox"), topicReq+" topic pending* "+appA+" secure "+topic+" ann -", "yours to decide")
	has(run("ann", 0, "requests"), topicReq+" topic pending "+appA)
	out = run("admin", 0, "approve", topicReq, "--comment", "ok")
	has(out, "Approved request "+topicReq, "is APPLIED", "Decided by: admin", "Comment: ok")
	secEventually(t, "kadm sees the requested topic with 2 partitions", func() bool {
		td, err := adm.ListTopics(ctx, topic)
		return err == nil && td.Error() == nil && len(td[topic].Partitions) == 2
	})
	has(run("admin", 1, "approve", topicReq), "is applied, not pending")
	has(run("admin", 1, "retry-request", topicReq), "only a failed request (or one approved over")
	stdout, _, code = ssRunAs(t, p.URL, "ann", ssUserPassword, "request", "show", topicReq, "-o", "json")
	var view struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
		Spec  struct {
			Region      string `json:"region"`
			RetentionMs int64  `json:"retention_ms"`
			BytesPerSec int64  `json:"expected_bytes_per_sec"`
		} `json:"spec"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &view) != nil || fmt.Sprint(view.ID) != topicReq || view.State != "applied" ||
		view.Spec.Region != "r1" || view.Spec.RetentionMs != 86400000 || view.Spec.BytesPerSec != 1000000 {
		t.Fatalf("request show -o json: exit %d %+v\n%s", code, view, stdout)
	}

	// Access: bob asks to consume ann's topic; ann's team decides (her inbox), and rejects it.
	out = run("bob", 0, "request", "access", topic, "--cluster", "secure", "--application", appB, "--consume", "--group", appB+".g")
	has(out, fmt.Sprintf("consume access to topic %q with group %q", topic, appB+".g"), "is PENDING", "the topic's owning team")
	consumeReq := ssID(t, out)
	has(run("bob", 4, "approve", consumeReq), "the topic's owning team or the Kafka team")
	out = run("ann", 0, "requests", "--scope", "inbox")
	has(out, consumeReq+" access pending* "+appB+" secure "+topic+" bob -")
	if strings.Contains(out, " "+topicReq+" ") {
		t.Errorf("ann's inbox lists the decided topic request:\n%s", out)
	}
	has(run("ann", 0, "reject", consumeReq, "--comment", "not now"), "Rejected request "+consumeReq, "is REJECTED", "Decided by: ann", "Comment: not now")
	has(run("bob", 0, "request", "show", consumeReq), "is REJECTED", "Comment: not now")

	// bob files another and withdraws it.
	out = run("bob", 0, "request", "access", topic, "--cluster", "secure", "--application", appB, "--produce")
	produceReq := ssID(t, out)
	has(run("ann", 4, "cancel-request", produceReq), "only the requester")
	has(run("bob", 0, "cancel-request", produceReq), "Cancelled request "+produceReq, "is CANCELLED")
	has(run("bob", 0, "requests"), produceReq+" access cancelled "+appB, consumeReq+" access rejected "+appB)
	has(run("bob", 0, "requests", "--state", "rejected"), consumeReq+" access rejected")
	if out := run("bob", 0, "requests", "--state", "rejected"); strings.Contains(out, produceReq+" access") {
		t.Errorf("--state rejected lists the cancelled request:\n%s", out)
	}
	has(run("ann", 0, "requests", "--scope", "inbox"), "No requests.")
	has(run("bob", 4, "requests", "--scope", "all"), "only the Kafka team")

	// ann's produce access, approved by her own team; an admin applies a quota directly.
	out = run("ann", 0, "request", "access", topic, "--cluster", "secure", "--application", appA, "--produce")
	has(out, "You may decide it")
	has(run("ann", 0, "approve", ssID(t, out)), "is APPLIED")
	has(run("ann", 4, "request", "quota", "--cluster", "secure", "--application", appA, "--producer-byte-rate", "1MB", "--apply"), "only an admin")
	has(run("admin", 0, "request", "quota", "--cluster", "secure", "--application", appA, "--producer-byte-rate", "1MB", "--consumer-byte-rate", "2MB", "--apply"),
		"quota produce", "is APPLIED")

	// What ann's application has, and how it connects.
	has(run("ann", 0, "application", "show", appA), "Application: "+appA, "Team: "+teamA, "secure "+appA+" SCRAM-SHA-512",
		"secure "+topic+" r1", "secure "+topic+" produce -")
	secEventually(t, "application show lists the quotas Kafka has", func() bool {
		out, _, _ := ssRunAs(t, p.URL, "ann", ssUserPassword, "application", "show", appA)
		return strings.Contains(clean(out), "secure consumer_byte_rate=2000000, producer_byte_rate=1000000")
	})
	// Its traffic next to the quota comes from the brokers' quota sensors; this server does
	// not scrape broker metrics, so it says so (the measured case: selfserve's quota test).
	has(run("ann", 0, "application", "show", appA), "Traffic (Kafka's quota sensors, now):", "secure not measured")
	has(run("ann", 0, "discovery", appA), fmt.Sprintf("Application %q connects to 1 cluster(s).", appA), "SASL username: "+appA,
		"Security protocol: SASL_PLAINTEXT", topic+" owner,produce -")
	has(run("bob", 4, "discovery", appA), "only the application itself")

	// Partitions of the owned topic, asked and approved by the owners.
	out = run("ann", 0, "request", "partitions", topic, "--cluster", "secure", "--application", appA, "--count", "3")
	has(run("ann", 0, "approve", ssID(t, out)), "3 partitions in total", "is APPLIED")
	secEventually(t, "kadm sees 3 partitions", func() bool {
		td, err := adm.ListTopics(ctx, topic)
		return err == nil && td.Error() == nil && len(td[topic].Partitions) == 3
	})

	// Clean up what lives on the shared cluster: the applications' credentials and ACLs.
	has(run("ann", 2, "application", "delete", appA), "--confirm")
	has(run("ann", 0, "application", "delete", appA, "--confirm", appA), fmt.Sprintf("Deleted application %q.", appA))
	run("bob", 0, "application", "delete", appB, "--confirm", appB)
	if _, err := adm.DeleteTopics(ctx, topic); err != nil {
		t.Log(err)
	}
}

// TestSelfServeCLIFlags: bad flags and arguments are usage errors (exit 2) before anything
// is sent; the server given is unreachable, so a command that passed its checks exits 3.
func TestSelfServeCLIFlags(t *testing.T) {
	const dead = "http://127.0.0.1:1"
	for _, c := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"request"}, 2, "missing subcommand"},
		{[]string{"request", "bogus"}, 2, `unknown subcommand "bogus"`},
		{[]string{"request", "topic"}, 2, "missing NAME argument"},
		{[]string{"request", "topic", "t", "--cluster", "c"}, 2, "--application is required"},
		{[]string{"request", "topic", "t", "--application", "a", "--retention", "7x"}, 2, "--retention wants"},
		{[]string{"request", "topic", "t", "--application", "a", "--retention", "-5"}, 2, "--retention wants"},
		{[]string{"request", "topic", "t", "--application", "a", "--throughput", "fast"}, 2, "--throughput wants"},
		{[]string{"request", "topic", "t", "--application", "a", "--partitions", "0"}, 2, "--partitions must be"},
		{[]string{"request", "topic", "t", "--application", "a", "--replication-factor", "0"}, 2, "--replication-factor must be"},
		{[]string{"request", "topic", "t", "--application", "a", "--config", "novalue"}, 2, "--config wants key=value"},
		{[]string{"request", "topic", "t", "u", "--application", "a"}, 2, "expected 1 argument(s)"},
		{[]string{"request", "topic", "t", "--application", "a", "--nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"request", "topic", "t", "--application", "a", "-o", "yaml"}, 2, "-o must be table or json"},
		{[]string{"request", "access", "t", "--application", "a"}, 2, "exactly one of --produce and --consume"},
		{[]string{"request", "access", "t", "--application", "a", "--produce", "--consume"}, 2, "exactly one of --produce and --consume"},
		{[]string{"request", "access", "t", "--application", "a", "--produce", "--group", "g"}, 2, "--group is for --consume only"},
		{[]string{"request", "quota", "--application", "a"}, 2, "--producer-byte-rate and/or --consumer-byte-rate"},
		{[]string{"request", "quota", "--application", "a", "--producer-byte-rate", "-5"}, 2, "--producer-byte-rate wants"},
		{[]string{"request", "quota", "t", "--application", "a", "--producer-byte-rate", "5"}, 2, "unexpected arguments: t"},
		{[]string{"request", "partitions", "t", "--application", "a"}, 2, "--count is required"},
		{[]string{"request", "partitions", "t", "--application", "a", "--count", "0"}, 2, "--count must be"},
		{[]string{"request", "show", "abc"}, 2, "ID must be a request's number"},
		{[]string{"requests", "--scope", "everyone"}, 2, "--scope must be one of mine, team, inbox, all"},
		{[]string{"requests", "--state", "done"}, 2, "--state must be one of"},
		{[]string{"requests", "--kind", "acl"}, 2, "--kind must be one of"},
		{[]string{"requests", "--scope", "inbox", "--state", "applied"}, 2, "pending requests only"},
		{[]string{"requests", "--limit", "0"}, 2, "--limit must be from 1 to 1000"},
		{[]string{"approve"}, 2, "missing ID argument"},
		{[]string{"approve", "-3"}, 2, "flag provided but not defined"},
		{[]string{"approve", "x1"}, 2, "ID must be a request's number"},
		{[]string{"reject", "1", "2"}, 2, "expected 1 argument(s)"},
		{[]string{"cancel-request", "0"}, 2, "ID must be a request's number"},
		{[]string{"retry-request"}, 2, "missing ID argument"},
		{[]string{"teams", "add-member", "t"}, 2, "missing USER argument"},
		{[]string{"teams", "create"}, 2, "missing NAME argument"},
		{[]string{"application"}, 2, "missing subcommand"},
		{[]string{"application", "create", "a"}, 2, "--team is required"},
		{[]string{"application", "delete", "a", "--confirm", "b"}, 2, "--confirm a"},
		{[]string{"applications", "x"}, 2, "unexpected arguments: x"},
		{[]string{"credentials"}, 2, "missing APP argument"},
		{[]string{"credentials", "a", "--cluster", ""}, 2, "--cluster must not be empty"},
		{[]string{"discovery", ""}, 2, "APP must not be empty"},
		{[]string{"approve", "1", "--timeout", "0s"}, 2, "--timeout must be positive"},
		// Valid: they reach for the (dead) server.
		{[]string{"approve", "1", "--comment", "ok"}, 3, "cannot reach"},
		{[]string{"request", "topic", "t", "--cluster", "c", "--application", "a", "--retention", "3600000", "--throughput", "5MB/s"}, 3, "cannot reach"},
		{[]string{"teams"}, 3, "cannot reach"},
	} {
		stdout, stderr, code := ssRunAs(t, dead, "admin", adminPassword, c.args...)
		if code != c.want || !strings.Contains(stderr, c.msg) {
			t.Errorf("gregor %s: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", strings.Join(c.args, " "), code, c.want, c.msg, stdout, stderr)
		}
	}
	// Help is not an error.
	for _, args := range [][]string{{"request", "help"}, {"request", "topic", "--help"}, {"teams", "--help"}, {"application", "help"}} {
		stdout, stderr, code := ssRunAs(t, dead, "admin", adminPassword, args...)
		if code != 0 || !strings.Contains(stdout+stderr, "Usage: gregor") {
			t.Errorf("gregor %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
		}
	}
}
