package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Registry is every check, in the order Analyze runs them.
var Registry = slices.Concat(clusterChecks, brokerChecks, diskChecks, forecastChecks, jvmChecks,
	clientChecks, topicChecks, trafficChecks, groupChecks, advisorChecks)

// CheckFailedCode is the finding of a check that panicked (a bug in Gregor, not the cluster).
const CheckFailedCode = "gregor.check_failed"

// Codes lists every code the registry can return, sorted.
func Codes() []string {
	var out []string
	for _, c := range Registry {
		out = append(out, c.Codes...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Result is one analysis of a cluster.
type Result struct {
	Time     time.Time `json:"time"`
	Findings []Finding `json:"findings"`
	Health   Health    `json:"health"`
}

// Analyze runs every check of the registry on in (zero thresholds take config.DefaultChecks,
// a zero Now the snapshot's time), sorts the findings and scores the health.
func Analyze(in *Input) Result {
	if in == nil || in.Snapshot == nil {
		return Result{Findings: []Finding{}}
	}
	run := *in
	run.Config = config.DefaultChecks.Over(&in.Config)
	if run.Now.IsZero() {
		run.Now = in.Snapshot.Time
	}
	if c := run.Config.LogDirCapacityBytes; c > 0 {
		run.Snapshot = withLogDirCapacity(in.Snapshot, int64(c))
	}
	findings := []Finding{}
	for _, c := range Registry {
		findings = append(findings, runCheck(&run, c)...)
	}
	SortFindings(findings)
	return Result{Time: run.Now, Findings: findings, Health: Scores(&run, findings)}
}

// runCheck runs one check; a panic becomes a finding rather than the end of the analysis.
func runCheck(in *Input, c Check) (out []Finding) {
	defer func() {
		if r := recover(); r != nil {
			out = []Finding{newFinding(in, CheckFailedCode, Warning, clusterEntity(in),
				fmt.Sprintf("Check %s failed: %v", strings.Join(c.Codes, ","), r),
				"A bug in Gregor: report it with this snapshot (the diagnostics bundle). The other checks ran.",
				Evidence{Name: "panic", Text: fmt.Sprint(r)})}
		}
	}()
	return c.Run(in)
}

// SortFindings orders findings worst first, then by code, entity and split labels.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if c := compareEntity(a.Entity, b.Entity); c != 0 {
			return c < 0
		}
		for _, l := range splitLabels {
			if a.Labels[l] != b.Labels[l] {
				return a.Labels[l] < b.Labels[l]
			}
		}
		return false
	})
}

// compareEntity orders by kind, cluster and name (broker ids as numbers).
func compareEntity(a, b Entity) int {
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := strings.Compare(a.Cluster, b.Cluster); c != 0 {
		return c
	}
	if a.Kind == KindBroker {
		x, err1 := strconv.Atoi(a.Name)
		y, err2 := strconv.Atoi(b.Name)
		if err1 == nil && err2 == nil && x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return strings.Compare(a.Name, b.Name)
}

// withLogDirCapacity is s with every log dir (and broker disk total) sized capacity bytes, the
// free space what the replicas leave of it. s is not changed: brokers are copied.
func withLogDirCapacity(s *snapshot.Snapshot, capacity int64) *snapshot.Snapshot {
	cp := *s
	cp.Brokers = make([]*snapshot.Broker, len(s.Brokers))
	for i, b := range s.Brokers {
		nb := *b
		nb.LogDirs = make([]snapshot.LogDir, len(b.LogDirs))
		nb.Stats.DiskTotalBytes, nb.Stats.DiskUsableBytes = 0, 0
		for j, d := range b.LogDirs {
			if d.Error == "" {
				d.TotalBytes, d.UsableBytes = capacity, max(capacity-d.UsedBytes, 0)
				nb.Stats.DiskTotalBytes += d.TotalBytes
				nb.Stats.DiskUsableBytes += d.UsableBytes
			}
			nb.LogDirs[j] = d
		}
		cp.Brokers[i] = &nb
	}
	return &cp
}
