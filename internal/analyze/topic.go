package analyze

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Topic checks on replication and configs.
var topicChecks = []Check{
	{Codes: []string{"topic.durability_risk", "topic.min_isr_too_high", "topic.unclean_leader_election", "cluster.durability_defaults"}, Run: checkDurability},
	{Codes: []string{"topic.retention_exceeds_disk", "cluster.retention_exceeds_disk"}, Run: checkRetention},
}

// override reports whether a topic config is set on the topic itself (not inherited).
func override(c snapshot.Config) bool { return c.Source == "dynamic_topic" }

func atoi(s string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return v, err == nil
}

// checkDurability reports topics whose own settings risk acknowledged messages (replication
// factor < 3, min.insync.replicas < 2 or unclean election set on the topic), min.insync.replicas
// that blocks writes, and once for the cluster the broker defaults that topics inherit.
func checkDurability(in *Input) []Finding {
	s := in.Snapshot
	if s.Failed("metadata") {
		return nil
	}
	sev := Warning
	if len(s.Brokers) < 3 {
		sev = Info // nothing a topic can do before there are 3 brokers
	}
	var out []Finding
	inheritMinISR, inheritUnclean := 0, 0
	for name, t := range s.Topics {
		if len(t.Partitions) == 0 {
			continue
		}
		rf := t.Stats.ReplicationFactor
		mc, hasMI := t.Configs["min.insync.replicas"]
		mi, okMI := atoi(mc.Value)
		hasMI = hasMI && okMI
		var problems []string
		if rf < 3 {
			problems = append(problems, fmt.Sprintf("replication factor %d", rf))
		}
		if hasMI && mi < 2 {
			if override(mc) {
				problems = append(problems, fmt.Sprintf("min.insync.replicas %d", mi))
			} else {
				inheritMinISR++
			}
		}
		if len(problems) > 0 {
			out = append(out, newFinding(in, "topic.durability_risk", sev, topicEntity(in, name),
				fmt.Sprintf("Topic %s: %s (want replication factor 3, min.insync.replicas 2)", name, strings.Join(problems, ", ")),
				"Raise the replication factor to 3 with a reassignment that adds replicas (kafka-reassign-partitions, "+
					"throttled) and set min.insync.replicas=2 on the topic, with producers on acks=all: then one broker "+
					"can fail without losing acknowledged messages or stopping writes.",
				Evidence{Name: "replication_factor", Value: float64(rf), Threshold: 3, Unit: "count"},
				Evidence{Name: "min_insync_replicas", Value: float64(t.Stats.MinISR), Threshold: 2, Unit: "count", Text: mc.Source}))
		}
		if hasMI && rf > 0 && (mi > int64(rf) || mi == int64(rf) && rf > 1) {
			sev, what := Warning, "one replica down stops acks=all producers"
			if mi > int64(rf) {
				sev, what = Critical, "acks=all producers always fail"
			}
			out = append(out, newFinding(in, "topic.min_isr_too_high", sev, topicEntity(in, name),
				fmt.Sprintf("Topic %s: min.insync.replicas %d with replication factor %d, %s", name, mi, rf, what),
				"Keep min.insync.replicas below the replication factor (2 with replication factor 3) so a broker "+
					"restart does not stop writes: kafka-configs --alter --entity-type topics --add-config min.insync.replicas=2.",
				Evidence{Name: "min_insync_replicas", Value: float64(mi), Unit: "count", Text: mc.Source},
				Evidence{Name: "replication_factor", Value: float64(rf), Unit: "count"}))
		}
		if uc := t.Configs["unclean.leader.election.enable"]; uc.Value == "true" {
			if !override(uc) {
				inheritUnclean++
				continue
			}
			out = append(out, newFinding(in, "topic.unclean_leader_election", Warning, topicEntity(in, name),
				fmt.Sprintf("Topic %s allows unclean leader election", name),
				"Set unclean.leader.election.enable=false on the topic (kafka-configs --alter --entity-type topics): an "+
					"out-of-sync replica elected leader drops the messages it lacks. Keep it only for data you can lose.",
				Evidence{Name: "unclean.leader.election.enable", Value: 1, Text: uc.Source}))
		}
	}
	var defaults []string
	if inheritMinISR > 0 {
		defaults = append(defaults, fmt.Sprintf("min.insync.replicas below 2 inherited by %s", plural(inheritMinISR, "topic", "topics")))
	}
	if inheritUnclean > 0 {
		defaults = append(defaults, fmt.Sprintf("unclean.leader.election.enable=true inherited by %s", plural(inheritUnclean, "topic", "topics")))
	}
	for _, b := range s.Brokers {
		if v, ok := atoi(b.Configs["default.replication.factor"].Value); ok && v < 3 {
			defaults = append(defaults, fmt.Sprintf("default.replication.factor %d (broker %d)", v, b.ID))
			break
		}
	}
	if len(defaults) > 0 {
		out = append(out, newFinding(in, "cluster.durability_defaults", sev, clusterEntity(in),
			"Broker defaults risk durability: "+strings.Join(defaults, "; "),
			"Set the broker defaults every topic inherits: min.insync.replicas=2, default.replication.factor=3 and "+
				"unclean.leader.election.enable=false (kafka-configs --alter --entity-type brokers --entity-default), "+
				"and producers on acks=all.",
			Evidence{Name: "topics_min_isr_below_2", Value: float64(inheritMinISR), Unit: "count"},
			Evidence{Name: "topics_unclean_election", Value: float64(inheritUnclean), Unit: "count"},
			Evidence{Name: "defaults", Text: strings.Join(defaults, "; ")}))
	}
	return out
}

