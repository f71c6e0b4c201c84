package cli

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Canned answers of the operation endpoints, in exactly the API's shapes (internal/operate:
// CreateTopicPlan, TopicDeletion, AddPartitionsPlan, TopicConfigPlan, PurgePlan, ResetPlan,
// GroupDeletion; internal/store: AuditEntry in a list page).

const cannedCreatePlan = `{"topic":"orders","dry_run":true,"partitions":6,"replication_factor":3,"placement":"brokers","brokers":[1,2,3],` +
	`"assignment":[{"partition":0,"replicas":[1,2,3],"racks":["a","b","c"]},{"partition":1,"replicas":[2,3,1],"racks":["b","c","a"]}],` +
	`"configs":{"retention.ms":"86400000","cleanup.policy":"delete"},"summary":"would create topic \"orders\": 6 partitions, replication factor 3, over brokers [1 2 3]",` +
	`"warnings":["min.insync.replicas (3) is not below the replication factor (3): one broker down stops producers with acks=all"]}`

const cannedCreated = `{"topic":"orders","id":"4LRYgnFdSkO8AfP5kRy1ig","dry_run":false,"partitions":6,"replication_factor":3,"placement":"kafka",` +
	`"assignment":[{"partition":0,"replicas":[1,2,3]}],"configs":{},"summary":"created topic \"orders\": 6 partitions, replication factor 3"}`

const cannedDeletePlan = `{"topic":"orders","id":"4LRYgnFdSkO8AfP5kRy1ig","dry_run":true,"partitions":6,"replication_factor":3,"size_bytes":1048576,"replica_bytes":3145728,"messages":5000,` +
	`"groups":[{"id":"billing","state":"Stable","members":2}],"summary":"would delete topic \"orders\": 6 partitions × 3 replicas, 1.0 MiB",` +
	`"warnings":["group \"billing\" has 2 active members consuming it"]}`

const cannedAddPartitions = `{"topic":"orders","dry_run":false,"from":6,"to":8,"new_partitions":[{"partition":6,"replicas":[1,2,3]},{"partition":7,"replicas":[2,3,1]}],` +
	`"summary":"grew topic \"orders\" from 6 to 8 partitions (2 new)","warnings":["keys hash to new partitions: per-key order breaks across the change (a key's new messages can go to another partition than its old ones, and consumers may read them out of order)"]}`

const cannedAlterConfigs = `{"topic":"orders","dry_run":true,"changes":[` +
	`{"key":"retention.ms","op":"set","old":"604800000","old_source":"default","new":"1000","new_source":"dynamic_topic","changed":true},` +
	`{"key":"cleanup.policy","op":"delete","old":"compact","old_source":"dynamic_topic","new":"delete","new_source":"default","new_from":"default","changed":true}],` +
	`"summary":"would change topic \"orders\": retention.ms: 604800000 -> 1000; cleanup.policy: compact -> delete (from default)"}`

const cannedPurge = `{"topic":"orders","dry_run":true,"before":"offset 100","partitions":[` +
	`{"partition":0,"start_offset":0,"new_start_offset":100,"end_offset":500,"removed":100},` +
	`{"partition":1,"start_offset":150,"new_start_offset":150,"end_offset":900,"removed":0}],` +
	`"removed":100,"summary":"would delete 100 message(s) before offset 100 from 1 of 2 partition(s) of topic \"orders\"",` +
	`"warnings":["group \"etl\" has committed offsets before the new start of partition 0: it resets per its auto.offset.reset"]}`

const cannedPurgePartial = `{"topic":"orders","dry_run":false,"before":"offset 100","partitions":[` +
	`{"partition":0,"start_offset":0,"new_start_offset":100,"end_offset":500,"removed":100},` +
	`{"partition":1,"start_offset":0,"new_start_offset":100,"end_offset":900,"removed":0,"error":"NOT_LEADER_FOR_PARTITION"}],` +
	`"removed":100,"summary":"deleted 100 message(s) before offset 100 from 1 of 2 partition(s) of topic \"orders\""}`

