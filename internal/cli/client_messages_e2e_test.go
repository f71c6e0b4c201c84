package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gregor-kafka/gregor/internal/cli"
	"github.com/gregor-kafka/gregor/internal/testkit"
)

// msgE2EName is a name no other test (or earlier run) uses.
func msgE2EName(prefix string) string { return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()) }

// msgE2EServer starts gregor over the 3-broker cluster as "local" and returns a runner that
// checks each command's exit code and that no password is printed.
func msgE2EServer(t *testing.T) func(want int, args ...string) string {
	t.Helper()
	cfg := writeConfig(t, fmt.Sprintf("collect:\n  interval: 2s\nclusters:\n  - name: local\n    bootstrap: [%s]\n", strings.Join(kc.Bootstrap(), ", ")))
	p := startGregor(t, nil, "--config", cfg)
	waitReady(t, p)
	return func(want int, args ...string) string {
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
}

// msgE2ETopic creates a topic and waits for the brokers' metadata to show it.
func msgE2ETopic(t *testing.T, adm *kadm.Client, topic string, partitions int32, rf int16) {
	t.Helper()
	ctx := context.Background()
	if _, err := adm.CreateTopic(ctx, partitions, rf, nil, topic); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "topic "+topic, func() bool {
		md, err := adm.Metadata(ctx, topic)
		if err != nil {
			return false
		}
		td, ok := md.Topics[topic]
		if !ok || td.Err != nil || len(td.Partitions) != int(partitions) {
			return false
		}
		for _, p := range td.Partitions {
			if p.Leader < 0 {
				return false
			}
		}
		return true
	})
}

