package cli

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The message commands: browse, search and produce records (docs/api.md, "Messages").
// Browsing and searching are reads (any role); produce needs the operator role and is
// audited.

func init() {
	for _, c := range []*opCommand{
		{
			name: "messages", arg: "TOPIC", selectCluster: true,
			flags:   "[--partition N] [--offset N | --since RFC3339|DURATION | --newest N] [--limit N] [--decode text|json|hex|base64]",
			summary: "show a topic's records: the newest (default), from an offset, or since a time; nothing is consumed or committed",
			setup:   msgSetupBrowse, render: msgRenderBrowse,
		},
		{
			name: "search-messages", arg: "TOPIC", selectCluster: true,
			flags:   "(--key S | --value S | --regex R | --json-field path=value) [--max-messages N] [--max-time 10s]",
			summary: "scan a topic (from the oldest record) for records matching every condition given, bounded by records scanned, time and matches; says where it stopped",
			setup:   msgSetupSearch, render: msgRenderSearch,
		},
		{
			name: "produce", arg: "TOPIC", selectCluster: true,
			flags:   "[--key K] (--value V | --value-file F) [--header k=v ...] [--partition N]",
			summary: "write one record to a topic (acks=all); without --partition the default partitioner places it by its key",
			setup:   msgSetupProduce, render: msgRenderProduce,
		},
	} {
		opCommands[c.name] = c
	}
}

var msgDecodes = []string{"text", "json", "hex", "base64"}

func msgTopicPath(topic, suffix string) func(string) string {
	return func(c string) string { return topicPath(topic)(c) + "/messages" + suffix }
}

// msgCommon are the flags browse and search share: partitions, decode, value bytes shown.
type msgCommon struct {
	partitions, decode string
	maxBytes           int
}

func (m *msgCommon) register(fs *flag.FlagSet) {
	fs.StringVar(&m.partitions, "partition", "", "only these partitions, e.g. 0 or 0,1 (default: all)")
	fs.StringVar(&m.decode, "decode", "text", "how to show keys and values: "+strings.Join(msgDecodes, ", "))
	fs.IntVar(&m.maxBytes, "max-bytes", 0, "value bytes shown per record (default 4096, at most 1048576)")
}

// query checks the flags and puts them in q.
func (m *msgCommon) query(given map[string]bool, q url.Values) error {
	if given["partition"] {
		ps, err := int32List("partition", m.partitions)
		if err != nil {
			return err
		}
		for _, p := range ps {
			q.Add("partition", strconv.Itoa(int(p)))
		}
	}
	if !slices.Contains(msgDecodes, m.decode) {
		return fmt.Errorf("--decode must be one of %s, not %q", strings.Join(msgDecodes, ", "), m.decode)
	}
	q.Set("decode", m.decode)
	if given["max-bytes"] {
		if m.maxBytes < 1 || m.maxBytes > 1<<20 {
			return errors.New("--max-bytes must be from 1 to 1048576")
		}
		q.Set("max_bytes", strconv.Itoa(m.maxBytes))
	}
	return nil
}

// msgSince turns --since (RFC 3339, Unix seconds, or a duration ago: 1h, 30m, 7d) into an
// RFC 3339 time, the API's from.
func msgSince(s string) (string, error) {
	v, err := sinceParam(s)
	if err != nil {
		return "", err
	}
	if d, ok := strings.CutPrefix(v, "-"); ok {
		dur, err := time.ParseDuration(d)
		if err != nil {
			return "", err
		}
		return time.Now().Add(-dur).UTC().Format(time.RFC3339Nano), nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC().Format(time.RFC3339), nil
	}
	return v, nil
}

