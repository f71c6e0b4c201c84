package selfserve_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/selfserve"
	"github.com/gregor-kafka/gregor/internal/store"
)

type reqView struct {
	ID        int64           `json:"id"`
	State     string          `json:"state"`
	Error     string          `json:"error"`
	CanDecide bool            `json:"can_decide"`
	Spec      selfserve.Spec  `json:"spec"`
	Result    json.RawMessage `json:"result"`
}

type secret struct {
	Username  string   `json:"username"`
	Password  string   `json:"password"`
	Mechanism string   `json:"mechanism"`
	Bootstrap []string `json:"bootstrap_servers"`
	Protocol  string   `json:"security_protocol"`
}

// setupTeams: team-a (ann) with app-a, team-b (bob) with app-b, each with a credential.
func (e *env) setupTeams(appA, appB string) (secret, secret) {
	for _, tm := range []string{"team-a", "team-b"} {
		if code, raw := e.call("root", "POST", "/api/v1/teams", map[string]string{"name": tm}, nil); code != 201 && code != 409 {
			e.t.Fatalf("create team: %d %s", code, raw)
		}
	}
	e.must(200, "root", "PUT", "/api/v1/teams/team-a/members/ann", nil, nil)
	e.must(200, "root", "PUT", "/api/v1/teams/team-b/members/bob", nil, nil)
	e.must(201, "ann", "POST", "/api/v1/applications", map[string]string{"name": appA, "team": "team-a"}, nil)
	e.must(201, "bob", "POST", "/api/v1/applications", map[string]string{"name": appB, "team": "team-b"}, nil)
	var sa, sb secret
	e.must(201, "ann", "POST", "/api/v1/applications/"+appA+"/credentials/prod", nil, &sa)
	e.must(201, "bob", "POST", "/api/v1/applications/"+appB+"/credentials/prod", nil, &sb)
	return sa, sb
}

