package operate

// Messages: browse a topic, read one record whole, search with a bounded scan, and produce.
// Every read uses a short-lived consumer built from the cluster client's own options (seeds,
// TLS, SASL) and assigned directly to the partitions: no group, nothing committed. Each read is
// bounded in records, bytes (fetch sizes, values shown) and time.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/kafka"
)

// Decodes: how keys and values are shown.
const (
	DecodeText   = "text"   // UTF-8 text (base64 when not valid UTF-8, with a note)
	DecodeJSON   = "json"   // pretty-printed JSON (text when not valid JSON, with a note)
	DecodeHex    = "hex"    // lower-case hex
	DecodeBase64 = "base64" // standard base64
)

// Decodes lists the decode modes, for messages and docs.
var Decodes = []string{DecodeText, DecodeJSON, DecodeHex, DecodeBase64}

// Bounds of the message operations.
const (
	BrowseDefaultLimit = 50
	BrowseMaxLimit     = 500
	DefaultMaxBytes    = 4 << 10  // value bytes shown per message in lists
	MaxMaxBytes        = 1 << 20  // the most max_bytes may ask for
	MessageHardCap     = 10 << 20 // value bytes shown by GetMessage (a download is whole)
	BrowseBudget       = 16 << 20 // bytes shown (keys, values, headers) in one browse or search answer

	SearchDefaultMessages = 10_000
	SearchMaxMessages     = 1_000_000
	SearchDefaultSeconds  = 10
	SearchMaxSeconds      = 60
	SearchDefaultLimit    = 100
	SearchMaxLimit        = 1_000
	SearchMaxRegex        = 1_000 // characters

	browseTimeout = 10 * time.Second
	getTimeout    = 15 * time.Second
	// A partition whose remaining offsets hold no records (transaction markers, compacted
	// away) gives nothing: the read ends after this long without a record.
	idleFirst = 6 * time.Second
	idleAfter = 2 * time.Second
)

// Position kinds: where a read starts.
const (
	FromOldest    = "oldest"    // the log start offset of each partition
	FromNewest    = "newest"    // the newest records (Browse: the newest N; Search: nothing)
	FromOffset    = "offset"    // the same offset in each partition (clamped to the log)
	FromTimestamp = "timestamp" // the first record at or after a time
	FromOffsets   = "offsets"   // an offset per partition ("0:120,1:98", what Next gives)
)

// Position is where a read starts.
type Position struct {
	Kind    string
	Offset  int64
	Time    time.Time
	Offsets map[int32]int64
}

// ParsePosition reads "oldest" (or "earliest"), "newest" (or "latest"), an offset ("120"), a
// time (RFC 3339) or offsets per partition ("0:120,1:98"). An empty string is def.
func ParsePosition(s, def string) (Position, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = def
	}
	switch s {
	case "oldest", "earliest":
		return Position{Kind: FromOldest}, nil
	case "newest", "latest":
		return Position{Kind: FromNewest}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return Position{}, Errorf(Invalid, "from: an offset cannot be negative: %d", n)
		}
		return Position{Kind: FromOffset, Offset: n}, nil
	}
	if strings.Contains(s, ":") && !strings.Contains(s, "T") {
		p := Position{Kind: FromOffsets, Offsets: map[int32]int64{}}
		for _, part := range strings.Split(s, ",") {
			ps, os, ok := strings.Cut(strings.TrimSpace(part), ":")
			pn, err1 := strconv.ParseInt(ps, 10, 32)
			on, err2 := strconv.ParseInt(os, 10, 64)
			if !ok || err1 != nil || err2 != nil || pn < 0 || on < 0 {
				return Position{}, Errorf(Invalid, "from: %q is not partition:offset (as in \"0:120,1:98\")", part)
			}
			p.Offsets[int32(pn)] = on
		}
		return p, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return Position{Kind: FromTimestamp, Time: t}, nil
	}
	return Position{}, Errorf(Invalid, "from must be oldest, newest, an offset, an RFC 3339 time (2024-05-01T12:00:00Z) or partition:offset pairs (0:120,1:98), not %q", s)
}

// String is the position as ParsePosition reads it.
func (p Position) String() string {
	switch p.Kind {
	case FromOffset:
		return strconv.FormatInt(p.Offset, 10)
	case FromTimestamp:
		return p.Time.Format(time.RFC3339Nano)
	case FromOffsets:
		return formatOffsets(p.Offsets)
	}
	return p.Kind
}