const cannedResetPlan = `{"group":"team.a/billing","to":"shift","dry_run":true,"active_members":2,` +
	`"warning":"the group \"team.a/billing\" has 2 active members; stop its consumers first","partitions":[` +
	`{"topic":"orders","partition":0,"old_offset":40,"new_offset":35,"log_start":0,"log_end":50,"lag_before":10,"lag_after":15},` +
	`{"topic":"orders","partition":1,"old_offset":null,"new_offset":0,"log_start":0,"log_end":7,"lag_before":null,"lag_after":7,"clamped":true}],` +
	`"lag_before":10,"lag_after":22,"applied":false}`

const cannedResetApplied = `{"group":"etl","to":"earliest","dry_run":false,"active_members":0,"partitions":[` +
	`{"topic":"orders","partition":0,"old_offset":50,"new_offset":0,"log_start":0,"log_end":50,"lag_before":0,"lag_after":50}],` +
	`"lag_before":0,"lag_after":50,"applied":true}`

const cannedGroupDeletion = `{"group":"etl","dry_run":true,"state":"Empty","active_members":0,"offsets":[{"topic":"orders","partition":0,"offset":50},{"topic":"orders","partition":1,"offset":7}],"deleted":false}`

const cannedAudit = `{"total":3,"offset":0,"limit":2,"items":[` +
	`{"id":3,"time":"2026-01-02T03:04:05.123Z","user":"alice","role":"operator","cluster":"prod","action":"group.reset_offsets","target":"etl","dry_run":true,"request":"{}","result":"{}"},` +
	`{"id":2,"time":"2026-01-02T04:00:00+01:00","user":"bob","role":"admin","cluster":"prod","action":"topic.delete","target":"orders","request":"{}","error":"type the topic's name to confirm"}]}`

// opsAPI serves canned answers by "METHOD escaped-path" and records each request with its body.
type opsAPI struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string]cannedResp
	reqs   []opsReq
}

type opsReq struct {
	method, path, query, auth, csrf, contentType, body string
}

func newOpsAPI(t *testing.T, routes map[string]cannedResp) *opsAPI {
	t.Helper()
	f := &opsAPI{routes: routes}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, opsReq{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Authorization"),
			r.Header.Get("X-CSRF-Token"), r.Header.Get("Content-Type"), string(body)})
		f.mu.Unlock()
		c, ok := f.routes[r.Method+" "+r.URL.EscapedPath()]
		if !ok {
			c = cannedResp{status: 404, body: errEnvelope("not_found", "no such API endpoint: "+r.Method+" "+r.URL.Path)}
		}
		if c.status == 0 {
			c.status = 200
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(c.status)
		_, _ = w.Write([]byte(c.body + "\n"))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *opsAPI) requests() []opsReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]opsReq(nil), f.reqs...)
}

// only is the one request the server got.
func (f *opsAPI) only(t *testing.T) opsReq {
	t.Helper()
	r := f.requests()
	if len(r) != 1 {
		t.Fatalf("the server got %d requests, want 1: %+v", len(r), r)
	}
	return r[0]
}

const opsUser, opsPassword = "alice", "s3cret-pa55word"

func opsEnv(f *opsAPI) []string {
	return []string{"GREGOR_SERVER=" + f.URL, "GREGOR_USER=" + opsUser, "GREGOR_PASSWORD=" + opsPassword}
}

// wantRequest checks a request's method, path, query and JSON body ("" for none); the body
// is compared as JSON text exactly, field order included.
func wantRequest(t *testing.T, got opsReq, method, path, query, body string) {
	t.Helper()
	if got.method != method || got.path != path || got.query != query {
		t.Errorf("request %s %s?%s, want %s %s?%s", got.method, got.path, got.query, method, path, query)
	}
	if got.body != body {
		t.Errorf("body\n %s\nwant\n %s", got.body, body)
	}
	if body != "" && got.contentType != "application/json" {
		t.Errorf("Content-Type %q", got.contentType)
	}
	if want := "Basic " + base64.StdEncoding.EncodeToString([]byte(opsUser+":"+opsPassword)); got.auth != want {
		t.Errorf("Authorization %q, want basic auth", got.auth)
	}
	if got.csrf != "" {
		t.Errorf("X-CSRF-Token %q sent: basic auth needs none", got.csrf)
	}
}

