package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gregor-kafka/gregor/internal/operate"
)

// msgMaxBody bounds a produce body: a value up to operate.MessageHardCap, base64-encoded.
const msgMaxBody = operate.MessageHardCap*4/3 + 1<<20

func (s *Server) messageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/topics/{topic}/messages", s.handleBrowseMessages())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/topics/{topic}/messages/{partition}/{offset}", s.handleGetMessage())
	// The same search, as a query (GET) for viewers (the authentication middleware refuses
	// viewers every POST) and as a JSON body (POST).
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/topics/{topic}/messages/search", s.handleSearchMessages())
	mux.HandleFunc("POST /api/v1/clusters/{cluster}/topics/{topic}/messages/search", s.handleSearchMessages())
	mux.Handle("POST /api/v1/clusters/{cluster}/topics/{topic}/messages", s.operator(s.handleProduceMessage()))
}

// msgInt reads an integer query parameter: 0 when absent, a 400 when not a number in [lo, hi].
func msgInt(r *http.Request, name string, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errorf(KindBadRequest, `"`+name+`" must be a whole number from `+strconv.Itoa(lo)+" to "+strconv.Itoa(hi)+", not "+quote(v))
	}
	return n, nil
}

// msgPartitions reads ?partition= (repeated or comma-separated; absent: all).
func msgPartitions(vals []string) ([]int32, error) {
	var out []int32
	for _, v := range vals {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			n, err := strconv.ParseInt(f, 10, 32)
			if err != nil || n < 0 {
				return nil, errorf(KindBadRequest, `"partition" must be a partition number, not `+quote(f))
			}
			out = append(out, int32(n))
		}
	}
	return out, nil
}

// handleBrowseMessages lists records: ?partition= (default all), from (newest | oldest | an
// offset | RFC 3339 time | partition:offset pairs), limit, decode, max_bytes.
func (s *Server) handleBrowseMessages() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		res, err := func() (*operate.BrowseResult, error) {
			c, err := s.kafkaOf(r)
			if err != nil {
				return nil, err
			}
			q := r.URL.Query()
			req := operate.BrowseRequest{Topic: r.PathValue("topic"), Decode: q.Get("decode")}
			if req.Partitions, err = msgPartitions(q["partition"]); err != nil {
				return nil, err
			}
			if req.From, err = operate.ParsePosition(q.Get("from"), operate.FromNewest); err != nil {
				return nil, err
			}
			if req.Limit, err = msgInt(r, "limit", 1, operate.BrowseMaxLimit); err != nil {
				return nil, err
			}
			if req.MaxBytes, err = msgInt(r, "max_bytes", 1, operate.MaxMaxBytes); err != nil {
				return nil, err
			}
			return operate.Browse(r.Context(), c.Client(), req)
		}()
		s.answer(w, r, http.StatusOK, res, err)
	}
}

// handleGetMessage shows one record whole (up to operate.MessageHardCap of its value), or
// with ?download=1 sends its raw value as a file.
func (s *Server) handleGetMessage() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		topic := r.PathValue("topic")
		download := false
		if v := r.URL.Query().Get("download"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				s.writeError(w, r, errorf(KindBadRequest, `"download" must be 1 or 0, not `+quote(v)))
				return
			}
			download = b
		}
		m, rec, err := func() (*operate.Message, []byte, error) {
			c, err := s.kafkaOf(r)
			if err != nil {
				return nil, nil, err
			}
			p, err := strconv.ParseInt(r.PathValue("partition"), 10, 32)
			if err != nil || p < 0 {
				return nil, nil, errorf(KindBadRequest, "the partition must be a partition number, not "+quote(r.PathValue("partition")))
			}
			o, err := strconv.ParseInt(r.PathValue("offset"), 10, 64)
			if err != nil || o < 0 {
				return nil, nil, errorf(KindBadRequest, "the offset must be a whole number, not "+quote(r.PathValue("offset")))
			}
			m, rec, err := operate.GetMessage(r.Context(), c.Client(), operate.MessageRequest{Topic: topic, Partition: int32(p), Offset: o,
				Decode: r.URL.Query().Get("decode")})
			if err != nil {
				return nil, nil, err
			}
			return m, rec.Value, nil
		}()
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !download {
			writeJSON(w, http.StatusOK, m)
			return
		}
		name := strings.Map(func(c rune) rune {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
				return c
			}
			return '_'
		}, topic) + "-" + strconv.Itoa(int(m.Partition)) + "-" + strconv.FormatInt(m.Offset, 10) + ".bin"
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(rec)))
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(rec)
	}
}

// searchBody is the body of a search.
type searchBody struct {
	Partition     *int32             `json:"partition,omitempty"`
	Partitions    []int32            `json:"partitions,omitempty"`
	From          string             `json:"from,omitempty"`
	KeyContains   string             `json:"key_contains,omitempty"`
	ValueContains string             `json:"value_contains,omitempty"`
	Regex         string             `json:"regex,omitempty"`
	JSONField     *operate.JSONField `json:"json_field,omitempty"`
	MaxMessages   int                `json:"max_messages,omitempty"`
	MaxSeconds    int                `json:"max_seconds,omitempty"`
	Limit         int                `json:"limit,omitempty"`
	Decode        string             `json:"decode,omitempty"`
	MaxBytes      int                `json:"max_bytes,omitempty"`
}

