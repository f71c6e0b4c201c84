package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

// TestOpsCLIRealCluster runs the operation commands of the real binary against a real
// server over the real cluster: a dry run of create-topic creates nothing, create-topic and
// add-partitions change what Kafka says, reset-offsets previews and then moves a group's
// committed offsets, and `gregor audit` lists each of those calls.
func TestOpsCLIRealCluster(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	adm := kc.AdminT(t)
	const topic, group = "cli-ops-e2e", "cli-ops-e2e-group"
	cfg := writeConfig(t, fmt.Sprintf("collect:\n  interval: 1s\nclusters:\n  - name: local\n    bootstrap: [%s]\n", strings.Join(kc.Bootstrap(), ", ")))
	p := startGregor(t, nil, "--config", cfg)
	waitReady(t, p)

	partitionsOf := func() int {
		t.Helper()
		md, err := adm.Metadata(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		td, ok := md.Topics[topic]
		if !ok || td.Err != nil {
			return -1
		}
		return len(td.Partitions)
	}
	// waitPartitions waits for the brokers' metadata to show the topic with want partitions.
	waitPartitions := func(what string, want int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for n := partitionsOf(); n != want; n = partitionsOf() {
			if time.Now().After(deadline) {
				t.Fatalf("after %s: %d partitions, want %d", what, n, want)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	run := func(want int, args ...string) string {
		t.Helper()
		out, code := runCLI(t, p.URL, args...)
		t.Logf("$ gregor %s\n%s", strings.Join(args, " "), out)
		if code != want {
			t.Fatalf("gregor %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
		}
		if strings.Contains(out, adminPassword) {
			t.Fatalf("the password was printed:\n%s", out)
		}
		return out
	}

	// A dry run: Kafka validates, nothing is created.
	out := run(0, "create-topic", topic, "--partitions", "3", "--replication-factor", "2", "--config", "retention.ms=3600000", "--dry-run")
	for _, s := range []string{"DRY RUN: nothing was changed", `Would create topic "cli-ops-e2e": 3 partitions, replication factor 2`, "retention.ms=3600000"} {
		if !strings.Contains(out, s) {
			t.Errorf("dry run output lacks %q:\n%s", s, out)
		}
	}
	if n := partitionsOf(); n != -1 {
		t.Fatalf("the dry run created the topic (%d partitions)", n)
	}

	out = run(0, "create-topic", topic, "--partitions", "3", "--replication-factor", "2", "--config", "retention.ms=3600000")
	if !strings.Contains(out, `Created topic "cli-ops-e2e": 3 partitions, replication factor 2`) || strings.Contains(out, "DRY RUN") {
		t.Errorf("create output:\n%s", out)
	}
	waitPartitions("create-topic", 3)
	rc, err := adm.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := rc.On(topic, nil); err != nil || !strings.Contains(fmt.Sprint(c.Configs), "retention.ms") {
		t.Errorf("configs: %+v %v", c, err)
	}
	// Creating it again is Kafka's refusal: exit 1 with its message.
	out = run(1, "create-topic", topic, "--partitions", "3")
	if !strings.Contains(out, "already exists") {
		t.Errorf("second create:\n%s", out)
	}

	out = run(0, "add-partitions", topic, "--count", "5")
	if !strings.Contains(out, "keys hash to new partitions") || !strings.Contains(clean(out), "Partitions: 3 -> 5") {
		t.Errorf("add-partitions output:\n%s", out)
	}
	waitPartitions("add-partitions", 5)

	// A group with a committed offset in the middle of 10 records.
	prod, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.ManualPartitioner()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	for i := range 10 {
		r := kgo.StringRecord(fmt.Sprint(i))
		r.Partition = 0
		if err := prod.ProduceSync(ctx, r).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	offs := kadm.Offsets{}
	offs.Add(kadm.Offset{Topic: topic, Partition: 0, At: 4, LeaderEpoch: -1})
	if _, err := adm.CommitOffsets(ctx, group, offs); err != nil {
		t.Fatal(err)
	}
	committed := func() int64 {
		t.Helper()
		got, err := adm.FetchOffsets(ctx, group)
		if err != nil {
			t.Fatal(err)
		}
		o, ok := got.Lookup(topic, 0)
		if !ok || o.Err != nil {
			t.Fatalf("no committed offset: %+v", got)
		}
		return o.At
	}

	out = run(0, "reset-offsets", group, "--to", "earliest", "--dry-run")
	if !strings.Contains(out, "DRY RUN") || !strings.Contains(clean(out), "cli-ops-e2e 0 4 -> 0 6 -> 10 0 10") {
		t.Errorf("reset dry run:\n%s", out)
	}
	if c := committed(); c != 4 {
		t.Fatalf("the dry run moved the offset to %d", c)
	}
	out = run(0, "reset-offsets", group, "--to", "earliest")
	if strings.Contains(out, "DRY RUN") || !strings.Contains(out, `Moved the committed offsets of group "cli-ops-e2e-group" on 1 partition(s) to earliest; lag 6 -> 10.`) {
		t.Errorf("reset:\n%s", out)
	}
	if c := committed(); c != 0 {
		t.Fatalf("after reset-offsets: committed %d, want 0", c)
	}

	// The audit log has each call, the dry runs marked, the refusal with its error.
	out = run(0, "audit", "--cluster", "local", "--since", "1h")
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "cli-ops-e2e") {
			lines = append(lines, clean(l))
		}
	}
	want := []string{
		"admin local group.reset_offsets cli-ops-e2e-group no -",
		"admin local group.reset_offsets cli-ops-e2e-group yes -",
		"admin local topic.add_partitions cli-ops-e2e no -",
		"admin local topic.create cli-ops-e2e no ", // Kafka's refusal, as the error
		"admin local topic.create cli-ops-e2e no -",
		"admin local topic.create cli-ops-e2e yes -",
	}
	if len(lines) != len(want) {
		t.Fatalf("audit lines for the topic and group: %d, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		// Each line starts with the time.
		if _, rest, _ := strings.Cut(lines[i], " "); !strings.HasPrefix(rest, w) {
			t.Errorf("audit line %d: %q, want %q...", i, lines[i], w)
		}
	}
	if !strings.Contains(lines[3], "already exists") {
		t.Errorf("the refused create's error: %q", lines[3])
	}

	// -o json is the API's list; --action filters by prefix.
	out = run(0, "audit", "--action", "group.", "-o", "json")
	var page struct {
		Total int `json:"total"`
		Items []struct {
			Action string `json:"action"`
			Target string `json:"target"`
			DryRun bool   `json:"dry_run"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("audit -o json: %v\n%s", err, out)
	}
	n := 0
	for _, it := range page.Items {
		if !strings.HasPrefix(it.Action, "group.") {
			t.Errorf("--action group. listed %+v", it)
		}
		if it.Target == group {
			n++
		}
	}
	if n != 2 {
		t.Errorf("audit -o json: %d entries for the group, want 2: %+v", n, page)
	}
}

// clean is s with each run of blanks turned into one space.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
