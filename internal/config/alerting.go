package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"path"
	"time"
)

// Alerting turns findings and metric rules into alerts and sends them (docs/alerting.md).
type Alerting struct {
	// RepeatInterval re-sends a still-firing alert this often (default 4h).
	RepeatInterval time.Duration `yaml:"repeat_interval"`
	// FindingsMin is the lowest finding severity that becomes an alert (default warning).
	FindingsMin string `yaml:"findings_min"`
	// FindingsFor is how long a finding must hold before its alert fires (default 0: at the
	// first cycle that sees it).
	FindingsFor time.Duration `yaml:"findings_for"`
	Rules       []Rule        `yaml:"rules"`
	Receivers   []Receiver    `yaml:"receivers"`
}

// Rule is a user alert rule on a stored metric: it fires when the latest value of the
// metric of every entity matching Entity compares with Threshold for at least For.
type Rule struct {
	Name string `yaml:"name"`
	// Entity is a glob over history entity names ("broker:prod/*", "topic:*/orders").
	Entity    string            `yaml:"entity"`
	Metric    string            `yaml:"metric"` // a history metric name (docs/metrics.md)
	Op        string            `yaml:"op"`     // > >= < <= == !=
	Threshold float64           `yaml:"threshold"`
	For       time.Duration     `yaml:"for"`
	Severity  string            `yaml:"severity"` // info, warning, critical (default warning)
	Labels    map[string]string `yaml:"labels"`
	Summary   string            `yaml:"summary"`
}

