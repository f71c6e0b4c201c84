package selfserve_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// throttleHook counts the broker's throttle answers.
type throttleHook struct{ n, total atomic.Int64 }

func (h *throttleHook) OnBrokerThrottle(_ kgo.BrokerMetadata, d time.Duration, _ bool) {
	if d > 0 {
		h.n.Add(1)
		h.total.Add(int64(d))
	}
}

// A quota request approved is set on Kafka (DescribeClientQuotas) and Kafka throttles a
// producer over it: the achieved rate is measured.
func TestSelfServiceQuota(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	appA, appB := uniq("qa"), uniq("qb")
	sa, _ := e.setupTeams(appA, appB)
	topic := uniq("quota")
	var r reqView
	e.must(201, "root", "POST", "/api/v1/requests", map[string]any{"kind": "topic", "cluster": "prod", "application": appA,
		"topic": topic, "region": "west", "partitions": 1, "replication_factor": 1, "apply": true}, &r)
	if r.State != "applied" {
		t.Fatalf("admin's direct apply: %+v", r)
	}
	e.must(201, "ann", "POST", "/api/v1/requests", map[string]any{"kind": "access", "cluster": "prod", "application": appA, "topic": topic, "access": "produce"}, &r)
	e.must(200, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, &r)

	const rate = 64 << 10
	e.must(201, "ann", "POST", "/api/v1/requests", map[string]any{"kind": "quota", "cluster": "prod", "application": appA, "producer_byte_rate": rate}, &r)
	e.must(403, "ann", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, nil)
	e.must(200, "opal", "POST", fmt.Sprintf("/api/v1/requests/%d/approve", r.ID), nil, &r)
	if r.State != "applied" {
		t.Fatalf("quota request: %+v", r)
	}
	adm := sc.AdminT(t)
	var got float64
	for deadline := time.Now().Add(30 * time.Second); got != rate && time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		qs, err := adm.DescribeClientQuotas(ctx, true, []kadm.DescribeClientQuotaComponent{{Type: "user", MatchName: &appA, MatchType: 0}})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			for _, v := range q.Values {
				if v.Key == "producer_byte_rate" {
					got = v.Value
				}
			}
		}
	}
	if got != rate {
		t.Fatalf("producer_byte_rate on Kafka = %v, want %d", got, rate)
	}
	var app struct {
		Quotas []struct {
			Values map[string]float64 `json:"values"`
		} `json:"quotas"`
	}
	e.must(200, "ann", "GET", "/api/v1/applications/"+appA, nil, &app)
	if len(app.Quotas) != 1 || app.Quotas[0].Values["producer_byte_rate"] != rate {
		t.Fatalf("application's quotas %+v", app.Quotas)
	}

	// Brokers apply a quota change from the metadata log a moment after the answer; produce
	// small records until the first throttled answer shows the quota in force on the topic's
	// broker. Then produce 16 KiB records one at a time for 10 s (unthrottled that is several
	// MB/s here) and measure the achieved rate.
	hook := &throttleHook{}
	cl := appClient(t, appA, sa.Password, kgo.DefaultProduceTopic(topic), kgo.WithHooks(hook), kgo.ProducerLinger(0),
		kgo.ProducerBatchCompression(kgo.NoCompression())) // quotas count bytes on the wire
	if err := produceEventually(ctx, cl, "warm-up"); err != nil {
		t.Fatal(err)
	}
	small := make([]byte, 1<<10)
	for deadline := time.Now().Add(60 * time.Second); hook.n.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("Kafka never throttled the producer")
		}
		if err := cl.ProduceSync(ctx, &kgo.Record{Value: small}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	val := make([]byte, 16<<10)
	_, _ = rand.Read(val)
	var sent int64
	start := time.Now()
	for time.Since(start) < 10*time.Second {
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := cl.ProduceSync(pctx, &kgo.Record{Value: val}).FirstErr()
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		sent += int64(len(val))
	}
	achieved := float64(sent) / time.Since(start).Seconds()
	t.Logf("quota %d B/s: achieved %.0f B/s over %v, %d throttled answers (%v in all)", rate, achieved, time.Since(start).Round(time.Millisecond), hook.n.Load(), time.Duration(hook.total.Load()))
	if achieved > 2*rate || sent == 0 {
		t.Errorf("achieved %.0f B/s with a %d B/s quota", achieved, rate)
	}

	// The application's page shows its measured rate and throttle next to the quota, from
	// the brokers' quota sensors (scraped by the next collection).
	e.fleet.Cycle(ctx)
	var view struct {
		Rates []struct {
			Cluster           string  `json:"cluster"`
			Measured          bool    `json:"measured"`
			ProduceBytes      float64 `json:"produce_bytes_per_sec"`
			ProduceThrottleMs float64 `json:"produce_throttle_ms"`
			ProducerByteRate  float64 `json:"producer_byte_rate"`
		} `json:"rates"`
	}
	e.must(200, "ann", "GET", "/api/v1/applications/"+appA, nil, &view)
	t.Logf("rates shown: %+v", view.Rates)
	if len(view.Rates) != 1 || !view.Rates[0].Measured || view.Rates[0].ProduceBytes <= 0 || view.Rates[0].ProduceThrottleMs <= 0 ||
		view.Rates[0].ProducerByteRate != rate {
		t.Fatalf("application rates %+v", view.Rates)
	}
}
