package testkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP is a real SMTP server (go-smtp) in the test process that keeps every message it accepts.
type SMTP struct {
	Addr   string // Host:Port
	Host   string // 127.0.0.1
	Port   int
	CAFile string         // PEM of its self-signed certificate ("" with TLS "none")
	CAPool *x509.CertPool // pool trusting that certificate (nil with TLS "none")
	conns  atomic.Int64
	mu     sync.Mutex
	msgs   []Mail
}

// Mail is one accepted message.
type Mail struct {
	From string
	To   []string
	Data string
	User string // the AUTH user, "" without auth
	TLS  bool   // whether it came over TLS (implicit or after STARTTLS)
}

// SMTPOptions configures StartSMTP.
type SMTPOptions struct {
	// With User set, AUTH PLAIN with User/Password is offered and required before MAIL;
	// wrong credentials get 535.
	User, Password string
	// TLS is "starttls" (the default: STARTTLS offered with a fresh self-signed certificate
	// for 127.0.0.1 and localhost), "implicit" (TLS from the first byte, same certificate)
	// or "none" (no TLS offered; AUTH allowed in clear).
	TLS string
}

// StartSMTP starts the server on 127.0.0.1; it stops at the test's end.
func StartSMTP(t testing.TB, o SMTPOptions) *SMTP {
	t.Helper()
	s := &SMTP{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s, o: o, c: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var l net.Listener = countingListener{ln, &s.conns}
	switch o.TLS {
	case "", "starttls", "implicit":
		cert, pool, pemBytes := selfSigned(t)
		tc := &tls.Config{Certificates: []tls.Certificate{cert}}
		if o.TLS == "implicit" {
			l = tls.NewListener(l, tc)
		} else {
			srv.TLSConfig = tc
		}
		s.CAPool = pool
		s.CAFile = filepath.Join(t.TempDir(), "smtp-ca.pem")
		if err := os.WriteFile(s.CAFile, pemBytes, 0o600); err != nil {
			t.Fatal(err)
		}
	case "none":
		srv.AllowInsecureAuth = true
	default:
		ln.Close()
		t.Fatalf("testkit.StartSMTP: TLS %q, want starttls, implicit or none", o.TLS)
	}
	s.Addr = ln.Addr().String()
	s.Host, s.Port = "127.0.0.1", ln.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// Conns returns how many connections the server has accepted.
func (s *SMTP) Conns() int { return int(s.conns.Load()) }

// Messages returns the accepted messages so far.
func (s *SMTP) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.msgs...)
}

type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

type smtpSession struct {
	srv  *SMTP
	o    SMTPOptions
	c    *smtp.Conn
	user string
	m    Mail
}

func (x *smtpSession) AuthMechanisms() []string {
	if x.o.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.o.User || pass != x.o.Password {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}), nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if x.o.User != "" && x.user == "" {
		return smtp.ErrAuthRequired
	}
	_, isTLS := x.c.TLSConnectionState()
	x.m = Mail{From: from, User: x.user, TLS: isTLS}
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.m.To = append(x.m.To, to)
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.m.Data = string(b)
	x.srv.mu.Lock()
	x.srv.msgs = append(x.srv.msgs, x.m)
	x.srv.mu.Unlock()
	return nil
}

func (x *smtpSession) Reset()        { x.m = Mail{} }
func (x *smtpSession) Logout() error { return nil }

// selfSigned makes a self-signed CA certificate for 127.0.0.1 and localhost, the pool
// trusting it and its PEM.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gregor test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: c}, pool,
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
