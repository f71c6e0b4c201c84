package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

func emailReceiver(t *testing.T, h *harness, host string, port int, mode, user, pass string, roots *x509.CertPool) *Receiver {
	t.Helper()
	o := h.options()
	o.TLS = &tls.Config{RootCAs: roots}
	r, err := New(config.Receiver{Name: "mail", Type: "email", Timeout: 5 * time.Second, Retries: 3, SMTP: &config.SMTP{
		Host: host, Port: port, From: "Gregor <gregor@example.com>", To: []string{"ops@example.com", "Kafka Team <kafka@example.com>"},
		Username: user, Password: config.Secret(pass), TLS: mode,
	}}, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestEmailDelivered(t *testing.T) {
	for _, mode := range []string{"starttls", "tls", "none"} {
		t.Run(mode, func(t *testing.T) {
			serverTLS := map[string]string{"starttls": "starttls", "tls": "implicit", "none": "none"}[mode]
			srv := testkit.StartSMTP(t, testkit.SMTPOptions{User: "gregor", Password: "smtp-pa55", TLS: serverTLS})
			h := &harness{}
			r := emailReceiver(t, h, srv.Host, srv.Port, mode, "gregor", "smtp-pa55", srv.CAPool)
			in := []Alert{alert("A", "critical", "firing"), alert("B", "warning", "firing"), alert("C", "warning", "resolved")}
			if err := r.Send(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want 1 per batch", len(msgs))
			}
			m := msgs[0]
			if m.TLS != (mode != "none") || m.From != "gregor@example.com" || strings.Join(m.To, ",") != "ops@example.com,kafka@example.com" {
				t.Fatalf("envelope: tls %v from %q to %q", m.TLS, m.From, m.To)
			}
			msg, err := mail.ReadMessage(strings.NewReader(m.Data))
			if err != nil {
				t.Fatal(err)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if want := "[FIRING:2] cluster prod: critical – 4 under-replicated partitions (+1 more)"; err != nil || subject != want {
				t.Fatalf("subject %q (%v), want %q", subject, err, want)
			}
			if to := msg.Header.Get("To"); to != `<ops@example.com>, "Kafka Team" <kafka@example.com>` {
				t.Errorf("To %q", to)
			}
			if from := msg.Header.Get("From"); from != `"Gregor" <gregor@example.com>` {
				t.Errorf("From %q", from)
			}
			if d, err := msg.Header.Date(); err != nil || !d.Equal(t0) {
				t.Errorf("Date %v %v", d, err)
			}
			if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
				t.Errorf("Message-ID %q", id)
			}
			if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			b, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{
				"[FIRING] critical – 4 under-replicated partitions", "[RESOLVED] warning",
				"- under_replicated = 4 (threshold 0)", "Fix:      Restart broker 2 or reassign its partitions.",
				"alertname=A cluster=prod code=under_replicated entity=topic:prod/orders severity=critical",
				"Started:  2026-03-01T11:50:00Z", "Ended:    2026-03-01T12:00:00Z", "Link:     http://gregor.example/alerts/A",
			} {
				if !strings.Contains(string(b), s) {
					t.Errorf("body lacks %q:\n%s", s, b)
				}
			}
		})
	}
}

func TestEmailStartTLSRequired(t *testing.T) {
	srv := testkit.StartSMTP(t, testkit.SMTPOptions{TLS: "none"}) // no STARTTLS offered
	h := &harness{}
	r := emailReceiver(t, h, srv.Host, srv.Port, "starttls", "", "", nil)
	err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")})
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") || !strings.Contains(err.Error(), `receiver "mail"`) {
		t.Fatalf("want a STARTTLS refusal, got %v", err)
	}
	if srv.Conns() != 1 || len(srv.Messages()) != 0 || len(h.sleeps) != 0 {
		t.Fatalf("%d connections, %d messages, %d retries: want 1, 0, 0", srv.Conns(), len(srv.Messages()), len(h.sleeps))
	}
}

func TestEmailVerifiesCertificate(t *testing.T) {
	srv := testkit.StartSMTP(t, testkit.SMTPOptions{}) // STARTTLS with a self-signed certificate
	h := &harness{}
	r := emailReceiver(t, h, srv.Host, srv.Port, "starttls", "", "", nil) // system roots, not srv.CAPool: the cert is untrusted
	err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")})
	if err == nil || !strings.Contains(err.Error(), "certificate") || len(srv.Messages()) != 0 || len(h.sleeps) != 0 {
		t.Fatalf("want an unretried certificate error, got %v (%d messages, %d retries)", err, len(srv.Messages()), len(h.sleeps))
	}
}

func TestEmailWrongPassword(t *testing.T) {
	srv := testkit.StartSMTP(t, testkit.SMTPOptions{User: "gregor", Password: "right-pa55"})
	h := &harness{}
	r := emailReceiver(t, h, srv.Host, srv.Port, "starttls", "gregor", "wr0ng-Pa55word", srv.CAPool)
	err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")})
	if err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("want a 535 authentication error, got %v", err)
	}
	if strings.Contains(err.Error(), "wr0ng-Pa55word") || strings.Contains(h.logs.String(), "wr0ng-Pa55word") {
		t.Fatalf("the password leaked: %v\n%s", err, h.logs.String())
	}
	if srv.Conns() != 1 || len(srv.Messages()) != 0 || len(h.sleeps) != 0 {
		t.Fatalf("%d connections, %d messages: a 5xx must not be retried", srv.Conns(), len(srv.Messages()))
	}
}

func TestEmailConnectionRefusedRetries(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, p, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	port, _ := strconv.Atoi(p)
	h := &harness{}
	r := emailReceiver(t, h, "127.0.0.1", port, "starttls", "", "", nil)
	if err := r.Send(context.Background(), []Alert{alert("A", "critical", "firing")}); err == nil || len(h.sleeps) != 3 {
		t.Fatalf("want 3 retries then an error, got %v after %d retries", err, len(h.sleeps))
	}
}
