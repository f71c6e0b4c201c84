package selfserve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/gregor-kafka/gregor/internal/selfserve"
	"github.com/gregor-kafka/gregor/internal/store"
)

// aclsOf lists the ACLs of an application's principal on the real cluster.
func aclsOf(t *testing.T, adm *kadm.Client, app string) []string {
	t.Helper()
	p := "User:" + app
	res, err := adm.DescribeACLs(context.Background(), kadm.NewACLs().Allow(p).AllowHosts().
		Topics().Groups().ResourcePatternType(kadm.ACLPatternAny).Operations(kadm.OpAny))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		for _, d := range r.Described {
			out = append(out, fmt.Sprintf("%s %s %s %s", d.Type, d.Name, d.Pattern, d.Operation))
		}
	}
	slices.Sort(out)
	return out
}

// Groups outside the application's own, operators growing a region topic, deleting a topic
// and an application, and retrying a request whose outcome was never recorded.
func TestSelfServiceLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	adm := sc.AdminT(t)
	appA, appB := uniq("la"), uniq("lb")
	e.setupTeams(appA, appB)
	topic := uniq("life")
	var r reqView
	e.must(201, "root", "POST", "/api/v1/requests", map[string]any{"kind": "topic", "cluster": "prod", "application": appA,
		"topic": topic, "region": "east", "partitions": 2, "replication_factor": 2, "apply": true}, &r)

	// B asks to consume with another application's group prefix: not the owners' call.
	e.must(201, "bob", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appB,
		"topic": topic, "access": "consume", "group": appA + ".*"}, &r)
	// The topic's owners may not decide it (so they do not see it either); B learns who does.
	e.must(404, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, nil)
	code, raw := e.call("bob", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, nil)
	if code != 403 || !strings.Contains(raw, "outside the application's own") {
		t.Fatalf("requester approving a foreign group prefix: %d %s", code, raw)
	}
	e.must(200, "opal", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, &r)
	if r.State != "applied" {
		t.Fatalf("the Kafka team approving it: %+v", r)
	}
	// Default consume access of A: its own groups, "<app>." and more.
	e.must(201, "ann", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appA, "topic": topic, "access": "consume"}, &r)
	e.must(200, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, &r)
	if got := aclsOf(t, adm, appA); !slices.Contains(got, "GROUP "+appA+". PREFIXED READ") {
		t.Fatalf("A's ACLs %v lack READ on its own group prefix %s.", got, appA)
	}
	// The same groups asked again in another spelling keep their ACL.
	e.must(201, "ann", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appA, "topic": topic, "access": "consume", "group": appA + ".*"}, &r)
	e.must(200, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, &r)
	if got := aclsOf(t, adm, appA); r.State != "applied" || !slices.Contains(got, "GROUP "+appA+". PREFIXED READ") {
		t.Fatalf("A's ACLs after the same groups asked again (%s): %v", r.State, got)
	}
	// Consume access again with another group replaces the first group's ACL.
	e.must(201, "ann", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appA, "topic": topic, "access": "consume", "group": appA + ".special"}, &r)
	e.must(200, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, &r)
	if got := aclsOf(t, adm, appA); !slices.Contains(got, "GROUP "+appA+".special LITERAL READ") || slices.Contains(got, "GROUP "+appA+". PREFIXED READ") {
		t.Fatalf("A's ACLs after changing its group: %v", got)
	}

	// An operator adding partitions to a topic in region east keeps them there.
	e.must(200, "opal", "POST", "/api/v1/clusters/prod/topics/"+topic+"/partitions", map[string]any{"count": 6}, nil)
	td, err := adm.ListTopics(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range td[topic].Partitions {
		if slices.ContainsFunc(p.Replicas, func(b int32) bool { return b != 1 && b != 2 }) {
			t.Fatalf("partition %d on %v, outside region east (1, 2)", p.Partition, p.Replicas)
		}
	}

	// A request approved long ago whose outcome was never recorded (Gregor stopped): the Kafka
	// team retries it; the requester cannot.
	spec, _ := json.Marshal(selfserve.Spec{Kind: "quota", Cluster: "prod", Application: appA, ProducerByteRate: 1 << 20})
	stale := store.Request{Kind: "quota", State: store.RequestApproved, Requester: "ann", Team: "team-a", Application: appA, Cluster: "prod",
		Spec: string(spec), CreatedAt: time.Now().Add(-time.Hour), UpdatedAt: time.Now().Add(-time.Hour)}
	if err := e.st.CreateRequest(ctx, &stale); err != nil {
		t.Fatal(err)
	}
	e.must(403, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/retry", stale.ID), nil, nil)
	e.must(200, "opal", "POST", fmt.Sprintf("/api/v1/requests/%d/retry", stale.ID), nil, &r)
	if r.State != "applied" {
		t.Fatalf("retried stale request: %+v", r)
	}
	fresh := stale
	fresh.ID, fresh.UpdatedAt = 0, time.Now()
	if err := e.st.CreateRequest(ctx, &fresh); err != nil {
		t.Fatal(err)
	}
	e.must(409, "opal", "POST", fmt.Sprintf("/api/v1/requests/%d/retry", fresh.ID), nil, nil) // may still be applying

	// Deleting the topic drops its owner, its grants and their topic ACLs.
	e.must(200, "root", "DELETE", "/api/v1/clusters/prod/topics/"+topic+"?confirm="+topic, nil, nil)
	var view struct {
		Topics []any `json:"topics"`
		Grants []any `json:"grants"`
	}
	e.must(200, "ann", "GET", "/api/v1/applications/"+appA, nil, &view)
	if len(view.Topics) != 0 || len(view.Grants) != 0 {
		t.Fatalf("after deleting the topic the application still has %+v", view)
	}
	// B's only grant was on it: its topic ACLs and its (foreign) group ACL are gone too.
	if got := aclsOf(t, adm, appB); len(got) != 0 {
		t.Fatalf("B keeps %v after the topic's deletion", got)
	}

	// Deleting B (a grant, no credential) removes its ACLs and quota on the cluster.
	other := uniq("life2")
	e.must(201, "root", "POST", "/api/v1/requests", map[string]any{"kind": "topic", "cluster": "prod", "application": appA,
		"topic": other, "region": "east", "partitions": 1, "replication_factor": 1, "apply": true}, &r)
	e.must(201, "bob", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appB, "topic": other, "access": "consume"}, &r)
	e.must(200, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, &r)
	e.must(201, "root", "POST", "/api/v1/requests", map[string]any{"kind": "quota", "cluster": "prod", "application": appB, "consumer_byte_rate": 1 << 20, "apply": true}, &r)
	if got := aclsOf(t, adm, appB); len(got) != 3 {
		t.Fatalf("B's ACLs before its deletion: %v, want 3", got)
	}
	// An ACL an operator set by hand for the same principal is not Gregor's to delete.
	manual := kadm.NewACLs().Allow("User:" + appB).AllowHosts().Topics("manual-" + appB).ResourcePatternType(kadm.ACLPatternLiteral).Operations(kadm.OpDescribe)
	if _, err := adm.CreateACLs(ctx, manual); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = adm.DeleteACLs(context.Background(), manual) })
	e.must(200, "bob", "DELETE", "/api/v1/applications/"+appB, nil, nil)
	if got := aclsOf(t, adm, appB); !slices.Equal(got, []string{"TOPIC manual-" + appB + " LITERAL DESCRIBE"}) {
		t.Fatalf("B's ACLs after its deletion: %v, want only the manual one", got)
	}
	qs, err := adm.DescribeClientQuotas(ctx, true, []kadm.DescribeClientQuotaComponent{{Type: "user", MatchName: &appB}})
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 0 {
		t.Fatalf("B's quotas left after its deletion: %+v", qs)
	}
}
