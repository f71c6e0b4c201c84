package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Canned answers in exactly the API's shapes (internal/api: clusters.go, brokers.go,
// topics.go, groups.go, page.go, errors.go).

const cannedClustersOne = `{"clusters":[{"name":"prod","labels":{"env":"prod"},"status":"ok","cluster_id":"q1Sh-9_ISia_zwGINzRvyQ","controller_id":2,"controller_source":"kraft","kafka_versions":["3.9.0"],"collected_at":"2026-01-02T03:04:05Z","took_ms":12.5,"stats":{"brokers":3,"brokers_reachable":2,"topics":12,"partitions":48,"replicas":144,"under_replicated":1,"under_min_isr":0,"offline":0,"messages_in_per_sec":1234.56,"bytes_in_per_sec":10240,"size_bytes":1073741824,"disk_used_bytes":3221225472,"groups":4,"lag":5678},"brokers":[{"id":1,"host":"k1","port":9092,"rack":"a","reachable":true},{"id":2,"host":"k2","port":9092,"rack":"b","reachable":true},{"id":3,"host":"k3","port":9092,"reachable":false}],"errors":[{"part":"log_dirs","broker":3,"error":"connection refused"}]}]}`

const cannedClustersThree = `{"clusters":[` +
	`{"name":"prod","status":"ok","cluster_id":"abc","controller_id":2,"kafka_versions":["3.9.0","3.8.1"],"collected_at":"2026-01-02T03:04:05Z","took_ms":12.5,"stats":{"brokers":3,"brokers_reachable":3,"topics":12,"partitions":48,"replicas":144,"under_replicated":0,"under_min_isr":0,"offline":0,"messages_in_per_sec":12.5,"bytes_in_per_sec":10240,"size_bytes":1073741824,"disk_used_bytes":3221225472,"groups":4,"lag":0},"brokers":[]},` +
	`{"name":"staging","status":"pending","controller_id":-1,"took_ms":0,"brokers":[]},` +
	`{"name":"dr","status":"unreachable","error":"dial tcp 10.0.0.1:9092: i/o timeout","controller_id":-1,"collected_at":"2026-01-02T03:04:05Z","took_ms":10000,"stats":{"brokers":0,"brokers_reachable":0,"topics":0,"partitions":0,"replicas":0,"under_replicated":0,"under_min_isr":0,"offline":0,"messages_in_per_sec":0,"bytes_in_per_sec":0,"size_bytes":0,"disk_used_bytes":0,"groups":0,"lag":0},"brokers":[],"errors":[{"part":"metadata","error":"dial tcp 10.0.0.1:9092: i/o timeout"}]}]}`

const cannedBrokers = `{"controller_id":2,"brokers":[` +
	`{"id":1,"host":"k1.example.com","port":9092,"rack":"eu-1a","reachable":true,"kafka_version":"3.9.0","log_dirs":[{"path":"/data","total_bytes":107374182400,"usable_bytes":53687091200,"used_bytes":1610612736}],"stats":{"leaders":16,"replicas":48,"disk_used_bytes":1610612736,"disk_total_bytes":107374182400,"disk_usable_bytes":53687091200,"messages_in_per_sec":400.25,"bytes_in_per_sec":1000,"under_replicated":0}},` +
	`{"id":2,"host":"k2.example.com","port":9092,"rack":"eu-1b","reachable":true,"kafka_version":"3.9.0","metrics_error":"scrape: 404","stats":{"leaders":16,"replicas":48,"disk_used_bytes":1536,"disk_total_bytes":-1,"disk_usable_bytes":-1,"messages_in_per_sec":0,"bytes_in_per_sec":0,"under_replicated":1}},` +
	`{"id":3,"host":"k3.example.com","port":9092,"reachable":false,"error":"dial tcp 10.0.0.3:9092: connect: connection refused","stats":{"leaders":0,"replicas":48,"disk_used_bytes":0,"disk_total_bytes":-1,"disk_usable_bytes":-1,"messages_in_per_sec":0,"bytes_in_per_sec":0,"under_replicated":0}}]}`

const cannedTopicsPage = `{"total":2043,"offset":100,"limit":2,"items":[` +
	`{"name":"orders.v1","internal":false,"partitions":12,"replication_factor":3,"min_insync_replicas":2,"size_bytes":1572864,"replica_bytes":4718592,"messages":100000,"messages_in_per_sec":12.5,"bytes_in_per_sec":2048,"under_replicated":1,"under_min_isr":0,"offline":0},` +
	`{"name":"payments","internal":false,"partitions":6,"replication_factor":3,"min_insync_replicas":2,"size_bytes":512,"replica_bytes":1536,"messages":7,"messages_in_per_sec":0,"bytes_in_per_sec":0,"under_replicated":0,"under_min_isr":0,"offline":0}]}`

