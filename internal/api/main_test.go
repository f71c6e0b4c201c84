package api

import (
	"testing"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

// kc is a real 3-node cluster for the operations' tests (the other tests use kfake);
// GREGOR_SKIP_KAFKA=1 skips it and them.
var kc *testkit.Cluster

func TestMain(m *testing.M) {
	testkit.Main(m, func(cs []*testkit.Cluster) { kc = cs[0] }, testkit.Options{Nodes: 3})
}
