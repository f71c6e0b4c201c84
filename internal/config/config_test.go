package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "gregor.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const good = `
server:
  listen: 0.0.0.0:9000
collect:
  interval: 30s
clusters:
  - name: prod-eu
    bootstrap: [b1:9092, "b2:9092"]
    labels: {env: prod, app.kubernetes.io/part-of: kafka}
    tls:
      server_name: kafka.internal
    sasl:
      mechanism: SCRAM-SHA-512
      username: gregor
      password_env: PROD_PW
    metrics:
      template: http://{host}:7071/metrics
      urls:
        3: http://special:7071/metrics
`

func TestLoadGood(t *testing.T) {
	cfg, err := Load(write(t, good), []string{"PROD_PW=s3cret", "GREGOR_LOG__LEVEL=debug", "GREGOR_COLLECT__TIMEOUT=3s", "GREGOR_SERVER=http://x"})
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Clusters[0]
	if cfg.Server.Listen != "0.0.0.0:9000" || cfg.Server.DataDir != "./gregor-data" || cfg.Log.Level != "debug" ||
		cfg.Collect.Interval != 30*time.Second || cfg.Collect.Timeout != 3*time.Second {
		t.Fatalf("sections: %+v", cfg)
	}
	if c.Name != "prod-eu" || len(c.Bootstrap) != 2 || c.ClientID != "gregor" || c.Labels["app.kubernetes.io/part-of"] != "kafka" {
		t.Fatalf("cluster: %+v", c)
	}
	if c.SASL.Password.Reveal() != "s3cret" || c.TLS.ServerName != "kafka.internal" {
		t.Fatalf("sasl/tls: %+v %+v", c.SASL, c.TLS)
	}
	if got := c.Metrics.URL(1, "b1"); got != "http://b1:7071/metrics" {
		t.Fatalf("template url %q", got)
	}
	if got := c.Metrics.URL(3, "b3"); got != "http://special:7071/metrics" {
		t.Fatalf("per-broker url %q", got)
	}
	if c.Metrics.Timeout != 5*time.Second {
		t.Fatalf("metrics timeout default %s", c.Metrics.Timeout)
	}
	if cfg.Audit.Keep != 90*24*time.Hour {
		t.Fatalf("audit keep default %s", cfg.Audit.Keep)
	}
}

func TestAuditKeep(t *testing.T) {
	cfg, err := Load(write(t, "audit: {keep: 720h}\n"), nil)
	if err != nil || cfg.Audit.Keep != 720*time.Hour {
		t.Fatalf("from the file: %v %v", err, cfg)
	}
	cfg, err = Load(write(t, ""), []string{"GREGOR_AUDIT__KEEP=24h"})
	if err != nil || cfg.Audit.Keep != 24*time.Hour {
		t.Fatalf("from the environment: %v %v", err, cfg)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pwFile, []byte("hunter2\n"), 0o600)
	cfg, err := Load(write(t, fmt.Sprintf(`
clusters:
  - name: a
    bootstrap: [h:1]
    sasl: {mechanism: PLAIN, username: u, password_file: %s}
