package cli_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

// TestDiskFullForecastAlert: on the real cluster, log dirs given a capacity 48 MiB above what
// they hold, and a producer writing about 1 MiB/s into a topic on every broker: the
// disk-full forecast alert fires (critical: full within the hour) while every log dir is
// still below its capacity — a warning before anything fills.
func TestDiskFullForecastAlert(t *testing.T) {
	testkit.Need(t, kc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	adm := kc.AdminT(t)
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, "forecast-e2e"); err != nil {
		t.Fatal(err)
	}
	used := func() int64 {
		dirs, err := adm.DescribeAllLogDirs(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var most int64
		for _, b := range dirs {
			for _, d := range b {
				most = max(most, d.Size())
			}
		}
		return most
	}
	capacity := used() + 48<<20
	hook := &hookReceiver{}
	hs := httptest.NewServer(hook.handler("k"))
	defer hs.Close()
	cfg := writeConfig(t, fmt.Sprintf(`collect: {interval: 2s}
checks: {log_dir_capacity_bytes: %d, forecast_window: 30s}
alerting:
  receivers:
    - {name: hook, type: webhook, url: '%s/hook', secret_env: HOOK_KEY}
clusters:
  - name: local
    bootstrap: [%s]
`, capacity, hs.URL, strings.Join(kc.Bootstrap(), ", ")))
	p := startGregor(t, []string{"HOOK_KEY=k"}, "--config", cfg)
	waitReady(t, p)
	if n, _ := hook.count("broker.disk_full_forecast", "firing"); n != 0 {
		t.Fatal("a disk forecast alert before any write")
	}

	cl, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic("forecast-e2e"), kgo.ProducerLinger(0))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	go func() {
		value := make([]byte, 10<<10)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			<-tick.C
			cl.Produce(ctx, &kgo.Record{Value: value}, nil) // ~1 MiB/s
		}
	}()
	const alertname = "broker.disk_full_forecast"
	deadline := time.Now().Add(45 * time.Second)
	for time.Now().Before(deadline) {
		if n, a := hook.count(alertname, "firing"); n > 0 {
			now := used()
			if now >= capacity {
				t.Fatalf("the alert came only once the disk was full (%d of %d bytes)", now, capacity)
			}
			if a.Severity != "critical" || !strings.Contains(a.Title, "full in") || a.Labels["broker"] == "" {
				t.Fatalf("forecast alert %+v", a)
			}
			t.Logf("forecast alert with %d MiB of %d MiB used: %s (%v)", now>>20, capacity>>20, a.Title, a.Evidence)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no disk-full forecast alert within 45s of writing; used %d of %d\n%s", used(), capacity, p.stderr.String())
}
