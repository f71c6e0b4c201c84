package operate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

func secName(prefix string) string { return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()) }

func secKgo(t *testing.T, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// scramOpts reach sc as user/password with SCRAM-SHA-512 (or -256).
func secSCRAMOpts(user, pw string, sha256 bool) []kgo.Opt {
	a := scram.Auth{User: user, Pass: pw}
	m := a.AsSha512Mechanism()
	if sha256 {
		m = a.AsSha256Mechanism()
	}
	return []kgo.Opt{kgo.SeedBrokers(sc.Bootstrap()...), kgo.SASL(m), kgo.RequestRetries(0)}
}

// connect authenticates to sc as user and asks for the brokers; nil when it succeeds.
func secConnect(user, pw string, sha256 bool) error {
	cl, err := kgo.NewClient(secSCRAMOpts(user, pw, sha256)...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = kadm.NewClient(cl).ListBrokers(ctx)
	return err
}

// eventually retries f for up to 15 s (ACL and credential changes reach brokers through the
// metadata log, a moment after the controller accepts them).
func secEventually(t *testing.T, what string, f func() error) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if err = f(); err == nil {
			return
		}
	}
	t.Fatalf("%s: %v", what, err)
}

func secKind(t *testing.T, err error, k operate.Kind, substr string) {
	t.Helper()
	var oe *operate.Error
	if !errors.As(err, &oe) || oe.Kind != k || !strings.Contains(oe.Msg, substr) {
		t.Fatalf("error %v (%T), want kind %d containing %q", err, err, k, substr)
	}
}

func TestACLLifecycle(t *testing.T) {
	testkit.Need(t, sc)
	ctx := context.Background()
	adm := sc.AdminT(t)
	cl := secKgo(t, sc.ClientOpts()...)
	topic := secName("acl-t")
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	alice := kadm.NewClient(secKgo(t, secSCRAMOpts("alice", "alice-pw-1234", false)...))
	aliceSees := func() error {
		td, err := alice.ListTopics(ctx, topic)
		if err != nil {
			return err
		}
		return td[topic].Err
	}
	if err := aliceSees(); !errors.Is(err, kerr.TopicAuthorizationFailed) {
		t.Fatalf("alice before any ACL: %v, want TOPIC_AUTHORIZATION_FAILED", err)
	}

	acl := operate.ACL{Principal: "User:alice", ResourceType: "topic", ResourceName: topic, Operation: "describe", Permission: "allow"}
	plan, err := operate.CreateACL(ctx, cl, acl, true)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Exists || plan.Applied || plan.ACL.Host != "*" || plan.ACL.PatternType != "literal" {
		t.Fatalf("dry run plan %+v", plan)
	}
	if got, _ := operate.ListACLs(ctx, cl, operate.ACLFilter{ResourceName: topic}); len(got) != 0 {
		t.Fatalf("the dry run created ACLs: %+v", got)
	}
	if plan, err = operate.CreateACL(ctx, cl, acl, false); err != nil || !plan.Applied {
		t.Fatalf("create: %+v %v", plan, err)
	}
	// kadm sees it, exactly as asked.
	res, err := adm.DescribeACLs(ctx, kadm.NewACLs().Topics(topic).Allow().AllowHosts().Operations().
		ResourcePatternType(kadm.ACLPatternAny))
	if err != nil {
		t.Fatal(err)
	}
	var described []kadm.DescribedACL
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		described = append(described, r.Described...)
	}
	if len(described) != 1 || described[0].Principal != "User:alice" || described[0].Host != "*" ||
		described[0].Operation != kmsg.ACLOperationDescribe || described[0].Pattern != kmsg.ACLResourcePatternTypeLiteral {
		t.Fatalf("kadm DescribeACLs: %+v", described)
	}
	got, err := operate.ListACLs(ctx, cl, operate.ACLFilter{Principal: "User:alice", ResourceType: "topic", ResourceName: topic, PatternType: "literal"})
	if err != nil || len(got) != 1 || got[0] != plan.ACL {
		t.Fatalf("ListACLs: %+v %v, want [%+v]", got, err, plan.ACL)
	}
	secEventually(t, "alice describes the topic after the ACL", aliceSees)
	if plan, err = operate.CreateACL(ctx, cl, acl, true); err != nil || !plan.Exists {
		t.Fatalf("dry run of an existing ACL: %+v %v", plan, err)
	}

	// A prefixed group ACL too; delete by filter: the dry run lists both and deletes nothing.
	pre := operate.ACL{Principal: "User:alice", ResourceType: "group", ResourceName: topic[:8], PatternType: "prefixed", Operation: "read", Permission: "allow"}
	if _, err := operate.CreateACL(ctx, cl, pre, false); err != nil {
		t.Fatal(err)
	}
	f := operate.ACLFilter{Principal: "User:alice"}
	dp, err := operate.DeleteACLs(ctx, cl, f, true)
	if err != nil {
		t.Fatal(err)
	}
	var ours []operate.ACL
	for _, a := range dp.Matching {
		if strings.HasPrefix(a.ResourceName, "acl-t") {
			ours = append(ours, a)
		}
	}
	if len(ours) < 2 || dp.Applied {
		t.Fatalf("dry run of the delete: %+v", dp)
	}
	if got, _ := operate.ListACLs(ctx, cl, operate.ACLFilter{ResourceName: topic}); len(got) != 1 {
		t.Fatalf("the dry run deleted: %+v", got)
	}
	// Delete only the literal one by a narrower filter.
	dp, err = operate.DeleteACLs(ctx, cl, operate.ACLFilter{ResourceType: "topic", ResourceName: topic, PatternType: "literal"}, false)
	if err != nil || !dp.Applied || len(dp.Matching) != 1 || dp.Matching[0] != plan.ACL {
		t.Fatalf("delete: %+v %v", dp, err)
	}
	if got, _ := operate.ListACLs(ctx, cl, operate.ACLFilter{ResourceName: topic}); len(got) != 0 {
		t.Fatalf("after the delete: %+v", got)
	}
	if got, _ := operate.ListACLs(ctx, cl, operate.ACLFilter{ResourceName: topic[:8], PatternType: "prefixed"}); len(got) != 1 {
		t.Fatalf("the prefixed ACL is gone too: %+v", got)
	}
	secEventually(t, "alice is refused again after the delete", func() error {
		if err := aliceSees(); !errors.Is(err, kerr.TopicAuthorizationFailed) {
			return fmt.Errorf("alice: %v", err)
		}
		return nil
	})
	if _, err := operate.DeleteACLs(ctx, cl, operate.ACLFilter{ResourceName: topic[:8], PatternType: "prefixed"}, false); err != nil {
		t.Fatal(err)
	}
}

