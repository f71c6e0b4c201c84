package analyze

import (
	"strings"

	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Broker metric names as the JMX exporter rules (internal/testkit/kafkadist/jmx-exporter.yaml)
// and its Java agent expose them, checked against Kafka 4.3.1. Correct them here.
const (
	mActiveControllers  = "kafka_controller_kafkacontroller_activecontrollercount"
	mRequestHandlerIdle = "kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent" // 0..1
	mNetworkIdle        = "kafka_network_socketserver_networkprocessoravgidlepercent"         // 0..1

	// Request stages, labels request (Produce, FetchConsumer, FetchFollower) and quantile
	// ("0.50" ... "0.99", "0.999"); the series without quantile is the count.
	mTotalTime         = "kafka_network_requestmetrics_totaltimems"
	mRequestQueueTime  = "kafka_network_requestmetrics_requestqueuetimems"
	mLocalTime         = "kafka_network_requestmetrics_localtimems"
	mRemoteTime        = "kafka_network_requestmetrics_remotetimems"
	mResponseQueueTime = "kafka_network_requestmetrics_responsequeuetimems"
	mResponseSendTime  = "kafka_network_requestmetrics_responsesendtimems"

	mISRShrinks              = "kafka_server_replicamanager_isrshrinks_total"
	mReplicaMaxLag           = "kafka_server_replicafetchermanager_maxlag" // clientid="Replica"
	mReplicaDeadThreads      = "kafka_server_replicafetchermanager_deadthreadcount"
	mReplicaFailedPartitions = "kafka_server_replicafetchermanager_failedpartitionscount"
	mCleanerDeadThreads      = "kafka_log_logcleaner_deadthreadcount"
	mCleanerSinceLastRun     = "kafka_log_logcleanermanager_time_since_last_run_ms"
	mCleanerUncleanable      = "kafka_log_logcleanermanager_uncleanable_partitions_count" // logdirectory
	mOfflineLogDirs          = "kafka_log_logmanager_offlinelogdirectorycount"

	// Broker-wide meters are the series without a topic label.
	mBytesIn          = "kafka_server_brokertopicmetrics_bytesin_total"
	mBytesOut         = "kafka_server_brokertopicmetrics_bytesout_total"
	mReplBytesIn      = "kafka_server_brokertopicmetrics_replicationbytesin_total"
	mReplBytesOut     = "kafka_server_brokertopicmetrics_replicationbytesout_total"
	mFetchConversions = "kafka_server_brokertopicmetrics_fetchmessageconversions_total"
	// Connections, labels client_software_name, client_software_version, listener.
	mConnections = "kafka_server_socketservermetrics_connections"

	mGCSeconds = "jvm_gc_collection_seconds_sum" // label gc
	mOpenFDs   = "process_open_fds"
	mMaxFDs    = "process_max_fds"
)

// JVM memory names: the agent's current names first, the older client_java names after.
var (
	mHeapMax            = []string{"jvm_memory_max_bytes", "jvm_memory_bytes_max"} // area="heap"
	mPoolCollectionUsed = []string{"jvm_memory_pool_collection_used_bytes"}        // pool
	mPoolUsed           = []string{"jvm_memory_pool_used_bytes", "jvm_memory_pool_bytes_used"}
	mPoolMax            = []string{"jvm_memory_pool_max_bytes", "jvm_memory_pool_bytes_max"}
)

// History metric names the checks read (entity names as Entity.String: "broker:<cluster>/<id>",
// "topic:<cluster>/<topic>"). BrokerSeries gives the broker values to record.
const (
	HistDiskUsed         = "disk_used_bytes"         // broker: bytes of its replicas, all log dirs
	HistLogDirUsed       = "logdir_used_bytes:"      // broker: + log dir path, bytes of its replicas
	HistNetworkIn        = "network_in_bytes_total"  // broker: counter, bytes in + replication bytes in
	HistNetworkOut       = "network_out_bytes_total" // broker: counter, bytes out + replication bytes out
	HistISRShrinks       = "isr_shrinks_total"       // broker: counter
	HistGCSeconds        = "gc_seconds_total"        // broker: counter, all collectors
	HistFetchConversions = "fetch_conversions_total"
	HistMessagesIn       = "messages_in_per_sec" // topic
	HistBytesIn          = "bytes_in_per_sec"    // topic
)

// BrokerSeries are the history values of a broker the checks read that its snapshot alone
// does not give the history package (counters from its metrics, each log dir's size), by
// history metric name. Absent metrics are left out.
func BrokerSeries(b *snapshot.Broker) map[string]float64 {
	out := make(map[string]float64, 4+len(b.LogDirs))
	for _, d := range b.LogDirs {
		if d.Error == "" {
			out[HistLogDirUsed+d.Path] = float64(d.UsedBytes)
		}
	}
	m, _ := finiteMetrics(b.Metrics) // NaN and ±Inf would poison a counter's history
	if v, ok := networkIn(m); ok {
		out[HistNetworkIn] = v
	}
	if v, ok := networkOut(m); ok {
		out[HistNetworkOut] = v
	}
	if v, ok := m.Sum(mISRShrinks); ok {
		out[HistISRShrinks] = v
	}
	if v, ok := m.Sum(mGCSeconds); ok {
		out[HistGCSeconds] = v
	}
	if v, ok := brokerWide(m, mFetchConversions); ok {
		out[HistFetchConversions] = v
	}
	return out
}

// brokerWide sums the series of name without a topic label (the broker-wide meter).
func brokerWide(m scrape.Metrics, name string) (sum float64, ok bool) {
	for _, s := range m[name] {
		if _, t := s.Labels["topic"]; !t {
			sum, ok = sum+s.Value, true
		}
	}
	return sum, ok
}

// networkIn is the bytes the broker received, from clients and replication (followers
// fetching from leaders elsewhere), as a counter. A NIC is full duplex: in and out each have
// its capacity, so they are kept apart.
func networkIn(m scrape.Metrics) (float64, bool) { return brokerWideSum(m, mBytesIn, mReplBytesIn) }

// networkOut is the bytes the broker sent, to consumers and to followers, as a counter.
func networkOut(m scrape.Metrics) (float64, bool) { return brokerWideSum(m, mBytesOut, mReplBytesOut) }

// brokerWideSum adds the broker-wide meters of names; ok is false when none is present.
func brokerWideSum(m scrape.Metrics, names ...string) (sum float64, ok bool) {
	for _, n := range names {
		if v, found := brokerWide(m, n); found {
			sum, ok = sum+v, true
		}
	}
	return sum, ok
}

// first returns the first of names present with labels match.
func first(m scrape.Metrics, match map[string]string, names ...string) (float64, bool) {
	for _, n := range names {
		if v, ok := m.Get(n, match); ok {
			return v, true
		}
	}
	return 0, false
}

// oldGenPool names the old-generation pool among the series of names ("G1 Old Gen", "PS Old
// Gen", "Tenured Gen", "ZGC Old Generation", ...).
func oldGenPool(m scrape.Metrics, names ...string) string {
	for _, n := range names {
		for _, s := range m[n] {
			p := s.Labels["pool"]
			if strings.Contains(p, "Old") || strings.Contains(p, "Tenured") {
				return p
			}
		}
	}
	return ""
}
