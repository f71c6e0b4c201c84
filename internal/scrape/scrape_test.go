package scrape

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const sample = `# HELP kafka_server_replicamanager_underreplicatedpartitions x
# TYPE kafka_server_replicamanager_underreplicatedpartitions untyped
kafka_server_replicamanager_underreplicatedpartitions 3.0
# TYPE kafka_network_requestmetrics_requests_total counter
kafka_network_requestmetrics_requests_total{request="Produce",version="9"} 10
kafka_network_requestmetrics_requests_total{request="Fetch",version="16"} 5
# TYPE rpc summary
rpc{quantile="0.99"} 7
rpc_sum 20
rpc_count 4
`

func TestParse(t *testing.T) {
	m, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := m.Sum("kafka_server_replicamanager_underreplicatedpartitions"); !ok || v != 3 {
		t.Fatalf("urp %v %v", v, ok)
	}
	if v, _ := m.Sum("kafka_network_requestmetrics_requests_total"); v != 15 {
		t.Fatalf("sum %v", v)
	}
	if v, ok := m.Get("kafka_network_requestmetrics_requests_total", map[string]string{"request": "Fetch"}); !ok || v != 5 {
		t.Fatalf("get %v %v", v, ok)
	}
	if v, ok := m.Get("rpc", map[string]string{"quantile": "0.99"}); !ok || v != 7 {
		t.Fatalf("quantile %v %v", v, ok)
	}
	if v, _ := m.Sum("rpc_count"); v != 4 {
		t.Fatalf("count %v", v)
	}
	if _, ok := m.Sum("absent"); ok {
		t.Fatal("absent metric reported present")
	}
}

func TestFetchErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			w.Write([]byte("this is { not prometheus\n"))
			return
		}
		http.Error(w, "nope", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	if _, err := Fetch(context.Background(), srv.Client(), srv.URL+"/down"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("want HTTP 503 error, got %v", err)
	}
	if _, err := Fetch(context.Background(), srv.Client(), srv.URL+"/bad"); err == nil {
		t.Fatal("garbage accepted")
	}
}

// NaN and ±Inf samples are dropped; a metric left without samples is absent.
func TestParseDropsNonFinite(t *testing.T) {
	const text = `# TYPE idle gauge
idle{broker="1"} NaN
idle{broker="2"} 0.5
# TYPE only_nan gauge
only_nan NaN
# TYPE up gauge
up{side="pos"} +Inf
up{side="neg"} -Inf
# TYPE bytes_total counter
bytes_total NaN
# TYPE rpc summary
rpc{quantile="0.5"} NaN
rpc{quantile="0.99"} 7
rpc_sum NaN
rpc_count 0
# TYPE lat histogram
lat_bucket{le="1"} 2
lat_bucket{le="+Inf"} 3
lat_sum +Inf
lat_count 3
# TYPE raw untyped
raw NaN
`
	m, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		match   map[string]string
		present bool
		value   float64
	}{
		{"idle", map[string]string{"broker": "1"}, false, 0},
		{"idle", map[string]string{"broker": "2"}, true, 0.5},
		{"only_nan", nil, false, 0},
		{"up", nil, false, 0},
		{"bytes_total", nil, false, 0},
		{"rpc", map[string]string{"quantile": "0.5"}, false, 0},
		{"rpc", map[string]string{"quantile": "0.99"}, true, 7},
		{"rpc_sum", nil, false, 0},
		{"rpc_count", nil, true, 0},
		{"lat_bucket", map[string]string{"le": "+Inf"}, true, 3}, // an infinite bound, a finite count
		{"lat_sum", nil, false, 0},
		{"raw", nil, false, 0},
	} {
		v, ok := m.Get(c.name, c.match)
		if ok != c.present || v != c.value {
			t.Errorf("%s%v = %v, %v; want %v, %v", c.name, c.match, v, ok, c.value, c.present)
		}
	}
	for _, name := range []string{"only_nan", "up", "bytes_total", "rpc_sum", "lat_sum", "raw"} {
		if _, ok := m[name]; ok {
			t.Errorf("%s present without a finite sample", name)
		}
	}
	if n := len(m["idle"]); n != 1 {
		t.Errorf("idle has %d samples, want 1", n)
	}
	for name, ss := range m {
		for _, s := range ss {
			if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
				t.Errorf("%s%v = %v", name, s.Labels, s.Value)
			}
		}
	}
}