func TestACLBadInput(t *testing.T) {
	testkit.Need(t, sc)
	ctx := context.Background()
	cl := secKgo(t, sc.ClientOpts()...)
	ok := operate.ACL{Principal: "User:alice", ResourceType: "topic", ResourceName: "x", Operation: "read", Permission: "allow"}
	for _, tc := range []struct {
		mod  func(*operate.ACL)
		want string
	}{
		{func(a *operate.ACL) { a.Principal = "alice" }, "TYPE:NAME"},
		{func(a *operate.ACL) { a.ResourceType = "table" }, "resource_type"},
		{func(a *operate.ACL) { a.ResourceName = "" }, "resource_name is required"},
		{func(a *operate.ACL) { a.PatternType = "match" }, "pattern_type"},
		{func(a *operate.ACL) { a.Operation = "any" }, "operation"},
		{func(a *operate.ACL) { a.Permission = "maybe" }, "permission"},
		{func(a *operate.ACL) { a.ResourceType, a.ResourceName = "cluster", "c1" }, "kafka-cluster"},
	} {
		a := ok
		tc.mod(&a)
		_, err := operate.CreateACL(ctx, cl, a, false)
		secKind(t, err, operate.Invalid, tc.want)
	}
	_, err := operate.DeleteACLs(ctx, cl, operate.ACLFilter{}, true)
	secKind(t, err, operate.Invalid, "empty filter")
	_, err = operate.ListACLs(ctx, cl, operate.ACLFilter{PatternType: "match"})
	secKind(t, err, operate.Invalid, "needs a resource_name")
	// A cluster ACL gets the cluster's resource name.
	p, err := operate.CreateACL(ctx, cl, operate.ACL{Principal: "User:alice", ResourceType: "cluster", Operation: "describe", Permission: "deny"}, true)
	if err != nil || p.ACL.ResourceName != "kafka-cluster" {
		t.Fatalf("cluster ACL: %+v %v", p, err)
	}
}

