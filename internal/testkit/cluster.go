package testkit

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// SCRAM credentials of the super user in clusters started with Options.SCRAM.
const (
	AdminUser     = "admin"
	AdminPassword = "admin-secret"
)

// Options describe a test cluster.
type Options struct {
	Nodes   int    // KRaft nodes, each broker+controller; default 3
	Version string // Kafka version; default KafkaVersion()
	// SCRAM turns on SASL_PLAINTEXT with SCRAM-SHA-256/512 on the client listener and the
	// StandardAuthorizer (deny when no ACL matches). AdminUser is a super user; Users are
	// extra SCRAM users (name -> password) created at format time.
	SCRAM bool
	Users map[string]string
	Dir   string // working folder; default a new temp folder
	// Detach lets the brokers outlive this process (make kafka-up); otherwise they are killed
	// when it dies.
	Detach bool
	Logf   func(format string, args ...any)
}

// Cluster is a running Kafka cluster on 127.0.0.1.
type Cluster struct {
	Version   string  `json:"version"`
	ClusterID string  `json:"cluster_id"`
	Dir       string  `json:"dir"`
	SCRAM     bool    `json:"scram"`
	Nodes     []*Node `json:"nodes"`

	dist Dist
	logf func(string, ...any)
}

// Node is one KRaft node (broker and controller).
type Node struct {
	ID             int32  `json:"id"`
	Port           int    `json:"port"`
	ControllerPort int    `json:"controller_port"`
	MetricsPort    int    `json:"metrics_port"`
	PID            int    `json:"pid"`
	Dir            string `json:"dir"`

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// Addr is the node's client listener.
func (n *Node) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(n.Port)) }

// MetricsURL is the node's JMX exporter endpoint.
func (n *Node) MetricsURL() string { return fmt.Sprintf("http://127.0.0.1:%d/metrics", n.MetricsPort) }

// LogFile is where the node's stdout and stderr go.
func (n *Node) LogFile() string { return filepath.Join(n.Dir, "server.log") }

// Start formats and starts a cluster and waits until every node serves clients and metrics.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	if o.Nodes <= 0 {
		o.Nodes = 3
	}
	if o.Version == "" {
		o.Version = KafkaVersion()
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if _, err := exec.LookPath("java"); err != nil {
		return nil, fmt.Errorf("a Kafka test cluster needs java on PATH: %w", err)
	}
	dist, err := EnsureDist(ctx, o.Version)
	if err != nil {
		return nil, err
	}
	dir := o.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "gregor-kafka-*"); err != nil {
			return nil, err
		}
	}
	// A port chosen free can still be taken before the broker binds it; such a start is
	// retried on new ports.
	for attempt := 1; ; attempt++ {
		c, err := startOnce(ctx, o, dist, dir)
		if err == nil {
			return c, c.saveState()
		}
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			return nil, err
		}
		o.Logf("retrying on other ports: %v", err)
	}
}

var errPortTaken = errors.New("a port was taken before the broker could bind it")

func startOnce(ctx context.Context, o Options, dist Dist, dir string) (*Cluster, error) {
	ports, err := freePorts(3 * o.Nodes)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Version: o.Version, ClusterID: newClusterID(), Dir: dir, SCRAM: o.SCRAM, dist: dist, logf: o.Logf}
	for i := 0; i < o.Nodes; i++ {
		n := &Node{ID: int32(i + 1), Port: ports[3*i], ControllerPort: ports[3*i+1], MetricsPort: ports[3*i+2],
			Dir: filepath.Join(dir, fmt.Sprintf("node-%d", i+1))}
		_ = os.RemoveAll(n.Dir)
		c.Nodes = append(c.Nodes, n)
	}
	for _, n := range c.Nodes {
		if err := c.format(ctx, n, o.Users); err != nil {
			return nil, err
		}
	}
	c.logf("starting Kafka %s, %d nodes in %s", o.Version, o.Nodes, dir)
	for _, n := range c.Nodes {
		if err := c.startNode(n, o.Detach); err != nil {
			c.Close()
			return nil, err
		}
	}
	if err := c.WaitReady(ctx, 3*time.Minute); err != nil {
		c.Close()
		for _, n := range c.Nodes {
			if b, _ := os.ReadFile(n.LogFile()); strings.Contains(string(b), "Address already in use") {
				return nil, fmt.Errorf("%w: node %d: %v", errPortTaken, n.ID, err)
			}
		}
		return nil, err
	}
	return c, nil
}

