package operate_test

import (
	"testing"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

// kc is a real 3-node cluster; sc a 1-node cluster with SASL/SCRAM and ACLs (admin is a
// super user; alice a plain user).
var kc, sc *testkit.Cluster

func TestMain(m *testing.M) {
	testkit.Main(m, func(cs []*testkit.Cluster) { kc, sc = cs[0], cs[1] },
		testkit.Options{Nodes: 3}, testkit.Options{Nodes: 1, SCRAM: true, Users: map[string]string{"alice": "alice-pw-1234"}})
}
