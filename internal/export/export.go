// Package export exposes Gregor's own health and the derived Kafka values as Prometheus
// metrics (prefix gregor_) on /metrics. Values are read from the latest snapshots at scrape
// time; only the counters of cycles and errors keep state. Label cardinality stays bounded:
// per-partition series appear only when PartitionSeries is on.
package export

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Source is a cluster's latest snapshot and its analyses.
type Source interface {
	Name() string
	Latest() *snapshot.Snapshot
	Lag() *lag.Report
	Analysis() *analyze.Result
}

// Alerts counts the firing alerts by severity (the alert manager).
type Alerts interface {
	FiringCount() map[string]int
}

// Exporter is a prometheus.Collector over the clusters' snapshots.
type Exporter struct {
	sources         []Source
	partitionSeries bool
	alerts          Alerts

	mu          sync.Mutex
	cycles      map[string]float64
	partErrors  map[[2]string]float64 // cluster, part
	lastSuccess map[string]float64    // unix seconds
}

// New returns an exporter (alerts may be nil); call Observe with every snapshot.
func New(sources []Source, partitionSeries bool, alerts Alerts) *Exporter {
	return &Exporter{sources: sources, partitionSeries: partitionSeries, alerts: alerts, cycles: map[string]float64{},
		partErrors: map[[2]string]float64{}, lastSuccess: map[string]float64{}}
}

// SetSources sets the clusters to read (before the first scrape).
func (e *Exporter) SetSources(s []Source) { e.sources = s }

// Observe counts a finished cycle.
func (e *Exporter) Observe(s *snapshot.Snapshot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cycles[s.Cluster]++
	ok := true
	for _, pe := range s.Errors {
		e.partErrors[[2]string{s.Cluster, pe.Part}]++
		ok = ok && pe.Part != "metadata"
	}
	if ok {
		e.lastSuccess[s.Cluster] = float64(s.Time.UnixNano()) / 1e9
	}
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("gregor_"+name, help, labels, nil)
}

