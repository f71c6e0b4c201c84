package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// topicOpTimeout bounds one topic operation: validation, the change, and reading the result
// back from the metadata.
const topicOpTimeout = 60 * time.Second

func (s *Server) topicOpRoutes(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/clusters/{cluster}/topics", s.operator(s.handleCreateTopic()))
	mux.Handle("DELETE /api/v1/clusters/{cluster}/topics/{topic}", s.admin(s.handleDeleteTopic()))
	mux.Handle("POST /api/v1/clusters/{cluster}/topics/{topic}/partitions", s.operator(s.handleAddPartitions()))
	mux.Handle("PATCH /api/v1/clusters/{cluster}/topics/{topic}/configs", s.operator(s.handleAlterTopicConfigs()))
	mux.Handle("POST /api/v1/clusters/{cluster}/topics/{topic}/purge", s.operator(s.handlePurgeTopic()))
}

// topicOp runs op against the cluster named in the path, with its latest snapshot (nil before
// the first cycle) and a time limit.
func (s *Server) topicOp(r *http.Request, op func(ctx context.Context, cl *kafka.Client, snap *snapshot.Snapshot) (any, error)) (any, error) {
	c, err := s.kafkaOf(r)
	if err != nil {
		return nil, err
	}
	cl := c.Client()
	if cl == nil {
		return nil, errorf(KindUnavailable, "cluster "+quote(c.Name())+" has no Kafka connection to run operations with")
	}
	ctx, cancel := context.WithTimeout(r.Context(), topicOpTimeout)
	defer cancel()
	return op(ctx, cl, c.Latest())
}

// finishTopicOp writes the audit entry and the answer: the plan or result with status (200
// for dry runs), or the error.
func (s *Server) finishTopicOp(w http.ResponseWriter, r *http.Request, action, topic string, dryRun bool, request, result any, err error, status int) {
	s.audit(r, r.PathValue("cluster"), action, topic, dryRun, request, result, err)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if dryRun {
		status = http.StatusOK
	}
	writeJSON(w, status, result)
}

// topicDryRun reads ?dry_run= (absent: false); a body's dry_run also counts.
func topicDryRun(r *http.Request) (bool, error) {
	v := r.URL.Query().Get("dry_run")
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errorf(KindBadRequest, `"dry_run" must be true or false, not `+quote(v))
	}
	return b, nil
}

// decodeDry decodes the JSON body into v and reads ?dry_run, the first error winning.
func decodeDry(r *http.Request, v any) (bool, error) {
	err := decode(r, v)
	dry, derr := topicDryRun(r)
	if err == nil {
		err = derr
	}
	return dry, err
}

// handleCreateTopic creates a topic (201 with its summary), or with dry_run answers 200 with
// the plan Kafka validated: partitions, replication factor, the assignment over the broker
// set when one is given, the topic's configs.
func (s *Server) handleCreateTopic() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body operate.TopicSpec
		dry, err := decodeDry(r, &body)
		body.DryRun = body.DryRun || dry
		var res any
		if err == nil {
			res, err = s.topicOp(r, func(ctx context.Context, cl *kafka.Client, _ *snapshot.Snapshot) (any, error) {
				return operate.CreateTopic(ctx, cl, body)
			})
		}
		if err == nil && !body.DryRun {
			w.Header().Set("Location", strings.TrimSuffix(s.basePath, "/")+"/api/v1/clusters/"+url.PathEscape(r.PathValue("cluster"))+"/topics/"+url.PathEscape(body.Name))
		}
		s.finishTopicOp(w, r, "topic.create", body.Name, body.DryRun, body, res, err, http.StatusCreated)
	}
}

// handleDeleteTopic deletes a topic (admin). The name must be typed again in ?confirm=;
// ?dry_run=true lists what would go (partitions, size and consuming groups from the latest
// snapshot) and needs no confirmation.
func (s *Server) handleDeleteTopic() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		topic := r.PathValue("topic")
		q := r.URL.Query()
		confirm, hasConfirm := q.Get("confirm"), q.Has("confirm")
		dry, err := topicDryRun(r)
		if err == nil && ((!dry && confirm != topic) || (hasConfirm && confirm != topic)) {
			err = errorf(KindBadRequest, "type the topic's name to confirm: add ?confirm="+topic+" (it must match the name exactly)")
		}
		var res any
		if err == nil {
			res, err = s.topicOp(r, func(ctx context.Context, cl *kafka.Client, snap *snapshot.Snapshot) (any, error) {
				plan, err := operate.DeleteTopic(ctx, cl, topic, snap, dry)
				if err == nil && !dry && s.selfServe != nil {
					// Its owner, grants and their topic ACLs go too: a topic created later under
					// the name starts with none.
					if ferr := s.selfServe.ForgetTopic(ctx, r.PathValue("cluster"), topic); ferr != nil {
						plan.Warnings = append(plan.Warnings, "deleted, but forgetting its owner and access grants failed: "+ferr.Error())
					}
				}
				return plan, err
			})
		}
		req := map[string]any{"topic": topic, "confirm": confirm, "dry_run": dry}
		s.finishTopicOp(w, r, "topic.delete", topic, dry, req, res, err, http.StatusOK)
	}
}

