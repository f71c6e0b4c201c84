package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/store"
)

// candidate is what one cycle says should be alerting.
type candidate struct {
	fp       string
	severity string
	labels   map[string]string
	title    string
	evidence []string
	fix      string
	hold     time.Duration // "for"
}

// fingerprint hashes the parts that identify an alert.
func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// fromFinding makes the candidate of a finding of cluster.
func fromFinding(cluster string, f analyze.Finding, hold time.Duration) candidate {
	l := make(map[string]string, len(f.Labels)+6)
	for k, v := range f.Labels {
		l[k] = v
	}
	if f.Entity.Name != "" {
		switch f.Entity.Kind {
		case analyze.KindBroker, analyze.KindTopic, analyze.KindGroup:
			l[f.Entity.Kind] = f.Entity.Name
		}
	}
	sev := f.Severity.String()
	l["alertname"], l["cluster"], l["severity"], l["code"], l["entity"] = f.Code, cluster, sev, f.Code, f.Entity.String()
	ev := make([]string, 0, len(f.Evidence))
	for _, e := range f.Evidence {
		ev = append(ev, evidenceLine(e))
	}
	return candidate{fp: fingerprint("finding", f.Key()), severity: sev, labels: l, title: f.Title, evidence: ev, fix: f.Fix, hold: hold}
}

// evidenceLine is "name = value unit (threshold X)" (no threshold when there is none), or
// "name: text" for evidence that is not a number.
func evidenceLine(e analyze.Evidence) string {
	if e.Text != "" {
		return e.Name + ": " + e.Text
	}
	v := num(e.Value)
	if e.Unit != "" {
		v += " " + e.Unit
	}
	if e.Threshold == 0 {
		return fmt.Sprintf("%s = %s", e.Name, v)
	}
	return fmt.Sprintf("%s = %s (threshold %s)", e.Name, v, num(e.Threshold))
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ruleCandidates makes the candidates of the rules over the samples of cluster's cycle.
func ruleCandidates(cluster string, rules []rule, samples []store.Sample, out map[string]candidate) {
	byMetric := map[string][]*rule{}
	for i := range rules {
		byMetric[rules[i].Metric] = append(byMetric[rules[i].Metric], &rules[i])
	}
	for _, s := range samples {
		for _, r := range byMetric[s.Metric] {
			if ok, _ := path.Match(r.Entity, s.Entity); !ok || math.IsNaN(s.Value) {
				continue
			}
			fp := fingerprint("rule", r.Name, cluster, s.Entity)
			if !r.holds(s.Value) {
				delete(out, fp) // a later sample of the same series wins
				continue
			}
			out[fp] = r.candidate(fp, cluster, s)
		}
	}
}

// candidate is the alert of r on one sample.
func (r *rule) candidate(fp, cluster string, s store.Sample) candidate {
	l := make(map[string]string, len(r.Labels)+5)
	if kind, rest, ok := strings.Cut(s.Entity, ":"); ok {
		if _, name, ok := strings.Cut(rest, "/"); ok {
			switch kind {
			case analyze.KindBroker, analyze.KindTopic, analyze.KindGroup:
				l[kind] = name
			}
		}
	}
	for k, v := range r.Labels {
		l[k] = v
	}
	l["alertname"], l["cluster"], l["severity"], l["entity"] = r.Name, cluster, r.Severity, s.Entity
	line := fmt.Sprintf("%s = %s (threshold %s %s)", r.Metric, num(s.Value), r.Op, num(r.Threshold))
	title := fmt.Sprintf("%s of %s is %s (%s %s)", r.Metric, s.Entity, num(s.Value), r.Op, num(r.Threshold))
	if r.Summary != "" {
		title = r.Summary + ": " + s.Entity
	}
	return candidate{fp: fp, severity: r.Severity, labels: l, title: title, evidence: []string{line}, hold: r.For}
}
