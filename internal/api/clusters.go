package api

import (
	"context"
	"net/http"
	"sync"

	"github.com/gregor-kafka/gregor/internal/kafka"
)

// clusterView is one cluster in GET /api/v1/clusters.
type clusterView struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
	// Status is "ok", or "unreachable" with Error saying why.
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	kafka.Info
	Versions []kafka.BrokerVersion `json:"versions,omitempty"`
}

// handleClusters asks every cluster at once, each bounded by the request timeout, so one
// dead cluster costs its timeout and never stalls the others.
func (s *Server) handleClusters() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out := make([]clusterView, len(s.clusters))
		var wg sync.WaitGroup
		for i, c := range s.clusters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
				defer cancel()
				v := clusterView{Name: c.Name, Labels: c.Labels(), Status: "ok"}
				info, err := c.Info(ctx)
				v.Info = info
				if err != nil {
					v.Status, v.Error = "unreachable", err.Error()
				} else {
					v.Versions = c.Versions()
				}
				out[i] = v
			}()
		}
		wg.Wait()
		writeJSON(w, http.StatusOK, map[string]any{"clusters": out})
	}
}
