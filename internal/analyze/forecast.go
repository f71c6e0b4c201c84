package analyze

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Forecasts: a least-squares line over ForecastWindow of history, extrapolated to capacity.
var forecastChecks = []Check{
	{Codes: []string{"broker.disk_full_forecast"}, Run: checkDiskForecast},
	{Codes: []string{"broker.network_saturation"}, Run: checkNetwork},
}

const (
	minForecastPoints = 3
	networkCrit       = 0.9 // share of the NIC that is critical now
)

// ForecastFull fits a least-squares line to points and returns how long after now the line
// reaches capacity, rounded to the second (0 when it is there already). ok is false with
// fewer than two distinct times, a flat or falling trend, or an answer beyond a century.
func ForecastFull(points []Point, capacity float64, now time.Time) (eta time.Duration, ok bool) {
	slope, at, ok := fitLine(points, now)
	if !ok || slope <= 0 {
		return 0, false
	}
	if at >= capacity {
		return 0, true
	}
	secs := math.Round((capacity - at) / slope)
	if math.IsNaN(secs) || secs > 100*365*24*3600 {
		return 0, false
	}
	return time.Duration(secs) * time.Second, true
}

// fitLine is the least-squares line through ps: its slope per second and its value at now.
func fitLine(ps []Point, now time.Time) (slope, at float64, ok bool) {
	if len(ps) < 2 {
		return 0, 0, false
	}
	n := float64(len(ps))
	var mx, my float64
	for _, p := range ps {
		mx += p.Time.Sub(now).Seconds()
		my += p.Value
	}
	mx, my = mx/n, my/n
	var sxy, sxx float64
	for _, p := range ps {
		dx := p.Time.Sub(now).Seconds() - mx
		sxy += dx * (p.Value - my)
		sxx += dx * dx
	}
	if sxx == 0 {
		return 0, 0, false
	}
	slope = sxy / sxx
	return slope, my - slope*mx, true
}

// room is how large a log dir's replicas may grow: their bytes plus the free space, or the
// total when free space is unknown.
func room(d snapshot.LogDir) float64 {
	if d.UsableBytes >= 0 {
		return float64(d.UsedBytes + d.UsableBytes)
	}
	return float64(d.TotalBytes)
}

// checkDiskForecast forecasts each log dir from its own history (HistLogDirUsed+path), or
// the broker's log dirs together from HistDiskUsed when there is no per-dir history.
func checkDiskForecast(in *Input) []Finding {
	var out []Finding
	c := in.Config
	since, minSpan := in.Now.Add(-c.ForecastWindow), c.ForecastWindow/4
	for _, b := range in.Snapshot.Brokers {
		e := brokerEntity(in, b.ID)
		perDir := false
		eval := func(ps []Point, capacity float64, dir string) {
			if len(ps) < minForecastPoints || span(ps) < minSpan {
				return
			}
			eta, ok := ForecastFull(ps, capacity, in.Now)
			if !ok || eta >= c.DiskFullWarn {
				return
			}
			sev := Warning
			if eta < c.DiskFullCrit {
				sev = Critical
			}
			slope, _, _ := fitLine(ps, in.Now)
			used := ps[len(ps)-1].Value
			what := "Log dirs"
			if dir != "" {
				what = "Log dir " + dir
			}
			f := newFinding(in, "broker.disk_full_forecast", sev, e,
				fmt.Sprintf("%s on broker %d full in %s at +%s (%s of %s)", what, b.ID, fmtDur(eta), fmtBytes(slope*3600)+"/h", fmtBytes(used), fmtBytes(capacity)),
				diskFix,
				Evidence{Name: "eta_seconds", Value: eta.Seconds(), Threshold: c.DiskFullWarn.Seconds(), Unit: "seconds",
					Text: "full at " + in.Now.Add(eta).UTC().Format(time.RFC3339)},
				Evidence{Name: "critical_eta_seconds", Value: c.DiskFullCrit.Seconds(), Unit: "seconds"},
				Evidence{Name: "growth_bytes_per_sec", Value: slope, Unit: "bytes/s"},
				Evidence{Name: "used_bytes", Value: used, Unit: "bytes"},
				Evidence{Name: "capacity_bytes", Value: capacity, Unit: "bytes"},
				Evidence{Name: "points", Value: float64(len(ps)), Unit: "count", Text: "fitted over " + fmtDur(span(ps))})
			if dir != "" {
				f.Labels = map[string]string{"log_dir": dir}
			}
			out = append(out, window(f, ps))
		}
		for _, d := range b.LogDirs {
			if d.Error != "" || d.TotalBytes <= 0 {
				continue
			}
			ps := points(in, e.String(), HistLogDirUsed+d.Path, since, float64(d.UsedBytes), true)
			if len(ps) > 1 {
				perDir = true
				eval(ps, room(d), d.Path)
			}
		}
		if bs := b.Stats; !perDir && bs.DiskTotalBytes > 0 {
			capacity := float64(bs.DiskTotalBytes)
			if bs.DiskUsableBytes >= 0 {
				capacity = float64(bs.DiskUsedBytes + bs.DiskUsableBytes)
			}
			eval(points(in, e.String(), HistDiskUsed, since, float64(bs.DiskUsedBytes), true), capacity, "")
		}
	}
	return out
}

