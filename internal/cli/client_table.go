package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// The API's response shapes, as far as the tables need them (see internal/api).

type apiClusterStats struct {
	Brokers          int     `json:"brokers"`
	BrokersReachable int     `json:"brokers_reachable"`
	Topics           int     `json:"topics"`
	Partitions       int     `json:"partitions"`
	UnderReplicated  int     `json:"under_replicated"`
	UnderMinISR      int     `json:"under_min_isr"`
	Offline          int     `json:"offline"`
	MessagesInPerSec float64 `json:"messages_in_per_sec"`
	Lag              int64   `json:"lag"`
}

type apiCluster struct {
	Name          string           `json:"name"`
	Status        string           `json:"status"`
	Error         string           `json:"error"`
	KafkaVersions []string         `json:"kafka_versions"`
	Stats         *apiClusterStats `json:"stats"`
	Brokers       []struct {
		Reachable bool `json:"reachable"`
	} `json:"brokers"`
}

type apiBroker struct {
	ID        int32  `json:"id"`
	Host      string `json:"host"`
	Port      int32  `json:"port"`
	Rack      string `json:"rack"`
	Reachable bool   `json:"reachable"`
	Error     string `json:"error"`
	Stats     struct {
		Leaders          int     `json:"leaders"`
		Replicas         int     `json:"replicas"`
		DiskUsedBytes    int64   `json:"disk_used_bytes"`
		DiskUsableBytes  int64   `json:"disk_usable_bytes"`
		MessagesInPerSec float64 `json:"messages_in_per_sec"`
	} `json:"stats"`
}

type apiTopicStats struct {
	Partitions        int     `json:"partitions"`
	ReplicationFactor int     `json:"replication_factor"`
	MinISR            int     `json:"min_insync_replicas"`
	SizeBytes         int64   `json:"size_bytes"`
	ReplicaBytes      int64   `json:"replica_bytes"`
	Messages          int64   `json:"messages"`
	MessagesInPerSec  float64 `json:"messages_in_per_sec"`
	BytesInPerSec     float64 `json:"bytes_in_per_sec"`
	UnderReplicated   int     `json:"under_replicated"`
	UnderMinISR       int     `json:"under_min_isr"`
	Offline           int     `json:"offline"`
}

type apiTopicRow struct {
	Name     string `json:"name"`
	Internal bool   `json:"internal"`
	apiTopicStats
}

type apiGroupRow struct {
	ID          string   `json:"id"`
	State       string   `json:"state"`
	Type        string   `json:"type"`
	Coordinator int32    `json:"coordinator"`
	Members     int      `json:"members"`
	Lag         int64    `json:"lag"`
	Topics      []string `json:"topics"`
	Error       string   `json:"error"`
}

type apiList[T any] struct {
	Total  int  `json:"total"`
	Offset int  `json:"offset"`
	Limit  int  `json:"limit"`
	Items  *[]T `json:"items"`
}

type apiPartition struct {
	ID          int32   `json:"id"`
	Leader      int32   `json:"leader"`
	Replicas    []int32 `json:"replicas"`
	ISR         []int32 `json:"isr"`
	Offline     []int32 `json:"offline"`
	StartOffset int64   `json:"start_offset"`
	EndOffset   int64   `json:"end_offset"`
	Error       string  `json:"error"`
	Stats       struct {
		SizeBytes       int64 `json:"size_bytes"`
		UnderReplicated bool  `json:"under_replicated"`
		UnderMinISR     bool  `json:"under_min_isr"`
		Offline         bool  `json:"offline"`
	} `json:"stats"`
}

type apiTopic struct {
	Name       string          `json:"name"`
	ID         string          `json:"id"`
	Internal   bool            `json:"internal"`
	Error      string          `json:"error"`
	Partitions []*apiPartition `json:"partitions"`
	Stats      apiTopicStats   `json:"stats"`
	Configs    map[string]struct {
		Value     string `json:"value"`
		Source    string `json:"source"`
		Sensitive bool   `json:"sensitive"`
	} `json:"configs"`
	Groups []struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Lag   int64  `json:"lag"`
	} `json:"groups"`
}

