package testkit

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
)

// SkipEnv, when set to 1, makes Main start no cluster, and tests that Need one skip. It is for
// quick local runs (make test-unit); make test and CI never set it.
const SkipEnv = "GREGOR_SKIP_KAFKA"

// Main is a test package's TestMain body: it starts one real cluster per Options (in
// parallel), hands them to set, runs the tests, and tears the clusters down even when tests
// fail. After a failure the clusters' folders (logs included) are kept and their paths printed.
func Main(m *testing.M, set func([]*Cluster), opts ...Options) {
	os.Exit(runMain(m, set, opts))
}

func runMain(m *testing.M, set func([]*Cluster), opts []Options) int {
	if os.Getenv(SkipEnv) == "1" {
		return m.Run()
	}
	clusters := make([]*Cluster, len(opts))
	errs := make([]error, len(opts))
	var wg sync.WaitGroup
	for i, o := range opts {
		if o.Logf == nil {
			o.Logf = func(f string, a ...any) { fmt.Fprintf(os.Stderr, "testkit: "+f+"\n", a...) }
		}
		wg.Add(1)
		go func() { defer wg.Done(); clusters[i], errs[i] = Start(context.Background(), o) }()
	}
	wg.Wait()
	failed := false
	for i, err := range errs {
		if err != nil {
			fmt.Fprintf(os.Stderr, "testkit: cluster %d did not start: %v\n", i, err)
			failed = true
		}
	}
	code := 1
	if !failed {
		set(clusters)
		code = m.Run()
	}
	for _, c := range clusters {
		if c == nil {
			continue
		}
		c.Close()
		if code != 0 {
			fmt.Fprintf(os.Stderr, "testkit: tests failed; Kafka %s logs kept in %s\n", c.Version, c.Dir)
		} else {
			_ = c.RemoveAll()
		}
	}
	return code
}

// Need skips the test when the package runs without real clusters (GREGOR_SKIP_KAFKA=1).
func Need(t testing.TB, c *Cluster) {
	t.Helper()
	if c == nil {
		t.Skip("no real Kafka cluster (" + SkipEnv + "=1)")
	}
}
