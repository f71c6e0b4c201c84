package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/testkit/burrowdist"
)

// BurrowEnv, set to 1, turns on the Burrow comparison in the lag scenarios. It needs Debian's
// burrow package (/usr/bin/Burrow) and a Kafka 3.x cluster: Burrow 1.2.1 sends ListOffsets v0,
// which Kafka 4 removed.
const BurrowEnv = "GREGOR_BURROW"

// Burrow is a running Burrow (with its ZooKeeper) watching one cluster as "local".
type Burrow struct {
	URL string
}

// StartBurrow starts ZooKeeper and Burrow for c; they are stopped when the test ends.
func StartBurrow(t testing.TB, c *Cluster) *Burrow {
	t.Helper()
	if _, err := os.Stat("/usr/bin/Burrow"); err != nil {
		t.Fatalf("the Burrow comparison needs Debian's burrow package: %v", err)
	}
	dir := t.TempDir()
	lib := filepath.Join(CacheDir(), "zookeeper-3.8.4")
	if _, err := os.Stat(filepath.Join(lib, ".complete")); err != nil {
		pom := filepath.Join(dir, "pom.xml")
		os.WriteFile(pom, burrowdist.POM, 0o644)
		out, err := exec.Command("mvn", "-B", "-q", "-f", pom, "dependency:copy-dependencies", "-DoutputDirectory="+lib).CombinedOutput()
		if err != nil {
			t.Fatalf("mvn zookeeper: %v\n%s", err, out)
		}
		os.WriteFile(filepath.Join(lib, ".complete"), nil, 0o644)
	}
	ports, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	zk := exec.Command("java", "-Dzookeeper.admin.enableServer=false", "-cp", filepath.Join(lib, "*"),
		"org.apache.zookeeper.server.ZooKeeperServerMain", fmt.Sprint(ports[0]), filepath.Join(dir, "zk"))
	zk.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	zkLog, err := os.Create(filepath.Join(dir, "zk.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer zkLog.Close()
	zk.Stdout, zk.Stderr = zkLog, zkLog
	if err := zk.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = zk.Process.Kill(); _ = zk.Wait() })
	var servers []string
	for _, a := range c.Bootstrap() {
		servers = append(servers, fmt.Sprintf("%q", a))
	}
	cfg := fmt.Sprintf(`[general]
pidfile=%q
[logging]
filename=%q
level="info"
[zookeeper]
servers=["127.0.0.1:%d"]
root-path="/burrow"
[client-profile.test]
client-id="burrow-test"
kafka-version="2.0.0"
[cluster.local]
class-name="kafka"
servers=[%s]
client-profile="test"
topic-refresh=5
offset-refresh=1
[consumer.local]
class-name="kafka"
cluster="local"
servers=[%s]
client-profile="test"
offsets-topic="__consumer_offsets"
start-latest=false
[httpserver.default]
address="127.0.0.1:%d"
[storage.default]
class-name="inmemory"
workers=20
intervals=5
expire-group=604800
min-distance=1
`, filepath.Join(dir, "burrow.pid"), filepath.Join(dir, "burrow.log"), ports[0], strings.Join(servers, ","), strings.Join(servers, ","), ports[1])
	os.WriteFile(filepath.Join(dir, "burrow.toml"), []byte(cfg), 0o644)
	for deadline := time.Now().Add(30 * time.Second); ; { // ZooKeeper's start
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", ports[0])); err == nil {
			c.Close()
			time.Sleep(3 * time.Second) // listening comes before serving sessions
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "zk.log"))
			t.Fatalf("ZooKeeper did not start:\n%s", tail(string(b), 2000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	b := exec.Command("/usr/bin/Burrow", "--config-dir", dir)
	b.Dir = dir
	b.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var out bytes.Buffer
	b.Stdout, b.Stderr = &out, &out
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Process.Kill(); _ = b.Wait() })
	u := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	for deadline := time.Now().Add(30 * time.Second); ; {
		if resp, err := http.Get(u + "/v3/kafka/local"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return &Burrow{URL: u}
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "burrow.log"))
			t.Fatalf("Burrow did not start:\n%s\n%s", out.String(), tail(string(log), 2000))
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// Statuses returns the group's status and every partition's status as Burrow says them
// (e.g. "OK", "WARN", "STOP", "STALL", "REWIND", "ERR"), or "NOTFOUND".
func (b *Burrow) Statuses(ctx context.Context, group string) (string, []string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.URL+"/v3/kafka/local/consumer/"+group+"/status", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "ERROR: " + err.Error(), nil
	}
	defer resp.Body.Close()
	var r struct {
		Status struct {
			Status     string `json:"status"`
			Partitions []struct {
				Status string `json:"status"`
			} `json:"partitions"`
			Maxlag *struct {
				Status string `json:"status"`
			} `json:"maxlag"`
		} `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Status.Status == "" {
		return "NOTFOUND", nil
	}
	var ps []string
	for _, p := range r.Status.Partitions {
		ps = append(ps, p.Status)
	}
	if r.Status.Maxlag != nil {
		ps = append(ps, r.Status.Maxlag.Status)
	}
	return r.Status.Status, ps
}
