package lag

// GroupResult is a group's status: the worst of its partitions, with that partition's reason,
// and how many partitions are in each status.
type GroupResult struct {
	Status Status         `json:"status"`
	Reason string         `json:"reason"`
	Counts map[string]int `json:"counts"`
	// Worst is the index (into the results given) of the partition the status comes from;
	// -1 when there is none.
	Worst int `json:"-"`
}

// Group combines partition results.
func Group(rs []Result) GroupResult {
	return groupOf(len(rs), func(i int) *Result { return &rs[i] })
}

// groupOf combines the n results at(0) .. at(n-1).
func groupOf(n int, at func(int) *Result) GroupResult {
	g := GroupResult{Status: OK, Reason: "no partitions with commits", Counts: map[string]int{}, Worst: -1}
	for i := range n {
		r := at(i)
		g.Counts[r.Status.String()]++
		if g.Worst < 0 && r.Status != NoOffset || g.Worst >= 0 && r.Status.severity() > g.Status.severity() {
			g.Status, g.Reason, g.Worst = r.Status, r.Reason, i
		}
	}
	if g.Status == NoOffset {
		g.Status = OK
	}
	return g
}