type apiGroup struct {
	ID           string `json:"id"`
	State        string `json:"state"`
	Type         string `json:"type"`
	ProtocolType string `json:"protocol_type"`
	Assignor     string `json:"assignor"`
	Coordinator  int32  `json:"coordinator"`
	Error        string `json:"error"`
	Members      []struct {
		ID         string             `json:"id"`
		InstanceID string             `json:"instance_id"`
		ClientID   string             `json:"client_id"`
		Host       string             `json:"host"`
		Assignment map[string][]int32 `json:"assignment"`
	} `json:"members"`
	Stats struct {
		Members int      `json:"members"`
		Topics  []string `json:"topics"`
		Lag     int64    `json:"lag"`
	} `json:"stats"`
	Partitions []struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Committed *int64 `json:"committed"`
		EndOffset int64  `json:"end_offset"`
		Lag       *int64 `json:"lag"`
		MemberID  string `json:"member_id"`
		ClientID  string `json:"client_id"`
		Host      string `json:"host"`
	} `json:"partitions"`
}

// decode unmarshals body into v, with an error worded for a user.
func decodeBody(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("cannot read the JSON: %v", err)
	}
	return nil
}

// table writes aligned columns; rows are cells, and trailing blanks are trimmed.
type clientTable struct {
	buf bytes.Buffer
	tw  *tabwriter.Writer
}

func newClientTable(header ...string) *clientTable {
	t := &clientTable{}
	t.tw = tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	if len(header) > 0 {
		t.row(header...)
	}
	return t
}

