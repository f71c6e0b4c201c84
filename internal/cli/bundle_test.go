package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gregor-kafka/gregor/internal/bundle"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// TestBundleRedactsSecrets: `gregor bundle` of a SASL/SCRAM cluster, with an SMTP password and
// a webhook key configured, writes an archive whose manifest lists every file (sizes and
// hashes match) and in which no configured secret appears anywhere.
func TestBundleRedactsSecrets(t *testing.T) {
	testkit.Need(t, sc)
	smtp := testkit.StartSMTP(t, testkit.SMTPOptions{User: "gregor", Password: "Smtp-Pa55-bundle"})
	cfg := writeConfig(t, fmt.Sprintf(`collect: {interval: 2s}
alerting:
  receivers:
    - {name: hook, type: webhook, url: 'http://127.0.0.1:9/hooks/T0KEN-in-url', secret_env: HOOK_KEY}
    - name: mail
      type: email
      smtp: {host: 127.0.0.1, port: %d, from: gregor@example.org, to: [ops@example.org], username: gregor, password_env: SMTP_PW, ca_file: '%s'}
clusters:
  - name: secure
    bootstrap: [%s]
    sasl: {mechanism: SCRAM-SHA-512, username: %s, password_env: KAFKA_PW}
`, smtp.Port, smtp.CAFile, strings.Join(sc.Bootstrap(), ", "), testkit.AdminUser))
	secrets := []string{testkit.AdminPassword, "Smtp-Pa55-bundle", "H00k-K3y-bundle", "T0KEN-in-url", adminPassword}
	p := startGregor(t, []string{"KAFKA_PW=" + testkit.AdminPassword, "SMTP_PW=Smtp-Pa55-bundle", "HOOK_KEY=H00k-K3y-bundle"},
		"--config", cfg)
	waitReady(t, p)
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	out, code := runCLI(t, p.URL, "bundle", "--cluster", "secure", "--hours", "1", "--out", file)
	if code != 0 || !strings.Contains(out, "wrote "+file) {
		t.Fatalf("gregor bundle exit %d:\n%s", code, out)
	}
	files := untar(t, file)
	var m bundle.Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"gregor.json", "config.json", "cluster.json", "broker-configs.json", "topics.json", "groups.json",
		"lag.json", "findings.json", "alerts.json", "silences.json", "notifications.json", "history.json", "gregor.log"}
	listed := map[string]bool{}
	for _, e := range m.Files {
		data, ok := files[e.Name]
		sum := sha256.Sum256(data)
		if !ok || len(data) != e.Bytes || hex.EncodeToString(sum[:]) != e.SHA256 || e.Description == "" {
			t.Fatalf("manifest entry %+v does not match the archive (present %v, %d bytes)", e, ok, len(data))
		}
		listed[e.Name] = true
	}
	for _, w := range want {
		if !listed[w] {
			t.Fatalf("%s missing from the manifest %+v (errors %v)", w, m.Files, m.Errors)
		}
	}
	if len(files) != len(m.Files)+1 || m.Cluster != "secure" {
		t.Fatalf("%d files in the archive, %d in the manifest (cluster %q)", len(files), len(m.Files), m.Cluster)
	}
	if !bytes.Contains(files["config.json"], []byte(testkit.AdminUser)) || !bytes.Contains(files["cluster.json"], []byte(`"kafka_version"`)) ||
		!bytes.Contains(files["gregor.log"], []byte("gregor serving")) {
		t.Fatalf("the bundle lacks what it should hold:\nconfig %s\nlog %s", files["config.json"], files["gregor.log"])
	}
	for name, data := range files {
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Fatalf("%s holds the secret %q", name, s)
			}
		}
	}
	// A viewer-level failure mode: a cluster that does not exist.
	if out, code := runCLI(t, p.URL, "bundle", "--cluster", "nope", "--out", filepath.Join(t.TempDir(), "x")); code != 1 || !strings.Contains(out, `no cluster named "nope"`) {
		t.Fatalf("bundle of a missing cluster: exit %d\n%s", code, out)
	}
}

func untar(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files, err := bundle.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return files
}
