package testkit

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// AlertmanagerSkipEnv, when set to 1, makes StartAlertmanager skip the test.
const AlertmanagerSkipEnv = "GREGOR_SKIP_ALERTMANAGER"

// alertmanagerBin is where Debian's prometheus-alertmanager package puts the binary.
var alertmanagerBin = "/usr/bin/prometheus-alertmanager"

// StartAlertmanager starts a real Prometheus Alertmanager (one "null" receiver, clustering
// off) on a free 127.0.0.1 port and returns its base URL; it is killed when the test ends.
// Without the binary the test fails, asking for the package, unless GREGOR_SKIP_ALERTMANAGER=1,
// which skips it.
func StartAlertmanager(t testing.TB) string {
	t.Helper()
	if os.Getenv(AlertmanagerSkipEnv) == "1" {
		t.Skip("testkit: " + AlertmanagerSkipEnv + "=1: skipping the Alertmanager test")
	}
	bin := alertmanagerBin
	if _, err := os.Stat(bin); err != nil {
		p, lerr := exec.LookPath("alertmanager")
		if lerr != nil {
			t.Fatalf("testkit: Alertmanager is not installed (%v): apt-get install -y prometheus-alertmanager, "+
				"or set %s=1 to skip these tests", err, AlertmanagerSkipEnv)
		}
		bin = p
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, []byte("route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	for range 5 { // another process may take the port between the check and the bind
		ports, err := freePorts(1)
		if err != nil {
			t.Fatal(err)
		}
		u := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
		logFile := filepath.Join(dir, fmt.Sprintf("alertmanager-%d.log", ports[0]))
		if ok := runAlertmanager(t, bin, cfg, dir, logFile, ports[0]); ok {
			return u
		}
		b, _ := os.ReadFile(logFile)
		log.WriteString(tail(string(b), 2000))
		if !strings.Contains(string(b), "address already in use") {
			break
		}
	}
	t.Fatalf("testkit: Alertmanager did not start:\n%s", log.String())
	return ""
}

// runAlertmanager starts the binary and waits until /-/ready answers 200; false if it exits
// or is not ready within 30s.
func runAlertmanager(t testing.TB, bin, cfg, dir, logFile string, port int) bool {
	out, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.path="+filepath.Join(dir, fmt.Sprint("data-", port)),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port), "--cluster.listen-address=")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("testkit: %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })
	ready := fmt.Sprintf("http://127.0.0.1:%d/-/ready", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		select {
		case <-done:
			return false
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := http.Get(ready); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
	}
	return false
}
