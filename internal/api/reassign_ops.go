package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/store"
)

// rsgOpTimeout bounds one reassignment call; a cancel waits for Kafka to end the moves.
const rsgOpTimeout = 60 * time.Second

// rsgState is Gregor's last reassignment of one cluster (in memory: lost on restart, when
// progress still lists what Kafka runs and finish/cancel remove every throttle config), and
// a lock that makes checking for a running reassignment and starting one a single step.
type rsgState struct {
	mu   sync.Mutex
	last *operate.Reassignment
}

type rsgKey struct {
	s       *Server
	cluster string
}

// rsgStates holds the state per server and cluster (kept outside Server, whose fields are
// not this file's).
var rsgStates sync.Map // rsgKey -> *rsgState

func (s *Server) rsgStateOf(cluster string) *rsgState {
	v, _ := rsgStates.LoadOrStore(rsgKey{s, cluster}, &rsgState{})
	return v.(*rsgState)
}

func (s *Server) reassignRoutes(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/clusters/{cluster}/reassignments/plan", s.operator(s.handleReassignPlan()))
	mux.Handle("POST /api/v1/clusters/{cluster}/reassignments", s.operator(s.handleReassignStart()))
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/reassignments", s.handleReassignProgress())
	mux.Handle("POST /api/v1/clusters/{cluster}/reassignments/finish", s.operator(s.handleReassignFinish()))
	mux.Handle("DELETE /api/v1/clusters/{cluster}/reassignments", s.operator(s.handleReassignCancel()))
}

// handleReassignPlan computes a reassignment plan (drain, add, replication_factor, custom):
// per partition current -> target replicas and the bytes to copy. Changes nothing.
func (s *Server) handleReassignPlan() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster := r.PathValue("cluster")
		var body operate.ReassignPlanRequest
		plan, err := func() (*operate.ReassignPlan, error) {
			c, err := s.kafkaOf(r)
			if err != nil {
				return nil, err
			}
			if err := decode(r, &body); err != nil {
				return nil, err
			}
			ctx, cancel := context.WithTimeout(r.Context(), rsgOpTimeout)
			defer cancel()
			if body.Regions, err = s.regionsOf(ctx, cluster); err != nil {
				return nil, err
			}
			return operate.PlanReassignment(ctx, c.Client().Admin, body)
		}()
		s.audit(r, cluster, "reassign.plan", body.Mode, true, body, plan, err)
		s.answer(w, r, http.StatusOK, plan, err)
	}
}

// handleReassignStart sets the replication throttle and starts a plan's assignment; 409
// while a reassignment runs on the cluster. dry_run: the plan and the throttle it would set.
func (s *Server) handleReassignStart() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster := r.PathValue("cluster")
		var body operate.ReassignStartRequest
		started, err := func() (*operate.Reassignment, error) {
			c, err := s.kafkaOf(r)
			if err != nil {
				return nil, err
			}
			if err := decode(r, &body); err != nil {
				return nil, err
			}
			st := s.rsgStateOf(cluster)
			st.mu.Lock()
			defer st.mu.Unlock()
			ctx, cancel := context.WithTimeout(r.Context(), rsgOpTimeout)
			defer cancel()
			regions, err := s.regionsOf(ctx, cluster)
			if err != nil {
				return nil, err
			}
			body.Regions = regions
			re, err := operate.StartReassignment(ctx, c.Client().Admin, body)
			if err == nil && !re.DryRun {
				st.last = re
			}
			return re, err
		}()
		s.audit(r, cluster, "reassign.start", cluster, body.DryRun, body, started, err)
		s.answer(w, r, http.StatusOK, started, err)
	}
}

// handleReassignProgress reports what runs and the progress of Gregor's last reassignment;
// the call that sees it ended removes its throttle (audited as reassign.finish).
func (s *Server) handleReassignProgress() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster := r.PathValue("cluster")
		c, err := s.kafkaOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		st := s.rsgStateOf(cluster)
		st.mu.Lock()
		ctx, cancel := context.WithTimeout(r.Context(), rsgOpTimeout)
		// Only an operator's look removes a finished reassignment's throttle: a viewer's GET
		// changes nothing.
		p := principal(r)
		operator := p != nil && auth.Allows(p.Role, store.RoleOperator)
		pr, err := operate.Progress(ctx, c.Client().Admin, st.last, operator)
		cancel()
		st.mu.Unlock()
		if pr != nil && pr.ThrottleRemoved {
			s.audit(r, cluster, "reassign.finish", cluster, false, map[string]any{"automatic": true}, pr, nil)
		}
		s.answer(w, r, http.StatusOK, pr, err)
	}
}

// handleReassignFinish removes the throttle once nothing runs (409 while it does).
func (s *Server) handleReassignFinish() http.HandlerFunc {
	return s.rsgEnd("reassign.finish", operate.FinishReassignment)
}

// handleReassignCancel cancels the running reassignment and removes the throttle.
func (s *Server) handleReassignCancel() http.HandlerFunc {
	return s.rsgEnd("reassign.cancel", operate.CancelReassignment)
}

func (s *Server) rsgEnd(action string, do func(context.Context, *kadm.Client, *operate.Reassignment) (*operate.ReassignEnd, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster := r.PathValue("cluster")
		end, err := func() (*operate.ReassignEnd, error) {
			c, err := s.kafkaOf(r)
			if err != nil {
				return nil, err
			}
			st := s.rsgStateOf(cluster)
			st.mu.Lock()
			defer st.mu.Unlock()
			ctx, cancel := context.WithTimeout(r.Context(), rsgOpTimeout)
			defer cancel()
			end, err := do(ctx, c.Client().Admin, st.last)
			if err == nil && st.last != nil {
				st.last.Done = true // its throttle is not removed again by a later look
			}
			return end, err
		}()
		s.audit(r, cluster, action, cluster, false, nil, end, err)
		s.answer(w, r, http.StatusOK, end, err)
	}
}

// regionsOf are the topics of a cluster placed in self-service regions: reassignment plans
// and added partitions keep their replicas there. When they cannot be read the operation is
// refused rather than done unconfined.
func (s *Server) regionsOf(ctx context.Context, cluster string) (map[string]operate.Region, error) {
	if s.selfServe == nil {
		return nil, nil
	}
	ps, err := s.selfServe.Placements(ctx, cluster)
	if err != nil {
		return nil, errorf(KindUnavailable, "reading the topics' regions failed, so Gregor cannot keep them in place: "+err.Error())
	}
	out := map[string]operate.Region{}
	for topic, p := range ps {
		out[topic] = operate.Region{Name: p.Region, Brokers: p.Brokers}
	}
	return out, nil
}