var (
	cycles      = desc("collect_cycles_total", "Collection cycles finished.", "cluster")
	partErrors  = desc("collect_errors_total", "Parts of collection cycles that failed, by part.", "cluster", "part")
	lastSuccess = desc("collect_last_success_timestamp_seconds", "When the last cycle that read the metadata started.", "cluster")
	duration    = desc("collect_duration_seconds", "Duration of the last collection cycle.", "cluster")
	requests    = desc("collect_kafka_requests", "Kafka requests sent by the last collection cycle.", "cluster")

	cBrokers   = desc("cluster_brokers", "Brokers in the metadata.", "cluster")
	cReachable = desc("cluster_brokers_reachable", "Brokers that answered.", "cluster")
	cTopics    = desc("cluster_topics", "Topics.", "cluster")
	cParts     = desc("cluster_partitions", "Partitions.", "cluster")
	cURP       = desc("cluster_under_replicated_partitions", "Partitions whose ISR is shorter than their replicas.", "cluster")
	cUnderMin  = desc("cluster_under_min_isr_partitions", "Partitions whose ISR is below min.insync.replicas.", "cluster")
	cOffline   = desc("cluster_offline_partitions", "Partitions without a leader.", "cluster")
	cMsgIn     = desc("cluster_messages_in_per_second", "Messages written per second.", "cluster")
	cBytesIn   = desc("cluster_bytes_in_per_second", "Bytes written per second (from log sizes).", "cluster")
	cSize      = desc("cluster_size_bytes", "Size of all leader replicas.", "cluster")
	cCtrl      = desc("cluster_controller_id", "Active controller's broker id.", "cluster")

	bReachable = desc("broker_reachable", "1 if the broker answered ApiVersions.", "cluster", "broker")
	bLeaders   = desc("broker_leaders", "Partitions led.", "cluster", "broker")
	bReplicas  = desc("broker_replicas", "Replicas hosted.", "cluster", "broker")
	bDiskUsed  = desc("broker_disk_used_bytes", "Bytes of replicas in the broker's log dirs.", "cluster", "broker")
	bDiskFree  = desc("broker_disk_usable_bytes", "Usable bytes left on the log dirs' volumes.", "cluster", "broker")
	bMsgIn     = desc("broker_messages_in_per_second", "Messages per second into partitions it leads.", "cluster", "broker")
	bBytesIn   = desc("broker_bytes_in_per_second", "Bytes per second into partitions it leads.", "cluster", "broker")

	tParts   = desc("topic_partitions", "Partitions of the topic.", "cluster", "topic")
	tURP     = desc("topic_under_replicated_partitions", "Under-replicated partitions of the topic.", "cluster", "topic")
	tSize    = desc("topic_size_bytes", "Size of the topic's leader replicas.", "cluster", "topic")
	tMsgIn   = desc("topic_messages_in_per_second", "Messages per second into the topic.", "cluster", "topic")
	tBytesIn = desc("topic_bytes_in_per_second", "Bytes per second into the topic.", "cluster", "topic")

	gLag     = desc("group_lag_messages", "Sum of end minus committed offset over partitions with a commit.", "cluster", "group")
	gLagSecs = desc("group_lag_seconds", "Age of the oldest unconsumed message over the group's partitions.", "cluster", "group")
	gStatus  = desc("group_status", "1 for the group's lag status (OK, WARN, REWIND, STALL, STOP, ERR; docs/lag.md).", "cluster", "group", "status")
	gMembers = desc("group_members", "Members of the group.", "cluster", "group")

	health   = desc("health_score", "Health score 0-100 (docs/checks.md): the cluster, each broker and group, and each topic below 100.", "cluster", "kind", "name")
	findings = desc("findings", "Findings of the latest analysis by severity.", "cluster", "severity")
	firing   = desc("alerts_firing", "Firing alerts by severity (silenced ones included).", "severity")

	pEnd  = desc("partition_end_offset", "End offset (partition_series only).", "cluster", "topic", "partition")
	pSize = desc("partition_size_bytes", "Leader replica size (partition_series only).", "cluster", "topic", "partition")
	gpLag = desc("group_partition_lag", "Lag per group and partition (partition_series only).", "cluster", "group", "topic", "partition")
)

// Describe sends every descriptor.
func (e *Exporter) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{cycles, partErrors, lastSuccess, duration, requests, cBrokers, cReachable, cTopics,
		cParts, cURP, cUnderMin, cOffline, cMsgIn, cBytesIn, cSize, cCtrl, bReachable, bLeaders, bReplicas, bDiskUsed,
		bDiskFree, bMsgIn, bBytesIn, tParts, tURP, tSize, tMsgIn, tBytesIn, gLag, gLagSecs, gStatus, gMembers, health, findings, firing, pEnd, pSize, gpLag} {
		ch <- d
	}
}