// noSecrets fails when the password or its basic-auth encoding was printed.
func noSecrets(t *testing.T, outs ...string) {
	t.Helper()
	enc := base64.StdEncoding.EncodeToString([]byte(opsUser + ":" + opsPassword))
	for _, o := range outs {
		if strings.Contains(o, opsPassword) || strings.Contains(o, enc) {
			t.Errorf("a credential was printed: %q", o)
		}
	}
}

func TestOpsCreateTopicDryRun(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/topics": {body: cannedCreatePlan}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "create-topic", "orders", "--partitions", "6", "--replication-factor", "3",
		"--config", "retention.ms=86400000", "--config", "cleanup.policy=delete", "--brokers", "1,2,3", "--dry-run", "--cluster", "prod", "--verbose")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "POST", "/api/v1/clusters/prod/topics", "",
		`{"name":"orders","partitions":6,"replication_factor":3,"configs":{"cleanup.policy":"delete","retention.ms":"86400000"},"brokers":[1,2,3],"dry_run":true}`)
	wantClientLines(t, out,
		"DRY RUN: nothing was changed. Run it again without --dry-run to apply.",
		`Would create topic "orders": 6 partitions, replication factor 3, over brokers [1 2 3].`,
		"Topic: orders",
		"Partitions: 6",
		"Replication factor: 3",
		"Placement: over brokers 1,2,3",
		"Configs: cleanup.policy=delete, retention.ms=86400000",
		"PARTITION REPLICAS RACKS",
		"0 1,2,3 a,b,c",
		"1 2,3,1 b,c,a",
		"Warning: min.insync.replicas (3) is not below the replication factor (3): one broker down stops producers with acks=all",
	)
	if !strings.Contains(errOut, "POST "+f.URL+"/api/v1/clusters/prod/topics (basic auth from GREGOR_USER/GREGOR_PASSWORD)") {
		t.Errorf("verbose: %q", errOut)
	}
	noSecrets(t, out, errOut)
}

func TestOpsCreateTopicApplied(t *testing.T) {
	// Without --cluster the server's only cluster is used; without sizes the cluster's defaults.
	f := newOpsAPI(t, map[string]cannedResp{
		"GET /api/v1/clusters":              {body: cannedClustersOne},
		"POST /api/v1/clusters/prod/topics": {status: 201, body: cannedCreated},
	})
	code, out, errOut := runClientCLI(t, opsEnv(f), "create-topic", "orders")
	wantClientCode(t, code, ExitOK, out, errOut)
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0].method != "GET" || reqs[0].path != "/api/v1/clusters" {
		t.Fatalf("requests: %+v", reqs)
	}
	wantRequest(t, reqs[1], "POST", "/api/v1/clusters/prod/topics", "", `{"name":"orders","dry_run":false}`)
	if strings.Contains(out, "DRY RUN") {
		t.Errorf("applied, yet: %s", out)
	}
	wantClientLines(t, out,
		`Created topic "orders": 6 partitions, replication factor 3.`,
		"ID: 4LRYgnFdSkO8AfP5kRy1ig",
		"Placement: Kafka's own (rack-aware)",
		"Configs: none of its own (the cluster's defaults)",
		"PARTITION REPLICAS",
		"0 1,2,3",
	)
}

