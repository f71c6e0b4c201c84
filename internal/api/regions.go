package api

import (
	"net/http"
	"slices"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// regionView is a region's load: its brokers' partitions, leaders, disk and traffic.
type regionView struct {
	Name           string   `json:"name"`
	Brokers        []int32  `json:"brokers"`
	Missing        []int32  `json:"missing_brokers"` // configured, but not in the cluster now
	Replicas       int      `json:"replicas"`
	Leaders        int      `json:"leaders"`
	DiskUsedBytes  int64    `json:"disk_used_bytes"`
	DiskTotalBytes int64    `json:"disk_total_bytes"` // -1 when a broker does not say
	BytesInPerSec  float64  `json:"bytes_in_per_sec"`
	Topics         []string `json:"topics"` // owned topics placed in the region
}

// handleRegions lists a cluster's regions with each one's load from the latest snapshot.
func (s *Server) handleRegions() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.selfServe == nil {
			s.writeError(w, r, errorf(KindUnavailable, "self-service is not available (no store)"))
			return
		}
		c, snap, err := s.snapshotOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		regions, err := s.selfServe.Regions(c.Name())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		owners, err := s.selfServe.Owners(r.Context(), c.Name())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		byID := map[int32]*snapshot.Broker{}
		for i := range snap.Brokers {
			byID[snap.Brokers[i].ID] = snap.Brokers[i]
		}
		inRegion := map[int32]bool{}
		out := make([]regionView, 0, len(regions))
		for _, rg := range regions {
			v := regionView{Name: rg.Name, Brokers: slices.Sorted(slices.Values(rg.Brokers)), Missing: []int32{}, Topics: []string{}}
			for _, id := range rg.Brokers {
				inRegion[id] = true
				b := byID[id]
				if b == nil || b.Missing {
					v.Missing = append(v.Missing, id)
					continue
				}
				v.Replicas += b.Stats.Replicas
				v.Leaders += b.Stats.Leaders
				v.DiskUsedBytes += b.Stats.DiskUsedBytes
				v.BytesInPerSec += b.Stats.BytesInPerSec
				if b.Stats.DiskTotalBytes < 0 || v.DiskTotalBytes < 0 {
					v.DiskTotalBytes = -1
				} else {
					v.DiskTotalBytes += b.Stats.DiskTotalBytes
				}
			}
			for _, o := range owners {
				if o.Region == rg.Name {
					v.Topics = append(v.Topics, o.Topic)
				}
			}
			out = append(out, v)
		}
		unassigned := []int32{}
		for _, b := range snap.Brokers {
			if !inRegion[b.ID] && !b.Missing {
				unassigned = append(unassigned, b.ID)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"regions": out, "unassigned_brokers": unassigned})
	}
}