func formatOffsets(m map[int32]int64) string {
	ps := make([]int32, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d:%d", p, m[p])
	}
	return b.String()
}

// shownBytes is what a message weighs in an answer: key, value and headers as shown.
func (m Message) shownBytes() int {
	n := 0
	if m.Key != nil {
		n += len(*m.Key)
	}
	if m.Value != nil {
		n += len(*m.Value)
	}
	for _, h := range m.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return n
}

// Header is one record header; Encoding is "base64" when the value is not UTF-8 text.
type Header struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	Encoding string `json:"encoding,omitempty"`
}

// Message is one record as shown to a user. Key and Value are nil for a null key or value
// (a tombstone). Decode (KeyDecode) is how the value (key) is shown, which may differ from
// the decode asked for (Note says why). Truncated: only the first max bytes of the value are
// shown; ValueSize is its whole size.
type Message struct {
	Partition    int32     `json:"partition"`
	Offset       int64     `json:"offset"`
	Timestamp    time.Time `json:"timestamp"`
	Key          *string   `json:"key"`
	KeyDecode    string    `json:"key_decode,omitempty"`
	KeySize      int       `json:"key_size"`
	KeyTruncated bool      `json:"key_truncated,omitempty"`
	Value        *string   `json:"value"`
	Decode       string    `json:"decode"`
	ValueSize    int       `json:"value_size"`
	Truncated    bool      `json:"truncated"`
	Headers      []Header  `json:"headers"`
	Note         string    `json:"note,omitempty"`
}

// PartitionProgress is one partition of a read: its log at the start, the range read
// [From, To), where the read got to (Next, where to continue) and how many records it read.
type PartitionProgress struct {
	Partition int32 `json:"partition"`
	LogStart  int64 `json:"log_start"`
	LogEnd    int64 `json:"log_end"`
	From      int64 `json:"from"`
	To        int64 `json:"to"`
	Next      int64 `json:"next"`
	Read      int64 `json:"read"`
	Done      bool  `json:"done"`
}

// BrowseRequest asks for records of a topic.
type BrowseRequest struct {
	Topic      string
	Partitions []int32 // none: every partition
	From       Position
	Limit      int    // 0: BrowseDefaultLimit
	Decode     string // "": text
	MaxBytes   int    // value bytes shown per record; 0: DefaultMaxBytes
}

// BrowseResult is a page of records: sorted by timestamp, then partition and offset. Next is
// where each partition read got to (NextFrom the same as a "from" string); More says whether
// any partition has records past it.
type BrowseResult struct {
	Topic      string              `json:"topic"`
	From       string              `json:"from"`
	Decode     string              `json:"decode"`
	Limit      int                 `json:"limit"`
	MaxBytes   int                 `json:"max_bytes"`
	Messages   []Message           `json:"messages"`
	Next       map[int32]int64     `json:"next"`
	NextFrom   string              `json:"next_from"`
	More       bool                `json:"more"`
	Stopped    string              `json:"stopped"` // limit, end, bytes, time
	Partitions []PartitionProgress `json:"partitions"`
}

func checkDecode(d string) (string, error) {
	if d == "" {
		return DecodeText, nil
	}
	if !slices.Contains(Decodes, d) {
		return "", Errorf(Invalid, "decode must be one of %s, not %q", strings.Join(Decodes, ", "), d)
	}
	return d, nil
}

func bounded(name string, v, def, hi int) (int, error) {
	if v == 0 {
		return def, nil
	}
	if v < 1 || v > hi {
		return 0, Errorf(Invalid, "%s must be between 1 and %d, not %d", name, hi, v)
	}
	return v, nil
}