const cannedTopicsAll = `{"total":1,"offset":0,"limit":100,"items":[{"name":"__consumer_offsets","internal":true,"partitions":50,"replication_factor":3,"min_insync_replicas":2,"size_bytes":5368709120,"replica_bytes":16106127360,"messages":3,"messages_in_per_sec":0.04,"bytes_in_per_sec":1,"under_replicated":0,"under_min_isr":0,"offline":0}]}`

const cannedGroups = `{"total":3,"offset":0,"limit":100,"items":[` +
	`{"id":"billing","state":"Stable","type":"classic","protocol_type":"consumer","coordinator":1,"members":2,"lag":42,"topics":["orders.v1"]},` +
	`{"id":"etl","state":"Empty","type":"consumer","protocol_type":"consumer","coordinator":3,"members":0,"lag":123456789,"topics":["a","b","c","d","e"]},` +
	`{"id":"ghost","state":"Dead","type":"classic","protocol_type":"","coordinator":-1,"members":0,"lag":0,"topics":[],"error":"COORDINATOR_NOT_AVAILABLE"}]}`

const cannedTopic = `{"name":"orders.v1","id":"4LRYgnFdSkO8AfP5kRy1ig","internal":false,"partitions":[` +
	`{"id":0,"leader":1,"leader_epoch":3,"replicas":[1,2,3],"isr":[1,2,3],"start_offset":0,"end_offset":50000,"replica_bytes":{"1":1048576,"2":1048576,"3":1048576},"stats":{"size_bytes":1048576,"messages":50000,"messages_in_per_sec":6.25,"bytes_in_per_sec":1024,"under_replicated":false,"under_min_isr":false,"offline":false}},` +
	`{"id":1,"leader":2,"leader_epoch":7,"replicas":[2,3,1],"isr":[2,3],"start_offset":100,"end_offset":50100,"replica_bytes":{"2":524288,"3":524288},"stats":{"size_bytes":524288,"messages":50000,"messages_in_per_sec":6.25,"bytes_in_per_sec":1024,"under_replicated":true,"under_min_isr":false,"offline":false}},` +
	`{"id":2,"leader":-1,"leader_epoch":9,"replicas":[3],"isr":[],"offline":[3],"start_offset":-1,"end_offset":-1,"error":"LEADER_NOT_AVAILABLE","stats":{"size_bytes":0,"messages":0,"messages_in_per_sec":0,"bytes_in_per_sec":0,"under_replicated":true,"under_min_isr":true,"offline":true}}],` +
	`"stats":{"partitions":3,"replication_factor":3,"min_insync_replicas":2,"size_bytes":1572864,"replica_bytes":4718592,"messages":100000,"messages_in_per_sec":12.5,"bytes_in_per_sec":2048,"under_replicated":2,"under_min_isr":1,"offline":1},` +
	`"configs":{"retention.ms":{"value":"604800000","source":"dynamic_topic"},"cleanup.policy":{"value":"delete","source":"default"},"min.insync.replicas":{"value":"2","source":"static_broker"},"sasl.jaas.config":{"value":"","source":"dynamic_topic","sensitive":true}},` +
	`"groups":[{"id":"billing","state":"Stable","lag":42},{"id":"etl","state":"Empty","lag":0}]}`

const cannedGroup = `{"id":"team.a/billing","state":"Stable","type":"classic","protocol_type":"consumer","assignor":"range","coordinator":1,` +
	`"members":[{"id":"c-1-6f1b","client_id":"billing-1","host":"/10.0.0.7","assignment":{"orders.v1":[2,0,1],"payments":[5]}},{"id":"c-2-9a0c","instance_id":"pod-2","client_id":"billing-2","host":"/10.0.0.8","assignment":{}}],` +
	`"stats":{"members":2,"topics":["orders.v1","payments"],"lag":42},` +
	`"partitions":[{"topic":"orders.v1","partition":0,"committed":49990,"end_offset":50000,"lag":10,"member_id":"c-1-6f1b","client_id":"billing-1","host":"/10.0.0.7"},` +
	`{"topic":"orders.v1","partition":1,"committed":50068,"end_offset":50100,"lag":32,"member_id":"c-1-6f1b","client_id":"billing-1","host":"/10.0.0.7"},` +
	`{"topic":"orders.v1","partition":2,"committed":null,"end_offset":-1,"lag":null,"member_id":"c-1-6f1b","client_id":"billing-1","host":"/10.0.0.7"},` +
	`{"topic":"payments","partition":5,"committed":null,"end_offset":7,"lag":null,"member_id":"c-1-6f1b","client_id":"billing-1","host":"/10.0.0.7"},` +
	`{"topic":"refunds","partition":0,"committed":3,"end_offset":3,"lag":0}]}`

