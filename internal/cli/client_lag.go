package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/gregor-kafka/gregor/internal/lag"
)

// renderLag prints a group's lag evaluation (GET .../groups/{g}/lag).
func renderLag(w io.Writer, body []byte) error {
	var g lagReport
	if err := decodeBody(body, &g); err != nil {
		return err
	}
	if g.ID == "" {
		return errors.New(`no "group"`)
	}
	h := newClientTable()
	h.row("Group:", g.ID)
	h.row("Status:", g.Status+"  "+g.Reason)
	h.row("State:", orDash(g.State)+" ("+g.Type+"), "+fmtInt(g.Members)+" members")
	h.row("Lag:", strconv.FormatInt(g.LagMessages, 10)+" messages, oldest unconsumed "+fmtSeconds(g.LagSeconds, false))
	h.row("Rebalances:", fmtInt(g.Rebalances.LastHour)+" in the last hour")
	if len(g.DeadLetterTopics) > 0 {
		h.row("Dead letters:", fmt.Sprint(g.DeadLetterTopics))
	}
	for _, n := range g.Notes {
		h.row("Note:", n)
	}
	h.writeTo(w)
	fmt.Fprintln(w)
	t := newClientTable("TOPIC", "PARTITION", "STATUS", "COMMITTED", "END", "LAG", "LAG-TIME", "CONSUME", "PRODUCE", "DRAIN", "CLIENT")
	for _, p := range g.Partitions {
		committed, lagMsgs := "-", "-"
		if p.Committed >= 0 {
			committed = strconv.FormatInt(p.Committed, 10)
		}
		if p.Lag >= 0 {
			lagMsgs = strconv.FormatInt(p.Lag, 10)
		}
		drain := "-"
		switch {
		case p.DrainSeconds < 0:
			drain = "falling behind"
		case p.Lag > 0:
			drain = fmtSeconds(p.DrainSeconds, false)
		}
		t.row(p.Topic, strconv.Itoa(int(p.Partition)), p.Status, committed, fmtOffset(p.End), lagMsgs,
			fmtSeconds(p.LagSeconds, p.LagAtLeast), fmtRate(p.ConsumeRate), fmtRate(p.ProduceRate), drain, orDash(p.ClientID))
	}
	t.writeTo(w)
	return nil
}

// lagReport is the part of lag.GroupReport the table shows; statuses come as strings.
type lagReport struct {
	ID               string   `json:"group"`
	State            string   `json:"state"`
	Type             string   `json:"type"`
	Members          int      `json:"members"`
	Status           string   `json:"status"`
	Reason           string   `json:"reason"`
	LagMessages      int64    `json:"lag_messages"`
	LagSeconds       float64  `json:"lag_seconds"`
	DeadLetterTopics []string `json:"dead_letter_topics"`
	Notes            []string `json:"notes"`
	Rebalances       struct {
		LastHour int `json:"last_hour"`
	} `json:"rebalances"`
	Partitions []struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		ClientID  string `json:"client_id"`
		Status    string `json:"status"`
		lag.Result
	} `json:"partitions"`
}

func fmtSeconds(s float64, atLeast bool) string {
	if s < 0 {
		return "-"
	}
	out := (time.Duration(s*float64(time.Second)) / time.Second * time.Second).String()
	if atLeast {
		out = ">" + out
	}
	return out
}
