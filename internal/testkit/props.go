package testkit

import (
	"fmt"
	"path/filepath"
	"strings"
)

// serverProperties renders a KRaft combined-mode node's config. Timeouts are shortened so that
// a killed broker is fenced and leaves the ISR within seconds, not the production 30 s.
func (c *Cluster) serverProperties(n *Node) string {
	var voters []string
	for _, v := range c.Nodes {
		voters = append(voters, fmt.Sprintf("%d@127.0.0.1:%d", v.ID, v.ControllerPort))
	}
	rf := min(3, len(c.Nodes))
	p := []string{
		fmt.Sprintf("node.id=%d", n.ID),
		"process.roles=broker,controller",
		"controller.quorum.voters=" + strings.Join(voters, ","),
		"controller.listener.names=CONTROLLER",
		"log.dirs=" + filepath.Join(n.Dir, "data"),
		fmt.Sprintf("broker.rack=rack-%d", n.ID),
		fmt.Sprintf("offsets.topic.replication.factor=%d", rf),
		"offsets.topic.num.partitions=10",
		fmt.Sprintf("transaction.state.log.replication.factor=%d", rf),
		fmt.Sprintf("transaction.state.log.min.isr=%d", min(2, rf)),
		"group.initial.rebalance.delay.ms=0",
		"broker.session.timeout.ms=4000",
		"broker.heartbeat.interval.ms=1000",
		"replica.lag.time.max.ms=5000",
		"controlled.shutdown.enable=true",
		"num.network.threads=2",
		"num.io.threads=4",
		"log.segment.bytes=16777216",
		"unstable.api.versions.enable=false",
	}
	listener := "PLAINTEXT"
	if c.SCRAM {
		listener = "SASL_PLAINTEXT"
		jaas := fmt.Sprintf(`org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";`, AdminUser, AdminPassword)
		p = append(p,
			"sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512",
			"sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
			"listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config="+jaas,
			"listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="+jaas,
			"authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
			// The controller listener is PLAINTEXT, so controllers talk as User:ANONYMOUS.
			"super.users=User:"+AdminUser+";User:ANONYMOUS",
			"allow.everyone.if.no.acl.found=false",
		)
	}
	p = append(p,
		fmt.Sprintf("listeners=%s://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d", listener, n.Port, n.ControllerPort),
		fmt.Sprintf("advertised.listeners=%s://127.0.0.1:%d", listener, n.Port),
		fmt.Sprintf("listener.security.protocol.map=%s:%s,CONTROLLER:PLAINTEXT", listener, listener),
		"inter.broker.listener.name="+listener,
	)
	return strings.Join(p, "\n") + "\n"
}