func errEnvelope(code, msg string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	return string(b)
}

// fakeAPI serves canned answers by escaped path and records the requests.
type fakeAPI struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string]cannedResp
	reqs   []recordedReq
}

type cannedResp struct {
	status      int
	body        string
	contentType string
}

type recordedReq struct {
	method, path, query, auth string
}

func newFakeAPI(t *testing.T, routes map[string]cannedResp) *fakeAPI {
	t.Helper()
	f := &fakeAPI{routes: routes}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, recordedReq{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Authorization")})
		f.mu.Unlock()
		c, ok := f.routes[r.URL.EscapedPath()]
		if !ok {
			c = cannedResp{status: 404, body: errEnvelope("not_found", "no such API endpoint: "+r.Method+" "+r.URL.Path)}
		}
		if c.status == 0 {
			c.status = 200
		}
		if c.contentType == "" {
			c.contentType = "application/json"
		}
		w.Header().Set("Content-Type", c.contentType)
		w.WriteHeader(c.status)
		_, _ = w.Write([]byte(c.body + "\n"))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) requests() []recordedReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recordedReq(nil), f.reqs...)
}

func (f *fakeAPI) lastRequest(t *testing.T) recordedReq {
	t.Helper()
	r := f.requests()
	if len(r) == 0 {
		t.Fatal("the server got no request")
	}
	return r[len(r)-1]
}

// runCLI runs Main with the given environment.
func runClientCLI(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb, env)
	return code, out.String(), errb.String()
}

// normalized is the output's lines with each run of blanks turned into one space.
func clientNormalized(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return out
}

func wantClientLines(t *testing.T, out string, want ...string) {
	t.Helper()
	got := clientNormalized(out)
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("missing line %q in output:\n%s", w, out)
		}
	}
}

func wantClientCode(t *testing.T, code, want int, stdout, stderr string) {
	t.Helper()
	if code != want {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
	}
}

func serverEnv(f *fakeAPI) []string { return []string{"GREGOR_SERVER=" + f.URL} }

func TestClientClustersTable(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters": {body: cannedClustersThree}})
	code, out, errOut := runClientCLI(t, serverEnv(f), "clusters")
	wantClientCode(t, code, ExitOK, out, errOut)
	want := "" +
		"NAME     STATUS       BROKERS  TOPICS  PARTITIONS  URP  OFFLINE  IN/S    LAG  VERSION\n" +
		"prod     ok           3/3      12      48          0    0        12.5/s  0    3.9.0,3.8.1\n" +
		"staging  pending      -        -       -           -    -        -       -    -\n" +
		"dr       unreachable  0/0      0       0           0    0        0.0/s   0    -\n" +
		"\n" +
		"dr: dial tcp 10.0.0.1:9092: i/o timeout\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	if errOut != "" {
		t.Errorf("stderr: %q", errOut)
	}
	if r := f.lastRequest(t); r.path != "/api/v1/clusters" || r.auth != "" {
		t.Errorf("request %+v", r)
	}
}

