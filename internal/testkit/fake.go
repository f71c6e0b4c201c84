package testkit

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Fake starts an in-process kfake cluster of 3 brokers for fast unit tests; it is closed when
// the test ends.
func Fake(t testing.TB, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(3)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}
