package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// WebhookPayload is the JSON body of a generic webhook (version "1").
type WebhookPayload struct {
	Version  string    `json:"version"`
	Receiver string    `json:"receiver"`
	Status   string    `json:"status"` // firing if any alert fires, else resolved
	Alerts   []Alert   `json:"alerts"`
	SentAt   time.Time `json:"sent_at"`
}

// webhook POSTs a WebhookPayload; with a secret it adds X-Gregor-Signature
// ("sha256=" + hex HMAC-SHA256 of the body) and X-Gregor-Timestamp (Unix seconds, = sent_at).
type webhook struct {
	url, name string
	secret    []byte
	client    *http.Client
	now       func() time.Time
}

func (w *webhook) Notify(ctx context.Context, alerts []Alert) (bool, error) {
	now := w.now().UTC().Truncate(time.Second)
	body, err := json.Marshal(WebhookPayload{Version: "1", Receiver: w.name, Status: status(alerts), Alerts: alerts, SentAt: now})
	if err != nil {
		return false, err
	}
	h := http.Header{}
	if len(w.secret) > 0 {
		m := hmac.New(sha256.New, w.secret)
		m.Write(body)
		h.Set("X-Gregor-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
		h.Set("X-Gregor-Timestamp", strconv.FormatInt(now.Unix(), 10))
	}
	return postJSON(ctx, w.client, w.url, body, h)
}

// status is "firing" when any alert fires, else "resolved".
func status(alerts []Alert) string {
	for _, a := range alerts {
		if a.Status != "resolved" {
			return "firing"
		}
	}
	return "resolved"
}

// postJSON POSTs body; network errors, timeouts, 5xx and 429 are retryable, other
// statuses are not. Errors name the URL as scheme://host/… only.
func postJSON(ctx context.Context, c *http.Client, u string, body []byte, h http.Header) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("POST %s: invalid request", redactURL(u))
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Gregor")
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error // its text holds the full URL
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return retryable(err), fmt.Errorf("POST %s: %w", redactURL(u), err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode/100 == 2 {
		return false, nil
	}
	retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
	return retry, fmt.Errorf("POST %s: %s: %s", redactURL(u), resp.Status, strings.TrimSpace(string(msg)))
}
