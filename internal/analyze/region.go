package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Placement is where a topic must live: its region and that region's brokers.
type Placement struct {
	Region  string
	Brokers []int32
}

var regionChecks = []Check{{Codes: []string{"topic.outside_region"}, Run: checkOutsideRegion}}

// checkOutsideRegion: a topic placed in a region (self-service) with replicas on brokers of
// other regions: its traffic now hits brokers the region was meant to keep it off.
func checkOutsideRegion(in *Input) []Finding {
	s := in.Snapshot
	if len(in.Placements) == 0 || s.Failed("metadata") {
		return nil
	}
	var out []Finding
	for name, pl := range in.Placements {
		t, ok := s.Topics[name]
		if !ok || pl.Region == "" {
			continue
		}
		outside := map[int32]bool{}
		parts := 0
		for _, p := range t.Partitions {
			moved := false
			for _, r := range p.Replicas {
				if !slices.Contains(pl.Brokers, r) {
					outside[r], moved = true, true
				}
			}
			if moved {
				parts++
			}
		}
		if parts == 0 {
			continue
		}
		var ids []string
		for b := range outside {
			ids = append(ids, fmt.Sprint(b))
		}
		sort.Strings(ids)
		var region []string
		for _, b := range pl.Brokers {
			region = append(region, fmt.Sprint(b))
		}
		out = append(out, newFinding(in, "topic.outside_region", Warning, topicEntity(in, name),
			fmt.Sprintf("Topic %s: %d of %d partitions have replicas outside region %s (on brokers %s)", name, parts, len(t.Partitions), pl.Region, strings.Join(ids, ", ")),
			fmt.Sprintf("Move the replicas back onto the region's brokers (%s): gregor reassign plan --onto %s --topic %s, then start it with a throttle.",
				strings.Join(region, ", "), strings.Join(region, ","), name),
			Evidence{Name: "partitions_outside", Value: float64(parts), Threshold: 0, Unit: "count"},
			Evidence{Name: "brokers_outside", Value: float64(len(outside)), Unit: "count"}))
	}
	return out
}
