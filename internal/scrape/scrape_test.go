package scrape

import (
	"context"
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
