package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

var (
	kc     *testkit.Cluster
	sc     *testkit.Cluster // one node with SASL/SCRAM and ACLs
	binary string
)

// TestMain builds the real gregor binary once and starts a real 3-node cluster and a 1-node
// SCRAM one.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gregor-bin-*")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "gregor")
	if out, err := exec.Command("go", "build", "-o", binary, "github.com/gregor-kafka/gregor/cmd/gregor").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build gregor: %v\n%s", err, out)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	testkit.Main(m, func(cs []*testkit.Cluster) { kc, sc = cs[0], cs[1] }, testkit.Options{Nodes: 3}, testkit.Options{Nodes: 1, SCRAM: true})
}

// proc is a running gregor process.
type proc struct {
	cmd    *exec.Cmd
	URL    string
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startGregor runs `gregor serve args...` on a free port and waits for its URL.
func startGregor(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	args = append([]string{"serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir()}, args...)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), "GREGOR_ADMIN_PASSWORD="+adminPassword), env...)
	p := &proc{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			fmt.Fprintln(p.stdout, sc.Text())
			if u, ok := strings.CutPrefix(sc.Text(), "Gregor is serving on "); ok {
				urls <- u
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("gregor stderr:\n%s", p.stderr.String())
		}
	})
	select {
	case p.URL = <-urls:
	case err := <-p.done:
		t.Fatalf("gregor exited: %v\n%s", err, p.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("gregor did not start\n%s", p.stderr.String())
	}
	return p
}

type clustersResp struct {
	Clusters []struct {
		Name             string `json:"name"`
		Status           string `json:"status"`
		Error            string `json:"error"`
		ClusterID        string `json:"cluster_id"`
		ControllerID     int32  `json:"controller_id"`
		ControllerSource string `json:"controller_source"`
		Brokers          []struct {
			ID   int32  `json:"id"`
			Host string `json:"host"`
			Port int    `json:"port"`
			Rack string `json:"rack"`
		} `json:"brokers"`
	} `json:"clusters"`
}

// waitReady waits for /readyz: every cluster collected once.
func waitReady(t *testing.T, p *proc) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(p.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("not ready within 30s\n%s", p.stderr.String())
}

const adminPassword = "test-admin-pw"

// getJSON GETs an API path as the admin.
func getJSON(url string, out any) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.SetBasicAuth("admin", adminPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func getClusters(url string) (clustersResp, error) {
	var out clustersResp
	return out, getJSON(url+"/api/v1/clusters", &out)
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "gregor.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeRealCluster: gregor configured for the real cluster lists its 3 brokers and the
// controller that the brokers' own JMX metrics name as active.
func TestServeRealCluster(t *testing.T) {
	testkit.Need(t, kc)
	cfg := writeConfig(t, fmt.Sprintf("clusters:\n  - name: local\n    bootstrap: [%s]\n", strings.Join(kc.Bootstrap(), ", ")))
	p := startGregor(t, nil, "--config", cfg)
	waitReady(t, p)
	got, err := getClusters(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Clusters) != 1 {
		t.Fatalf("clusters: %+v", got)
	}
	c := got.Clusters[0]
	if c.Name != "local" || c.Status != "ok" || c.ClusterID != kc.ClusterID || len(c.Brokers) != 3 {
		t.Fatalf("cluster: %+v", c)
	}
	for i, b := range c.Brokers {
		n := kc.Nodes[i]
		if b.ID != n.ID || b.Port != n.Port || b.Host != "127.0.0.1" || b.Rack != fmt.Sprintf("rack-%d", n.ID) {
			t.Fatalf("broker %+v, node %+v", b, n)
		}
	}
	var active []int32
	for _, n := range kc.Nodes {
		m, err := scrape.Fetch(context.Background(), http.DefaultClient, n.MetricsURL())
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := m.Sum("kafka_controller_kafkacontroller_activecontrollercount"); v == 1 {
			active = append(active, n.ID)
		}
	}
	if len(active) != 1 || c.ControllerID != active[0] || c.ControllerSource != "quorum" {
		t.Fatalf("controller %d (%s), JMX active controllers %v", c.ControllerID, c.ControllerSource, active)
	}
	resp, err := http.Get(p.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz %s", resp.Status)
	}
}

// TestServeDemo: `gregor serve --demo` with no config answers with 3 brokers within seconds.
func TestServeDemo(t *testing.T) {
	start := time.Now()
	p := startGregor(t, []string{"GREGOR_CONFIG="}, "--demo")
	for {
		got, err := getClusters(p.URL)
		if err == nil && len(got.Clusters) == 1 && got.Clusters[0].Status == "ok" && len(got.Clusters[0].Brokers) == 3 {
			if got.Clusters[0].Name != "demo" {
				t.Fatalf("demo cluster named %q", got.Clusters[0].Name)
			}
			t.Logf("demo answered with 3 brokers %s after start", time.Since(start).Round(time.Millisecond))
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("no 3-broker answer within 5s: %+v %v", got, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServeUnreachableCluster: a cluster nobody listens on is reported with its error and
// does not stop the server or the other clusters.
func TestServeUnreachableCluster(t *testing.T) {
	cfg := writeConfig(t, "collect:\n  timeout: 2s\nclusters:\n  - name: gone\n    bootstrap: [127.0.0.1:1]\n")
	p := startGregor(t, nil, "--config", cfg, "--demo")
	start := time.Now()
	waitReady(t, p)
	if took := time.Since(start); took > 6*time.Second {
		t.Fatalf("one dead cluster stalled start-up for %s (collect.timeout is 2s)", took)
	}
	got, err := getClusters(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Clusters) != 2 {
		t.Fatalf("%+v", got)
	}
	gone, demo := got.Clusters[0], got.Clusters[1]
	if gone.Status != "unreachable" || !strings.Contains(gone.Error, `cluster "gone"`) {
		t.Fatalf("gone: %+v", gone)
	}
	if demo.Status != "ok" || len(demo.Brokers) != 3 {
		t.Fatalf("demo: %+v", demo)
	}
}

// TestServeRefusesBadStart: a bad config or no cluster exits 2 with the reason, before serving.
func TestServeRefusesBadStart(t *testing.T) {
	bad := writeConfig(t, "clusters:\n  - name: a\n    bootstrp: [h:1]\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--config", bad}, bad + ":3: clusters[0].bootstrp: unknown key (expected one of: bootstrap, checks, client_id, clients, labels, metrics, name, regions, sasl, tls)"},
		{[]string{"serve"}, "gregor: no cluster configured: give --config FILE (or GREGOR_CONFIG), or run with --demo"},
		{[]string{"serve", "--listen"}, "flag needs an argument: -listen"},
		{[]string{"serve", "extra"}, "gregor serve: unexpected arguments: [extra]"},
		{[]string{"frobnicate"}, `gregor: unknown command "frobnicate"`},
	} {
		cmd := exec.Command(binary, tc.args...)
		cmd.Env = append(os.Environ(), "GREGOR_CONFIG=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Fatalf("%v: exit %v, want 2\n%s", tc.args, err, stderr.String())
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Fatalf("%v: stderr\n%s\nlacks %q", tc.args, stderr.String(), tc.want)
		}
	}
}

// TestServeGracefulShutdown: SIGTERM ends gregor with exit code 0.
func TestServeGracefulShutdown(t *testing.T) {
	p := startGregor(t, nil, "--demo")
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.stderr.String())
		}
		p.done <- nil // for the cleanup
	case <-time.After(15 * time.Second):
		t.Fatal("gregor did not stop within 15s of SIGTERM")
	}
	if !strings.Contains(p.stderr.String(), "shutting down") {
		t.Fatalf("no shutdown log:\n%s", p.stderr.String())
	}
}

// TestServeAdminBootstrap: a real deployment refuses to start without GREGOR_ADMIN_PASSWORD;
// --demo makes a password, prints it, and it logs in.
func TestServeAdminBootstrap(t *testing.T) {
	cfg := writeConfig(t, "clusters:\n  - name: x\n    bootstrap: [127.0.0.1:1]\n")
	cmd := exec.Command(binary, "serve", "--config", cfg, "--listen", "127.0.0.1:0", "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "GREGOR_ADMIN_PASSWORD=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "GREGOR_ADMIN_PASSWORD") {
		t.Fatalf("exit %v, stderr:\n%s", err, stderr.String())
	}

	p := startGregor(t, []string{"GREGOR_ADMIN_PASSWORD="}, "--demo")
	var pw string
	for _, l := range strings.Split(p.stdout.String(), "\n") {
		if rest, ok := strings.CutPrefix(l, "Created user admin with password "); ok {
			pw, _, _ = strings.Cut(rest, " ")
		}
	}
	if len(pw) < 20 {
		t.Fatalf("no generated password on stdout:\n%s", p.stdout.String())
	}
	if strings.Contains(p.stderr.String(), pw) {
		t.Fatal("the generated password is in the log")
	}
	body := fmt.Sprintf(`{"user":"admin","password":%q}`, pw)
	resp, err := http.Post(p.URL+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(resp.Cookies()) != 1 {
		t.Fatalf("login with the printed password: %s", resp.Status)
	}
	resp, err = http.Get(p.URL + "/api/v1/clusters")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous API call: %s", resp.Status)
	}
}

// TestServeMetricsAndHistory: /metrics (no user needed) exposes gregor_ series for the demo
// cluster, and the history store answers a chart query with the rates of the last seconds.
func TestServeMetricsAndHistory(t *testing.T) {
	cfg := writeConfig(t, "collect:\n  interval: 1s\n")
	p := startGregor(t, nil, "--config", cfg, "--demo")
	waitReady(t, p)
	time.Sleep(3500 * time.Millisecond) // a few cycles
	resp, err := http.Get(p.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`gregor_cluster_topics{cluster="demo"} 5`, `gregor_cluster_brokers_reachable{cluster="demo"} 3`,
		`gregor_collect_cycles_total{cluster="demo"}`, `gregor_group_lag_messages{cluster="demo",group="billing"}`, `gregor_group_status{cluster="demo",group="billing",status=`, "go_goroutines"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	var q struct {
		Points []struct {
			Avg float64 `json:"avg"`
		} `json:"points"`
	}
	if err := getJSON(p.URL+"/api/v1/metrics/query?entity=topic:demo/clickstream&metric=messages_in_per_sec&from=-1m&step=1s", &q); err != nil {
		t.Fatal(err)
	}
	if len(q.Points) < 2 {
		t.Fatalf("history points: %+v", q.Points)
	}
	for _, pt := range q.Points {
		if pt.Avg <= 0 || pt.Avg > 200 {
			t.Fatalf("clickstream rate %v msg/s; the demo writes about 30", pt.Avg)
		}
	}
}

// TestServeAPIMatchesKafka: on the real cluster, the API's topics, topic, groups, group and
// brokers answers equal what Kafka says through kadm, and the CLI prints them.
func TestServeAPIMatchesKafka(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	adm := kc.AdminT(t)
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, "payments.v1"); err != nil {
		t.Fatal(err)
	}
	prod, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic("payments.v1"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	for i := range 90 { // 30 per partition
		r := kgo.StringRecord(fmt.Sprint(i))
		r.Partition = int32(i % 3)
		if err := prod.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	offs := kadm.Offsets{}
	offs.Add(kadm.Offset{Topic: "payments.v1", Partition: 1, At: 2, LeaderEpoch: -1})
	if _, err := adm.CommitOffsets(ctx, "ledger", offs); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, fmt.Sprintf("collect:\n  interval: 1s\nclusters:\n  - name: local\n    bootstrap: [%s]\n", strings.Join(kc.Bootstrap(), ", ")))
	p := startGregor(t, nil, "--config", cfg)
	waitReady(t, p)

	ends, err := adm.ListEndOffsets(ctx, "payments.v1")
	if err != nil {
		t.Fatal(err)
	}
	md, err := adm.Metadata(ctx, "payments.v1")
	if err != nil {
		t.Fatal(err)
	}
	type part struct {
		ID        int32   `json:"id"`
		Leader    int32   `json:"leader"`
		Replicas  []int32 `json:"replicas"`
		ISR       []int32 `json:"isr"`
		EndOffset int64   `json:"end_offset"`
	}
	var topic struct {
		Partitions []part `json:"partitions"`
		Groups     []struct {
			ID  string `json:"id"`
			Lag int64  `json:"lag"`
		} `json:"groups"`
	}
	// Cycles run every second; wait for one that has the new topic's offsets.
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := getJSON(p.URL+"/api/v1/clusters/local/topics/payments.v1", &topic)
		if err == nil && len(topic.Partitions) == 3 && topic.Partitions[2].EndOffset == ends["payments.v1"][2].Offset && len(topic.Groups) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("topic never matched: %+v %v", topic, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	var total int64
	for _, kp := range md.Topics["payments.v1"].Partitions.Sorted() {
		gp := topic.Partitions[kp.Partition]
		e := ends["payments.v1"][kp.Partition].Offset
		total += e
		if gp.Leader != kp.Leader || !slices.Equal(gp.Replicas, kp.Replicas) || !slices.Equal(gp.ISR, kp.ISR) || gp.EndOffset != e {
			t.Fatalf("partition %d: api %+v, kafka %+v end %d", kp.Partition, gp, kp, e)
		}
	}
	wantLag := ends["payments.v1"][1].Offset - 2
	if total != 90 || topic.Groups[0].ID != "ledger" || topic.Groups[0].Lag != wantLag {
		t.Fatalf("total %d, groups %+v, want lag %d", total, topic.Groups, wantLag)
	}

	var list struct {
		Total int `json:"total"`
		Items []struct {
			Name       string `json:"name"`
			Partitions int    `json:"partitions"`
			Messages   int64  `json:"messages"`
		} `json:"items"`
	}
	if err := getJSON(p.URL+"/api/v1/clusters/local/topics?q=payments&internal=false", &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || list.Items[0].Partitions != 3 || list.Items[0].Messages != 90 {
		t.Fatalf("topics list %+v", list)
	}
	var group struct {
		State      string `json:"state"`
		Partitions []struct {
			Topic     string `json:"topic"`
			Partition int32  `json:"partition"`
			Committed *int64 `json:"committed"`
			Lag       *int64 `json:"lag"`
		} `json:"partitions"`
	}
	if err := getJSON(p.URL+"/api/v1/clusters/local/groups/ledger", &group); err != nil {
		t.Fatal(err)
	}
	described, err := adm.DescribeGroups(ctx, "ledger")
	if err != nil {
		t.Fatal(err)
	}
	gp := group.Partitions
	if group.State != described["ledger"].State || len(gp) != 1 || gp[0].Partition != 1 || *gp[0].Committed != 2 || *gp[0].Lag != wantLag {
		t.Fatalf("group %+v, kafka state %q", group, described["ledger"].State)
	}
	var brokers struct {
		Brokers []struct {
			ID      int32 `json:"id"`
			LogDirs []struct {
				TotalBytes int64 `json:"total_bytes"`
			} `json:"log_dirs"`
			Stats struct {
				Replicas int `json:"replicas"`
			} `json:"stats"`
		} `json:"brokers"`
	}
	if err := getJSON(p.URL+"/api/v1/clusters/local/brokers", &brokers); err != nil {
		t.Fatal(err)
	}
	if len(brokers.Brokers) != 3 {
		t.Fatalf("brokers %+v", brokers)
	}
	for _, b := range brokers.Brokers {
		if len(b.LogDirs) != 1 || b.LogDirs[0].TotalBytes <= 0 || b.Stats.Replicas < 3 {
			t.Fatalf("broker %+v", b)
		}
	}

	// The CLI, as a script would run it.
	cmd := exec.Command(binary, "describe-group", "ledger", "--server", p.URL)
	cmd.Env = append(os.Environ(), "GREGOR_USER=admin", "GREGOR_PASSWORD="+adminPassword, "GREGOR_TOKEN=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "payments.v1") || strings.Contains(string(out), adminPassword) {
		t.Fatalf("gregor describe-group: %v\n%s", err, out)
	}
	cmd = exec.Command(binary, "describe-topic", "nope", "--server", p.URL)
	cmd.Env = append(os.Environ(), "GREGOR_USER=admin", "GREGOR_PASSWORD="+adminPassword, "GREGOR_TOKEN=")
	out, err = cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), `no topic "nope" in cluster "local"`) {
		t.Fatalf("describe-topic of a missing topic: %v\n%s", err, out)
	}
}

// TestServeLagStatuses: on the demo, the stopped group is STOP, the lagging one WARN (falling
// behind), the healthy one OK — through the API, /metrics and `gregor lag`.
func TestServeLagStatuses(t *testing.T) {
	cfg := writeConfig(t, "collect:\n  interval: 1s\nlag:\n  window: 5\n")
	p := startGregor(t, nil, "--config", cfg, "--demo")
	waitReady(t, p)
	want := map[string]string{"billing": "STOP", "analytics": "WARN", "order-service": "OK"}
	start := time.Now()
	took := map[string]time.Duration{}
	for len(took) < len(want) {
		for g, status := range want {
			if _, done := took[g]; done {
				continue
			}
			var rep struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
			}
			err := getJSON(p.URL+"/api/v1/clusters/demo/groups/"+g+"/lag", &rep)
			if err == nil && rep.Status == status && !strings.Contains(rep.Reason, "no partitions") && !strings.Contains(rep.Reason, "-1") {
				took[g] = time.Since(start)
				t.Logf("%s: %s after %s (%s)", g, status, took[g].Round(time.Second), rep.Reason)
			}
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("statuses not reached within 30s; reached %v", took)
		}
		time.Sleep(250 * time.Millisecond)
	}
	cmd := exec.Command(binary, "lag", "billing", "--server", p.URL)
	cmd.Env = append(os.Environ(), "GREGOR_USER=admin", "GREGOR_PASSWORD="+adminPassword, "GREGOR_TOKEN=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "STOP") || !strings.Contains(string(out), "payments") {
		t.Fatalf("gregor lag billing: %v\n%s", err, out)
	}
	resp, err := http.Get(p.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `gregor_group_status{cluster="demo",group="billing",status="STOP"} 1`) ||
		!strings.Contains(string(b), `gregor_group_lag_seconds{cluster="demo",group="analytics"}`) {
		t.Fatal("/metrics lacks the lag status or lag seconds")
	}
}
