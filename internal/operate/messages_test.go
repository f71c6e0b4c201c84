package operate_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/operate"
)

func TestMsgParsePosition(t *testing.T) {
	ts := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in, def string
		want    operate.Position
		err     string
	}{
		{"", "newest", operate.Position{Kind: operate.FromNewest}, ""},
		{"", "oldest", operate.Position{Kind: operate.FromOldest}, ""},
		{"earliest", "newest", operate.Position{Kind: operate.FromOldest}, ""},
		{"latest", "oldest", operate.Position{Kind: operate.FromNewest}, ""},
		{"120", "", operate.Position{Kind: operate.FromOffset, Offset: 120}, ""},
		{"2024-05-01T12:00:00Z", "", operate.Position{Kind: operate.FromTimestamp, Time: ts}, ""},
		{"0:120, 3:98", "", operate.Position{Kind: operate.FromOffsets, Offsets: map[int32]int64{0: 120, 3: 98}}, ""},
		{"-3", "", operate.Position{}, "cannot be negative"},
		{"0:x", "", operate.Position{}, "not partition:offset"},
		{"yesterday", "", operate.Position{}, "from must be oldest, newest"},
	} {
		got, err := operate.ParsePosition(tc.in, tc.def)
		if tc.err != "" {
			topKind(t, err, operate.Invalid, tc.err)
			continue
		}
		if err != nil || got.Kind != tc.want.Kind || got.Offset != tc.want.Offset || !got.Time.Equal(tc.want.Time) ||
			fmt.Sprint(got.Offsets) != fmt.Sprint(tc.want.Offsets) {
			t.Errorf("%q: %+v %v, want %+v", tc.in, got, err, tc.want)
		}
		if tc.in != "" && tc.in != "earliest" && tc.in != "latest" && tc.want.Kind != operate.FromOffsets && got.String() != tc.in {
			t.Errorf("%q: String() = %q", tc.in, got.String())
		}
	}
}

// msgT0 is the time of the first record msgTopic writes; record i of partition 0 is at
// msgT0 + i minutes.
var msgT0 = time.Now().Add(-2 * time.Hour).Truncate(time.Second).UTC()

// msgBig is a 100 KiB value.
var msgBig = bytes.Repeat([]byte("0123456789abcdef"), 6400)

// msgTopic creates a topic with 3 partitions: 0 holds 10 JSON records (keys "order-0" ..
// "order-9", values {"id": i, "user": {"name": "u<i%3>"}}, header trace=t<i>); 1 holds 5 text
// records "line <i>" (keys "line-<i>"); 2 holds a binary value, msgBig and a tombstone.
func msgTopic(t *testing.T, adm *kadm.Client) string {
	t.Helper()
	topic := topName(t)
	if _, err := adm.CreateTopic(context.Background(), 3, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := range 10 {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: 0, Key: fmt.Appendf(nil, "order-%d", i), Timestamp: msgT0.Add(time.Duration(i) * time.Minute),
			Value:   fmt.Appendf(nil, `{"id":%d,"user":{"name":"u%d"}}`, i, i%3),
			Headers: []kgo.RecordHeader{{Key: "trace", Value: fmt.Appendf(nil, "t%d", i)}}})
	}
	for i := range 5 {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: 1, Key: fmt.Appendf(nil, "line-%d", i), Value: fmt.Appendf(nil, "line %d", i),
			Timestamp: msgT0.Add(time.Duration(i) * time.Minute)})
	}
	recs = append(recs,
		&kgo.Record{Topic: topic, Partition: 2, Key: []byte("bin"), Value: []byte{0xff, 0x00, 0xfe}, Timestamp: msgT0,
			Headers: []kgo.RecordHeader{{Key: "raw", Value: []byte{0xff}}}},
		&kgo.Record{Topic: topic, Partition: 2, Key: []byte("big"), Value: msgBig, Timestamp: msgT0.Add(time.Minute)},
		&kgo.Record{Topic: topic, Partition: 2, Key: []byte("gone"), Timestamp: msgT0.Add(2 * time.Minute)})
	msgProduce(t, recs...)
	return topic
}

// msgProduce writes records to the topics and partitions they name (retrying while a new
// topic's leaders settle).
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

