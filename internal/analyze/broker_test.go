package analyze

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// requestTimes is the metrics text of one request kind's p99 per stage (ms).
func requestTimes(request string, total, queue, local, remote, respQueue, send float64) string {
	out := ""
	for _, s := range []struct {
		m string
		v float64
	}{{mTotalTime, total}, {mRequestQueueTime, queue}, {mLocalTime, local}, {mRemoteTime, remote}, {mResponseQueueTime, respQueue}, {mResponseSendTime, send}} {
		out += fmt.Sprintf("%s{request=%q,quantile=\"0.99\"} %g\n%s{request=%q,quantile=\"0.50\"} 1\n%s{request=%q} 12345\n", s.m, request, s.v, s.m, request, s.m, request)
	}
	return out
}

func brokerHist(in *Input, id string, metric string, ps []Point) *Input {
	h, _ := in.History.(hist)
	if h == nil {
		h = hist{}
	}
	in.History = h.set("broker:c/"+id, metric, ps)
	return in
}

func compacted(in *Input) *Input {
	t := addTopic(in.Snapshot, "__consumer_offsets", 3, 3)
	t.Internal = true
	t.Configs["cleanup.policy"] = snapshot.Config{Value: "compact", Source: "dynamic_topic"}
	return in
}

var brokerCases = []codeCase{
	{name: "busy", code: "broker.request_handler_idle", fires: true, sev: Warning, title: []string{"Broker 1", "20% idle", "min 30%"},
		build: func() *Input { return withMetrics(base(), mRequestHandlerIdle+" 0.2") }},
	{name: "saturated", code: "broker.request_handler_idle", fires: true, sev: Critical,
		build: func() *Input { return withMetrics(base(), mRequestHandlerIdle+" 0.1") }},
	{name: "idle", code: "broker.request_handler_idle", build: func() *Input { return withMetrics(base(), mRequestHandlerIdle+" 0.5") }},
	{name: "counter, not a ratio", code: "broker.request_handler_idle", build: func() *Input {
		return withMetrics(base(), mRequestHandlerIdle+" 9.432278221E9")
	}},
	{name: "busy", code: "broker.network_idle", fires: true, sev: Warning, title: []string{"network processor", "25% idle"},
		build: func() *Input { return withMetrics(base(), "", mNetworkIdle+" 0.25") }},
	{name: "saturated", code: "broker.network_idle", fires: true, sev: Critical,
		build: func() *Input { return withMetrics(base(), "", mNetworkIdle+" 0.05") }},
	{name: "idle", code: "broker.network_idle", build: func() *Input { return withMetrics(base(), "", mNetworkIdle+" 0.99") }},

	{name: "remote", code: "broker.produce_latency", fires: true, sev: Warning, title: []string{"Produce p99 450 ms on broker 1", "mostly remote time (400 ms)"},
		build: func() *Input { return withMetrics(base(), requestTimes("Produce", 450, 5, 30, 400, 1, 2)) },
		check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "total_p99_ms"); e.Value != 450 || e.Threshold != requestWarnMs {
				t.Errorf("%+v", e)
			}
			if e := evidence(fs[0], "remote_p99_ms"); e.Value != 400 {
				t.Errorf("%+v", e)
			}
		}},
	{name: "local", code: "broker.produce_latency", fires: true, sev: Critical, title: []string{"1,500 ms", "mostly local time"},
		build: func() *Input { return withMetrics(base(), requestTimes("Produce", 1500, 5, 1400, 40, 1, 2)) },
		check: func(t *testing.T, fs []Finding) {
			if !strings.Contains(fs[0].Fix, "disk") {
				t.Errorf("fix %q", fs[0].Fix)
			}
		}},
	{name: "queue", code: "broker.produce_latency", fires: true, sev: Warning, title: []string{"request queue time"},
		build: func() *Input { return withMetrics(base(), requestTimes("Produce", 300, 250, 30, 10, 1, 2)) },
		check: func(t *testing.T, fs []Finding) {
			if !strings.Contains(fs[0].Fix, "num.io.threads") {
				t.Errorf("fix %q", fs[0].Fix)
			}
		}},
	{name: "fast", code: "broker.produce_latency", build: func() *Input {
		return withMetrics(base(), requestTimes("Produce", 20, 1, 5, 12, 1, 1))
	}},
	{name: "absent", code: "broker.produce_latency", build: base},
	{name: "slow send", code: "broker.fetch_latency", fires: true, sev: Warning, title: []string{"Consumer fetch p99 without the wait for data", "response send time (150 ms)"},
		build: func() *Input {
			return withMetrics(base(), "", "", requestTimes("FetchConsumer", 700, 1, 2, 500, 1, 150))
		}},
	{name: "long poll is no latency", code: "broker.fetch_latency", build: func() *Input {
		return withMetrics(base(), requestTimes("FetchConsumer", 505, 1, 2, 500, 1, 1))
	}},

	{name: "shrinking", code: "broker.isr_shrinks", fires: true, sev: Warning, title: []string{"ISR shrank 12 times in 50m00s"},
		build: func() *Input {
			in := withMetrics(base(), mISRShrinks+" 22")
			return brokerHist(in, "1", HistISRShrinks, []Point{{t0.Add(-50 * time.Minute), 10}, {t0.Add(-20 * time.Minute), 10}})
		}},
	{name: "restarted broker", code: "broker.isr_shrinks", fires: true, sev: Warning, title: []string{"5 times"},
		build: func() *Input {
			in := withMetrics(base(), mISRShrinks+" 5")
			return brokerHist(in, "1", HistISRShrinks, []Point{{t0.Add(-30 * time.Minute), 100}})
		}},
	{name: "steady", code: "broker.isr_shrinks", build: func() *Input {
		in := withMetrics(base(), mISRShrinks+" 10")
		return brokerHist(in, "1", HistISRShrinks, []Point{{t0.Add(-50 * time.Minute), 10}})
	}},
	{name: "shrinks over an hour ago", code: "broker.isr_shrinks", build: func() *Input {
		in := withMetrics(base(), mISRShrinks+" 10")
		return brokerHist(in, "1", HistISRShrinks, []Point{{t0.Add(-2 * time.Hour), 0}, {t0.Add(-50 * time.Minute), 10}})
	}},
	{name: "no history", code: "broker.isr_shrinks", build: func() *Input { return withMetrics(base(), mISRShrinks+" 1000") }},

	{name: "lagging", code: "broker.replica_lag", fires: true, sev: Warning, title: []string{"20,000 messages", "max 10,000"},
		build: func() *Input { return withMetrics(base(), mReplicaMaxLag+`{clientid="Replica"} 20000`) }},
	{name: "far behind", code: "broker.replica_lag", fires: true, sev: Critical,
		build: func() *Input { return withMetrics(base(), mReplicaMaxLag+`{clientid="Replica"} 200000`) }},
	{name: "dead fetcher", code: "broker.replica_lag", fires: true, sev: Critical, title: []string{"1 replica fetcher threads died"},
		build: func() *Input {
			return withMetrics(base(), mReplicaDeadThreads+" 1\n"+mReplicaMaxLag+`{clientid="Replica"} 0`)
		}},
	{name: "keeping up", code: "broker.replica_lag", build: func() *Input {
		return withMetrics(base(), mReplicaMaxLag+`{clientid="Replica"} 500`+"\n"+mReplicaMaxLag+`{clientid="ReplicaAlterLogDirs"} 99999999`)
	}},
	{name: "absent", code: "broker.replica_lag", build: base},

	{name: "dead cleaner", code: "broker.log_cleaner", fires: true, sev: Critical, title: []string{"1 log cleaner threads died"},
		build: func() *Input { return compacted(withMetrics(base(), mCleanerDeadThreads+" 1")) }},
	{name: "disabled", code: "broker.log_cleaner", fires: true, sev: Critical, title: []string{"log.cleaner.enable=false"},
		build: func() *Input {
			in := compacted(base())
			in.Snapshot.Brokers[0].Configs["log.cleaner.enable"] = snapshot.Config{Value: "false", Source: "static_broker"}
			return in
		}},
	{name: "stuck", code: "broker.log_cleaner", fires: true, sev: Warning, title: []string{"has not run for 2h00m"},
		build: func() *Input { return compacted(withMetrics(base(), mCleanerSinceLastRun+" 7.2e6")) }},
	{name: "uncleanable", code: "broker.log_cleaner", fires: true, sev: Warning, title: []string{"3 partitions"},
		build: func() *Input {
			return compacted(withMetrics(base(), mCleanerUncleanable+`{logdirectory="\"/data\""} 3`))
		}},
	{name: "no compacted topics", code: "broker.log_cleaner", build: func() *Input { return withMetrics(base(), mCleanerDeadThreads+" 1") }},
	{name: "healthy", code: "broker.log_cleaner", build: func() *Input {
		return compacted(withMetrics(base(), mCleanerDeadThreads+" 0\n"+mCleanerSinceLastRun+" 4459\n"+mCleanerUncleanable+`{logdirectory="/data"} 0`))
	}},
}