// Receiver is where alerts go: a generic webhook (JSON, optional HMAC-SHA256 signature),
// a Slack incoming webhook, email over SMTP, or a Prometheus Alertmanager (v2 API).
type Receiver struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"` // webhook, slack, email, alertmanager
	URL  string `yaml:"url"`  // webhook, slack, alertmanager (its base URL)
	// SecretEnv/SecretFile hold the webhook's HMAC key.
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`
	Secret     Secret `yaml:"-"`
	SMTP       *SMTP  `yaml:"smtp"`
	// MinSeverity and Match route: the receiver gets alerts at or above MinSeverity (default
	// info) whose labels include every Match pair.
	MinSeverity string            `yaml:"min_severity"`
	Match       map[string]string `yaml:"match"`
	Timeout     time.Duration     `yaml:"timeout"` // per attempt, default 10s
	Retries     int               `yaml:"retries"` // attempts after the first, default 3
}

// SMTP is an email receiver's server and addresses.
type SMTP struct {
	Host         string   `yaml:"host"`
	Port         int      `yaml:"port"` // default 587
	From         string   `yaml:"from"`
	To           []string `yaml:"to"`
	Username     string   `yaml:"username"`
	PasswordEnv  string   `yaml:"password_env"`
	PasswordFile string   `yaml:"password_file"`
	Password     Secret   `yaml:"-"`
	// TLS: "starttls" (default; refused when the server does not offer it), "tls" (implicit,
	// port 465) or "none" (only for a local relay).
	TLS string `yaml:"tls"`
	// CAFile is a PEM bundle of the CAs that sign the server's certificate (default: the
	// system's).
	CAFile string `yaml:"ca_file"`
}

// Severities in order.
var Severities = []string{"info", "warning", "critical"}

func (a *Alerting) setDefaults() {
	if a.RepeatInterval == 0 {
		a.RepeatInterval = 4 * time.Hour
	}
	if a.FindingsMin == "" {
		a.FindingsMin = "warning"
	}
	for i := range a.Rules {
		if a.Rules[i].Severity == "" {
			a.Rules[i].Severity = "warning"
		}
	}
	for i := range a.Receivers {
		r := &a.Receivers[i]
		if r.MinSeverity == "" {
			r.MinSeverity = "info"
		}
		if r.Timeout == 0 {
			r.Timeout = 10 * time.Second
		}
		if r.Retries == 0 {
			r.Retries = 3
		}
		if r.SMTP != nil {
			if r.SMTP.Port == 0 {
				r.SMTP.Port = 587
			}
			if r.SMTP.TLS == "" {
				r.SMTP.TLS = "starttls"
			}
		}
	}
}

func (a *Alerting) validate() []error {
	var errs []error
	bad := func(p, format string, args ...any) {
		errs = append(errs, fieldError{p, fmt.Sprintf(format, args...)})
	}
	if a.RepeatInterval < time.Minute {
		bad("alerting.repeat_interval", "%s is too short (at least 1m)", a.RepeatInterval)
	}
	if !contains(Severities, a.FindingsMin) {
		bad("alerting.findings_min", "%q is not one of info, warning, critical", a.FindingsMin)
	}
	if a.FindingsFor < 0 {
		bad("alerting.findings_for", "must not be negative")
	}
	names := map[string]bool{}
	for i, r := range a.Rules {
		p := fmt.Sprintf("alerting.rules[%d]", i)
		if r.Name == "" || !validName(r.Name) {
			bad(p+".name", "required: letters, digits, '.', '_' and '-'")
		} else if names[r.Name] {
			bad(p+".name", "%q is used by another rule", r.Name)
		}
		names[r.Name] = true
		if _, err := path.Match(r.Entity, ""); err != nil || r.Entity == "" {
			bad(p+".entity", "required: a glob over entity names, e.g. broker:prod/*")
		}
		if r.Metric == "" {
			bad(p+".metric", "required: a metric name from docs/metrics.md")
		}
		if !contains([]string{">", ">=", "<", "<=", "==", "!="}, r.Op) {
			bad(p+".op", "%q is not one of > >= < <= == !=", r.Op)
		}
		if r.For < 0 {
			bad(p+".for", "must not be negative")
		}
		if !contains(Severities, r.Severity) {
			bad(p+".severity", "%q is not one of info, warning, critical", r.Severity)
		}
	}
	rnames := map[string]bool{}
	for i, r := range a.Receivers {
		p := fmt.Sprintf("alerting.receivers[%d]", i)
		if r.Name == "" || !validName(r.Name) {
			bad(p+".name", "required: letters, digits, '.', '_' and '-'")
		} else if rnames[r.Name] {
			bad(p+".name", "%q is used by another receiver", r.Name)
		}
		rnames[r.Name] = true
		switch r.Type {
		case "webhook", "slack", "alertmanager":
			if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(p+".url", "required: an http(s) URL")
			}
			if r.SMTP != nil {
				bad(p+".smtp", "only for type email")
			}
		case "email":
			errs = append(errs, r.SMTP.validate(p+".smtp")...)
		default:
			bad(p+".type", "%q is not one of webhook, slack, email, alertmanager", r.Type)
		}
		if r.Type != "webhook" && (r.SecretEnv != "" || r.SecretFile != "") {
			bad(p, "secret_env/secret_file sign webhook bodies: only for type webhook")
		}
		if r.SecretEnv != "" && r.SecretFile != "" {
			bad(p, "give secret_env or secret_file, not both")
		}
		if !contains(Severities, r.MinSeverity) {
			bad(p+".min_severity", "%q is not one of info, warning, critical", r.MinSeverity)
		}
		if r.Timeout < 0 || r.Retries < 0 {
			bad(p, "timeout and retries must not be negative")
		}
	}
	return errs
}

func (s *SMTP) validate(p string) []error {
	if s == nil {
		return []error{fieldError{p, "required for type email: host, from, to"}}
	}
	var errs []error
	bad := func(f, format string, args ...any) {
		errs = append(errs, fieldError{p + f, fmt.Sprintf(format, args...)})
	}
	if s.Host == "" {
		bad(".host", "required")
	}
	if s.Port <= 0 || s.Port > 65535 {
		bad(".port", "%d is not a port", s.Port)
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		bad(".from", "%q is not an email address", s.From)
	}
	if len(s.To) == 0 {
		bad(".to", "required: at least one address")
	}
	for i, to := range s.To {
		if _, err := mail.ParseAddress(to); err != nil {
			bad(fmt.Sprintf(".to[%d]", i), "%q is not an email address", to)
		}
	}
	if !contains([]string{"starttls", "tls", "none"}, s.TLS) {
		bad(".tls", "%q is not one of starttls, tls, none", s.TLS)
	}
	if s.PasswordEnv != "" && s.PasswordFile != "" {
		bad("", "give password_env or password_file, not both")
	}
	if (s.PasswordEnv != "" || s.PasswordFile != "") && s.Username == "" {
		bad(".username", "required with a password")
	}
	return errs
}
