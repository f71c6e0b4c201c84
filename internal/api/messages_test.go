package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// msgBig is a 100 KiB value.
var msgBig = bytes.Repeat([]byte("0123456789abcdef"), 6400)

// msgT0: record i of msgTopic's partition 0 is at msgT0 + i minutes.
var msgT0 = time.Now().Add(-2 * time.Hour).Truncate(time.Second).UTC()

// msgTopic creates a topic with 2 partitions: 0 holds 10 JSON records (keys "order-<i>",
// values {"id": i, "user": {"name": "u<i%3>"}}, header trace=t<i>), 1 holds msgBig and a
// text record.
func msgTopic(t *testing.T, adm *kadm.Client) string {
	t.Helper()
	topic := gopName("msg")
	if _, err := adm.CreateTopic(context.Background(), 2, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := range 10 {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: 0, Key: fmt.Appendf(nil, "order-%d", i), Timestamp: msgT0.Add(time.Duration(i) * time.Minute),
			Value: fmt.Appendf(nil, `{"id":%d,"user":{"name":"u%d"}}`, i, i%3), Headers: []kgo.RecordHeader{{Key: "trace", Value: fmt.Appendf(nil, "t%d", i)}}})
	}
	recs = append(recs, &kgo.Record{Topic: topic, Partition: 1, Key: []byte("big"), Value: msgBig, Timestamp: msgT0},
		&kgo.Record{Topic: topic, Partition: 1, Key: []byte("small"), Value: []byte("hello"), Timestamp: msgT0.Add(time.Minute)})
	msgProduce(t, recs...)
	return topic
}

func msgProduce(t *testing.T, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerBatchMaxBytes(4<<20))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		err := cl.ProduceSync(context.Background(), recs...).FirstErr()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("producing: %v", err)
		}
	}
}

// msgList is the "partition:offset" of each message in body[field].
func msgList(body map[string]any, field string) string {
	var out []string
	ms, _ := body[field].([]any)
	for _, m := range ms {
		m := m.(map[string]any)
		out = append(out, fmt.Sprintf("%v:%v", m["partition"], m["offset"]))
	}
	return strings.Join(out, " ")
}

func msgFirst(t *testing.T, body map[string]any, field string) map[string]any {
	t.Helper()
	ms, _ := body[field].([]any)
	if len(ms) == 0 {
		t.Fatalf("no %s in %v", field, body)
	}
	return ms[0].(map[string]any)
}

