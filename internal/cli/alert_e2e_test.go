package cli_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/notify"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// hookReceiver is a real HTTP receiver: it checks each webhook's HMAC and keeps the alerts.
type hookReceiver struct {
	mu     sync.Mutex
	alerts []notify.Alert
	bad    []string
}

func (h *hookReceiver) handler(secret string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		var p notify.WebhookPayload
		err := json.Unmarshal(body, &p)
		h.mu.Lock()
		defer h.mu.Unlock()
		if r.Header.Get("X-Gregor-Signature") != "sha256="+hex.EncodeToString(m.Sum(nil)) || err != nil {
			h.bad = append(h.bad, string(body))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.alerts = append(h.alerts, p.Alerts...)
	}
}

// count is how many notifications of alertname with status arrived, and the last one.
func (h *hookReceiver) count(alertname, status string) (int, notify.Alert) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, last := 0, notify.Alert{}
	for _, a := range h.alerts {
		if a.Labels["alertname"] == alertname && a.Status == status {
			n, last = n+1, a
		}
	}
	return n, last
}

// mailsWith counts the messages holding the line "[STATUS] severity – title" of an alert.
func mailsWith(s *testkit.SMTP, status string, a notify.Alert) int {
	n := 0
	for _, m := range s.Messages() {
		if strings.Contains(mailBody(m), "["+strings.ToUpper(status)+"] "+a.Severity+" – "+a.Title) {
			n++
		}
	}
	return n
}

// mailBody is a message's decoded text.
func mailBody(m testkit.Mail) string {
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return ""
	}
	var r io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, _ := io.ReadAll(r)
	return string(b)
}

