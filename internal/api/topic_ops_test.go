package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/fleet"
	"github.com/gregor-kafka/gregor/internal/store"
)

// topEnv is a server over the real cluster kc (named "real"), one user per role, an in-memory
// audit log, the fleet cluster (to collect a snapshot) and an admin client to check Kafka.
type topEnv struct {
	h     http.Handler
	audit *memAudit
	fc    *fleet.Cluster
	adm   *kadm.Client
}

func newTopEnv(t *testing.T) *topEnv {
	t.Helper()
	s, _, au := opsServer(t, "real", nil)
	return &topEnv{h: s.Handler(), audit: au, fc: s.clusters[0].(*fleet.Cluster), adm: kc.AdminT(t)}
}

// do sends a request as user ("" for nobody) and decodes the JSON answer.
func (e *topEnv) do(t *testing.T, user, method, path, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if user != "" {
		for k, v := range basic(user) {
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: not JSON: %q", method, path, rec.Body.String())
	}
	return rec.Code, out, rec.Header()
}

// want checks an answer's status and, for errors, that the message has msg.
func (e *topEnv) want(t *testing.T, user, method, path, body string, status int, msg string) map[string]any {
	t.Helper()
	code, out, _ := e.do(t, user, method, path, body)
	if code != status {
		t.Fatalf("%s %s %s as %s: %d, want %d: %v", method, path, body, user, code, status, out)
	}
	if msg != "" {
		m, _ := out["error"].(map[string]any)
		if s, _ := m["message"].(string); !strings.Contains(s, msg) {
			t.Fatalf("%s %s %s: message %q, want %q", method, path, body, s, msg)
		}
	}
	return out
}

// audited checks the topic's audit entries: one per call, in order, with these actions,
// dry-run flags, and errors (true: the call failed).
func (e *topEnv) audited(t *testing.T, topic string, want ...topAuditWant) {
	t.Helper()
	got := e.audit.of(topic)
	if len(got) != len(want) {
		t.Fatalf("%d audit entries for %s, want %d: %+v", len(got), topic, len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Action != w.action || g.DryRun != w.dry || (g.Error != "") != w.failed || g.Cluster != "real" || g.User == "" || g.Request == "" ||
			(!w.failed && g.Result == "") {
			t.Fatalf("audit entry %d: %+v, want %+v", i, g, w)
		}
	}
}

type topAuditWant struct {
	action      string
	dry, failed bool
}

var topSeqAPI atomic.Int64

func topAPIName(kind string) string {
	return fmt.Sprintf("tops-api-%s-%d-%d", kind, time.Now().UnixNano()%1e7, topSeqAPI.Add(1))
}

func (e *topEnv) exists(t *testing.T, topic string) bool {
	t.Helper()
	tds, err := e.adm.ListTopics(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	return tds.Has(topic) && tds[topic].Err == nil
}

// detail waits until topic has at least parts partitions in kadm's view.
func (e *topEnv) detail(t *testing.T, topic string, parts int) kadm.TopicDetail {
	t.Helper()
	var td kadm.TopicDetail
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		tds, err := e.adm.ListTopics(context.Background(), topic)
		if err == nil && tds[topic].Err == nil && len(tds[topic].Partitions) >= parts {
			return tds[topic]
		}
		td = tds[topic]
	}
	t.Fatalf("topic %s: %d partitions, want %d (%v)", topic, len(td.Partitions), parts, td.Err)
	return td
}

// config is a topic config's value once every broker says the same (a change reaches each
// broker through the metadata log a moment after Kafka accepts it).
func (e *topEnv) config(t *testing.T, topic, key string) string {
	t.Helper()
	cl, err := kgo.NewClient(kc.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var seen []string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		seen = seen[:0]
		for _, n := range kc.Nodes {
			req := kmsg.NewPtrDescribeConfigsRequest()
			rr := kmsg.NewDescribeConfigsRequestResource()
			rr.ResourceType, rr.ResourceName, rr.ConfigNames = kmsg.ConfigResourceTypeTopic, topic, []string{key}
			req.Resources = append(req.Resources, rr)
			resp, err := req.RequestWith(context.Background(), cl.Broker(int(n.ID)))
			v := "?"
			if err == nil && len(resp.Resources) == 1 && resp.Resources[0].ErrorCode == 0 && len(resp.Resources[0].Configs) == 1 {
				if p := resp.Resources[0].Configs[0].Value; p != nil {
					v = *p
				}
			}
			seen = append(seen, v)
		}
		if !slices.Contains(seen, "?") && !slices.ContainsFunc(seen, func(v string) bool { return v != seen[0] }) {
			return seen[0]
		}
	}
	t.Fatalf("%s config %s: the brokers do not agree: %v", topic, key, seen)
	return ""
}

func (e *topEnv) starts(t *testing.T, topic string) map[int32]int64 {
	t.Helper()
	l, err := e.adm.ListStartOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	l.Each(func(o kadm.ListedOffset) { out[o.Partition] = o.Offset })
	return out
}

// topic creates a topic with kadm and writes n records to each partition: the first half at
// t0, the rest at t1.
func (e *topEnv) topic(t *testing.T, parts int32, n int, t0, t1 time.Time) string {
	t.Helper()
	ctx := context.Background()
	name := topAPIName("t")
	if _, err := e.adm.CreateTopic(ctx, parts, 2, nil, name); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		e.detail(t, name, int(parts))
		return name
	}
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic(name))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for p := range parts {
		for i := range n {
			ts := t0
			if i >= n/2 {
				ts = t1
			}
			recs = append(recs, &kgo.Record{Partition: p, Timestamp: ts, Value: []byte("v")})
		}
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		err := cl.ProduceSync(ctx, recs...).FirstErr()
		if err == nil {
			return name
		}
		if time.Now().After(deadline) {
			t.Fatalf("producing to %s: %v", name, err)
		}
	}
}

