package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/cli"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// TestReplicasCLIRealCluster: reassign plan prints the moves with their bytes; start --dry-run
// changes nothing; start from the plan file raises the replication factor, status follows it
// to the end, finish removes the throttle, and Kafka's metadata shows the new replicas; start
// planned from --move-off-broker moves every replica off that broker; elect-leaders answers.
func TestReplicasCLIRealCluster(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	adm := kc.AdminT(t)
	run := msgE2EServer(t)
	topic := msgE2EName("cli-rp-e2e")
	msgE2ETopic(t, adm, topic, 2, 1)
	prod, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic(topic))...)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	var recs []*kgo.Record
	for i := range 200 {
		recs = append(recs, kgo.StringRecord(strings.Repeat("x", 500)+fmt.Sprint(i)))
	}
	if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	replicas := func() map[int32][]int32 {
		t.Helper()
		md, err := adm.Metadata(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int32][]int32{}
		for _, p := range md.Topics[topic].Partitions {
			out[p.Partition] = slices.Clone(p.Replicas)
		}
		return out
	}
	before := replicas()

	out := run(0, "reassign", "plan", "--replication-factor", "2", "--topic", topic)
	if !strings.Contains(out, "Plan (replication_factor): 2 partition(s) move, 2 replica(s) added") ||
		!strings.Contains(out, "BYTES") || strings.Contains(out, " 0 B to copy") {
		t.Errorf("reassign plan:\n%s", out)
	}
	planJSON := run(0, "reassign", "plan", "--replication-factor", "2", "--topic", topic, "-o", "json")
	var plan struct {
		TotalBytes int64                         `json:"total_bytes"`
		Assignment map[string]map[string][]int32 `json:"assignment"`
		Moves      []struct {
			Adding []int32 `json:"adding"`
		} `json:"moves"`
	}
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil || plan.TotalBytes <= 0 || len(plan.Assignment[topic]) != 2 {
		t.Fatalf("reassign plan -o json: %+v %v", plan, err)
	}
	file := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(file, []byte(planJSON), 0o600); err != nil {
		t.Fatal(err)
	}

	out = run(0, "reassign", "start", "--file", file, "--throttle", "50MiB", "--dry-run")
	if !strings.Contains(out, "DRY RUN") || !strings.Contains(out, "Would start the reassignment: 2 partition(s) move") || !strings.Contains(out, "50.0 MiB/s") {
		t.Errorf("start --dry-run:\n%s", out)
	}
	if got := replicas(); !mapsEqualReplicas(got, before) {
		t.Fatalf("the dry run moved replicas: %v -> %v", before, got)
	}

	out = run(0, "reassign", "start", "--file", file, "--throttle", "50MiB")
	if !strings.Contains(out, "Started the reassignment: 2 partition(s) move") {
		t.Errorf("start:\n%s", out)
	}
	rpWaitEnded(t, run)
	// Kafka's metadata shows the plan's replicas (each broker learns them a moment later).
	var got map[int32][]int32
	waitFor(t, 30*time.Second, "the planned replicas in the metadata", func() bool {
		got = replicas()
		for p, rs := range got {
			if want := plan.Assignment[topic][fmt.Sprint(p)]; !slices.Equal(rs, want) || len(rs) != 2 {
				return false
			}
		}
		return len(got) == 2
	})
	out = run(0, "reassign", "finish")
	if !strings.Contains(out, "The reassignment has ended.") || !strings.Contains(out, "Removed the replication throttle.") {
		t.Errorf("finish:\n%s", out)
	}
	// No throttle rate is left on any broker.
	rc, err := adm.DescribeBrokerConfigs(ctx)
	if err == nil {
		for _, r := range rc {
			for _, c := range r.Configs {
				if strings.HasSuffix(c.Key, "replication.throttled.rate") && c.Value != nil && c.Source.String() == "DYNAMIC_BROKER_CONFIG" {
					t.Errorf("broker %s still has %s=%s", r.Name, c.Key, *c.Value)
				}
			}
		}
	}

	// Planned from flags: every replica of the topic off one of its brokers.
	off := got[0][0]
	out = run(0, "reassign", "start", "--move-off-broker", fmt.Sprint(off), "--topic", topic, "--throttle", "10MB")
	if !strings.Contains(out, "Started the reassignment:") || !strings.Contains(out, "9.5 MiB/s") {
		t.Errorf("start --move-off-broker:\n%s", out)
	}
	rpWaitEnded(t, run)
	waitFor(t, 30*time.Second, fmt.Sprintf("no replica on broker %d in the metadata", off), func() bool {
		for _, rs := range replicas() {
			if slices.Contains(rs, off) || len(rs) != 2 {
				return false
			}
		}
		return true
	})
	// Nothing left to move: the plan says so and start starts nothing.
	out = run(0, "reassign", "start", "--move-off-broker", fmt.Sprint(off), "--topic", topic, "--throttle", "10MB")
	if !strings.Contains(out, "The plan moves nothing") {
		t.Errorf("start with nothing to move:\n%s", out)
	}
	out = run(0, "reassign", "cancel")
	if !strings.Contains(out, "No reassignment was running: nothing to cancel.") {
		t.Errorf("cancel:\n%s", out)
	}

	// Preferred leader elections: the topic's, a dry run of the whole cluster, a broker's.
	out = run(0, "elect-leaders", "--topic", topic)
	if !strings.Contains(out, "led by their preferred replica") {
		t.Errorf("elect-leaders --topic:\n%s", out)
	}
	out = run(0, "elect-leaders", "--dry-run", "-o", "json")
	var el struct {
		Moves    []any `json:"moves"`
		Balanced int   `json:"balanced"`
		DryRun   bool  `json:"dry_run"`
	}
	if err := json.Unmarshal([]byte(out), &el); err != nil || !el.DryRun || el.Balanced < 2 {
		t.Errorf("elect-leaders --dry-run -o json: %+v %v", el, err)
	}
	run(0, "elect-leaders", "--broker", fmt.Sprint(got[0][0]))
	out = run(1, "elect-leaders", "--topic", topic, "--partitions", "9")
	if !strings.Contains(out, "has no partition 9") {
		t.Errorf("elect-leaders of a missing partition:\n%s", out)
	}
	out = run(1, "reassign", "plan", "--move-off-broker", "99")
	if !strings.Contains(out, "gregor: ") {
		t.Errorf("plan off an unknown broker:\n%s", out)
	}
}

