package analyze

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Cluster-wide checks: the controller, partition states, broker reachability and versions.
var clusterChecks = []Check{
	{Codes: []string{UnreachableCode}, Run: checkClusterReachable},
	{Codes: []string{"cluster.controller_count"}, Run: checkControllerCount},
	{Codes: []string{"cluster.offline_partitions", "cluster.under_replicated", "cluster.under_min_isr"}, Run: checkPartitionStates},
	{Codes: []string{"broker.unreachable"}, Run: checkUnreachable},
	{Codes: []string{"cluster.version_mismatch"}, Run: checkVersions},
	{Codes: []string{"cluster.controller_moves"}, Run: checkControllerMoves},
}

// checkClusterReachable reports a cycle whose metadata could not be read: nothing else about
// the cluster is known, and every other code is skipped (skippedCodes).
func checkClusterReachable(in *Input) []Finding {
	s := in.Snapshot
	var errs []string
	for _, e := range s.Errors {
		if e.Part == "metadata" && !slices.Contains(errs, e.Error) {
			errs = append(errs, e.Error)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	msg := strings.Join(strings.Fields(strings.Join(errs, "; ")), " ")
	if msg == "" {
		msg = "unknown error"
	}
	ev := []Evidence{{Name: "metadata_error", Text: msg}}
	if d, ok := s.Timings["metadata"]; ok {
		ev = append(ev, Evidence{Name: "metadata_seconds", Value: d.Seconds(), Unit: "seconds"})
	}
	return []Finding{newFinding(in, UnreachableCode, Critical, clusterEntity(in),
		fmt.Sprintf("Cluster %s unreachable: metadata request failed (%s)", s.Cluster, msg),
		"Gregor could not read the cluster's metadata, so no other check ran this cycle. Check the network "+
			"from Gregor to the bootstrap brokers (DNS, firewall, routes), that the brokers are up and their "+
			"listeners (advertised.listeners) reachable from Gregor, and the client credentials and TLS settings "+
			"(SASL mechanism, user, certificates, ACLs for Describe on the cluster).",
		ev...)}
}

// checkControllerCount sums the active controller count over the brokers that report it. A
// KRaft broker-only node does not report it; a combined node reports 1 while active. A sum of
// 0 alarms only when the known controller (or none) is among the reporting nodes, since a
// dedicated controller quorum is not scraped.
func checkControllerCount(in *Input) []Finding {
	var sum float64
	var reporting []string
	controllerReports := false
	for _, b := range in.Snapshot.Brokers {
		v, ok := b.Metrics.Sum(mActiveControllers)
		if !ok {
			continue
		}
		sum += v
		reporting = append(reporting, fmt.Sprintf("%d: %g", b.ID, v))
		controllerReports = controllerReports || b.ID == in.Snapshot.ControllerID
	}
	// With a failed DescribeQuorum the metadata's controller id is any broker (KRaft).
	known := controllerReports && !in.Snapshot.Failed("quorum")
	if len(reporting) == 0 || sum == 1 || sum == 0 && in.Snapshot.ControllerID >= 0 && !known {
		return nil
	}
	title := fmt.Sprintf("%g active controllers across %d nodes (want exactly 1)", sum, len(reporting))
	fix := "Two or more active controllers means a split brain: check the network between the controllers " +
		"(kafka-metadata-quorum describe --status), fence or restart the stale one and check controller.quorum.voters."
	if sum == 0 {
		title = fmt.Sprintf("No active controller among %d nodes reporting it", len(reporting))
		fix = "The metadata quorum has no leader: check that a majority of controllers is up and can reach each other " +
			"(kafka-metadata-quorum describe --status) and read the controller logs for election errors."
	}
	return []Finding{newFinding(in, "cluster.controller_count", Critical, clusterEntity(in), title, fix,
		Evidence{Name: "active_controllers", Value: sum, Threshold: 1, Unit: "count"},
		Evidence{Name: "per_node", Text: strings.Join(reporting, ", ")},
		Evidence{Name: "controller_id", Value: float64(in.Snapshot.ControllerID), Text: in.Snapshot.ControllerSource})}
}

// checkPartitionStates reports offline, under-replicated and under-min-ISR partitions.
func checkPartitionStates(in *Input) []Finding {
	s := in.Snapshot
	if s.Failed("metadata") || s.Stats.UnderReplicated+s.Stats.Offline+s.Stats.UnderMinISR == 0 {
		return nil
	}
	var offline, urp, minISR []string
	single := 0 // under-replicated partitions down to one in-sync copy
	for name, t := range s.Topics {
		ts := t.Stats
		if ts.Offline > 0 {
			offline = append(offline, fmt.Sprintf("%s (%d)", name, ts.Offline))
		}
		if ts.UnderMinISR > 0 {
			minISR = append(minISR, fmt.Sprintf("%s (%d)", name, ts.UnderMinISR))
		}
		if ts.UnderReplicated > 0 {
			urp = append(urp, fmt.Sprintf("%s (%d)", name, ts.UnderReplicated))
			for _, p := range t.Partitions {
				if p != nil && singleCopy(p) {
					single++
				}
			}
		}
	}
	var out []Finding
	add := func(code string, sev Severity, n int, topics []string, what, fix string, extra ...Evidence) {
		if n == 0 {
			return
		}
		sort.Strings(topics)
		title := fmt.Sprintf("%s %s in %s", plural(n, "partition", "partitions"), what, plural(len(topics), "topic", "topics"))
		ev := append([]Evidence{{Name: "partitions", Value: float64(n), Unit: "count"},
			{Name: "topics", Value: float64(len(topics)), Unit: "count", Text: list(topics, 10)}}, extra...)
		out = append(out, newFinding(in, code, sev, clusterEntity(in), title, fix, ev...))
	}
	add("cluster.offline_partitions", Critical, s.Stats.Offline, offline, "offline (no leader)",
		"No replica of these partitions is online: bring back the brokers that hold them (see broker.unreachable). "+
			"As a last resort an unclean election (kafka-leader-election --election-type unclean) restores "+
			"availability and loses the messages the new leader lacks.")
	sev := Warning
	if single > 0 {
		sev = Critical
	}
	add("cluster.under_replicated", sev, s.Stats.UnderReplicated, urp, "under-replicated",
		"Find the broker missing from the ISR (unreachable, slow disk, replica fetcher lag) and bring it back or "+
			"let it catch up; raise num.replica.fetchers if followers cannot keep up. Critical when a partition "+
			"is down to a single in-sync copy.",
		Evidence{Name: "single_copy_partitions", Value: float64(single), Unit: "count"})
	add("cluster.under_min_isr", Critical, s.Stats.UnderMinISR, minISR, "under min.insync.replicas",
		"Producers with acks=all get NOT_ENOUGH_REPLICAS on these partitions: bring the missing replicas back "+
			"(restart or replace the broker, see broker.unreachable and broker.replica_lag). Lowering "+
			"min.insync.replicas trades durability for availability.")
	return out
}

// singleCopy reports whether an under-replicated partition is down to a single in-sync copy
// (or none).
func singleCopy(p *snapshot.Partition) bool {
	return p.Stats.UnderReplicated && len(p.Replicas) > 1 && len(p.ISR) <= 1
}

func checkUnreachable(in *Input) []Finding {
	var out []Finding
	for _, b := range in.Snapshot.Brokers {
		if b.Reachable {
			continue
		}
		out = append(out, newFinding(in, "broker.unreachable", Critical, brokerEntity(in, b.ID),
			fmt.Sprintf("Broker %d (%s:%d) is unreachable", b.ID, b.Host, b.Port),
			"Check that the broker process is up (and its listener bound), the host reachable from Gregor and "+
				"the advertised listener resolvable; read the broker's server.log for the reason it stopped.",
			Evidence{Name: "reachable", Value: 0, Text: b.Error}))
	}
	return out
}

func checkVersions(in *Input) []Finding {
	byVersion := map[string][]string{}
	for _, b := range in.Snapshot.Brokers {
		if v := b.KafkaVersion; v != "" && v != "unknown" {
			byVersion[v] = append(byVersion[v], strconv.Itoa(int(b.ID)))
		}
	}
	if len(byVersion) < 2 {
		return nil
	}
	var parts []string
	for _, v := range sortedKeys(byVersion) {
		parts = append(parts, fmt.Sprintf("%s on %s", v, strings.Join(byVersion[v], ",")))
	}
	text := strings.Join(parts, "; ")
	return []Finding{newFinding(in, "cluster.version_mismatch", Warning, clusterEntity(in),
		fmt.Sprintf("Brokers run %d Kafka versions: %s", len(byVersion), text),
		"Finish the rolling upgrade one broker at a time and keep metadata.version (or "+
			"inter.broker.protocol.version) at the oldest version until every broker runs the new one.",
		Evidence{Name: "versions", Value: float64(len(byVersion)), Unit: "count", Text: text})}
}

// checkControllerMoves counts changes of the active controller in the last hour (entries
// with no controller are skipped; the same controller re-elected is no move).
func checkControllerMoves(in *Input) []Finding {
	since := in.Now.Add(-time.Hour)
	moves, last := 0, int32(-1)
	var path []string
	for _, c := range in.Controllers {
		if c.ID < 0 {
			continue
		}
		if last >= 0 && c.ID != last && !c.Time.Before(since) {
			moves++
			path = append(path, fmt.Sprintf("%d→%d", last, c.ID))
		}
		last = c.ID
	}
	if moves <= in.Config.ControllerMovesMax {
		return nil
	}
	f := newFinding(in, "cluster.controller_moves", Warning, clusterEntity(in),
		fmt.Sprintf("Active controller moved %d times in the last hour (max %d)", moves, in.Config.ControllerMovesMax),
		"Controllers losing leadership repeatedly: check GC pauses and disk latency on the controllers, the "+
			"network between them, and controller.quorum.fetch.timeout.ms / election timeouts.",
		Evidence{Name: "moves_last_hour", Value: float64(moves), Threshold: float64(in.Config.ControllerMovesMax), Unit: "count"},
		Evidence{Name: "moves", Text: list(path, 10)})
	f.WindowFrom, f.WindowTo = since, in.Now
	return []Finding{f}
}

// hasCompacted reports whether some topic is compacted.
func hasCompacted(s *snapshot.Snapshot) bool {
	for _, t := range s.Topics {
		if strings.Contains(t.Configs["cleanup.policy"].Value, "compact") {
			return true
		}
	}
	return false
}