func (c *Cluster) format(ctx context.Context, n *Node, users map[string]string) error {
	if err := os.MkdirAll(filepath.Join(n.Dir, "data"), 0o755); err != nil {
		return err
	}
	props := filepath.Join(n.Dir, "server.properties")
	if err := os.WriteFile(props, []byte(c.serverProperties(n)), 0o644); err != nil {
		return err
	}
	args := append(c.jvmBase(), "kafka.tools.StorageTool", "format", "--cluster-id", c.ClusterID, "--config", props, "--ignore-formatted")
	if c.SCRAM {
		all := map[string]string{AdminUser: AdminPassword}
		for u, p := range users {
			all[u] = p
		}
		for u, p := range all {
			for _, mech := range []string{"SCRAM-SHA-256", "SCRAM-SHA-512"} {
				args = append(args, "--add-scram", fmt.Sprintf("%s=[name=%s,password=%s]", mech, u, p))
			}
		}
	}
	out, err := exec.CommandContext(ctx, "java", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("format node %d: %w\n%s", n.ID, err, tail(string(out), 3000))
	}
	return nil
}

func (c *Cluster) jvmBase() []string {
	args := []string{"-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
		"-Djava.awt.headless=true", "-cp", c.dist.Classpath()}
	if c.dist.Major() == 3 {
		return append(args, "-Dlog4j.configuration=file:"+filepath.Join(c.dist.Dir, "log4j.properties"))
	}
	return append(args, "-Dlog4j2.configurationFile="+filepath.Join(c.dist.Dir, "log4j2.properties"))
}