// Browse reads up to Limit records. The limit is split evenly over the partitions read, a
// partition with fewer records giving its share to the others; FromNewest reads each
// partition's share back from its end, so the answer is the newest Limit records of the topic
// (the newest per partition, not by time across partitions). It ends at the logs' end offsets
// as they were when it started, after 10 s, or when the values shown reach BrowseBudget.
func Browse(ctx context.Context, cl *kafka.Client, req BrowseRequest) (*BrowseResult, error) {
	var err error
	res := &BrowseResult{Topic: req.Topic, Messages: []Message{}, Next: map[int32]int64{}}
	if res.Decode, err = checkDecode(req.Decode); err != nil {
		return nil, err
	}
	if res.Limit, err = bounded("limit", req.Limit, BrowseDefaultLimit, BrowseMaxLimit); err != nil {
		return nil, err
	}
	if res.MaxBytes, err = bounded("max_bytes", req.MaxBytes, DefaultMaxBytes, MaxMaxBytes); err != nil {
		return nil, err
	}
	if req.From.Kind == "" {
		req.From.Kind = FromNewest
	}
	res.From = req.From.String()
	ctx, cancel := context.WithTimeout(ctx, browseTimeout)
	defer cancel()
	ps, err := readRanges(ctx, cl, req.Topic, req.Partitions, req.From)
	if err != nil {
		return nil, err
	}
	avail := make([]int64, len(ps))
	for i, p := range ps {
		if req.From.Kind == FromNewest {
			p.From = p.LogStart
		}
		avail[i] = p.To - p.From
	}
	share := allocate(avail, int64(res.Limit))
	for i, p := range ps {
		if req.From.Kind == FromNewest {
			p.From = p.To - share[i]
		} else {
			p.To = p.From + share[i]
		}
	}
	shown := 0
	why, err := scan(ctx, cl, req.Topic, ps, time.Time{}, func(r *kgo.Record) bool {
		m := render(r, res.Decode, res.MaxBytes)
		res.Messages = append(res.Messages, m)
		shown += m.shownBytes()
		return shown < BrowseBudget && len(res.Messages) < res.Limit
	})
	if err != nil {
		return nil, err
	}
	switch {
	case len(res.Messages) >= res.Limit:
		res.Stopped = "limit"
	case why == stopVisit:
		res.Stopped = "bytes"
	case why == stopDeadline || why == stopCanceled:
		res.Stopped = "time"
	default:
		res.Stopped = "end"
	}
	sortMessages(res.Messages)
	for _, p := range ps {
		res.Next[p.Partition] = p.Next
		res.More = res.More || p.Next < p.LogEnd
		res.Partitions = append(res.Partitions, *p)
	}
	res.NextFrom = formatOffsets(res.Next)
	return res, nil
}

// sortMessages sorts by timestamp, then partition and offset.
func sortMessages(ms []Message) {
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if !a.Timestamp.Equal(b.Timestamp) {
			return a.Timestamp.Before(b.Timestamp)
		}
		if a.Partition != b.Partition {
			return a.Partition < b.Partition
		}
		return a.Offset < b.Offset
	})
}

// allocate splits n over partitions with avail records each: evenly, a partition with fewer
// giving the rest of its share to the others (the extra ones go to the first partitions).
func allocate(avail []int64, n int64) []int64 {
	out := make([]int64, len(avail))
	for n > 0 {
		open := 0
		for i := range avail {
			if out[i] < avail[i] {
				open++
			}
		}
		if open == 0 {
			break
		}
		each := max(n/int64(open), 1)
		for i := range avail {
			if n == 0 {
				break
			}
			if room := avail[i] - out[i]; room > 0 {
				take := min(each, room, n)
				out[i] += take
				n -= take
			}
		}
	}
	return out
}