// Collect reads the latest snapshots.
func (e *Exporter) Collect(ch chan<- prometheus.Metric) {
	g := func(d *prometheus.Desc, v float64, l ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, l...)
	}
	e.mu.Lock()
	for c, n := range e.cycles {
		ch <- prometheus.MustNewConstMetric(cycles, prometheus.CounterValue, n, c)
	}
	for k, n := range e.partErrors {
		ch <- prometheus.MustNewConstMetric(partErrors, prometheus.CounterValue, n, k[0], k[1])
	}
	for c, t := range e.lastSuccess {
		g(lastSuccess, t, c)
	}
	e.mu.Unlock()
	if e.alerts != nil {
		for sev, n := range e.alerts.FiringCount() {
			g(firing, float64(n), sev)
		}
	}
	for _, src := range e.sources {
		if a := src.Analysis(); a != nil {
			collectHealth(g, src.Name(), a)
		}
		s := src.Latest()
		if s == nil {
			continue
		}
		c, cs := s.Cluster, s.Stats
		g(duration, s.Took.Seconds(), c)
		g(requests, float64(s.Requests), c)
		if s.Failed("metadata") {
			continue // the cluster's values are unknown: absent, not zero
		}
		sizes, lags := !s.Failed("log_dirs"), !s.Failed("offsets") && !s.Failed("groups")
		g(cBrokers, float64(cs.Brokers), c)
		g(cReachable, float64(cs.BrokersReachable), c)
		g(cTopics, float64(cs.Topics), c)
		g(cParts, float64(cs.Partitions), c)
		g(cURP, float64(cs.UnderReplicated), c)
		g(cUnderMin, float64(cs.UnderMinISR), c)
		g(cOffline, float64(cs.Offline), c)
		if sizes {
			g(cSize, float64(cs.SizeBytes), c)
		}
		if s.ControllerID >= 0 {
			g(cCtrl, float64(s.ControllerID), c)
		}
		if s.Rates {
			g(cMsgIn, cs.MessagesInPerSec, c)
			g(cBytesIn, cs.BytesInPerSec, c)
		}
		for _, b := range s.Brokers {
			id, bs := strconv.Itoa(int(b.ID)), b.Stats
			g(bReachable, boolf(b.Reachable), c, id)
			g(bLeaders, float64(bs.Leaders), c, id)
			g(bReplicas, float64(bs.Replicas), c, id)
			if sizes {
				g(bDiskUsed, float64(bs.DiskUsedBytes), c, id)
			}
			if sizes && bs.DiskUsableBytes >= 0 {
				g(bDiskFree, float64(bs.DiskUsableBytes), c, id)
			}
			if s.Rates {
				g(bMsgIn, bs.MessagesInPerSec, c, id)
				g(bBytesIn, bs.BytesInPerSec, c, id)
			}
		}
		for _, t := range s.Topics {
			ts := t.Stats
			g(tParts, float64(ts.Partitions), c, t.Name)
			g(tURP, float64(ts.UnderReplicated), c, t.Name)
			if sizes {
				g(tSize, float64(ts.SizeBytes), c, t.Name)
			}
			if s.Rates {
				g(tMsgIn, ts.MessagesInPerSec, c, t.Name)
				g(tBytesIn, ts.BytesInPerSec, c, t.Name)
			}
			if e.partitionSeries {
				for _, p := range t.Partitions {
					pid := strconv.Itoa(int(p.ID))
					if p.EndOffset >= 0 {
						g(pEnd, float64(p.EndOffset), c, t.Name, pid)
					}
					g(pSize, float64(p.Stats.SizeBytes), c, t.Name, pid)
				}
			}
		}
		rep := src.Lag()
		for _, gr := range s.Groups {
			g(gMembers, float64(gr.Stats.Members), c, gr.ID)
			if rep != nil && lags {
				if lr := rep.Groups[gr.ID]; lr != nil {
					g(gStatus, 1, c, gr.ID, lr.Status.String())
					if lr.LagSeconds >= 0 {
						g(gLagSecs, lr.LagSeconds, c, gr.ID)
					}
				}
			}
			if !lags {
				continue
			}
			g(gLag, float64(gr.Stats.Lag), c, gr.ID)
			if e.partitionSeries {
				for t, ps := range gr.Offsets {
					for p := range ps {
						if l, ok := gr.PartitionLag(s, t, p); ok {
							g(gpLag, float64(l), c, gr.ID, t, strconv.Itoa(int(p)))
						}
					}
				}
			}
		}
	}
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// collectHealth exports the scores and the findings by severity.
func collectHealth(g func(*prometheus.Desc, float64, ...string), c string, a *analyze.Result) {
	g(health, float64(a.Health.Cluster.Score), c, analyze.KindCluster, c)
	for name, sc := range a.Health.Brokers {
		g(health, float64(sc.Score), c, analyze.KindBroker, name)
	}
	for name, sc := range a.Health.Groups {
		g(health, float64(sc.Score), c, analyze.KindGroup, name)
	}
	for name, sc := range a.Health.Topics {
		if sc.Score < 100 {
			g(health, float64(sc.Score), c, analyze.KindTopic, name)
		}
	}
	n := map[analyze.Severity]int{analyze.Info: 0, analyze.Warning: 0, analyze.Critical: 0}
	for _, f := range a.Findings {
		n[f.Severity]++
	}
	for sev, k := range n {
		g(findings, float64(k), c, sev.String())
	}
}