// Browsing as a viewer: by offset, time and newest, each decode; truncation in lists and the
// whole record, as JSON and as a download; bad input is a clear 400/404.
func TestMsgAPIBrowse(t *testing.T) {
	e := newGopEnv(t)
	topic := msgTopic(t, e.adm)
	base := "/api/v1/clusters/local/topics/" + topic + "/messages"

	code, body := e.do(t, "viewer", "GET", base+"?partition=0&from=0&limit=3", "")
	if code != 200 || msgList(body, "messages") != "0:0 0:1 0:2" || body["stopped"] != "limit" || body["next_from"] != "0:3" || body["more"] != true {
		t.Fatalf("from 0: %d %v", code, body)
	}
	m := msgFirst(t, body, "messages")
	if m["key"] != "order-0" || m["value"] != `{"id":0,"user":{"name":"u0"}}` || m["decode"] != "text" || m["truncated"] != false ||
		m["timestamp"] != msgT0.Format(time.RFC3339) || fmt.Sprint(m["headers"]) != "[map[key:trace value:t0]]" {
		t.Fatalf("record: %v", m)
	}
	code, body = e.do(t, "viewer", "GET", base+"?from="+body["next_from"].(string)+"&limit=500", "")
	if code != 200 || msgList(body, "messages") != "0:3 0:4 0:5 0:6 0:7 0:8 0:9" || body["stopped"] != "end" {
		t.Fatalf("next page: %d %v", code, body)
	}
	code, body = e.do(t, "viewer", "GET", base+"?limit=4", "") // newest 4: 2 per partition
	if code != 200 || msgList(body, "messages") != "1:0 1:1 0:8 0:9" || body["from"] != "newest" {
		t.Fatalf("newest: %d %v", code, body)
	}
	code, body = e.do(t, "viewer", "GET", base+"?partition=0&from="+msgT0.Add(7*time.Minute).Format(time.RFC3339)+"&decode=json", "")
	if code != 200 || msgList(body, "messages") != "0:7 0:8 0:9" {
		t.Fatalf("from a time: %d %v", code, body)
	}
	if m := msgFirst(t, body, "messages"); m["decode"] != "json" || m["value"] != "{\n  \"id\": 7,\n  \"user\": {\n    \"name\": \"u1\"\n  }\n}" {
		t.Fatalf("json: %v", m)
	}
	for decode, want := range map[string]string{"hex": "68656c6c6f", "base64": "aGVsbG8=", "json": "hello", "text": "hello"} {
		code, body = e.do(t, "viewer", "GET", base+"?partition=1&from=1&decode="+decode, "")
		m := msgFirst(t, body, "messages")
		if code != 200 || m["value"] != want {
			t.Fatalf("%s: %d %v", decode, code, m)
		}
		if decode == "json" && (m["decode"] != "text" || !strings.Contains(m["note"].(string), "not valid JSON: shown as text")) {
			t.Fatalf("json fallback: %v", m)
		}
	}

	// Truncated in lists, whole one by one, and as a download.
	code, body = e.do(t, "viewer", "GET", base+"?partition=1&from=0&limit=1", "")
	if m := msgFirst(t, body, "messages"); code != 200 || m["truncated"] != true || m["value_size"] != float64(len(msgBig)) || m["value"] != string(msgBig[:4096]) {
		t.Fatalf("truncated: %d %v %v", code, m["truncated"], m["value_size"])
	}
	code, body = e.do(t, "viewer", "GET", base+"?partition=1&from=0&limit=1&max_bytes=16&decode=hex", "")
	if m := msgFirst(t, body, "messages"); code != 200 || m["truncated"] != true || m["value"] != "30313233343536373839616263646566" {
		t.Fatalf("max_bytes: %d %v", code, m)
	}
	code, body = e.do(t, "viewer", "GET", base+"/1/0", "")
	if code != 200 || body["truncated"] != false || body["value"] != string(msgBig) || body["key"] != "big" {
		t.Fatalf("whole: %d %v", code, body["truncated"])
	}
	req := httptest.NewRequest("GET", base+"/1/0?download=1", nil)
	for k, v := range basic("viewer") {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), msgBig) || rec.Header().Get("Content-Type") != "application/octet-stream" ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="`+topic+`-1-0.bin"` {
		t.Fatalf("download: %d %v %d bytes", rec.Code, rec.Header(), rec.Body.Len())
	}

	for _, tc := range []struct {
		path string
		code int
		msg  string
	}{
		{base + "?partition=5", 400, "has 2 partitions (0 to 1): no partition 5"},
		{base + "?partition=x", 400, `"partition" must be a partition number`},
		{base + "?decode=xml", 400, "decode must be one of text, json, hex, base64"},
		{base + "?limit=501", 400, `"limit" must be a whole number from 1 to 500`},
		{base + "?limit=0", 400, `"limit"`},
		{base + "?from=yesterday", 400, "from must be oldest, newest, an offset, an RFC 3339 time"},
		{base + "/0/10", 404, "holds offsets 0 to 9"},
		{base + "/0/x", 400, "the offset must be a whole number"},
		{base + "/9/0", 400, "no partition 9"},
		{base + "/0/0?download=maybe", 400, `"download" must be 1 or 0`},
		{base + "/0/0?decode=yaml", 400, "decode must be"},
		{"/api/v1/clusters/local/topics/" + gopName("none") + "/messages", 404, "no topic"},
		{"/api/v1/clusters/nope/topics/t/messages", 404, "no cluster"},
	} {
		code, body := e.do(t, "viewer", "GET", tc.path, "")
		if code != tc.code || !strings.Contains(gopErrMsg(body), tc.msg) {
			t.Errorf("%s: %d %q, want %d containing %q", tc.path, code, gopErrMsg(body), tc.code, tc.msg)
		}
	}
	if n := len(e.audit.all()); n != 0 {
		t.Fatalf("reads left %d audit entries", n)
	}
}

// Searching (POST with a JSON body; GET with a query, for viewers): key substring, value
// regex, JSON field; a scan over more records than max_messages stops there and says so; bad
// input is a 400.
func TestMsgAPISearch(t *testing.T) {
	e := newGopEnv(t)
	topic := msgTopic(t, e.adm)
	path := "/api/v1/clusters/local/topics/" + topic + "/messages/search"
	for _, tc := range []struct{ body, want, stopped string }{
		{`{"key_contains":"order-4"}`, "0:4", "end"},
		{`{"regex":"\"name\":\"u[12]\"","partition":0,"from":"5"}`, "0:5 0:7 0:8", "end"},
		{`{"json_field":{"path":"user.name","equals":"u0"}}`, "0:0 0:3 0:6 0:9", "end"},
		{`{"json_field":{"path":"id","equals":2}}`, "0:2", "end"},
		{`{"value_contains":"id","limit":2}`, "0:0 0:1", "limit"},
	} {
		code, body := e.do(t, "operator", "POST", path, tc.body)
		if code != 200 || msgList(body, "matches") != tc.want || body["stopped"] != tc.stopped {
			t.Fatalf("%s: %d %v", tc.body, code, body)
		}
	}

	for _, tc := range []struct{ query, want string }{
		{"key_contains=order-4", "0:4"},
		{"regex=" + url.QueryEscape(`"name":"u[12]"`) + "&partition=0&from=5", "0:5 0:7 0:8"},
		{"json_path=user.name&json_equals=" + url.QueryEscape(`"u0"`), "0:0 0:3 0:6 0:9"},
		{"json_path=id&json_equals=2&decode=json", "0:2"},
	} {
		code, body := e.do(t, "viewer", "GET", path+"?"+tc.query, "")
		if code != 200 || msgList(body, "matches") != tc.want || body["stopped"] != "end" {
			t.Fatalf("GET %s: %d %v", tc.query, code, body)
		}
	}

	// More records than max_messages: stopped there, and says so.
	big := gopName("msg-big")
	if _, err := e.adm.CreateTopic(context.Background(), 3, 1, nil, big); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := range 3000 {
		recs = append(recs, &kgo.Record{Topic: big, Partition: int32(i % 3), Key: fmt.Appendf(nil, "k%d", i), Value: []byte("x")})
	}
	msgProduce(t, recs...)
	code, body := e.do(t, "viewer", "GET", "/api/v1/clusters/local/topics/"+big+"/messages/search?key_contains=no+such+key&max_messages=1200", "")
	if code != 200 || body["stopped"] != "max_messages" || body["scanned"] != 1200.0 || len(body["matches"].([]any)) != 0 {
		t.Fatalf("max_messages: %d %v", code, body)
	}
	read := 0.0
	for _, p := range body["partitions"].([]any) {
		read += p.(map[string]any)["read"].(float64)
	}
	if read != 1200 {
		t.Fatalf("progress: %v", body["partitions"])
	}
	code, body = e.do(t, "operator", "POST", "/api/v1/clusters/local/topics/"+big+"/messages/search",
		`{"key_contains":"no such key","from":"`+body["next_from"].(string)+`"}`)
	if code != 200 || body["stopped"] != "end" || body["scanned"] != 1800.0 {
		t.Fatalf("the rest: %d %v", code, body)
	}

	for _, tc := range []struct{ body, msg string }{
		{`{"regex":"a("}`, "regex is not a valid RE2 expression"},
		{`{"key_contains":"a","partition":4}`, "no partition 4"},
		{`{"key_contains":"a","decode":"xml"}`, "decode must be one of"},
		{`{}`, "nothing to search for"},
		{`{"key_contains":"a","max_messages":2000000}`, "max_messages must be between 1 and 1000000"},
		{`{"key_contains":"a","max_seconds":-1}`, `"max_seconds" cannot be negative`},
		{`{"key_contains":"a","from":"soon"}`, "from must be"},
		{`{"key":"a"}`, "unknown field"},
	} {
		code, body := e.do(t, "operator", "POST", path, tc.body)
		if code != 400 || !strings.Contains(gopErrMsg(body), tc.msg) {
			t.Errorf("%s: %d %q, want 400 containing %q", tc.body, code, gopErrMsg(body), tc.msg)
		}
	}
	for _, tc := range []struct{ query, msg string }{
		{"regex=a(", "regex is not a valid RE2 expression"},
		{"key_contains=a&partition=4", "no partition 4"},
		{"key_contains=a&max_messages=0", `"max_messages" must be a whole number from 1 to 1000000`},
		{"json_path=a&json_equals=%7B", "json_field.equals is not a JSON value"},
		{"", "nothing to search for"},
	} {
		code, body := e.do(t, "viewer", "GET", path+"?"+tc.query, "")
		if code != 400 || !strings.Contains(gopErrMsg(body), tc.msg) {
			t.Errorf("GET %s: %d %q, want 400 containing %q", tc.query, code, gopErrMsg(body), tc.msg)
		}
	}
	if n := len(e.audit.all()); n != 0 {
		t.Fatalf("searches left %d audit entries", n)
	}
}

// Producing: viewers refused (and not audited); an operator's record read back with kgo; the
// audit entry keeps the sizes and the first 200 bytes, never the whole value.
func TestMsgAPIProduce(t *testing.T) {
	e := newGopEnv(t)
	topic := gopName("msg-p")
	if _, err := e.adm.CreateTopic(context.Background(), 2, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/clusters/local/topics/" + topic + "/messages"
	if code, body := e.do(t, "viewer", "POST", path, `{"value":"x"}`); code != 403 {
		t.Fatalf("viewer: %d %v", code, body)
	}
	if n := len(e.audit.all()); n != 0 {
		t.Fatalf("a refused viewer left %d audit entries", n)
	}
	value := strings.Repeat("v", 1000)
	reqBody, _ := json.Marshal(map[string]any{"key": base64.StdEncoding.EncodeToString([]byte("key-1")), "key_encoding": "base64", "value": value,
		"headers": []map[string]string{{"key": "source", "value": "gregor"}}, "partition": 1})
	var code int
	var out map[string]any
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		if code, out = e.do(t, "operator", "POST", path, string(reqBody)); code == 200 || time.Now().After(deadline) {
			break
		}
	}
	if code != 200 || out["partition"] != 1.0 || out["offset"] != 0.0 || out["value_size"] != 1000.0 {
		t.Fatalf("produce: %d %v", code, out)
	}
	rd, err := kgo.NewClient(append(kc.ClientOpts(), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {1: kgo.NewOffset().At(0)}}))...)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	recs := rd.PollFetches(ctx).Records()
	if len(recs) != 1 || string(recs[0].Key) != "key-1" || string(recs[0].Value) != value || len(recs[0].Headers) != 1 ||
		recs[0].Headers[0].Key != "source" || string(recs[0].Headers[0].Value) != "gregor" {
		t.Fatalf("read back: %+v", recs)
	}
	all := e.audit.all()
	a := all[len(all)-1]
	var logged map[string]any
	if err := json.Unmarshal([]byte(a.Request), &logged); err != nil {
		t.Fatal(err)
	}
	if a.Action != "message.produce" || a.Target != topic || a.User != "operator" || a.Cluster != "local" || a.Error != "" ||
		logged["value_size"] != 1000.0 || logged["value_head"] != value[:200] || logged["key_head"] != "key-1" ||
		strings.Contains(a.Request, value[:201]) || !strings.Contains(a.Result, `"offset":0`) {
		t.Fatalf("audit: %+v", a)
	}

	// Without a partition: the key decides (the same key, the same partition).
	_, o1 := e.do(t, "operator", "POST", path, `{"key":"same","value":"1"}`)
	_, o2 := e.do(t, "operator", "POST", path, `{"key":"same","value":"2"}`)
	if o1["partition"] != o2["partition"] || o2["offset"] != o1["offset"].(float64)+1 {
		t.Fatalf("by key: %v %v", o1, o2)
	}

	n := len(e.audit.all())
	for _, tc := range []struct {
		path, body string
		code       int
		msg        string
	}{
		{path, `{"value":"x","partition":7}`, 400, "has 2 partitions (0 to 1): no partition 7"},
		{path, `{"value":"%%","encoding":"base64"}`, 400, "value is not valid base64"},
		{path, `{"value":"x","value_encoding":"rot13"}`, 400, "value encoding must be text or base64"},
		{path, `{"value":"x","headers":[{"value":"v"}]}`, 400, "a header needs a key"},
		{path, `{"value":"x","offset":3}`, 400, "unknown field"},
		{path, ``, 400, "JSON body is required"},
		{"/api/v1/clusters/local/topics/" + gopName("none") + "/messages", `{"value":"x"}`, 404, "no topic"},
	} {
		code, body := e.do(t, "operator", "POST", tc.path, tc.body)
		if code != tc.code || !strings.Contains(gopErrMsg(body), tc.msg) {
			t.Errorf("%s: %d %q, want %d containing %q", tc.body, code, gopErrMsg(body), tc.code, tc.msg)
		}
		all := e.audit.all()
		if len(all) != n+1 || all[n].Error == "" || all[n].Action != "message.produce" {
			t.Fatalf("%s: audit %+v", tc.body, all[n:])
		}
		n++
	}
}
