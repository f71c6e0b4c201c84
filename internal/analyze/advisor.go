package analyze

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Setting is one recommended setting of a tuning profile.
type Setting struct {
	// Scope: "broker"; "topic" (checked on topics that set it and, as their default, on the
	// brokers under the same name); "producer" or "consumer" (advice only: Gregor cannot see
	// client configs).
	Scope string `json:"scope"`
	Key   string `json:"key"`
	// Value is the recommendation; Check says how a current value is held against it: "eq",
	// "min" (at least), "max" (at most) or "oneof" (Value lists "a|b"); "" for advice only.
	Value string `json:"value"`
	Check string `json:"check,omitempty"`
	// Default is Kafka's default, taken when a broker's config is not in the snapshot (the
	// collector keeps only non-default broker configs).
	Default  string   `json:"default,omitempty"`
	Severity Severity `json:"severity"` // of a departure
	Reason   string   `json:"reason"`
}

// Profile is a tuning goal and its settings.
type Profile struct {
	Name     string    `json:"name"`
	Goal     string    `json:"goal"`
	Settings []Setting `json:"settings"`
}

// Profiles are the config advisor's tables (docs/checks.md), in config.Profiles order.
var Profiles = []Profile{
	{Name: "throughput", Goal: "the most bytes per second, at some latency", Settings: []Setting{
		{"broker", "num.io.threads", "16", "min", "8", Info, "More request handler threads keep large batches flowing; size to the cores and disks (broker.request_handler_idle)."},
		{"broker", "num.network.threads", "8", "min", "3", Info, "More network threads for many connections and large transfers (broker.network_idle)."},
		{"broker", "num.replica.fetchers", "4", "min", "1", Info, "Followers fetch in parallel so replication keeps up with heavy writes."},
		{"topic", "compression.type", "producer|lz4|zstd", "oneof", "producer", Info, "Keep the producers' compression; another codec on the broker recompresses every batch."},
		{"producer", "batch.size", "262144", "", "", Info, "Bigger batches, fewer requests: 128 KiB to 1 MiB (default 16 KiB)."},
		{"producer", "linger.ms", "20", "", "", Info, "Wait 10-100 ms to fill batches."},
		{"producer", "compression.type", "lz4|zstd", "", "", Info, "Fewer bytes on network and disk: lz4 is cheap, zstd compresses most."},
		{"producer", "acks", "1", "", "", Info, "Leader-only acks skip the wait for followers; keep acks=all for data you cannot lose."},
		{"producer", "buffer.memory", "67108864", "", "", Info, "Room for more batches in flight across many partitions."},
		{"consumer", "fetch.min.bytes", "100000", "", "", Info, "Fewer, fuller fetches (default 1 byte)."},
	}},
	{Name: "latency", Goal: "the shortest time from produce to consume", Settings: []Setting{
		{"broker", "num.network.threads", "8", "min", "3", Info, "Responses do not wait for a network thread (response-queue time)."},
		{"broker", "num.io.threads", "16", "min", "8", Info, "Requests do not wait for an I/O thread (request-queue time)."},
		{"broker", "num.replica.fetchers", "4", "min", "1", Info, "acks=all latency is replication latency: more fetchers keep followers current."},
		{"producer", "linger.ms", "0", "", "", Info, "Send at once; batching trades latency for throughput."},
		{"producer", "compression.type", "none|lz4", "", "", Info, "Compression costs CPU per batch; lz4 only when the network is the bottleneck."},
		{"producer", "acks", "1", "", "", Info, "Skips the replication round trip; a leader failure can lose the newest messages."},
		{"consumer", "fetch.min.bytes", "1", "", "", Info, "A fetch returns as soon as any data is there (the default)."},
	}},
	{Name: "durability", Goal: "no acknowledged message lost", Settings: []Setting{
		{"broker", "default.replication.factor", "3", "min", "1", Warning, "New topics get three copies."},
		{"topic", "min.insync.replicas", "2", "min", "1", Warning, "With acks=all a write is on two brokers before it is acknowledged; RF 3 keeps writing with one broker down."},
		{"topic", "unclean.leader.election.enable", "false", "eq", "false", Warning, "An out-of-sync replica elected leader drops acknowledged messages."},
		{"broker", "auto.create.topics.enable", "false", "eq", "true", Info, "Topics created on first use get default settings, not durable ones."},
		{"broker", "offsets.topic.replication.factor", "3", "min", "3", Warning, "Committed offsets need the same protection as the data."},
		{"broker", "transaction.state.log.replication.factor", "3", "min", "3", Warning, "Transaction state needs the same protection as the data."},
		{"broker", "transaction.state.log.min.isr", "2", "min", "2", Warning, "Transaction state is acknowledged on two brokers."},
		{"producer", "acks", "all", "", "", Info, "Acknowledged only once min.insync.replicas have it."},
		{"producer", "enable.idempotence", "true", "", "", Info, "Retries neither duplicate nor reorder (the default since 3.0 unless other settings conflict)."},
		{"producer", "retries", "2147483647", "", "", Info, "Retry until delivery.timeout.ms (120000) rather than fail on a leader election."},
		{"producer", "max.in.flight.requests.per.connection", "5", "", "", Info, "At most 5 keeps ordering with idempotence."},
		{"consumer", "enable.auto.commit", "false", "", "", Info, "Commit after processing, so a crash re-reads rather than skips."},
		{"consumer", "isolation.level", "read_committed", "", "", Info, "With transactional producers, read only committed messages."},
	}},
	{Name: "availability", Goal: "keep partitions online and writable through failures", Settings: []Setting{
		{"broker", "default.replication.factor", "3", "min", "1", Warning, "A broker can fail with every partition still led."},
		{"topic", "min.insync.replicas", "2", "max", "1", Warning, "Below the replication factor, so one broker down does not stop acks=all writes; 1 keeps writing with two down at the cost of durability."},
		{"topic", "unclean.leader.election.enable", "false", "eq", "false", Info, "Availability comes from three replicas and fast failover; true elects out-of-sync replicas and loses messages, for data you can lose only."},
		{"broker", "num.replica.fetchers", "2", "min", "1", Info, "Followers keep up, so the ISR stays full and any replica can take over."},
		{"broker", "replica.lag.time.max.ms", "30000", "max", "30000", Info, "A slow follower leaves the ISR within 30 s instead of holding up acks=all writes; much lower makes the ISR flap."},
		{"broker", "num.recovery.threads.per.data.dir", "4", "min", "2", Info, "Faster log recovery shortens a restart after an unclean shutdown."},
		{"producer", "delivery.timeout.ms", "120000", "", "", Info, "Rides out a leader election without errors reaching the application."},
		{"consumer", "session.timeout.ms", "10000", "", "", Info, "A dead member is noticed in 10 s (default 45 s), so its partitions move sooner."},
		{"consumer", "heartbeat.interval.ms", "3000", "", "", Info, "A third of session.timeout.ms."},
	}},
}

