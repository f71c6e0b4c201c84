package testkit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

func TestStartAlertmanager(t *testing.T) {
	var base string
	t.Run("running", func(t *testing.T) {
		base = StartAlertmanager(t)
		resp, err := http.Get(base + "/api/v2/status")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var st struct {
			Cluster struct {
				Status string `json:"status"`
			} `json:"cluster"`
			Config struct {
				Original string `json:"original"`
			} `json:"config"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
		if st.Cluster.Status != "disabled" {
			t.Errorf("cluster status %q, want disabled", st.Cluster.Status)
		}
		if len(st.Config.Original) == 0 {
			t.Errorf("no config loaded")
		}
	})
	if _, err := http.Get(base + "/-/ready"); err == nil {
		t.Fatalf("Alertmanager at %s still answers after its test ended", base)
	}
}

// stopTB records how a harness ended the test (Fatalf or Skip) without ending this one.
type stopTB struct {
	testing.TB
	fatal, skip string
}

func (f *stopTB) Helper() {}
func (f *stopTB) Fatalf(format string, a ...any) {
	f.fatal = fmt.Sprintf(format, a...)
	runtime.Goexit()
}
func (f *stopTB) Skip(a ...any) { f.skip = fmt.Sprint(a...); runtime.Goexit() }

func TestStartAlertmanagerMissing(t *testing.T) {
	old := alertmanagerBin
	alertmanagerBin = "/nonexistent/prometheus-alertmanager"
	t.Cleanup(func() { alertmanagerBin = old })
	t.Setenv("PATH", t.TempDir())
	for _, env := range []string{"", "1"} {
		t.Setenv(AlertmanagerSkipEnv, env)
		f := &stopTB{TB: t}
		done := make(chan struct{})
		go func() { defer close(done); StartAlertmanager(f) }()
		<-done
		if env == "" && !strings.Contains(f.fatal, "apt-get install -y prometheus-alertmanager") {
			t.Errorf("without the binary: fatal %q, skip %q; want a failure with the install hint", f.fatal, f.skip)
		}
		if env == "1" && (f.skip == "" || f.fatal != "") {
			t.Errorf("%s=1: fatal %q, skip %q; want a skip", AlertmanagerSkipEnv, f.fatal, f.skip)
		}
	}
}
