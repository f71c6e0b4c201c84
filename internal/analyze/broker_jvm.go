package analyze

import (
	"fmt"
	"time"
)

// JVM and process checks from the exporter agent's jvm_* and process_* series.
var jvmChecks = []Check{
	{Codes: []string{"broker.gc_time"}, Run: checkGCTime},
	{Codes: []string{"broker.heap_after_gc"}, Run: checkHeapAfterGC},
	{Codes: []string{"broker.heap_size"}, Run: checkHeapSize},
	{Codes: []string{"broker.open_fds"}, Run: checkOpenFDs},
}

const (
	gcWindow   = 15 * time.Minute // GC share is taken over it
	heapMinRec = 6 << 30          // heap guidance: 6-10 GiB
	heapMaxRec = 10 << 30
)

// halfway is the critical level of a share threshold: halfway from it to 1.
func halfway(t float64) float64 { return t + (1-t)/2 }

func checkGCTime(in *Input) []Finding {
	var out []Finding
	max := in.Config.GCShareMax
	for _, b := range in.Snapshot.Brokers {
		cur, ok := b.Metrics.Sum(mGCSeconds)
		e := brokerEntity(in, b.ID)
		ps := points(in, e.String(), HistGCSeconds, in.Now.Add(-gcWindow), cur, ok)
		sp := span(ps)
		if sp < minCounterSpan {
			continue
		}
		share := increase(ps) / sp.Seconds()
		if share < max {
			continue
		}
		sev := Warning
		if share >= 2*max {
			sev = Critical
		}
		f := newFinding(in, "broker.gc_time", sev, e,
			fmt.Sprintf("Broker %d spent %s of the last %s in GC (max %s)", b.ID, pct(share), fmtDur(sp), pct(max)),
			"GC takes the broker's time: check that the heap is not too small for the load (broker.heap_after_gc), "+
				"keep G1 with Kafka's flags (-XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35), and "+
				"look for what holds memory: many partitions, fetch sessions, large messages.",
			Evidence{Name: "gc_time_ratio", Value: share, Threshold: max, Unit: "ratio"},
			Evidence{Name: "gc_seconds", Value: increase(ps), Unit: "seconds"})
		out = append(out, window(f, ps))
	}
	return out
}

// checkHeapAfterGC holds the old generation's size after its last collection (the live set)
// against the heap max. Without the after-GC series it says nothing: plain heap use is a
// sawtooth.
func checkHeapAfterGC(in *Input) []Finding {
	var out []Finding
	warn := in.Config.HeapAfterGCMax
	for _, b := range in.Snapshot.Brokers {
		m := b.Metrics
		pool := oldGenPool(m, mPoolCollectionUsed...)
		if pool == "" {
			continue
		}
		used, _ := first(m, map[string]string{"pool": pool}, mPoolCollectionUsed...)
		max, ok := first(m, map[string]string{"pool": pool}, mPoolMax...)
		if !ok || max <= 0 {
			max, ok = first(m, map[string]string{"area": "heap"}, mHeapMax...)
		}
		if !ok || max <= 0 || used/max < warn {
			continue
		}
		share := used / max
		sev := Warning
		if share >= halfway(warn) {
			sev = Critical
		}
		out = append(out, newFinding(in, "broker.heap_after_gc", sev, brokerEntity(in, b.ID),
			fmt.Sprintf("Broker %d old gen holds %s of its max after GC (%s of %s, max %s)", b.ID, pct(share), fmtBytes(used), fmtBytes(max), pct(warn)),
			"The live set nearly fills the heap: raise -Xmx in KAFKA_HEAP_OPTS (6-10 GB suits most brokers) or cut "+
				"what holds memory (partitions per broker, fetch sessions, max.message.bytes); a full heap ends in "+
				"back-to-back full GCs or OutOfMemoryError.",
			Evidence{Name: "old_gen_after_gc_ratio", Value: share, Threshold: warn, Unit: "ratio"},
			Evidence{Name: "old_gen_after_gc_bytes", Value: used, Unit: "bytes", Text: pool},
			Evidence{Name: "max_bytes", Value: max, Unit: "bytes"}))
	}
	return out
}

func checkHeapSize(in *Input) []Finding {
	var out []Finding
	for _, b := range in.Snapshot.Brokers {
		max, ok := first(b.Metrics, map[string]string{"area": "heap"}, mHeapMax...)
		if !ok || max <= 0 || max >= heapMinRec && max <= heapMaxRec {
			continue
		}
		out = append(out, newFinding(in, "broker.heap_size", Info, brokerEntity(in, b.ID),
			fmt.Sprintf("Broker %d heap max is %s, outside the usual 6-10 GiB", b.ID, fmtBytes(max)),
			"Kafka needs a modest heap and a large page cache: -Xms = -Xmx of 6-10 GB (KAFKA_HEAP_OPTS) suits most "+
				"brokers; much more takes memory from the page cache and lengthens GC pauses, much less risks GC "+
				"thrashing under load. Small test brokers can ignore this.",
			Evidence{Name: "heap_max_bytes", Value: max, Unit: "bytes", Text: "guidance 6-10 GiB"}))
	}
	return out
}

func checkOpenFDs(in *Input) []Finding {
	var out []Finding
	warn := in.Config.FDMax
	for _, b := range in.Snapshot.Brokers {
		open, ok1 := b.Metrics.Get(mOpenFDs, nil)
		max, ok2 := b.Metrics.Get(mMaxFDs, nil)
		if !ok1 || !ok2 || max <= 0 || open/max < warn {
			continue
		}
		share := open / max
		sev := Warning
		if share >= halfway(warn) {
			sev = Critical
		}
		out = append(out, newFinding(in, "broker.open_fds", sev, brokerEntity(in, b.ID),
			fmt.Sprintf("Broker %d uses %s of its file descriptors (%s of %s)", b.ID, pct(share), num(open), num(max)),
			"Raise the limit (LimitNOFILE in the systemd unit or ulimit -n; 100000 or more is common): every "+
				"segment, index and connection takes one. Also look for connection leaks and small segment.bytes.",
			Evidence{Name: "open_fds_ratio", Value: share, Threshold: warn, Unit: "ratio"},
			Evidence{Name: "open_fds", Value: open, Unit: "count"},
			Evidence{Name: "max_fds", Value: max, Unit: "count"}))
	}
	return out
}