func TestOpsDeleteTopic(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"DELETE /api/v1/clusters/prod/topics/orders": {body: cannedDeletePlan}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "delete-topic", "orders", "--cluster", "prod", "--dry-run")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "DELETE", "/api/v1/clusters/prod/topics/orders", "dry_run=true", "")
	wantClientLines(t, out,
		"DRY RUN: nothing was changed. Run it again without --dry-run to apply.",
		`Would delete topic "orders": 6 partitions × 3 replicas, 1.0 MiB.`,
		"Size: 1.0 MiB (3.0 MiB with replicas)",
		"Messages: 5000",
		"GROUP STATE MEMBERS",
		"billing Stable 2",
		`Warning: group "billing" has 2 active members consuming it`,
	)

	f = newOpsAPI(t, map[string]cannedResp{"DELETE /api/v1/clusters/prod/topics/a%2Fb": {body: strings.Replace(cannedDeletePlan, `"dry_run":true`, `"dry_run":false`, 1)}})
	code, out, errOut = runClientCLI(t, opsEnv(f), "delete-topic", "a/b", "--confirm", "a/b", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "DELETE", "/api/v1/clusters/prod/topics/a%2Fb", "confirm=a%2Fb", "")
	if strings.Contains(out, "DRY RUN") {
		t.Errorf("applied, yet: %s", out)
	}
}

func TestOpsAddPartitions(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/topics/orders/partitions": {body: cannedAddPartitions}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "add-partitions", "orders", "--count", "8", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "POST", "/api/v1/clusters/prod/topics/orders/partitions", "", `{"count":8,"dry_run":false}`)
	wantClientLines(t, out,
		`Grew topic "orders" from 6 to 8 partitions (2 new).`,
		"Partitions: 6 -> 8",
		"PARTITION REPLICAS",
		"6 1,2,3",
		"7 2,3,1",
		"Warning: keys hash to new partitions: per-key order breaks across the change (a key's new messages can go to another partition than its old ones, and consumers may read them out of order)",
	)
}

func TestOpsAlterTopicConfig(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"PATCH /api/v1/clusters/prod/topics/orders/configs": {body: cannedAlterConfigs}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "alter-topic-config", "orders", "--set", "retention.ms=1000", "--delete", "cleanup.policy",
		"--set", "segment.ms=60000", "--dry-run", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "PATCH", "/api/v1/clusters/prod/topics/orders/configs", "",
		`{"set":{"retention.ms":"1000","segment.ms":"60000"},"delete":["cleanup.policy"],"dry_run":true}`)
	wantClientLines(t, out,
		"DRY RUN: nothing was changed. Run it again without --dry-run to apply.",
		"KEY OP OLD NEW CHANGED",
		"retention.ms set 604800000 (default) -> 1000 (dynamic_topic) yes",
		"cleanup.policy delete compact (dynamic_topic) -> delete (from default) yes",
	)
}

func TestOpsPurgeTopic(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/topics/orders/purge": {body: cannedPurge}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "purge-topic", "orders", "--before-offset", "100", "--partitions", "0,1", "--dry-run", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "POST", "/api/v1/clusters/prod/topics/orders/purge", "", `{"before_offset":100,"partitions":[0,1],"dry_run":true}`)
	wantClientLines(t, out,
		"PARTITION START NEW-START END REMOVED ERROR",
		"0 0 -> 100 500 100 -",
		"1 150 -> 150 900 0 -",
		"100 message(s) removed in total, before offset 100.",
		`Warning: group "etl" has committed offsets before the new start of partition 0: it resets per its auto.offset.reset`,
	)

	// -1 (every record) is an offset too; before a time.
	f = newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/topics/orders/purge": {body: cannedPurge}})
	code, out, errOut = runClientCLI(t, opsEnv(f), "purge-topic", "orders", "--before-offset", "-1", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "POST", "/api/v1/clusters/prod/topics/orders/purge", "", `{"before_offset":-1,"dry_run":false}`)
	f = newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/topics/orders/purge": {body: cannedPurge}})
	code, out, errOut = runClientCLI(t, opsEnv(f), "purge-topic", "orders", "--before-time", "2024-05-01T00:00:00Z", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "POST", "/api/v1/clusters/prod/topics/orders/purge", "", `{"before_time":"2024-05-01T00:00:00Z","dry_run":false}`)

	// A partition that failed while the others were purged: exit 1, the table says which.
	f = newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/topics/orders/purge": {body: cannedPurgePartial}})
	code, out, errOut = runClientCLI(t, opsEnv(f), "purge-topic", "orders", "--before-offset", "100", "--cluster", "prod")
	wantClientCode(t, code, ExitFailure, out, errOut)
	wantClientLines(t, out, "1 0 -> 100 900 0 NOT_LEADER_FOR_PARTITION")
}

