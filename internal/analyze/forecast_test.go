package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/scrape"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

func TestForecastFull(t *testing.T) {
	h := time.Hour
	for _, c := range []struct {
		name     string
		points   []Point
		capacity float64
		now      time.Time
		eta      time.Duration
		ok       bool
	}{
		// 2 GiB/h from 88 GiB at -6h: 100 GiB now, 120 GiB in 10 h.
		{"steady growth", line(t0, 7, h, 88*gib, 2*gib), 120 * gib, t0, 10 * h, true},
		// The same line, asked 2 h after its last point.
		{"now after the last point", line(t0, 7, h, 88*gib, 2*gib), 120 * gib, t0.Add(2 * h), 8 * h, true},
		// 1000 B/s for 10 minutes: 600000 now, 1.5 MB in 900 s.
		{"seconds", line(t0, 11, time.Minute, 0, 60000), 1.5e6, t0, 900 * time.Second, true},
		// Least squares through 0, 2, 2, 4 at hours -3..0: slope 1.2/h, 3.8 now, 10 in 5h10m.
		{"noisy", []Point{{t0.Add(-3 * h), 0}, {t0.Add(-2 * h), 2}, {t0.Add(-h), 2}, {t0, 4}}, 10, t0, 5*h + 10*time.Minute, true},
		{"already full", line(t0, 3, h, 90, 10), 100, t0, 0, true},
		{"flat", line(t0, 5, h, 50, 0), 100, t0, 0, false},
		{"falling", line(t0, 5, h, 50, -1), 100, t0, 0, false},
		{"one point", line(t0, 1, h, 50, 1), 100, t0, 0, false},
		{"same time", []Point{{t0, 1}, {t0, 2}}, 100, t0, 0, false},
		{"beyond a century", line(t0, 3, h, 0, 1e-9), 100, t0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			eta, ok := ForecastFull(c.points, c.capacity, c.now)
			if eta != c.eta || ok != c.ok {
				t.Fatalf("ForecastFull = %v, %v; want %v, %v", eta, ok, c.eta, c.ok)
			}
		})
	}
}

// growing is broker 1's /data with 100 GiB used now after 2 GiB/h for 6 hours, and usable
// free bytes.
func growing(usable int64) *Input {
	in := dir(base(), 0, snapshot.LogDir{Path: "/data", TotalBytes: 1024 * gib, UsableBytes: usable, UsedBytes: 100 * gib})
	return brokerHist(in, "1", HistLogDirUsed+"/data", line(t0.Add(-time.Hour), 6, time.Hour, 88*gib, 2*gib))
}

// netCounter is broker 1's bytes-in counter with interval rates r0 + i*dr (bytes/s) over 36
// ten-minute intervals ending now (see netTraffic), and no bytes out.
func netCounter(in *Input, r0, dr float64) *Input { return netTraffic(in, r0, dr, 0, 0) }

// netTraffic is broker 1's bytes-in and bytes-out counters, each with interval rates r0 +
// i*dr (bytes/s) over 36 ten-minute intervals ending now: the history holds all but the last
// point, the broker's metrics the last. The NIC is 100 MB/s.
func netTraffic(in *Input, in0, inD, out0, outD float64) *Input {
	counter := func(r0, dr float64) []Point {
		ps := []Point{{t0.Add(-6 * time.Hour), 1e9}}
		for i := 1; i <= 36; i++ {
			prev := ps[len(ps)-1]
			ps = append(ps, Point{prev.Time.Add(10 * time.Minute), prev.Value + (r0+float64(i)*dr)*600})
		}
		return ps
	}
	psIn, psOut := counter(in0, inD), counter(out0, outD)
	in.Snapshot.Brokers[0].Metrics = scrape.Metrics{mBytesIn: {{Value: psIn[36].Value}}, mBytesOut: {{Value: psOut[36].Value}}}
	in.Config.NICBytesPerSec = 1e8
	in = brokerHist(in, "1", HistNetworkIn, psIn[:36])
	return brokerHist(in, "1", HistNetworkOut, psOut[:36])
}