const topBase = "/api/v1/clusters/real/topics"

// Viewers change nothing; operators do not delete topics; nobody anonymous gets in. None of
// these reach Kafka or the audit log.
func TestTopicOpsRoles(t *testing.T) {
	e := newTopEnv(t)
	topic := e.topic(t, 1, 0, time.Time{}, time.Time{})
	p := topBase + "/" + topic
	for _, tc := range []struct {
		method, path, body string
		op                 int // the operator's status
	}{
		{"POST", topBase, `{"name":"` + topic + `-x","partitions":1,"replication_factor":1}`, 201},
		{"DELETE", p + "?confirm=" + topic, "", 403},
		{"POST", p + "/partitions", `{"count":2,"dry_run":true}`, 200},
		{"PATCH", p + "/configs", `{"set":{"retention.ms":"60000"},"dry_run":true}`, 200},
		{"POST", p + "/purge", `{"before_offset":0,"dry_run":true}`, 200},
	} {
		e.want(t, "", tc.method, tc.path, tc.body, 401, "")
		e.want(t, "viewer", tc.method, tc.path, tc.body, 403, "")
		e.want(t, "operator", tc.method, tc.path, tc.body, tc.op, "")
	}
	if !e.exists(t, topic) {
		t.Fatal("the topic was deleted")
	}
	// Only the operator's calls that passed the role check are audited.
	e.audited(t, topic,
		topAuditWant{"topic.add_partitions", true, false},
		topAuditWant{"topic.alter_configs", true, false},
		topAuditWant{"topic.purge", true, false})
	e.audited(t, topic+"-x", topAuditWant{"topic.create", false, false})
	e.want(t, "admin", "DELETE", topBase+"/"+topic+"-x?confirm="+topic+"-x", "", 200, "")
}