func TestOpsResetOffsets(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/groups/team.a%2Fbilling/offsets/reset": {body: cannedResetPlan}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "reset-offsets", "team.a/billing", "--to", "shift", "--shift", "-5",
		"--topic", "orders", "--topic", "payments", "--dry-run", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "POST", "/api/v1/clusters/prod/groups/team.a%2Fbilling/offsets/reset", "",
		`{"to":"shift","shift":-5,"topics":["orders","payments"],"dry_run":true}`)
	wantClientLines(t, out,
		"DRY RUN: nothing was changed. Run it again without --dry-run to apply.",
		`Would move the committed offsets of group "team.a/billing" on 2 partition(s) to shift; lag 10 -> 22.`,
		"TOPIC PARTITION OLD NEW LAG-BEFORE LAG-AFTER LOG-START LOG-END NOTE",
		"orders 0 40 -> 35 10 -> 15 0 50",
		"orders 1 - -> 0 - -> 7 0 7 clamped",
		"Active members: 2",
		`Warning: the group "team.a/billing" has 2 active members; stop its consumers first`,
	)

	for _, c := range []struct {
		args []string
		body string
	}{
		{[]string{"--to", "earliest"}, `{"to":"earliest","dry_run":false}`},
		{[]string{"--to", "latest", "--topic", "orders", "--topic", "orders"}, `{"to":"latest","topics":["orders"],"dry_run":false}`},
		{[]string{"--to", "offset", "--offset", "0"}, `{"to":"offset","offset":0,"dry_run":false}`},
		{[]string{"--to", "timestamp", "--timestamp", "2024-05-01T12:00:00+02:00"}, `{"to":"timestamp","timestamp":"2024-05-01T12:00:00+02:00","dry_run":false}`},
	} {
		f := newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/groups/etl/offsets/reset": {body: cannedResetApplied}})
		code, out, errOut := runClientCLI(t, opsEnv(f), append([]string{"reset-offsets", "etl", "--cluster", "prod"}, c.args...)...)
		wantClientCode(t, code, ExitOK, out, errOut)
		wantRequest(t, f.only(t), "POST", "/api/v1/clusters/prod/groups/etl/offsets/reset", "", c.body)
		wantClientLines(t, out, `Moved the committed offsets of group "etl" on 1 partition(s) to earliest; lag 0 -> 50.`, "orders 0 50 -> 0 0 -> 50 0 50")
	}
}

func TestOpsDeleteGroup(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"DELETE /api/v1/clusters/prod/groups/etl": {body: cannedGroupDeletion}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "delete-group", "etl", "--dry-run", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "DELETE", "/api/v1/clusters/prod/groups/etl", "dry_run=true", "")
	wantClientLines(t, out,
		"DRY RUN: nothing was changed. Run it again without --dry-run to apply.",
		`Would delete group "etl" with 2 committed offset(s).`,
		"State: Empty",
		"TOPIC PARTITION OFFSET",
		"orders 0 50",
		"orders 1 7",
	)
	f = newOpsAPI(t, map[string]cannedResp{"DELETE /api/v1/clusters/prod/groups/etl": {body: strings.Replace(strings.Replace(cannedGroupDeletion, `"dry_run":true`, `"dry_run":false`, 1), `"deleted":false`, `"deleted":true`, 1)}})
	code, out, errOut = runClientCLI(t, opsEnv(f), "delete-group", "etl", "--cluster", "prod")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "DELETE", "/api/v1/clusters/prod/groups/etl", "", "")
	wantClientLines(t, out, `Deleted group "etl" with 2 committed offset(s).`)
}