func TestClientBrokersTable(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters/prod/brokers": {body: cannedBrokers}})
	code, out, errOut := runClientCLI(t, serverEnv(f), "brokers", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantClientLines(t, out,
		"ID HOST:PORT RACK REACHABLE LEADERS REPLICAS DISK-USED DISK-FREE IN/S",
		"1 k1.example.com:9092 eu-1a yes 16 48 1.5 GiB 50.0 GiB 400.2/s",
		"2* k2.example.com:9092 eu-1b yes 16 48 1.5 KiB - 0.0/s",
		"3 k3.example.com:9092 - no 0 48 0 B - 0.0/s",
		"* controller",
		"broker 3: dial tcp 10.0.0.3:9092: connect: connection refused",
	)
	if len(f.requests()) != 1 {
		t.Errorf("with --cluster, want one request, got %+v", f.requests())
	}
}

func TestClientTopicsPagedQuery(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters/prod/topics": {body: cannedTopicsPage}})
	code, out, errOut := runClientCLI(t, serverEnv(f), "topics", "--cluster=prod", "--filter", "Or ders", "--sort", "size",
		"--desc", "--limit", "2", "--offset", "100", "--no-internal")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantClientLines(t, out,
		"NAME PARTITIONS RF SIZE MESSAGES IN/S URP OFFLINE",
		"orders.v1 12 3 1.5 MiB 100000 12.5/s 1 0",
		"payments 6 3 512 B 7 0.0/s 0 0",
		"showing 101-102 of 2043; next page: --offset 102",
	)
	r := f.lastRequest(t)
	if want := "internal=false&limit=2&offset=100&order=desc&q=Or+ders&sort=size"; r.query != want {
		t.Errorf("query %q, want %q", r.query, want)
	}
}

func TestClientTopicsNotPaged(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters/prod/topics": {body: cannedTopicsAll}})
	code, out, errOut := runClientCLI(t, serverEnv(f), "topics", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	want := "NAME                PARTITIONS  RF  SIZE     MESSAGES  IN/S   URP  OFFLINE\n" +
		"__consumer_offsets  50          3   5.0 GiB  3         0.0/s  0    0\n"
	if out != want {
		t.Errorf("output:\n%s\nwant (no footer when everything is shown):\n%s", out, want)
	}
	if r := f.lastRequest(t); r.query != "limit=100&sort=name" {
		t.Errorf("default query %q", r.query)
	}
}

func TestClientGroupsTable(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters/prod/groups": {body: cannedGroups}})
	code, out, errOut := runClientCLI(t, serverEnv(f), "groups", "--cluster", "prod", "--sort", "lag", "--desc")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantClientLines(t, out,
		"GROUP STATE TYPE MEMBERS LAG COORDINATOR TOPICS",
		"billing Stable classic 2 42 1 orders.v1",
		"etl Empty consumer 0 123456789 3 a,b,c,+2 more",
		"ghost Dead classic 0 0 - -",
		"ghost: COORDINATOR_NOT_AVAILABLE",
	)
	if strings.Contains(out, "showing") {
		t.Errorf("footer on an unpaged list:\n%s", out)
	}
	if r := f.lastRequest(t); r.query != "limit=100&order=desc&sort=lag" {
		t.Errorf("query %q", r.query)
	}
}

func TestClientDescribeTopic(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters/prod/topics/orders.v1": {body: cannedTopic}})
	// Flags may follow the positional argument.
	code, out, errOut := runClientCLI(t, serverEnv(f), "describe-topic", "orders.v1", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantClientLines(t, out,
		"Topic: orders.v1",
		"Partitions: 3",
		"Replication factor: 3",
		"Min ISR: 2",
		"Size: 1.5 MiB (4.5 MiB with replicas)",
		"Rate: 12.5/s, 2.0 KiB/s",
		"Under-replicated: 2",
		"PARTITION LEADER REPLICAS ISR START END SIZE",
		"0 1 1,2,3 1,2,3 0 50000 1.0 MiB",
		"1 2 2,3,1 2,3 100 50100 512.0 KiB under-replicated",
		"2 - 3 - - - 0 B offline,under-replicated,under-min-isr",
		"partition 2: LEADER_NOT_AVAILABLE",
		"Non-default configs:",
		"NAME VALUE SOURCE",
		"min.insync.replicas 2 static_broker",
		"retention.ms 604800000 dynamic_topic",
		"sasl.jaas.config (sensitive) dynamic_topic",
		"Consumer groups:",
		"GROUP STATE LAG",
		"billing Stable 42",
		"etl Empty 0",
	)
	if strings.Contains(out, "cleanup.policy") {
		t.Errorf("default config shown:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimRight(l, " ") != l {
			t.Errorf("trailing blanks in %q", l)
		}
	}
}

func TestClientDescribeGroup(t *testing.T) {
	// The group name has a dot and a slash: the path segment must be escaped.
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters/prod/groups/team.a%2Fbilling": {body: cannedGroup}})
	code, out, errOut := runClientCLI(t, serverEnv(f), "describe-group", "--cluster", "prod", "team.a/billing")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantClientLines(t, out,
		"Group: team.a/billing",
		"State: Stable",
		"Type: classic",
		"Members: 2",
		"Lag: 42",
		"MEMBER CLIENT HOST PARTITIONS",
		"c-1-6f1b billing-1 /10.0.0.7 orders.v1[0-2] payments[5]",
		"c-2-9a0c (pod-2) billing-2 /10.0.0.8 -",
		"TOPIC PARTITION COMMITTED END LAG CLIENT",
		"orders.v1 0 49990 50000 10 billing-1",
		"orders.v1 1 50068 50100 32 billing-1",
		"orders.v1 2 - - - billing-1",
		"payments 5 - 7 - billing-1",
		"refunds 0 3 3 0 -",
	)
}

func TestClientJSONOutput(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{
		"/api/v1/clusters":                       {body: cannedClustersOne},
		"/api/v1/clusters/prod/topics/orders.v1": {body: cannedTopic},
	})
	for _, tc := range []struct {
		args []string
		body string
	}{
		{[]string{"clusters", "-o", "json"}, cannedClustersOne},
		{[]string{"describe-topic", "orders.v1", "--output=json", "--cluster", "prod"}, cannedTopic},
	} {
		code, out, errOut := runClientCLI(t, serverEnv(f), tc.args...)
		wantClientCode(t, code, ExitOK, out, errOut)
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(tc.body), "", "  "); err != nil {
			t.Fatal(err)
		}
		if out != want.String()+"\n" {
			t.Errorf("%v: output:\n%s\nwant the body as-is, indented:\n%s", tc.args, out, want.String())
		}
	}
}

func TestClientOneClusterAutoSelected(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{
		"/api/v1/clusters":              {body: cannedClustersOne},
		"/api/v1/clusters/prod/brokers": {body: cannedBrokers},
	})
	code, out, errOut := runClientCLI(t, serverEnv(f), "brokers")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantClientLines(t, out, "2* k2.example.com:9092 eu-1b yes 16 48 1.5 KiB - 0.0/s")
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].path != "/api/v1/clusters" || reqs[1].path != "/api/v1/clusters/prod/brokers" {
		t.Errorf("requests %+v", reqs)
	}
}