// readRanges lists the topic's partitions (all, or parts) with their log start and end, and
// resolves pos into From for each; To is the log end.
func readRanges(ctx context.Context, cl *kafka.Client, topic string, parts []int32, pos Position) ([]*PartitionProgress, error) {
	what := "reading topic " + topic
	if topic == "" {
		return nil, Errorf(Invalid, "a topic is required")
	}
	starts, err := cl.Admin.ListStartOffsets(ctx, topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	ends, err := cl.Admin.ListEndOffsets(ctx, topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	if _, ok := starts.Lookup(topic, -1); ok || len(starts[topic]) == 0 {
		return nil, Errorf(NotFound, "no topic %q in this cluster", topic)
	}
	var byTime kadm.ListedOffsets
	if pos.Kind == FromTimestamp {
		if byTime, err = cl.Admin.ListOffsetsAfterMilli(ctx, pos.Time.UnixMilli(), topic); err != nil {
			return nil, Explain(what, err)
		}
	}
	n := int32(len(starts[topic]))
	var want []int32
	if pos.Kind != FromOffsets {
		want = slices.Clone(parts)
	} else {
		for p := range pos.Offsets {
			if len(parts) == 0 || slices.Contains(parts, p) {
				want = append(want, p)
			}
		}
	}
	if len(parts) == 0 && pos.Kind != FromOffsets {
		for p := range n {
			want = append(want, p)
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if pos.Kind == FromOffsets && len(want) == 0 {
		return nil, Errorf(Invalid, "from names none of the partitions asked for")
	}
	var out []*PartitionProgress
	for _, p := range want {
		s, ok1 := starts.Lookup(topic, p)
		e, ok2 := ends.Lookup(topic, p)
		if !ok1 || !ok2 {
			return nil, Errorf(Invalid, "topic %q has %d partitions (0 to %d): no partition %d", topic, n, n-1, p)
		}
		if s.Err != nil {
			return nil, Explain(fmt.Sprintf("%s, partition %d", what, p), s.Err)
		}
		if e.Err != nil {
			return nil, Explain(fmt.Sprintf("%s, partition %d", what, p), e.Err)
		}
		pp := &PartitionProgress{Partition: p, LogStart: s.Offset, LogEnd: e.Offset, To: e.Offset}
		clamp := func(o int64) int64 { return min(max(o, s.Offset), e.Offset) }
		switch pos.Kind {
		case FromOldest:
			pp.From = s.Offset
		case FromNewest:
			pp.From = e.Offset
		case FromOffset:
			pp.From = clamp(pos.Offset)
		case FromOffsets:
			pp.From = clamp(pos.Offsets[p])
		case FromTimestamp:
			pp.From = e.Offset
			if t, ok := byTime.Lookup(topic, p); ok && t.Err == nil && t.Offset >= 0 {
				pp.From = clamp(t.Offset)
			}
		default:
			return nil, Errorf(Invalid, "unknown position %q", pos.Kind)
		}
		pp.Next = pp.From
		out = append(out, pp)
	}
	return out, nil
}

// Why a scan stopped.
const (
	stopEnd      = "end"      // every partition read to its To, or nothing more came
	stopVisit    = "visit"    // the visitor said so
	stopDeadline = "deadline" // the scan's own deadline
	stopCanceled = "canceled" // the caller's context ended
)

// scan reads [From, To) of each partition with a short-lived consumer, calling visit for each
// record (in offset order within a partition) and updating Next, Read and Done, until visit
// returns false, every partition is done, nothing arrives for a while (offsets without
// records: transaction markers, compaction), deadline (zero: none) passes or ctx ends.
func scan(ctx context.Context, cl *kafka.Client, topic string, ps []*PartitionProgress, deadline time.Time, visit func(*kgo.Record) bool) (string, error) {
	want := map[int32]kgo.Offset{}
	by := map[int32]*PartitionProgress{}
	for _, p := range ps {
		p.Next = p.From
		if p.From >= p.To {
			p.Done = true
			continue
		}
		want[p.Partition] = kgo.NewOffset().At(p.From)
		by[p.Partition] = p
	}
	if len(want) == 0 {
		return stopEnd, nil
	}
	opts := append(slices.Clone(cl.Kgo().Opts()),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: want}),
		kgo.FetchMaxWait(250*time.Millisecond),
		kgo.FetchMaxBytes(8<<20), kgo.FetchMaxPartitionBytes(1<<20), kgo.MaxConcurrentFetches(2))
	rd, err := kgo.NewClient(opts...)
	if err != nil {
		return "", Explain("reading topic "+topic, err)
	}
	defer rd.Close()
	sctx := ctx
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		sctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	left, idle := len(want), idleFirst
	done := func(p *PartitionProgress) {
		p.Done = true
		left--
		rd.PauseFetchPartitions(map[string][]int32{topic: {p.Partition}})
	}
	for left > 0 {
		pctx, pcancel := context.WithTimeout(sctx, idle)
		fs := rd.PollFetches(pctx)
		idled := pctx.Err() != nil
		pcancel()
		got := false
		for _, fe := range fs.Errors() {
			if errors.Is(fe.Err, context.Canceled) || errors.Is(fe.Err, context.DeadlineExceeded) || errors.Is(fe.Err, kgo.ErrClientClosed) {
				continue
			}
			return "", Explain(fmt.Sprintf("reading topic %s, partition %d", topic, fe.Partition), fe.Err)
		}
		for it := fs.RecordIter(); !it.Done(); {
			r := it.Next()
			p := by[r.Partition]
			if p == nil || p.Done || r.Offset < p.Next {
				continue
			}
			got = true
			if r.Offset >= p.To {
				done(p)
				continue
			}
			p.Next, p.Read = r.Offset+1, p.Read+1
			if p.Next >= p.To {
				done(p)
			}
			if !visit(r) {
				return stopVisit, nil
			}
		}
		switch {
		case ctx.Err() != nil:
			return stopCanceled, nil
		case sctx.Err() != nil:
			return stopDeadline, nil
		case !got && idled:
			return stopEnd, nil // idle: nothing came
		}
		if got {
			idle = idleAfter
		}
	}
	return stopEnd, nil
}

// render shows a record with at most maxBytes of its key and value.
func render(r *kgo.Record, decode string, maxBytes int) Message {
	m := Message{Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp.UTC(), KeySize: len(r.Key), ValueSize: len(r.Value),
		Headers: []Header{}}
	m.Key, m.KeyDecode, m.KeyTruncated, _ = show(r.Key, decode, maxBytes) // KeyDecode says how
	m.Value, m.Decode, m.Truncated, m.Note = show(r.Value, decode, maxBytes)
	if m.Decode == "" {
		m.Decode = decode
	}
	if m.KeyDecode == m.Decode || m.Key == nil {
		m.KeyDecode = ""
	}
	if m.Note != "" {
		m.Note = "value " + m.Note
	}
	for _, h := range r.Headers {
		hv := Header{Key: h.Key, Value: string(h.Value)}
		if !utf8.Valid(h.Value) {
			hv.Value, hv.Encoding = base64.StdEncoding.EncodeToString(h.Value), DecodeBase64
		}
		m.Headers = append(m.Headers, hv)
	}
	return m
}

// show decodes the first maxBytes of b: the text, the decode used, whether it was cut, and a
// note when the decode asked for could not be used.
func show(b []byte, decode string, maxBytes int) (*string, string, bool, string) {
	if b == nil {
		return nil, "", false, ""
	}
	cut := len(b) > maxBytes
	part := b
	if cut {
		part = b[:maxBytes]
	}
	note := ""
	switch decode {
	case DecodeHex:
		s := hex.EncodeToString(part)
		return &s, DecodeHex, cut, ""
	case DecodeBase64:
		s := base64.StdEncoding.EncodeToString(part)
		return &s, DecodeBase64, cut, ""
	case DecodeJSON:
		if !cut && json.Valid(b) && indentedSize(b) <= 4*max(maxBytes, 4<<10) {
			var buf bytes.Buffer
			if json.Indent(&buf, b, "", "  ") == nil {
				s := buf.String()
				return &s, DecodeJSON, false, ""
			}
		}
		note = "is not valid JSON: shown as text"
		if json.Valid(b) && !cut {
			note = "nests too deep to pretty-print within max_bytes: shown as text"
		}
		if cut {
			note = "is cut at max_bytes, so not parsed as JSON: shown as text"
		}
	}
	text := part
	if cut {
		// Do not split a UTF-8 sequence at the cut.
		for i := 0; i < utf8.UTFMax && len(text) > 0 && !utf8.Valid(text); i++ {
			text = text[:len(text)-1]
		}
	}
	if !utf8.Valid(text) {
		s := base64.StdEncoding.EncodeToString(part)
		return &s, DecodeBase64, cut, "is not valid UTF-8: shown as base64"
	}
	s := string(text)
	return &s, DecodeText, cut, note
}

// Preview is the first n bytes of b for a log: text when UTF-8, else base64.
func Preview(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return "base64:" + base64.StdEncoding.EncodeToString(b)
}

// MessageRequest names one record.
type MessageRequest struct {
	Topic     string
	Partition int32
	Offset    int64
	Decode    string
}

// GetMessage reads the record at an offset: shown whole up to MessageHardCap, and the record
// itself for a download. 404 when the offset is outside the log or holds no record (a
// transaction marker, compacted away): the message says where the records are.
func GetMessage(ctx context.Context, cl *kafka.Client, req MessageRequest) (*Message, *kgo.Record, error) {
	decode, err := checkDecode(req.Decode)
	if err != nil {
		return nil, nil, err
	}
	if req.Offset < 0 {
		return nil, nil, Errorf(Invalid, "an offset cannot be negative: %d", req.Offset)
	}
	ctx, cancel := context.WithTimeout(ctx, getTimeout)
	defer cancel()
	ps, err := readRanges(ctx, cl, req.Topic, []int32{req.Partition}, Position{Kind: FromOffset, Offset: req.Offset})
	if err != nil {
		return nil, nil, err
	}
	p := ps[0]
	if req.Offset < p.LogStart || req.Offset >= p.LogEnd {
		return nil, nil, Errorf(NotFound, "no record at offset %d: partition %d of %q holds offsets %d to %d", req.Offset, p.Partition, req.Topic, p.LogStart, p.LogEnd-1)
	}
	var rec *kgo.Record
	if _, err := scan(ctx, cl, req.Topic, ps, time.Time{}, func(r *kgo.Record) bool { rec = r; return false }); err != nil {
		return nil, nil, err
	}
	switch {
	case rec == nil && ctx.Err() != nil:
		return nil, nil, Errorf(Unavailable, "reading topic %s: the cluster did not answer in time; try again", req.Topic)
	case rec == nil:
		return nil, nil, Errorf(NotFound, "no record at offset %d of partition %d (a transaction marker or compacted away), nor after it", req.Offset, p.Partition)
	case rec.Offset != req.Offset:
		return nil, nil, Errorf(NotFound, "no record at offset %d of partition %d (a transaction marker or compacted away); the next is at offset %d", req.Offset, p.Partition, rec.Offset)
	}
	m := render(rec, decode, MessageHardCap)
	return &m, rec, nil
}

// JSONField is a predicate on a JSON value: the field at Path ("a.b.0.c": object keys and
// array indexes) equals Equals (any JSON; numbers compare as numbers), or, without Equals,
// exists.
type JSONField struct {
	Path   string          `json:"path"`
	Equals json.RawMessage `json:"equals,omitempty"`
}

// SearchRequest is a bounded scan for records matching every predicate given.
type SearchRequest struct {
	Topic         string
	Partitions    []int32
	From          Position // default: oldest
	KeyContains   string
	ValueContains string
	Regex         string // RE2, matched against the key or the value
	JSONField     *JSONField
	MaxMessages   int // records scanned at most; 0: SearchDefaultMessages
	MaxSeconds    int // 0: SearchDefaultSeconds
	Limit         int // matches at most; 0: SearchDefaultLimit
	Decode        string
	MaxBytes      int
}

// SearchResult says what a scan found (sorted as Browse sorts) and why it stopped: "limit" (Limit matches),
// "max_messages" (Scanned == MaxMessages), "max_seconds", "end" (every partition read to its
// end offset as it was at the start) or "canceled" (the caller went away). Partitions show
// the progress; NextFrom continues the scan.
type SearchResult struct {
	Topic       string              `json:"topic"`
	From        string              `json:"from"`
	Matches     []Message           `json:"matches"`
	Scanned     int64               `json:"scanned"`
	Stopped     string              `json:"stopped"`
	MaxMessages int                 `json:"max_messages"`
	MaxSeconds  int                 `json:"max_seconds"`
	Limit       int                 `json:"limit"`
	ElapsedMs   int64               `json:"elapsed_ms"`
	Next        map[int32]int64     `json:"next"`
	NextFrom    string              `json:"next_from"`
	Partitions  []PartitionProgress `json:"partitions"`
}

// Search scans the topic for matching records, bounded by MaxMessages scanned, MaxSeconds and
// Limit matches; ctx ending (a client that went away) stops it too.
func Search(ctx context.Context, cl *kafka.Client, req SearchRequest) (*SearchResult, error) {
	var err error
	res := &SearchResult{Topic: req.Topic, Matches: []Message{}, Next: map[int32]int64{}}
	decode, err := checkDecode(req.Decode)
	if err != nil {
		return nil, err
	}
	maxBytes, err := bounded("max_bytes", req.MaxBytes, DefaultMaxBytes, MaxMaxBytes)
	if err != nil {
		return nil, err
	}
	if res.MaxMessages, err = bounded("max_messages", req.MaxMessages, SearchDefaultMessages, SearchMaxMessages); err != nil {
		return nil, err
	}
	if res.MaxSeconds, err = bounded("max_seconds", req.MaxSeconds, SearchDefaultSeconds, SearchMaxSeconds); err != nil {
		return nil, err
	}
	if res.Limit, err = bounded("limit", req.Limit, SearchDefaultLimit, SearchMaxLimit); err != nil {
		return nil, err
	}
	match, err := matcher(req)
	if err != nil {
		return nil, err
	}
	if req.From.Kind == "" {
		req.From.Kind = FromOldest
	}
	res.From = req.From.String()
	start := time.Now()
	deadline := start.Add(time.Duration(res.MaxSeconds) * time.Second)
	lctx, cancel := context.WithDeadline(ctx, deadline)
	ps, err := readRanges(lctx, cl, req.Topic, req.Partitions, req.From)
	cancel()
	if err != nil {
		return nil, err
	}
	shown := 0
	why, err := scan(ctx, cl, req.Topic, ps, deadline, func(r *kgo.Record) bool {
		res.Scanned++
		if match(r) {
			m := render(r, decode, maxBytes)
			res.Matches = append(res.Matches, m)
			shown += m.shownBytes()
		}
		return len(res.Matches) < res.Limit && res.Scanned < int64(res.MaxMessages) && shown < BrowseBudget
	})
	if err != nil {
		return nil, err
	}
	switch {
	case why == stopVisit && len(res.Matches) >= res.Limit:
		res.Stopped = "limit"
	case why == stopVisit && shown >= BrowseBudget:
		res.Stopped = "bytes"
	case why == stopVisit:
		res.Stopped = "max_messages"
	case why == stopDeadline:
		res.Stopped = "max_seconds"
	case why == stopCanceled:
		res.Stopped = "canceled"
	default:
		res.Stopped = "end"
	}
	sortMessages(res.Matches)
	res.ElapsedMs = time.Since(start).Milliseconds()
	for _, p := range ps {
		res.Next[p.Partition] = p.Next
		res.Partitions = append(res.Partitions, *p)
	}
	res.NextFrom = formatOffsets(res.Next)
	return res, nil
}

// matcher builds the predicate of a search: every condition given must hold.
func matcher(req SearchRequest) (func(*kgo.Record) bool, error) {
	var conds []func(*kgo.Record) bool
	if req.KeyContains != "" {
		sub := []byte(req.KeyContains)
		conds = append(conds, func(r *kgo.Record) bool { return bytes.Contains(r.Key, sub) })
	}
	if req.ValueContains != "" {
		sub := []byte(req.ValueContains)
		conds = append(conds, func(r *kgo.Record) bool { return bytes.Contains(r.Value, sub) })
	}
	if req.Regex != "" {
		if len(req.Regex) > SearchMaxRegex {
			return nil, Errorf(Invalid, "regex is longer than %d characters", SearchMaxRegex)
		}
		re, err := regexp.Compile(req.Regex)
		if err != nil {
			return nil, Errorf(Invalid, "regex is not a valid RE2 expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		conds = append(conds, func(r *kgo.Record) bool { return re.Match(r.Key) || re.Match(r.Value) })
	}
	if f := req.JSONField; f != nil {
		if f.Path == "" {
			return nil, Errorf(Invalid, "json_field.path is required (as in \"order.id\")")
		}
		path := strings.Split(f.Path, ".")
		var want any
		hasWant := len(f.Equals) > 0
		if hasWant {
			if err := json.Unmarshal(f.Equals, &want); err != nil {
				return nil, Errorf(Invalid, "json_field.equals is not a JSON value: %v", err)
			}
		}
		conds = append(conds, func(r *kgo.Record) bool {
			var v any
			if json.Unmarshal(r.Value, &v) != nil {
				return false
			}
			got, ok := jsonAt(v, path)
			return ok && (!hasWant || jsonEqual(got, want))
		})
	}
	if len(conds) == 0 {
		return nil, Errorf(Invalid, "nothing to search for: give key_contains, value_contains, regex or json_field")
	}
	return func(r *kgo.Record) bool {
		for _, c := range conds {
			if !c(r) {
				return false
			}
		}
		return true
	}, nil
}

func jsonAt(v any, path []string) (any, bool) {
	for _, seg := range path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// ProduceRequest is one record to write. A nil Key or Value is null (a nil value is a
// tombstone). Encodings are "text" (default) or "base64". Partition nil: the default
// partitioner (murmur2 of the key, as Java's; sticky batches without a key).
type ProduceRequest struct {
	Topic         string
	Key           *string
	Value         *string
	KeyEncoding   string
	ValueEncoding string
	Headers       []Header // values as text, or base64 with Encoding "base64"
	Partition     *int32
}

// Produced is where a record landed.
type Produced struct {
	Topic     string    `json:"topic"`
	Partition int32     `json:"partition"`
	Offset    int64     `json:"offset"`
	Timestamp time.Time `json:"timestamp"`
	KeySize   int       `json:"key_size"`
	ValueSize int       `json:"value_size"`
}

func decodeField(name string, s *string, enc string) ([]byte, error) {
	if s == nil {
		return nil, nil
	}
	switch enc {
	case "", DecodeText:
		return []byte(*s), nil
	case DecodeBase64:
		b, err := base64.StdEncoding.DecodeString(*s)
		if err != nil {
			return nil, Errorf(Invalid, "%s is not valid base64: %v", name, err)
		}
		return b, nil
	}
	return nil, Errorf(Invalid, "%s encoding must be text or base64, not %q", name, enc)
}

// Record turns the request into a record (decoding base64), or says what is wrong.
func (req ProduceRequest) Record() (*kgo.Record, error) {
	if req.Topic == "" {
		return nil, Errorf(Invalid, "a topic is required")
	}
	k, err := decodeField("key", req.Key, req.KeyEncoding)
	if err != nil {
		return nil, err
	}
	v, err := decodeField("value", req.Value, req.ValueEncoding)
	if err != nil {
		return nil, err
	}
	r := &kgo.Record{Topic: req.Topic, Key: k, Value: v}
	for i, h := range req.Headers {
		if h.Key == "" {
			return nil, Errorf(Invalid, "headers[%d]: a header needs a key", i)
		}
		hv, err := decodeField(fmt.Sprintf("headers[%d].value", i), &h.Value, h.Encoding)
		if err != nil {
			return nil, err
		}
		r.Headers = append(r.Headers, kgo.RecordHeader{Key: h.Key, Value: hv})
	}
	if req.Partition != nil {
		r.Partition = *req.Partition
	}
	return r, nil
}

// Produce writes one record (acks=all, idempotent) with a short-lived producer built from the
// cluster client's options, after checking the topic and the partition exist (so a missing
// topic is never auto-created).
func Produce(ctx context.Context, cl *kafka.Client, req ProduceRequest) (*Produced, error) {
	rec, err := req.Record()
	if err != nil {
		return nil, err
	}
	what := "producing to " + req.Topic
	ctx, cancel := context.WithTimeout(ctx, getTimeout)
	defer cancel()
	tds, err := cl.Admin.ListTopics(ctx, req.Topic)
	if err != nil {
		return nil, Explain(what, err)
	}
	td, ok := tds[req.Topic]
	if !ok || td.Err != nil {
		if ok && !errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
			return nil, Explain(what, td.Err)
		}
		return nil, Errorf(NotFound, "no topic %q in this cluster", req.Topic)
	}
	n := int32(len(td.Partitions))
	opts := append(slices.Clone(cl.Kgo().Opts()), kgo.RecordDeliveryTimeout(getTimeout), kgo.ProducerBatchMaxBytes(MessageHardCap+1<<20))
	if req.Partition != nil {
		if p := *req.Partition; p < 0 || p >= n {
			return nil, Errorf(Invalid, "topic %q has %d partitions (0 to %d): no partition %d", req.Topic, n, n-1, p)
		}
		opts = append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	}
	pr, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, Explain(what, err)
	}
	defer pr.Close()
	out, err := pr.ProduceSync(ctx, rec).First()
	if err != nil {
		return nil, Explain(what, err)
	}
	return &Produced{Topic: out.Topic, Partition: out.Partition, Offset: out.Offset, Timestamp: out.Timestamp.UTC(),
		KeySize: len(rec.Key), ValueSize: len(rec.Value)}, nil
}

// indentedSize bounds the size of b (valid JSON) indented by two spaces: every newline
// json.Indent may add (after an opening bracket, a comma, before a closing one) carries at
// most the deepest nesting's indent. Deeply nested small values would otherwise blow up
// (20 KB of brackets indents to 200 MB).
func indentedSize(b []byte) int {
	depth, deepest, breaks := 0, 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
			breaks++
		case c == '}' || c == ']':
			depth--
			breaks++
		case c == ',':
			breaks++
		}
	}
	return len(b) + breaks*(2*deepest+2)
}
