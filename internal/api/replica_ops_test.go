package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Preferred leader election through the API: a viewer is refused; a balanced topic's dry run
// and run move nothing; bad selections are 400/404 with a message; every call is audited.
func TestElectLeadersAPI(t *testing.T) {
	e := newGopEnv(t)
	topic := gopName("ple")
	if _, err := e.adm.CreateTopic(context.Background(), 3, 3, nil, topic); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/clusters/local/elect-leaders"
	if code, _ := e.do(t, "viewer", "POST", path, `{"dry_run":true}`); code != 403 {
		t.Fatalf("viewer: %d", code)
	}
	body := fmt.Sprintf(`{"topic":%q,"dry_run":true}`, topic)
	var code int
	var out map[string]any
	for i := 0; i < 100; i++ { // a new topic reaches the metadata, its leaders settle
		if code, out = e.do(t, "operator", "POST", path, body); code == 200 && out["balanced"] == float64(3) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code != 200 || out["balanced"] != float64(3) || len(out["moves"].([]any)) != 0 || out["applied"] != false {
		t.Fatalf("dry run of a balanced topic: %d %v", code, out)
	}
	for _, tc := range []struct {
		body string
		code int
		msg  string
	}{
		{`{"partitions":[0]}`, 400, "partitions need a topic"},
		{fmt.Sprintf(`{"topic":%q,"broker":1}`, topic), 400, "not both"},
		{`{"broker":99}`, 404, "no broker 99"},
		{fmt.Sprintf(`{"topic":%q,"partitions":[7]}`, topic), 404, "no partition 7"},
		{`{"topic":"nope-no-such-topic"}`, 404, "no such topic"},
		{`{"dry_run":"yes"}`, 400, "invalid JSON"},
	} {
		code, out := e.do(t, "operator", "POST", path, tc.body)
		if code != tc.code || !strings.Contains(gopErrMsg(out), tc.msg) {
			t.Errorf("%s: %d %q, want %d %q", tc.body, code, gopErrMsg(out), tc.code, tc.msg)
		}
	}
	n := 0
	for _, a := range e.audit.all() {
		if a.Action == "replicas.elect_leaders" && a.User == "operator" {
			n++
		}
	}
	if n < 7 {
		t.Fatalf("%d audit entries, want one per operator call (>= 7)", n)
	}
}