// A cluster without an authorizer: every ACL call is a clear Invalid error.
func TestACLNoAuthorizer(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	cl := secKgo(t, kc.ClientOpts()...)
	_, err := operate.ListACLs(ctx, cl, operate.ACLFilter{})
	secKind(t, err, operate.Invalid, "the cluster has no authorizer")
	_, err = operate.CreateACL(ctx, cl, operate.ACL{Principal: "User:a", ResourceType: "topic", ResourceName: "t", Operation: "read", Permission: "allow"}, false)
	secKind(t, err, operate.Invalid, "the cluster has no authorizer")
	_, err = operate.DeleteACLs(ctx, cl, operate.ACLFilter{Principal: "User:a"}, false)
	secKind(t, err, operate.Invalid, "the cluster has no authorizer")
}

func TestSCRAMUserLifecycle(t *testing.T) {
	testkit.Need(t, sc)
	ctx := context.Background()
	adm := sc.AdminT(t)
	name := secName("bob")
	const pw1, pw2 = "first-password-1", "second-password-2"

	r := operate.SCRAMRequest{Name: name, Mechanism: "SCRAM-SHA-512", Password: pw1}
	plan, err := operate.CreateSCRAMUser(ctx, adm, r, true)
	if err != nil || plan.Applied || plan.Credentials[0].Iterations != operate.DefaultIterations {
		t.Fatalf("dry run: %+v %v", plan, err)
	}
	if _, err := operate.GetSCRAMUser(ctx, adm, name); err == nil {
		t.Fatal("the dry run created the user")
	}
	if plan, err = operate.CreateSCRAMUser(ctx, adm, r, false); err != nil || !plan.Applied {
		t.Fatalf("create: %+v %v", plan, err)
	}
	ds, err := adm.DescribeUserSCRAMs(ctx, name)
	if err != nil || ds[name].Err != nil || len(ds[name].CredInfos) != 1 || ds[name].CredInfos[0].Mechanism != kadm.ScramSha512 ||
		ds[name].CredInfos[0].Iterations != 8192 {
		t.Fatalf("kadm DescribeUserSCRAMs: %+v %v", ds, err)
	}
	users, err := operate.ListSCRAMUsers(ctx, adm)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, u := range users {
		found = found || (u.Name == name && len(u.Credentials) == 1 && u.Credentials[0].Mechanism == "SCRAM-SHA-512")
	}
	if !found {
		t.Fatalf("ListSCRAMUsers: %+v has no %s", users, name)
	}
	secEventually(t, "connecting with the new user", func() error { return secConnect(name, pw1, false) })

	_, err = operate.CreateSCRAMUser(ctx, adm, r, false)
	secKind(t, err, operate.Conflict, "already has")

	// A second mechanism, then a new password for the first.
	if _, err := operate.CreateSCRAMUser(ctx, adm, operate.SCRAMRequest{Name: name, Mechanism: "scram-sha-256", Password: pw1, Iterations: 4096}, false); err != nil {
		t.Fatal(err)
	}
	if plan, err = operate.UpdateSCRAMUser(ctx, adm, operate.SCRAMRequest{Name: name, Mechanism: "SCRAM-SHA-512", Password: pw2}, false); err != nil ||
		plan.Credentials[0].Iterations != 8192 {
		t.Fatalf("update: %+v %v", plan, err)
	}
	secEventually(t, "the new password works", func() error { return secConnect(name, pw2, false) })
	if err := secConnect(name, pw1, false); !errors.Is(err, kerr.SaslAuthenticationFailed) {
		t.Fatalf("the old password: %v, want SASL_AUTHENTICATION_FAILED", err)
	}
	if err := secConnect(name, pw1, true); err != nil {
		t.Fatalf("SCRAM-SHA-256 with its own password: %v", err)
	}

	// Delete one mechanism, then the rest.
	if plan, err = operate.DeleteSCRAMUser(ctx, adm, name, "SCRAM-SHA-256", true); err != nil || plan.Applied || len(plan.Credentials) != 1 {
		t.Fatalf("delete dry run: %+v %v", plan, err)
	}
	if err := secConnect(name, pw1, true); err != nil {
		t.Fatalf("the dry run deleted: %v", err)
	}
	if _, err := operate.DeleteSCRAMUser(ctx, adm, name, "SCRAM-SHA-256", false); err != nil {
		t.Fatal(err)
	}
	if plan, err = operate.DeleteSCRAMUser(ctx, adm, name, "", false); err != nil || len(plan.Credentials) != 1 || !plan.Applied {
		t.Fatalf("delete: %+v %v", plan, err)
	}
	secEventually(t, "connecting after the delete fails", func() error {
		if err := secConnect(name, pw2, false); !errors.Is(err, kerr.SaslAuthenticationFailed) {
			return fmt.Errorf("connect: %v", err)
		}
		return nil
	})
	_, err = operate.GetSCRAMUser(ctx, adm, name)
	secKind(t, err, operate.NotFound, "no SCRAM user")
	_, err = operate.DeleteSCRAMUser(ctx, adm, name, "", false)
	secKind(t, err, operate.NotFound, "no SCRAM user")
	_, err = operate.UpdateSCRAMUser(ctx, adm, operate.SCRAMRequest{Name: name, Mechanism: "SCRAM-SHA-512", Password: pw2}, false)
	secKind(t, err, operate.NotFound, "no SCRAM user")
}