// ProfileNamed returns a profile by name.
func ProfileNamed(name string) (Profile, bool) {
	for _, p := range Profiles {
		if p.Name == name {
			return p, true
		}
	}
	return Profile{}, false
}

var advisorChecks = []Check{{Codes: []string{"config.profile_departure"}, Run: checkProfile}}

// Satisfied reports whether a current value meets the recommendation.
func (s Setting) Satisfied(v string) bool {
	switch s.Check {
	case "min", "max":
		cur, err1 := strconv.ParseFloat(strings.TrimSpace(v), 64)
		rec, err2 := strconv.ParseFloat(s.Value, 64)
		if err1 != nil || err2 != nil || !finite(cur) {
			return true // not a number ("inf" and "nan" parse, but are no config value): nothing to say
		}
		return s.Check == "min" && cur >= rec || s.Check == "max" && cur <= rec
	case "oneof":
		for _, o := range strings.Split(s.Value, "|") {
			if strings.EqualFold(strings.TrimSpace(v), o) {
				return true
			}
		}
		return false
	case "eq":
		return strings.EqualFold(strings.TrimSpace(v), s.Value)
	}
	return true
}

// Want is the recommendation in words: "at least 16", "lz4 or zstd".
func (s Setting) Want() string {
	switch s.Check {
	case "min":
		return "at least " + s.Value
	case "max":
		return "at most " + s.Value
	}
	return strings.ReplaceAll(s.Value, "|", " or ")
}