func dir(in *Input, b int, d snapshot.LogDir) *Input {
	in.Snapshot.Brokers[b].LogDirs = []snapshot.LogDir{d}
	return in
}

var diskCases = []codeCase{
	{name: "filling", code: "broker.disk_usage", fires: true, sev: Warning, title: []string{"Log dir /data on broker 1 is 85% full", "(850 GiB of 1000 GiB)"},
		build: func() *Input {
			return dir(base(), 0, snapshot.LogDir{Path: "/data", TotalBytes: 1000 * gib, UsableBytes: 150 * gib, UsedBytes: 100 * gib})
		}, check: func(t *testing.T, fs []Finding) {
			if fs[0].Labels["log_dir"] != "/data" || evidence(fs[0], "used_ratio").Value != 0.85 {
				t.Errorf("%+v", fs[0])
			}
		}},
	{name: "nearly full", code: "broker.disk_usage", fires: true, sev: Critical,
		build: func() *Input {
			return dir(base(), 1, snapshot.LogDir{Path: "/data", TotalBytes: 1000 * gib, UsableBytes: 50 * gib, UsedBytes: 900 * gib})
		}},
	{name: "replicas alone when free space unknown", code: "broker.disk_usage", fires: true, sev: Critical,
		build: func() *Input {
			return dir(base(), 1, snapshot.LogDir{Path: "/data", TotalBytes: 1000 * gib, UsableBytes: -1, UsedBytes: 950 * gib})
		}},
	{name: "half", code: "broker.disk_usage", build: func() *Input {
		return dir(base(), 0, snapshot.LogDir{Path: "/data", TotalBytes: 1000 * gib, UsableBytes: 500 * gib, UsedBytes: 400 * gib})
	}},
	{name: "total unknown", code: "broker.disk_usage", build: func() *Input {
		return dir(base(), 0, snapshot.LogDir{Path: "/data", TotalBytes: -1, UsableBytes: -1, UsedBytes: 900 * gib})
	}},

	{name: "storage error", code: "broker.log_dir_offline", fires: true, sev: Critical, title: []string{"Log dir /data2 on broker 3 is offline"},
		build: func() *Input {
			in := base()
			b := in.Snapshot.Brokers[2]
			b.LogDirs = append(b.LogDirs, snapshot.LogDir{Path: "/data2", TotalBytes: -1, UsableBytes: -1, Error: "KAFKA_STORAGE_ERROR"})
			return in
		}},
	{name: "metric", code: "broker.log_dir_offline", fires: true, sev: Critical, title: []string{"1 offline log dirs"},
		build: func() *Input { return withMetrics(base(), mOfflineLogDirs+" 1") }},
	{name: "healthy", code: "broker.log_dir_offline", build: func() *Input { return withMetrics(base(), mOfflineLogDirs+" 0") }},

	{name: "leaders on one broker", code: "broker.leader_skew", fires: true, sev: Warning, title: []string{"Broker 1 leads 24 partitions", "above the mean of 11"},
		build: func() *Input {
			in := base()
			t := addTopic(in.Snapshot, "skewed", 24, 3)
			for _, p := range t.Partitions[:20] {
				p.Leader = 1
			}
			return in
		}},
	{name: "balanced", code: "broker.leader_skew", build: base},
	{name: "unreachable broker left out", code: "broker.leader_skew", build: func() *Input {
		in := base()
		in.Snapshot.Brokers[2].Reachable = false
		for _, t := range in.Snapshot.Topics {
			for _, p := range t.Partitions {
				if p.Leader == 3 {
					p.Leader = p.Replicas[1]
				}
			}
		}
		return in
	}},
	{name: "new broker", code: "broker.replica_skew", fires: true, sev: Warning, title: []string{"Broker 4 holds 0 partitions", "below"},
		build: func() *Input {
			in := base()
			in.Snapshot.Brokers = append(in.Snapshot.Brokers, &snapshot.Broker{ID: 4, Reachable: true})
			return in
		}},
	{name: "balanced", code: "broker.replica_skew", build: base},
}

