package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

func withMetrics(in *Input, perBroker ...string) *Input {
	for i, text := range perBroker {
		if text != "" {
			in.Snapshot.Brokers[i].Metrics = prom(text)
		}
	}
	return in
}

func moves(ids ...int32) []ControllerAt {
	var out []ControllerAt
	for i, id := range ids {
		out = append(out, ControllerAt{Time: t0.Add(-time.Duration(len(ids)-i) * 5 * time.Minute), ID: id})
	}
	return out
}

// metadataFailed is base whose cycle could not read the metadata: like collect, the snapshot
// then holds nothing about the cluster.
func metadataFailed() *Input {
	in := base()
	s := in.Snapshot
	s.Brokers, s.Topics, s.Groups = nil, map[string]*snapshot.Topic{}, map[string]*snapshot.Group{}
	s.ControllerID, s.ControllerSource = -1, ""
	s.Errors = []snapshot.PartError{{Part: "metadata", Broker: snapshot.NoBroker, Error: "dial tcp 10.0.0.1:9092:\ni/o timeout"}}
	s.Timings = map[string]time.Duration{"metadata": 10 * time.Second}
	return in
}

var clusterCases = []codeCase{
	{name: "metadata failed", code: "cluster.unreachable", fires: true, sev: Critical, title: []string{"Cluster c unreachable", "dial tcp 10.0.0.1:9092: i/o timeout"},
		build: metadataFailed, check: func(t *testing.T, fs []Finding) {
			f := fs[0]
			if f.Entity != (Entity{Kind: KindCluster, Cluster: "c"}) || len(fs) != 1 {
				t.Errorf("%+v", fs)
			}
			if e := evidence(f, "metadata_error"); e.Text != "dial tcp 10.0.0.1:9092: i/o timeout" {
				t.Errorf("%+v", e)
			}
			if e := evidence(f, "metadata_seconds"); e.Value != 10 {
				t.Errorf("%+v", e)
			}
			for _, w := range []string{"network", "listeners", "credentials", "brokers"} {
				if !strings.Contains(f.Fix, w) {
					t.Errorf("fix lacks %q: %s", w, f.Fix)
				}
			}
		}},
	{name: "reachable", code: "cluster.unreachable", build: base},
	{name: "other parts failed", code: "cluster.unreachable", build: func() *Input {
		in := base()
		in.Snapshot.Errors = []snapshot.PartError{{Part: "groups", Broker: -1, Error: "x"}, {Part: "metrics", Broker: 2, Error: "y"}}
		return in
	}},

	{name: "two active", code: "cluster.controller_count", fires: true, sev: Critical, title: []string{"2 active controllers"},
		build: func() *Input {
			return withMetrics(base(), mActiveControllers+" 1", mActiveControllers+" 1", mActiveControllers+" 0")
		}},
	{name: "none active on combined nodes", code: "cluster.controller_count", fires: true, sev: Critical, title: []string{"No active controller"},
		build: func() *Input {
			return withMetrics(base(), mActiveControllers+" 0", mActiveControllers+" 0", mActiveControllers+" 0")
		}},
	{name: "one active", code: "cluster.controller_count", build: func() *Input {
		return withMetrics(base(), mActiveControllers+" 0", mActiveControllers+" 1", mActiveControllers+" 0")
	}},
	{name: "dedicated controller quorum", code: "cluster.controller_count", build: func() *Input {
		in := withMetrics(base(), mActiveControllers+" 0", mActiveControllers+" 0", mActiveControllers+" 0")
		in.Snapshot.ControllerID = 3000
		return in
	}},
	{name: "controller id a guess", code: "cluster.controller_count", build: func() *Input {
		in := withMetrics(base(), mActiveControllers+" 0", mActiveControllers+" 0", mActiveControllers+" 0")
		in.Snapshot.Errors = []snapshot.PartError{{Part: "quorum", Broker: -1, Error: "timeout"}}
		return in
	}},
	{name: "no metric", code: "cluster.controller_count", build: base},

	{name: "leaderless", code: "cluster.offline_partitions", fires: true, sev: Critical, title: []string{"1 partition offline", "1 topic"},
		build: func() *Input {
			in := base()
			in.Snapshot.Topics["orders"].Partitions[2].Leader = -1
			return in
		}},
	{name: "healthy", code: "cluster.offline_partitions", build: base},

	{name: "one follower out", code: "cluster.under_replicated", fires: true, sev: Warning, title: []string{"2 partitions under-replicated"},
		build: func() *Input {
			in := base()
			for _, p := range in.Snapshot.Topics["orders"].Partitions[:2] {
				p.ISR = p.ISR[:2]
			}
			return in
		}},
	{name: "single copy", code: "cluster.under_replicated", fires: true, sev: Critical,
		build: func() *Input {
			in := base()
			p := in.Snapshot.Topics["payments"].Partitions[0]
			p.ISR = p.ISR[:1]
			return in
		}, check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "single_copy_partitions"); e.Value != 1 {
				t.Errorf("single copies %v", e)
			}
		}},
	{name: "metadata failed", code: "cluster.under_replicated", build: func() *Input {
		in := base()
		p := in.Snapshot.Topics["payments"].Partitions[0]
		p.ISR = p.ISR[:1]
		in.Snapshot.Errors = []snapshot.PartError{{Part: "metadata", Broker: -1, Error: "timeout"}}
		return in
	}},
	{name: "healthy", code: "cluster.under_replicated", build: base},

	{name: "isr 1 of min 2", code: "cluster.under_min_isr", fires: true, sev: Critical, title: []string{"1 partition under min.insync.replicas"},
		build: func() *Input {
			in := base()
			p := in.Snapshot.Topics["orders"].Partitions[0]
			p.ISR = p.ISR[:1]
			return in
		}},
	{name: "isr 2 of min 2", code: "cluster.under_min_isr", build: func() *Input {
		in := base()
		p := in.Snapshot.Topics["orders"].Partitions[0]
		p.ISR = p.ISR[:2]
		return in
	}},

	{name: "down", code: "broker.unreachable", fires: true, sev: Critical, title: []string{"Broker 2 (b2:9092) is unreachable"},
		build: func() *Input {
			in := base()
			in.Snapshot.Brokers[1].Reachable, in.Snapshot.Brokers[1].Error = false, "dial tcp: connection refused"
			return in
		}, check: func(t *testing.T, fs []Finding) {
			if fs[0].Entity.Name != "2" || evidence(fs[0], "reachable").Text != "dial tcp: connection refused" {
				t.Errorf("%+v", fs[0])
			}
		}},
	{name: "all up", code: "broker.unreachable", build: base},

	{name: "rolling upgrade", code: "cluster.version_mismatch", fires: true, sev: Warning, title: []string{"2 Kafka versions", "3.9 on 3", "4.3 on 1,2"},
		build: func() *Input {
			in := base()
			in.Snapshot.Brokers[2].KafkaVersion = "3.9"
			return in
		}},
	{name: "one unknown", code: "cluster.version_mismatch", build: func() *Input {
		in := base()
		in.Snapshot.Brokers[2].KafkaVersion = ""
		return in
	}},
	{name: "same", code: "cluster.version_mismatch", build: base},

	{name: "flapping", code: "cluster.controller_moves", fires: true, sev: Warning, title: []string{"moved 4 times"},
		build: func() *Input {
			in := base()
			in.Controllers = moves(1, 2, 1, 3, 1)
			return in
		}},
	{name: "at the limit", code: "cluster.controller_moves", build: func() *Input {
		in := base()
		in.Controllers = moves(1, 2, 1, 3)
		return in
	}},
	{name: "gaps are no moves", code: "cluster.controller_moves", build: func() *Input {
		in := base()
		in.Controllers = moves(1, -1, 1, -1, 1, -1, 1)
		return in
	}},
	{name: "moves over an hour ago", code: "cluster.controller_moves", build: func() *Input {
		in := base()
		in.Controllers = moves(1, 2, 1, 3, 1)
		in.Now = t0.Add(2 * time.Hour)
		return in
	}},
}

func TestClusterChecks(t *testing.T) { runCases(t, clusterCases) }
