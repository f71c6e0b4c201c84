package analyze

import (
	"strconv"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

func topicConfig(in *Input, topic, key, value, source string) *Input {
	in.Snapshot.Topics[topic].Configs[key] = snapshot.Config{Value: value, Source: source}
	return in
}

func retentionBytes(in *Input, topic string, perPartition int64) *Input {
	return topicConfig(in, topic, "retention.bytes", strconv.FormatInt(perPartition, 10), "dynamic_topic")
}

// idleHistory records messages_in_per_sec of topic every 12 h since since, all 0.
func idleHistory(in *Input, topic string, since time.Duration) *Input {
	h, _ := in.History.(hist)
	if h == nil {
		h = hist{}
	}
	in.History = h.set("topic:c/"+topic, HistMessagesIn, line(t0, int(since/(12*time.Hour))+1, 12*time.Hour, 0, 0))
	return in
}

// steady gives every topic 1 MiB/s per partition: rates are known (not a first cycle, where
// the rate codes are skipped) and high enough that a week of retention.ms keeps more than
// the retention.bytes of these cases, so retention.bytes is the bound.
func steady(in *Input) *Input {
	for name := range in.Snapshot.Topics {
		setRates(in.Snapshot, name, mib)
	}
	return in
}

// The base cluster holds 3 × (100 + 800) GiB = 2700 GiB of room for replicas.
var topicCases = []codeCase{
	{name: "rf 2", code: "topic.durability_risk", fires: true, sev: Warning, title: []string{"Topic logs: replication factor 2"},
		build: func() *Input { in := base(); addTopic(in.Snapshot, "logs", 3, 2); return in }},
	{name: "min isr 1 on the topic", code: "topic.durability_risk", fires: true, sev: Warning, title: []string{"min.insync.replicas 1"},
		build: func() *Input { return topicConfig(base(), "orders", "min.insync.replicas", "1", "dynamic_topic") }},
	{name: "small cluster", code: "topic.durability_risk", fires: true, sev: Info, title: []string{"replication factor 1"},
		build: func() *Input {
			in := base()
			in.Snapshot.Brokers = in.Snapshot.Brokers[:1]
			in.Snapshot.Topics = map[string]*snapshot.Topic{}
			addTopic(in.Snapshot, "solo", 1, 1)
			return in
		}},
	{name: "rf 3 min isr 2", code: "topic.durability_risk", build: base},
	{name: "configs not read", code: "topic.durability_risk", build: func() *Input {
		in := base()
		in.Snapshot.Topics["orders"].Configs = nil
		return in
	}},

	{name: "min isr = rf", code: "topic.min_isr_too_high", fires: true, sev: Warning, title: []string{"min.insync.replicas 3 with replication factor 3"},
		build: func() *Input { return topicConfig(base(), "orders", "min.insync.replicas", "3", "dynamic_topic") }},
	{name: "min isr > rf", code: "topic.min_isr_too_high", fires: true, sev: Critical, title: []string{"always fail"},
		build: func() *Input { return topicConfig(base(), "orders", "min.insync.replicas", "4", "dynamic_topic") }},
	{name: "min isr 2 rf 3", code: "topic.min_isr_too_high", build: base},

	{name: "set on the topic", code: "topic.unclean_leader_election", fires: true, sev: Warning, title: []string{"Topic orders allows unclean leader election"},
		build: func() *Input {
			return topicConfig(base(), "orders", "unclean.leader.election.enable", "true", "dynamic_topic")
		}},
	{name: "inherited", code: "topic.unclean_leader_election", build: func() *Input {
		return topicConfig(base(), "orders", "unclean.leader.election.enable", "true", "static_broker")
	}},
	{name: "off", code: "topic.unclean_leader_election", build: base},

	{name: "inherited unclean", code: "cluster.durability_defaults", fires: true, sev: Warning, title: []string{"unclean.leader.election.enable=true inherited by 1 topic"},
		build: func() *Input {
			return topicConfig(base(), "orders", "unclean.leader.election.enable", "true", "static_broker")
		}},
	{name: "inherited min isr", code: "cluster.durability_defaults", fires: true, sev: Warning, title: []string{"min.insync.replicas below 2 inherited by 2 topics"},
		build: func() *Input {
			in := topicConfig(base(), "orders", "min.insync.replicas", "1", "default")
			return topicConfig(in, "payments", "min.insync.replicas", "1", "default")
		}},
	{name: "default rf", code: "cluster.durability_defaults", fires: true, sev: Warning, title: []string{"default.replication.factor 1 (broker 1)"},
		build: func() *Input {
			in := base()
			in.Snapshot.Brokers[0].Configs["default.replication.factor"] = snapshot.Config{Value: "1", Source: "default"}
			return in
		}},
	{name: "durable defaults", code: "cluster.durability_defaults", build: base},

	{name: "retention.bytes beyond the disks", code: "topic.retention_exceeds_disk", fires: true, sev: Critical, title: []string{"Topic orders retention keeps 3.5 TiB", "of the cluster's 2.6 TiB"},
		build: func() *Input { return steady(retentionBytes(base(), "orders", 200*gib)) }},
	{name: "retention.bytes at 87%", code: "topic.retention_exceeds_disk", fires: true, sev: Warning, title: []string{"87%"},
		build: func() *Input { return steady(retentionBytes(base(), "orders", 130*gib)) }},
	{name: "a week at 10 MiB/s", code: "topic.retention_exceeds_disk", fires: true, sev: Critical, title: []string{"17.3 TiB"},
		build: func() *Input {
			in := base()
			setRates(in.Snapshot, "orders", 10*mib/6)
			return in
		}},
	{name: "the smaller bound counts", code: "topic.retention_exceeds_disk", build: func() *Input {
		in := retentionBytes(base(), "orders", 10*gib)
		setRates(in.Snapshot, "orders", 10*mib/6)
		return in
	}},
	{name: "compacted", code: "topic.retention_exceeds_disk", build: func() *Input {
		in := retentionBytes(base(), "orders", 200*gib)
		setRates(in.Snapshot, "orders", mib) // rates known
		return topicConfig(in, "orders", "cleanup.policy", "compact", "dynamic_topic")
	}},
	{name: "unbounded, no rates", code: "topic.retention_exceeds_disk", build: base},

	{name: "together", code: "cluster.retention_exceeds_disk", fires: true, sev: Warning, title: []string{"Retention of all topics keeps 2.8 TiB", "more than the 2.6 TiB"},
		build: func() *Input {
			in := retentionBytes(base(), "orders", 80*gib)
			return steady(retentionBytes(in, "payments", 160*gib))
		}, check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "largest"); e.Text != "orders 1.4 TiB, payments 1.4 TiB" {
				t.Errorf("largest %q", e.Text)
			}
		}},
	{name: "fits", code: "cluster.retention_exceeds_disk", build: func() *Input {
		in := retentionBytes(base(), "orders", 50*gib)
		return steady(retentionBytes(in, "payments", 100*gib))
	}},
}