func (c *Cluster) startNode(n *Node, detach bool) error {
	agent, err := c.dist.JMXAgent()
	if err != nil {
		return err
	}
	args := append([]string{fmt.Sprintf("-javaagent:%s=127.0.0.1:%d:%s", agent, n.MetricsPort,
		filepath.Join(c.dist.Dir, "jmx-exporter.yaml"))}, c.jvmBase()...)
	args = append(args, "kafka.Kafka", filepath.Join(n.Dir, "server.properties"))
	logf, err := os.OpenFile(n.LogFile(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command("java", args...)
	cmd.Stdout, cmd.Stderr, cmd.Dir = logf, logf, n.Dir
	if detach {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	} else {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start node %d: %w", n.ID, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	n.mu.Lock()
	n.cmd, n.exited, n.PID = cmd, exited, cmd.Process.Pid
	n.mu.Unlock()
	return nil
}

// Node returns the node with the given id, or nil.
func (c *Cluster) Node(id int32) *Node {
	for _, n := range c.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// Bootstrap lists every node's client address.
func (c *Cluster) Bootstrap() []string {
	var out []string
	for _, n := range c.Nodes {
		out = append(out, n.Addr())
	}
	return out
}

// ClientOpts are kgo options reaching this cluster (as the admin user when SCRAM is on).
func (c *Cluster) ClientOpts() []kgo.Opt {
	opts := []kgo.Opt{kgo.SeedBrokers(c.Bootstrap()...), kgo.RequestTimeoutOverhead(5 * time.Second)}
	if c.SCRAM {
		opts = append(opts, kgo.SASL(scram.Auth{User: AdminUser, Pass: AdminPassword}.AsSha512Mechanism()))
	}
	return opts
}

// Admin returns a kadm client for this cluster; close it with Close.
func (c *Cluster) Admin(extra ...kgo.Opt) (*kadm.Client, error) {
	cl, err := kgo.NewClient(append(c.ClientOpts(), extra...)...)
	if err != nil {
		return nil, err
	}
	return kadm.NewClient(cl), nil
}

// AdminT is Admin for tests: it fails t on error and closes the client when t ends.
func (c *Cluster) AdminT(t testing.TB) *kadm.Client {
	t.Helper()
	adm, err := c.Admin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(adm.Close)
	return adm
}

// WaitReady waits until every running node is in the metadata and answers on its metrics port.
func (c *Cluster) WaitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cl, err := kgo.NewClient(c.ClientOpts()...)
	if err != nil {
		return err
	}
	defer cl.Close()
	var last error
	for {
		last = c.readyOnce(ctx, cl)
		if last == nil {
			return nil
		}
		for _, n := range c.Nodes {
			if !n.Running() && n.cmd != nil {
				return fmt.Errorf("node %d exited during start; log tail:\n%s", n.ID, c.LogTail(n.ID, 40))
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster not ready after %s: %v", timeout, last)
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// readyOnce sends a Metadata request straight to a broker: kadm's metadata calls go through
// franz-go's metadata cache, whose broker list can stay stale for minutes.
func (c *Cluster) readyOnce(ctx context.Context, cl *kgo.Client) error {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{}
	md, err := req.RequestWith(rctx, cl)
	if err != nil {
		return err
	}
	var ids []int32
	for _, b := range md.Brokers {
		ids = append(ids, b.NodeID)
	}
	for _, n := range c.Nodes {
		if !n.Running() && n.cmd != nil {
			continue
		}
		if !slices.Contains(ids, n.ID) {
			return fmt.Errorf("broker %d not in metadata yet (metadata lists %v)", n.ID, ids)
		}
		resp, err := http.Get(n.MetricsURL())
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("metrics of node %d: %s", n.ID, resp.Status)
		}
	}
	return nil
}

// Running reports whether the node's process is alive (as started by this process).
func (n *Node) Running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.exited == nil {
		return false
	}
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

func (n *Node) signal(sig syscall.Signal, wait time.Duration) error {
	n.mu.Lock()
	cmd, exited := n.cmd, n.exited
	n.mu.Unlock()
	if cmd == nil {
		return fmt.Errorf("node %d was not started here", n.ID)
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
		return nil
	case <-time.After(wait):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("node %d did not exit within %s of %v; killed", n.ID, wait, sig)
	}
}

// Kill sends SIGKILL to a node and waits for it to die.
func (c *Cluster) Kill(id int32) error { return c.mustNode(id).signal(syscall.SIGKILL, 10*time.Second) }

// Stop shuts a node down gracefully (SIGTERM), killing it after 60 s.
func (c *Cluster) Stop(id int32) error { return c.mustNode(id).signal(syscall.SIGTERM, 60*time.Second) }

// Restart starts a stopped or killed node again on its old ports and data, and waits for it.
func (c *Cluster) Restart(ctx context.Context, id int32) error {
	n := c.mustNode(id)
	if n.Running() {
		return fmt.Errorf("node %d is running", id)
	}
	if err := c.startNode(n, false); err != nil {
		return err
	}
	return c.WaitReady(ctx, 2*time.Minute)
}

func (c *Cluster) mustNode(id int32) *Node {
	n := c.Node(id)
	if n == nil {
		panic(fmt.Sprintf("testkit: no node %d", id))
	}
	return n
}

// LogTail returns the last lines of a node's log.
func (c *Cluster) LogTail(id int32, lines int) string {
	b, err := os.ReadFile(c.mustNode(id).LogFile())
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// Close kills every node started by this process. The folder is kept; RemoveAll deletes it.
func (c *Cluster) Close() {
	var wg sync.WaitGroup
	for _, n := range c.Nodes {
		if n.Running() {
			wg.Add(1)
			go func() { defer wg.Done(); _ = n.signal(syscall.SIGKILL, 10*time.Second) }()
		}
	}
	wg.Wait()
}

// RemoveAll deletes the cluster's folder (data and logs).
func (c *Cluster) RemoveAll() error { return os.RemoveAll(c.Dir) }

// StateFile is where Start records the cluster for `make kafka-down` and other processes.
func (c *Cluster) StateFile() string { return filepath.Join(c.Dir, "cluster.json") }

func (c *Cluster) saveState() error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(c.StateFile(), b, 0o644)
}

// LoadState reads a cluster recorded by Start in dir (for processes that did not start it).
func LoadState(dir string) (*Cluster, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cluster.json"))
	if err != nil {
		return nil, err
	}
	var c Cluster
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return &c, nil
}

// KillRecorded kills the processes recorded in a state file (those detached by kafka-up).
func (c *Cluster) KillRecorded() error {
	var errs []error
	for _, n := range c.Nodes {
		if n.PID <= 0 {
			continue
		}
		if err := syscall.Kill(n.PID, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("node %d (pid %d): %w", n.ID, n.PID, err))
		}
	}
	return errors.Join(errs...)
}

// newClusterID makes a random Kafka UUID; like Kafka, it never starts with '-' (command-line
// parsers would take it for a flag).
func newClusterID() string {
	for {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		if id := base64.RawURLEncoding.EncodeToString(b); id[0] != '-' {
			return id
		}
	}
}

// freePorts picks n distinct free TCP ports on 127.0.0.1 below the kernel's ephemeral range:
// ports from that range (what listening on :0 hands out) are also given to outgoing
// connections, which can take one between the check and the broker's bind.
func freePorts(n int) ([]int, error) {
	lo := ephemeralLow()
	if lo < 12000 {
		lo = 65536 // no room below: fall back to the kernel's choice (:0)
	}
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for tries := 0; len(ports) < n; tries++ {
		if tries > 10000 {
			return nil, fmt.Errorf("no free ports found")
		}
		addr := "127.0.0.1:0"
		if lo <= 65535 {
			addr = fmt.Sprintf("127.0.0.1:%d", 10000+mrand.IntN(lo-10000))
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// ephemeralLow is the first port of the kernel's ephemeral range (Linux), or 0 if unknown.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	lo, _ := strconv.Atoi(f[0])
	return lo
}
