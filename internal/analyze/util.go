package analyze

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

func clusterEntity(in *Input) Entity { return Entity{Kind: KindCluster, Cluster: in.Snapshot.Cluster} }

func brokerEntity(in *Input, id int32) Entity {
	return Entity{Kind: KindBroker, Cluster: in.Snapshot.Cluster, Name: strconv.Itoa(int(id))}
}

func topicEntity(in *Input, name string) Entity {
	return Entity{Kind: KindTopic, Cluster: in.Snapshot.Cluster, Name: name}
}

func groupEntity(in *Input, id string) Entity {
	return Entity{Kind: KindGroup, Cluster: in.Snapshot.Cluster, Name: id}
}

// newFinding is a finding resting on the snapshot alone.
func newFinding(in *Input, code string, sev Severity, e Entity, title, fix string, ev ...Evidence) Finding {
	t := in.Snapshot.Time
	return Finding{Code: code, Severity: sev, Entity: e, Title: title, Evidence: ev, WindowFrom: t, WindowTo: t, Fix: fix}
}

// dropNonFinite removes from the findings' evidence every value that is NaN or ±Inf, and
// clears such thresholds, so that no finding carries a number JSON cannot encode (the
// findings are served and stored as JSON). The snapshot's metrics and the history are
// already filtered; this catches what a check computes or parses (a config "inf").
func dropNonFinite(fs []Finding) {
	for i := range fs {
		f := &fs[i]
		clean := true
		for _, e := range f.Evidence {
			clean = clean && finite(e.Value) && finite(e.Threshold)
		}
		if clean {
			continue
		}
		ev := make([]Evidence, 0, len(f.Evidence))
		for _, e := range f.Evidence {
			if !finite(e.Value) {
				continue
			}
			if !finite(e.Threshold) {
				e.Threshold = 0
			}
			ev = append(ev, e)
		}
		f.Evidence = ev
	}
}

// window sets a finding's window to the span of ps (and the snapshot).
func window(f Finding, ps []Point) Finding {
	if len(ps) > 0 {
		f.WindowFrom = ps[0].Time
		if t := ps[len(ps)-1].Time; t.After(f.WindowTo) {
			f.WindowTo = t
		}
	}
	return f
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// history is entity's metric since since from in.History, oldest first, without NaN or ±Inf
// points (a store may hold them from before scrape.Parse dropped them).
func history(in *Input, entity, metric string, since time.Time) []Point {
	if in.History == nil {
		return nil
	}
	ps := in.History.Points(entity, metric, since)
	for i, p := range ps {
		if !finite(p.Value) {
			out := append([]Point(nil), ps[:i]...)
			for _, q := range ps[i+1:] {
				if finite(q.Value) {
					out = append(out, q)
				}
			}
			return out
		}
	}
	return ps
}

// points is entity's metric since since, oldest first, with cur appended at the snapshot's
// time when set (and finite) and newer than the history (which may already hold this
// snapshot).
func points(in *Input, entity, metric string, since time.Time, cur float64, haveCur bool) []Point {
	ps := history(in, entity, metric, since)
	if haveCur && finite(cur) && (len(ps) == 0 || in.Snapshot.Time.After(ps[len(ps)-1].Time)) {
		ps = append(ps[:len(ps):len(ps)], Point{Time: in.Snapshot.Time, Value: cur})
	}
	return ps
}

// increase is how much a counter grew over ps; a drop is a restart from zero.
func increase(ps []Point) float64 {
	var d float64
	for i := 1; i < len(ps); i++ {
		if v := ps[i].Value - ps[i-1].Value; v >= 0 {
			d += v
		} else {
			d += ps[i].Value
		}
	}
	return d
}

// counterRates turns a counter's points into per-second rates, each at the later point of
// its pair.
func counterRates(ps []Point) []Point {
	if len(ps) < 2 {
		return nil
	}
	out := make([]Point, 0, len(ps)-1)
	for i := 1; i < len(ps); i++ {
		dt := ps[i].Time.Sub(ps[i-1].Time).Seconds()
		if dt <= 0 {
			continue
		}
		out = append(out, Point{Time: ps[i].Time, Value: increase(ps[i-1:i+1]) / dt})
	}
	return out
}

func span(ps []Point) time.Duration {
	if len(ps) < 2 {
		return 0
	}
	return ps[len(ps)-1].Time.Sub(ps[0].Time)
}

// fmtBytes is a size in binary units: "1.5 GiB".
func fmtBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for math.Abs(b) >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(b, 'f', 0, 64) + " B"
	}
	prec := 1
	if math.Abs(b) >= 100 {
		prec = 0
	}
	return strconv.FormatFloat(b, 'f', prec, 64) + " " + units[i]
}

func fmtRate(b float64) string { return fmtBytes(b) + "/s" }

// fmtDur is a duration to the minute or second: "2d4h", "10h30m", "45m", "30s".
func fmtDur(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		d = d.Round(time.Hour)
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", d/time.Minute, d%time.Minute/time.Second)
	}
	return d.Round(time.Second).String()
}

// pct is a ratio as a percentage: "85%", "4.5%".
func pct(r float64) string {
	if p := r * 100; math.Abs(p) < 10 && p != math.Trunc(p) {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(r*100, 'f', 0, 64) + "%"
}

// num is a number with thousands separators and at most one decimal.
func num(v float64) string {
	neg := v < 0
	v = math.Abs(v)
	if v < 100 {
		v = math.Round(v*10) / 10 // 0.9989 is "1", not "0"
	}
	ip := math.Trunc(v)
	s := strconv.FormatFloat(ip, 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if f := math.Round((v-ip)*10) / 10; f > 0 && f < 1 && v < 100 {
		s += strconv.FormatFloat(f, 'f', 1, 64)[1:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// list joins at most n items with ", " and says how many more.
func list(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return num(float64(n)) + " " + many
}
