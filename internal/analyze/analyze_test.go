package analyze

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/scrape"
)

var allTables = [][]codeCase{clusterCases, brokerCases, diskCases, forecastCases, jvmCases, clientCases,
	topicCases, trafficCases, regionCases, groupCases, advisorCases}

// Every code has a case where it fires and one where it stays silent.
func TestEveryCodeTested(t *testing.T) {
	fires, silent := map[string]bool{}, map[string]bool{}
	for _, tab := range allTables {
		for _, c := range tab {
			if !slices.Contains(Codes(), c.code) {
				t.Errorf("case %q: %s is not in the registry", c.name, c.code)
			}
			if c.fires {
				fires[c.code] = true
			} else {
				silent[c.code] = true
			}
		}
	}
	for _, code := range Codes() {
		if !fires[code] || !silent[code] {
			t.Errorf("%s: fires tested %v, silent tested %v", code, fires[code], silent[code])
		}
	}
}

// Every code is documented in docs/checks.md.
func TestCodesDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z]+\\.[a-z_]+)`").FindAllStringSubmatch(string(b), -1) {
		documented[m[1]] = true
	}
	for _, code := range append(Codes(), CheckFailedCode) {
		if !documented[code] {
			t.Errorf("%s is not in docs/checks.md", code)
		}
	}
}

// A healthy cluster without metrics or history raises nothing and scores 100 everywhere.
func TestHealthyClusterIsSilent(t *testing.T) {
	r := Analyze(derive(base()))
	if len(r.Findings) != 0 {
		t.Fatalf("findings on a healthy cluster: %v", titles(r.Findings))
	}
	if r.Health.Cluster.Score != 100 || len(r.Health.Brokers) != 3 || len(r.Health.Topics) != 2 {
		t.Fatalf("health %+v", r.Health)
	}
}

// The metric names the checks read exist in a real Kafka 4.3.1 scrape, and its idle values
// raise nothing but the small test heap.
func TestRealKafkaMetrics(t *testing.T) {
	m := realMetrics(t)
	for _, name := range []string{mActiveControllers, mRequestHandlerIdle, mNetworkIdle, mTotalTime, mRequestQueueTime,
		mLocalTime, mRemoteTime, mResponseQueueTime, mResponseSendTime, mISRShrinks, mReplicaMaxLag, mReplicaDeadThreads,
		mReplicaFailedPartitions, mCleanerDeadThreads, mCleanerSinceLastRun, mCleanerUncleanable, mOfflineLogDirs,
		mBytesIn, mBytesOut, mReplBytesIn, mReplBytesOut, mFetchConversions, mConnections, mGCSeconds, mOpenFDs, mMaxFDs,
		mHeapMax[0], mPoolCollectionUsed[0], mPoolUsed[0], mPoolMax[0]} {
		if _, ok := m[name]; !ok {
			t.Errorf("%s is not in the Kafka 4.3.1 scrape", name)
		}
	}
	if _, ok := m.Get(mTotalTime, map[string]string{"request": "Produce", "quantile": q99}); !ok {
		t.Error("no Produce p99")
	}
	if _, ok := m.Get(mReplicaMaxLag, map[string]string{"clientid": "Replica"}); !ok {
		t.Error("no replica max lag")
	}
	in := compacted(base())
	in.Snapshot.ControllerID = 3
	for _, b := range in.Snapshot.Brokers {
		b.Metrics = m // node 3 is the active controller: make the others report 0
	}
	in.Snapshot.Brokers[0].Metrics = withoutActive(m)
	in.Snapshot.Brokers[1].Metrics = withoutActive(m)
	r := Analyze(derive(in))
	for _, f := range r.Findings {
		if f.Code != "broker.heap_size" || !strings.Contains(f.Title, "512 MiB") {
			t.Errorf("unexpected on an idle cluster: %s %s", f.Code, f.Title)
		}
	}
	if len(r.Findings) != 3 {
		t.Errorf("want the heap size of 3 brokers, got %v", titles(r.Findings))
	}
}

func withoutActive(m scrape.Metrics) scrape.Metrics {
	out := maps.Clone(m)
	out[mActiveControllers] = []scrape.Sample{{Value: 0}}
	return out
}

func TestSortFindings(t *testing.T) {
	e := func(kind, name string) Entity { return Entity{Kind: kind, Cluster: "c", Name: name} }
	fs := []Finding{
		{Code: "b", Severity: Warning, Entity: e(KindBroker, "10")},
		{Code: "b", Severity: Warning, Entity: e(KindBroker, "9")},
		{Code: "a", Severity: Info, Entity: e(KindTopic, "x")},
		{Code: "z", Severity: Critical, Entity: e(KindTopic, "x")},
		{Code: "b", Severity: Warning, Entity: e(KindBroker, "9"), Labels: map[string]string{"log_dir": "/a"}},
		{Code: "a", Severity: Warning, Entity: e(KindTopic, "y")},
	}
	SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Severity.String()+" "+f.Code+" "+f.Entity.String()+" "+f.Labels["log_dir"])
	}
	want := []string{"critical z topic:c/x ", "warning a topic:c/y ", "warning b broker:c/9 ", "warning b broker:c/9 /a",
		"warning b broker:c/10 ", "info a topic:c/x "}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestCheckPanicBecomesFinding(t *testing.T) {
	in := derive(base())
	fs := runCheck(in, Check{Codes: []string{"x.y"}, Run: func(*Input) []Finding { panic("boom") }})
	if len(fs) != 1 || fs[0].Code != CheckFailedCode || !strings.Contains(fs[0].Title, "x.y failed: boom") {
		t.Fatalf("%+v", fs)
	}
}

func TestAnalyzeEdges(t *testing.T) {
	if r := Analyze(nil); r.Findings == nil {
		t.Fatal("nil findings")
	}
	in := derive(base())
	in.Now = time.Time{} // the snapshot's time
	r := Analyze(in)
	if !r.Time.Equal(t0) {
		t.Errorf("time %v", r.Time)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"time"`, `"findings":[]`, `"health"`, `"cluster":{"entity":{"kind":"cluster","cluster":"c"},"score":100}`, `"brokers"`, `"topics"`, `"groups"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
}

// Numbers in titles round to one decimal below 100 (a rate of 0.9989/s is "1", not "0") and
// group thousands above.
func TestNum(t *testing.T) {
	for v, want := range map[float64]string{0.9989: "1", 0.04: "0", 0.25: "0.3", 12.34: "12.3", 99.96: "100", 1234567: "1,234,567", -2.5: "-2.5"} {
		if got := num(v); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
}