type addPartitionsBody struct {
	Count  int32 `json:"count"` // the new total
	DryRun bool  `json:"dry_run,omitempty"`
}

// handleAddPartitions grows a topic to count partitions; the plan warns that keys hash to
// new partitions. Fewer partitions than now is refused.
func (s *Server) handleAddPartitions() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		topic := r.PathValue("topic")
		var body addPartitionsBody
		dry, err := decodeDry(r, &body)
		body.DryRun = body.DryRun || dry
		var res any
		if err == nil {
			res, err = s.topicOp(r, func(ctx context.Context, cl *kafka.Client, _ *snapshot.Snapshot) (any, error) {
				regions, err := s.regionsOf(ctx, r.PathValue("cluster"))
				if err != nil {
					return nil, err
				}
				// A topic placed in a region grows there.
				return operate.AddPartitionsOn(ctx, cl, topic, body.Count, regions[topic].Brokers, body.DryRun)
			})
		}
		s.finishTopicOp(w, r, "topic.add_partitions", topic, body.DryRun, body, res, err, http.StatusOK)
	}
}

// handleAlterTopicConfigs changes a topic's configs incrementally: set {k: v}, delete [k]
// (back to the inherited value); validated by Kafka first; the plan has old -> new per key.
func (s *Server) handleAlterTopicConfigs() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		topic := r.PathValue("topic")
		var body operate.TopicConfigChanges
		dry, err := decodeDry(r, &body)
		body.DryRun = body.DryRun || dry
		var res any
		if err == nil {
			res, err = s.topicOp(r, func(ctx context.Context, cl *kafka.Client, _ *snapshot.Snapshot) (any, error) {
				return operate.AlterTopicConfigs(ctx, cl, topic, body)
			})
		}
		s.finishTopicOp(w, r, "topic.alter_configs", topic, body.DryRun, body, res, err, http.StatusOK)
	}
}

// purgeBody: before_offset is one offset for every selected partition or {"partition":
// offset}; -1 means up to the end. before_time is RFC 3339.
type purgeBody struct {
	BeforeOffset json.RawMessage `json:"before_offset,omitempty"`
	BeforeTime   string          `json:"before_time,omitempty"`
	Partitions   []int32         `json:"partitions,omitempty"`
	DryRun       bool            `json:"dry_run,omitempty"`
}

func (b purgeBody) spec() (operate.PurgeSpec, error) {
	spec := operate.PurgeSpec{Partitions: b.Partitions, DryRun: b.DryRun}
	if raw := bytes.TrimSpace(b.BeforeOffset); len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		if raw[0] == '{' {
			var m map[string]int64
			if err := json.Unmarshal(raw, &m); err != nil {
				return spec, errorf(KindBadRequest, `"before_offset" must be an offset or {"partition": offset}: `+err.Error())
			}
			spec.Offsets = make(map[int32]int64, len(m))
			for k, v := range m {
				p, err := strconv.ParseInt(k, 10, 32)
				if err != nil || p < 0 {
					return spec, errorf(KindBadRequest, `"before_offset": `+quote(k)+" is not a partition number")
				}
				spec.Offsets[int32(p)] = v
			}
		} else {
			var o int64
			if err := json.Unmarshal(raw, &o); err != nil {
				return spec, errorf(KindBadRequest, `"before_offset" must be an offset or {"partition": offset}, not `+string(raw))
			}
			spec.Offset = &o
		}
	}
	if b.BeforeTime != "" {
		t, err := time.Parse(time.RFC3339Nano, b.BeforeTime)
		if err != nil {
			return spec, errorf(KindBadRequest, `"before_time" must be RFC 3339 (e.g. 2024-05-01T12:00:00Z), not `+quote(b.BeforeTime))
		}
		spec.Before = t
	}
	return spec, nil
}

// handlePurgeTopic deletes records from the start of partitions (DeleteRecords): before an
// offset or before a time (offsets found with ListOffsets by timestamp). The plan has each
// partition's start offset old -> new and the messages removed.
func (s *Server) handlePurgeTopic() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		topic := r.PathValue("topic")
		var body purgeBody
		dry, err := decodeDry(r, &body)
		body.DryRun = body.DryRun || dry
		var spec operate.PurgeSpec
		if err == nil {
			spec, err = body.spec()
		}
		var res any
		if err == nil {
			res, err = s.topicOp(r, func(ctx context.Context, cl *kafka.Client, snap *snapshot.Snapshot) (any, error) {
				return operate.PurgeTopic(ctx, cl, topic, spec, snap)
			})
		}
		s.finishTopicOp(w, r, "topic.purge", topic, body.DryRun, body, res, err, http.StatusOK)
	}
}
