package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/gregor-kafka/gregor/internal/cli"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// secRunStdin runs a client command as the admin with stdin.
func secRunStdin(t *testing.T, url, stdin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, append(args, "--server", url)...)
	cmd.Env = append(os.Environ(), "GREGOR_USER=admin", "GREGOR_PASSWORD="+adminPassword, "GREGOR_TOKEN=")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// secEventually polls ok until it holds (brokers learn security changes through the
// metadata log a moment after Kafka accepts them).
func secEventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	waitFor(t, 30*time.Second, what, ok)
}

// TestSecurityCLIRealCluster runs acls, scram-users and quotas against the SCRAM cluster with
// its authorizer, checking each change with kadm, and that a new SCRAM password works.
func TestSecurityCLIRealCluster(t *testing.T) {
	testkit.Need(t, sc)
	ctx := context.Background()
	adm := sc.AdminT(t)
	cfg := writeConfig(t, fmt.Sprintf("collect:\n  interval: 2s\nclusters:\n  - name: secure\n    bootstrap: [%s]\n    sasl: {mechanism: SCRAM-SHA-512, username: %s, password_env: KAFKA_PW}\n",
		strings.Join(sc.Bootstrap(), ", "), testkit.AdminUser))
	p := startGregor(t, []string{"KAFKA_PW=" + testkit.AdminPassword}, "--config", cfg)
	waitReady(t, p)
	const pw1, pw2 = "first-Pa55word-e2e", "second-Pa55word-e2e"
	run := func(want int, stdin string, args ...string) string {
		t.Helper()
		out, code := secRunStdin(t, p.URL, stdin, args...)
		t.Logf("$ gregor %s\n%s", strings.Join(args, " "), out)
		if code != want {
			t.Fatalf("gregor %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
		}
		for _, s := range []string{adminPassword, testkit.AdminPassword, pw1, pw2} {
			if strings.Contains(out, s) {
				t.Fatalf("a password was printed:\n%s", out)
			}
		}
		return out
	}

	// --- ACLs ---
	user := msgE2EName("cli-sec-user")
	principal := "User:" + user
	topic := msgE2EName("cli-sec-topic")
	aclsOf := func() []kadm.DescribedACL {
		t.Helper()
		res, err := adm.DescribeACLs(ctx, kadm.NewACLs().Topics(topic).Allow().AllowHosts().Operations().ResourcePatternType(kadm.ACLPatternAny))
		if err != nil {
			t.Fatal(err)
		}
		var out []kadm.DescribedACL
		for _, r := range res {
			out = append(out, r.Described...)
		}
		return out
	}
	aclArgs := []string{"--principal", principal, "--resource-type", "topic", "--resource-name", topic, "--operation", "read", "--permission", "allow"}
	out := run(0, "", append([]string{"acls", "create", "--dry-run"}, aclArgs...)...)
	if !strings.Contains(out, "DRY RUN") || !strings.Contains(out, "Would create the ACL.") {
		t.Errorf("acls create --dry-run:\n%s", out)
	}
	if got := aclsOf(); len(got) != 0 {
		t.Fatalf("the dry run created ACLs: %+v", got)
	}
	out = run(0, "", append([]string{"acls", "create"}, aclArgs...)...)
	if !strings.Contains(out, "Created the ACL.") || !strings.Contains(clean(out), principal+" * topic "+topic+" literal read allow") {
		t.Errorf("acls create:\n%s", out)
	}
	secEventually(t, "kadm sees the ACL", func() bool {
		got := aclsOf()
		return len(got) == 1 && got[0].Principal == principal && got[0].Host == "*" && got[0].Operation == kmsg.ACLOperationRead &&
			got[0].Permission == kmsg.ACLPermissionTypeAllow && got[0].Pattern == kmsg.ACLResourcePatternTypeLiteral
	})
	out = run(0, "", "acls", "--principal", principal) // list is the default
	if !strings.Contains(clean(out), principal+" * topic "+topic+" literal read allow") || !strings.Contains(out, "1 ACL(s).") {
		t.Errorf("acls --principal:\n%s", out)
	}
	out = run(0, "", "acls", "delete", "--principal", principal, "--dry-run")
	if !strings.Contains(out, "Would delete 1 ACL(s).") || len(aclsOf()) != 1 {
		t.Errorf("acls delete --dry-run:\n%s", out)
	}
	out = run(0, "", "acls", "delete", "--principal", principal, "--resource-type", "topic")
	if !strings.Contains(out, "Deleted 1 ACL(s).") {
		t.Errorf("acls delete:\n%s", out)
	}
	secEventually(t, "the ACL gone from kadm", func() bool { return len(aclsOf()) == 0 })
	out = run(1, "", "acls", "create", "--principal", principal, "--resource-type", "topic", "--resource-name", topic, "--operation", "fly", "--permission", "allow")
	if !strings.Contains(out, `operation "fly" is not one of`) {
		t.Errorf("acls create with a bad operation:\n%s", out)
	}

	// --- SCRAM users ---
	scramUser := msgE2EName("cli-sec-scram")
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(pw1+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	credsOf := func() []kadm.CredInfo {
		t.Helper()
		ds, err := adm.DescribeUserSCRAMs(ctx, scramUser)
		if err != nil {
			return nil
		}
		return ds[scramUser].CredInfos
	}
	canLogIn := func(pw string) bool {
		cl, err := kgo.NewClient(kgo.SeedBrokers(sc.Bootstrap()...), kgo.SASL(scram.Auth{User: scramUser, Pass: pw}.AsSha256Mechanism()))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return cl.Ping(pctx) == nil
	}
	out = run(0, "", "scram-users", "create", scramUser, "--mechanism", "scram-sha-256", "--password-file", pwFile, "--dry-run")
	if !strings.Contains(out, "DRY RUN") || len(credsOf()) != 0 {
		t.Errorf("scram-users create --dry-run:\n%s", out)
	}
	out = run(0, "", "scram-users", "create", scramUser, "--mechanism", "SCRAM-SHA-256", "--password-file", pwFile)
	if !strings.Contains(out, fmt.Sprintf("Created the SCRAM password of user %q: SCRAM-SHA-256 (8192 iterations).", scramUser)) {
		t.Errorf("scram-users create:\n%s", out)
	}
	secEventually(t, "kadm sees the SCRAM user", func() bool {
		c := credsOf()
		return len(c) == 1 && c[0].Mechanism == kadm.ScramSha256 && c[0].Iterations == 8192
	})
	secEventually(t, "the user logs in with the password from the file", func() bool { return canLogIn(pw1) })
	out = run(0, "", "scram-users", "list")
	if !strings.Contains(clean(out), scramUser+" SCRAM-SHA-256 (8192 iterations)") {
		t.Errorf("scram-users list:\n%s", out)
	}
	// The new password from stdin; the old one stops working.
	out = run(0, pw2+"\n", "scram-users", "set-password", scramUser, "--mechanism", "SCRAM-SHA-256", "--iterations", "4096")
	if !strings.Contains(out, "Changed the SCRAM password") {
		t.Errorf("scram-users set-password:\n%s", out)
	}
	secEventually(t, "the user logs in with the password from stdin", func() bool { return canLogIn(pw2) && !canLogIn(pw1) })
	out = run(1, pw2, "scram-users", "create", scramUser, "--mechanism", "SCRAM-SHA-256")
	if !strings.Contains(out, "already has a SCRAM-SHA-256 password") {
		t.Errorf("scram-users create again:\n%s", out)
	}
	out = run(0, "", "scram-users", "delete", scramUser)
	if !strings.Contains(out, "Deleted the SCRAM password") {
		t.Errorf("scram-users delete:\n%s", out)
	}
	secEventually(t, "the SCRAM user gone from kadm", func() bool { return len(credsOf()) == 0 })

	// --- quotas ---
	qUser := msgE2EName("cli-sec-quota")
	quotasOf := func() map[string]float64 {
		t.Helper()
		name := qUser
		qs, err := adm.DescribeClientQuotas(ctx, true, []kadm.DescribeClientQuotaComponent{{Type: "user", MatchName: &name, MatchType: kmsg.QuotasMatchTypeExact}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, q := range qs {
			for _, v := range q.Values {
				out[v.Key] = v.Value
			}
		}
		return out
	}
	out = run(0, "", "quotas", "set", "--user", qUser, "--producer-byte-rate", "1MiB", "--consumer-byte-rate", "2048", "--dry-run")
	if !strings.Contains(out, "DRY RUN") || !strings.Contains(clean(out), "producer_byte_rate - -> 1048576") || len(quotasOf()) != 0 {
		t.Errorf("quotas set --dry-run:\n%s", out)
	}
	out = run(0, "", "quotas", "set", "--user", qUser, "--producer-byte-rate", "1MiB", "--consumer-byte-rate", "2048", "--request-percentage", "50")
	if !strings.Contains(out, "Changed the client quotas of user="+qUser) || !strings.Contains(clean(out), "consumer_byte_rate - -> 2048") {
		t.Errorf("quotas set:\n%s", out)
	}
	secEventually(t, "kadm sees the quotas", func() bool {
		q := quotasOf()
		return q["producer_byte_rate"] == 1048576 && q["consumer_byte_rate"] == 2048 && q["request_percentage"] == 50
	})
	out = run(0, "", "quotas", "list", "--user", qUser)
	if !strings.Contains(clean(out), "user="+qUser+" consumer_byte_rate=2048, producer_byte_rate=1048576, request_percentage=50") {
		t.Errorf("quotas list:\n%s", out)
	}
	out = run(0, "", "quotas", "set", "--user", qUser, "--remove", "producer-byte-rate", "--remove", "request_percentage")
	if !strings.Contains(clean(out), "producer_byte_rate 1048576 -> (removed)") {
		t.Errorf("quotas set --remove:\n%s", out)
	}
	secEventually(t, "the removed quotas gone from kadm", func() bool {
		q := quotasOf()
		_, p := q["producer_byte_rate"]
		_, r := q["request_percentage"]
		return !p && !r && q["consumer_byte_rate"] == 2048
	})
	run(0, "", "quotas", "set", "--user", qUser, "--remove", "consumer_byte_rate")
}

// TestSecurityCLIBadFlags: bad flags exit 2 with a clear message, before any request; a
// password is never taken from a flag.
func TestSecurityCLIBadFlags(t *testing.T) {
	env := []string{"GREGOR_SERVER=http://127.0.0.1:1"}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"acls", "grant"}, `unknown subcommand "grant": use one of list, create, delete`},
		{[]string{"acls", "create", "--principal", "User:a"}, "creating an ACL needs --resource-type, --operation, --permission"},
		{[]string{"acls", "create", "--principal", "alice", "--resource-type", "topic", "--operation", "read", "--permission", "allow"}, `--principal must be TYPE:NAME, e.g. User:alice, not "alice"`},
		{[]string{"acls", "delete"}, "give at least --principal, --resource-type or --resource-name"},
		{[]string{"acls", "list", "--host", ""}, "--host must not be empty"},
		{[]string{"acls", "list", "--dry-run"}, "flag provided but not defined: -dry-run"},
		{[]string{"scram-users", "create"}, "missing NAME argument"},
		{[]string{"scram-users", "create", "bob", "--password", "x"}, "flag provided but not defined: -password"},
		{[]string{"scram-users", "create", "bob", "--mechanism", "PLAIN", "--password-file", empty}, `--mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512, not "PLAIN"`},
		{[]string{"scram-users", "create", "bob", "--password-file", empty}, "the password is empty"},
		{[]string{"scram-users", "create", "bob", "--password-file", filepath.Join(t.TempDir(), "none")}, "--password-file: open "},
		{[]string{"scram-users", "set-password", "bob", "--iterations", "100", "--password-file", empty}, "--iterations must be from 4096 to 16384"},
		{[]string{"scram-users", "delete", "bob", "--mechanism", "x"}, "--mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512"},
		{[]string{"scram-users", "list", "bob"}, "unexpected arguments: bob"},
		{[]string{"quotas", "set", "--producer-byte-rate", "1MB"}, "give --user, --client-id or both"},
		{[]string{"quotas", "set", "--user", "u"}, "nothing to change"},
		{[]string{"quotas", "set", "--user", "u", "--producer-byte-rate", "lots"}, "--producer-byte-rate wants a positive number of bytes"},
		{[]string{"quotas", "set", "--user", "u", "--request-percentage", "-5"}, "--request-percentage must be a positive number"},
		{[]string{"quotas", "set", "--user", "u", "--remove", "speed"}, `--remove wants one of producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate, not "speed"`},
		{[]string{"quotas", "set", "--user", "u", "--producer-byte-rate", "1MB", "--remove", "producer_byte_rate"}, "producer_byte_rate is both set and removed"},
		{[]string{"quotas", "set", "--user", ""}, "--user must not be empty"},
		{[]string{"quotas", "list", "--producer-byte-rate", "1"}, "flag provided but not defined: -producer-byte-rate"},
	} {
		var out, errOut bytes.Buffer
		code := cli.Main(c.args, &out, &errOut, env)
		if code != cli.ExitUsage || !strings.Contains(errOut.String(), c.want) || out.Len() != 0 {
			t.Errorf("%v: exit %d stdout %q stderr %q, want 2 and %q", c.args, code, out.String(), errOut.String(), c.want)
		}
	}
}
