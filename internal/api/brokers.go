package api

import (
	"net/http"
	"strconv"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

func (s *Server) handleBrokers() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, snap, err := s.snapshotOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"controller_id": snap.ControllerID, "brokers": snap.Brokers})
	}
}

// brokerDetail is a broker with its non-default configs and scraped metric names.
type brokerDetail struct {
	*snapshot.Broker
	Controller bool                       `json:"controller"`
	Configs    map[string]snapshot.Config `json:"configs"`
	Metrics    int                        `json:"metric_series"`
}

func (s *Server) handleBroker() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, snap, err := s.snapshotOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		id, perr := strconv.ParseInt(r.PathValue("id"), 10, 32)
		if perr != nil {
			s.writeError(w, r, errorf(KindBadRequest, "broker id must be an integer"))
			return
		}
		b := snap.Broker(int32(id))
		if b == nil {
			s.writeError(w, r, errorf(KindNotFound, "no broker "+r.PathValue("id")+" in cluster "+quote(snap.Cluster)))
			return
		}
		n := 0
		for _, v := range b.Metrics {
			n += len(v)
		}
		writeJSON(w, http.StatusOK, brokerDetail{Broker: b, Controller: b.ID == snap.ControllerID, Configs: b.Configs, Metrics: n})
	}
}