`, pwFile)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Clusters[0].SASL.Password.Reveal() != "hunter2" {
		t.Fatalf("file password not read (trailing newline must be trimmed)")
	}
	var sb strings.Builder
	slog.New(slog.NewJSONHandler(&sb, nil)).Info("cfg", "cfg", cfg, "sasl", cfg.Clusters[0].SASL.Password)
	j, _ := json.Marshal(cfg)
	out := sb.String() + string(j) + fmt.Sprintf("%v %+v %#v", cfg, cfg.Clusters[0].SASL, cfg.Clusters[0].SASL)
	if strings.Contains(out, "hunter2") {
		t.Fatalf("secret leaked: %s", out)
	}
}

func TestBadConfigs(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		env        []string
		want       string // the whole error text; FILE stands for the file's path
	}{
		{"unknown top-level key", "clusterz: []\n", nil,
			"FILE:1: clusterz: unknown key (expected one of: alerting, audit, checks, clusters, collect, history, lag, log, oidc, prometheus, server, store)"},
		{"unknown cluster key", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    bootstrp: [h:1]\n", nil,
			"FILE:4: clusters[0].bootstrp: unknown key (expected one of: bootstrap, checks, client_id, clients, labels, metrics, name, regions, sasl, tls)"},
		{"oidc without client", "oidc:\n  issuer: https://idp.example.com\n  redirect_url: https://g.example.com/api/v1/auth/oidc/callback\n", nil,
			"FILE: oidc.client_id: required"},
		{"oidc bad role", "oidc:\n  issuer: https://idp.example.com\n  client_id: g\n  redirect_url: https://g.example.com/cb\n  roles: {root: [x]}\n", nil,
			`FILE: oidc.roles: "root" is not one of viewer, operator, admin`},
		{"oidc bad team", "oidc:\n  issuer: https://idp.example.com\n  client_id: g\n  redirect_url: https://g.example.com/cb\n  teams: {\"a b\": [x]}\n", nil,
			`FILE: oidc.teams: team "a b": 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit`},
		{"oidc no redirect", "oidc:\n  issuer: idp\n  client_id: g\n", nil,
			"FILE: oidc.issuer: \"idp\" is not an http(s) URL\nFILE: oidc.redirect_url: required: Gregor's callback URL as the browser reaches it, e.g. https://gregor.example.com/api/v1/auth/oidc/callback"},
		{"region broker twice", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    regions:\n      - {name: east, brokers: [1, 2]}\n      - {name: west, brokers: [2]}\n", nil,
			`FILE: clusters[0].regions[1].brokers: broker 2 is already in region "east" (a broker is in one region at most)`},
		{"region without brokers", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    regions:\n      - {name: east}\n", nil,
			"FILE: clusters[0].regions[0].brokers: required: the broker ids of the region"},
		{"clients mechanism", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    clients: {mechanism: PLAIN}\n", nil,
			`FILE: clusters[0].clients.mechanism: "PLAIN" is not one of SCRAM-SHA-256, SCRAM-SHA-512 (applications get SCRAM credentials)`},
		{"missing bootstrap", "clusters:\n  - name: a\n", nil,
			"FILE: clusters[0].bootstrap: required: a list of broker addresses (host:port)"},
		{"bootstrap not a list", "clusters:\n  - name: a\n    bootstrap: h:1\n", nil,
			"FILE:3: clusters[0].bootstrap: expected a list"},
		{"bootstrap without port", "clusters:\n  - name: a\n    bootstrap: [kafka1]\n", nil,
			`FILE: clusters[0].bootstrap[0]: "kafka1" is not host:port`},
		{"bad duration", "collect:\n  interval: 15 seconds\n", nil,
			`FILE:2: collect.interval: "15 seconds" is not a duration (expected a number with a unit, e.g. 500ms, 15s, 1m30s, 2h)`},
		{"duration without unit", "collect:\n  timeout: 10\n", nil,
			`FILE:2: collect.timeout: "10" is not a duration (expected a number with a unit, e.g. 500ms, 15s, 1m30s, 2h)`},
		{"interval too short", "collect:\n  interval: 100ms\n", nil,
			"FILE: collect.interval: 100ms is too short (at least 1s)"},
		{"duplicate names", "clusters:\n  - {name: a, bootstrap: [h:1]}\n  - {name: a, bootstrap: [h:2]}\n", nil,
			`FILE: clusters[1].name: "a" is used by another cluster`},
		{"bad name", "clusters:\n  - {name: 'a b', bootstrap: [h:1]}\n", nil,
			`FILE: clusters[0].name: "a b" may only hold letters, digits, '.', '_' and '-'`},
		{"bad mechanism", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    sasl: {mechanism: GSSAPI, username: u, password_env: X}\n", []string{"X=1"},
			`FILE: clusters[0].sasl.mechanism: "GSSAPI" is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512`},
		{"inline password refused", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    sasl: {mechanism: PLAIN, username: u, password: x}\n", nil,
			"FILE:4: clusters[0].sasl.password: unknown key (expected one of: mechanism, password_env, password_file, username)"},
		{"no password source", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    sasl: {mechanism: PLAIN, username: u}\n", nil,
			"FILE: clusters[0].sasl: exactly one of password_env or password_file is required (passwords are never written in the file)"},
		{"password env unset", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    sasl: {mechanism: PLAIN, username: u, password_env: NOPE_PW}\n", nil,
			"FILE: clusters[0].sasl.password_env: environment variable NOPE_PW is not set"},
		{"password file missing", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    sasl: {mechanism: PLAIN, username: u, password_file: /nonexistent/pw}\n", nil,
			"FILE: clusters[0].sasl.password_file: cannot read: no such file or directory"},
		{"tls cert without key", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    tls: {cert_file: c.pem}\n", nil,
			"FILE: clusters[0].tls: cert_file and key_file must be given together"},
		{"tls skip verify not bool", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    tls: {insecure_skip_verify: maybe}\n", nil,
			`FILE:4: clusters[0].tls.insecure_skip_verify: "maybe" is not a boolean (expected true or false)`},
		{"metrics template without placeholder", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    metrics: {template: 'http://x:7071/metrics'}\n", nil,
			`FILE: clusters[0].metrics.template: "http://x:7071/metrics" has neither {host} nor {id}`},
		{"metrics url key not an id", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    metrics: {urls: {one: 'http://x'}}\n", nil,
			"FILE: clusters[0].metrics.urls.one: key must be a broker id (an integer)"},
		{"section not a mapping", "server: 8080\n", nil,
			"FILE:1: server: expected a mapping of keys (base_path, data_dir, listen, secure_cookies)"},
		{"yaml syntax", "clusters: [\n", nil,
			"FILE: line 1: did not find expected node content"},
		{"bad log level", "log: {level: loud}\n", nil,
			`FILE: log.level: "loud" is not one of debug, info, warn, error`},
		{"env unknown key", "", []string{"GREGOR_SERVER__LISTN=x"},
			"environment GREGOR_SERVER__LISTN: server.listn: unknown key (expected one of: base_path, data_dir, listen, secure_cookies)"},
		{"env bad duration", "", []string{"GREGOR_COLLECT__INTERVAL=soon"},
			`environment GREGOR_COLLECT__INTERVAL: collect.interval: "soon" is not a duration (expected a number with a unit, e.g. 500ms, 15s, 1m30s, 2h)`},
		{"env cannot set clusters", "", []string{"GREGOR_CLUSTERS__0=x"},
			"environment GREGOR_CLUSTERS__0: clusters: cannot be set from the environment (only single values can)"},
		{"history shrinking", "history: {raw: 72h, five_min: 24h}\n", nil,
			"FILE: history: retention must grow: raw (at least 1h) <= five_min <= hour; got 72h0m0s, 24h0m0s, 8760h0m0s"},
		{"store dsn env unset", "store: {dsn_env: PG_DSN}\n", nil,
			"FILE: store.dsn_env: environment variable PG_DSN is not set"},
		{"bad profile", "checks: {profile: fast}\n", nil,
			`FILE: checks.profile: "fast" is not one of throughput, latency, durability, availability`},
		{"share out of range", "clusters:\n  - name: a\n    bootstrap: [h:1]\n    checks: {disk_warn: 80}\n", nil,
			"FILE: clusters[0].checks.disk_warn: 80 is not a share between 0 and 1"},
		{"bad dead letter regexp", "checks: {dead_letter: ['(']}\n", nil,
			"FILE: checks.dead_letter[0]: not a regular expression: error parsing regexp: missing closing ): `(`"},
		{"rule bad op", "alerting:\n  rules:\n    - {name: r, entity: 'broker:*', metric: leaders, op: '=>', threshold: 1}\n", nil,
			`FILE: alerting.rules[0].op: "=>" is not one of > >= < <= == !=`},
		{"receiver bad type", "alerting:\n  receivers:\n    - {name: r, type: pager}\n", nil,
			`FILE: alerting.receivers[0].type: "pager" is not one of webhook, slack, email, alertmanager`},
		{"webhook without url", "alerting:\n  receivers:\n    - {name: r, type: webhook, url: 'ftp://x'}\n", nil,
			"FILE: alerting.receivers[0].url: required: an http(s) URL"},
		{"email bad address", "alerting:\n  receivers:\n    - name: m\n      type: email\n      smtp: {host: h, from: gregor@x.org, to: [ops]}\n", nil,
			`FILE: alerting.receivers[0].smtp.to[0]: "ops" is not an email address`},
		{"smtp password env unset", "alerting:\n  receivers:\n    - name: m\n      type: email\n      smtp: {host: h, from: gregor@x.org, to: [ops@x.org], username: u, password_env: NOPE_SMTP}\n", nil,
			"FILE: alerting.receivers[0].smtp.password_env: environment variable NOPE_SMTP is not set"},
		{"audit keep too short", "audit: {keep: 12h}\n", nil,
			"FILE: audit.keep: 12h0m0s is too short (at least 24h)"},
		{"audit keep negative", "", []string{"GREGOR_AUDIT__KEEP=-48h"},
			"FILE: audit.keep: -48h0m0s is too short (at least 24h)"},
		{"audit unknown key", "audit: {retention: 48h}\n", nil,
			"FILE:1: audit.retention: unknown key (expected one of: keep)"},
		{"two errors at once", "server: {listen: nope}\nlog: {format: xml}\n", nil,
			"FILE: server.listen: \"nope\" is not host:port\nFILE: log.format: \"xml\" is not one of text, json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, tc.body)
			_, err := Load(p, tc.env)
			if err == nil {
				t.Fatal("accepted")
			}
			want := strings.ReplaceAll(tc.want, "FILE", p)
			if err.Error() != want {
				t.Fatalf("error\n got: %s\nwant: %s", err, want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("/nonexistent/gregor.yaml", nil)
	if err == nil || err.Error() != "config: open /nonexistent/gregor.yaml: no such file or directory" {
		t.Fatalf("got %v", err)
	}
}

// A cluster's checks override single values of the top-level ones, which override defaults;
// receiver secrets are read from the environment and never print.
func TestChecksAndAlerting(t *testing.T) {
	p := write(t, `checks: {disk_warn: 0.7, profile: durability}
alerting:
  receivers:
    - {name: hook, type: webhook, url: 'http://127.0.0.1:9/x', secret_env: HOOK_KEY}
    - name: mail
      type: email
      smtp: {host: 127.0.0.1, from: gregor@example.org, to: [ops@example.org], username: u, password_env: SMTP_PW}
clusters:
  - {name: a, bootstrap: [h:1], checks: {disk_crit: 0.95, nic_bytes_per_sec: 125000000}}
  - {name: b, bootstrap: [h:1]}
`)
	c, err := Load(p, []string{"HOOK_KEY=k3y", "SMTP_PW=pw-s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	a, b := c.ChecksFor("a"), c.ChecksFor("b")
	if a.DiskWarn != 0.7 || a.DiskCrit != 0.95 || a.NICBytesPerSec != 125e6 || a.Profile != "durability" || a.IdleMin != 0.3 {
		t.Fatalf("cluster a checks %+v", a)
	}
	if b.DiskCrit != 0.9 || b.NICBytesPerSec != 0 || b.DiskWarn != 0.7 {
		t.Fatalf("cluster b checks %+v", b)
	}
	r := c.Alerting.Receivers
	if r[0].Secret.Reveal() != "k3y" || r[1].SMTP.Password.Reveal() != "pw-s3cret" || r[1].SMTP.Port != 587 || r[1].SMTP.TLS != "starttls" || r[0].Retries != 3 {
		t.Fatalf("receivers %+v %+v", r[0], r[1].SMTP)
	}
	if s := fmt.Sprintf("%v %+v", r, r[1].SMTP); strings.Contains(s, "pw-s3cret") || strings.Contains(s, "k3y") {
		t.Fatalf("a secret prints: %s", s)
	}
	if c.Alerting.RepeatInterval != 4*time.Hour || c.Alerting.FindingsMin != "warning" {
		t.Fatalf("alerting defaults %+v", c.Alerting)
	}
}