func msgSetupBrowse(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var m msgCommon
	var offset int64
	var since, from string
	var newest, limit int
	m.register(fs)
	fs.Int64Var(&offset, "offset", 0, "read from this offset (in each partition read)")
	fs.StringVar(&since, "since", "", "read from the first record at or after this time: RFC 3339, or a duration ago (30m, 2h, 7d)")
	fs.IntVar(&newest, "newest", 0, "show the newest N records (split over the partitions read)")
	fs.IntVar(&limit, "limit", 0, "show at most this many records (1 to 500; default 50)")
	fs.StringVar(&from, "from", "", "read from partition:offset pairs (0:120,1:98: where a previous read stopped), oldest or newest")
	return func(topic string, given map[string]bool, _ bool) (*opRequest, error) {
		n := 0
		for _, f := range []string{"offset", "since", "newest", "from"} {
			if given[f] {
				n++
			}
		}
		q := url.Values{}
		switch {
		case n > 1:
			return nil, errors.New("give at most one of --offset, --since, --newest and --from")
		case given["newest"] && given["limit"]:
			return nil, errors.New("--newest N already sets how many: drop --limit")
		case given["offset"]:
			if offset < 0 {
				return nil, errors.New("--offset must not be negative")
			}
			q.Set("from", strconv.FormatInt(offset, 10))
		case given["since"]:
			from, err := msgSince(since)
			if err != nil {
				return nil, err
			}
			q.Set("from", from)
		case given["from"]:
			if strings.TrimSpace(from) == "" {
				return nil, errors.New("--from must not be empty")
			}
			q.Set("from", from)
		case given["newest"]:
			if newest < 1 || newest > 500 {
				return nil, errors.New("--newest must be from 1 to 500")
			}
			q.Set("from", "newest")
			q.Set("limit", strconv.Itoa(newest))
		}
		if given["limit"] {
			if limit < 1 || limit > 500 {
				return nil, errors.New("--limit must be from 1 to 500")
			}
			q.Set("limit", strconv.Itoa(limit))
		}
		if err := m.query(given, q); err != nil {
			return nil, err
		}
		return &opRequest{method: "GET", path: msgTopicPath(topic, ""), query: q}, nil
	}
}

func msgSetupSearch(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var m msgCommon
	var key, value, regex, from string
	var fields listFlag
	var maxMessages, limit int
	var maxTime time.Duration
	m.register(fs)
	fs.StringVar(&key, "key", "", "records whose key contains this")
	fs.StringVar(&value, "value", "", "records whose value contains this")
	fs.StringVar(&regex, "regex", "", "records whose key or value matches this RE2 expression")
	fs.Var(&fields, "json-field", "records whose JSON value has the field at `path=value` (a.b.0.c; the value as JSON, else a string), or just path: the field exists")
	fs.IntVar(&maxMessages, "max-messages", 0, "scan at most this many records (default 10000, at most 1000000)")
	fs.DurationVar(&maxTime, "max-time", 0, "scan for at most this long (default 10s, at most 60s)")
	fs.IntVar(&limit, "limit", 0, "stop after this many matches (default 100, at most 1000)")
	fs.StringVar(&from, "from", "", "start at: oldest (default), newest, an offset, an RFC 3339 time, or partition:offset pairs (a previous scan's continuation)")
	return func(topic string, given map[string]bool, _ bool) (*opRequest, error) {
		q := url.Values{}
		if !given["key"] && !given["value"] && !given["regex"] && len(fields) == 0 {
			return nil, errors.New("give at least one condition: --key, --value, --regex or --json-field")
		}
		for f, v := range map[string]string{"key": key, "value": value, "regex": regex} {
			if given[f] {
				if v == "" {
					return nil, fmt.Errorf("--%s must not be empty", f)
				}
				q.Set(map[string]string{"key": "key_contains", "value": "value_contains", "regex": "regex"}[f], v)
			}
		}
		if len(fields) > 1 {
			return nil, errors.New("--json-field can be given once")
		}
		if len(fields) == 1 {
			path, val, hasVal := strings.Cut(fields[0], "=")
			if path = strings.TrimSpace(path); path == "" {
				return nil, fmt.Errorf("--json-field wants path=value or path, not %q", fields[0])
			}
			q.Set("json_path", path)
			if hasVal {
				q.Set("json_equals", msgJSONValue(val))
			}
		}
		if given["max-messages"] {
			if maxMessages < 1 || maxMessages > 1_000_000 {
				return nil, errors.New("--max-messages must be from 1 to 1000000")
			}
			q.Set("max_messages", strconv.Itoa(maxMessages))
		}
		if given["max-time"] {
			if maxTime <= 0 || maxTime > time.Minute {
				return nil, errors.New("--max-time must be more than 0 and at most 60s")
			}
			q.Set("max_seconds", strconv.Itoa(int(math.Ceil(maxTime.Seconds()))))
		}
		if given["limit"] {
			if limit < 1 || limit > 1000 {
				return nil, errors.New("--limit must be from 1 to 1000")
			}
			q.Set("limit", strconv.Itoa(limit))
		}
		if given["from"] {
			if strings.TrimSpace(from) == "" {
				return nil, errors.New("--from must not be empty")
			}
			q.Set("from", from)
		}
		if err := m.query(given, q); err != nil {
			return nil, err
		}
		return &opRequest{method: "GET", path: msgTopicPath(topic, "/search"), query: q}, nil
	}
}

