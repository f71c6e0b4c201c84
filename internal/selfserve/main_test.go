package selfserve_test

import (
	"testing"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

// sc is a real 3-node cluster with SASL/SCRAM and the ACL authorizer (deny when no ACL
// matches); admin is its super user.
var sc *testkit.Cluster

func TestMain(m *testing.M) {
	testkit.Main(m, func(cs []*testkit.Cluster) { sc = cs[0] }, testkit.Options{Nodes: 3, SCRAM: true})
}