func TestClientSeveralClustersNeedFlag(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters": {body: cannedClustersThree}})
	for _, cmd := range [][]string{{"topics"}, {"brokers"}, {"groups"}, {"describe-topic", "x"}, {"describe-group", "g"}} {
		code, out, errOut := runClientCLI(t, serverEnv(f), cmd...)
		wantClientCode(t, code, ExitUsage, out, errOut)
		if want := "gregor: --cluster is required: the server has 3 clusters: prod, staging, dr\n"; errOut != want {
			t.Errorf("%v: stderr %q, want %q", cmd, errOut, want)
		}
		if out != "" {
			t.Errorf("stdout %q", out)
		}
	}
	if len(f.requests()) != 5 {
		t.Errorf("want only the cluster list fetched, got %+v", f.requests())
	}
}

func TestClientNoClusters(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters": {body: `{"clusters":[]}`}})
	code, out, errOut := runClientCLI(t, serverEnv(f), "topics")
	wantClientCode(t, code, ExitUsage, out, errOut)
	if !strings.Contains(errOut, "--cluster is required, and the server has no clusters") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestClientAPIErrors(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{
		"/api/v1/clusters/prod/topics/nope": {status: 404, body: errEnvelope("not_found", `no topic "nope" in cluster "prod"`)},
		"/api/v1/clusters/new/topics":       {status: 503, body: errEnvelope("unavailable", `cluster "new" has not been collected yet; try again in a few seconds`)},
		"/api/v1/clusters/prod/groups":      {status: 400, body: errEnvelope("bad_request", "limit must be an integer from 1 to 1000")},
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"describe-topic", "nope", "--cluster", "prod"}, "gregor: no topic \"nope\" in cluster \"prod\"\n"},
		{[]string{"topics", "--cluster", "new"}, "gregor: cluster \"new\" has not been collected yet; try again in a few seconds\n"},
		{[]string{"groups", "--cluster", "prod"}, "gregor: limit must be an integer from 1 to 1000\n"},
		{[]string{"brokers", "--cluster", "gone"}, "gregor: no such API endpoint: GET /api/v1/clusters/gone/brokers\n"},
		{[]string{"describe-topic", "nope", "--cluster", "prod", "-o", "json"}, "gregor: no topic \"nope\" in cluster \"prod\"\n"},
	} {
		code, out, errOut := runClientCLI(t, serverEnv(f), tc.args...)
		wantClientCode(t, code, ExitFailure, out, errOut)
		if errOut != tc.want || out != "" {
			t.Errorf("%v: stderr %q, stdout %q; want stderr %q", tc.args, errOut, out, tc.want)
		}
	}
}

