package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/config"
)

// email sends one plain-text message per batch over SMTP.
type email struct {
	cfg config.SMTP
	tls *tls.Config // base config (RootCAs); ServerName defaults to the host
	now func() time.Time
}

func (e *email) Notify(ctx context.Context, alerts []Alert) (bool, error) {
	addr := net.JoinHostPort(e.cfg.Host, strconv.Itoa(e.cfg.Port))
	retry, err := e.send(ctx, addr, alerts)
	if err != nil {
		if ctx.Err() != nil {
			return true, fmt.Errorf("smtp %s: %w (%v)", addr, ctx.Err(), err)
		}
		return retry, fmt.Errorf("smtp %s: %w", addr, err)
	}
	return false, nil
}

func (e *email) send(ctx context.Context, addr string, alerts []Alert) (bool, error) {
	from, err := mail.ParseAddress(e.cfg.From)
	if err != nil {
		return false, fmt.Errorf("from: %w", err)
	}
	var to []*mail.Address
	for _, s := range e.cfg.To {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return false, fmt.Errorf("to: %w", err)
		}
		to = append(to, a)
	}
	msg, err := e.message(from, to, alerts)
	if err != nil {
		return false, err
	}
	tc := &tls.Config{}
	if e.tls != nil {
		tc = e.tls.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = e.cfg.Host
	}
	tc.MinVersion = max(tc.MinVersion, tls.VersionTLS12)
	var conn net.Conn
	if e.cfg.TLS == "tls" {
		conn, err = (&tls.Dialer{Config: tc}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return smtpRetry(err), fmt.Errorf("connect: %w", err)
	}
	defer context.AfterFunc(ctx, func() { conn.Close() })()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, e.cfg.Host)
	if err != nil {
		conn.Close()
		return smtpRetry(err), fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	step := func(name string, err error) (bool, error) { return smtpRetry(err), fmt.Errorf("%s: %w", name, err) }
	host, _ := os.Hostname()
	if host == "" || strings.ContainsAny(host, "\r\n") {
		host = "localhost"
	}
	if err := c.Hello(host); err != nil {
		return step("EHLO", err)
	}
	if e.cfg.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return false, errors.New("the server does not offer STARTTLS (tls: starttls refuses to send in clear text)")
		}
		if err := c.StartTLS(tc); err != nil {
			return step("STARTTLS", err)
		}
	}
	if e.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.cfg.Username, e.cfg.Password.Reveal(), e.cfg.Host)); err != nil {
			return step("AUTH PLAIN as "+e.cfg.Username, err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return step("MAIL FROM", err)
	}
	for _, a := range to {
		if err := c.Rcpt(a.Address); err != nil {
			return step("RCPT TO "+a.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return step("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return step("DATA", err)
	}
	if err := w.Close(); err != nil {
		return step("DATA", err)
	}
	_ = c.Quit() // the message is accepted
	return false, nil
}

// smtpRetry: 4xx replies and network errors are retryable; 5xx replies, certificate and
// authentication-policy errors are not.
func smtpRetry(err error) bool {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code >= 400 && tp.Code < 500
	}
	var ne net.Error
	return retryable(err) && (errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF))
}

func (e *email) message(from *mail.Address, to []*mail.Address, alerts []Alert) ([]byte, error) {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	var rcpt []string
	for _, a := range to {
		rcpt = append(rcpt, a.String())
	}
	var b bytes.Buffer
	for _, h := range [][2]string{
		{"From", from.String()},
		{"To", strings.Join(rcpt, ", ")},
		{"Subject", mime.QEncoding.Encode("utf-8", summary(alerts))},
		{"Date", e.now().Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
	} {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := io.WriteString(qp, body(alerts)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// body is the plain-text description of every alert of the batch.
func body(alerts []Alert) string {
	var b strings.Builder
	firing := len(slices.DeleteFunc(slices.Clone(alerts), func(a Alert) bool { return a.Status == "resolved" }))
	fmt.Fprintf(&b, "Gregor: %d firing, %d resolved.\r\n", firing, len(alerts)-firing)
	for _, a := range alerts {
		fmt.Fprintf(&b, "\r\n[%s] %s – %s\r\n", strings.ToUpper(a.Status), a.Severity, a.Title)
		var labels []string
		for _, k := range slices.Sorted(maps.Keys(a.Labels)) {
			labels = append(labels, k+"="+a.Labels[k])
		}
		fmt.Fprintf(&b, "  Labels:   %s\r\n", strings.Join(labels, " "))
		if len(a.Evidence) > 0 {
			b.WriteString("  Evidence:\r\n")
			for _, l := range a.Evidence {
				fmt.Fprintf(&b, "    - %s\r\n", l)
			}
		}
		if a.Fix != "" {
			fmt.Fprintf(&b, "  Fix:      %s\r\n", a.Fix)
		}
		fmt.Fprintf(&b, "  Started:  %s\r\n", a.StartsAt.UTC().Format(time.RFC3339))
		if !a.EndsAt.IsZero() {
			fmt.Fprintf(&b, "  Ended:    %s\r\n", a.EndsAt.UTC().Format(time.RFC3339))
		}
		if a.URL != "" {
			fmt.Fprintf(&b, "  Link:     %s\r\n", a.URL)
		}
	}
	return b.String()
}