// clusterRoom is how large replicas may grow on all log dirs together (0: unknown).
func clusterRoom(s *snapshot.Snapshot) float64 {
	var r float64
	for _, b := range s.Brokers {
		for _, d := range b.LogDirs {
			if d.Error == "" && d.TotalBytes > 0 {
				r += room(d)
			}
		}
	}
	return r
}

// retained is how many bytes a topic keeps at steady state with all its replicas: the
// smaller of retention.bytes × partitions × RF and bytes in × retention.ms × RF; ok is false
// when neither bound is known (or the topic is compacted only).
func retained(s *snapshot.Snapshot, t *snapshot.Topic) (float64, bool) {
	if p := t.Configs["cleanup.policy"].Value; strings.Contains(p, "compact") && !strings.Contains(p, "delete") {
		return 0, false
	}
	rf, parts := float64(t.Stats.ReplicationFactor), float64(len(t.Partitions))
	v, ok := math.Inf(1), false
	if rb, okB := atoi(t.Configs["retention.bytes"].Value); okB && rb > 0 {
		v, ok = float64(rb)*parts*rf, true
	}
	if ms, okT := atoi(t.Configs["retention.ms"].Value); okT && ms > 0 && s.Rates {
		v, ok = math.Min(v, t.Stats.BytesInPerSec*float64(ms)/1000*rf), true
	}
	return v, ok
}

// checkRetention holds what each topic's retention keeps (at the current write rate)
// against the log dirs of the whole cluster, per topic and for all topics together.
func checkRetention(in *Input) []Finding {
	s := in.Snapshot
	capacity := clusterRoom(s)
	if capacity <= 0 || s.Failed("metadata") {
		return nil
	}
	var out []Finding
	type kept struct {
		name  string
		bytes float64
	}
	var all []kept
	var total float64
	for name, t := range s.Topics {
		v, ok := retained(s, t)
		if !ok {
			v = float64(t.Stats.ReplicaBytes) // unbounded or unknown: what it holds now
		}
		v = math.Max(v, float64(t.Stats.ReplicaBytes))
		total += v
		all = append(all, kept{name, v})
		if !ok || v < in.Config.DiskWarn*capacity {
			continue
		}
		sev := Warning
		if v >= capacity {
			sev = Critical
		}
		out = append(out, newFinding(in, "topic.retention_exceeds_disk", sev, topicEntity(in, name),
			fmt.Sprintf("Topic %s retention keeps %s with replicas, %s of the cluster's %s of log dirs", name, fmtBytes(v), pct(v/capacity), fmtBytes(capacity)),
			"Lower retention.ms or retention.bytes on the topic (kafka-configs --alter --entity-type topics) to what "+
				"the disks hold, or add brokers/disk before the data arrives.",
			Evidence{Name: "retained_bytes", Value: v, Threshold: in.Config.DiskWarn * capacity, Unit: "bytes"},
			Evidence{Name: "capacity_bytes", Value: capacity, Unit: "bytes"},
			Evidence{Name: "bytes_in_per_sec", Value: t.Stats.BytesInPerSec, Unit: "bytes/s"},
			Evidence{Name: "retention", Text: "retention.ms=" + t.Configs["retention.ms"].Value + " retention.bytes=" + t.Configs["retention.bytes"].Value}))
	}
	if total >= capacity {
		sort.Slice(all, func(i, j int) bool {
			return all[i].bytes > all[j].bytes || all[i].bytes == all[j].bytes && all[i].name < all[j].name
		})
		var top []string
		for _, k := range all[:min(5, len(all))] {
			top = append(top, k.name+" "+fmtBytes(k.bytes))
		}
		out = append(out, newFinding(in, "cluster.retention_exceeds_disk", Warning, clusterEntity(in),
			fmt.Sprintf("Retention of all topics keeps %s with replicas, more than the %s of log dirs", fmtBytes(total), fmtBytes(capacity)),
			"The disks fill before retention deletes anything: lower retention on the largest topics, delete unused "+
				"ones (topic.unused), or add brokers/disk.",
			Evidence{Name: "retained_bytes", Value: total, Threshold: capacity, Unit: "bytes"},
			Evidence{Name: "largest", Text: strings.Join(top, ", ")}))
	}
	return out
}