// msgJSONValue is v as JSON: itself when it is JSON (30, true, "x", {...}), else a string.
func msgJSONValue(v string) string {
	if json.Valid([]byte(v)) {
		return strings.TrimSpace(v)
	}
	return strconv.Quote(v)
}

type msgHeader struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	Encoding string `json:"encoding,omitempty"`
}

type msgProduceBody struct {
	Key           *string     `json:"key"`
	Value         *string     `json:"value"`
	ValueEncoding string      `json:"value_encoding,omitempty"`
	Headers       []msgHeader `json:"headers,omitempty"`
	Partition     *int32      `json:"partition,omitempty"`
}

func msgSetupProduce(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var key, value, valueFile string
	var headers listFlag
	var partition int
	fs.StringVar(&key, "key", "", "the record's key (default: none, null)")
	fs.StringVar(&value, "value", "", "the record's value, as text")
	fs.StringVar(&valueFile, "value-file", "", "read the value from this file, byte for byte (- for stdin)")
	fs.Var(&headers, "header", "a header as `key=value` (repeat for several)")
	fs.IntVar(&partition, "partition", 0, "write to this partition (default: the partitioner chooses)")
	return func(topic string, given map[string]bool, _ bool) (*opRequest, error) {
		var b msgProduceBody
		switch {
		case given["value"] == given["value-file"]:
			return nil, errors.New("give exactly one of --value and --value-file")
		case given["value"]:
			b.Value = &value
		default:
			var data []byte
			var err error
			if valueFile == "-" {
				data, err = io.ReadAll(os.Stdin)
			} else {
				data, err = os.ReadFile(valueFile)
			}
			if err != nil {
				return nil, fmt.Errorf("--value-file: %v", err)
			}
			if utf8.Valid(data) {
				s := string(data)
				b.Value = &s
			} else {
				s := base64.StdEncoding.EncodeToString(data)
				b.Value, b.ValueEncoding = &s, "base64"
			}
		}
		if given["key"] {
			b.Key = &key
		}
		for _, h := range headers {
			k, v, ok := strings.Cut(h, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, fmt.Errorf("--header wants key=value, not %q", h)
			}
			b.Headers = append(b.Headers, msgHeader{Key: k, Value: v})
		}
		if given["partition"] {
			if partition < 0 || partition > math.MaxInt32 {
				return nil, errors.New("--partition must be a partition number (0 or more)")
			}
			p := int32(partition)
			b.Partition = &p
		}
		return &opRequest{method: "POST", path: msgTopicPath(topic, ""), body: b}, nil
	}
}

// --- answers ---

type msgMessage struct {
	Partition int32       `json:"partition"`
	Offset    int64       `json:"offset"`
	Timestamp time.Time   `json:"timestamp"`
	Key       *string     `json:"key"`
	KeyDecode string      `json:"key_decode"`
	KeySize   int         `json:"key_size"`
	Value     *string     `json:"value"`
	Decode    string      `json:"decode"`
	ValueSize int         `json:"value_size"`
	Truncated bool        `json:"truncated"`
	Headers   []msgHeader `json:"headers"`
	Note      string      `json:"note"`
}

type msgBrowseAnswer struct {
	Topic    string        `json:"topic"`
	From     string        `json:"from"`
	Messages *[]msgMessage `json:"messages"`
	NextFrom string        `json:"next_from"`
	More     bool          `json:"more"`
	Stopped  string        `json:"stopped"`
}

type msgSearchAnswer struct {
	Topic       string        `json:"topic"`
	From        string        `json:"from"`
	Matches     *[]msgMessage `json:"matches"`
	Scanned     int64         `json:"scanned"`
	Stopped     string        `json:"stopped"`
	MaxMessages int           `json:"max_messages"`
	MaxSeconds  int           `json:"max_seconds"`
	Limit       int           `json:"limit"`
	ElapsedMs   int64         `json:"elapsed_ms"`
	NextFrom    string        `json:"next_from"`
}

type msgProduced struct {
	Topic     string    `json:"topic"`
	Partition int32     `json:"partition"`
	Offset    int64     `json:"offset"`
	Timestamp time.Time `json:"timestamp"`
	KeySize   int       `json:"key_size"`
	ValueSize int       `json:"value_size"`
}