// searchQuery reads a search from the query: partition (repeated or comma-separated), from,
// key_contains, value_contains, regex, json_path and json_equals (a JSON value), max_messages,
// max_seconds, limit, decode, max_bytes.
func searchQuery(r *http.Request) (searchBody, error) {
	q := r.URL.Query()
	b := searchBody{From: q.Get("from"), KeyContains: q.Get("key_contains"), ValueContains: q.Get("value_contains"),
		Regex: q.Get("regex"), Decode: q.Get("decode")}
	var err error
	if b.Partitions, err = msgPartitions(q["partition"]); err != nil {
		return b, err
	}
	if q.Has("json_path") || q.Has("json_equals") {
		b.JSONField = &operate.JSONField{Path: q.Get("json_path")}
		if v := q.Get("json_equals"); v != "" {
			b.JSONField.Equals = json.RawMessage(v)
		}
	}
	for _, f := range []struct {
		name string
		hi   int
		to   *int
	}{{"max_messages", operate.SearchMaxMessages, &b.MaxMessages}, {"max_seconds", operate.SearchMaxSeconds, &b.MaxSeconds},
		{"limit", operate.SearchMaxLimit, &b.Limit}, {"max_bytes", operate.MaxMaxBytes, &b.MaxBytes}} {
		if *f.to, err = msgInt(r, f.name, 1, f.hi); err != nil {
			return b, err
		}
	}
	return b, nil
}

// handleSearchMessages scans a topic for matching records, read-only and bounded (records
// scanned, seconds, matches); the request's context ends it when the client goes away.
func (s *Server) handleSearchMessages() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		res, err := func() (*operate.SearchResult, error) {
			c, err := s.kafkaOf(r)
			if err != nil {
				return nil, err
			}
			var b searchBody
			if r.Method == http.MethodGet {
				if b, err = searchQuery(r); err != nil {
					return nil, err
				}
			} else if err := decode(r, &b); err != nil {
				return nil, err
			}
			for _, v := range []struct {
				name string
				n    int
			}{{"max_messages", b.MaxMessages}, {"max_seconds", b.MaxSeconds}, {"limit", b.Limit}, {"max_bytes", b.MaxBytes}} {
				if v.n < 0 {
					return nil, errorf(KindBadRequest, quote(v.name)+" cannot be negative")
				}
			}
			req := operate.SearchRequest{Topic: r.PathValue("topic"), Partitions: b.Partitions, KeyContains: b.KeyContains,
				ValueContains: b.ValueContains, Regex: b.Regex, JSONField: b.JSONField, MaxMessages: b.MaxMessages,
				MaxSeconds: b.MaxSeconds, Limit: b.Limit, Decode: b.Decode, MaxBytes: b.MaxBytes}
			if b.Partition != nil {
				req.Partitions = append(req.Partitions, *b.Partition)
			}
			if req.From, err = operate.ParsePosition(b.From, operate.FromOldest); err != nil {
				return nil, err
			}
			return operate.Search(r.Context(), c.Client(), req)
		}()
		s.answer(w, r, http.StatusOK, res, err)
	}
}

// produceBody is the body of a produce.
type produceBody struct {
	Key           *string          `json:"key"`
	Value         *string          `json:"value"`
	KeyEncoding   string           `json:"key_encoding,omitempty"`
	ValueEncoding string           `json:"value_encoding,omitempty"`
	Encoding      string           `json:"encoding,omitempty"` // both, unless key_/value_encoding say otherwise
	Headers       []operate.Header `json:"headers,omitempty"`
	Partition     *int32           `json:"partition,omitempty"`
}

// produceAudit is what the audit log keeps of a produce: sizes and the first 200 bytes of the
// key and value, never the whole value.
type produceAudit struct {
	Topic      string   `json:"topic"`
	Partition  *int32   `json:"partition,omitempty"`
	KeySize    int      `json:"key_size"`
	KeyHead    *string  `json:"key_head"`
	ValueSize  int      `json:"value_size"`
	ValueHead  *string  `json:"value_head"`
	HeaderKeys []string `json:"header_keys,omitempty"`
}

// handleProduceMessage writes one record (operator); audited with the value's size and first
// 200 bytes.
func (s *Server) handleProduceMessage() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster, topic := r.PathValue("cluster"), r.PathValue("topic")
		au := produceAudit{Topic: topic}
		var out *operate.Produced
		err := func() error {
			c, err := s.kafkaOf(r)
			if err != nil {
				return err
			}
			var b produceBody
			if err := msgDecode(r, &b); err != nil {
				return err
			}
			req := operate.ProduceRequest{Topic: topic, Key: b.Key, Value: b.Value, KeyEncoding: b.KeyEncoding,
				ValueEncoding: b.ValueEncoding, Headers: b.Headers, Partition: b.Partition}
			if req.KeyEncoding == "" {
				req.KeyEncoding = b.Encoding
			}
			if req.ValueEncoding == "" {
				req.ValueEncoding = b.Encoding
			}
			au.Partition = b.Partition
			rec, err := req.Record()
			if err != nil {
				return err
			}
			head := func(v []byte) *string {
				if v == nil {
					return nil
				}
				s := operate.Preview(v, 200)
				return &s
			}
			au.KeySize, au.KeyHead, au.ValueSize, au.ValueHead = len(rec.Key), head(rec.Key), len(rec.Value), head(rec.Value)
			for _, h := range rec.Headers {
				au.HeaderKeys = append(au.HeaderKeys, h.Key)
			}
			out, err = operate.Produce(r.Context(), c.Client(), req)
			return err
		}()
		s.audit(r, cluster, "message.produce", topic, false, au, out, err)
		s.answer(w, r, http.StatusOK, out, err)
	}
}

// msgDecode is decode with a body limit that fits a value up to operate.MessageHardCap.
func msgDecode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, msgMaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errorf(KindBadRequest, "a JSON body is required")
		}
		return errorf(KindBadRequest, "invalid JSON body: "+err.Error())
	}
	if dec.More() {
		return errorf(KindBadRequest, "invalid JSON body: more than one value")
	}
	return nil
}