func TestClientAuthRefused(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{
		"/api/v1/clusters":              {status: 401, body: errEnvelope("unauthorized", "sign in first")},
		"/api/v1/clusters/prod/brokers": {status: 403, body: errEnvelope("forbidden", "viewers cannot see brokers")},
	})
	code, out, errOut := runClientCLI(t, serverEnv(f), "clusters")
	wantClientCode(t, code, ExitAuth, out, errOut)
	if want := "gregor: sign in first\ngregor: hint: set GREGOR_TOKEN, or GREGOR_USER and GREGOR_PASSWORD, to authenticate\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	// Without --cluster the cluster list is fetched first: its 401 is the answer.
	code, out, errOut = runClientCLI(t, serverEnv(f), "topics")
	wantClientCode(t, code, ExitAuth, out, errOut)

	env := append(serverEnv(f), "GREGOR_TOKEN=tok-0123456789abcdef")
	code, out, errOut = runClientCLI(t, env, "brokers", "--cluster", "prod")
	wantClientCode(t, code, ExitAuth, out, errOut)
	if !strings.HasPrefix(errOut, "gregor: viewers cannot see brokers\ngregor: hint: ") || !strings.Contains(errOut, "GREGOR_TOKEN") {
		t.Errorf("stderr %q", errOut)
	}
	if strings.Contains(errOut, "tok-0123456789abcdef") {
		t.Errorf("token printed: %q", errOut)
	}
}

func TestClientServerDown(t *testing.T) {
	f := httptest.NewServer(http.NotFoundHandler())
	url := f.URL
	f.Close() // nothing listens on the port now
	for _, args := range [][]string{{"clusters"}, {"topics"}, {"describe-topic", "x", "--cluster", "prod"}} {
		code, out, errOut := runClientCLI(t, []string{"GREGOR_SERVER=" + url}, args...)
		wantClientCode(t, code, ExitUnreachable, out, errOut)
		if want := "gregor: cannot reach " + url + ": connection refused\n"; errOut != want {
			t.Errorf("%v: stderr %q, want %q", args, errOut, want)
		}
	}
}

func TestClientServerURLPasswordHidden(t *testing.T) {
	f := httptest.NewServer(http.NotFoundHandler())
	u := strings.Replace(f.URL, "http://", "http://admin:hunter2-secret@", 1)
	f.Close()
	code, out, errOut := runClientCLI(t, []string{"GREGOR_SERVER=" + u}, "clusters", "--verbose")
	wantClientCode(t, code, ExitUnreachable, out, errOut)
	if strings.Contains(errOut, "hunter2-secret") || !strings.Contains(errOut, "cannot reach http://admin:xxxxx@") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	f := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer f.Close()
	defer close(release)
	start := time.Now()
	code, out, errOut := runClientCLI(t, nil, "clusters", "--server", f.URL, "--timeout", "200ms")
	wantClientCode(t, code, ExitUnreachable, out, errOut)
	if want := "gregor: cannot reach " + f.URL + ": no answer within 200ms (see --timeout)\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestClientNotJSON(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{
		"/api/v1/clusters":              {body: "<html><body>Welcome to nginx!</body></html>", contentType: "text/html"},
		"/api/v1/clusters/prod/brokers": {status: 502, body: "<html>Bad Gateway</html>", contentType: "text/html"},
		"/api/v1/clusters/prod/groups":  {body: `{"something":"else"}`},
		"/api/v1/clusters/prod/topics":  {body: `{"total":"many","items":[]}`},
	})
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"clusters"}, []string{"gregor: unexpected response from " + f.URL + ": 200 OK with Content-Type text/html, not JSON: \"<html><body>Welcome to nginx!</body></html>\"", "hint: is " + f.URL + " a gregor server?"}},
		{[]string{"clusters", "-o", "json"}, []string{"not JSON"}},
		{[]string{"brokers", "--cluster", "prod"}, []string{"gregor: unexpected response from " + f.URL + ": 502 Bad Gateway with Content-Type text/html, not an API error: \"<html>Bad Gateway</html>\""}},
		{[]string{"groups", "--cluster", "prod"}, []string{`gregor: unexpected response from ` + f.URL + `: no "items" list`}},
		{[]string{"topics", "--cluster", "prod"}, []string{"gregor: unexpected response from " + f.URL + ": cannot read the JSON: json: cannot unmarshal string"}},
	} {
		code, out, errOut := runClientCLI(t, serverEnv(f), tc.args...)
		wantClientCode(t, code, ExitFailure, out, errOut)
		for _, w := range tc.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q, want it to contain %q", tc.args, errOut, w)
			}
		}
		if out != "" {
			t.Errorf("%v: stdout %q", tc.args, out)
		}
	}
}

