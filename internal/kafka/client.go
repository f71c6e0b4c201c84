// Package kafka is Gregor's access layer to a Kafka cluster: one franz-go client per cluster,
// built from the config, with the brokers' API versions checked at connect so callers can ask
// what the cluster supports.
package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/gregor-kafka/gregor/internal/config"
)

// Client talks to one cluster. It is safe for concurrent use.
type Client struct {
	Name  string
	Admin *kadm.Client
	cfg   config.Cluster
	kgo   *kgo.Client
	reqs  *requestCounter

	mu       sync.RWMutex
	versions map[int32]kadm.BrokerApiVersions // by broker id, from the last Connect
}

// New builds the client without touching the network; Connect checks it.
func New(cfg config.Cluster, log *slog.Logger, extra ...kgo.Opt) (*Client, error) {
	opts, err := Options(cfg)
	if err != nil {
		return nil, fmt.Errorf("cluster %q: %w", cfg.Name, err)
	}
	if log != nil {
		opts = append(opts, kgo.WithLogger(kgoLogger{log.With("cluster", cfg.Name)}))
	}
	reqs := &requestCounter{}
	opts = append(opts, kgo.WithHooks(reqs))
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("cluster %q: %w", cfg.Name, err)
	}
	return &Client{Name: cfg.Name, Admin: kadm.NewClient(cl), cfg: cfg, kgo: cl, reqs: reqs}, nil
}

// Options turns a cluster config into franz-go options.
func Options(cfg config.Cluster) ([]kgo.Opt, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Bootstrap...),
		kgo.ClientID(cfg.ClientID),
		kgo.DialTimeout(5 * time.Second),
		kgo.RequestTimeoutOverhead(5 * time.Second),
		kgo.RetryTimeout(10 * time.Second),
		kgo.MetadataMinAge(2 * time.Second),
	}
	if cfg.TLS != nil {
		tc, err := tlsConfig(cfg.TLS)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	if cfg.SASL != nil {
		m, err := saslMechanism(cfg.SASL)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.SASL(m))
	}
	return opts, nil
}

func tlsConfig(t *config.TLS) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca_file %s: no PEM certificate found", t.CAFile)
		}
		tc.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls.cert_file/key_file: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

func saslMechanism(s *config.SASL) (sasl.Mechanism, error) {
	pw := s.Password.Reveal()
	switch s.Mechanism {
	case config.MechPlain:
		return plain.Auth{User: s.Username, Pass: pw}.AsMechanism(), nil
	case config.MechScramSHA256:
		return scram.Auth{User: s.Username, Pass: pw}.AsSha256Mechanism(), nil
	case config.MechScramSHA512:
		return scram.Auth{User: s.Username, Pass: pw}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("sasl.mechanism %q is not supported", s.Mechanism)
}

// Kgo is the underlying franz-go client, for producing and consuming.
func (c *Client) Kgo() *kgo.Client { return c.kgo }

// Close releases the client's connections.
func (c *Client) Close() { c.kgo.Close() }

// Connect asks every broker for its API versions and keeps them. It fails when no broker
// answers; a broker that does not answer is left out and reported by Versions.
func (c *Client) Connect(ctx context.Context) error {
	vs, err := c.Admin.ApiVersions(ctx)
	if err != nil {
		return c.explain(err)
	}
	ok := 0
	var firstErr error
	for _, v := range vs {
		if v.Err == nil {
			ok++
		} else if firstErr == nil {
			firstErr = v.Err
		}
	}
	if ok == 0 {
		return c.explain(fmt.Errorf("no broker answered ApiVersions: %w", firstErr))
	}
	c.mu.Lock()
	c.versions = vs
	c.mu.Unlock()
	return nil
}

// Supports returns the highest version of an API (kmsg key) that every broker answering at the
// last Connect supports, and whether all of them support it at all.
func (c *Client) Supports(key int16) (int16, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	best, seen := int16(-1), false
	for _, v := range c.versions {
		if v.Err != nil {
			continue
		}
		_, max, ok := v.KeyVersions(key)
		if !ok {
			return -1, false
		}
		if !seen || max < best {
			best, seen = max, true
		}
	}
	return best, seen
}

func (c *Client) explain(err error) error { return c.Explain(err) }

// Explain turns low-level errors into messages an operator can act on, naming the cluster.
// It never includes the password (franz-go's errors do not carry it).
func (c *Client) Explain(err error) error {
	if err == nil {
		return nil
	}
	var ke *kerr.Error
	var ne net.Error
	switch {
	case errors.As(err, &ke) && (ke == kerr.SaslAuthenticationFailed || ke == kerr.IllegalSaslState || ke == kerr.UnsupportedSaslMechanism):
		who := "(no SASL configured)"
		if c.cfg.SASL != nil {
			who = fmt.Sprintf("as user %q with %s", c.cfg.SASL.Username, c.cfg.SASL.Mechanism)
		}
		return fmt.Errorf("cluster %q: authentication failed %s: check the user and password: %w", c.Name, who, err)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("cluster %q: no answer from %v in time: %w", c.Name, c.cfg.Bootstrap, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("cluster %q: connection refused by %v: is Kafka running there?: %w", c.Name, c.cfg.Bootstrap, err)
	}
	return fmt.Errorf("cluster %q: %w", c.Name, err)
}

// Labels are the cluster's configured labels.
func (c *Client) Labels() map[string]string { return c.cfg.Labels }
