package cli

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/url"
	"os"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/notify"
)

// receivers builds the configured alert receivers.
func receivers(cfg []config.Receiver, log *slog.Logger) ([]*notify.Receiver, error) {
	var out []*notify.Receiver
	for _, rc := range cfg {
		o := notify.Options{Logger: log}
		if rc.SMTP != nil && rc.SMTP.CAFile != "" {
			pem, err := os.ReadFile(rc.SMTP.CAFile)
			if err != nil {
				return nil, usageError{fmt.Sprintf("alerting receiver %q: smtp.ca_file: %v", rc.Name, err)}
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, usageError{fmt.Sprintf("alerting receiver %q: smtp.ca_file %s holds no PEM certificate", rc.Name, rc.SMTP.CAFile)}
			}
			o.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
		r, err := notify.New(rc, o)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		out = append(out, r)
	}
	return out, nil
}

// secretsOf lists every configured secret, for the diagnostics bundle's scrubbing.
func secretsOf(cfg *config.Config) []string {
	s := []string{cfg.Store.DSN.Reveal(), cfg.OIDC.ClientSecret.Reveal()}
	for _, c := range cfg.Clusters {
		if c.SASL != nil {
			s = append(s, c.SASL.Password.Reveal())
		}
	}
	for _, r := range cfg.Alerting.Receivers {
		s = append(s, r.Secret.Reveal(), r.URL)
		// A webhook URL's path, query or user info may be its token (Slack's is the path).
		if u, err := url.Parse(r.URL); err == nil {
			if len(u.Path) >= 8 { // short paths ("/hook") are not tokens, and would blot the rest
				s = append(s, u.Path)
			}
			if p, ok := u.User.Password(); ok {
				s = append(s, p)
			}
			s = append(s, u.RawQuery)
		}
		if r.SMTP != nil {
			s = append(s, r.SMTP.Password.Reveal())
		}
	}
	return s
}
