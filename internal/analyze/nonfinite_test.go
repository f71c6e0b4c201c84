package analyze

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// nanMetrics are broker metrics as a snapshot from elsewhere than scrape.Parse (which drops
// them) could carry them: v for every value the checks read.
func nanMetrics(v float64) scrape.Metrics {
	one := func(labels map[string]string) []scrape.Sample { return []scrape.Sample{{Labels: labels, Value: v}} }
	m := scrape.Metrics{
		mActiveControllers:     one(nil),
		mRequestHandlerIdle:    one(nil),
		mNetworkIdle:           one(nil),
		mISRShrinks:            one(nil),
		mReplicaMaxLag:         one(map[string]string{"clientid": "Replica"}),
		mReplicaDeadThreads:    one(nil),
		mCleanerDeadThreads:    one(nil),
		mCleanerSinceLastRun:   one(nil),
		mCleanerUncleanable:    one(nil),
		mOfflineLogDirs:        one(nil),
		mBytesIn:               one(nil),
		mBytesOut:              one(nil),
		mReplBytesIn:           one(nil),
		mFetchConversions:      one(nil),
		mConnections:           one(map[string]string{"client_software_name": "unknown", "client_software_version": "unknown", "listener": "PLAINTEXT"}),
		mGCSeconds:             one(map[string]string{"gc": "G1 Old Generation"}),
		mOpenFDs:               one(nil),
		mMaxFDs:                one(nil),
		mHeapMax[0]:            one(map[string]string{"area": "heap"}),
		mPoolCollectionUsed[0]: one(map[string]string{"pool": "G1 Old Gen"}),
		mPoolMax[0]:            one(map[string]string{"pool": "G1 Old Gen"}),
	}
	for _, st := range requestStages {
		m[st.metric] = append(one(map[string]string{"request": "Produce", "quantile": q99}),
			scrape.Sample{Labels: map[string]string{"request": "FetchConsumer", "quantile": q99}, Value: v})
	}
	m[mTotalTime] = one(map[string]string{"request": "Produce", "quantile": q99})
	return m
}

// Whatever non-finite value reaches the checks (metrics, history, a config, the lag report),
// the Result encodes as JSON and no title or evidence carries NaN or Inf.
func TestNonFiniteValuesNeverReachTheResult(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	withNaN := func(v float64, brokers ...int) func() *Input {
		return func() *Input {
			in := compacted(base())
			for _, i := range brokers {
				in.Snapshot.Brokers[i].Metrics = nanMetrics(v)
			}
			return in
		}
	}
	for _, c := range []struct {
		name  string
		build func() *Input
	}{
		{"NaN metrics on one broker", withNaN(nan, 0)},
		{"NaN metrics on every broker", withNaN(nan, 0, 1, 2)},
		{"+Inf metrics", withNaN(inf, 0, 1, 2)},
		{"-Inf metrics", withNaN(math.Inf(-1), 1)},
		{"NaN history", func() *Input {
			in := netCounter(base(), 20e6, 1e6)
			h := in.History.(hist)
			for _, m := range []string{HistNetworkIn, HistISRShrinks, HistGCSeconds, HistFetchConversions} {
				h.set("broker:c/1", m, []Point{{t0.Add(-50 * time.Minute), nan}, {t0.Add(-40 * time.Minute), 1}, {t0.Add(-30 * time.Minute), nan}, {t0.Add(-20 * time.Minute), inf}})
			}
			h.set("broker:c/2", HistLogDirUsed+"/data", line(t0.Add(-time.Hour), 6, time.Hour, nan, 2*gib))
			h.set("topic:c/orders.DLQ", HistMessagesIn, []Point{{t0.Add(-30 * time.Minute), nan}, {t0.Add(-10 * time.Minute), inf}})
			addTopic(in.Snapshot, "orders.DLQ", 1, 3)
			in.Snapshot.Brokers[0].Metrics[mISRShrinks] = []scrape.Sample{{Value: nan}}
			in.Snapshot.Rates = true
			return in
		}},
		{"NaN and Inf configs", func() *Input {
			in := base()
			in.Config.Profile = "availability"
			topicConfig(in, "orders", "min.insync.replicas", "infinity", "dynamic_topic")
			topicConfig(in, "payments", "min.insync.replicas", "NaN", "dynamic_topic")
			in.Snapshot.Brokers[0].Configs["num.replica.fetchers"] = snapshot.Config{Value: "-inf", Source: "static_broker"}
			return in
		}},
		{"NaN lag seconds", func() *Input {
			return group(base(), &lag.GroupReport{ID: "g", LagSeconds: nan,
				GroupResult: lag.GroupResult{Status: lag.Warn, Reason: "r"}})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := derive(c.build())
			in.Config.NICBytesPerSec = 1e8
			r := Analyze(in)
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("json.Marshal: %v; findings %q", err, titles(r.Findings))
			}
			for _, f := range r.Findings {
				if strings.Contains(f.Title, "NaN") || strings.Contains(f.Title, "Inf") {
					t.Errorf("%s: %q", f.Code, f.Title)
				}
				for _, e := range f.Evidence {
					if !finite(e.Value) || !finite(e.Threshold) {
						t.Errorf("%s evidence %+v", f.Code, e)
					}
				}
			}
		})
	}
}

func TestDropNonFiniteEvidence(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(-1)
	fs := []Finding{{Code: "a.b", Evidence: []Evidence{{Name: "ok", Value: 1, Threshold: 2}, {Name: "nan", Value: nan},
		{Name: "inf threshold", Value: 3, Threshold: inf}, {Name: "inf", Value: inf, Text: "x"}}}}
	dropNonFinite(fs)
	got := fs[0].Evidence
	if len(got) != 2 || got[0] != (Evidence{Name: "ok", Value: 1, Threshold: 2}) || got[1] != (Evidence{Name: "inf threshold", Value: 3}) {
		t.Fatalf("%+v", got)
	}
	if _, err := json.Marshal(fs); err != nil {
		t.Fatal(err)
	}
}
