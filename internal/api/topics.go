package api

import (
	"cmp"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

type topicRow struct {
	Name     string `json:"name"`
	Internal bool   `json:"internal"`
	snapshot.TopicStats
}

func (s *Server) handleTopics() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, snap, err := s.snapshotOf(r)
		if err == nil {
			var p page
			if p, err = parsePage(r, "name", "partitions", "size", "rate"); err == nil {
				writeJSON(w, http.StatusOK, listTopics(snap, p, r.URL.Query().Get("internal") == "false"))
				return
			}
		}
		s.writeError(w, r, err)
	}
}

func listTopics(snap *snapshot.Snapshot, p page, hideInternal bool) listResponse[topicRow] {
	rows := make([]topicRow, 0, len(snap.Topics))
	for _, t := range snap.Topics {
		if (hideInternal && t.Internal) || (p.Q != "" && !strings.Contains(strings.ToLower(t.Name), p.Q)) {
			continue
		}
		rows = append(rows, topicRow{t.Name, t.Internal, t.Stats})
	}
	by := map[string]func(a, b topicRow) int{
		"name":       func(a, b topicRow) int { return 0 },
		"partitions": func(a, b topicRow) int { return cmp.Compare(a.Partitions, b.Partitions) },
		"size":       func(a, b topicRow) int { return cmp.Compare(a.SizeBytes, b.SizeBytes) },
		"rate":       func(a, b topicRow) int { return cmp.Compare(a.MessagesInPerSec, b.MessagesInPerSec) },
	}[p.Sort]
	slices.SortFunc(rows, func(a, b topicRow) int {
		c := by(a, b)
		if c == 0 {
			c = strings.Compare(a.Name, b.Name) // stable, and the name sort itself
		}
		if p.Desc {
			return -c
		}
		return c
	})
	return listResponse[topicRow]{Total: len(rows), Offset: p.Offset, Limit: p.Limit, Items: window(rows, p)}
}

// topicGroup is a group consuming the topic.
type topicGroup struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Lag   int64  `json:"lag"` // over this topic's partitions with a commit
}

type topicDetail struct {
	*snapshot.Topic
	Configs map[string]snapshot.Config `json:"configs"`
	Groups  []topicGroup               `json:"groups"`
}

func (s *Server) handleTopic() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, snap, err := s.snapshotOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		name := r.PathValue("topic")
		t := snap.Topics[name]
		if t == nil {
			s.writeError(w, r, errorf(KindNotFound, "no topic "+quote(name)+" in cluster "+quote(snap.Cluster)))
			return
		}
		out := topicDetail{Topic: t, Configs: t.Configs, Groups: []topicGroup{}}
		for _, g := range snap.Groups {
			if !slices.Contains(g.Stats.Topics, name) {
				continue
			}
			tg := topicGroup{ID: g.ID, State: g.State}
			for p := range g.Offsets[name] {
				if l, ok := g.PartitionLag(snap, name, p); ok {
					tg.Lag += l
				}
			}
			out.Groups = append(out.Groups, tg)
		}
		sort.Slice(out.Groups, func(i, j int) bool { return out.Groups[i].ID < out.Groups[j].ID })
		writeJSON(w, http.StatusOK, out)
	}
}