func TestSCRAMBadInput(t *testing.T) {
	testkit.Need(t, sc)
	ctx := context.Background()
	adm := sc.AdminT(t)
	for _, tc := range []struct {
		r    operate.SCRAMRequest
		want string
	}{
		{operate.SCRAMRequest{Name: "x", Mechanism: "SCRAM-SHA-512", Password: "short7!"}, "at least 8"},
		{operate.SCRAMRequest{Name: "x", Mechanism: "PLAIN", Password: "long-enough"}, "mechanism"},
		{operate.SCRAMRequest{Name: " ", Mechanism: "SCRAM-SHA-512", Password: "long-enough"}, "name is required"},
		{operate.SCRAMRequest{Name: "x", Mechanism: "SCRAM-SHA-512", Password: "long-enough", Iterations: 100}, "iterations"},
	} {
		_, err := operate.CreateSCRAMUser(ctx, adm, tc.r, false)
		secKind(t, err, operate.Invalid, tc.want)
		if strings.Contains(err.Error(), tc.r.Password) {
			t.Errorf("the error %q shows the password", err)
		}
	}
	if got := (operate.SCRAMRequest{Name: "x", Password: "secret-123"}).Redacted(); got.Password != "[redacted]" {
		t.Errorf("Redacted: %+v", got)
	}
}