func TestOpsAudit(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"GET /api/v1/audit": {body: cannedAudit}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "audit", "--user", "alice", "--action", "topic.", "--cluster", "prod", "--since", "-24h", "--limit", "2")
	wantClientCode(t, code, ExitOK, out, errOut)
	wantRequest(t, f.only(t), "GET", "/api/v1/audit", "action=topic.&cluster=prod&from=-24h0m0s&limit=2&user=alice", "")
	wantClientLines(t, out,
		"TIME USER CLUSTER ACTION TARGET DRY-RUN ERROR",
		"2026-01-02T03:04:05Z alice prod group.reset_offsets etl yes -",
		"2026-01-02T03:00:00Z bob prod topic.delete orders no type the topic's name to confirm",
		"showing 1-2 of 3; next page: --offset 2",
	)
	for since, from := range map[string]string{"7d": "-168h0m0s", "30m": "-30m0s", "2026-01-02T00:00:00Z": "2026-01-02T00:00:00Z", "1767312000": "1767312000"} {
		f := newOpsAPI(t, map[string]cannedResp{"GET /api/v1/audit": {body: `{"total":0,"offset":0,"limit":100,"items":[]}`}})
		code, out, errOut := runClientCLI(t, opsEnv(f), "audit", "--since", since)
		wantClientCode(t, code, ExitOK, out, errOut)
		wantRequest(t, f.only(t), "GET", "/api/v1/audit", "from="+strings.ReplaceAll(from, ":", "%3A")+"&limit=100", "")
		if out != "No audit entries.\n" {
			t.Errorf("out %q", out)
		}
	}
}

func TestOpsJSONOutput(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"POST /api/v1/clusters/prod/groups/etl/offsets/reset": {body: cannedResetApplied}})
	code, out, errOut := runClientCLI(t, opsEnv(f), "reset-offsets", "etl", "--to", "earliest", "--cluster", "prod", "-o", "json")
	wantClientCode(t, code, ExitOK, out, errOut)
	var got, want any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	_ = json.Unmarshal([]byte(cannedResetApplied), &want)
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("json output %s, want the API's %s", gb, wb)
	}
}

func TestOpsAPIErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
		code   int
		stderr string
	}{
		{"bad request", 400, errEnvelope("bad_request", "invalid config: Unknown topic config name: retention.mss"), ExitFailure,
			"gregor: invalid config: Unknown topic config name: retention.mss\n"},
		{"conflict", 409, errEnvelope("conflict", `the group "etl" has 2 active members; stop its consumers first`), ExitFailure,
			"gregor: the group \"etl\" has 2 active members; stop its consumers first\n"},
		{"forbidden", 403, errEnvelope("forbidden", "this needs the operator role"), ExitAuth,
			"gregor: this needs the operator role\ngregor: hint: the user in GREGOR_USER is not allowed to do this; set GREGOR_TOKEN, or GREGOR_USER and GREGOR_PASSWORD, to credentials that are\n"},
		{"unauthorized", 401, errEnvelope("unauthorized", "wrong user or password for "+opsUser+":"+opsPassword), ExitAuth,
			"gregor: wrong user or password for alice:[redacted]\ngregor: hint: the credentials in GREGOR_USER and GREGOR_PASSWORD were refused; check them, or set GREGOR_TOKEN\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newOpsAPI(t, map[string]cannedResp{
				"POST /api/v1/clusters/prod/topics/orders/partitions": {status: c.status, body: c.body},
				"POST /api/v1/clusters/prod/groups/etl/offsets/reset": {status: c.status, body: c.body},
				"GET /api/v1/audit": {status: c.status, body: c.body},
			})
			for _, args := range [][]string{
				{"add-partitions", "orders", "--count", "3", "--cluster", "prod"},
				{"reset-offsets", "etl", "--to", "latest", "--cluster", "prod"},
				{"audit"},
			} {
				code, out, errOut := runClientCLI(t, opsEnv(f), args...)
				wantClientCode(t, code, c.code, out, errOut)
				if errOut != c.stderr || out != "" {
					t.Errorf("%v: stdout %q stderr %q, want stderr %q", args, out, errOut, c.stderr)
				}
				noSecrets(t, out, errOut)
			}
		})
	}
}