// checkNetwork holds each broker's bytes in and bytes out per second (each from its counter's
// history) against NICBytesPerSec, now and as forecast. A NIC is full duplex: each direction
// has the whole capacity, so the busier direction is judged (max(in, out)), and the forecast
// is the sooner of the two directions' lines reaching the capacity.
func checkNetwork(in *Input) []Finding {
	c := in.Config
	nic := c.NICBytesPerSec
	if nic <= 0 {
		return nil
	}
	type direction struct {
		name   string
		metric string
		cur    func(scrape.Metrics) (float64, bool)
		ps     []Point
		rate   float64
		have   bool
		eta    time.Duration
		okEta  bool
	}
	var out []Finding
	since, minSpan := in.Now.Add(-c.ForecastWindow), c.ForecastWindow/4
	for _, b := range in.Snapshot.Brokers {
		e := brokerEntity(in, b.ID)
		dirs := []direction{{name: "in", metric: HistNetworkIn, cur: networkIn}, {name: "out", metric: HistNetworkOut, cur: networkOut}}
		var busiest, soonest *direction
		for i := range dirs {
			d := &dirs[i]
			cur, ok := d.cur(b.Metrics)
			d.ps = points(in, e.String(), d.metric, since, cur, ok)
			rates := counterRates(d.ps)
			if len(rates) == 0 {
				continue
			}
			d.have, d.rate = true, rates[len(rates)-1].Value
			if len(rates) >= minForecastPoints && span(rates) >= minSpan {
				d.eta, d.okEta = ForecastFull(rates, nic, in.Now)
			}
			if busiest == nil || d.rate > busiest.rate {
				busiest = d
			}
			if d.okEta && (soonest == nil || d.eta < soonest.eta) {
				soonest = d
			}
		}
		if busiest == nil {
			continue
		}
		rate := busiest.rate
		share := rate / nic
		soon := soonest != nil && soonest.eta < c.DiskFullWarn
		if !(share >= c.NetworkWarn) && !soon {
			continue
		}
		sev := Warning
		if share >= networkCrit || soonest != nil && soonest.eta < c.DiskFullCrit {
			sev = Critical
		}
		var each []string
		ev := []Evidence{{Name: "network_bytes_per_sec", Value: rate, Threshold: c.NetworkWarn * nic, Unit: "bytes/s",
			Text: "the busier direction: " + busiest.name}}
		for _, d := range dirs {
			if d.have {
				each = append(each, d.name+" "+fmtRate(d.rate))
				ev = append(ev, Evidence{Name: "network_" + d.name + "_bytes_per_sec", Value: d.rate, Unit: "bytes/s"})
			}
		}
		ev = append(ev, Evidence{Name: "network_ratio", Value: share, Threshold: c.NetworkWarn, Unit: "ratio"},
			Evidence{Name: "nic_bytes_per_sec", Value: nic, Unit: "bytes/s", Text: "per direction (full duplex)"})
		title := fmt.Sprintf("Broker %d network at %s of capacity (%s; NIC %s each way)", b.ID, pct(share), strings.Join(each, ", "), fmtRate(nic))
		if soon {
			title += fmt.Sprintf(", %s saturated in %s", soonest.name, fmtDur(soonest.eta))
			ev = append(ev, Evidence{Name: "eta_seconds", Value: soonest.eta.Seconds(), Threshold: c.DiskFullWarn.Seconds(), Unit: "seconds",
				Text: soonest.name + " saturated at " + in.Now.Add(soonest.eta).UTC().Format(time.RFC3339)})
		}
		f := newFinding(in, "broker.network_saturation", sev, e, title,
			"Spread or cut the traffic: move leaders and partitions off this broker (broker.leader_skew), add "+
				"brokers, compress on the producers (lz4 or zstd), let consumers fetch from the nearest replica "+
				"(KIP-392, broker.rack), or give the broker a faster NIC. checks.nic_bytes_per_sec must be its real "+
				"capacity in one direction.",
			ev...)
		f = window(f, busiest.ps)
		for _, d := range dirs {
			if d.have && d.ps[0].Time.Before(f.WindowFrom) {
				f.WindowFrom = d.ps[0].Time
			}
		}
		out = append(out, f)
	}
	return out
}
