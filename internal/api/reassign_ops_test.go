package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Reassignments through the API: viewers may only read progress; the plan has bytes; bad
// input is a 400; a small real reassignment runs to the end, where progress removes its
// throttle; every operation is audited.
func TestReassignOps(t *testing.T) {
	e := newGopEnv(t)
	topic := gopTopic(t, e.adm)
	base := "/api/v1/clusters/local/reassignments"
	planBody := `{"mode":"replication_factor","topics":["` + topic + `"],"replication_factor":2}`

	for _, c := range []struct{ method, path, body string }{
		{"POST", base + "/plan", planBody},
		{"POST", base, `{"assignment":{},"throttle_bytes_per_sec":1}`},
		{"POST", base + "/finish", `{}`},
		{"DELETE", base, ""},
	} {
		if code, body := e.do(t, "viewer", c.method, c.path, c.body); code != 403 {
			t.Fatalf("viewer %s %s: %d %v", c.method, c.path, code, body)
		}
	}
	if n := len(e.audit.all()); n != 0 {
		t.Fatalf("refused viewers left %d audit entries", n)
	}
	code, pr := e.do(t, "viewer", "GET", base, "")
	if code != 200 || pr["running"] != false || pr["in_progress"] == nil {
		t.Fatalf("viewer progress: %d %v", code, pr)
	}

	code, plan := e.do(t, "operator", "POST", base+"/plan", planBody)
	moves, _ := plan["moves"].([]any)
	if code != 200 || len(moves) != 2 || plan["total_bytes"].(float64) <= 0 || plan["replicas_added"] != 2.0 {
		t.Fatalf("plan: %d %v", code, plan)
	}
	for _, m := range moves {
		m := m.(map[string]any)
		if m["bytes"].(float64) <= 0 || len(m["target"].([]any)) != 2 || len(m["adding"].([]any)) != 1 {
			t.Fatalf("move %v", m)
		}
	}
	if a := e.audit.all(); len(a) != 1 || a[0].Action != "reassign.plan" || a[0].User != "operator" || a[0].Result == "" {
		t.Fatalf("audit %+v", a)
	}

	for _, c := range []struct{ path, body, msg string }{
		{base + "/plan", `{}`, `"mode" is required`},
		{base + "/plan", `{"mode":"drain"}`, `"brokers"`},
		{base + "/plan", `{"mode":"replication_factor","topics":["` + topic + `"],"replication_factor":9}`, "more than the 3 brokers"},
		{base + "/plan", `{"mode":"custom","assignment":{"` + topic + `":{"0":[1,1]}}}`, "listed twice"},
		{base + "/plan", `{"mode":"drain","brokers":"1"}`, "invalid JSON body"},
		{base + "/plan", `{"mode":"drain","brokerz":[1]}`, "invalid JSON body"},
		{base, `{"assignment":{"` + topic + `":{"0":[1,2]}}}`, `"throttle_bytes_per_sec" is required`},
		{base, `{"assignment":{"` + topic + `":{"0":[1,2]}},"throttle_bytes_per_sec":-5}`, `"throttle_bytes_per_sec" is required`},
		{base, `{"throttle_bytes_per_sec":1000}`, `"assignment"`},
	} {
		if code, body := e.do(t, "operator", "POST", c.path, c.body); code != 400 || !strings.Contains(gopErrMsg(body), c.msg) {
			t.Errorf("%s %s: %d %v, want 400 with %q", c.path, c.body, code, body, c.msg)
		}
	}
	if code, body := e.do(t, "operator", "POST", "/api/v1/clusters/nope/reassignments/plan", planBody); code != 404 {
		t.Errorf("unknown cluster: %d %v", code, body)
	}

	assignment, _ := json.Marshal(plan["assignment"])
	startBody := `{"assignment":` + string(assignment) + `,"throttle_bytes_per_sec":1048576`
	n := len(e.audit.all())
	code, dry := e.do(t, "operator", "POST", base, startBody+`,"dry_run":true}`)
	if code != 200 || dry["dry_run"] != true || dry["throttle"].(map[string]any)["bytes_per_sec"] != 1048576.0 {
		t.Fatalf("dry run: %d %v", code, dry)
	}
	if a := e.audit.all(); len(a) != n+1 || a[n].Action != "reassign.start" || !a[n].DryRun {
		t.Fatalf("dry run audit %+v", a[n:])
	}
	code, started := e.do(t, "operator", "POST", base, startBody+`}`)
	if code != 200 || started["dry_run"] != false {
		t.Fatalf("start: %d %v", code, started)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(300 * time.Millisecond) {
		code, pr = e.do(t, "viewer", "GET", base, "")
		if code != 200 {
			t.Fatalf("progress: %d %v", code, pr)
		}
		if pr["running"] == false {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still running: %v", pr)
		}
	}
	// A viewer's look changes nothing: the throttle is still set; an operator's removes it.
	if pr["partitions_done"] != 2.0 || pr["partitions_total"] != 2.0 || pr["throttle_set"] != true || pr["throttle_removed"] != false ||
		pr["bytes_moved"] != plan["total_bytes"] {
		t.Fatalf("progress at the end, seen by a viewer: %v", pr)
	}
	if code, pr = e.do(t, "operator", "GET", base, ""); code != 200 || pr["throttle_set"] != false || pr["throttle_removed"] != true {
		t.Fatalf("progress at the end, seen by an operator: %d %v", code, pr)
	}
	if code, pr = e.do(t, "operator", "GET", base, ""); code != 200 || pr["throttle_removed"] != false {
		t.Fatalf("a second look removed throttles again: %d %v", code, pr)
	}
	md, err := e.adm.Metadata(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range md.Topics[topic].Partitions {
		if len(p.Replicas) != 2 {
			t.Fatalf("partition %d replicas %v", p.Partition, p.Replicas)
		}
	}
	code, end := e.do(t, "operator", "DELETE", base, "")
	if code != 200 || len(end["cancelled"].([]any)) != 0 || end["throttle_removed"] != true || len(end["assignment"].([]any)) != 2 {
		t.Fatalf("cancel with nothing running: %d %v", code, end)
	}
	code, fin := e.do(t, "operator", "POST", base+"/finish", "")
	if code != 200 || fin["throttle_removed"] != true {
		t.Fatalf("finish: %d %v", code, fin)
	}
	var actions []string
	for _, a := range e.audit.all() {
		actions = append(actions, a.Action)
	}
	got := strings.Join(actions, " ")
	if !strings.HasSuffix(got, "reassign.start reassign.start reassign.finish reassign.cancel reassign.finish") {
		t.Fatalf("audit actions %s", got)
	}
}