func TestTopicOpsCreate(t *testing.T) {
	e := newTopEnv(t)
	name := topAPIName("create")
	body := `{"name":"` + name + `","partitions":4,"replication_factor":2,"configs":{"retention.ms":"7200000"},"brokers":[1,2]`
	plan := e.want(t, "operator", "POST", topBase, body+`,"dry_run":true}`, 200, "")
	as, _ := plan["assignment"].([]any)
	if plan["dry_run"] != true || plan["partitions"] != 4.0 || plan["replication_factor"] != 2.0 || plan["placement"] != "brokers" || len(as) != 4 ||
		plan["configs"].(map[string]any)["retention.ms"] != "7200000" {
		t.Fatalf("plan %v", plan)
	}
	time.Sleep(300 * time.Millisecond)
	if e.exists(t, name) {
		t.Fatal("the dry run created the topic")
	}

	code, res, hdr := e.do(t, "operator", "POST", topBase, body+`}`)
	if code != 201 || res["id"] == "" || res["dry_run"] != false || hdr.Get("Location") != topBase+"/"+name {
		t.Fatalf("%d %v %v", code, res, hdr)
	}
	td := e.detail(t, name, 4)
	if len(td.Partitions) != 4 {
		t.Fatalf("%d partitions", len(td.Partitions))
	}
	leaders := map[int32]int{}
	for _, p := range td.Partitions {
		if len(p.Replicas) != 2 || p.Replicas[0] == p.Replicas[1] {
			t.Fatalf("partition %d: replicas %v", p.Partition, p.Replicas)
		}
		for _, r := range p.Replicas {
			if r != 1 && r != 2 {
				t.Fatalf("partition %d: replica on broker %d, outside the set", p.Partition, r)
			}
		}
		leaders[p.Replicas[0]]++
	}
	if leaders[1] != 2 || leaders[2] != 2 {
		t.Fatalf("leaders %v", leaders)
	}
	if v := e.config(t, name, "retention.ms"); v != "7200000" {
		t.Fatalf("retention.ms %s", v)
	}

	e.want(t, "operator", "POST", topBase, body+`}`, 409, "the topic already exists")
	e.want(t, "operator", "POST", topBase, `{"name":"`+name+`","dry_run":true}`, 409, "the topic already exists")
	other := topAPIName("bad")
	e.want(t, "operator", "POST", topBase, `{"name":"`+other+`","partitions":1,"replication_factor":4}`, 400, "replication factor is larger than the number of available brokers")
	e.want(t, "operator", "POST", topBase, `{"name":"`+other+`","partitions":1,"replication_factor":3,"brokers":[1,3]}`, 400, "larger than the broker set")
	e.want(t, "operator", "POST", topBase, `{"name":"`+other+`","partitions":1,"configs":{"retention.msec":"1"},"dry_run":true}`, 400, "retention.msec")
	e.want(t, "operator", "POST", topBase, `{"name":"`+other+`","partitions":1,"replication_factor":1,"brokers":[7]}`, 400, "broker 7 is not a live broker")
	e.want(t, "operator", "POST", topBase, `{"name":"`+other+`","partitions":"many"}`, 400, "invalid JSON body")
	e.want(t, "operator", "POST", topBase+"?dry_run=perhaps", `{"name":"`+other+`"}`, 400, "dry_run")
	if e.exists(t, other) {
		t.Fatal("bad input created a topic")
	}
	e.audited(t, name,
		topAuditWant{"topic.create", true, false},
		topAuditWant{"topic.create", false, false},
		topAuditWant{"topic.create", false, true},
		topAuditWant{"topic.create", true, true})
	e.audited(t, other,
		topAuditWant{"topic.create", false, true},
		topAuditWant{"topic.create", false, true},
		topAuditWant{"topic.create", true, true},
		topAuditWant{"topic.create", false, true},
		topAuditWant{"topic.create", false, true},
		topAuditWant{"topic.create", false, true})
	if es := e.audit.of(name); es[1].User != "operator" || es[1].Role != store.RoleOperator || !strings.Contains(es[1].Result, `"id"`) ||
		!strings.Contains(es[2].Error, "the topic already exists") {
		t.Fatalf("audit %+v", es)
	}
}

