package analyze

import (
	"fmt"
	"strings"
	"time"
)

// Broker checks from scraped metrics; each is silent when its metric is absent.
var brokerChecks = []Check{
	{Codes: []string{"broker.request_handler_idle", "broker.network_idle"}, Run: checkIdle},
	{Codes: []string{"broker.produce_latency", "broker.fetch_latency"}, Run: checkRequestTimes},
	{Codes: []string{"broker.isr_shrinks"}, Run: checkISRShrinks},
	{Codes: []string{"broker.replica_lag"}, Run: checkReplicaLag},
	{Codes: []string{"broker.log_cleaner"}, Run: checkLogCleaner},
}

// Fixed thresholds of the broker checks (docs/checks.md).
const (
	requestWarnMs      = 100.0            // p99 request time that warns
	requestCritMs      = 1000.0           // and is critical
	cleanerStuckAfter  = time.Hour        // time since the log cleaner last ran
	replicaLagCritMult = 10               // replica lag this many times ReplicaLagMax is critical
	shrinkWindow       = time.Hour        // ISR shrinks are counted over it
	q99                = "0.99"           // the quantile request times are judged on
	minCounterSpan     = 30 * time.Second // shortest history a counter's rate is taken over
)

func checkIdle(in *Input) []Finding {
	var out []Finding
	idleMin := in.Config.IdleMin
	for _, b := range in.Snapshot.Brokers {
		for _, c := range []struct{ metric, code, what, fix string }{
			{mRequestHandlerIdle, "broker.request_handler_idle", "request handler (I/O) threads",
				"The I/O threads are saturated: raise num.io.threads (towards the number of cores), and remove the " +
					"load behind it: slow disks (see broker.produce_latency local time), many small requests (raise " +
					"linger.ms and batch.size on producers, fetch.min.bytes on consumers), too many partitions per broker."},
			{mNetworkIdle, "broker.network_idle", "network processor threads",
				"The network threads are saturated: raise num.network.threads (e.g. 8 for many clients), cut bytes " +
					"with producer compression, and look for connection storms or TLS overhead."},
		} {
			v, ok := b.Metrics.Get(c.metric, nil)
			// > 1: a counter, not the ratio; written so that NaN is skipped too.
			if !ok || !(v >= 0 && v <= 1 && v < idleMin) {
				continue
			}
			sev := Warning
			if v < idleMin/2 {
				sev = Critical
			}
			out = append(out, newFinding(in, c.code, sev, brokerEntity(in, b.ID),
				fmt.Sprintf("Broker %d %s only %s idle (min %s)", b.ID, c.what, pct(v), pct(idleMin)), c.fix,
				Evidence{Name: "idle_ratio", Value: v, Threshold: idleMin, Unit: "ratio"}))
		}
	}
	return out
}

// requestStage is one stage of a request's time in the broker.
type requestStage struct{ name, metric, fix string }

var requestStages = []requestStage{
	{"request queue", mRequestQueueTime, "requests wait for an I/O thread: raise num.io.threads and check broker.request_handler_idle"},
	{"local", mLocalTime, "the leader is slow on its own log: check disk latency and I/O wait, free memory for the page cache, and that no log.flush.* setting forces syncs"},
	{"remote", mRemoteTime, "waiting for followers (acks=all): check the followers' replica lag and disks, the network between brokers, and raise num.replica.fetchers"},
	{"response queue", mResponseQueueTime, "responses wait for a network thread: raise num.network.threads and check broker.network_idle"},
	{"response send", mResponseSendTime, "sending responses is slow: the network or the clients are slow to read (client CPU, bandwidth, socket.send.buffer.bytes)"},
}

// checkRequestTimes breaks the p99 of Produce and FetchConsumer requests into stages and
// names the slowest. A consumer fetch's remote time is the wait for data (fetch.max.wait.ms),
// so fetch is judged on its other stages.
func checkRequestTimes(in *Input) []Finding {
	var out []Finding
	for _, b := range in.Snapshot.Brokers {
		for _, r := range []struct {
			request, code, what string
			skipRemote          bool
		}{{"Produce", "broker.produce_latency", "Produce", false}, {"FetchConsumer", "broker.fetch_latency", "Consumer fetch", true}} {
			var ev []Evidence
			var slowest *requestStage
			var slowMs, sum float64
			for i := range requestStages {
				st := &requestStages[i]
				v, ok := b.Metrics.Get(st.metric, map[string]string{"request": r.request, "quantile": q99})
				if !ok {
					continue
				}
				ev = append(ev, Evidence{Name: strings.ReplaceAll(st.name, " ", "_") + "_p99_ms", Value: v, Unit: "ms"})
				if r.skipRemote && st.metric == mRemoteTime {
					continue
				}
				sum += v
				if slowest == nil || v > slowMs {
					slowest, slowMs = st, v
				}
			}
			total, ok := b.Metrics.Get(mTotalTime, map[string]string{"request": r.request, "quantile": q99})
			judged := total
			if r.skipRemote || !ok {
				judged = sum
			}
			if slowest == nil || judged < requestWarnMs {
				continue
			}
			sev := Warning
			if judged >= requestCritMs {
				sev = Critical
			}
			if ok {
				ev = append([]Evidence{{Name: "total_p99_ms", Value: total, Threshold: requestWarnMs, Unit: "ms"}}, ev...)
			}
			what := "p99"
			if r.skipRemote {
				what = "p99 without the wait for data"
			}
			out = append(out, newFinding(in, r.code, sev, brokerEntity(in, b.ID),
				fmt.Sprintf("%s %s %s ms on broker %d, mostly %s time (%s ms)", r.what, what, num(judged), b.ID, slowest.name, num(slowMs)),
				fmt.Sprintf("The slowest stage is %s: %s.", slowest.name, slowest.fix), ev...))
		}
	}
	return out
}