var forecastCases = []codeCase{
	{name: "10 hours", code: "broker.disk_full_forecast", fires: true, sev: Critical, title: []string{"Log dir /data on broker 1 full in 10h00m", "+2.0 GiB/h"},
		build: func() *Input { return growing(20 * gib) },
		check: func(t *testing.T, fs []Finding) {
			f := fs[0]
			if e := evidence(f, "eta_seconds"); e.Value != 36000 || e.Threshold != 48*3600 || e.Text != "full at 2030-01-01T22:00:00Z" {
				t.Errorf("eta %+v", e)
			}
			if e := evidence(f, "capacity_bytes"); e.Value != 120*gib {
				t.Errorf("capacity %+v", e)
			}
			if f.Labels["log_dir"] != "/data" || !f.WindowFrom.Equal(t0.Add(-6*time.Hour)) || !f.WindowTo.Equal(t0) {
				t.Errorf("%+v", f)
			}
		}},
	{name: "30 hours", code: "broker.disk_full_forecast", fires: true, sev: Warning, title: []string{"full in 30h00m"},
		build: func() *Input { return growing(60 * gib) }},
	{name: "broker total without per-dir history", code: "broker.disk_full_forecast", fires: true, sev: Warning, title: []string{"Log dirs on broker 2 full in 40h00m"},
		build: func() *Input {
			in := dir(base(), 1, snapshot.LogDir{Path: "/data", TotalBytes: 1024 * gib, UsableBytes: 80 * gib, UsedBytes: 100 * gib})
			return brokerHist(in, "2", HistDiskUsed, line(t0.Add(-time.Hour), 6, time.Hour, 88*gib, 2*gib))
		}, check: func(t *testing.T, fs []Finding) {
			if len(fs[0].Labels) != 0 {
				t.Errorf("labels %v", fs[0].Labels)
			}
		}},
	{name: "60 hours", code: "broker.disk_full_forecast", build: func() *Input { return growing(120 * gib) }},
	{name: "flat", code: "broker.disk_full_forecast", build: func() *Input {
		in := dir(base(), 0, snapshot.LogDir{Path: "/data", TotalBytes: 1024 * gib, UsableBytes: 1 * gib, UsedBytes: 100 * gib})
		return brokerHist(in, "1", HistLogDirUsed+"/data", line(t0.Add(-time.Hour), 6, time.Hour, 100*gib, 0))
	}},
	{name: "too little history", code: "broker.disk_full_forecast", build: func() *Input {
		in := dir(base(), 0, snapshot.LogDir{Path: "/data", TotalBytes: 1024 * gib, UsableBytes: 1 * gib, UsedBytes: 100 * gib})
		return brokerHist(in, "1", HistLogDirUsed+"/data", line(t0.Add(-10*time.Minute), 3, 5*time.Minute, 90*gib, gib))
	}},
	{name: "no history", code: "broker.disk_full_forecast", build: func() *Input {
		return dir(base(), 0, snapshot.LogDir{Path: "/data", TotalBytes: 1024 * gib, UsableBytes: 1 * gib, UsedBytes: 100 * gib})
	}},

	// 20 MB/s + 1 MB/s per interval: 56 MB/s now (56%), 100 MB/s in 44 intervals.
	{name: "saturated in 7h20m", code: "broker.network_saturation", fires: true, sev: Critical, title: []string{"Broker 1 network at 56% of capacity", "saturated in 7h20m"},
		build: func() *Input { return netCounter(base(), 20e6, 1e6) },
		check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "eta_seconds"); e.Value != 7*3600+20*60 {
				t.Errorf("eta %+v", e)
			}
			if e := evidence(fs[0], "network_bytes_per_sec"); e.Value != 56e6 || e.Threshold != 70e6 {
				t.Errorf("rate %+v", e)
			}
		}},
	// 40 MB/s + 0.25 MB/s per interval: 49 MB/s now, 100 MB/s in 204 intervals (34 h).
	{name: "saturated in 34h", code: "broker.network_saturation", fires: true, sev: Warning, title: []string{"49%", "saturated in 34h00m"},
		build: func() *Input { return netCounter(base(), 40e6, 0.25e6) }},
	{name: "busy now", code: "broker.network_saturation", fires: true, sev: Warning, title: []string{"at 75% of capacity"},
		build: func() *Input { return netCounter(base(), 75e6, 0) }},
	{name: "quiet", code: "broker.network_saturation", build: func() *Input { return netCounter(base(), 30e6, 0) }},
	// A NIC is full duplex: 40 MB/s in and 40 MB/s out is 40% of it, not 80%.
	{name: "in and out each 40%", code: "broker.network_saturation", build: func() *Input { return netTraffic(base(), 40e6, 0, 40e6, 0) }},
	{name: "in and out growing, each far from full", code: "broker.network_saturation", build: func() *Input {
		// 20 MB/s each now, +0.25 MB/s per interval: each full in 320 intervals (53h20m), beyond
		// disk_full_warn; their sum (40 MB/s, +0.5) would reach 100 MB/s in 20 h.
		return netTraffic(base(), 11e6, 0.25e6, 11e6, 0.25e6)
	}},
	{name: "out busy", code: "broker.network_saturation", fires: true, sev: Warning, title: []string{"Broker 1 network at 75% of capacity", "in 9.5 MiB/s", "out 71.5 MiB/s"},
		build: func() *Input { return netTraffic(base(), 10e6, 0, 75e6, 0) },
		check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "network_bytes_per_sec"); e.Value != 75e6 || e.Threshold != 70e6 || e.Text != "the busier direction: out" {
				t.Errorf("rate %+v", e)
			}
			if e := evidence(fs[0], "network_in_bytes_per_sec"); e.Value != 10e6 {
				t.Errorf("in %+v", e)
			}
			if e := evidence(fs[0], "network_out_bytes_per_sec"); e.Value != 75e6 {
				t.Errorf("out %+v", e)
			}
		}},
	// In flat at 50 MB/s, out 20 MB/s + 1 MB/s per interval: out saturates first, in 7h20m.
	{name: "out saturates first", code: "broker.network_saturation", fires: true, sev: Critical, title: []string{"at 56% of capacity", "out saturated in 7h20m"},
		build: func() *Input { return netTraffic(base(), 50e6, 0, 20e6, 1e6) },
		check: func(t *testing.T, fs []Finding) {
			if e := evidence(fs[0], "eta_seconds"); e.Value != 7*3600+20*60 || !strings.HasPrefix(e.Text, "out saturated at") {
				t.Errorf("eta %+v", e)
			}
			if !fs[0].WindowFrom.Equal(t0.Add(-6 * time.Hour)) {
				t.Errorf("window %v", fs[0].WindowFrom)
			}
		}},
	{name: "no NIC capacity", code: "broker.network_saturation", build: func() *Input {
		in := netCounter(base(), 20e6, 1e6)
		in.Config.NICBytesPerSec = 0
		return in
	}},
	{name: "no history", code: "broker.network_saturation", build: func() *Input {
		in := netCounter(base(), 90e6, 0)
		in.History = nil
		return in
	}},
}

func TestForecastChecks(t *testing.T) { runCases(t, forecastCases) }

// A configured log dir capacity replaces the volume's: usage and the forecast hold against it,
// and the snapshot itself is left alone.
func TestLogDirCapacity(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := &snapshot.Snapshot{Cluster: "c", Time: now, Brokers: []*snapshot.Broker{{ID: 1, Reachable: true,
		LogDirs: []snapshot.LogDir{{Path: "/d", TotalBytes: 1 << 40, UsableBytes: 1 << 39, UsedBytes: 950}}}}}
	r := Analyze(&Input{Snapshot: s, Config: Config{LogDirCapacityBytes: 1000}, Now: now})
	var got *Finding
	for i := range r.Findings {
		if r.Findings[i].Code == "broker.disk_usage" {
			got = &r.Findings[i]
		}
	}
	if got == nil || got.Severity != Critical || !strings.Contains(got.Title, "95%") {
		t.Fatalf("disk usage finding %+v in %+v", got, r.Findings)
	}
	if s.Brokers[0].LogDirs[0].TotalBytes != 1<<40 {
		t.Fatal("the snapshot was changed")
	}
}