func TestQuotas(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	adm := kc.AdminT(t)
	user, client := secName("qu"), secName("qc")
	e := operate.QuotaEntity{User: &user}
	read := func(comps ...kadm.DescribeClientQuotaComponent) map[string]float64 {
		t.Helper()
		qs, err := adm.DescribeClientQuotas(ctx, true, comps)
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
	exact := func(typ, name string) kadm.DescribeClientQuotaComponent {
		return kadm.DescribeClientQuotaComponent{Type: typ, MatchName: &name, MatchType: kmsg.QuotasMatchTypeExact}
	}

	set := map[string]float64{"producer_byte_rate": 1048576, "consumer_byte_rate": 2097152, "request_percentage": 50}
	plan, err := operate.AlterQuotas(ctx, adm, operate.QuotaChange{Entity: e, Set: set}, true)
	if err != nil || plan.Applied || len(plan.Before) != 0 || len(plan.After) != 3 {
		t.Fatalf("dry run: %+v %v", plan, err)
	}
	if got := read(exact("user", user)); len(got) != 0 {
		t.Fatalf("the dry run set %v", got)
	}
	if plan, err = operate.AlterQuotas(ctx, adm, operate.QuotaChange{Entity: e, Set: set}, false); err != nil || !plan.Applied {
		t.Fatalf("set: %+v %v", plan, err)
	}
	secEventually(t, "the quotas read back", func() error {
		if got := read(exact("user", user)); fmt.Sprint(got) != fmt.Sprint(set) {
			return fmt.Errorf("got %v, want %v", got, set)
		}
		return nil
	})
	// Each broker learns the change a moment later: another one may answer the list.
	secEventually(t, "ListQuotas to show it", func() error {
		qs, err := operate.ListQuotas(ctx, adm, operate.QuotaFilter{User: user})
		if err != nil || len(qs) != 1 || *qs[0].Entity.User != user || qs[0].Values["request_percentage"] != 50 {
			return fmt.Errorf("ListQuotas: %+v %v", qs, err)
		}
		return nil
	})

	// user+client entity and the default client id.
	both := operate.QuotaEntity{User: &user, ClientID: &client}
	if _, err := operate.AlterQuotas(ctx, adm, operate.QuotaChange{Entity: both, Set: map[string]float64{"producer_byte_rate": 1000}}, false); err != nil {
		t.Fatal(err)
	}
	def := operate.DefaultEntity
	if _, err := operate.AlterQuotas(ctx, adm, operate.QuotaChange{Entity: operate.QuotaEntity{ClientID: &def}, Set: map[string]float64{"consumer_byte_rate": 5e6}}, false); err != nil {
		t.Fatal(err)
	}
	secEventually(t, "the user+client and default quotas", func() error {
		if got := read(exact("user", user), exact("client-id", client)); got["producer_byte_rate"] != 1000 {
			return fmt.Errorf("user+client: %v", got)
		}
		if got := read(kadm.DescribeClientQuotaComponent{Type: "client-id", MatchType: kmsg.QuotasMatchTypeDefault}); got["consumer_byte_rate"] != 5e6 {
			return fmt.Errorf("default client: %v", got)
		}
		return nil
	})
	all, err := operate.ListQuotas(ctx, adm, operate.QuotaFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var sawBoth, sawDefault bool
	for _, q := range all {
		sawBoth = sawBoth || (q.Entity.User != nil && *q.Entity.User == user && q.Entity.ClientID != nil && *q.Entity.ClientID == client)
		sawDefault = sawDefault || (q.Entity.User == nil && q.Entity.ClientID != nil && *q.Entity.ClientID == def)
	}
	if !sawBoth || !sawDefault {
		t.Fatalf("ListQuotas without a filter: %+v", all)
	}

	// Remove.
	if plan, err = operate.AlterQuotas(ctx, adm, operate.QuotaChange{Entity: e, Remove: []string{"producer_byte_rate", "consumer_byte_rate", "request_percentage"}}, false); err != nil ||
		len(plan.Before) != 3 || len(plan.After) != 0 {
		t.Fatalf("remove: %+v %v", plan, err)
	}
	for _, ent := range []operate.QuotaEntity{both, {ClientID: &def}} {
		if _, err := operate.AlterQuotas(ctx, adm, operate.QuotaChange{Entity: ent, Remove: []string{"producer_byte_rate", "consumer_byte_rate"}}, false); err != nil {
			t.Fatal(err)
		}
	}
	secEventually(t, "the quotas are gone", func() error {
		if got := read(exact("user", user)); len(got) != 0 {
			return fmt.Errorf("still %v", got)
		}
		return nil
	})
}

func TestQuotaBadInput(t *testing.T) {
	testkit.Need(t, kc)
	adm := kc.AdminT(t)
	u, empty := "u", ""
	for _, tc := range []struct {
		c    operate.QuotaChange
		want string
	}{
		{operate.QuotaChange{Set: map[string]float64{"producer_byte_rate": 1}}, "give a user"},
		{operate.QuotaChange{Entity: operate.QuotaEntity{User: &empty}, Set: map[string]float64{"producer_byte_rate": 1}}, "empty"},
		{operate.QuotaChange{Entity: operate.QuotaEntity{User: &u}}, "nothing to change"},
		{operate.QuotaChange{Entity: operate.QuotaEntity{User: &u}, Set: map[string]float64{"speed": 1}}, "unknown quota"},
		{operate.QuotaChange{Entity: operate.QuotaEntity{User: &u}, Set: map[string]float64{"producer_byte_rate": -1}}, "positive"},
		{operate.QuotaChange{Entity: operate.QuotaEntity{User: &u}, Set: map[string]float64{"producer_byte_rate": 1.5}}, "whole number"},
		{operate.QuotaChange{Entity: operate.QuotaEntity{User: &u}, Remove: []string{"nope"}}, "unknown quota"},
		{operate.QuotaChange{Entity: operate.QuotaEntity{User: &u}, Set: map[string]float64{"request_percentage": 5}, Remove: []string{"request_percentage"}}, "both set and removed"},
		{operate.QuotaChange{Entity: operate.QuotaEntity{IP: &u}, Set: map[string]float64{"producer_byte_rate": 1}}, "IP"},
	} {
		_, err := operate.AlterQuotas(context.Background(), adm, tc.c, false)
		secKind(t, err, operate.Invalid, tc.want)
	}
}