func mapsEqualReplicas(a, b map[int32][]int32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// rpWaitEnded polls `reassign status` until nothing runs and every partition is done.
func rpWaitEnded(t *testing.T, run func(int, ...string) string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out := run(0, "reassign", "status", "-o", "json")
		var st struct {
			Running         bool  `json:"running"`
			PartitionsDone  int   `json:"partitions_done"`
			PartitionsTotal int   `json:"partitions_total"`
			BytesMoved      int64 `json:"bytes_moved"`
		}
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("status -o json: %v", err)
		}
		if !st.Running && st.PartitionsTotal > 0 && st.PartitionsDone == st.PartitionsTotal {
			out = run(0, "reassign", "status")
			if !strings.Contains(out, "No reassignment is running.") || !strings.Contains(out, fmt.Sprintf("%d of %d", st.PartitionsTotal, st.PartitionsTotal)) {
				t.Errorf("status table:\n%s", out)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reassignment did not end within 60s: %s", out)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestReplicasCLIBadFlags: bad flags exit 2 with a clear message, before any request.
func TestReplicasCLIBadFlags(t *testing.T) {
	env := []string{"GREGOR_SERVER=http://127.0.0.1:1"}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`[1,2]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"reassign"}, "missing subcommand: one of plan, start, status, finish, cancel"},
		{[]string{"reassign", "move"}, `unknown subcommand "move"`},
		{[]string{"reassign", "plan"}, "give exactly one of --move-off-broker, --onto, --replication-factor and --file"},
		{[]string{"reassign", "plan", "--move-off-broker", "1", "--onto", "2"}, "give exactly one of"},
		{[]string{"reassign", "plan", "--onto", "4,5"}, "--onto needs --topic"},
		{[]string{"reassign", "plan", "--replication-factor", "0", "--topic", "t"}, "--replication-factor must be from 1 to 32767"},
		{[]string{"reassign", "plan", "--move-off-broker", "x"}, "--move-off-broker wants comma-separated non-negative numbers"},
		{[]string{"reassign", "plan", "--file", bad}, "bad.json: not a JSON object"},
		{[]string{"reassign", "plan", "--file", filepath.Join(t.TempDir(), "none.json")}, "--file: open "},
		{[]string{"reassign", "plan", "--file", bad, "--topic", "t"}, "--topic is not for --file"},
		{[]string{"reassign", "plan", "--move-off-broker", "1", "--dry-run"}, "flag provided but not defined: -dry-run"},
		{[]string{"reassign", "start", "--move-off-broker", "1"}, "--throttle is required"},
		{[]string{"reassign", "start", "--move-off-broker", "1", "--throttle", "fast"}, `--throttle wants a positive number of bytes, optionally with a unit (10MB, 50MiB), not "fast"`},
		{[]string{"reassign", "start", "--move-off-broker", "1", "--throttle", "0"}, "--throttle wants a positive number"},
		{[]string{"reassign", "status", "extra"}, "unexpected arguments: extra"},
		{[]string{"elect-leaders", "--partitions", "0"}, "--partitions needs --topic"},
		{[]string{"elect-leaders", "--topic", "t", "--broker", "1"}, "give --topic or --broker, not both"},
		{[]string{"elect-leaders", "--broker", "-1"}, "--broker must be a broker id"},
		{[]string{"elect-leaders", "-o", "yaml"}, `-o must be table or json, not "yaml"`},
	} {
		var out, errOut bytes.Buffer
		code := cli.Main(c.args, &out, &errOut, env)
		if code != cli.ExitUsage || !strings.Contains(errOut.String(), c.want) || out.Len() != 0 {
			t.Errorf("%v: exit %d stdout %q stderr %q, want 2 and %q", c.args, code, out.String(), errOut.String(), c.want)
		}
	}
}
