package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gregor-kafka/gregor/internal/operate"
)

// groupOpTimeout bounds one group operation: a handful of requests to the group's coordinator
// and the partition leaders.
const groupOpTimeout = 30 * time.Second

func (s *Server) groupOpRoutes(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/clusters/{cluster}/groups/{group}/offsets/reset", s.operator(s.handleResetOffsets()))
	mux.Handle("DELETE /api/v1/clusters/{cluster}/groups/{group}", s.operator(s.handleDeleteGroup()))
	mux.Handle("DELETE /api/v1/clusters/{cluster}/groups/{group}/offsets", s.operator(s.handleDeleteGroupOffsets()))
}

// resetOffsetsBody is the body of an offset reset.
type resetOffsetsBody struct {
	To         string             `json:"to"`                  // earliest, latest, timestamp, offset, shift
	Timestamp  string             `json:"timestamp,omitempty"` // RFC 3339, for "timestamp"
	Offset     *int64             `json:"offset,omitempty"`    // for "offset"
	Shift      *int64             `json:"shift,omitempty"`     // for "shift": + forward, - back
	Topics     []string           `json:"topics,omitempty"`    // none: every topic with a committed offset
	Partitions map[string][]int32 `json:"partitions,omitempty"`
	DryRun     bool               `json:"dry_run"`
}

// handleResetOffsets moves a group's committed offsets: the plan (old -> new offset and lag
// per partition) always, committed unless dry_run; 409 while the group has members.
func (s *Server) handleResetOffsets() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster, group := r.PathValue("cluster"), r.PathValue("group")
		var body resetOffsetsBody
		plan, err := func() (*operate.ResetPlan, error) {
			c, err := s.kafkaOf(r)
			if err != nil {
				return nil, err
			}
			if err := decode(r, &body); err != nil {
				return nil, err
			}
			req := operate.ResetRequest{Group: group, To: body.To, Offset: body.Offset, Shift: body.Shift,
				Topics: body.Topics, Partitions: body.Partitions, DryRun: body.DryRun}
			if body.Timestamp != "" {
				if req.Timestamp, err = time.Parse(time.RFC3339Nano, body.Timestamp); err != nil {
					return nil, errorf(KindBadRequest, `"timestamp" must be RFC 3339 (e.g. 2024-05-01T12:00:00Z): `+quote(body.Timestamp))
				}
			}
			ctx, cancel := context.WithTimeout(r.Context(), groupOpTimeout)
			defer cancel()
			return operate.ResetOffsets(ctx, c.Client().Admin, req)
		}()
		s.audit(r, cluster, "group.reset_offsets", group, body.DryRun, body, plan, err)
		s.answer(w, r, http.StatusOK, plan, err)
	}
}

// handleDeleteGroup deletes an empty group with its committed offsets (?dry_run=true: what
// would go); 409 while it has members.
func (s *Server) handleDeleteGroup() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster, group := r.PathValue("cluster"), r.PathValue("group")
		dryRun, err := groupDryRun(r)
		var d *operate.GroupDeletion
		if err == nil {
			var c Cluster
			if c, err = s.kafkaOf(r); err == nil {
				ctx, cancel := context.WithTimeout(r.Context(), groupOpTimeout)
				d, err = operate.DeleteGroup(ctx, c.Client().Admin, group, dryRun)
				cancel()
			}
		}
		s.audit(r, cluster, "group.delete", group, dryRun, map[string]any{"group": group, "dry_run": dryRun}, d, err)
		s.answer(w, r, http.StatusOK, d, err)
	}
}

// handleDeleteGroupOffsets deletes a group's committed offsets for one topic (?topic=T;
// ?dry_run=true: which would go).
func (s *Server) handleDeleteGroupOffsets() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster, group, topic := r.PathValue("cluster"), r.PathValue("group"), r.URL.Query().Get("topic")
		dryRun, err := groupDryRun(r)
		var d *operate.OffsetDeletion
		if err == nil {
			var c Cluster
			if c, err = s.kafkaOf(r); err == nil {
				ctx, cancel := context.WithTimeout(r.Context(), groupOpTimeout)
				d, err = operate.DeleteOffsets(ctx, c.Client().Admin, group, topic, dryRun)
				cancel()
			}
		}
		s.audit(r, cluster, "group.delete_offsets", group, dryRun, map[string]any{"group": group, "topic": topic, "dry_run": dryRun}, d, err)
		s.answer(w, r, http.StatusOK, d, err)
	}
}

// groupDryRun reads ?dry_run= (absent: false).
func groupDryRun(r *http.Request) (bool, error) {
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
