package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// maxAttachments keeps a Slack message readable; the rest are counted in the text.
const maxAttachments = 20

var colors = map[string]string{"critical": "#d63232", "warning": "#e8a33d", "info": "#439fe0", "resolved": "#2eb886"}

type slackMessage struct {
	Text        string            `json:"text"`
	Attachments []slackAttachment `json:"attachments"`
}

type slackAttachment struct {
	Color     string       `json:"color"`
	Title     string       `json:"title"`
	TitleLink string       `json:"title_link,omitempty"`
	Text      string       `json:"text"`
	Fields    []slackField `json:"fields,omitempty"`
	Fallback  string       `json:"fallback"`
	MrkdwnIn  []string     `json:"mrkdwn_in"`
}

type slackField struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short"`
}

// slack POSTs to a Slack incoming webhook: the summary as text, one coloured attachment per
// alert (title, evidence, fix; resolved ones titled "RESOLVED: ...").
type slack struct {
	url    string
	client *http.Client
}

func (s *slack) Notify(ctx context.Context, alerts []Alert) (bool, error) {
	m := slackMessage{Text: esc(summary(alerts))}
	for i, a := range alerts {
		if i == maxAttachments {
			m.Text += fmt.Sprintf(" (%d more not shown)", len(alerts)-i)
			break
		}
		title, color := a.Title, colors[a.Severity]
		if a.Status == "resolved" {
			title, color = "RESOLVED: "+title, colors["resolved"]
		}
		var text []string
		for _, e := range a.Evidence {
			text = append(text, "• "+esc(e))
		}
		if a.Fix != "" {
			text = append(text, "*Fix:* "+esc(a.Fix))
		}
		at := slackAttachment{Color: color, Title: esc(title), TitleLink: a.URL, Text: strings.Join(text, "\n"),
			Fallback: esc(title), MrkdwnIn: []string{"text"}}
		for _, k := range []string{"cluster", "severity", "entity", "code"} {
			if v := a.Labels[k]; v != "" {
				at.Fields = append(at.Fields, slackField{Title: k, Value: esc(v), Short: true})
			}
		}
		m.Attachments = append(m.Attachments, at)
	}
	body, err := json.Marshal(m)
	if err != nil {
		return false, err
	}
	return postJSON(ctx, s.client, s.url, body, nil)
}

// esc escapes the three characters Slack's mrkdwn reserves.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// summary is a batch's one-line headline, e.g.
// "[FIRING:2] cluster prod: critical – 4 under-replicated partitions (+1 more)".
func summary(alerts []Alert) string {
	firing := slices.DeleteFunc(slices.Clone(alerts), func(a Alert) bool { return a.Status == "resolved" })
	head, top := fmt.Sprintf("[RESOLVED:%d]", len(alerts)), alerts
	if len(firing) > 0 {
		head, top = fmt.Sprintf("[FIRING:%d]", len(firing)), firing
	}
	// the most severe alert leads (MaxFunc keeps the first of equals)
	first := slices.MaxFunc(top, func(a, b Alert) int { return rank(a.Severity) - rank(b.Severity) })
	var clusters []string
	for _, a := range alerts {
		if c := a.Labels["cluster"]; c != "" && !slices.Contains(clusters, c) {
			clusters = append(clusters, c)
		}
	}
	where := ""
	if len(clusters) == 1 {
		where = " cluster " + clusters[0] + ":"
	} else if len(clusters) > 1 {
		where = " clusters " + strings.Join(clusters, ", ") + ":"
	}
	s := fmt.Sprintf("%s%s %s – %s", head, where, first.Severity, first.Title)
	if len(top) > 1 {
		s += fmt.Sprintf(" (+%d more)", len(top)-1)
	}
	return s
}