func TestTopicOpsDelete(t *testing.T) {
	e := newTopEnv(t)
	now := time.Now()
	topic := e.topic(t, 3, 4, now, now)
	os := kadm.Offsets{}
	os.Add(kadm.Offset{Topic: topic, Partition: 0, At: 2, LeaderEpoch: -1})
	group := topic + "-reader"
	if _, err := e.adm.CommitOffsets(context.Background(), group, os); err != nil {
		t.Fatal(err)
	}
	e.fc.Cycle(context.Background()) // the snapshot has the topic's size and its group
	p := topBase + "/" + topic
	e.want(t, "admin", "DELETE", p, "", 400, "type the topic's name to confirm")
	e.want(t, "admin", "DELETE", p+"?confirm="+topic+"x", "", 400, "type the topic's name to confirm")
	e.want(t, "admin", "DELETE", p+"?dry_run=true&confirm=nope", "", 400, "type the topic's name to confirm")
	plan := e.want(t, "admin", "DELETE", p+"?dry_run=true", "", 200, "")
	groups, _ := plan["groups"].([]any)
	if plan["dry_run"] != true || plan["partitions"] != 3.0 || plan["replication_factor"] != 2.0 || plan["messages"] != 12.0 ||
		plan["size_bytes"].(float64) <= 0 || len(groups) != 1 || groups[0].(map[string]any)["id"] != group {
		t.Fatalf("plan %v", plan)
	}
	if !e.exists(t, topic) {
		t.Fatal("the dry run deleted the topic")
	}
	res := e.want(t, "admin", "DELETE", p+"?confirm="+topic, "", 200, "")
	if res["dry_run"] != false || !strings.HasPrefix(res["summary"].(string), "deleted") {
		t.Fatalf("result %v", res)
	}
	for deadline := time.Now().Add(10 * time.Second); e.exists(t, topic); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the topic is still there")
		}
	}
	e.want(t, "admin", "DELETE", p+"?confirm="+topic, "", 404, "no such topic")
	e.audited(t, topic,
		topAuditWant{"topic.delete", false, true},
		topAuditWant{"topic.delete", false, true},
		topAuditWant{"topic.delete", true, true},
		topAuditWant{"topic.delete", true, false},
		topAuditWant{"topic.delete", false, false},
		topAuditWant{"topic.delete", false, true})
	if es := e.audit.of(topic); es[4].User != "admin" || es[4].Role != store.RoleAdmin {
		t.Fatalf("audit %+v", es[4])
	}
}

