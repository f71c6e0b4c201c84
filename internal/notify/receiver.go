package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
)

// maxBackoff caps the wait between attempts (1s, 2s, 4s, ... 30s).
const maxBackoff = 30 * time.Second

// Options are a receiver's collaborators; every field is optional.
type Options struct {
	Client *http.Client // HTTP receivers (default: a client without its own timeout)
	TLS    *tls.Config  // base TLS config for SMTP, e.g. RootCAs in tests (default: system roots)
	// Sleep waits between attempts; it returns early with ctx's error (default: a timer).
	Sleep  func(ctx context.Context, d time.Duration) error
	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default slog.Default()
}

// Receiver routes alerts to one configured destination and retries failed sends.
type Receiver struct {
	cfg     config.Receiver
	n       Notifier
	o       Options
	log     *slog.Logger
	secrets []string // redacted from every error and log line
}

// New builds the receiver cfg describes (validated by package config).
func New(cfg config.Receiver, o Options) (*Receiver, error) {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MinSeverity == "" {
		cfg.MinSeverity = "info"
	}
	r := &Receiver{cfg: cfg, o: o, log: o.Logger.With("receiver", cfg.Name, "type", cfg.Type)}
	r.secrets = append(r.secrets, cfg.Secret.Reveal())
	if slices.Contains([]string{"webhook", "slack", "alertmanager"}, cfg.Type) {
		u, err := url.Parse(cfg.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("receiver %q: url must be an http(s) URL", cfg.Name)
		}
		r.secrets = append(r.secrets, cfg.URL, u.RawQuery)
		if p, ok := u.User.Password(); ok {
			r.secrets = append(r.secrets, u.User.String(), p)
		}
		if len(u.EscapedPath()) > 1 {
			r.secrets = append(r.secrets, u.EscapedPath(), u.Path)
		}
	}
	switch cfg.Type {
	case "webhook":
		r.n = &webhook{url: cfg.URL, name: cfg.Name, secret: []byte(cfg.Secret.Reveal()), client: o.Client, now: o.Now}
	case "slack":
		r.n = &slack{url: cfg.URL, client: o.Client}
	case "alertmanager":
		r.n = &alertmanager{url: strings.TrimRight(cfg.URL, "/") + "/api/v2/alerts", client: o.Client, now: o.Now}
	case "email":
		if cfg.SMTP == nil {
			return nil, fmt.Errorf("receiver %q: type email needs smtp", cfg.Name)
		}
		r.secrets = append(r.secrets, cfg.SMTP.Password.Reveal())
		r.n = &email{cfg: *cfg.SMTP, tls: o.TLS, now: o.Now}
	default:
		return nil, fmt.Errorf("receiver %q: unknown type %q", cfg.Name, cfg.Type)
	}
	return r, nil
}

// Name is the receiver's configured name.
func (r *Receiver) Name() string { return r.cfg.Name }

// Resend is how often a still-firing alert must be sent again, whatever the repeat
// interval: Alertmanager resolves an alert that is not re-sent within its resolve_timeout
// (5m by default), so 1m for type alertmanager; 0 (no constraint) for the others.
func (r *Receiver) Resend() time.Duration {
	if r.cfg.Type == "alertmanager" {
		return time.Minute
	}
	return 0
}

// Accepts reports whether a is routed here: its severity is at least min_severity and its
// labels hold every match pair. An unknown severity counts as info.
func (r *Receiver) Accepts(a Alert) bool {
	sev := a.Severity
	if sev == "" {
		sev = a.Labels["severity"]
	}
	if rank(sev) < rank(r.cfg.MinSeverity) {
		return false
	}
	for k, v := range r.cfg.Match {
		if got, ok := a.Labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func rank(sev string) int { return max(slices.Index(config.Severities, sev), 0) }

// Send sends the firing alerts this receiver accepts, and every resolved one, as one batch
// (nothing if none), retrying retryable failures with exponential backoff. Resolutions are
// not routed again: the caller sends them where the firing went, even if the alert's
// severity or labels changed since (a pager that got "critical" must hear it ended).
func (r *Receiver) Send(ctx context.Context, alerts []Alert) error {
	var in []Alert
	for _, a := range alerts {
		if a.Status == "resolved" || r.Accepts(a) {
			in = append(in, a)
		}
	}
	if len(in) == 0 {
		return nil
	}
	return r.send(ctx, in)
}

// Test sends one synthetic firing alert (alertname GregorTest, severity info) whatever the
// routing, to check that the receiver delivers.
func (r *Receiver) Test(ctx context.Context) error {
	return r.send(ctx, []Alert{{
		Fingerprint: "gregor-test-" + r.cfg.Name,
		Status:      "firing",
		Severity:    "info",
		Labels:      map[string]string{"alertname": "GregorTest", "cluster": "gregor", "severity": "info"},
		Title:       "Test notification from Gregor",
		Evidence:    []string{"sent on request to receiver " + r.cfg.Name},
		Fix:         "Nothing to fix: this alert checks that notifications arrive.",
		StartsAt:    r.o.Now().UTC(),
	}})
}

func (r *Receiver) send(ctx context.Context, alerts []Alert) error {
	wait := time.Second
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
		retry, err := r.n.Notify(actx, alerts)
		cancel()
		if err == nil {
			r.log.Debug("notification sent", "alerts", len(alerts), "attempt", attempt)
			return nil
		}
		msg := r.redact(err.Error())
		log := r.log.With("alerts", len(alerts), "attempt", attempt, "error", msg)
		if ctx.Err() != nil {
			log.Warn("notification failed")
			return fmt.Errorf("receiver %q: attempt %d: %s: %w", r.cfg.Name, attempt, msg, ctx.Err())
		}
		if !retry || attempt > r.cfg.Retries {
			log.Warn("notification failed", "retryable", retry)
			return fmt.Errorf("receiver %q: attempt %d: %s", r.cfg.Name, attempt, msg)
		}
		log.Info("notification failed, retrying", "backoff", wait)
		if err := r.o.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("receiver %q: attempt %d: %s: %w", r.cfg.Name, attempt, msg, err)
		}
		wait = min(2*wait, maxBackoff)
	}
}

// redact replaces every secret (and the URL parts that may be secrets) in s.
func (r *Receiver) redact(s string) string {
	for _, sec := range r.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// redactURL keeps scheme and host: a URL's user info, path and query may be credentials.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[invalid URL]"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryable classifies a transport error: certificate failures are not worth retrying,
// other network errors and timeouts are.
func retryable(err error) bool {
	var cert *tls.CertificateVerificationError
	return !errors.As(err, &cert)
}
