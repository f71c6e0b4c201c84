// Package scrape reads a broker's Prometheus endpoint (the JMX exporter) into named values.
package scrape

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// MaxBody bounds what one scrape may read (a broker with many partitions exposes a lot).
const MaxBody = 64 << 20

// Sample is one series' value.
type Sample struct {
	Labels map[string]string `json:"labels,omitempty"`
	Value  float64           `json:"value"`
}

// Metrics holds a scrape's samples by metric name. Summaries and histograms are flattened
// the way Prometheus stores them: name{quantile}, name_sum, name_count, name_bucket{le}.
type Metrics map[string][]Sample

// Sum adds up every series of a metric; ok is false when the metric is absent.
func (m Metrics) Sum(name string) (sum float64, ok bool) {
	s, ok := m[name]
	for _, x := range s {
		sum += x.Value
	}
	return sum, ok
}

// Get returns the value of the series of name whose labels include all of match.
func (m Metrics) Get(name string, match map[string]string) (float64, bool) {
outer:
	for _, s := range m[name] {
		for k, v := range match {
			if s.Labels[k] != v {
				continue outer
			}
		}
		return s.Value, true
	}
	return 0, false
}

// Fetch scrapes url once.
func Fetch(ctx context.Context, hc *http.Client, url string) (Metrics, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s: HTTP %s", url, resp.Status)
	}
	m, err := Parse(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		return nil, fmt.Errorf("scrape %s: %w", url, err)
	}
	return m, nil
}

// Parse reads the Prometheus text exposition format. Samples whose value is NaN or ±Inf are
// dropped (a metric left without samples is absent): the exposition allows them (an empty
// summary's quantiles are NaN, a gauge may be +Inf), but no check can judge them, they
// would pass threshold comparisons (NaN < x and NaN >= x are both false) and they make
// encoding/json fail wherever they end up.
func Parse(r io.Reader) (Metrics, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	out := make(Metrics, len(fams))
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			labels := labelMap(m.GetLabel())
			add := func(n string, extra map[string]string, v float64) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return
				}
				l := labels
				if len(extra) > 0 {
					l = make(map[string]string, len(labels)+len(extra))
					for k, x := range labels {
						l[k] = x
					}
					for k, x := range extra {
						l[k] = x
					}
				}
				out[n] = append(out[n], Sample{Labels: l, Value: v})
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				add(name, nil, m.GetCounter().GetValue())
			case dto.MetricType_GAUGE:
				add(name, nil, m.GetGauge().GetValue())
			case dto.MetricType_SUMMARY:
				s := m.GetSummary()
				for _, q := range s.GetQuantile() {
					add(name, map[string]string{"quantile": strconv.FormatFloat(q.GetQuantile(), 'g', -1, 64)}, q.GetValue())
				}
				add(name+"_sum", nil, s.GetSampleSum())
				add(name+"_count", nil, float64(s.GetSampleCount()))
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				for _, b := range h.GetBucket() {
					add(name+"_bucket", map[string]string{"le": strconv.FormatFloat(b.GetUpperBound(), 'g', -1, 64)}, float64(b.GetCumulativeCount()))
				}
				add(name+"_sum", nil, h.GetSampleSum())
				add(name+"_count", nil, float64(h.GetSampleCount()))
			default:
				add(name, nil, m.GetUntyped().GetValue())
			}
		}
	}
	return out, nil
}

func labelMap(lp []*dto.LabelPair) map[string]string {
	if len(lp) == 0 {
		return nil
	}
	l := make(map[string]string, len(lp))
	for _, p := range lp {
		l[p.GetName()] = p.GetValue()
	}
	return l
}
