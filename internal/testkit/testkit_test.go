package testkit

import (
	"strings"
	"testing"
)

func TestKafkaVersionSetting(t *testing.T) {
	for in, want := range map[string]string{"": DefaultKafkaVersion, "4": DefaultKafkaVersion, "3.9": LegacyKafkaVersion, "legacy": LegacyKafkaVersion, "4.1.1": "4.1.1"} {
		t.Setenv(VersionEnv, in)
		if got := KafkaVersion(); got != want {
			t.Errorf("%s=%q: %s, want %s", VersionEnv, in, got, want)
		}
	}
	if (Dist{Version: LegacyKafkaVersion}).Major() != 3 || (Dist{Version: DefaultKafkaVersion}).Major() != 4 {
		t.Fatal("major version")
	}
}

// Kafka's own cluster ids never start with '-', which its tools would read as a flag.
func TestClusterIDNeverAFlag(t *testing.T) {
	for range 2000 {
		if id := newClusterID(); len(id) != 22 || strings.HasPrefix(id, "-") {
			t.Fatalf("bad id %q", id)
		}
	}
}

func TestSCRAMProperties(t *testing.T) {
	c := &Cluster{SCRAM: true, Nodes: []*Node{{ID: 1, Port: 9092, ControllerPort: 9093, Dir: "/d"}}}
	p := c.serverProperties(c.Nodes[0])
	for _, want := range []string{
		"listeners=SASL_PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093\n",
		"authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n",
		"allow.everyone.if.no.acl.found=false\n",
		"offsets.topic.replication.factor=1\n",
		"controller.quorum.voters=1@127.0.0.1:9093\n",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("properties lack %q:\n%s", want, p)
		}
	}
}
