// Package config loads Gregor's YAML configuration with environment overrides, strictly:
// unknown keys, wrong types, bad durations and missing required values are refused with the
// file, the field path and what was expected.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration.
type Config struct {
	Server     Server     `yaml:"server"`
	Log        Log        `yaml:"log"`
	Collect    Collect    `yaml:"collect"`
	Store      Store      `yaml:"store"`
	History    History    `yaml:"history"`
	Prometheus Prometheus `yaml:"prometheus"`
	Lag        Lag        `yaml:"lag"`
	Checks     Checks     `yaml:"checks"`
	Alerting   Alerting   `yaml:"alerting"`
	Audit      Audit      `yaml:"audit"`
	OIDC       OIDC       `yaml:"oidc"`
	Clusters   []Cluster  `yaml:"clusters"`
}

// Audit sets the audit log of operations (who ran what, where, with which result).
type Audit struct {
	Keep time.Duration `yaml:"keep"` // how long entries are kept, default 2160h (90 days), at least 24h
}

// DefaultAuditKeep is how long audit entries are kept unless audit.keep says otherwise.
const DefaultAuditKeep = 90 * 24 * time.Hour

// Lag tunes the consumer lag evaluation (docs/lag.md). Zero values take the defaults.
type Lag struct {
	Window        int           `yaml:"window"`         // cycles the trend rules look at, default 10
	MinLag        int64         `yaml:"min_lag"`        // lag at or below it never warns, default 0
	WarnSeconds   float64       `yaml:"warn_seconds"`   // WARN from this time lag (0: off)
	ErrSeconds    float64       `yaml:"err_seconds"`    // ERR from this time lag (0: off)
	ErrMessages   int64         `yaml:"err_messages"`   // ERR from this lag in messages (0: off)
	StallAfter    time.Duration `yaml:"stall_after"`    // default 5m
	StopAfter     time.Duration `yaml:"stop_after"`     // default 5m
	RetentionRisk time.Duration `yaml:"retention_risk"` // default 1h
	Exact         int           `yaml:"exact"`          // partitions per cycle with exact time lag, default 20, -1 off
}

// Store is where state and history live: SQLite in the data dir by default, or PostgreSQL
// whose DSN (it holds a password) comes from an environment variable or a file.
type Store struct {
	DSNEnv  string `yaml:"dsn_env"`
	DSNFile string `yaml:"dsn_file"`
	DSN     Secret `yaml:"-"`
}

// History sets what metric history is kept, and for how long.
type History struct {
	Raw     time.Duration `yaml:"raw"`      // raw samples, default 48h
	FiveMin time.Duration `yaml:"five_min"` // 5 min rollups, default 720h (30 days)
	Hour    time.Duration `yaml:"hour"`     // 1 h rollups, default 8760h (1 year)
	// MaxGroupPartitionSeries bounds the group-partition series recorded per cluster per
	// cycle (lag and committed offset each), default 20000; 0 keeps the default, -1 none.
	MaxGroupPartitionSeries int `yaml:"max_group_partition_series"`
}

// Prometheus sets Gregor's own /metrics.
type Prometheus struct {
	// PartitionSeries adds per-partition and per-group-partition series (high cardinality).
	PartitionSeries bool `yaml:"partition_series"`
}

// Server is the HTTP server and local state.
type Server struct {
	Listen  string `yaml:"listen"`   // host:port, default 127.0.0.1:8080
	DataDir string `yaml:"data_dir"` // default ./gregor-data
	// BasePath is the path prefix under which browsers reach Gregor behind a reverse proxy
	// that strips it (e.g. /gregor/); "" when served at the root.
	BasePath string `yaml:"base_path"`
	// SecureCookies marks the session cookie Secure: set it when users reach Gregor over HTTPS
	// (e.g. behind a TLS-terminating proxy).
	SecureCookies bool `yaml:"secure_cookies"`
}

// Log sets the structured logger.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Collect sets how clusters are polled.
type Collect struct {
	Interval time.Duration `yaml:"interval"` // default 15s
	Timeout  time.Duration `yaml:"timeout"`  // per Kafka request, default 10s
}