var trafficCases = []codeCase{
	{name: "hot by rate", code: "topic.hot_partition", fires: true, sev: Warning, title: []string{"Topic orders partition 0 has 4.0× the mean write rate (10.0 MiB/s vs mean 2.5 MiB/s)"},
		build: func() *Input {
			in := base()
			setRates(in.Snapshot, "orders", 10*mib, 1*mib, 1*mib, 1*mib, 1*mib, 1*mib)
			return in
		}},
	{name: "hot by size", code: "topic.hot_partition", fires: true, sev: Warning, title: []string{"partition 3 has 4.0× the mean size (10.0 GiB vs mean 2.5 GiB)"},
		build: func() *Input {
			in := base()
			for _, p := range in.Snapshot.Topics["orders"].Partitions {
				p.ReplicaBytes[p.Leader] = gib
			}
			p := in.Snapshot.Topics["orders"].Partitions[3]
			p.ReplicaBytes[p.Leader] = 10 * gib
			in.Snapshot.Rates = true // known, and 0
			return in
		}},
	{name: "too small to matter", code: "topic.hot_partition", build: func() *Input {
		in := base()
		setRates(in.Snapshot, "orders", 500*1024, 0, 0, 0, 0, 0)
		return in
	}},
	{name: "even", code: "topic.hot_partition", build: func() *Input {
		in := base()
		setRates(in.Snapshot, "orders", 10*mib)
		return in
	}},

	{name: "6 partitions at 10 MiB/s", code: "topic.too_few_partitions", fires: true, sev: Warning, title: []string{"Topic orders takes 60.0 MiB/s over 6 partitions (10.0 MiB/s each, max 5.0 MiB/s): 12 partitions would do"},
		build: func() *Input {
			in := base()
			setRates(in.Snapshot, "orders", 10*mib)
			return in
		}},
	{name: "rounded up to the brokers", code: "topic.too_few_partitions", fires: true, sev: Warning, title: []string{"6 partitions would do"},
		build: func() *Input {
			in := base()
			setRates(in.Snapshot, "payments", 22*mib/3)
			return in
		}, check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "recommended_partitions"); e.Value != 6 {
				t.Errorf("%+v", e)
			}
		}},
	{name: "within the limit", code: "topic.too_few_partitions", build: func() *Input {
		in := base()
		setRates(in.Snapshot, "orders", 3*mib)
		return in
	}},
	{name: "no rates", code: "topic.too_few_partitions", build: base},

	{name: "idle 8 days", code: "topic.unused", fires: true, sev: Info, title: []string{"Topic orders: no writes for 7d0h and no consumer group"},
		build: func() *Input { return idleHistory(base(), "orders", 8*24*time.Hour) }},
	{name: "consumed", code: "topic.unused", build: func() *Input {
		in := idleHistory(base(), "orders", 8*24*time.Hour)
		in.Snapshot.Groups["g"] = &snapshot.Group{ID: "g", Offsets: map[string]map[int32]int64{"orders": {0: 5}}}
		return in
	}},
	{name: "history too short", code: "topic.unused", build: func() *Input { return idleHistory(base(), "orders", 2*24*time.Hour) }},
	{name: "a write", code: "topic.unused", build: func() *Input {
		in := idleHistory(base(), "orders", 8*24*time.Hour)
		in.History.(hist)["topic:c/orders|"+HistMessagesIn][3].Value = 0.1
		return in
	}},
	{name: "writing now", code: "topic.unused", build: func() *Input {
		in := idleHistory(base(), "orders", 8*24*time.Hour)
		setRates(in.Snapshot, "orders", 100)
		return in
	}},
	{name: "schemas topic", code: "topic.unused", build: func() *Input {
		in := base()
		addTopic(in.Snapshot, "_schemas", 1, 3)
		return idleHistory(in, "_schemas", 8*24*time.Hour)
	}},

	{name: "receiving now", code: "topic.dead_letter", fires: true, sev: Warning, title: []string{"Dead-letter topic orders.DLQ receives 0.5 messages/s"},
		build: func() *Input {
			in := base()
			addTopic(in.Snapshot, "orders.DLQ", 1, 3)
			setRates(in.Snapshot, "orders.DLQ", 50)
			return group(in, &lag.GroupReport{ID: "billing", DeadLetterTopics: []string{"orders.DLQ"}})
		}, check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "groups_reading"); e.Text != "billing" {
				t.Errorf("%+v", e)
			}
		}},
	{name: "received in the last hour", code: "topic.dead_letter", fires: true, sev: Warning, title: []string{"dead-letter-payments receives 2"},
		build: func() *Input {
			in := base()
			addTopic(in.Snapshot, "dead-letter-payments", 1, 3)
			in.History = hist{}.set("topic:c/dead-letter-payments", HistMessagesIn, []Point{{t0.Add(-30 * time.Minute), 2}, {t0, 0}})
			in.Snapshot.Rates = true // known, and 0 now
			return in
		}},
	{name: "quiet", code: "topic.dead_letter", build: func() *Input {
		in := base()
		addTopic(in.Snapshot, "orders.DLQ", 1, 3)
		in.History = hist{}.set("topic:c/orders.DLQ", HistMessagesIn, []Point{{t0.Add(-2 * time.Hour), 2}, {t0, 0}})
		in.Snapshot.Rates = true // known, and 0 now
		return in
	}},
	{name: "not a dead-letter topic", code: "topic.dead_letter", build: func() *Input {
		in := base()
		setRates(in.Snapshot, "orders", 50)
		return in
	}},
}

func TestTopicChecks(t *testing.T) {
	runCases(t, topicCases)
	runCases(t, trafficCases)
}