func TestClientAuthHeaders(t *testing.T) {
	const token, user, password = "gt_s3cr3t-t0ken-value", "alice", "pa55-w0rd-very-secret"
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	// The 401 answer echoes the credentials, like a careless proxy might: they must still not
	// be printed.
	f := newFakeAPI(t, map[string]cannedResp{
		"/api/v1/clusters":              {body: cannedClustersOne},
		"/api/v1/clusters/prod/brokers": {status: 401, body: errEnvelope("unauthorized", "bad credentials "+token+" "+password+" "+basic)},
		"/api/v1/clusters/prod/groups":  {status: 500, body: "<pre>Authorization: Basic " + basic + " / Bearer " + token + "</pre>", contentType: "text/html"},
	})
	for _, tc := range []struct {
		name, want string
		env        []string
	}{
		{"bearer", "Bearer " + token, []string{"GREGOR_TOKEN=" + token, "GREGOR_USER=" + user, "GREGOR_PASSWORD=" + password}},
		{"basic", "Basic " + basic, []string{"GREGOR_USER=" + user, "GREGOR_PASSWORD=" + password}},
		{"user without password", "", []string{"GREGOR_USER=" + user}},
		{"none", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := append(serverEnv(f), tc.env...)
			var all strings.Builder
			for _, args := range [][]string{
				{"clusters", "--verbose"},
				{"brokers", "--verbose"},
				{"groups", "--cluster", "prod", "--verbose"},
			} {
				n := len(f.requests())
				code, out, errOut := runClientCLI(t, env, args...)
				all.WriteString(out + errOut)
				if args[0] == "brokers" {
					wantClientCode(t, code, ExitAuth, out, errOut)
				}
				if args[0] == "groups" {
					wantClientCode(t, code, ExitFailure, out, errOut)
				}
				for _, r := range f.requests()[n:] {
					if r.auth != tc.want {
						t.Errorf("%v: Authorization %q, want %q", args, r.auth, tc.want)
					}
				}
			}
			if !strings.Contains(all.String(), "gregor: GET "+f.URL+"/api/v1/clusters (") {
				t.Errorf("--verbose logged no request:\n%s", all.String())
			}
			// The credentials this case puts in the environment.
			var secrets []string
			for _, kv := range tc.env {
				switch kv {
				case "GREGOR_TOKEN=" + token:
					secrets = append(secrets, token)
				case "GREGOR_PASSWORD=" + password:
					secrets = append(secrets, password, basic)
				}
			}
			for _, secret := range secrets {
				if strings.Contains(all.String(), secret) {
					t.Errorf("secret %q printed:\n%s", secret, all.String())
				}
			}
			if tc.name == "user without password" && !strings.Contains(all.String(), "set both GREGOR_USER and GREGOR_PASSWORD") {
				t.Errorf("no hint about the missing password:\n%s", all.String())
			}
		})
	}
}

func TestClientBadFlags(t *testing.T) {
	f := newFakeAPI(t, map[string]cannedResp{"/api/v1/clusters": {body: cannedClustersOne}})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"topics", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"topics", "-o", "yaml"}, "-o must be table or json"},
		{[]string{"topics", "--sort", "lag"}, "--sort must be one of: name, partitions, size, rate"},
		{[]string{"groups", "--sort", "size"}, "--sort must be one of: name, lag, members"},
		{[]string{"topics", "--limit", "0"}, "--limit must be from 1 to 1000"},
		{[]string{"groups", "--limit", "x"}, "invalid value \"x\" for flag -limit"},
		{[]string{"topics", "--offset", "-1"}, "--offset must not be negative"},
		{[]string{"clusters", "extra"}, "unexpected arguments: extra"},
		{[]string{"clusters", "--cluster", "prod"}, "flag provided but not defined: -cluster"},
		{[]string{"brokers", "--no-internal"}, "flag provided but not defined: -no-internal"},
		{[]string{"describe-topic"}, "missing TOPIC argument"},
		{[]string{"describe-group", "a", "b"}, "expected one GROUP argument, got 2: a b"},
		{[]string{"clusters", "--server", "ftp://x"}, "--server must be an http:// or https:// URL"},
		{[]string{"clusters", "--server", "127.0.0.1:8080"}, "--server must be an http:// or https:// URL"},
		{[]string{"clusters", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"clusters", "--timeout", "soon"}, "invalid value \"soon\" for flag -timeout"},
	} {
		code, out, errOut := runClientCLI(t, serverEnv(f), tc.args...)
		wantClientCode(t, code, ExitUsage, out, errOut)
		if !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: stderr %q, want it to contain %q", tc.args, errOut, tc.want)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("bad flags sent %d requests", n)
	}
}