func (t *clientTable) row(cells ...string) {
	for i, c := range cells {
		// A tab or newline in a name would break the columns.
		cells[i] = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(c)
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *clientTable) writeTo(w io.Writer) {
	_ = t.tw.Flush()
	for _, line := range strings.SplitAfter(t.buf.String(), "\n") {
		if line == "" {
			continue
		}
		io.WriteString(w, strings.TrimRight(line, " \n")+"\n")
	}
}

// humanBytes is n in B, KiB, MiB, GiB... with one decimal; "-" when unknown (negative).
func fmtBytes(n int64) string {
	if n < 0 {
		return "-"
	}
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	f, i := float64(n)/1024, 0
	for f >= 1023.95 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

func fmtRate(f float64) string { return fmt.Sprintf("%.1f/s", f) }

func fmtByteRate(f float64) string {
	if f < 0 {
		return "-"
	}
	return fmtBytes(int64(f)) + "/s"
}

// offset is an offset, "-" when unknown (-1).
func fmtOffset(n int64) string {
	if n < 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

func fmtInt(n int) string { return strconv.Itoa(n) }

func fmtYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func fmtIDs(v []int32) string {
	if len(v) == 0 {
		return "-"
	}
	s := make([]string, len(v))
	for i, id := range v {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ",")
}

// ranges is partitions as "0-3,7".
func fmtRanges(ps []int32) string {
	ps = slices.Clone(ps)
	slices.Sort(ps)
	var out []string
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
			j++
		}
		if j > i {
			out = append(out, fmt.Sprintf("%d-%d", ps[i], ps[j]))
		} else {
			out = append(out, strconv.Itoa(int(ps[i])))
		}
		i = j + 1
	}
	return strings.Join(out, ",")
}

// pageFooter is "showing 1-100 of 2043", or "" when the list is not paged.
func fmtPageFooter(total, off, n int) string {
	if n == total && off == 0 {
		return ""
	}
	if n == 0 {
		return fmt.Sprintf("showing 0 of %d (--offset %d is past the end)", total, off)
	}
	s := fmt.Sprintf("showing %d-%d of %d", off+1, off+n, total)
	if off+n < total {
		s += fmt.Sprintf("; next page: --offset %d", off+n)
	}
	return s
}

func renderClusters(w io.Writer, body []byte) error {
	var r struct {
		Clusters *[]apiCluster `json:"clusters"`
	}
	if err := decodeBody(body, &r); err != nil {
		return err
	}
	if r.Clusters == nil {
		return errors.New(`no "clusters" list`)
	}
	t := newClientTable("NAME", "STATUS", "BROKERS", "TOPICS", "PARTITIONS", "URP", "OFFLINE", "IN/S", "LAG", "VERSION")
	var notes []string
	for _, c := range *r.Clusters {
		brokers, topics, parts, urp, offline, in, lag := "-", "-", "-", "-", "-", "-", "-"
		if s := c.Stats; s != nil {
			brokers = fmt.Sprintf("%d/%d", s.BrokersReachable, s.Brokers)
			topics, parts, urp, offline = fmtInt(s.Topics), fmtInt(s.Partitions), fmtInt(s.UnderReplicated), fmtInt(s.Offline)
			in, lag = fmtRate(s.MessagesInPerSec), strconv.FormatInt(s.Lag, 10)
		}
		t.row(c.Name, orDash(c.Status), brokers, topics, parts, urp, offline, in, lag, orDash(strings.Join(c.KafkaVersions, ",")))
		if c.Error != "" {
			notes = append(notes, c.Name+": "+c.Error)
		}
	}
	t.writeTo(w)
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	return nil
}

func renderBrokers(w io.Writer, body []byte) error {
	var r struct {
		ControllerID *int32       `json:"controller_id"`
		Brokers      *[]apiBroker `json:"brokers"`
	}
	if err := decodeBody(body, &r); err != nil {
		return err
	}
	if r.Brokers == nil {
		return errors.New(`no "brokers" list`)
	}
	controller := int32(-1)
	if r.ControllerID != nil {
		controller = *r.ControllerID
	}
	t := newClientTable("ID", "HOST:PORT", "RACK", "REACHABLE", "LEADERS", "REPLICAS", "DISK-USED", "DISK-FREE", "IN/S")
	var notes []string
	marked := false
	for _, b := range *r.Brokers {
		id := strconv.Itoa(int(b.ID))
		if b.ID == controller {
			id, marked = id+"*", true
		}
		t.row(id, net.JoinHostPort(b.Host, strconv.Itoa(int(b.Port))), orDash(b.Rack), fmtYesNo(b.Reachable),
			fmtInt(b.Stats.Leaders), fmtInt(b.Stats.Replicas), fmtBytes(b.Stats.DiskUsedBytes),
			fmtBytes(b.Stats.DiskUsableBytes), fmtRate(b.Stats.MessagesInPerSec))
		if b.Error != "" {
			notes = append(notes, fmt.Sprintf("broker %d: %s", b.ID, b.Error))
		}
	}
	t.writeTo(w)
	if marked {
		fmt.Fprintln(w, "* controller")
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	return nil
}

func renderTopics(w io.Writer, body []byte) error {
	var r apiList[apiTopicRow]
	if err := decodeBody(body, &r); err != nil {
		return err
	}
	if r.Items == nil {
		return errors.New(`no "items" list`)
	}
	t := newClientTable("NAME", "PARTITIONS", "RF", "SIZE", "MESSAGES", "IN/S", "URP", "OFFLINE")
	for _, tp := range *r.Items {
		t.row(tp.Name, fmtInt(tp.Partitions), fmtInt(tp.ReplicationFactor), fmtBytes(tp.SizeBytes),
			strconv.FormatInt(tp.Messages, 10), fmtRate(tp.MessagesInPerSec), fmtInt(tp.UnderReplicated), fmtInt(tp.Offline))
	}
	t.writeTo(w)
	if f := fmtPageFooter(r.Total, r.Offset, len(*r.Items)); f != "" {
		fmt.Fprintln(w, f)
	}
	return nil
}

func renderGroups(w io.Writer, body []byte) error {
	var r apiList[apiGroupRow]
	if err := decodeBody(body, &r); err != nil {
		return err
	}
	if r.Items == nil {
		return errors.New(`no "items" list`)
	}
	t := newClientTable("GROUP", "STATE", "TYPE", "MEMBERS", "LAG", "COORDINATOR", "TOPICS")
	var notes []string
	for _, g := range *r.Items {
		topics := g.Topics
		more := ""
		if len(topics) > 3 {
			topics, more = topics[:3], fmt.Sprintf(",+%d more", len(g.Topics)-3)
		}
		coord := "-"
		if g.Coordinator >= 0 {
			coord = strconv.Itoa(int(g.Coordinator))
		}
		t.row(g.ID, orDash(g.State), orDash(g.Type), fmtInt(g.Members), strconv.FormatInt(g.Lag, 10), coord,
			orDash(strings.Join(topics, ",")+more))
		if g.Error != "" {
			notes = append(notes, g.ID+": "+g.Error)
		}
	}
	t.writeTo(w)
	if f := fmtPageFooter(r.Total, r.Offset, len(*r.Items)); f != "" {
		fmt.Fprintln(w, f)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	return nil
}

func renderTopic(w io.Writer, body []byte) error {
	var tp apiTopic
	if err := decodeBody(body, &tp); err != nil {
		return err
	}
	if tp.Name == "" {
		return errors.New(`no topic "name"`)
	}
	s := tp.Stats
	minISR := "-"
	if s.MinISR > 0 {
		minISR = fmtInt(s.MinISR)
	}
	h := newClientTable()
	h.row("Topic:", tp.Name)
	if tp.ID != "" {
		h.row("ID:", tp.ID)
	}
	if tp.Internal {
		h.row("Internal:", "yes")
	}
	h.row("Partitions:", fmtInt(s.Partitions))
	h.row("Replication factor:", fmtInt(s.ReplicationFactor))
	h.row("Min ISR:", minISR)
	h.row("Size:", fmtBytes(s.SizeBytes)+" ("+fmtBytes(s.ReplicaBytes)+" with replicas)")
	h.row("Messages:", strconv.FormatInt(s.Messages, 10))
	h.row("Rate:", fmtRate(s.MessagesInPerSec)+", "+fmtByteRate(s.BytesInPerSec))
	h.row("Under-replicated:", fmtInt(s.UnderReplicated))
	h.row("Under min ISR:", fmtInt(s.UnderMinISR))
	h.row("Offline:", fmtInt(s.Offline))
	if tp.Error != "" {
		h.row("Error:", tp.Error)
	}
	h.writeTo(w)

	fmt.Fprintln(w)
	t := newClientTable("PARTITION", "LEADER", "REPLICAS", "ISR", "START", "END", "SIZE", "")
	var notes []string
	for _, p := range tp.Partitions {
		if p == nil {
			continue
		}
		var marks []string
		if p.Stats.Offline || p.Leader < 0 {
			marks = append(marks, "offline")
		}
		if p.Stats.UnderReplicated || len(p.ISR) < len(p.Replicas) {
			marks = append(marks, "under-replicated")
		}
		if p.Stats.UnderMinISR {
			marks = append(marks, "under-min-isr")
		}
		leader := "-"
		if p.Leader >= 0 {
			leader = strconv.Itoa(int(p.Leader))
		}
		t.row(strconv.Itoa(int(p.ID)), leader, fmtIDs(p.Replicas), fmtIDs(p.ISR), fmtOffset(p.StartOffset), fmtOffset(p.EndOffset),
			fmtBytes(p.Stats.SizeBytes), strings.Join(marks, ","))
		if p.Error != "" {
			notes = append(notes, fmt.Sprintf("partition %d: %s", p.ID, p.Error))
		}
	}
	t.writeTo(w)
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}

	fmt.Fprintln(w)
	var names []string
	for n, c := range tp.Configs {
		if c.Source != "default" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	switch {
	case tp.Configs == nil:
		fmt.Fprintln(w, "Configs: not collected")
	case len(names) == 0:
		fmt.Fprintln(w, "Configs: all defaults")
	default:
		fmt.Fprintln(w, "Non-default configs:")
		c := newClientTable("NAME", "VALUE", "SOURCE")
		for _, n := range names {
			cfg := tp.Configs[n]
			v := cfg.Value
			if cfg.Sensitive && v == "" {
				v = "(sensitive)"
			}
			c.row(n, v, orDash(cfg.Source))
		}
		c.writeTo(w)
	}

	fmt.Fprintln(w)
	if len(tp.Groups) == 0 {
		fmt.Fprintln(w, "Consumer groups: none")
		return nil
	}
	fmt.Fprintln(w, "Consumer groups:")
	g := newClientTable("GROUP", "STATE", "LAG")
	for _, gr := range tp.Groups {
		g.row(gr.ID, orDash(gr.State), strconv.FormatInt(gr.Lag, 10))
	}
	g.writeTo(w)
	return nil
}

func renderGroup(w io.Writer, body []byte) error {
	var g apiGroup
	if err := decodeBody(body, &g); err != nil {
		return err
	}
	if g.ID == "" {
		return errors.New(`no group "id"`)
	}
	coord := "-"
	if g.Coordinator >= 0 {
		coord = strconv.Itoa(int(g.Coordinator))
	}
	h := newClientTable()
	h.row("Group:", g.ID)
	h.row("State:", orDash(g.State))
	h.row("Type:", orDash(g.Type))
	if g.ProtocolType != "" {
		h.row("Protocol:", g.ProtocolType)
	}
	if g.Assignor != "" {
		h.row("Assignor:", g.Assignor)
	}
	h.row("Coordinator:", coord)
	h.row("Members:", fmtInt(g.Stats.Members))
	h.row("Topics:", orDash(strings.Join(g.Stats.Topics, ",")))
	h.row("Lag:", strconv.FormatInt(g.Stats.Lag, 10))
	if g.Error != "" {
		h.row("Error:", g.Error)
	}
	h.writeTo(w)

	fmt.Fprintln(w)
	if len(g.Members) == 0 {
		fmt.Fprintln(w, "Members: none")
	} else {
		m := newClientTable("MEMBER", "CLIENT", "HOST", "PARTITIONS")
		for _, mem := range g.Members {
			topics := make([]string, 0, len(mem.Assignment))
			for t := range mem.Assignment {
				topics = append(topics, t)
			}
			sort.Strings(topics)
			parts := make([]string, len(topics))
			for i, t := range topics {
				parts[i] = t + "[" + fmtRanges(mem.Assignment[t]) + "]"
			}
			id := mem.ID
			if mem.InstanceID != "" {
				id += " (" + mem.InstanceID + ")"
			}
			m.row(orDash(id), orDash(mem.ClientID), orDash(mem.Host), orDash(strings.Join(parts, " ")))
		}
		m.writeTo(w)
	}

	fmt.Fprintln(w)
	if len(g.Partitions) == 0 {
		fmt.Fprintln(w, "Partitions: none")
		return nil
	}
	p := newClientTable("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "CLIENT")
	for _, gp := range g.Partitions {
		committed, lag := "-", "-"
		if gp.Committed != nil {
			committed = strconv.FormatInt(*gp.Committed, 10)
		}
		if gp.Lag != nil {
			lag = strconv.FormatInt(*gp.Lag, 10)
		}
		p.row(gp.Topic, strconv.Itoa(int(gp.Partition)), committed, fmtOffset(gp.EndOffset), lag, orDash(gp.ClientID))
	}
	p.writeTo(w)
	return nil
}
