package analyze

import (
	"fmt"
	"math"
)

// Broker checks on log dirs and on the spread of partitions.
var diskChecks = []Check{
	{Codes: []string{"broker.disk_usage"}, Run: checkDiskUsage},
	{Codes: []string{"broker.log_dir_offline"}, Run: checkLogDirOffline},
	{Codes: []string{"broker.leader_skew", "broker.replica_skew"}, Run: checkSkew},
}

// skewMinAbs: a broker must be at least this many partitions from the mean to be skewed.
const skewMinAbs = 2

const diskFix = "Free space before the log dir fills and goes offline: lower retention.ms/retention.bytes of the " +
	"largest topics, delete unused topics (topic.unused), move partitions to brokers or dirs with room " +
	"(kafka-reassign-partitions with a throttle), or add disk."

// checkDiskUsage holds each log dir's used share against DiskWarn/DiskCrit. Used is the
// file system's (total - usable) when known, never less than the replicas' bytes.
func checkDiskUsage(in *Input) []Finding {
	var out []Finding
	c := in.Config
	for _, b := range in.Snapshot.Brokers {
		for _, d := range b.LogDirs {
			if d.Error != "" || d.TotalBytes <= 0 {
				continue
			}
			used := float64(d.UsedBytes)
			if d.UsableBytes >= 0 {
				used = math.Max(used, float64(d.TotalBytes-d.UsableBytes))
			}
			share := used / float64(d.TotalBytes)
			if share < c.DiskWarn {
				continue
			}
			sev := Warning
			if share >= c.DiskCrit {
				sev = Critical
			}
			f := newFinding(in, "broker.disk_usage", sev, brokerEntity(in, b.ID),
				fmt.Sprintf("Log dir %s on broker %d is %s full (%s of %s)", d.Path, b.ID, pct(share), fmtBytes(used), fmtBytes(float64(d.TotalBytes))),
				diskFix,
				Evidence{Name: "used_ratio", Value: share, Threshold: c.DiskWarn, Unit: "ratio"},
				Evidence{Name: "critical_ratio", Value: c.DiskCrit, Unit: "ratio"},
				Evidence{Name: "used_bytes", Value: used, Unit: "bytes"},
				Evidence{Name: "total_bytes", Value: float64(d.TotalBytes), Unit: "bytes"})
			f.Labels = map[string]string{"log_dir": d.Path}
			out = append(out, f)
		}
	}
	return out
}

func checkLogDirOffline(in *Input) []Finding {
	var out []Finding
	const fix = "An offline log dir takes its partitions offline on this broker: check the disk (dmesg, SMART, " +
		"mount, permissions, full file system), replace it, then restart the broker; its replicas are " +
		"re-fetched from the leaders."
	for _, b := range in.Snapshot.Brokers {
		n := 0
		for _, d := range b.LogDirs {
			if d.Error == "" {
				continue
			}
			n++
			f := newFinding(in, "broker.log_dir_offline", Critical, brokerEntity(in, b.ID),
				fmt.Sprintf("Log dir %s on broker %d is offline", d.Path, b.ID), fix,
				Evidence{Name: "error", Text: d.Error})
			f.Labels = map[string]string{"log_dir": d.Path}
			out = append(out, f)
		}
		if v, ok := b.Metrics.Sum(mOfflineLogDirs); ok && v > 0 && n == 0 {
			out = append(out, newFinding(in, "broker.log_dir_offline", Critical, brokerEntity(in, b.ID),
				fmt.Sprintf("Broker %d reports %s offline log dirs", b.ID, num(v)), fix,
				Evidence{Name: "offline_log_dirs", Value: v, Unit: "count"}))
		}
	}
	return out
}

// checkSkew holds each reachable broker's leaders and replicas against the mean of the
// reachable brokers.
func checkSkew(in *Input) []Finding {
	s := in.Snapshot
	if s.Failed("metadata") {
		return nil
	}
	var out []Finding
	for _, k := range []struct {
		code, what, fix string
		count           func(i int) int
	}{
		{"broker.leader_skew", "leads", "Run a preferred leader election (kafka-leader-election --election-type preferred " +
			"--all-topic-partitions) and keep auto.leader.rebalance.enable=true; if the preferred leaders are " +
			"themselves uneven, reorder the replicas with a reassignment.",
			func(i int) int { return s.Brokers[i].Stats.Leaders }},
		{"broker.replica_skew", "holds", "Reassign partitions to even out replicas (kafka-reassign-partitions with a " +
			"throttle, or Cruise Control); a new broker gets no replicas until some are moved to it.",
			func(i int) int { return s.Brokers[i].Stats.Replicas }},
	} {
		n, sum := 0, 0
		for i, b := range s.Brokers {
			if b.Reachable {
				n, sum = n+1, sum+k.count(i)
			}
		}
		if n < 2 || sum == 0 {
			continue
		}
		mean := float64(sum) / float64(n)
		for i, b := range s.Brokers {
			if !b.Reachable {
				continue
			}
			x := float64(k.count(i))
			dev := (x - mean) / mean
			if math.Abs(x-mean) < skewMinAbs || math.Abs(dev) <= in.Config.SkewMax {
				continue
			}
			dir := "above"
			if dev < 0 {
				dir = "below"
			}
			out = append(out, newFinding(in, k.code, Warning, brokerEntity(in, b.ID),
				fmt.Sprintf("Broker %d %s %s partitions, %s %s the mean of %s (max ±%s)", b.ID, k.what, num(x), pct(math.Abs(dev)), dir, num(mean), pct(in.Config.SkewMax)),
				k.fix,
				Evidence{Name: "partitions", Value: x, Unit: "count"},
				Evidence{Name: "mean", Value: mean, Unit: "count"},
				Evidence{Name: "deviation", Value: dev, Threshold: in.Config.SkewMax, Unit: "ratio"}))
		}
	}
	return out
}
