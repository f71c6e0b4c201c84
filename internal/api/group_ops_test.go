package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/store"
)

// gopEnv is a server over the real cluster kc (named "local"), one user per role, an
// in-memory audit log and an admin client to check Kafka with.
type gopEnv struct {
	h     http.Handler
	audit *memAudit
	adm   *kadm.Client
}

func newGopEnv(t *testing.T) *gopEnv {
	t.Helper()
	s, _, au := opsServer(t, "local", nil)
	return &gopEnv{h: s.Handler(), audit: au, adm: kc.AdminT(t)}
}

// do sends a request as user and decodes the JSON answer.
func (e *gopEnv) do(t *testing.T, user, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range basic(user) {
		req.Header.Set(k, v)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: not JSON: %q", method, path, rec.Body.String())
	}
	return rec.Code, out
}

func gopErrMsg(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

var gopSeq atomic.Int64

func gopName(kind string) string {
	return fmt.Sprintf("gop-api-%s-%d-%d", kind, time.Now().UnixNano()%1e7, gopSeq.Add(1))
}

// gopT0/gopT1: the timestamps of the two batches gopTopic writes (5 records each per partition).
var (
	gopT0 = time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	gopT1 = gopT0.Add(time.Hour)
)

// gopTopic creates a topic with 2 partitions of 10 records each: offsets 0-4 at gopT0, 5-9 at gopT1.
func gopTopic(t *testing.T, adm *kadm.Client) string {
	t.Helper()
	ctx := context.Background()
	topic := gopName("t")
	if _, err := adm.CreateTopic(ctx, 2, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.DefaultProduceTopic(topic))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for p := range int32(2) {
		for i := range 10 {
			ts := gopT0
			if i >= 5 {
				ts = gopT1
			}
			recs = append(recs, &kgo.Record{Partition: p, Timestamp: ts, Value: []byte("v")})
		}
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		err := cl.ProduceSync(ctx, recs...).FirstErr()
		if err == nil {
			return topic
		}
		if time.Now().After(deadline) {
			t.Fatalf("producing to %s: %v", topic, err)
		}
	}
}

func gopCommit(t *testing.T, adm *kadm.Client, group, topic string, offs ...int64) {
	t.Helper()
	os := kadm.Offsets{}
	for p, o := range offs {
		os.AddOffset(topic, int32(p), o, -1)
	}
	if err := adm.CommitAllOffsets(context.Background(), group, os); err != nil {
		t.Fatal(err)
	}
}

// gopOffsets is the group's committed offsets on topic, by partition.
func gopOffsets(t *testing.T, adm *kadm.Client, group, topic string) map[int32]int64 {
	t.Helper()
	resp, err := adm.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	resp.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic && o.Err == nil && o.At >= 0 {
			out[o.Partition] = o.At
		}
	})
	return out
}