func TestOpsTokenAuth(t *testing.T) {
	f := newOpsAPI(t, map[string]cannedResp{"DELETE /api/v1/clusters/prod/groups/etl": {status: 403, body: errEnvelope("forbidden", "viewers may only read")}})
	env := []string{"GREGOR_SERVER=" + f.URL, "GREGOR_TOKEN=gregor_tok-0123456789abcdef"}
	code, out, errOut := runClientCLI(t, env, "delete-group", "etl", "--cluster", "prod", "--verbose")
	wantClientCode(t, code, ExitAuth, out, errOut)
	r := f.only(t)
	if r.auth != "Bearer gregor_tok-0123456789abcdef" || r.csrf != "" {
		t.Errorf("auth %q csrf %q", r.auth, r.csrf)
	}
	if strings.Contains(out+errOut, "tok-0123456789abcdef") || !strings.Contains(errOut, "GREGOR_TOKEN is not allowed") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestOpsBadFlags(t *testing.T) {
	f := newOpsAPI(t, nil)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"create-topic"}, "missing NAME argument"},
		{[]string{"create-topic", "a", "b"}, "expected one NAME argument, got 2: a b"},
		{[]string{"create-topic", "a", "--partitions", "0"}, "--partitions must be at least 1"},
		{[]string{"create-topic", "a", "--partitions", "x"}, `invalid value "x" for flag -partitions`},
		{[]string{"create-topic", "a", "--replication-factor", "40000"}, "--replication-factor must be from 1 to 32767"},
		{[]string{"create-topic", "a", "--config", "retention.ms"}, `--config wants key=value, not "retention.ms"`},
		{[]string{"create-topic", "a", "--config", "a=1", "--config", "a=2"}, `--config: "a" is given twice`},
		{[]string{"create-topic", "a", "--brokers", "1,x"}, `--brokers wants comma-separated non-negative numbers (1,2,3), not "1,x"`},
		{[]string{"create-topic", "a", "--brokers", "1,1"}, "--brokers: 1 is given twice"},
		{[]string{"create-topic", "a", "-o", "yaml"}, `-o must be table or json, not "yaml"`},
		{[]string{"delete-topic", "orders"}, "deleting a topic needs --confirm orders (the name again), or --dry-run to see what would go"},
		{[]string{"delete-topic", "orders", "--confirm", "order"}, `--confirm "order" does not match the topic's name "orders"`},
		{[]string{"delete-topic", "orders", "--dry-run", "--confirm", "x"}, `--confirm "x" does not match the topic's name "orders"`},
		{[]string{"add-partitions", "orders"}, "--count is required: the new total number of partitions"},
		{[]string{"add-partitions", "orders", "--count", "-1"}, "--count must be at least 1"},
		{[]string{"alter-topic-config", "orders"}, "nothing to change: give --set key=value or --delete key"},
		{[]string{"alter-topic-config", "orders", "--set", "a=1", "--delete", "a"}, `"a" is both set and deleted`},
		{[]string{"alter-topic-config", "orders", "--delete", "a=1"}, `--delete wants a config key, not "a=1"`},
		{[]string{"purge-topic", "orders"}, "give exactly one of --before-offset and --before-time"},
		{[]string{"purge-topic", "orders", "--before-offset", "1", "--before-time", "2024-05-01T00:00:00Z"}, "give exactly one of --before-offset and --before-time"},
		{[]string{"purge-topic", "orders", "--before-offset", "-2"}, "--before-offset must be an offset, or -1 for every record"},
		{[]string{"purge-topic", "orders", "--before-time", "yesterday"}, `--before-time must be RFC 3339 (e.g. 2024-05-01T00:00:00Z), not "yesterday"`},
		{[]string{"purge-topic", "orders", "--before-offset", "1", "--partitions", "a"}, `--partitions wants comma-separated non-negative numbers (1,2,3), not "a"`},
		{[]string{"reset-offsets", "g"}, "--to is required: earliest, latest, timestamp, offset, shift"},
		{[]string{"reset-offsets", "g", "--to", "start"}, `--to must be one of earliest, latest, timestamp, offset, shift, not "start"`},
		{[]string{"reset-offsets", "g", "--to", "offset"}, "--to offset needs --offset"},
		{[]string{"reset-offsets", "g", "--to", "shift"}, "--to shift needs --shift"},
		{[]string{"reset-offsets", "g", "--to", "timestamp"}, "--to timestamp needs --timestamp"},
		{[]string{"reset-offsets", "g", "--to", "earliest", "--offset", "3"}, "--offset is only for --to offset"},
		{[]string{"reset-offsets", "g", "--to", "offset", "--offset", "-3"}, "--offset must not be negative"},
		{[]string{"reset-offsets", "g", "--to", "timestamp", "--timestamp", "1714564800"}, `--timestamp must be RFC 3339 (e.g. 2024-05-01T12:00:00Z), not "1714564800"`},
		{[]string{"reset-offsets", "g", "--to", "latest", "--topic", ""}, "--topic must not be empty"},
		{[]string{"delete-group"}, "missing GROUP argument"},
		{[]string{"delete-group", ""}, "GROUP must not be empty"},
		{[]string{"audit", "x"}, "unexpected arguments: x"},
		{[]string{"audit", "--limit", "0"}, "--limit must be from 1 to 1000"},
		{[]string{"audit", "--since", "yesterday"}, `--since wants a duration ago (24h, 30m, 7d), RFC 3339 or Unix seconds, not "yesterday"`},
		{[]string{"audit", "--dry-run"}, "flag provided but not defined: -dry-run"},
		{[]string{"audit", "--server", "ftp://x"}, `--server must be an http:// or https:// URL with a host, not "ftp://x"`},
	} {
		code, out, errOut := runClientCLI(t, opsEnv(f), c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("%v: code %d stdout %q stderr %q, want 2 and %q", c.args, code, out, errOut, c.want)
		}
		noSecrets(t, out, errOut)
	}
	if r := f.requests(); len(r) != 0 {
		t.Errorf("bad flags reached the server: %+v", r)
	}
}