// TestAlertKillBroker is the alerting path end to end on the real cluster, the real binary
// and real receivers (an HTTP server checking HMAC signatures, an SMTP server with STARTTLS
// and AUTH): a killed broker makes the under-replicated alert fire within two cycles, by
// webhook and email with the evidence; Gregor restarted meanwhile sends nothing twice; the
// broker back makes one resolved notification arrive on each.
func TestAlertKillBroker(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	adm := kc.AdminT(t)
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, "alert-e2e"); err != nil {
		t.Fatal(err)
	}
	hook := &hookReceiver{}
	hs := httptest.NewServer(hook.handler("hook-k3y"))
	defer hs.Close()
	mail := testkit.StartSMTP(t, testkit.SMTPOptions{User: "gregor", Password: "smtp-s3cret"})
	const interval = 2 * time.Second
	cfg := writeConfig(t, fmt.Sprintf(`collect: {interval: 2s}
alerting:
  receivers:
    - {name: hook, type: webhook, url: '%s/hook', secret_env: HOOK_KEY, retries: 1}
    - name: mail
      type: email
      min_severity: warning
      smtp: {host: 127.0.0.1, port: %d, from: gregor@example.org, to: [oncall@example.org], username: gregor, password_env: SMTP_PW, ca_file: '%s'}
clusters:
  - name: local
    bootstrap: [%s]
`, hs.URL, mail.Port, mail.CAFile, strings.Join(kc.Bootstrap(), ", ")))
	dataDir := t.TempDir()
	env := []string{"HOOK_KEY=hook-k3y", "SMTP_PW=smtp-s3cret"}
	p := startGregor(t, env, "--config", cfg, "--data-dir", dataDir)
	waitReady(t, p)
	const alertname = "cluster.under_replicated"
	if n, _ := hook.count(alertname, "firing"); n != 0 {
		t.Fatalf("under-replicated alert before any broker died")
	}

	victim := kc.Nodes[2].ID
	if err := kc.Kill(victim); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = kc.Restart(ctx, victim)
		}
	}()
	// When Gregor first saw under-replicated partitions, and when the alert arrived.
	var seen, fired time.Time
	var firing notify.Alert
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && fired.IsZero() {
		if seen.IsZero() && underReplicated(p.URL) > 0 {
			seen = time.Now()
		}
		if n, a := hook.count(alertname, "firing"); n > 0 {
			fired, firing = time.Now(), a
		}
		time.Sleep(100 * time.Millisecond)
	}
	if fired.IsZero() || seen.IsZero() {
		t.Fatalf("no firing alert within 90s of killing broker %d (seen URP at %v)\n%s", victim, seen, p.stderr.String())
	}
	if lag := fired.Sub(seen); lag > 2*interval+time.Second {
		t.Fatalf("the alert came %s after Gregor saw the partitions under-replicated: more than two cycles", lag)
	}
	t.Logf("alert fired %s after the API showed under-replicated partitions", fired.Sub(seen).Round(100*time.Millisecond))
	if firing.Severity != "warning" || firing.Labels["cluster"] != "local" || !strings.Contains(firing.Title, "under-replicated") ||
		len(firing.Evidence) == 0 || firing.Fix == "" {
		t.Fatalf("firing alert without its evidence: %+v", firing)
	}
	// gregor doctor prints the findings with evidence and fix, and exits 5: a broker is down.
	out, code := runCLI(t, p.URL, "doctor", "--cluster", "local")
	if code != 5 || !strings.Contains(out, "broker.unreachable") || !strings.Contains(out, alertname) ||
		!strings.Contains(out, "fix: ") || !strings.Contains(out, "- partitions = 3") {
		t.Fatalf("gregor doctor exit %d:\n%s", code, out)
	}
	waitFor(t, 30*time.Second, "the firing email", func() bool { return mailsWith(mail, "firing", firing) > 0 })
	for _, m := range mail.Messages() {
		if m.User != "gregor" || !m.TLS || m.To[0] != "oncall@example.org" {
			t.Fatalf("email: user %q tls %v to %v", m.User, m.TLS, m.To)
		}
		if body := mailBody(m); strings.Contains(body, firing.Title) && !strings.Contains(body, firing.Evidence[0]) {
			t.Fatalf("the email lacks the evidence %q:\n%s", firing.Evidence[0], body)
		}
	}

	// Restart Gregor while the alert fires: nothing is sent twice, the alert is still firing.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p.done; err != nil {
		t.Fatalf("gregor exit: %v", err)
	}
	p.done <- nil
	p2 := startGregor(t, env, "--config", cfg, "--data-dir", dataDir)
	waitReady(t, p2)
	time.Sleep(4 * interval)
	var alerts struct {
		Items []struct {
			State  string            `json:"state"`
			Labels map[string]string `json:"labels"`
		} `json:"items"`
	}
	if err := getJSON(p2.URL+"/api/v1/alerts?state=firing", &alerts); err != nil {
		t.Fatal(err)
	}
	still := false
	for _, a := range alerts.Items {
		still = still || a.Labels["alertname"] == alertname
	}
	if n, _ := hook.count(alertname, "firing"); n != 1 || !still || mailsWith(mail, "firing", firing) != 1 {
		t.Fatalf("after a restart: %d firing webhooks, %d firing emails (want 1 each), still firing %v", n, mailsWith(mail, "firing", firing), still)
	}

	// The broker back: one resolved notification each.
	if err := kc.Restart(ctx, victim); err != nil {
		t.Fatal(err)
	}
	restarted = true
	waitFor(t, 2*time.Minute, "the resolved webhook", func() bool { n, _ := hook.count(alertname, "resolved"); return n > 0 })
	_, resolved := hook.count(alertname, "resolved")
	if resolved.Fingerprint != firing.Fingerprint || resolved.EndsAt.IsZero() {
		t.Fatalf("resolved %+v, firing %+v", resolved, firing)
	}
	waitFor(t, 30*time.Second, "the resolved email", func() bool { return mailsWith(mail, "resolved", resolved) > 0 })
	time.Sleep(3 * interval)
	if n, _ := hook.count(alertname, "resolved"); n != 1 || mailsWith(mail, "resolved", resolved) != 1 {
		t.Fatalf("%d resolved webhooks and %d resolved emails, want 1 each", n, mailsWith(mail, "resolved", resolved))
	}
	if len(hook.bad) > 0 {
		t.Fatalf("webhooks with a bad signature: %v", hook.bad)
	}
	if strings.Contains(p.stderr.String()+p2.stderr.String(), "smtp-s3cret") || strings.Contains(p.stderr.String()+p2.stderr.String(), "hook-k3y") {
		t.Fatal("a secret is in the log")
	}
}

func underReplicated(url string) int {
	var c struct {
		Stats struct {
			UnderReplicated int `json:"under_replicated"`
		} `json:"stats"`
	}
	if getJSON(url+"/api/v1/clusters/local", &c) != nil {
		return 0
	}
	return c.Stats.UnderReplicated
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not come within %s", what, d)
}

// runCLI runs a client command as the admin and returns its output and exit code.
func runCLI(t *testing.T, url string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, append(args, "--server", url)...)
	cmd.Env = append(os.Environ(), "GREGOR_USER=admin", "GREGOR_PASSWORD="+adminPassword, "GREGOR_TOKEN=")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}
