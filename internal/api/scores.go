package api

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
)

// clusterHealth is one cluster's health: its score, every broker's, and the topics and
// groups that lost points (the rest are at 100 and only counted).
type clusterHealth struct {
	Cluster       string          `json:"cluster"`
	Time          time.Time       `json:"time"`
	Score         analyze.Score   `json:"score"`
	Brokers       []analyze.Score `json:"brokers"`
	Topics        []analyze.Score `json:"topics"`
	Groups        []analyze.Score `json:"groups"`
	TopicsHealthy int             `json:"topics_healthy"`
	GroupsHealthy int             `json:"groups_healthy"`
}

// handleHealth gives health scores: every cluster's (or ?cluster=), or with kind and name one
// entity's score ({"score": ...}).
func (s *Server) handleHealth() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cs, err := s.clustersOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		v := r.URL.Query()
		if kind, name := v.Get("kind"), v.Get("name"); kind != "" || name != "" {
			s.entityHealth(w, r, cs, kind, name)
			return
		}
		out := []clusterHealth{}
		for _, c := range cs {
			a := c.Analysis()
			if a == nil {
				continue
			}
			h := clusterHealth{Cluster: c.Name(), Time: a.Time, Score: a.Health.Cluster, Brokers: sortedScores(a.Health.Brokers, false)}
			h.Topics, h.TopicsHealthy = unhealthy(a.Health.Topics)
			h.Groups, h.GroupsHealthy = unhealthy(a.Health.Groups)
			slices.SortFunc(h.Brokers, func(a, b analyze.Score) int { return cmp.Compare(brokerNum(a), brokerNum(b)) })
			out = append(out, h)
		}
		writeJSON(w, http.StatusOK, map[string]any{"clusters": out})
	}
}

func (s *Server) entityHealth(w http.ResponseWriter, r *http.Request, cs []Cluster, kind, name string) {
	if len(cs) != 1 || r.URL.Query().Get("cluster") == "" {
		s.writeError(w, r, errorf(KindBadRequest, "kind and name need cluster"))
		return
	}
	a := cs[0].Analysis()
	if a == nil {
		s.writeError(w, r, errorf(KindUnavailable, "cluster "+quote(cs[0].Name())+" has not been analysed yet; try again in a few seconds"))
		return
	}
	var m map[string]analyze.Score
	switch kind {
	case analyze.KindCluster:
		if name != "" && name != cs[0].Name() {
			s.writeError(w, r, errorf(KindNotFound, "the cluster is "+quote(cs[0].Name())+", not "+quote(name)))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"score": a.Health.Cluster})
		return
	case analyze.KindBroker:
		m = a.Health.Brokers
	case analyze.KindTopic:
		m = a.Health.Topics
	case analyze.KindGroup:
		m = a.Health.Groups
	default:
		s.writeError(w, r, errorf(KindBadRequest, "kind must be cluster, broker, topic or group"))
		return
	}
	sc, ok := m[name]
	if !ok {
		s.writeError(w, r, errorf(KindNotFound, "no "+kind+" "+quote(name)+" in cluster "+quote(cs[0].Name())))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"score": sc})
}

// unhealthy returns the scores below 100, worst first, and how many are at 100.
func unhealthy(m map[string]analyze.Score) ([]analyze.Score, int) {
	out := sortedScores(m, true)
	return out, len(m) - len(out)
}

func sortedScores(m map[string]analyze.Score, onlyUnhealthy bool) []analyze.Score {
	out := []analyze.Score{}
	for _, sc := range m {
		if !onlyUnhealthy || sc.Score < 100 {
			out = append(out, sc)
		}
	}
	slices.SortFunc(out, func(a, b analyze.Score) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.Entity.Name, b.Entity.Name))
	})
	return out
}

// handleProfiles lists the config advisor's profiles and their settings.
func (s *Server) handleProfiles() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"items": analyze.Profiles})
	}
}

// brokerNum orders brokers by id as a number ("2" before "10").
func brokerNum(s analyze.Score) int {
	n, _ := strconv.Atoi(s.Entity.Name)
	return n
}