// --- rendering ---

// msgWrite prints records one after the other: a line with where and when, the key, the
// headers, then the value as decoded.
func msgWrite(w io.Writer, msgs []msgMessage) {
	for i, m := range msgs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "--- partition %d, offset %d, %s\n", m.Partition, m.Offset, m.Timestamp.UTC().Format(time.RFC3339Nano))
		key := "(null)"
		if m.Key != nil {
			key = *m.Key
			if m.KeyDecode != "" {
				key += " (" + m.KeyDecode + ")"
			}
		}
		fmt.Fprintf(w, "Key: %s\n", key)
		if len(m.Headers) > 0 {
			hs := make([]string, len(m.Headers))
			for j, h := range m.Headers {
				hs[j] = h.Key + "=" + h.Value
				if h.Encoding != "" {
					hs[j] += " (" + h.Encoding + ")"
				}
			}
			fmt.Fprintf(w, "Headers: %s\n", strings.Join(hs, ", "))
		}
		size := fmtBytes(int64(m.ValueSize))
		if m.Truncated {
			size += ", truncated"
		}
		if m.Value == nil {
			fmt.Fprintln(w, "Value: (null: a tombstone)")
		} else {
			fmt.Fprintf(w, "Value (%s, %s):\n%s\n", m.Decode, size, *m.Value)
		}
		if m.Note != "" {
			fmt.Fprintf(w, "Note: %s\n", m.Note)
		}
	}
}

func msgRenderBrowse(w io.Writer, body []byte) error {
	var a msgBrowseAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Messages == nil {
		return errors.New(`no "messages"`)
	}
	if len(*a.Messages) == 0 {
		fmt.Fprintf(w, "No records in topic %q from %s.\n", a.Topic, a.From)
		return nil
	}
	msgWrite(w, *a.Messages)
	fmt.Fprintf(w, "\n%d record(s) of topic %q from %s", len(*a.Messages), a.Topic, a.From)
	switch a.Stopped {
	case "bytes":
		fmt.Fprint(w, "; stopped at 16 MiB of values shown")
	case "time":
		fmt.Fprint(w, "; stopped after 10s")
	}
	if a.More && a.NextFrom != "" {
		fmt.Fprintf(w, "; more follow: continue with --from %s", a.NextFrom)
	}
	fmt.Fprintln(w, ".")
	return nil
}

func msgRenderSearch(w io.Writer, body []byte) error {
	var a msgSearchAnswer
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Matches == nil {
		return errors.New(`no "matches"`)
	}
	msgWrite(w, *a.Matches)
	if len(*a.Matches) > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d match(es) in %d record(s) scanned of topic %q from %s, in %s.\n", len(*a.Matches), a.Scanned, a.Topic, a.From,
		(time.Duration(a.ElapsedMs) * time.Millisecond).String())
	switch a.Stopped {
	case "end":
		fmt.Fprintln(w, "Scanned to the end of the topic.")
	case "max_messages":
		fmt.Fprintf(w, "Stopped at the limit of %d records scanned (--max-messages) before the end of the topic: later records were not searched.\n", a.MaxMessages)
	case "max_seconds":
		fmt.Fprintf(w, "Stopped at the time limit of %ds (--max-time) before the end of the topic: later records were not searched.\n", a.MaxSeconds)
	case "limit":
		fmt.Fprintf(w, "Stopped at the limit of %d matches (--limit): later records were not searched.\n", a.Limit)
	case "canceled":
		fmt.Fprintln(w, "The scan was canceled before the end of the topic.")
	default:
		fmt.Fprintf(w, "Stopped: %s.\n", orDash(a.Stopped))
	}
	if a.Stopped != "end" && a.NextFrom != "" {
		fmt.Fprintf(w, "Continue with --from %s\n", a.NextFrom)
	}
	return nil
}

func msgRenderProduce(w io.Writer, body []byte) error {
	var a msgProduced
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Topic == "" {
		return errors.New(`no "topic"`)
	}
	fmt.Fprintf(w, "Produced to topic %q, partition %d, offset %d at %s (key %s, value %s).\n", a.Topic, a.Partition, a.Offset,
		a.Timestamp.UTC().Format(time.RFC3339Nano), fmtBytes(int64(a.KeySize)), fmtBytes(int64(a.ValueSize)))
	return nil
}