// Offset resets through the API: viewers refused; the dry run shows the plan and changes
// nothing; each mode commits exactly the planned offsets; bad input is a clear 400/404; an
// active member makes it a 409 that changes nothing; every call is in the audit log.
func TestGroupOpsResetOffsets(t *testing.T) {
	e := newGopEnv(t)
	topic := gopTopic(t, e.adm)
	group := gopName("g")
	gopCommit(t, e.adm, group, topic, 3, 3)
	path := "/api/v1/clusters/local/groups/" + group + "/offsets/reset"
	audits := 0
	wantAudit := func(dryRun bool, errPart string) store.AuditEntry {
		t.Helper()
		all := e.audit.all()
		if len(all) != audits+1 {
			t.Fatalf("%d audit entries, want %d: %+v", len(all), audits+1, all)
		}
		audits++
		a := all[len(all)-1]
		if a.Action != "group.reset_offsets" || a.Target != group || a.Cluster != "local" || a.User != "operator" || a.DryRun != dryRun ||
			!strings.Contains(a.Error, errPart) || (errPart == "" && (a.Error != "" || a.Result == "")) || a.Request == "" {
			t.Fatalf("audit entry %+v (want dry run %v, error %q)", a, dryRun, errPart)
		}
		return a
	}

	if code, body := e.do(t, "viewer", "POST", path, `{"to":"earliest"}`); code != 403 {
		t.Fatalf("viewer: %d %v", code, body)
	}
	if n := len(e.audit.all()); n != 0 {
		t.Fatalf("a refused viewer left %d audit entries", n)
	}

	// Dry run: the plan, nothing committed.
	code, plan := e.do(t, "operator", "POST", path, `{"to":"earliest","dry_run":true}`)
	if code != 200 || plan["dry_run"] != true || plan["applied"] != false || plan["lag_before"] != 14.0 || plan["lag_after"] != 20.0 {
		t.Fatalf("dry run: %d %v", code, plan)
	}
	parts := plan["partitions"].([]any)
	p0 := parts[0].(map[string]any)
	if len(parts) != 2 || p0["topic"] != topic || p0["old_offset"] != 3.0 || p0["new_offset"] != 0.0 ||
		p0["lag_before"] != 7.0 || p0["lag_after"] != 10.0 || p0["log_end"] != 10.0 {
		t.Fatalf("dry run partitions: %v", parts)
	}
	if got := gopOffsets(t, e.adm, group, topic); !reflect.DeepEqual(got, map[int32]int64{0: 3, 1: 3}) {
		t.Fatalf("dry run changed offsets: %v", got)
	}
	wantAudit(true, "")

	// Each mode commits what it planned.
	for _, tc := range []struct {
		body string
		want map[int32]int64
	}{
		{`{"to":"earliest"}`, map[int32]int64{0: 0, 1: 0}},
		{`{"to":"latest","topics":["` + topic + `"]}`, map[int32]int64{0: 10, 1: 10}},
		{`{"to":"timestamp","timestamp":"` + gopT0.Add(30*time.Minute).Format(time.RFC3339) + `"}`, map[int32]int64{0: 5, 1: 5}},
		{`{"to":"offset","offset":8,"partitions":{"` + topic + `":[1]}}`, map[int32]int64{0: 5, 1: 8}},
		{`{"to":"shift","shift":4}`, map[int32]int64{0: 9, 1: 10}},
		{`{"to":"shift","shift":-7}`, map[int32]int64{0: 2, 1: 3}},
		{`{"to":"offset","offset":99}`, map[int32]int64{0: 10, 1: 10}},
	} {
		code, plan := e.do(t, "operator", "POST", path, tc.body)
		if code != 200 || plan["applied"] != true {
			t.Fatalf("%s: %d %v", tc.body, code, plan)
		}
		got := gopOffsets(t, e.adm, group, topic)
		if !reflect.DeepEqual(got, tc.want) {
			t.Fatalf("%s: offsets %v, want %v", tc.body, got, tc.want)
		}
		for _, p := range plan["partitions"].([]any) {
			c := p.(map[string]any)
			if int64(c["new_offset"].(float64)) != got[int32(c["partition"].(float64))] {
				t.Fatalf("%s: planned %v, committed %v", tc.body, c, got)
			}
		}
		wantAudit(false, "")
	}

	// Bad input.
	for _, tc := range []struct {
		path, body string
		code       int
		msg        string
	}{
		{path, `{"to":"sideways"}`, 400, "unknown reset mode"},
		{path, `{"to":"timestamp"}`, 400, `"timestamp"`},
		{path, `{"to":"timestamp","timestamp":"yesterday"}`, 400, "RFC 3339"},
		{path, `{"to":"offset"}`, 400, `"offset" is required`},
		{path, `{"to":"shift"}`, 400, `"shift"`},
		{path, `{"to":"earliest","force":true}`, 400, "unknown field"},
		{path, ``, 400, "JSON body is required"},
		{path, `{"to":"earliest","topics":["gop-no-such-topic"]}`, 404, "no topic"},
		{"/api/v1/clusters/local/groups/" + gopName("none") + "/offsets/reset", `{"to":"earliest"}`, 404, "no consumer group"},
	} {
		code, body := e.do(t, "operator", "POST", tc.path, tc.body)
		if code != tc.code || !strings.Contains(gopErrMsg(body), tc.msg) {
			t.Errorf("%s: %d %q, want %d containing %q", tc.body, code, gopErrMsg(body), tc.code, tc.msg)
		}
		if all := e.audit.all(); len(all) != audits+1 || all[len(all)-1].Error == "" {
			t.Fatalf("%s: audit %+v", tc.body, all[len(all)-1])
		}
		audits++
	}
	if code, body := e.do(t, "operator", "POST", "/api/v1/clusters/nope/groups/g/offsets/reset", `{"to":"earliest"}`); code != 404 {
		t.Fatalf("unknown cluster: %d %v", code, body)
	}
	audits++
	if got := gopOffsets(t, e.adm, group, topic); !reflect.DeepEqual(got, map[int32]int64{0: 10, 1: 10}) {
		t.Fatalf("bad input changed offsets: %v", got)
	}

	// An active member: the dry run says so; applying is a 409 and changes nothing.
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic), kgo.DisableAutoCommit(),
		kgo.FetchMaxWait(200*time.Millisecond))...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			cl.PollFetches(ctx)
		}
	}()
	defer func() { cancel(); <-done; cl.Close() }()
	for deadline := time.Now().Add(45 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		code, plan := e.do(t, "operator", "POST", path, `{"to":"earliest","dry_run":true}`)
		audits++
		if code == 200 && plan["active_members"] == 1.0 {
			if !strings.Contains(plan["warning"].(string), "1 active member; stop its consumers first") {
				t.Fatalf("dry run warning: %v", plan)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the consumer never showed: %d %v", code, plan)
		}
	}
	code, body := e.do(t, "operator", "POST", path, `{"to":"earliest"}`)
	if code != 409 || !strings.Contains(gopErrMsg(body), "has 1 active member; stop its consumers first") {
		t.Fatalf("with a member: %d %v", code, body)
	}
	if a := wantAudit(false, "active member"); a.Result != "" {
		t.Fatalf("a refused reset has a result: %+v", a)
	}
	if got := gopOffsets(t, e.adm, group, topic); !reflect.DeepEqual(got, map[int32]int64{0: 10, 1: 10}) {
		t.Fatalf("a refused reset changed offsets: %v", got)
	}
}