func msgBrowse(t *testing.T, cl *kafka.Client, req operate.BrowseRequest) *operate.BrowseResult {
	t.Helper()
	res, err := operate.Browse(context.Background(), cl, req)
	if err != nil {
		t.Fatalf("browse %+v: %v", req, err)
	}
	return res
}

func msgOffsets(ms []operate.Message) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%d:%d ", m.Partition, m.Offset)
	}
	return strings.TrimSpace(b.String())
}

func msgPos(t *testing.T, s string) operate.Position {
	t.Helper()
	p, err := operate.ParsePosition(s, operate.FromNewest)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Browsing by offset, timestamp and newest, each decode, truncation, tombstones and headers.
func TestMsgBrowse(t *testing.T) {
	cl, adm := topClient(t)
	topic := msgTopic(t, adm)

	// From an offset, one partition, limited: the first page, then the rest from Next.
	res := msgBrowse(t, cl, operate.BrowseRequest{Topic: topic, Partitions: []int32{0}, From: msgPos(t, "0"), Limit: 3})
	if got := msgOffsets(res.Messages); got != "0:0 0:1 0:2" || res.Stopped != "limit" || !res.More || res.Next[0] != 3 || res.NextFrom != "0:3" {
		t.Fatalf("page 1: %s %+v", got, res)
	}
	res = msgBrowse(t, cl, operate.BrowseRequest{Topic: topic, From: msgPos(t, res.NextFrom), Limit: 100})
	if got := msgOffsets(res.Messages); got != "0:3 0:4 0:5 0:6 0:7 0:8 0:9" || res.Stopped != "end" || res.More {
		t.Fatalf("page 2: %s %+v", got, res)
	}
	page2 := res
	res = msgBrowse(t, cl, operate.BrowseRequest{Topic: topic, Partitions: []int32{1}, From: msgPos(t, "0:3,1:2")})
	if got := msgOffsets(res.Messages); got != "1:2 1:3 1:4" || res.NextFrom != "1:5" {
		t.Fatalf("offsets narrowed to partition 1: %s %s", got, res.NextFrom)
	}
	m := page2.Messages[0]
	if *m.Key != "order-3" || !m.Timestamp.Equal(msgT0.Add(3*time.Minute)) || m.Decode != "text" || *m.Value != `{"id":3,"user":{"name":"u0"}}` ||
		len(m.Headers) != 1 || m.Headers[0] != (operate.Header{Key: "trace", Value: "t3"}) || m.ValueSize != len(`{"id":3,"user":{"name":"u0"}}`) || m.Truncated {
		t.Fatalf("record: %+v", m)
	}

	// The same offset in every partition: the limit split evenly, a short partition giving
	// its share away; sorted by time, then partition.
	res = msgBrowse(t, cl, operate.BrowseRequest{Topic: topic, From: msgPos(t, "1"), Limit: 7})
	if got := msgOffsets(res.Messages); got != "0:1 1:1 2:1 0:2 1:2 2:2 0:3" || res.Stopped != "limit" {
		t.Fatalf("offset 1 everywhere: %s", got)
	}

	// Newest: each partition's share back from its end (10, 5 and 3 records: 2 each).
	res = msgBrowse(t, cl, operate.BrowseRequest{Topic: topic, Limit: 6})
	if got := msgOffsets(res.Messages); got != "2:1 2:2 1:3 1:4 0:8 0:9" || res.From != "newest" || res.More {
		t.Fatalf("newest 6: %s %+v", got, res.Partitions)
	}
	res = msgBrowse(t, cl, operate.BrowseRequest{Topic: topic, Partitions: []int32{1, 2}, Limit: 50})
	if len(res.Messages) != 8 || res.Stopped != "end" {
		t.Fatalf("newest 50 of 8: %s %s", msgOffsets(res.Messages), res.Stopped)
	}

	// From a time: the first record at or after it in each partition.
	res = msgBrowse(t, cl, operate.BrowseRequest{Topic: topic, Partitions: []int32{0, 1}, From: operate.Position{Kind: operate.FromTimestamp,
		Time: msgT0.Add(3*time.Minute + time.Second)}})
	if got := msgOffsets(res.Messages); got != "0:4 1:4 0:5 0:6 0:7 0:8 0:9" {
		t.Fatalf("from a time: %s", got)
	}

	// Decodes.
	one := func(p int32, off string, decode string, maxBytes int) operate.Message {
		t.Helper()
		res := msgBrowse(t, cl, operate.BrowseRequest{Topic: topic, Partitions: []int32{p}, From: msgPos(t, off), Limit: 1, Decode: decode, MaxBytes: maxBytes})
		if len(res.Messages) != 1 {
			t.Fatalf("%d@%s: %+v", p, off, res)
		}
		return res.Messages[0]
	}
	if m := one(0, "2", "json", 0); m.Decode != "json" || *m.Value != "{\n  \"id\": 2,\n  \"user\": {\n    \"name\": \"u2\"\n  }\n}" || m.Note != "" ||
		*m.Key != "order-2" || m.KeyDecode != "text" {
		t.Fatalf("json: %+v", m)
	}
	if m := one(1, "0", "json", 0); m.Decode != "text" || *m.Value != "line 0" || !strings.Contains(m.Note, "not valid JSON: shown as text") {
		t.Fatalf("json fallback: %+v", m)
	}
	if m := one(0, "0", "hex", 0); m.Decode != "hex" || *m.Value != hex.EncodeToString([]byte(`{"id":0,"user":{"name":"u0"}}`)) || *m.Key != hex.EncodeToString([]byte("order-0")) {
		t.Fatalf("hex: %+v", m)
	}
	if m := one(1, "4", "base64", 0); m.Decode != "base64" || *m.Value != base64.StdEncoding.EncodeToString([]byte("line 4")) {
		t.Fatalf("base64: %+v", m)
	}
	if m := one(2, "0", "text", 0); m.Decode != "base64" || *m.Value != "/wD+" || !strings.Contains(m.Note, "not valid UTF-8") ||
		m.Headers[0] != (operate.Header{Key: "raw", Value: "/w==", Encoding: "base64"}) {
		t.Fatalf("binary as text: %+v", m)
	}
	// Truncation: the default 4 KiB, or max_bytes.
	if m := one(2, "1", "text", 0); !m.Truncated || m.ValueSize != len(msgBig) || *m.Value != string(msgBig[:4096]) {
		t.Fatalf("big: truncated %v, size %d, shown %d", m.Truncated, m.ValueSize, len(*m.Value))
	}
	if m := one(2, "1", "json", 10); !m.Truncated || *m.Value != "0123456789" || m.Decode != "text" || !strings.Contains(m.Note, "cut at max_bytes") {
		t.Fatalf("big as json, 10 bytes: %+v", m)
	}
	if m := one(0, "0", "text", 0); m.Truncated {
		t.Fatalf("small: %+v", m)
	}
	if m := one(2, "2", "json", 0); m.Value != nil || m.ValueSize != 0 || *m.Key != "gone" {
		t.Fatalf("tombstone: %+v", m)
	}
	if b, _ := json.Marshal(one(2, "2", "text", 0)); !strings.Contains(string(b), `"value":null`) || !strings.Contains(string(b), `"headers":[]`) {
		t.Fatalf("tombstone JSON: %s", b)
	}

	// Bad input.
	for _, tc := range []struct {
		req  operate.BrowseRequest
		kind operate.Kind
		msg  string
	}{
		{operate.BrowseRequest{Topic: topic, Partitions: []int32{7}}, operate.Invalid, "has 3 partitions (0 to 2): no partition 7"},
		{operate.BrowseRequest{Topic: topic, Decode: "xml"}, operate.Invalid, "decode must be one of text, json, hex, base64"},
		{operate.BrowseRequest{Topic: topic, Limit: 501}, operate.Invalid, "limit must be between 1 and 500"},
		{operate.BrowseRequest{Topic: topic, MaxBytes: 2 << 20}, operate.Invalid, "max_bytes must be between 1 and 1048576"},
		{operate.BrowseRequest{Topic: topic, From: msgPos(t, "9:0")}, operate.Invalid, "no partition 9"},
		{operate.BrowseRequest{Topic: topName(t)}, operate.NotFound, "no topic"},
	} {
		_, err := operate.Browse(context.Background(), cl, tc.req)
		topKind(t, err, tc.kind, tc.msg)
	}
}

// One record whole; offsets outside the log and transaction markers are a clear 404.
func TestMsgGet(t *testing.T) {
	cl, adm := topClient(t)
	topic := msgTopic(t, adm)
	m, rec, err := operate.GetMessage(context.Background(), cl, operate.MessageRequest{Topic: topic, Partition: 2, Offset: 1})
	if err != nil || m.Truncated || *m.Value != string(msgBig) || !bytes.Equal(rec.Value, msgBig) || *m.Key != "big" {
		t.Fatalf("big: %v %v", m != nil && m.Truncated, err)
	}
	m, _, err = operate.GetMessage(context.Background(), cl, operate.MessageRequest{Topic: topic, Partition: 0, Offset: 9, Decode: "json"})
	if err != nil || m.Offset != 9 || !strings.HasPrefix(*m.Value, "{\n  \"id\": 9") {
		t.Fatalf("json: %+v %v", m, err)
	}
	for _, tc := range []struct {
		req  operate.MessageRequest
		kind operate.Kind
		msg  string
	}{
		{operate.MessageRequest{Topic: topic, Partition: 0, Offset: 10}, operate.NotFound, "holds offsets 0 to 9"},
		{operate.MessageRequest{Topic: topic, Partition: 3, Offset: 0}, operate.Invalid, "no partition 3"},
		{operate.MessageRequest{Topic: topic, Partition: 0, Offset: 0, Decode: "yaml"}, operate.Invalid, "decode must be"},
		{operate.MessageRequest{Topic: topName(t), Partition: 0, Offset: 0}, operate.NotFound, "no topic"},
	} {
		_, _, err := operate.GetMessage(context.Background(), cl, tc.req)
		topKind(t, err, tc.kind, tc.msg)
	}

	// A committed transaction: the record at 1, its marker at 2.
	txTopic := msgTxTopic(t, adm)
	if m, _, err := operate.GetMessage(context.Background(), cl, operate.MessageRequest{Topic: txTopic, Partition: 0, Offset: 1}); err != nil ||
		*m.Value != "in a transaction" {
		t.Fatal(m, err)
	}
	start := time.Now()
	_, _, err = operate.GetMessage(context.Background(), cl, operate.MessageRequest{Topic: txTopic, Partition: 0, Offset: 2})
	topKind(t, err, operate.NotFound, "no record at offset 2 of partition 0 (a transaction marker or compacted away)")
	if d := time.Since(start); d > 12*time.Second {
		t.Fatalf("took %v", d)
	}
}

// msgTxTopic is a 1-partition topic: a plain record at offset 0, a record written in a
// committed transaction at 1 and the commit marker at 2.
func msgTxTopic(t *testing.T, adm *kadm.Client) string {
	t.Helper()
	topic := topName(t)
	if _, err := adm.CreateTopic(context.Background(), 1, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	msgProduce(t, &kgo.Record{Topic: topic, Value: []byte("warm-up")}) // waits for the leader
	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.TransactionalID(topic), kgo.DefaultProduceTopic(topic))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("in a transaction")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	for { // the coordinator writes the marker after it answers
		ends, err := adm.ListEndOffsets(ctx, topic)
		if o, _ := ends.Lookup(topic, 0); err == nil && o.Offset == 3 {
			return topic
		}
		if ctx.Err() != nil {
			t.Fatalf("no commit marker: %v %v", ends, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Searching by key substring, value regex and JSON field; each bound stops the scan and says
// which; a client going away ends it.
func TestMsgSearch(t *testing.T) {
	cl, adm := topClient(t)
	topic := msgTopic(t, adm)
	search := func(req operate.SearchRequest) *operate.SearchResult {
		t.Helper()
		req.Topic = topic
		res, err := operate.Search(context.Background(), cl, req)
		if err != nil {
			t.Fatalf("search %+v: %v", req, err)
		}
		return res
	}
	res := search(operate.SearchRequest{KeyContains: "order-1"})
	if got := msgOffsets(res.Matches); got != "0:1" || res.Scanned != 18 || res.Stopped != "end" || res.NextFrom != "0:10,1:5,2:3" {
		t.Fatalf("key: %s %+v", got, res)
	}
	res = search(operate.SearchRequest{Regex: `^line [2-4]$`})
	if got := msgOffsets(res.Matches); got != "1:2 1:3 1:4" || res.Stopped != "end" {
		t.Fatalf("regex: %s", got)
	}
	res = search(operate.SearchRequest{Regex: `^order-[78]$`, Decode: "json"}) // the key matches
	if got := msgOffsets(res.Matches); got != "0:7 0:8" || res.Matches[0].Decode != "json" {
		t.Fatalf("regex on keys: %s", got)
	}
	res = search(operate.SearchRequest{JSONField: &operate.JSONField{Path: "user.name", Equals: json.RawMessage(`"u1"`)}})
	if got := msgOffsets(res.Matches); got != "0:1 0:4 0:7" {
		t.Fatalf("json field: %s", got)
	}
	res = search(operate.SearchRequest{JSONField: &operate.JSONField{Path: "id", Equals: json.RawMessage(`5.0`)}, ValueContains: "u2"})
	if got := msgOffsets(res.Matches); got != "0:5" {
		t.Fatalf("json number and substring: %s", got)
	}
	res = search(operate.SearchRequest{JSONField: &operate.JSONField{Path: "user"}, Partitions: []int32{0}, From: msgPos(t, "8")})
	if got := msgOffsets(res.Matches); got != "0:8 0:9" || res.Scanned != 2 {
		t.Fatalf("json field exists, from 8: %s", got)
	}
	res = search(operate.SearchRequest{ValueContains: "line", Limit: 2})
	if len(res.Matches) != 2 || res.Stopped != "limit" {
		t.Fatalf("limit: %+v", res)
	}

	// A topic larger than max_messages: the scan stops at it and says so; Next continues.
	big := topName(t)
	if _, err := adm.CreateTopic(context.Background(), 2, 1, nil, big); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := range 3000 {
		recs = append(recs, &kgo.Record{Topic: big, Partition: int32(i % 2), Value: fmt.Appendf(nil, "v%d", i)})
	}
	msgProduce(t, recs...)
	res, err := operate.Search(context.Background(), cl, operate.SearchRequest{Topic: big, ValueContains: "nothing like this", MaxMessages: 1000})
	if err != nil || res.Stopped != "max_messages" || res.Scanned != 1000 || len(res.Matches) != 0 {
		t.Fatalf("max_messages: %+v %v", res, err)
	}
	if n := res.Partitions[0].Read + res.Partitions[1].Read; n != 1000 || res.Next[0]+res.Next[1] != 1000 {
		t.Fatalf("progress: %+v", res.Partitions)
	}
	res, err = operate.Search(context.Background(), cl, operate.SearchRequest{Topic: big, ValueContains: "nothing like this", MaxMessages: 5000,
		From: msgPos(t, res.NextFrom)})
	if err != nil || res.Stopped != "end" || res.Scanned != 2000 || len(res.Matches) != 0 {
		t.Fatalf("the rest: %d %d %s %v", res.Scanned, len(res.Matches), res.Stopped, err)
	}

	// Time: a partition whose last offset is a transaction marker never reaches its end;
	// max_seconds stops the wait, and so does the caller's context.
	tx := msgTxTopic(t, adm)
	start := time.Now()
	res, err = operate.Search(context.Background(), cl, operate.SearchRequest{Topic: tx, From: msgPos(t, "2"), KeyContains: "x", MaxSeconds: 1})
	if err != nil || res.Stopped != "max_seconds" || time.Since(start) > 5*time.Second {
		t.Fatalf("max_seconds: %+v %v after %v", res, err, time.Since(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(1500*time.Millisecond, cancel)
	start = time.Now()
	res, err = operate.Search(ctx, cl, operate.SearchRequest{Topic: tx, From: msgPos(t, "2"), KeyContains: "x"})
	if err != nil || res.Stopped != "canceled" || time.Since(start) > 5*time.Second {
		t.Fatalf("canceled: %+v %v after %v", res, err, time.Since(start))
	}

	for _, tc := range []struct {
		req operate.SearchRequest
		msg string
	}{
		{operate.SearchRequest{Regex: "a("}, "regex is not a valid RE2 expression: missing closing ): `a(`"},
		{operate.SearchRequest{}, "nothing to search for"},
		{operate.SearchRequest{KeyContains: "a", MaxMessages: 1_000_001}, "max_messages must be between 1 and 1000000"},
		{operate.SearchRequest{KeyContains: "a", MaxSeconds: 61}, "max_seconds must be between 1 and 60"},
		{operate.SearchRequest{JSONField: &operate.JSONField{Path: "a", Equals: json.RawMessage(`{`)}}, "json_field.equals is not a JSON value"},
		{operate.SearchRequest{JSONField: &operate.JSONField{}}, "json_field.path is required"},
		{operate.SearchRequest{KeyContains: "a", Partitions: []int32{5}}, "no partition 5"},
	} {
		tc.req.Topic = topic
		_, err := operate.Search(context.Background(), cl, tc.req)
		topKind(t, err, operate.Invalid, tc.msg)
	}
}

// Producing: to a partition or by key, with headers and base64; read back with kgo. A missing
// topic is a 404 (and not created), a missing partition and bad base64 are 400s.
func TestMsgProduce(t *testing.T) {
	cl, adm := topClient(t)
	topic := topName(t)
	if _, err := adm.CreateTopic(context.Background(), 3, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	p2 := int32(2)
	var out *operate.Produced
	var err error
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		out, err = operate.Produce(context.Background(), cl, operate.ProduceRequest{Topic: topic, Key: str("k1"), Value: str(base64.StdEncoding.EncodeToString([]byte{0, 1, 2})),
			ValueEncoding: "base64", Headers: []operate.Header{{Key: "h", Value: "v"}, {Key: "b", Value: "/w==", Encoding: "base64"}}, Partition: &p2})
		if err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || out.Partition != 2 || out.Offset != 0 || out.ValueSize != 3 || out.KeySize != 2 || time.Since(out.Timestamp) > time.Minute {
		t.Fatalf("produce: %+v %v", out, err)
	}
	// By key: the same key lands on the same partition.
	a, err1 := operate.Produce(context.Background(), cl, operate.ProduceRequest{Topic: topic, Key: str("same"), Value: str("1")})
	b, err2 := operate.Produce(context.Background(), cl, operate.ProduceRequest{Topic: topic, Key: str("same"), Value: str("2")})
	if err1 != nil || err2 != nil || a.Partition != b.Partition || b.Offset != a.Offset+1 {
		t.Fatalf("by key: %+v %+v %v %v", a, b, err1, err2)
	}
	rd, err := kgo.NewClient(append(kc.ClientOpts(), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {2: kgo.NewOffset().At(0)}}))...)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	fs := rd.PollFetches(ctx)
	r := fs.Records()
	if len(r) == 0 || string(r[0].Key) != "k1" || !bytes.Equal(r[0].Value, []byte{0, 1, 2}) || len(r[0].Headers) != 2 ||
		r[0].Headers[0].Key != "h" || string(r[0].Headers[0].Value) != "v" || !bytes.Equal(r[0].Headers[1].Value, []byte{0xff}) {
		t.Fatalf("read back: %+v %v", r, fs.Errors())
	}

	missing := topName(t)
	p9 := int32(9)
	for _, tc := range []struct {
		req  operate.ProduceRequest
		kind operate.Kind
		msg  string
	}{
		{operate.ProduceRequest{Topic: missing, Value: str("x")}, operate.NotFound, "no topic"},
		{operate.ProduceRequest{Topic: topic, Value: str("x"), Partition: &p9}, operate.Invalid, "has 3 partitions (0 to 2): no partition 9"},
		{operate.ProduceRequest{Topic: topic, Value: str("%%%"), ValueEncoding: "base64"}, operate.Invalid, "value is not valid base64"},
		{operate.ProduceRequest{Topic: topic, Key: str("x"), KeyEncoding: "hex"}, operate.Invalid, "key encoding must be text or base64"},
		{operate.ProduceRequest{Topic: topic, Headers: []operate.Header{{Value: "v"}}}, operate.Invalid, "headers[0]: a header needs a key"},
	} {
		_, err := operate.Produce(context.Background(), cl, tc.req)
		topKind(t, err, tc.kind, tc.msg)
	}
	if tds, err := adm.ListTopics(context.Background(), missing); err != nil || tds[missing].Err == nil && tds.Has(missing) {
		t.Fatalf("the missing topic was created: %v %v", tds, err)
	}
}