func TestClientHelp(t *testing.T) {
	code, out, errOut := runClientCLI(t, []string{"GREGOR_SERVER=http://admin:hunter2-secret@gregor:8080"}, "describe-topic", "--help")
	wantClientCode(t, code, ExitOK, out, errOut)
	for _, w := range []string{"Usage: gregor describe-topic TOPIC [flags]", "-cluster", "GREGOR_TOKEN", "Exit codes:"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("help lacks %q:\n%s", w, errOut)
		}
	}
	if strings.Contains(errOut, "hunter2-secret") {
		t.Errorf("help printed the password in GREGOR_SERVER:\n%s", errOut)
	}
	code, out, _ = runClientCLI(t, nil, "help")
	wantClientCode(t, code, ExitOK, out, "")
	for _, cmd := range []string{"clusters", "brokers", "topics", "groups", "describe-topic TOPIC", "describe-group GROUP"} {
		if !strings.Contains(out, "gregor "+cmd) {
			t.Errorf("usage lacks %q", cmd)
		}
	}
}

func TestClientServerFlagAndPrefix(t *testing.T) {
	// --server beats GREGOR_SERVER, and a path prefix (a reverse proxy's) is kept.
	mux := http.NewServeMux()
	mux.HandleFunc("/gregor/api/v1/clusters", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(cannedClustersOne))
	})
	s := httptest.NewServer(mux)
	defer s.Close()
	code, out, errOut := runClientCLI(t, []string{"GREGOR_SERVER=http://127.0.0.1:1"}, "clusters", "--server", s.URL+"/gregor/")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantClientLines(t, out, "prod ok 2/3 12 48 1 0 1234.6/s 5678 3.9.0")
}

func TestClientHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{
		-1: "-", 0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB",
		1<<20 - 1: "1.0 MiB", 5 << 30: "5.0 GiB", 3 << 40: "3.0 TiB",
	} {
		if got := fmtBytes(n); got != want {
			t.Errorf("fmtBytes(%d) = %q, want %q", n, got, want)
		}
	}
	if got := fmtRanges([]int32{7, 0, 1, 2, 5, 4}); got != "0-2,4-5,7" {
		t.Errorf("ranges: %q", got)
	}
}

func TestClientLag(t *testing.T) {
	body := `{"group":"billing","state":"Empty","type":"classic","members":0,"status":"STOP","reason":"no member owns the partition","counts":{"STOP":1},
"lag_messages":120,"lag_seconds":185.4,"partitions":[{"topic":"payments","partition":0,"status":"STOP","reason":"x","committed":30,"end_offset":150,"lag":120,
"lag_seconds":185.4,"consume_rate":0,"produce_rate":4,"drain_seconds":-1,"lead":30}],"members_load":[],"skew":{},"rebalances":{"state":"Empty","last_hour":1},
"dead_letter_topics":["orders.DLQ"],"notes":["empty: no members; offsets are only read"]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/clusters/demo/groups/billing/lag":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(body))
		default:
			http.Error(w, `{"error":{"code":"not_found","message":"nope"}}`, 404)
		}
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	code := Main([]string{"lag", "billing", "--cluster", "demo", "--server", srv.URL}, &out, &errOut, nil)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"Status:", "STOP  no member owns the partition", "120 messages, oldest unconsumed 3m5s",
		"1 in the last hour", "[orders.DLQ]", "payments", "falling behind", "4.0/s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	code = Main([]string{"lag", "billing", "--cluster", "demo", "--server", srv.URL, "--watch", "1s", "--count", "2"}, &out, &errOut, nil)
	if code != 0 || strings.Count(out.String(), "--- ") != 2 {
		t.Fatalf("watch: exit %d\n%s", code, out.String())
	}
	if code := Main([]string{"lag", "billing", "--cluster", "demo", "--server", srv.URL, "--watch", "10ms"}, &out, &errOut, nil); code != ExitUsage {
		t.Fatalf("--watch 10ms: exit %d", code)
	}
}