func TestTopicOpsPartitions(t *testing.T) {
	e := newTopEnv(t)
	topic := e.topic(t, 2, 0, time.Time{}, time.Time{})
	p := topBase + "/" + topic + "/partitions"
	plan := e.want(t, "operator", "POST", p, `{"count":6,"dry_run":true}`, 200, "")
	ws, _ := plan["warnings"].([]any)
	if plan["from"] != 2.0 || plan["to"] != 6.0 || len(ws) == 0 || !strings.Contains(ws[0].(string), "keys hash to new partitions: per-key order breaks across the change") {
		t.Fatalf("plan %v", plan)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(e.detail(t, topic, 2).Partitions); n != 2 {
		t.Fatalf("the dry run added partitions: %d", n)
	}
	res := e.want(t, "operator", "POST", p, `{"count":6}`, 200, "")
	if nps, _ := res["new_partitions"].([]any); len(nps) != 4 {
		t.Fatalf("result %v", res)
	}
	e.detail(t, topic, 6)
	e.want(t, "operator", "POST", p, `{"count":3}`, 400, "partitions cannot be removed from a topic")
	e.want(t, "operator", "POST", p, `{"count":6,"dry_run":true}`, 400, "already has 6 partitions")
	e.want(t, "operator", "POST", p, `{}`, 400, "count")
	e.want(t, "operator", "POST", p, `{"count":7,"extra":1}`, 400, "unknown field")
	if n := len(e.detail(t, topic, 6).Partitions); n != 6 {
		t.Fatalf("%d partitions", n)
	}
	e.want(t, "operator", "POST", topBase+"/"+topic+"-nope/partitions", `{"count":3}`, 404, "no such topic")
	e.audited(t, topic,
		topAuditWant{"topic.add_partitions", true, false},
		topAuditWant{"topic.add_partitions", false, false},
		topAuditWant{"topic.add_partitions", false, true},
		topAuditWant{"topic.add_partitions", true, true},
		topAuditWant{"topic.add_partitions", false, true},
		topAuditWant{"topic.add_partitions", false, true})
}

func TestTopicOpsConfigs(t *testing.T) {
	e := newTopEnv(t)
	topic := e.topic(t, 1, 0, time.Time{}, time.Time{})
	p := topBase + "/" + topic + "/configs"
	e.want(t, "operator", "PATCH", p, `{"set":{"retention.ms":"3600000"}}`, 200, "")
	if v := e.config(t, topic, "retention.ms"); v != "3600000" {
		t.Fatalf("retention.ms %s", v)
	}
	plan := e.want(t, "operator", "PATCH", p, `{"set":{"retention.ms":"7200000","segment.ms":"600000"},"delete":["max.message.bytes"],"dry_run":true}`, 200, "")
	changes := map[string]map[string]any{}
	for _, c := range plan["changes"].([]any) {
		c := c.(map[string]any)
		changes[c["key"].(string)] = c
	}
	if r := changes["retention.ms"]; r["old"] != "3600000" || r["new"] != "7200000" || r["old_source"] != "dynamic_topic" || r["changed"] != true {
		t.Fatalf("retention.ms change %v", r)
	}
	if m := changes["max.message.bytes"]; m["op"] != "delete" || m["changed"] != false || len(changes) != 3 {
		t.Fatalf("changes %v", changes)
	}
	if v := e.config(t, topic, "retention.ms"); v != "3600000" {
		t.Fatalf("the dry run changed retention.ms to %s", v)
	}
	res := e.want(t, "operator", "PATCH", p, `{"set":{"segment.ms":"600000"},"delete":["retention.ms"]}`, 200, "")
	if !strings.Contains(res["summary"].(string), "retention.ms: 3600000 -> 604800000") {
		t.Fatalf("result %v", res)
	}
	if v := e.config(t, topic, "segment.ms"); v != "600000" {
		t.Fatalf("segment.ms %s", v)
	}
	if v := e.config(t, topic, "retention.ms"); v != "604800000" {
		t.Fatalf("retention.ms %s", v)
	}
	e.want(t, "operator", "PATCH", p, `{"set":{"no.such.key":"1"}}`, 400, "no.such.key")
	e.want(t, "operator", "PATCH", p, `{"set":{"retention.ms":"later"},"dry_run":true}`, 400, "retention.ms")
	e.want(t, "operator", "PATCH", p, `{}`, 400, "nothing to change")
	e.audited(t, topic,
		topAuditWant{"topic.alter_configs", false, false},
		topAuditWant{"topic.alter_configs", true, false},
		topAuditWant{"topic.alter_configs", false, false},
		topAuditWant{"topic.alter_configs", false, true},
		topAuditWant{"topic.alter_configs", true, true},
		topAuditWant{"topic.alter_configs", false, true})
}

func TestTopicOpsPurge(t *testing.T) {
	e := newTopEnv(t)
	t0 := time.Now().Add(-2 * time.Hour).Truncate(time.Millisecond)
	t1 := t0.Add(time.Hour)
	topic := e.topic(t, 2, 10, t0, t1)
	p := topBase + "/" + topic + "/purge"
	plan := e.want(t, "operator", "POST", p, `{"before_offset":3,"dry_run":true}`, 200, "")
	parts := plan["partitions"].([]any)
	p0 := parts[0].(map[string]any)
	if plan["removed"] != 6.0 || len(parts) != 2 || p0["start_offset"] != 0.0 || p0["new_start_offset"] != 3.0 || p0["removed"] != 3.0 || p0["end_offset"] != 10.0 {
		t.Fatalf("plan %v", plan)
	}
	if s := e.starts(t, topic); s[0] != 0 || s[1] != 0 {
		t.Fatalf("the dry run moved start offsets: %v", s)
	}
	res := e.want(t, "operator", "POST", p, `{"before_offset":{"1":4}}`, 200, "")
	if res["removed"] != 4.0 {
		t.Fatalf("result %v", res)
	}
	if s := e.starts(t, topic); s[0] != 0 || s[1] != 4 {
		t.Fatalf("start offsets %v", s)
	}
	res = e.want(t, "operator", "POST", p, `{"before_time":"`+t1.Format(time.RFC3339Nano)+`","partitions":[0,1]}`, 200, "")
	if res["removed"] != 5.0+1.0 {
		t.Fatalf("by time %v", res)
	}
	if s := e.starts(t, topic); s[0] != 5 || s[1] != 5 {
		t.Fatalf("start offsets after the time purge %v", s)
	}
	e.want(t, "operator", "POST", p, `{"before_time":"yesterday"}`, 400, "before_time")
	e.want(t, "operator", "POST", p, `{"before_offset":"3"}`, 400, "before_offset")
	e.want(t, "operator", "POST", p, `{"before_offset":{"x":3}}`, 400, "not a partition number")
	e.want(t, "operator", "POST", p, `{"before_offset":{"0":99}}`, 400, "past the end of partition 0")
	e.want(t, "operator", "POST", p, `{}`, 400, "exactly one of before_offset")
	if s := e.starts(t, topic); s[0] != 5 || s[1] != 5 {
		t.Fatalf("bad input moved start offsets: %v", s)
	}
	e.audited(t, topic,
		topAuditWant{"topic.purge", true, false},
		topAuditWant{"topic.purge", false, false},
		topAuditWant{"topic.purge", false, false},
		topAuditWant{"topic.purge", false, true},
		topAuditWant{"topic.purge", false, true},
		topAuditWant{"topic.purge", false, true},
		topAuditWant{"topic.purge", false, true},
		topAuditWant{"topic.purge", false, true})
}

// FuzzTopicOpBodies: no body makes a topic operation fail with an internal error (on the
// kfake cluster of fixture, where creating and purging are harmless).
func FuzzTopicOpBodies(f *testing.F) {
	for _, s := range []string{`{"name":"n1","partitions":2,"replication_factor":1,"brokers":[0,1],"dry_run":true}`, `{"name":"n2","configs":{"":""}}`,
		`{"count":5}`, `{"count":-1}`, `{"count":2147483647}`, `{"set":{"retention.ms":"1"},"delete":["segment.ms"]}`, `{"delete":[""]}`,
		`{"before_offset":{"0":1}}`, `{"before_offset":-1,"partitions":[2,2]}`, `{"before_offset":{"99999999999":1}}`, `{"before_time":"2020-01-01T00:00:00Z"}`,
		`{"name":"n3","partitions":20001}`, `{"partitions":1}`, `[]`, `null`, `{"before_offset":1.5}`} {
		f.Add(s)
	}
	s, _ := fixture(f)
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		for _, ep := range [][2]string{{"POST", "/api/v1/clusters/fake/topics"}, {"POST", "/api/v1/clusters/fake/topics/a/partitions"},
			{"PATCH", "/api/v1/clusters/fake/topics/a/configs"}, {"POST", "/api/v1/clusters/fake/topics/a/purge"}} {
			req := httptest.NewRequest(ep[0], ep[1], strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testToken)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code == http.StatusInternalServerError || rec.Code < 200 {
				t.Fatalf("%s %s %q: %d %s", ep[0], ep[1], body, rec.Code, rec.Body)
			}
		}
	})
}
