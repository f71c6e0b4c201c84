package api

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

type groupRow struct {
	ID           string   `json:"id"`
	State        string   `json:"state"`
	Type         string   `json:"type"`
	ProtocolType string   `json:"protocol_type"`
	Coordinator  int32    `json:"coordinator"`
	Members      int      `json:"members"`
	Lag          int64    `json:"lag"`
	Topics       []string `json:"topics"`
	Error        string   `json:"error,omitempty"`
	// Status is the lag evaluation (docs/lag.md): OK, WARN, REWIND, STALL, STOP or ERR, with
	// its reason; LagSeconds is the age of the oldest unconsumed message (-1 unknown).
	Status       string  `json:"status,omitempty"`
	StatusReason string  `json:"status_reason,omitempty"`
	LagSeconds   float64 `json:"lag_seconds"`
}

func (s *Server) handleGroups() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, snap, err := s.snapshotOf(r)
		if err == nil {
			var p page
			if p, err = parsePage(r, "name", "lag", "members", "status"); err == nil {
				writeJSON(w, http.StatusOK, listGroups(snap, s.lagOf(r), p))
				return
			}
		}
		s.writeError(w, r, err)
	}
}

func listGroups(snap *snapshot.Snapshot, rep *lag.Report, p page) listResponse[groupRow] {
	rows := make([]groupRow, 0, len(snap.Groups))
	rank := map[string]int{}
	for _, g := range snap.Groups {
		if p.Q != "" && !strings.Contains(strings.ToLower(g.ID), p.Q) {
			continue
		}
		row := groupRow{ID: g.ID, State: g.State, Type: g.Type, ProtocolType: g.ProtocolType, Coordinator: g.Coordinator,
			Members: g.Stats.Members, Lag: g.Stats.Lag, Topics: g.Stats.Topics, Error: g.Error, LagSeconds: -1}
		if gr := groupReport(rep, g.ID); gr != nil {
			row.Status, row.StatusReason, row.LagSeconds = gr.Status.String(), gr.Reason, gr.LagSeconds
			rank[g.ID] = int(gr.Status)
		}
		rows = append(rows, row)
	}
	by := map[string]func(a, b groupRow) int{
		"name":    func(a, b groupRow) int { return 0 },
		"lag":     func(a, b groupRow) int { return cmp.Compare(a.Lag, b.Lag) },
		"members": func(a, b groupRow) int { return cmp.Compare(a.Members, b.Members) },
		"status":  func(a, b groupRow) int { return cmp.Compare(rank[a.ID], rank[b.ID]) },
	}[p.Sort]
	slices.SortFunc(rows, func(a, b groupRow) int {
		c := by(a, b)
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if p.Desc {
			return -c
		}
		return c
	})
	return listResponse[groupRow]{Total: len(rows), Offset: p.Offset, Limit: p.Limit, Items: window(rows, p)}
}

// groupPartition is one partition a group commits to or is assigned. Committed and Lag are
// null when the group has no commit there (never 0).
type groupPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Committed *int64 `json:"committed"`
	EndOffset int64  `json:"end_offset"`
	Lag       *int64 `json:"lag"`
	MemberID  string `json:"member_id,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Host      string `json:"host,omitempty"`
}

type groupDetail struct {
	*snapshot.Group
	Partitions []groupPartition `json:"partitions"`
}

// groupOf finds the group named in the path in its cluster's latest snapshot.
func (s *Server) groupOf(r *http.Request) (*snapshot.Snapshot, *snapshot.Group, error) {
	_, snap, err := s.snapshotOf(r)
	if err != nil {
		return nil, nil, err
	}
	id := r.PathValue("group")
	g := snap.Groups[id]
	if g == nil {
		return nil, nil, errorf(KindNotFound, "no group "+quote(id)+" in cluster "+quote(snap.Cluster))
	}
	return snap, g, nil
}

func (s *Server) handleGroup() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		snap, g, err := s.groupOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, groupDetail{Group: g, Partitions: groupPartitions(snap, g)})
	}
}

func groupPartitions(snap *snapshot.Snapshot, g *snapshot.Group) []groupPartition {
	type key struct {
		t string
		p int32
	}
	rows := map[key]*groupPartition{}
	get := func(t string, p int32) *groupPartition {
		k := key{t, p}
		if rows[k] == nil {
			rows[k] = &groupPartition{Topic: t, Partition: p, EndOffset: -1}
			if pp := snap.Partition(t, p); pp != nil {
				rows[k].EndOffset = pp.EndOffset
			}
		}
		return rows[k]
	}
	for t, ps := range g.Offsets {
		for p, o := range ps {
			gp := get(t, p)
			gp.Committed = &o
			if l, ok := g.PartitionLag(snap, t, p); ok {
				gp.Lag = &l
			}
		}
	}
	for _, m := range g.Members {
		for t, ps := range m.Assignment {
			for _, p := range ps {
				gp := get(t, p)
				gp.MemberID, gp.ClientID, gp.Host = m.ID, m.ClientID, m.Host
			}
		}
	}
	out := make([]groupPartition, 0, len(rows))
	for _, gp := range rows {
		out = append(out, *gp)
	}
	slices.SortFunc(out, func(a, b groupPartition) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return cmp.Compare(a.Partition, b.Partition)
	})
	return out
}

func groupReport(rep *lag.Report, id string) *lag.GroupReport {
	if rep == nil {
		return nil
	}
	return rep.Groups[id]
}

// lagOf is the lag report of the cluster named in the path (nil when there is none yet).
func (s *Server) lagOf(r *http.Request) *lag.Report {
	if c, ok := s.byName[r.PathValue("cluster")]; ok {
		return c.Lag()
	}
	return nil
}

// handleGroupLag serves a group's lag evaluation: status with reason and evidence window,
// lag in messages and time, rates, time to drain, lead per partition, member load and skew,
// rebalances.
func (s *Server) handleGroupLag() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, g, err := s.groupOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		id := g.ID
		gr := groupReport(s.lagOf(r), id)
		if gr == nil {
			s.writeError(w, r, errorf(KindUnavailable, "lag of group "+quote(id)+" not evaluated yet (the offsets of the last cycles could not be read); try again shortly"))
			return
		}
		writeJSON(w, http.StatusOK, gr)
	}
}
