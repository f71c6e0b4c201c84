package testkit

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestStartSMTP(t *testing.T) {
	for _, mode := range []string{"starttls", "implicit", "none"} {
		t.Run(mode, func(t *testing.T) {
			s := StartSMTP(t, SMTPOptions{User: "u", Password: "p", TLS: mode})
			if s.Addr != net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) || s.Port == 0 {
				t.Fatalf("addr %q host %q port %d", s.Addr, s.Host, s.Port)
			}
			tc := &tls.Config{RootCAs: s.CAPool, ServerName: s.Host}
			if (s.CAPool == nil) != (mode == "none") || (s.CAFile == "") != (mode == "none") {
				t.Fatalf("CAPool %v, CAFile %q", s.CAPool, s.CAFile)
			}
			if mode == "implicit" { // trust via CAFile here, via CAPool for starttls
				b, err := os.ReadFile(s.CAFile)
				if tc.RootCAs = x509.NewCertPool(); err != nil || !tc.RootCAs.AppendCertsFromPEM(b) {
					t.Fatalf("CAFile %s: %v", s.CAFile, err)
				}
			}
			dial := func() *smtp.Client {
				t.Helper()
				var c *smtp.Client
				var err error
				if mode == "implicit" {
					var conn net.Conn
					if conn, err = tls.Dial("tcp", s.Addr, tc); err == nil {
						c, err = smtp.NewClient(conn, s.Host)
					}
				} else {
					c, err = smtp.Dial(s.Addr)
				}
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close() })
				if ok, _ := c.Extension("STARTTLS"); ok != (mode == "starttls") {
					t.Fatalf("STARTTLS offered: %v", ok)
				}
				if mode == "starttls" {
					if err := c.StartTLS(tc); err != nil {
						t.Fatal(err)
					}
				}
				return c
			}
			c := dial()
			if err := c.Mail("a@example.com"); err == nil || !strings.Contains(err.Error(), "authenticate") {
				t.Fatalf("MAIL before AUTH: %v, want an authentication-required refusal", err)
			}
			if err := c.Auth(smtp.PlainAuth("", "u", "bad", s.Host)); err == nil || !strings.Contains(err.Error(), "535") {
				t.Fatalf("wrong password: %v, want 535", err)
			}
			c = dial()
			if err := c.Auth(smtp.PlainAuth("", "u", "p", s.Host)); err != nil {
				t.Fatal(err)
			}
			const data = "Subject: x\r\n\r\nhi\r\n"
			if err := c.Mail("a@example.com"); err != nil {
				t.Fatal(err)
			}
			for _, to := range []string{"b@example.com", "c@example.com"} {
				if err := c.Rcpt(to); err != nil {
					t.Fatal(err)
				}
			}
			w, err := c.Data()
			if err == nil {
				_, err = w.Write([]byte(data))
			}
			if err == nil {
				err = w.Close()
			}
			if err == nil {
				err = c.Quit()
			}
			if err != nil {
				t.Fatal(err)
			}
			m := s.Messages()
			if s.Conns() != 2 || len(m) != 1 || m[0].From != "a@example.com" || strings.Join(m[0].To, ",") != "b@example.com,c@example.com" ||
				m[0].User != "u" || m[0].TLS != (mode != "none") || m[0].Data != data {
				t.Fatalf("%d conns (want 2), messages %+v", s.Conns(), m)
			}
		})
	}
}
