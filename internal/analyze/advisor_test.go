package analyze

import (
	"slices"
	"strconv"
	"testing"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

func profile(name string, brokerConfigs map[string]string) func() *Input {
	return func() *Input {
		in := base()
		in.Config.Profile = name
		for _, b := range in.Snapshot.Brokers {
			for k, v := range brokerConfigs {
				b.Configs[k] = snapshot.Config{Value: v, Source: "static_broker"}
			}
		}
		return in
	}
}

var advisorCases = []codeCase{
	{name: "durability, broker default", code: "config.profile_departure", fires: true, sev: Warning,
		title: []string{"min.insync.replicas is 1 on brokers 1,2,3; the durability profile recommends at least 2"},
		build: profile("durability", nil), check: func(t *testing.T, fs []Finding) {
			var keys []string
			for _, f := range fs {
				keys = append(keys, f.Key())
			}
			slices.Sort(keys)
			if len(slices.Compact(keys)) != len(fs) {
				t.Errorf("keys collide: %v", keys)
			}
			f := fs[0]
			for _, x := range fs {
				if x.Labels["config"] == "min.insync.replicas" {
					f = x
				}
			}
			if e := f.Evidence[0]; e.Value != 1 || e.Threshold != 2 || e.Text != "current 1, recommended at least 2" || f.Labels["profile"] != "durability" {
				t.Errorf("%+v %v", e, f.Labels)
			}
		}},
	{name: "durability, topic override", code: "config.profile_departure", fires: true, sev: Warning,
		title: []string{"Topic orders sets min.insync.replicas=1; the durability profile recommends at least 2"},
		build: func() *Input {
			in := profile("durability", map[string]string{"min.insync.replicas": "2", "auto.create.topics.enable": "false"})()
			return topicConfig(in, "orders", "min.insync.replicas", "1", "dynamic_topic")
		}},
	{name: "throughput, mixed brokers", code: "config.profile_departure", fires: true, sev: Info,
		title: []string{"num.io.threads is 8 on brokers 2,3; the throughput profile recommends at least 16"},
		build: func() *Input {
			in := profile("throughput", map[string]string{"num.network.threads": "8", "num.replica.fetchers": "4"})()
			in.Snapshot.Brokers[0].Configs["num.io.threads"] = snapshot.Config{Value: "16"}
			return in
		}},
	{name: "throughput, topic recompresses", code: "config.profile_departure", fires: true, sev: Info,
		title: []string{"Topic orders sets compression.type=gzip; the throughput profile recommends producer or lz4 or zstd"},
		build: func() *Input {
			in := profile("throughput", map[string]string{"num.io.threads": "16", "num.network.threads": "8", "num.replica.fetchers": "4"})()
			return topicConfig(in, "orders", "compression.type", "gzip", "dynamic_topic")
		}},
	{name: "availability, min isr too high", code: "config.profile_departure", fires: true, sev: Warning,
		title: []string{"min.insync.replicas is 3 on brokers 1,2,3; the availability profile recommends at most 2"},
		build: profile("availability", map[string]string{"min.insync.replicas": "3"})},
	{name: "throughput, all set", code: "config.profile_departure",
		build: profile("throughput", map[string]string{"num.io.threads": "16", "num.network.threads": "8", "num.replica.fetchers": "4"})},
	{name: "latency, all set", code: "config.profile_departure",
		build: profile("latency", map[string]string{"num.io.threads": "24", "num.network.threads": "8", "num.replica.fetchers": "4"})},
	{name: "no profile", code: "config.profile_departure", build: profile("", nil)},
	{name: "broker configs not read", code: "config.profile_departure", build: func() *Input {
		in := profile("durability", nil)()
		for _, b := range in.Snapshot.Brokers {
			b.Configs = nil
		}
		return in
	}},
}

func TestAdvisor(t *testing.T) { runCases(t, advisorCases) }

func TestProfiles(t *testing.T) {
	var names []string
	for _, p := range Profiles {
		names = append(names, p.Name)
		brokerKeys := map[string]bool{}
		for _, s := range p.Settings {
			switch s.Scope {
			case "broker", "topic":
				if s.Check == "" || s.Default == "" {
					t.Errorf("%s %s: a broker or topic setting needs a check and Kafka's default", p.Name, s.Key)
				}
				if s.Check == "min" || s.Check == "max" {
					if _, err := strconv.ParseFloat(s.Value, 64); err != nil {
						t.Errorf("%s %s: %v", p.Name, s.Key, err)
					}
				}
				if brokerKeys[s.Key] {
					t.Errorf("%s %s twice", p.Name, s.Key)
				}
				brokerKeys[s.Key] = true
			case "producer", "consumer":
				if s.Check != "" {
					t.Errorf("%s %s: client settings are advice only", p.Name, s.Key)
				}
			default:
				t.Errorf("%s %s: scope %q", p.Name, s.Key, s.Scope)
			}
			if s.Reason == "" {
				t.Errorf("%s %s: no reason", p.Name, s.Key)
			}
		}
	}
	if !slices.Equal(names, config.Profiles) {
		t.Fatalf("profiles %v, config knows %v", names, config.Profiles)
	}
	for _, c := range []struct {
		s    Setting
		v    string
		want bool
	}{
		{Setting{Check: "min", Value: "2"}, "2", true}, {Setting{Check: "min", Value: "2"}, "1", false},
		{Setting{Check: "max", Value: "30000"}, "10000", true}, {Setting{Check: "max", Value: "30000"}, "60000", false},
		{Setting{Check: "eq", Value: "false"}, "FALSE", true}, {Setting{Check: "eq", Value: "false"}, "true", false},
		{Setting{Check: "oneof", Value: "lz4|zstd"}, "zstd", true}, {Setting{Check: "oneof", Value: "lz4|zstd"}, "gzip", false},
		{Setting{Check: "min", Value: "2"}, "n/a", true}, {Setting{}, "anything", true},
	} {
		if got := c.s.Satisfied(c.v); got != c.want {
			t.Errorf("%+v Satisfied(%q) = %v", c.s, c.v, got)
		}
	}
}
