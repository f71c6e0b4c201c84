package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Registry is every check, in the order Analyze runs them.
var Registry = slices.Concat(clusterChecks, brokerChecks, diskChecks, forecastChecks, jvmChecks,
	clientChecks, topicChecks, trafficChecks, regionChecks, groupChecks, advisorChecks)

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
	// Skipped are the registry codes that could not be judged this cycle, sorted (see
	// skippedCodes and docs/checks.md, "When a check cannot judge"). A skipped code has no
	// finding, and that says nothing about it: an alerting layer neither fires nor resolves
	// it.
	Skipped []string `json:"skipped,omitempty"`
	Health  Health   `json:"health"`
}

// Analyze runs every check of the registry on in (zero thresholds take config.DefaultChecks,
// a zero Now the snapshot's time), sorts the findings and scores the health. Codes that
// cannot be judged this cycle are left out of the findings and listed in Skipped. NaN and
// ±Inf metric samples and history points are ignored, and no evidence carries them.
func Analyze(in *Input) Result {
	if in == nil || in.Snapshot == nil {
		return Result{Findings: []Finding{}}
	}
	run := *in
	run.Config = config.DefaultChecks.Over(&in.Config)
	if run.Now.IsZero() {
		run.Now = in.Snapshot.Time
	}
	run.Snapshot = withFiniteMetrics(in.Snapshot)
	if c := run.Config.LogDirCapacityBytes; c > 0 {
		run.Snapshot = withLogDirCapacity(run.Snapshot, int64(c))
	}
	skip := skippedCodes(&run)
	findings := []Finding{}
	for _, c := range Registry {
		if allIn(c.Codes, skip) {
			continue // nothing it could say would count
		}
		for _, f := range runCheck(&run, c) {
			if !skip[f.Code] {
				findings = append(findings, f)
			}
		}
	}
	dropNonFinite(findings)
	SortFindings(findings)
	r := Result{Time: run.Now, Findings: findings, Health: Scores(&run, findings)}
	if len(skip) > 0 {
		r.Skipped = sortedKeys(skip)
	}
	return r
}

// UnreachableCode is the finding of a cycle whose metadata could not be read: every other
// code is skipped.
const UnreachableCode = "cluster.unreachable"

// Codes skipped while their data cannot be judged (docs/checks.md, "When a check cannot
// judge").
var (
	// rateCodes need the snapshot's rates (Snapshot.Rates), unknown on a cluster's first cycle.
	rateCodes = []string{"topic.hot_partition", "topic.too_few_partitions", "topic.dead_letter",
		"topic.retention_exceeds_disk", "cluster.retention_exceeds_disk"}
	// lagWindowCodes need a full lag window of evaluations (LagWarmCycles).
	lagWindowCodes = []string{"group.lag", "group.rebalances"}
	// hourCodes count events of the last hour (EventWindow) from Gregor's memory: the active
	// controllers (Input.Controllers) and the lag tracker's rebalances.
	hourCodes = []string{"cluster.controller_moves", "group.rebalances"}
	// groupsCodes need the groups part of the snapshot.
	groupsCodes = []string{"topic.unused"}
)

// skippedCodes are the registry codes in cannot judge: all but UnreachableCode without the
// metadata; the group codes without a lag report, group.lag and group.rebalances before
// LagWarmCycles lag evaluations; the rate codes without rates; the codes counting the last
// hour from memory before Gregor has watched the cluster for EventWindow; topic.unused
// without the groups.
func skippedCodes(in *Input) map[string]bool {
	s := in.Snapshot
	skip := map[string]bool{}
	add := func(codes ...string) {
		for _, c := range codes {
			skip[c] = true
		}
	}
	if s.Failed("metadata") {
		for _, c := range Codes() {
			if c != UnreachableCode {
				skip[c] = true
			}
		}
		return skip
	}
	switch {
	case in.Lag == nil:
		for _, c := range groupChecks {
			add(c.Codes...)
		}
	case in.LagCycles > 0 && in.LagCycles < LagWarmCycles:
		add(lagWindowCodes...)
	}
	if !s.Rates {
		add(rateCodes...)
	}
	if in.Watching > 0 && in.Watching < EventWindow {
		add(hourCodes...)
	}
	if s.Failed("groups") {
		add(groupsCodes...)
	}
	return skip
}

// allIn reports whether every code is in set.
func allIn(codes []string, set map[string]bool) bool {
	for _, c := range codes {
		if !set[c] {
			return false
		}
	}
	return true
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

// withFiniteMetrics is s without the NaN and ±Inf samples of its brokers' metrics (a metric
// left without samples is absent), or s itself when there are none. s is not changed: the
// brokers concerned are copied.
func withFiniteMetrics(s *snapshot.Snapshot) *snapshot.Snapshot {
	var cp *snapshot.Snapshot
	for i, b := range s.Brokers {
		m, changed := finiteMetrics(b.Metrics)
		if !changed {
			continue
		}
		if cp == nil {
			c := *s
			c.Brokers = slices.Clone(s.Brokers)
			cp = &c
		}
		nb := *b
		nb.Metrics = m
		cp.Brokers[i] = &nb
	}
	if cp == nil {
		return s
	}
	return cp
}

// finiteMetrics is m without its NaN and ±Inf samples; changed is false (and m returned)
// when it has none.
func finiteMetrics(m scrape.Metrics) (out scrape.Metrics, changed bool) {
	clean := true
	for _, ss := range m {
		for _, x := range ss {
			clean = clean && finite(x.Value)
		}
	}
	if clean {
		return m, false
	}
	out = make(scrape.Metrics, len(m))
	for name, ss := range m {
		var keep []scrape.Sample
		for _, x := range ss {
			if finite(x.Value) {
				keep = append(keep, x)
			}
		}
		if len(keep) > 0 {
			out[name] = keep
		}
	}
	return out, true
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
