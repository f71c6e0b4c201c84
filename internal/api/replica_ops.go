package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gregor-kafka/gregor/internal/operate"
)

func (s *Server) replicaRoutes(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/clusters/{cluster}/elect-leaders", s.operator(s.handleElectLeaders()))
}

// handleElectLeaders runs a preferred leader election on one topic, one broker's preferred
// partitions, or the whole cluster: the plan (partitions whose leader is not the preferred
// replica) always, the election unless dry_run.
func (s *Server) handleElectLeaders() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cluster := r.PathValue("cluster")
		var body operate.LeaderRequest
		plan, err := func() (operate.LeaderPlan, error) {
			c, err := s.kafkaOf(r)
			if err != nil {
				return operate.LeaderPlan{}, err
			}
			if err := decode(r, &body); err != nil {
				return operate.LeaderPlan{}, err
			}
			ctx, cancel := context.WithTimeout(r.Context(), groupOpTimeout)
			defer cancel()
			return operate.ElectPreferred(ctx, c.Client().Admin, body)
		}()
		target := body.Topic
		if body.Broker != nil {
			target = "broker " + strconv.Itoa(int(*body.Broker))
		}
		s.audit(r, cluster, "replicas.elect_leaders", target, body.DryRun, body, plan, err)
		s.answer(w, r, http.StatusOK, plan, err)
	}
}