// Cluster is one Kafka cluster Gregor watches.
type Cluster struct {
	Name      string            `yaml:"name"`
	Bootstrap []string          `yaml:"bootstrap"`
	ClientID  string            `yaml:"client_id"`
	Labels    map[string]string `yaml:"labels"`
	TLS       *TLS              `yaml:"tls"`
	SASL      *SASL             `yaml:"sasl"`
	Metrics   *Metrics          `yaml:"metrics"`
	// Checks override single values of the top-level checks for this cluster.
	Checks *Checks `yaml:"checks"`
	// Regions are named broker groups (logical clusters) for self-service topics.
	Regions []Region `yaml:"regions"`
	// Clients is how applications connect (told by the discovery endpoint).
	Clients *Clients `yaml:"clients"`
}

// ChecksFor is the thresholds of a cluster: defaults, the top-level checks, its own.
func (c *Config) ChecksFor(cluster string) Checks {
	ch := DefaultChecks.Over(&c.Checks)
	for i := range c.Clusters {
		if c.Clusters[i].Name == cluster {
			ch = ch.Over(c.Clusters[i].Checks)
		}
	}
	return ch
}

// TLS for the Kafka connection. Presence of the section turns TLS on.
type TLS struct {
	CAFile             string `yaml:"ca_file"`
	CertFile           string `yaml:"cert_file"`
	KeyFile            string `yaml:"key_file"`
	ServerName         string `yaml:"server_name"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
}

// SASL mechanisms Gregor speaks.
const (
	MechPlain       = "PLAIN"
	MechScramSHA256 = "SCRAM-SHA-256"
	MechScramSHA512 = "SCRAM-SHA-512"
)

// SASL authentication. The password never appears in the file: it is read from the named
// environment variable or file at load time.
type SASL struct {
	Mechanism    string `yaml:"mechanism"`
	Username     string `yaml:"username"`
	PasswordEnv  string `yaml:"password_env"`
	PasswordFile string `yaml:"password_file"`
	Password     Secret `yaml:"-"`
}

// Metrics locates each broker's Prometheus endpoint (the JMX exporter): a URL per broker id,
// or a template where {host} and {id} are replaced by the broker's advertised host and id.
type Metrics struct {
	URLs     map[string]string `yaml:"urls"`
	Template string            `yaml:"template"`
	Timeout  time.Duration     `yaml:"timeout"` // per scrape, default 5s
}

// URL returns the metrics endpoint of a broker, or "" when none is configured for it.
func (m *Metrics) URL(id int32, host string) string {
	if m == nil {
		return ""
	}
	if u, ok := m.URLs[strconv.Itoa(int(id))]; ok {
		return u
	}
	if m.Template == "" {
		return ""
	}
	return strings.NewReplacer("{host}", host, "{id}", strconv.Itoa(int(id))).Replace(m.Template)
}

// Secret is a string that never prints, logs or marshals its value.
type Secret string

const redacted = "[redacted]"

func (s Secret) String() string               { return redacted }
func (s Secret) GoString() string             { return redacted }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) Reveal() string               { return string(s) }

// SetDefaults fills unset values.
func (c *Config) SetDefaults() {
	if c.Server.Listen == "" {
		c.Server.Listen = "127.0.0.1:8080"
	}
	if c.Server.DataDir == "" {
		c.Server.DataDir = "./gregor-data"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.Collect.Interval == 0 {
		c.Collect.Interval = 15 * time.Second
	}
	if c.Collect.Timeout == 0 {
		c.Collect.Timeout = 10 * time.Second
	}
	if c.History.Raw == 0 {
		c.History.Raw = 48 * time.Hour
	}
	if c.History.FiveMin == 0 {
		c.History.FiveMin = 30 * 24 * time.Hour
	}
	if c.History.Hour == 0 {
		c.History.Hour = 365 * 24 * time.Hour
	}
	if c.History.MaxGroupPartitionSeries == 0 {
		c.History.MaxGroupPartitionSeries = 20000
	}
	c.Alerting.setDefaults()
	c.OIDC.SetDefaults()
	if c.Audit.Keep == 0 {
		c.Audit.Keep = DefaultAuditKeep
	}
	for i := range c.Clusters {
		cl := &c.Clusters[i]
		if cl.ClientID == "" {
			cl.ClientID = "gregor"
		}
		if cl.Metrics != nil && cl.Metrics.Timeout == 0 {
			cl.Metrics.Timeout = 5 * time.Second
		}
	}
}

// Validate checks values that parse but make no sense. Each problem is a fieldError.
func (c *Config) Validate() []error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fieldError{path, fmt.Sprintf(format, args...)})
	}
	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		bad("server.listen", "%q is not host:port", c.Server.Listen)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "%q is not one of text, json", c.Log.Format)
	}
	if c.Collect.Interval < time.Second {
		bad("collect.interval", "%s is too short (at least 1s)", c.Collect.Interval)
	}
	if c.Collect.Timeout <= 0 {
		bad("collect.timeout", "must be positive")
	}
	if c.Lag.Window < 0 || c.Lag.MinLag < 0 || c.Lag.WarnSeconds < 0 || c.Lag.ErrSeconds < 0 || c.Lag.ErrMessages < 0 ||
		c.Lag.StallAfter < 0 || c.Lag.StopAfter < 0 || c.Lag.RetentionRisk < 0 {
		bad("lag", "thresholds must not be negative")
	}
	if c.Lag.Window > 64 {
		bad("lag.window", "at most 64 cycles")
	}
	if c.Store.DSNEnv != "" && c.Store.DSNFile != "" {
		bad("store", "give dsn_env or dsn_file, not both")
	}
	if c.History.Raw < time.Hour || c.History.FiveMin < c.History.Raw || c.History.Hour < c.History.FiveMin {
		bad("history", "retention must grow: raw (at least 1h) <= five_min <= hour; got %s, %s, %s", c.History.Raw, c.History.FiveMin, c.History.Hour)
	}
	errs = append(errs, c.Checks.validate("checks")...)
	errs = append(errs, c.Alerting.validate()...)
	errs = append(errs, c.OIDC.validate()...)
	if c.Audit.Keep < 24*time.Hour {
		bad("audit.keep", "%s is too short (at least 24h)", c.Audit.Keep)
	}
	seen := map[string]bool{}
	for i, cl := range c.Clusters {
		p := fmt.Sprintf("clusters[%d]", i)
		switch {
		case cl.Name == "":
			bad(p+".name", "required: a short name used in URLs (letters, digits, . _ -)")
		case !validName(cl.Name):
			bad(p+".name", "%q may only hold letters, digits, '.', '_' and '-'", cl.Name)
		case seen[cl.Name]:
			bad(p+".name", "%q is used by another cluster", cl.Name)
		}
		seen[cl.Name] = true
		if len(cl.Bootstrap) == 0 {
			bad(p+".bootstrap", "required: a list of broker addresses (host:port)")
		}
		for j, addr := range cl.Bootstrap {
			if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
				bad(fmt.Sprintf("%s.bootstrap[%d]", p, j), "%q is not host:port", addr)
			}
		}
		errs = append(errs, cl.TLS.validate(p+".tls")...)
		errs = append(errs, cl.SASL.validate(p+".sasl")...)
		errs = append(errs, cl.Metrics.validate(p+".metrics")...)
		errs = append(errs, cl.Checks.validate(p+".checks")...)
		errs = append(errs, validateSelfServe(p, &c.Clusters[i])...)
	}
	return errs
}

func (t *TLS) validate(p string) []error {
	if t == nil {
		return nil
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return []error{fieldError{p, "cert_file and key_file must be given together"}}
	}
	return nil
}

func (s *SASL) validate(p string) []error {
	if s == nil {
		return nil
	}
	var errs []error
	switch s.Mechanism {
	case MechPlain, MechScramSHA256, MechScramSHA512:
	case "":
		errs = append(errs, fieldError{p + ".mechanism", "required: one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"})
	default:
		errs = append(errs, fieldError{p + ".mechanism", fmt.Sprintf("%q is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", s.Mechanism)})
	}
	if s.Username == "" {
		errs = append(errs, fieldError{p + ".username", "required"})
	}
	if (s.PasswordEnv == "") == (s.PasswordFile == "") {
		errs = append(errs, fieldError{p, "exactly one of password_env or password_file is required (passwords are never written in the file)"})
	}
	return errs
}

func (m *Metrics) validate(p string) []error {
	if m == nil {
		return nil
	}
	var errs []error
	if len(m.URLs) == 0 && m.Template == "" {
		errs = append(errs, fieldError{p, "give urls (broker id -> URL) or a template"})
	}
	if m.Template != "" && !strings.Contains(m.Template, "{host}") && !strings.Contains(m.Template, "{id}") {
		errs = append(errs, fieldError{p + ".template", fmt.Sprintf("%q has neither {host} nor {id}", m.Template)})
	}
	for id := range m.URLs {
		if _, err := strconv.ParseInt(id, 10, 32); err != nil {
			errs = append(errs, fieldError{p + ".urls." + id, "key must be a broker id (an integer)"})
		}
	}
	return errs
}

func validName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// fieldError is a problem at one field path.
type fieldError struct{ path, msg string }

func (e fieldError) Error() string { return e.path + ": " + e.msg }
