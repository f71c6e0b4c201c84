package collect

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// fakeServerEnv makes the test binary a kfake server for the benchmark (see TestMain): the
// fake cluster and its data live in another process, so the benchmark's RSS is the
// collector's own, as it would be against a remote cluster.
// Its value is "topics,partitions,groups,groupTopics".
const fakeServerEnv = "GREGOR_BENCH_KFAKE"

func TestMain(m *testing.M) {
	if v := os.Getenv(fakeServerEnv); v != "" {
		var n [4]int
		for i, f := range strings.Split(v, ",") {
			n[i], _ = strconv.Atoi(f)
		}
		os.Exit(serveFake(n[0], n[1], n[2], n[3]))
	}
	if os.Getenv(benchOnlyEnv) == "1" {
		os.Exit(m.Run()) // benchmarks need no real cluster
	}
	testkit.Main(m, func(cs []*testkit.Cluster) { kc = cs[0] }, testkit.Options{Nodes: 3})
}

// benchOnlyEnv=1 skips starting the real cluster, for benchmark runs.
const benchOnlyEnv = "GREGOR_BENCH_ONLY"

// serveFake seeds a kfake cluster (topics of parts partitions, groups with offsets on
// groupTopics topics each), prints its addresses, and runs until stdin closes.
func serveFake(topics, parts, groups, groupTopics int) int {
	fake, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer fake.Close()
	seed(&fatalTB{}, fake, topics, parts, 1, groups, groupTopics)
	fmt.Println("ready", strings.Join(fake.ListenAddrs(), ","))
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	return 0
}

// fatalTB is the little of testing.TB that seed needs, outside a test.
type fatalTB struct{ testing.TB }

func (fatalTB) Helper()                   {}
func (fatalTB) Fatal(args ...any)         { fmt.Fprintln(os.Stderr, args...); os.Exit(1) }
func (fatalTB) Fatalf(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...); os.Exit(1) }

// BenchmarkCycle is the budget check: one collection cycle over 2,000 topics / 20,000
// partitions / 2,000 groups with committed offsets on 5 topics each, on kfake running in a
// child process. It reports Kafka requests per cycle and this process's peak RSS (VmHWM),
// and runs again with twice the partitions to show requests do not grow with them.
func BenchmarkCycle(b *testing.B) {
	SetGCPercent() // as gregor serve runs
	for _, parts := range []int{10, 20} {
		b.Run("partitions="+strconv.Itoa(2000*parts), func(b *testing.B) {
			addrs := startFakeServer(b, 2000, parts, 2000, 5)
			cl, err := kafka.New(config.Cluster{Name: "bench", Bootstrap: addrs, ClientID: "gregor"}, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer cl.Close()
			c := New(Options{Client: cl})
			c.Cycle(context.Background()) // warm: connections, API versions
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			var reqs int64
			for range b.N {
				s := c.Cycle(context.Background())
				if len(s.Errors) > 0 || len(s.Groups) != 2000 || s.Stats.Partitions != 2000*parts {
					b.Fatalf("incomplete cycle: %d errors (%v), %d groups, %d partitions", len(s.Errors), s.Errors, len(s.Groups), s.Stats.Partitions)
				}
				reqs = s.Requests
			}
			b.ReportMetric(float64(reqs), "requests/cycle")
			b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
		})
	}
}

func startFakeServer(b *testing.B, topics, parts, groups, groupTopics int) []string {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%d,%d,%d", fakeServerEnv, topics, parts, groups, groupTopics))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
			return strings.Split(rest, ",")
		}
	}
	b.Fatal("kfake server did not start")
	return nil
}

func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return -1
}

// BenchmarkLagCycle is the lag budget: 10,000 groups x 10 partitions (one topic each, 1,000
// topics of 10 partitions), one collection cycle plus the lag evaluation of every group.
func BenchmarkLagCycle(b *testing.B) {
	SetGCPercent() // as gregor serve runs
	addrs := startFakeServer(b, 1000, 10, 10000, 1)
	cl, err := kafka.New(config.Cluster{Name: "bench", Bootstrap: addrs, ClientID: "gregor"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	tr := lag.NewTracker(lag.Thresholds{}, nil)
	c := New(Options{Client: cl, OnSnapshot: func(s *snapshot.Snapshot) { tr.Observe(s) }})
	c.Cycle(context.Background())
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	var reqs int64
	for range b.N {
		s := c.Cycle(context.Background())
		rep := tr.Latest()
		if len(s.Errors) > 0 || len(s.Groups) != 10000 || rep == nil || len(rep.Groups) != 10000 {
			b.Fatalf("incomplete: %d errors %v, %d groups", len(s.Errors), s.Errors, len(s.Groups))
		}
		reqs = s.Requests
	}
	b.ReportMetric(float64(reqs), "requests/cycle")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-heap-MB")
	runtime.KeepAlive(tr)
	runtime.KeepAlive(c)
}