// checkISRShrinks counts ISR shrinks over the last hour from the counter's history.
func checkISRShrinks(in *Input) []Finding {
	var out []Finding
	for _, b := range in.Snapshot.Brokers {
		cur, ok := b.Metrics.Sum(mISRShrinks)
		e := brokerEntity(in, b.ID)
		ps := points(in, e.String(), HistISRShrinks, in.Now.Add(-shrinkWindow), cur, ok)
		sp := span(ps)
		if sp < minCounterSpan {
			continue
		}
		n := increase(ps)
		if n <= 0 {
			continue
		}
		perHour := n / sp.Hours()
		f := newFinding(in, "broker.isr_shrinks", Warning, e,
			fmt.Sprintf("Broker %d: ISR shrank %s times in %s (%s/h)", b.ID, num(n), fmtDur(sp), num(perHour)),
			"Followers fall out of the ISR of partitions this broker leads: look for followers that are slow or "+
				"restarting (GC pauses, disk, network; see broker.replica_lag), and for replica.lag.time.max.ms "+
				"(30 s by default) too low for the network.",
			Evidence{Name: "isr_shrinks", Value: n, Unit: "count"},
			Evidence{Name: "isr_shrinks_per_hour", Value: perHour, Unit: "count/h"})
		out = append(out, window(f, ps))
	}
	return out
}

func checkReplicaLag(in *Input) []Finding {
	var out []Finding
	lagMax := in.Config.ReplicaLagMax
	for _, b := range in.Snapshot.Brokers {
		m := b.Metrics
		lag, okLag := m.Get(mReplicaMaxLag, map[string]string{"clientid": "Replica"})
		dead, _ := m.Sum(mReplicaDeadThreads)
		failed, _ := m.Sum(mReplicaFailedPartitions)
		var title string
		sev := Warning
		switch {
		case dead > 0:
			sev, title = Critical, fmt.Sprintf("Broker %d: %s replica fetcher threads died", b.ID, num(dead))
		case failed > 0:
			sev, title = Critical, fmt.Sprintf("Broker %d: replica fetchers failed on %s partitions", b.ID, num(failed))
		case okLag && lag > lagMax:
			if lag > lagMax*replicaLagCritMult {
				sev = Critical
			}
			title = fmt.Sprintf("Broker %d followers lag %s messages behind their leaders (max %s)", b.ID, num(lag), num(lagMax))
		default:
			continue
		}
		out = append(out, newFinding(in, "broker.replica_lag", sev, brokerEntity(in, b.ID), title,
			"The broker's followers cannot keep up: dead fetcher threads or failed partitions need the broker's "+
				"server.log (the error that stopped them) and usually a restart; plain lag means the leaders' or this "+
				"broker's disks or network are slow, or num.replica.fetchers is too low.",
			Evidence{Name: "max_lag_messages", Value: lag, Threshold: lagMax, Unit: "messages"},
			Evidence{Name: "dead_fetcher_threads", Value: dead, Unit: "count"},
			Evidence{Name: "failed_partitions", Value: failed, Unit: "count"}))
	}
	return out
}

// checkLogCleaner reports a log cleaner that is off, dead or stuck while compacted topics
// exist (compacted topics then grow without bound), and uncleanable partitions.
func checkLogCleaner(in *Input) []Finding {
	if !hasCompacted(in.Snapshot) {
		return nil
	}
	var out []Finding
	for _, b := range in.Snapshot.Brokers {
		m := b.Metrics
		dead, _ := m.Sum(mCleanerDeadThreads)
		since, okSince := m.Get(mCleanerSinceLastRun, nil)
		uncleanable, _ := m.Sum(mCleanerUncleanable)
		var sev Severity
		var title string
		switch {
		case b.Configs["log.cleaner.enable"].Value == "false":
			sev, title = Critical, fmt.Sprintf("Broker %d has log.cleaner.enable=false while compacted topics exist", b.ID)
		case dead > 0:
			sev, title = Critical, fmt.Sprintf("Broker %d: %s log cleaner threads died", b.ID, num(dead))
		case okSince && time.Duration(since)*time.Millisecond > cleanerStuckAfter:
			sev, title = Warning, fmt.Sprintf("Broker %d: log cleaner has not run for %s", b.ID, fmtDur(time.Duration(since)*time.Millisecond))
		case uncleanable > 0:
			sev, title = Warning, fmt.Sprintf("Broker %d: %s partitions the log cleaner cannot clean", b.ID, num(uncleanable))
		default:
			continue
		}
		out = append(out, newFinding(in, "broker.log_cleaner", sev, brokerEntity(in, b.ID), title,
			"Compacted topics (__consumer_offsets among them) grow until the disk fills without the cleaner: "+
				"find the error that stopped it in log-cleaner.log / server.log (often a corrupt segment or "+
				"log.cleaner.dedupe.buffer.size too small), fix it and restart the broker; keep log.cleaner.enable=true.",
			Evidence{Name: "dead_cleaner_threads", Value: dead, Unit: "count"},
			Evidence{Name: "since_last_run_seconds", Value: since / 1000, Threshold: cleanerStuckAfter.Seconds(), Unit: "seconds"},
			Evidence{Name: "uncleanable_partitions", Value: uncleanable, Unit: "count"}))
	}
	return out
}
