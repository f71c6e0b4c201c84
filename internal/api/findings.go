package api

import (
	"net/http"
	"strings"

	"github.com/gregor-kafka/gregor/internal/analyze"
)

// handleFindings lists the findings of every cluster's latest analysis (or one cluster's),
// worst first; filters: cluster, severity (the lowest shown), kind, entity (its name or full
// key), code (prefix), q (in the title).
func (s *Server) handleFindings() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.URL.Query()
		p, err := parsePage(r, "severity")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		minSev := analyze.Info
		if sv := v.Get("severity"); sv != "" {
			if minSev, err = analyze.ParseSeverity(sv); err != nil {
				s.writeError(w, r, errorf(KindBadRequest, "severity must be info, warning or critical"))
				return
			}
		}
		kind, entity, code := v.Get("kind"), v.Get("entity"), v.Get("code")
		switch kind {
		case "", analyze.KindCluster, analyze.KindBroker, analyze.KindTopic, analyze.KindGroup:
		default:
			s.writeError(w, r, errorf(KindBadRequest, "kind must be cluster, broker, topic or group"))
			return
		}
		cs, err := s.clustersOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		items := []analyze.Finding{}
		for _, c := range cs {
			res := c.Analysis()
			if res == nil {
				continue
			}
			for _, f := range res.Findings {
				if f.Severity < minSev || (kind != "" && f.Entity.Kind != kind) || !strings.HasPrefix(f.Code, code) ||
					(entity != "" && f.Entity.Name != entity && f.Entity.String() != entity) ||
					(p.Q != "" && !strings.Contains(strings.ToLower(f.Title), p.Q)) {
					continue
				}
				items = append(items, f)
			}
		}
		// Worst first across clusters.
		analyze.SortFindings(items)
		writeJSON(w, http.StatusOK, listResponse[analyze.Finding]{Total: len(items), Offset: p.Offset, Limit: p.Limit, Items: window(items, p)})
	}
}

// clustersOf is the cluster named by the cluster query parameter, or all.
func (s *Server) clustersOf(r *http.Request) ([]Cluster, error) {
	name := r.URL.Query().Get("cluster")
	if name == "" {
		return s.clusters, nil
	}
	c, ok := s.byName[name]
	if !ok {
		return nil, errorf(KindNotFound, "no cluster named "+quote(name))
	}
	return []Cluster{c}, nil
}
