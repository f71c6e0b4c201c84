package analyze

import "testing"

func placed(region string, brokers ...int32) func() *Input {
	return func() *Input {
		in := base()
		addTopic(in.Snapshot, "east-orders", 4, 2) // replicas rotate over brokers 1, 2, 3
		in.Placements = map[string]Placement{"east-orders": {Region: region, Brokers: brokers}}
		return in
	}
}

var regionCases = []codeCase{
	{name: "replicas outside", code: "topic.outside_region", fires: true, sev: Warning,
		title: []string{"Topic east-orders: 2 of 4 partitions have replicas outside region east (on brokers 3)"},
		build: placed("east", 1, 2), check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "partitions_outside"); e.Value != 2 {
				t.Errorf("%+v", e)
			}
		}},
	{name: "inside", code: "topic.outside_region", build: placed("all", 1, 2, 3)},
	{name: "no placements", code: "topic.outside_region", build: base},
}

func TestRegionChecks(t *testing.T) { runCases(t, regionCases) }