// checkProfile reports each broker or topic setting that departs from Config.Profile: once
// for the brokers (cluster entity), and per topic for values set on the topic.
func checkProfile(in *Input) []Finding {
	p, ok := ProfileNamed(in.Config.Profile)
	if !ok {
		return nil
	}
	var out []Finding
	for _, st := range p.Settings {
		if st.Check == "" || st.Scope != "broker" && st.Scope != "topic" {
			continue
		}
		byValue := map[string][]string{}
		for _, b := range in.Snapshot.Brokers {
			if b.Configs == nil {
				continue // not read: unknown
			}
			v := st.Default
			if c, ok := b.Configs[st.Key]; ok {
				v = c.Value
			}
			if v != "" && !st.Satisfied(v) {
				byValue[v] = append(byValue[v], strconv.Itoa(int(b.ID)))
			}
		}
		if len(byValue) > 0 {
			var parts []string
			for _, v := range sortedKeys(byValue) {
				parts = append(parts, fmt.Sprintf("%s on brokers %s", v, strings.Join(byValue[v], ",")))
			}
			cur := sortedKeys(byValue)[0]
			out = append(out, departure(in, p, st, clusterEntity(in), cur,
				fmt.Sprintf("%s is %s; the %s profile recommends %s", st.Key, strings.Join(parts, "; "), p.Name, st.Want()),
				fmt.Sprintf("Set %s=%s on the brokers (kafka-configs --alter --entity-type brokers --entity-default where it "+
					"is dynamic, else server.properties and a rolling restart). ", st.Key, firstOf(st.Value))))
		}
		if st.Scope != "topic" {
			continue
		}
		for _, name := range sortedTopicsSetting(in, st.Key) {
			c := in.Snapshot.Topics[name].Configs[st.Key]
			if st.Satisfied(c.Value) {
				continue
			}
			out = append(out, departure(in, p, st, topicEntity(in, name), c.Value,
				fmt.Sprintf("Topic %s sets %s=%s; the %s profile recommends %s", name, st.Key, c.Value, p.Name, st.Want()),
				fmt.Sprintf("kafka-configs --alter --entity-type topics --entity-name %s --add-config %s=%s (or delete the "+
					"override to inherit the broker default). ", name, st.Key, firstOf(st.Value))))
		}
	}
	return out
}

func departure(in *Input, p Profile, st Setting, e Entity, cur, title, how string) Finding {
	ev := Evidence{Name: st.Key, Text: "current " + cur + ", recommended " + st.Want()}
	if v, err := strconv.ParseFloat(cur, 64); err == nil && finite(v) {
		ev.Value = v
		ev.Threshold, _ = strconv.ParseFloat(st.Value, 64)
	}
	f := newFinding(in, "config.profile_departure", st.Severity, e, title, how+st.Reason, ev)
	f.Labels = map[string]string{"config": st.Key, "profile": p.Name}
	return f
}

// sortedTopicsSetting are the topics that set key themselves, sorted.
func sortedTopicsSetting(in *Input, key string) []string {
	var out []string
	for name, t := range in.Snapshot.Topics {
		if c, ok := t.Configs[key]; ok && override(c) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func firstOf(v string) string { s, _, _ := strings.Cut(v, "|"); return s }
