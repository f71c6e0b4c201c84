package analyze

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/scrape"
)

var clientChecks = []Check{
	{Codes: []string{"broker.down_conversion"}, Run: checkDownConversion},
}

const conversionWindow = time.Hour

// checkDownConversion reports fetch down-conversion and names the client software connected.
// With a history of the counter it needs conversions in the last hour; without, conversions
// since the broker started and an old client connected now.
func checkDownConversion(in *Input) []Finding {
	var out []Finding
	for _, b := range in.Snapshot.Brokers {
		cur, ok := brokerWide(b.Metrics, mFetchConversions)
		e := brokerEntity(in, b.ID)
		ps := points(in, e.String(), HistFetchConversions, in.Now.Add(-conversionWindow), cur, ok)
		clients, old := connectedClients(b.Metrics)
		var n float64
		var when string
		switch {
		case len(ps) >= 2:
			n, when = increase(ps), "in the last "+fmtDur(span(ps))
		case ok && len(old) > 0:
			n, when = cur, "since the broker started"
		}
		if n <= 0 {
			continue
		}
		named := old
		if len(named) == 0 {
			named = clients
		}
		who := "no client connection metric"
		if len(named) > 0 {
			who = list(named, 5)
		}
		f := newFinding(in, "broker.down_conversion", Warning, e,
			fmt.Sprintf("Broker %d down-converted %s messages %s for old clients (%s)", b.ID, num(n), when, who),
			"Down-conversion copies every fetched batch through the broker's heap and loses zero-copy: upgrade "+
				"these clients (unknown ones predate KIP-511, Kafka 2.4), or set message.downconversion.enable=false "+
				"on the topics to refuse them. Kafka 4.0 no longer down-converts.",
			Evidence{Name: "fetch_conversions", Value: n, Unit: "messages", Text: when},
			Evidence{Name: "old_clients", Value: float64(len(old)), Unit: "count", Text: list(old, 10)},
			Evidence{Name: "clients", Value: float64(len(clients)), Unit: "count", Text: list(clients, 10)})
		out = append(out, window(f, ps))
	}
	return out
}

// connectedClients lists "name/version ×connections" of client listeners (controller
// listeners left out), and those that look old: unknown (before KIP-511) or before 0.11.
func connectedClients(m scrape.Metrics) (all, old []string) {
	conns := map[string]float64{}
	for _, s := range m[mConnections] {
		if s.Value <= 0 || strings.Contains(strings.ToUpper(s.Labels["listener"]), "CONTROLLER") {
			continue
		}
		conns[s.Labels["client_software_name"]+"/"+s.Labels["client_software_version"]] += s.Value
	}
	keys := sortedKeys(conns)
	sort.SliceStable(keys, func(i, j int) bool { return conns[keys[i]] > conns[keys[j]] })
	for _, k := range keys {
		c := fmt.Sprintf("%s ×%s", k, num(conns[k]))
		all = append(all, c)
		name, version, _ := strings.Cut(k, "/")
		if oldClient(name, version) {
			old = append(old, c)
		}
	}
	return all, old
}

// oldClient: software that does not say what it is, or a version before 0.11 (the v2
// message format).
func oldClient(name, version string) bool {
	if name == "" || name == "unknown" || version == "" || version == "unknown" {
		return true
	}
	maj, rest, _ := strings.Cut(strings.TrimPrefix(version, "v"), ".")
	minor, _, _ := strings.Cut(rest, ".")
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(minor)
	return err1 == nil && err2 == nil && a == 0 && b < 11
}