// Deleting a group's offsets for a topic and deleting the group, each previewed first, each
// checked with kadm and audited; viewers refused; a group with a member is a 409.
func TestGroupOpsDelete(t *testing.T) {
	e := newGopEnv(t)
	t1, t2 := gopTopic(t, e.adm), gopTopic(t, e.adm)
	group := gopName("g")
	gopCommit(t, e.adm, group, t1, 1, 2)
	gopCommit(t, e.adm, group, t2, 3, 4)
	gpath := "/api/v1/clusters/local/groups/" + group
	opath := gpath + "/offsets?topic=" + t1

	for _, p := range []string{gpath, opath} {
		if code, body := e.do(t, "viewer", "DELETE", p, ""); code != 403 {
			t.Fatalf("viewer DELETE %s: %d %v", p, code, body)
		}
	}

	code, d := e.do(t, "operator", "DELETE", opath+"&dry_run=true", "")
	if code != 200 || d["deleted"] != false || len(d["offsets"].([]any)) != 2 {
		t.Fatalf("offsets dry run: %d %v", code, d)
	}
	if got := gopOffsets(t, e.adm, group, t1); len(got) != 2 {
		t.Fatalf("dry run deleted offsets: %v", got)
	}
	if code, d = e.do(t, "operator", "DELETE", opath, ""); code != 200 || d["deleted"] != true {
		t.Fatalf("delete offsets: %d %v", code, d)
	}
	if got := gopOffsets(t, e.adm, group, t1); len(got) != 0 {
		t.Fatalf("offsets left on %s: %v", t1, got)
	}
	if got := gopOffsets(t, e.adm, group, t2); !reflect.DeepEqual(got, map[int32]int64{0: 3, 1: 4}) {
		t.Fatalf("offsets on %s: %v", t2, got)
	}
	if code, d = e.do(t, "operator", "DELETE", opath, ""); code != 404 || !strings.Contains(gopErrMsg(d), "no committed offsets") {
		t.Fatalf("delete again: %d %v", code, d)
	}
	if code, d = e.do(t, "operator", "DELETE", gpath+"/offsets", ""); code != 400 || !strings.Contains(gopErrMsg(d), "topic is required") {
		t.Fatalf("no topic: %d %v", code, d)
	}

	code, d = e.do(t, "operator", "DELETE", gpath+"?dry_run=true", "")
	if code != 200 || d["deleted"] != false || len(d["offsets"].([]any)) != 2 || d["active_members"] != 0.0 {
		t.Fatalf("group dry run: %d %v", code, d)
	}
	if got := gopOffsets(t, e.adm, group, t2); len(got) != 2 {
		t.Fatalf("dry run deleted the group: %v", got)
	}
	if code, d = e.do(t, "operator", "DELETE", gpath+"?dry_run=perhaps", ""); code != 400 || !strings.Contains(gopErrMsg(d), "dry_run") {
		t.Fatalf("bad dry_run: %d %v", code, d)
	}
	if code, d = e.do(t, "operator", "DELETE", gpath, ""); code != 200 || d["deleted"] != true {
		t.Fatalf("delete group: %d %v", code, d)
	}
	listed, err := e.adm.ListGroups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := listed[group]; ok {
		t.Fatalf("group still listed")
	}
	if code, d = e.do(t, "operator", "DELETE", gpath, ""); code != 404 || !strings.Contains(gopErrMsg(d), "no consumer group") {
		t.Fatalf("delete again: %d %v", code, d)
	}

	var got []string
	for _, a := range e.audit.all() {
		if a.Target != group || a.User != "operator" || a.Cluster != "local" {
			t.Fatalf("audit entry %+v", a)
		}
		got = append(got, fmt.Sprintf("%s dry=%v err=%v", a.Action, a.DryRun, a.Error != ""))
	}
	want := []string{
		"group.delete_offsets dry=true err=false", "group.delete_offsets dry=false err=false", "group.delete_offsets dry=false err=true",
		"group.delete_offsets dry=false err=true",
		"group.delete dry=true err=false", "group.delete dry=false err=true", "group.delete dry=false err=false", "group.delete dry=false err=true",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A group with a member cannot be deleted.
	busy := gopName("g")
	gopCommit(t, e.adm, busy, t2, 1, 1)
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.ConsumerGroup(busy), kgo.ConsumeTopics(t2), kgo.DisableAutoCommit(),
		kgo.ServerSideBalancer(), kgo.Balancers(kgo.CooperativeStickyBalancer()))...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			cl.PollFetches(ctx)
		}
	}()
	defer func() { cancel(); <-done; cl.Close() }()
	for deadline := time.Now().Add(45 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		code, d := e.do(t, "operator", "DELETE", "/api/v1/clusters/local/groups/"+busy+"?dry_run=true", "")
		if code == 200 && d["active_members"] == 1.0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the consumer never showed: %d %v", code, d)
		}
	}
	code, d = e.do(t, "operator", "DELETE", "/api/v1/clusters/local/groups/"+busy, "")
	if code != 409 || !strings.Contains(gopErrMsg(d), "has 1 active member; stop its consumers first") {
		t.Fatalf("busy group: %d %v", code, d)
	}
	if got := gopOffsets(t, e.adm, busy, t2); len(got) != 2 {
		t.Fatalf("busy group's offsets: %v", got)
	}
}
