package analyze

import (
	"testing"
	"time"
)

func gc(cur string, past float64) func() *Input {
	return func() *Input {
		in := withMetrics(base(), `jvm_gc_collection_seconds_sum{gc="G1 Young Generation"} `+cur+"\n"+`jvm_gc_collection_seconds_sum{gc="G1 Old Generation"} 0`)
		return brokerHist(in, "1", HistGCSeconds, []Point{{t0.Add(-15 * time.Minute), past}, {t0.Add(-10 * time.Minute), past + 1}})
	}
}

const oldGen = `
jvm_memory_max_bytes{area="heap"} 1073741824
jvm_memory_pool_max_bytes{pool="G1 Old Gen"} 1073741824
jvm_memory_pool_collection_used_bytes{pool="G1 Eden Space"} 0
jvm_memory_pool_collection_used_bytes{pool="G1 Old Gen"} `

var jvmCases = []codeCase{
	{name: "10% in GC", code: "broker.gc_time", fires: true, sev: Critical, title: []string{"Broker 1 spent 10% of the last 15m00s in GC (max 5%)"},
		build: gc("190", 100), check: func(t *testing.T, fs []Finding) {
			if !fs[0].WindowFrom.Equal(t0.Add(-15 * time.Minute)) {
				t.Errorf("window %v", fs[0].WindowFrom)
			}
		}},
	{name: "6% in GC", code: "broker.gc_time", fires: true, sev: Warning, build: gc("154", 100)},
	{name: "1% in GC", code: "broker.gc_time", build: gc("109", 100)},
	{name: "no history", code: "broker.gc_time", build: func() *Input {
		return withMetrics(base(), `jvm_gc_collection_seconds_sum{gc="G1 Young Generation"} 1e6`)
	}},

	{name: "88% after GC", code: "broker.heap_after_gc", fires: true, sev: Warning, title: []string{"old gen holds 88% of its max after GC", "max 80%"},
		build: func() *Input { return withMetrics(base(), oldGen+"944892805") }},
	{name: "95% after GC", code: "broker.heap_after_gc", fires: true, sev: Critical,
		build: func() *Input { return withMetrics(base(), oldGen+"1020054733") }},
	{name: "heap max when the pool has none", code: "broker.heap_after_gc", fires: true, sev: Critical,
		build: func() *Input {
			return withMetrics(base(), `jvm_memory_max_bytes{area="heap"} 1000
jvm_memory_pool_max_bytes{pool="Tenured Gen"} -1
jvm_memory_pool_collection_used_bytes{pool="Tenured Gen"} 990`)
		}},
	{name: "50% after GC", code: "broker.heap_after_gc", build: func() *Input { return withMetrics(base(), oldGen+"536870912") }},
	{name: "only plain pool use", code: "broker.heap_after_gc", build: func() *Input {
		return withMetrics(base(), `jvm_memory_max_bytes{area="heap"} 1000
jvm_memory_pool_used_bytes{pool="G1 Old Gen"} 990`)
	}},

	{name: "1 GiB", code: "broker.heap_size", fires: true, sev: Info, title: []string{"heap max is 1.0 GiB, outside the usual 6-10 GiB"},
		build: func() *Input { return withMetrics(base(), `jvm_memory_max_bytes{area="heap"} 1073741824`) }},
	{name: "old metric name", code: "broker.heap_size", fires: true, sev: Info, title: []string{"32.0 GiB"},
		build: func() *Input { return withMetrics(base(), `jvm_memory_bytes_max{area="heap"} 34359738368`) }},
	{name: "8 GiB", code: "broker.heap_size", build: func() *Input {
		return withMetrics(base(), `jvm_memory_max_bytes{area="heap"} 8589934592`+"\n"+`jvm_memory_max_bytes{area="nonheap"} -1`)
	}},
	{name: "absent", code: "broker.heap_size", build: base},

	{name: "85%", code: "broker.open_fds", fires: true, sev: Warning, title: []string{"85% of its file descriptors (17,000 of 20,000)"},
		build: func() *Input { return withMetrics(base(), "process_open_fds 17000\nprocess_max_fds 20000") }},
	{name: "97%", code: "broker.open_fds", fires: true, sev: Critical,
		build: func() *Input { return withMetrics(base(), "process_open_fds 19500\nprocess_max_fds 20000") }},
	{name: "few", code: "broker.open_fds", build: func() *Input { return withMetrics(base(), "process_open_fds 109\nprocess_max_fds 20000") }},
	{name: "no limit known", code: "broker.open_fds", build: func() *Input { return withMetrics(base(), "process_open_fds 109") }},
}