// TestMessagesCLIRealCluster: produce writes records Kafka then holds at the offsets it
// says; messages shows them (text, JSON, from an offset or the newest); search-messages finds
// them by key, value and JSON field, and says when it stopped at --max-messages.
func TestMessagesCLIRealCluster(t *testing.T) {
	testkit.Need(t, kc)
	ctx := context.Background()
	adm := kc.AdminT(t)
	run := msgE2EServer(t)
	topic := msgE2EName("cli-msg-e2e")
	msgE2ETopic(t, adm, topic, 2, 1)

	out := run(0, "produce", topic, "--key", "k1", "--value", "hello gregor", "--header", "trace=abc", "--header", "src=cli", "--partition", "0")
	if !strings.Contains(out, fmt.Sprintf(`Produced to topic %q, partition 0, offset 0`, topic)) {
		t.Errorf("produce output:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "v.json")
	if err := os.WriteFile(file, []byte(`{"user":{"name":"alice"},"n":7}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out = run(0, "produce", topic, "--key", "k2", "--value-file", file, "--partition", "1", "-o", "json")
	var produced struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Offset    int64  `json:"offset"`
		ValueSize int    `json:"value_size"`
	}
	if err := json.Unmarshal([]byte(out), &produced); err != nil || produced.Topic != topic || produced.Partition != 1 || produced.Offset != 0 || produced.ValueSize != 31 {
		t.Errorf("produce -o json: %+v %v", produced, err)
	}
	// Kafka holds them: one record per partition.
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	for p := int32(0); p < 2; p++ {
		if o, ok := ends.Lookup(topic, p); !ok || o.Offset != 1 {
			t.Errorf("partition %d end offset: %+v", p, o)
		}
	}
	// And a consumer reads them as written, headers included.
	cons, err := kgo.NewClient(append(kc.ClientOpts(), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	got := map[string]*kgo.Record{}
	deadline := time.Now().Add(20 * time.Second)
	for len(got) < 2 && time.Now().Before(deadline) {
		fctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		cons.PollFetches(fctx).EachRecord(func(r *kgo.Record) { got[string(r.Key)] = r })
		cancel()
	}
	if r := got["k1"]; r == nil || string(r.Value) != "hello gregor" || len(r.Headers) != 2 || r.Headers[0].Key != "trace" || string(r.Headers[0].Value) != "abc" {
		t.Errorf("k1 as consumed: %+v", r)
	}
	if r := got["k2"]; r == nil || !bytes.Equal(r.Value, []byte(`{"user":{"name":"alice"},"n":7}`)) {
		t.Errorf("k2 as consumed: %+v", r)
	}

	out = run(0, "messages", topic, "--newest", "10")
	for _, s := range []string{"--- partition 0, offset 0", "Key: k1", "Headers: trace=abc, src=cli", "hello gregor", "--- partition 1, offset 0", "Key: k2",
		fmt.Sprintf("2 record(s) of topic %q from newest", topic)} {
		if !strings.Contains(out, s) {
			t.Errorf("messages --newest lacks %q:\n%s", s, out)
		}
	}
	out = run(0, "messages", topic, "--partition", "1", "--offset", "0", "--decode", "json")
	if !strings.Contains(out, "Value (json, 31 B):") || !strings.Contains(out, `"name": "alice"`) || strings.Contains(out, "hello gregor") {
		t.Errorf("messages --partition 1 --decode json:\n%s", out)
	}
	out = run(0, "messages", topic, "--since", "1h", "-o", "json")
	var page struct {
		Messages []struct {
			Partition int32   `json:"partition"`
			Key       *string `json:"key"`
			Value     *string `json:"value"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil || len(page.Messages) != 2 {
		t.Errorf("messages --since 1h -o json: %v\n%s", err, out)
	}
	out = run(0, "messages", topic, "--since", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	if !strings.Contains(out, "No records") {
		t.Errorf("messages since a future time:\n%s", out)
	}

	// Search by key, by value and by JSON field: each finds its one record, to the end.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--key", "k1"}, "hello gregor"},
		{[]string{"--value", "gregor"}, "Key: k1"},
		{[]string{"--json-field", "user.name=alice"}, "Key: k2"},
		{[]string{"--json-field", "n=7"}, "Key: k2"},
		{[]string{"--regex", "^k[2]$"}, "Key: k2"},
	} {
		out = run(0, append([]string{"search-messages", topic}, c.args...)...)
		if !strings.Contains(out, "1 match(es) in 2 record(s) scanned") || !strings.Contains(out, c.want) || !strings.Contains(out, "Scanned to the end of the topic.") {
			t.Errorf("search %v:\n%s", c.args, out)
		}
	}
	out = run(0, "search-messages", topic, "--json-field", "user.name=bob")
	if !strings.Contains(out, "0 match(es) in 2 record(s) scanned") {
		t.Errorf("search for bob:\n%s", out)
	}

	// A topic larger than --max-messages: the scan says it stopped at that limit.
	big := msgE2EName("cli-msg-e2e-big")
	msgE2ETopic(t, adm, big, 1, 1)
	prod, err := kgo.NewClient(append(kc.ClientOpts(), kgo.DefaultProduceTopic(big))...)
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	var recs []*kgo.Record
	for i := range 300 {
		recs = append(recs, kgo.StringRecord(fmt.Sprintf(`{"i":%d}`, i)))
	}
	if err := prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	out = run(0, "search-messages", big, "--value", "no-such-value", "--max-messages", "100", "--max-time", "30s")
	if !strings.Contains(out, "0 match(es) in 100 record(s) scanned") ||
		!strings.Contains(out, "Stopped at the limit of 100 records scanned (--max-messages) before the end of the topic") ||
		!strings.Contains(out, "Continue with --from 0:100") {
		t.Errorf("search past --max-messages:\n%s", out)
	}
	out = run(0, "search-messages", big, "--json-field", "i=250", "--max-messages", "1000", "--from", "0:200", "-o", "json")
	var res struct {
		Scanned int64  `json:"scanned"`
		Stopped string `json:"stopped"`
		Matches []struct {
			Offset int64 `json:"offset"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Stopped != "end" || res.Scanned != 100 || len(res.Matches) != 1 || res.Matches[0].Offset != 250 {
		t.Errorf("search --from 0:200 -o json: %+v %v", res, err)
	}

	// The server's refusals, with its message: exit 1.
	out = run(1, "produce", msgE2EName("cli-msg-e2e-missing"), "--value", "x")
	if !strings.Contains(out, "gregor: ") || !strings.Contains(strings.ToLower(out), "topic") {
		t.Errorf("produce to a missing topic:\n%s", out)
	}
	out = run(1, "produce", topic, "--value", "x", "--partition", "7")
	if !strings.Contains(out, "no partition 7") {
		t.Errorf("produce to a missing partition:\n%s", out)
	}
	out = run(1, "search-messages", topic, "--regex", "(")
	if !strings.Contains(out, "regex") {
		t.Errorf("search with a bad regex:\n%s", out)
	}
}

// TestMessagesCLIBadFlags: bad flags exit 2 with a clear message, before any request.
func TestMessagesCLIBadFlags(t *testing.T) {
	env := []string{"GREGOR_SERVER=http://127.0.0.1:1"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"messages"}, "missing TOPIC argument"},
		{[]string{"messages", "t", "--offset", "1", "--since", "1h"}, "give at most one of --offset, --since, --newest and --from"},
		{[]string{"messages", "t", "--newest", "5", "--limit", "3"}, "--newest N already sets how many: drop --limit"},
		{[]string{"messages", "t", "--newest", "0"}, "--newest must be from 1 to 500"},
		{[]string{"messages", "t", "--offset", "-1"}, "--offset must not be negative"},
		{[]string{"messages", "t", "--since", "yesterday"}, `--since wants a duration ago`},
		{[]string{"messages", "t", "--decode", "xml"}, `--decode must be one of text, json, hex, base64, not "xml"`},
		{[]string{"messages", "t", "--partition", "a"}, `--partition wants comma-separated non-negative numbers`},
		{[]string{"search-messages", "t"}, "give at least one condition: --key, --value, --regex or --json-field"},
		{[]string{"search-messages", "t", "--key", "a", "--max-messages", "0"}, "--max-messages must be from 1 to 1000000"},
		{[]string{"search-messages", "t", "--key", "a", "--max-time", "2m"}, "--max-time must be more than 0 and at most 60s"},
		{[]string{"search-messages", "t", "--json-field", "=1"}, `--json-field wants path=value or path, not "=1"`},
		{[]string{"search-messages", "t", "--json-field", "a=1", "--json-field", "b=2"}, "--json-field can be given once"},
		{[]string{"produce", "t"}, "give exactly one of --value and --value-file"},
		{[]string{"produce", "t", "--value", "a", "--value-file", "f"}, "give exactly one of --value and --value-file"},
		{[]string{"produce", "t", "--value", "a", "--header", "nokey"}, `--header wants key=value, not "nokey"`},
		{[]string{"produce", "t", "--value", "a", "--partition", "-1"}, "--partition must be a partition number"},
		{[]string{"produce", "t", "--value-file", "/nonexistent/file"}, "--value-file: open /nonexistent/file"},
		{[]string{"produce", "t", "--value", "a", "--dry-run"}, "flag provided but not defined: -dry-run"},
	} {
		var out, errOut bytes.Buffer
		code := cli.Main(c.args, &out, &errOut, env)
		if code != cli.ExitUsage || !strings.Contains(errOut.String(), c.want) || out.Len() != 0 {
			t.Errorf("%v: exit %d stdout %q stderr %q, want 2 and %q", c.args, code, out.String(), errOut.String(), c.want)
		}
	}
}