func TestBrokerChecks(t *testing.T) {
	runCases(t, brokerCases)
	runCases(t, diskCases)
}

func TestBrokerSeries(t *testing.T) {
	for _, c := range []struct {
		name string
		b    *snapshot.Broker
		want map[string]float64
	}{
		// In and out are kept apart (a NIC is full duplex), replication counted with each,
		// the per-topic series left out.
		{"in and out", &snapshot.Broker{LogDirs: []snapshot.LogDir{{Path: "/a", UsedBytes: 5}, {Path: "/b", Error: "x"}}, Metrics: prom(`
kafka_server_brokertopicmetrics_bytesin_total 100
kafka_server_brokertopicmetrics_bytesin_total{topic="t"} 100
kafka_server_brokertopicmetrics_bytesout_total 50
kafka_server_brokertopicmetrics_bytesout_total{topic="t"} 50
kafka_server_brokertopicmetrics_replicationbytesin_total 7
kafka_server_brokertopicmetrics_replicationbytesout_total 3
kafka_server_replicamanager_isrshrinks_total 3
jvm_gc_collection_seconds_sum{gc="young"} 1.5
jvm_gc_collection_seconds_sum{gc="old"} 0.5
`)}, map[string]float64{"logdir_used_bytes:/a": 5, "network_in_bytes_total": 107, "network_out_bytes_total": 53,
			HistISRShrinks: 3, HistGCSeconds: 2}},
		{"out only", &snapshot.Broker{Metrics: prom(`kafka_server_brokertopicmetrics_replicationbytesout_total 9`)},
			map[string]float64{"network_out_bytes_total": 9}},
		// Values NaN or ±Inf (a snapshot not from scrape.Parse) are not recorded.
		{"non-finite", &snapshot.Broker{Metrics: scrape.Metrics{mBytesIn: {{Value: math.NaN()}}, mReplBytesIn: {{Value: 4}},
			mBytesOut: {{Value: math.Inf(1)}}, mGCSeconds: {{Value: math.NaN()}}}},
			map[string]float64{"network_in_bytes_total": 4}},
		{"absent", &snapshot.Broker{Metrics: scrape.Metrics{}}, map[string]float64{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := BrokerSeries(c.b); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("got %v want %v", got, c.want)
			}
		})
	}
	if _, ok := BrokerSeries(&snapshot.Broker{Metrics: prom(`kafka_server_brokertopicmetrics_bytesin_total 1`)})["network_bytes_total"]; ok {
		t.Fatal("the summed network_bytes_total is still recorded")
	}
}