const clients = `
kafka_server_socketservermetrics_connections{client_software_name="unknown",client_software_version="unknown",listener="PLAINTEXT",network_processor="0"} 3
kafka_server_socketservermetrics_connections{client_software_name="apache-kafka-java",client_software_version="4.3.1",listener="CONTROLLER",network_processor="0"} 5
kafka_server_socketservermetrics_connections{client_software_name="kgo",client_software_version="v1.22.2",listener="PLAINTEXT",network_processor="0"} 1
kafka_server_socketservermetrics_connections{client_software_name="unknown",client_software_version="unknown",listener="CONTROLLER",network_processor="1"} 0
`

const modernClients = `
kafka_server_socketservermetrics_connections{client_software_name="kgo",client_software_version="v1.22.2",listener="PLAINTEXT",network_processor="0"} 1
kafka_server_socketservermetrics_connections{client_software_name="unknown",client_software_version="unknown",listener="PLAINTEXT",network_processor="0"} 0
`

var clientCases = []codeCase{
	{name: "with history", code: "broker.down_conversion", fires: true, sev: Warning, title: []string{"down-converted 4,000 messages in the last 30m00s", "unknown/unknown ×3"},
		build: func() *Input {
			in := withMetrics(base(), clients+mFetchConversions+" 5000\n"+mFetchConversions+`{topic="t"} 5000`)
			return brokerHist(in, "1", HistFetchConversions, []Point{{t0.Add(-30 * time.Minute), 1000}})
		}, check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "clients"); e.Text != "unknown/unknown ×3, kgo/v1.22.2 ×1" {
				t.Errorf("clients %q", e.Text)
			}
		}},
	{name: "since start, old clients connected", code: "broker.down_conversion", fires: true, sev: Warning, title: []string{"5,000 messages since the broker started"},
		build: func() *Input { return withMetrics(base(), clients+mFetchConversions+" 5000") }},
	{name: "since start, modern clients only", code: "broker.down_conversion", build: func() *Input {
		return withMetrics(base(), modernClients+mFetchConversions+" 5000")
	}},
	{name: "not any more", code: "broker.down_conversion", build: func() *Input {
		in := withMetrics(base(), clients+mFetchConversions+" 5000")
		return brokerHist(in, "1", HistFetchConversions, []Point{{t0.Add(-30 * time.Minute), 5000}})
	}},
	{name: "absent", code: "broker.down_conversion", build: func() *Input { return withMetrics(base(), clients) }},
}

func TestJVMAndClientChecks(t *testing.T) {
	runCases(t, jvmCases)
	runCases(t, clientCases)
}

func TestOldClient(t *testing.T) {
	for v, want := range map[[2]string]bool{{"unknown", "unknown"}: true, {"", ""}: true, {"librdkafka", "0.9.5"}: true,
		{"librdkafka", "2.3.0"}: false, {"apache-kafka-java", "0.11.0"}: false, {"kgo", "v1.22.2"}: false, {"sarama", "weird"}: false} {
		if got := oldClient(v[0], v[1]); got != want {
			t.Errorf("oldClient(%q) = %v", v, got)
		}
	}
}
