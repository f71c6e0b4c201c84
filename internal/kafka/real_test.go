package kafka_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/gregor-kafka/gregor/internal/collect"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// kc is a plain 3-node cluster; sc a 1-node cluster with SASL/SCRAM and ACLs.
var kc, sc *testkit.Cluster

func TestMain(m *testing.M) {
	testkit.Main(m, func(cs []*testkit.Cluster) { kc, sc = cs[0], cs[1] },
		testkit.Options{Nodes: 3},
		testkit.Options{Nodes: 1, SCRAM: true, Users: map[string]string{"alice": "alice-pw-1234"}})
}

func gregorClient(t *testing.T, c *testkit.Cluster) *kafka.Client {
	t.Helper()
	cl, err := kafka.New(config.Cluster{Name: "it", Bootstrap: c.Bootstrap(), ClientID: "gregor-test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// activeController finds the node whose JMX exporter says it is the active controller,
// failing unless exactly one is.
func activeController(t *testing.T, c *testkit.Cluster) int32 {
	t.Helper()
	var active []int32
	for _, n := range c.Nodes {
		m, err := scrape.Fetch(context.Background(), http.DefaultClient, n.MetricsURL())
		if err != nil {
			t.Fatalf("scrape node %d: %v", n.ID, err)
		}
		v, ok := m.Sum("kafka_controller_kafkacontroller_activecontrollercount")
		if !ok {
			t.Fatalf("node %d exposes no kafka_controller_kafkacontroller_activecontrollercount", n.ID)
		}
		if v == 1 {
			active = append(active, n.ID)
		}
	}
	if len(active) != 1 {
		t.Fatalf("active controllers by JMX: %v, want exactly one", active)
	}
	return active[0]
}

// seen is what Gregor shows of the cluster: one collection cycle through cl.
func seen(t *testing.T, cl *kafka.Client) *snapshot.Snapshot {
	t.Helper()
	return collect.New(collect.Options{Client: cl, Timeout: 10 * time.Second}).Cycle(ctxT(t, 30*time.Second))
}

func createTopic(t *testing.T, adm *kadm.Client, name string, partitions int32, rf int16) {
	t.Helper()
	resp, err := adm.CreateTopic(ctxT(t, 30*time.Second), partitions, rf, nil, name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
}

func TestConnectVersionsAndController(t *testing.T) {
	testkit.Need(t, kc)
	cl := gregorClient(t, kc)
	ctx := ctxT(t, 30*time.Second)
	if err := cl.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	in := seen(t, cl)
	if in.ClusterID != kc.ClusterID || in.ControllerSource != "quorum" || len(in.Brokers) != 3 || len(in.Errors) > 0 {
		t.Fatalf("snapshot %+v, want cluster %s, quorum controller, 3 brokers", in, kc.ClusterID)
	}
	for i, b := range in.Brokers {
		n := kc.Nodes[i]
		if b.ID != n.ID || b.Host != "127.0.0.1" || int(b.Port) != n.Port || b.Rack != fmt.Sprintf("rack-%d", n.ID) {
			t.Fatalf("broker %d = %+v, want node %+v", i, b, n)
		}
	}
	if want := activeController(t, kc); in.ControllerID != want {
		t.Fatalf("controller %d, JMX says %d", in.ControllerID, want)
	}
	if v, ok := cl.Supports(kmsg.Produce.Int16()); !ok || v < 9 {
		t.Fatalf("Produce max version %d %v", v, ok)
	}
	if _, ok := cl.Supports(kmsg.DescribeQuorum.Int16()); !ok {
		t.Fatal("a KRaft cluster must support DescribeQuorum")
	}
	if _, ok := cl.Supports(9999); ok {
		t.Fatal("unknown API key reported supported")
	}
	mm := kc.Version[:strings.LastIndex(kc.Version, ".")] // 4.3.1 -> 4.3
	for _, b := range in.Brokers {
		if !b.Reachable || !strings.Contains(b.KafkaVersion, mm) {
			t.Fatalf("broker %d version %q, want Kafka %s", b.ID, b.KafkaVersion, mm)
		}
	}
}

func TestProduceConsumeRF3(t *testing.T) {
	testkit.Need(t, kc)
	adm := kc.AdminT(t)
	createTopic(t, adm, "rf3", 3, 3)
	cl := gregorClient(t, kc)
	eventually(t, 20*time.Second, "rf3 fully replicated in the metadata", func() error {
		md, err := cl.Metadata(ctxT(t, 10*time.Second), "rf3")
		if err != nil {
			return err
		}
		if len(md.Topics) != 1 || md.Topics[0].ErrorCode != 0 || len(md.Topics[0].Partitions) != 3 {
			return fmt.Errorf("metadata of rf3: %+v", md.Topics)
		}
		for _, p := range md.Topics[0].Partitions {
			if len(p.Replicas) != 3 || len(p.ISR) != 3 {
				return fmt.Errorf("partition %d replicas %v isr %v", p.Partition, p.Replicas, p.ISR)
			}
		}
		return nil
	})
	prod, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic("rf3"), kgo.RequiredAcks(kgo.AllISRAcks()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	const n = 300
	var recs []*kgo.Record
	for i := range n {
		recs = append(recs, kgo.KeyStringRecord(fmt.Sprint(i), fmt.Sprintf("value-%d", i)))
	}
	if err := prod.ProduceSync(ctxT(t, 30*time.Second), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	cons, err := kgo.NewClient(append(kc.ClientOpts(), kgo.ConsumeTopics("rf3"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	seen := map[string]bool{}
	ctx := ctxT(t, 30*time.Second)
	for len(seen) < n {
		fs := cons.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consumed %d of %d: %v", len(seen), n, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if string(r.Value) != "value-"+string(r.Key) {
				t.Fatalf("record %q=%q", r.Key, r.Value)
			}
			seen[string(r.Key)] = true
		})
	}
}

// waitTopic waits until a fresh metadata request shows the topic with all its partitions:
// a topic just created reaches the brokers' metadata a moment later.
func waitTopic(t *testing.T, cl *kafka.Client, topic string, partitions int) {
	t.Helper()
	eventually(t, 20*time.Second, topic+" in the metadata", func() error {
		md, err := cl.Metadata(ctxT(t, 10*time.Second), topic)
		if err != nil {
			return err
		}
		if len(md.Topics) != 1 || md.Topics[0].ErrorCode != 0 || len(md.Topics[0].Partitions) != partitions {
			return fmt.Errorf("metadata: %+v", md.Topics)
		}
		return nil
	})
}

// TestKillBroker kills a broker with SIGKILL: the metadata loses it and the ISR shrinks, the
// survivors' JMX metrics show under-replicated partitions; after a restart both recover.
func TestKillBroker(t *testing.T) {
	testkit.Need(t, kc)
	adm := kc.AdminT(t)
	createTopic(t, adm, "kill-me", 6, 3)
	cl := gregorClient(t, kc)
	waitTopic(t, cl, "kill-me", 6)
	const victim = int32(2)
	if err := kc.Kill(victim); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = kc.Restart(context.Background(), victim)
		}
	}()

	eventually(t, 60*time.Second, "ISR shrinks and broker leaves the metadata", func() error {
		ctx := ctxT(t, 5*time.Second)
		md, err := cl.Metadata(ctx, "kill-me")
		if err != nil {
			return err
		}
		for _, b := range md.Brokers {
			if b.NodeID == victim {
				return fmt.Errorf("broker %d still listed", victim)
			}
		}
		for _, p := range md.Topics[0].Partitions {
			if slices.Contains(p.ISR, victim) || len(p.ISR) != 2 {
				return fmt.Errorf("partition %d isr %v", p.Partition, p.ISR)
			}
		}
		// Gregor keeps the broker that left the metadata while holding replicas, as down.
		s := seen(t, cl)
		if b := s.Broker(victim); len(s.Brokers) != 3 || b == nil || !b.Missing || b.Reachable || s.Stats.BrokersReachable != 2 {
			return fmt.Errorf("gregor sees %d brokers, %d reachable, victim %+v", len(s.Brokers), s.Stats.BrokersReachable, b)
		}
		return nil
	})
	eventually(t, 60*time.Second, "survivors report under-replicated partitions", func() error {
		urp := 0.0
		for _, n := range kc.Nodes {
			if n.ID == victim {
				continue
			}
			m, err := scrape.Fetch(context.Background(), http.DefaultClient, n.MetricsURL())
			if err != nil {
				return err
			}
			v, _ := m.Sum("kafka_server_replicamanager_underreplicatedpartitions")
			urp += v
		}
		if urp == 0 {
			return fmt.Errorf("no under-replicated partitions reported yet")
		}
		return nil
	})

	if err := kc.Restart(ctxT(t, 2*time.Minute), victim); err != nil {
		t.Fatalf("restart: %v\n%s", err, kc.LogTail(victim, 30))
	}
	restarted = true
	eventually(t, 90*time.Second, "ISR and metrics recover", func() error {
		ctx := ctxT(t, 5*time.Second)
		md, err := cl.Metadata(ctx, "kill-me")
		if err != nil {
			return err
		}
		for _, p := range md.Topics[0].Partitions {
			if len(p.ISR) != 3 {
				return fmt.Errorf("partition %d isr %v", p.Partition, p.ISR)
			}
		}
		for _, n := range kc.Nodes {
			m, err := scrape.Fetch(context.Background(), http.DefaultClient, n.MetricsURL())
			if err != nil {
				return err
			}
			if v, _ := m.Sum("kafka_server_replicamanager_underreplicatedpartitions"); v != 0 {
				return fmt.Errorf("node %d still reports %v under-replicated", n.ID, v)
			}
		}
		if n := len(seen(t, cl).Brokers); n != 3 {
			return fmt.Errorf("gregor sees %d brokers", n)
		}
		return nil
	})
}

func eventually(t *testing.T, d time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v", what, d, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestSCRAM connects through the real config path (password from an env variable) with the
// right and a wrong password, and checks no secret reaches the log or the error.
func TestSCRAM(t *testing.T) {
	t.Run("connect", testSCRAMConnect)
	t.Run("acl", testSCRAMACL)
}

// testSCRAMACL grants alice DESCRIBE on the cluster through the real authorizer; then Gregor,
// logged in as alice, sees the active controller.
func testSCRAMACL(t *testing.T) {
	testkit.Need(t, sc)
	adm := sc.AdminT(t)
	acl := kadm.NewACLs().Allow("User:alice").AllowHosts().Clusters().Operations(kadm.OpDescribe).ResourcePatternType(kadm.ACLPatternLiteral)
	res, err := adm.CreateACLs(ctxT(t, 10*time.Second), acl)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	t.Cleanup(func() { _, _ = adm.DeleteACLs(context.Background(), acl) })
	cfg := config.Cluster{Name: "secure", Bootstrap: sc.Bootstrap(), ClientID: "gregor",
		SASL: &config.SASL{Mechanism: config.MechScramSHA256, Username: "alice", Password: "alice-pw-1234"}}
	cl, err := kafka.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	eventually(t, 20*time.Second, "ACL takes effect", func() error {
		in := seen(t, cl)
		if in.ControllerSource != "quorum" || in.ControllerID != 1 || in.Failed("quorum") {
			return fmt.Errorf("controller %d (%s), errors %+v", in.ControllerID, in.ControllerSource, in.Errors)
		}
		// DESCRIBE on the cluster is not DESCRIBE_CONFIGS: broker configs stay refused, and
		// the snapshot says which ACL is missing.
		if !slices.ContainsFunc(in.Errors, func(e snapshot.PartError) bool {
			return e.Part == "configs" && strings.Contains(e.Error, "grant DESCRIBE_CONFIGS on CLUSTER")
		}) {
			return fmt.Errorf("no configs authorization error: %+v", in.Errors)
		}
		return nil
	})
}

func testSCRAMConnect(t *testing.T) {
	testkit.Need(t, sc)
	const wrong = "not-the-Password-9f3a"
	cases := []struct {
		mech, user, pw string
		ok             bool
	}{
		{config.MechScramSHA512, testkit.AdminUser, testkit.AdminPassword, true},
		{config.MechScramSHA256, "alice", "alice-pw-1234", true},
		{config.MechScramSHA512, testkit.AdminUser, wrong, false},
		{config.MechScramSHA256, "alice", wrong, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%s/ok=%v", tc.mech, tc.user, tc.ok), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "gregor.yaml")
			yaml := fmt.Sprintf("clusters:\n  - name: secure\n    bootstrap: [%s]\n    sasl:\n      mechanism: %s\n      username: %s\n      password_env: SECURE_PW\n",
				sc.Bootstrap()[0], tc.mech, tc.user)
			if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Load(file, []string{"SECURE_PW=" + tc.pw})
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			cl, err := kafka.New(cfg.Clusters[0], log)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			err = cl.Connect(ctxT(t, 20*time.Second))
			if tc.ok {
				if err != nil {
					t.Fatalf("right password refused: %v", err)
				}
				in := seen(t, cl)
				if len(in.Brokers) != 1 || in.ClusterID != sc.ClusterID || in.Failed("metadata") {
					t.Fatalf("snapshot %+v", in)
				}
				wantSource := "quorum" // admin is a super user
				if tc.user != testkit.AdminUser {
					wantSource = "metadata" // alice has no ACL for DescribeQuorum yet
				}
				if in.ControllerSource != wantSource {
					t.Fatalf("controller source %q, want %q (errors %v)", in.ControllerSource, wantSource, in.Errors)
				}
				if wantSource == "metadata" && !slices.ContainsFunc(in.Errors, func(e snapshot.PartError) bool {
					return e.Part == "quorum" && strings.Contains(e.Error, "grant DESCRIBE on CLUSTER") && strings.Contains(e.Error, "CLUSTER_AUTHORIZATION_FAILED")
				}) {
					t.Fatalf("no quorum authorization error: %+v", in.Errors)
				}
				return
			}
			if err == nil {
				t.Fatal("wrong password accepted")
			}
			msg := err.Error()
			for _, want := range []string{`cluster "secure"`, "authentication failed", fmt.Sprintf("user %q with %s", tc.user, tc.mech), "SASL_AUTHENTICATION_FAILED"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, wrong) || strings.Contains(logs.String(), wrong) {
				t.Fatalf("password leaked:\nerr: %s\nlog: %s", msg, logs.String())
			}
		})
	}
}