func TestOpsHelp(t *testing.T) {
	env := []string{"GREGOR_SERVER=http://u:hunter22@example.org", "GREGOR_USER=" + opsUser, "GREGOR_PASSWORD=" + opsPassword}
	for _, name := range []string{"create-topic", "delete-topic", "add-partitions", "alter-topic-config", "purge-topic", "reset-offsets", "delete-group", "audit"} {
		code, out, errOut := runClientCLI(t, env, name, "--help")
		wantClientCode(t, code, ExitOK, out, errOut)
		if !strings.HasPrefix(errOut, "Usage: gregor "+name) || !strings.Contains(errOut, "Exit codes:") {
			t.Errorf("%s --help: %q", name, errOut)
		}
		if (name != "audit") != strings.Contains(errOut, "-dry-run") {
			t.Errorf("%s --help and --dry-run: %q", name, errOut)
		}
		if strings.Contains(errOut, "hunter22") {
			t.Errorf("%s --help printed the server's password", name)
		}
		noSecrets(t, out, errOut)
	}
	code, out, _ := runClientCLI(t, nil, "help")
	wantClientCode(t, code, ExitOK, out, "")
	for _, s := range []string{"gregor create-topic NAME", "gregor reset-offsets GROUP", "gregor audit ["} {
		if !strings.Contains(out, s) {
			t.Errorf("usage lacks %q", s)
		}
	}
}
