package api

import (
	"net/http"
	"time"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// clusterSummary is one cluster in GET /api/v1/clusters and the head of GET .../{cluster}.
type clusterSummary struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
	// Status: "pending" before the first cycle, "unreachable" when the last cycle could not
	// read the metadata, "degraded" when parts of it failed, else "ok".
	Status           string                 `json:"status"`
	Error            string                 `json:"error,omitempty"`
	ClusterID        string                 `json:"cluster_id,omitempty"`
	ControllerID     int32                  `json:"controller_id"`
	ControllerSource string                 `json:"controller_source,omitempty"`
	KafkaVersions    []string               `json:"kafka_versions,omitempty"`
	CollectedAt      *time.Time             `json:"collected_at,omitempty"`
	TookMS           float64                `json:"took_ms"`
	Stats            *snapshot.ClusterStats `json:"stats,omitempty"`
	Brokers          []brokerRef            `json:"brokers"`
	Errors           []snapshot.PartError   `json:"errors,omitempty"`
}

type brokerRef struct {
	ID        int32  `json:"id"`
	Host      string `json:"host"`
	Port      int32  `json:"port"`
	Rack      string `json:"rack,omitempty"`
	Reachable bool   `json:"reachable"`
}

// summarize describes a cluster from snapshot s (nil: not collected yet).
func summarize(c Cluster, s *snapshot.Snapshot) clusterSummary {
	out := clusterSummary{Name: c.Name(), Labels: c.Labels(), Status: "pending", ControllerID: -1, Brokers: []brokerRef{}}
	if s == nil {
		return out
	}
	t := s.Time
	out.CollectedAt, out.TookMS, out.Errors = &t, float64(s.Took.Microseconds())/1000, s.Errors
	out.ClusterID, out.ControllerID, out.ControllerSource = s.ClusterID, s.ControllerID, s.ControllerSource
	stats := s.Stats
	out.Stats = &stats
	seen := map[string]bool{}
	for _, b := range s.Brokers {
		out.Brokers = append(out.Brokers, brokerRef{b.ID, b.Host, b.Port, b.Rack, b.Reachable})
		if b.KafkaVersion != "" && !seen[b.KafkaVersion] {
			seen[b.KafkaVersion] = true
			out.KafkaVersions = append(out.KafkaVersions, b.KafkaVersion)
		}
	}
	out.Status = "ok"
	for _, e := range s.Errors {
		if e.Part == "metadata" {
			out.Status, out.Error = "unreachable", e.Error
			break
		}
		out.Status = "degraded"
	}
	return out
}

func (s *Server) handleClusters() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out := make([]clusterSummary, 0, len(s.clusters))
		for _, c := range s.clusters {
			out = append(out, summarize(c, c.Latest()))
		}
		writeJSON(w, http.StatusOK, map[string]any{"clusters": out})
	}
}

func (s *Server) handleCluster() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, snap, err := s.snapshotOf(r)
		if c == nil {
			s.writeError(w, r, err)
			return
		}
		out := struct {
			clusterSummary
			Timings  map[string]float64 `json:"timings_ms,omitempty"`
			Requests int64              `json:"requests"`
		}{clusterSummary: summarize(c, snap)}
		if snap != nil {
			out.Timings = map[string]float64{}
			for k, v := range snap.Timings {
				out.Timings[k] = float64(v.Microseconds()) / 1000
			}
			out.Requests = snap.Requests
		}
		writeJSON(w, http.StatusOK, out)
	}
}