// The whole story on a real SCRAM cluster with the ACL authorizer: team A asks for a topic
// in a region and produce access, the owners approve, Kafka lets app A produce and refuses
// app B until B's consume request is approved; then B reads with its group.
func TestSelfServiceEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	appA, appB := uniq("app-a"), uniq("app-b")
	sa, sb := e.setupTeams(appA, appB)
	if sa.Password == "" || sa.Username != appA || sa.Mechanism != "SCRAM-SHA-512" || sa.Protocol != "SASL_PLAINTEXT" || !slices.Equal(sa.Bootstrap, sc.Bootstrap()) {
		t.Fatalf("credential answer %+v", sa)
	}
	topic := uniq("orders")

	// A topic request in region east: pending, not decidable by its requester (shared capacity).
	var tr reqView
	e.must(201, "ann", "POST", "/api/v1/requests", map[string]any{"kind": "topic", "cluster": "prod", "application": appA,
		"topic": topic, "region": "east", "partitions": 4, "replication_factor": 2, "retention_ms": 3600000, "reason": "orders"}, &tr)
	if tr.State != "pending" || tr.CanDecide {
		t.Fatalf("topic request %+v", tr)
	}
	e.must(403, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", tr.ID), map[string]string{}, nil)
	e.must(404, "bob", "GET", fmt.Sprintf("/api/v1/requests/%d", tr.ID), nil, nil)
	var inbox struct {
		Requests []reqView `json:"requests"`
	}
	e.must(200, "opal", "GET", "/api/v1/requests?scope=inbox", nil, &inbox)
	if !slices.ContainsFunc(inbox.Requests, func(r reqView) bool { return r.ID == tr.ID && r.CanDecide }) {
		t.Fatalf("operator inbox %+v lacks request %d", inbox.Requests, tr.ID)
	}
	e.must(200, "opal", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", tr.ID), map[string]string{"comment": "ok"}, &tr)
	if tr.State != "applied" {
		t.Fatalf("approved topic request: %+v", tr)
	}
	adm := sc.AdminT(t)
	td, err := adm.ListTopics(ctx, topic)
	if err != nil || td.Error() != nil {
		t.Fatal(err, td.Error())
	}
	parts := td[topic].Partitions
	if len(parts) != 4 {
		t.Fatalf("%d partitions", len(parts))
	}
	for _, p := range parts {
		if len(p.Replicas) != 2 || slices.ContainsFunc(p.Replicas, func(b int32) bool { return b != 1 && b != 2 }) {
			t.Fatalf("partition %d replicas %v: not in region east (1, 2)", p.Partition, p.Replicas)
		}
	}

	// Produce access for app A: its owner team (ann) decides it.
	var pr reqView
	e.must(201, "ann", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appA, "topic": topic, "access": "produce"}, &pr)
	if !pr.CanDecide {
		t.Fatalf("the owner team cannot decide access to its topic: %+v", pr)
	}
	e.must(200, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", pr.ID), nil, &pr)
	if pr.State != "applied" {
		t.Fatalf("produce access: %+v", pr)
	}
	ca := appClient(t, appA, sa.Password, kgo.DefaultProduceTopic(topic))
	if err := produceEventually(ctx, ca, "hello"); err != nil {
		t.Fatalf("app A produce after approval: %v", err)
	}
	// App B has no ACL: Kafka itself refuses it.
	cb := appClient(t, appB, sb.Password, kgo.DefaultProduceTopic(topic), kgo.RecordRetries(0), kgo.RequestRetries(0))
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	err = cb.ProduceSync(pctx, &kgo.Record{Value: []byte("intruder")}).FirstErr()
	cancel()
	if !errors.Is(err, kerr.TopicAuthorizationFailed) {
		t.Fatalf("app B produce without access: %v, want TOPIC_AUTHORIZATION_FAILED", err)
	}

	// B asks to consume; B cannot approve access to A's topic, A's team can.
	var cr reqView
	e.must(201, "bob", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appB, "topic": topic, "access": "consume"}, &cr)
	e.must(403, "bob", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", cr.ID), nil, nil)
	var annInbox struct {
		Requests []reqView `json:"requests"`
	}
	e.must(200, "ann", "GET", "/api/v1/requests?scope=inbox", nil, &annInbox)
	if len(annInbox.Requests) != 1 || annInbox.Requests[0].ID != cr.ID {
		t.Fatalf("ann's inbox: %+v, want request %d", annInbox.Requests, cr.ID)
	}
	e.must(200, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", cr.ID), map[string]string{"comment": "go ahead"}, &cr)
	if cr.State != "applied" {
		t.Fatalf("consume access: %+v", cr)
	}
	group := appB + ".readers"
	rb := appClient(t, appB, sb.Password, kgo.ConsumeTopics(topic), kgo.ConsumerGroup(group), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	got := ""
	for deadline := time.Now().Add(60 * time.Second); got == "" && time.Now().Before(deadline); {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		fs := rb.PollFetches(fctx)
		cancel()
		for _, fe := range fs.Errors() {
			if !errors.Is(fe.Err, context.DeadlineExceeded) {
				t.Fatalf("app B consume after approval: %v", fe.Err)
			}
		}
		fs.EachRecord(func(r *kgo.Record) { got = string(r.Value) })
	}
	if got != "hello" {
		t.Fatalf("app B read %q, want hello", got)
	}

	// Discovery: as the application itself, as its team, refused to others.
	var d selfserve.Discovery
	e.mustBasic(200, appA, sa.Password, "/api/v1/discovery/"+appA, &d)
	if len(d.Clusters) != 1 || d.Clusters[0].Username != appA || d.Clusters[0].Mechanism != "SCRAM-SHA-512" ||
		len(d.Clusters[0].Topics) != 1 || strings.Join(d.Clusters[0].Topics[0].Access, ",") != "owner,produce" {
		t.Fatalf("discovery %+v", d)
	}
	e.mustBasic(401, appA, "wrong", "/api/v1/discovery/"+appA, nil)
	e.mustBasic(401, appA, sb.Password, "/api/v1/discovery/"+appA, nil)
	e.must(200, "ann", "GET", "/api/v1/discovery/"+appA, nil, nil)
	e.must(403, "bob", "GET", "/api/v1/discovery/"+appA, nil, nil)

	// Regions: east holds the topic.
	var regions struct {
		Regions []struct {
			Name   string   `json:"name"`
			Topics []string `json:"topics"`
		} `json:"regions"`
	}
	e.must(200, "vic", "GET", "/api/v1/clusters/prod/regions", nil, &regions)
	if len(regions.Regions) != 2 || regions.Regions[0].Name != "east" || !slices.Contains(regions.Regions[0].Topics, topic) {
		t.Fatalf("regions %+v", regions)
	}

	// Reassignment plans keep the topic in its region.
	_, raw := e.call("opal", "POST", "/api/v1/clusters/prod/reassignments/plan", map[string]any{"mode": "drain", "brokers": []int{1}, "topics": []string{topic}}, nil)
	if !strings.Contains(raw, "in its region east") {
		t.Fatalf("drain broker 1 of a topic in region east (1, 2): %s", raw)
	}
	code, raw := e.call("opal", "POST", "/api/v1/clusters/prod/reassignments/plan", map[string]any{"mode": "add", "brokers": []int{2, 3}, "topics": []string{topic}}, nil)
	if code != 400 || !strings.Contains(raw, "outside region east") {
		t.Fatalf("spread onto broker 3, outside the region: %d %s", code, raw)
	}

	// Notifications reached the webhook receiver; the audit log has the story, no secret.
	e.notes.Wait()
	if hooks := e.hooks.all(); !strings.Contains(hooks, fmt.Sprintf(`"request":"%d"`, cr.ID)) || !strings.Contains(hooks, "applied by ann") {
		t.Fatalf("webhook bodies lack request %d applied: %s", cr.ID, hooks)
	}
	entries, _, err := e.st.ListAudit(ctx, store.AuditFilter{Action: "request."})
	if err != nil || len(entries) < 6 {
		t.Fatalf("audit: %d entries, %v", len(entries), err)
	}
	e.noSecret(sa.Password, sb.Password)
}

func (e *env) mustBasic(want int, user, pw, path string, out any) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+path, nil)
	req.SetBasicAuth(user, pw)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		e.t.Fatalf("GET %s as %s: %d, want %d: %s", path, user, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatal(err)
		}
	}
}

// noSecret checks that no password is in the logs, the audit log, the store's file or an
// application's description.
func (e *env) noSecret(secrets ...string) {
	e.t.Helper()
	entries, _, _ := e.st.ListAudit(context.Background(), store.AuditFilter{})
	audit, _ := json.Marshal(entries)
	db, err := os.ReadFile(e.dbPath)
	if err != nil {
		e.t.Fatal(err)
	}
	wal, _ := os.ReadFile(e.dbPath + "-wal")
	for _, s := range secrets {
		switch {
		case strings.Contains(e.logs.String(), s):
			e.t.Errorf("a password is in the logs")
		case strings.Contains(string(audit), s):
			e.t.Errorf("a password is in the audit log")
		case strings.Contains(string(db), s) || strings.Contains(string(wal), s):
			e.t.Errorf("a password is in the store's file in plain text")
		}
	}
}

// produceEventually produces one record, retrying while new ACLs reach the brokers.
func produceEventually(ctx context.Context, cl *kgo.Client, v string) error {
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = cl.ProduceSync(pctx, &kgo.Record{Value: []byte(v)}).FirstErr()
		cancel()
		if err == nil {
			return nil
		}
	}
	return err
}
