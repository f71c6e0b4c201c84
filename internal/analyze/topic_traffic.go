package analyze

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Topic checks on traffic: hot partitions, too few partitions, unused and dead-letter topics.
var trafficChecks = []Check{
	{Codes: []string{"topic.hot_partition"}, Run: checkHotPartitions},
	{Codes: []string{"topic.too_few_partitions"}, Run: checkTooFewPartitions},
	{Codes: []string{"topic.unused"}, Run: checkUnused},
	{Codes: []string{"topic.dead_letter"}, Run: checkDeadLetter},
}

const (
	hotMinBytes = 1 << 30 // a hot partition holds at least this much
	hotMinRate  = 1 << 20 // or takes at least this many bytes/s
	deadWindow  = time.Hour
)

func checkHotPartitions(in *Input) []Finding {
	s := in.Snapshot
	if s.Failed("metadata") {
		return nil
	}
	ratio := in.Config.HotPartitionRatio
	var out []Finding
	for name, t := range s.Topics {
		n := float64(len(t.Partitions))
		if n < 2 || n <= ratio {
			continue // no partition can reach ratio × the mean
		}
		meanSize, meanRate := float64(t.Stats.SizeBytes)/n, t.Stats.BytesInPerSec/n
		var hot []string
		worst, worstP, by := 0.0, int32(-1), ""
		for _, p := range t.Partitions {
			size, rate := float64(p.Stats.SizeBytes), p.Stats.BytesInPerSec
			var what []string
			if size >= hotMinBytes && size >= ratio*meanSize {
				what = append(what, fmt.Sprintf("%.1f× size", size/meanSize))
				if r := size / meanSize; r > worst {
					worst, worstP, by = r, p.ID, fmt.Sprintf("size (%s vs mean %s)", fmtBytes(size), fmtBytes(meanSize))
				}
			}
			if s.Rates && rate >= hotMinRate && rate >= ratio*meanRate {
				what = append(what, fmt.Sprintf("%.1f× rate", rate/meanRate))
				if r := rate / meanRate; r > worst {
					worst, worstP, by = r, p.ID, fmt.Sprintf("write rate (%s vs mean %s)", fmtRate(rate), fmtRate(meanRate))
				}
			}
			if len(what) > 0 {
				hot = append(hot, fmt.Sprintf("%d (%s)", p.ID, strings.Join(what, ", ")))
			}
		}
		if len(hot) == 0 {
			continue
		}
		title := fmt.Sprintf("Topic %s partition %d has %.1f× the mean %s", name, worstP, worst, by)
		if len(hot) > 1 {
			title += fmt.Sprintf(", %d hot partitions", len(hot))
		}
		out = append(out, newFinding(in, "topic.hot_partition", Warning, topicEntity(in, name), title,
			"A few keys carry most of the data: pick a key with more distinct values (or salt the hot keys and "+
				"aggregate downstream), check any custom partitioner, and let unkeyed data use the default sticky "+
				"partitioner. The broker leading a hot partition carries its load alone.",
			Evidence{Name: "worst_ratio", Value: worst, Threshold: ratio, Unit: "ratio"},
			Evidence{Name: "hot_partitions", Value: float64(len(hot)), Unit: "count", Text: list(hot, 10)},
			Evidence{Name: "mean_size_bytes", Value: meanSize, Unit: "bytes"},
			Evidence{Name: "mean_bytes_in_per_sec", Value: meanRate, Unit: "bytes/s"}))
	}
	return out
}

// checkTooFewPartitions: the write rate per partition above PartitionBytesPerSec.
func checkTooFewPartitions(in *Input) []Finding {
	s := in.Snapshot
	limit := in.Config.PartitionBytesPerSec
	if !s.Rates || limit <= 0 {
		return nil
	}
	brokers := max(len(s.Brokers), 1)
	var out []Finding
	for name, t := range s.Topics {
		n := len(t.Partitions)
		if n == 0 || t.Stats.BytesInPerSec/float64(n) <= limit {
			continue
		}
		rate := t.Stats.BytesInPerSec
		need := int(math.Ceil(rate / limit))
		need = (need + brokers - 1) / brokers * brokers // a multiple of the brokers spreads evenly
		out = append(out, newFinding(in, "topic.too_few_partitions", Warning, topicEntity(in, name),
			fmt.Sprintf("Topic %s takes %s over %d partitions (%s each, max %s): %d partitions would do",
				name, fmtRate(rate), n, fmtRate(rate/float64(n)), fmtRate(limit), need),
			fmt.Sprintf("Add partitions (kafka-topics --alter --topic %s --partitions %d) so producers and consumers "+
				"can spread the load; keyed messages then move to other partitions, so per-key order breaks across "+
				"the change: drain or pause the consumers that rely on it first.", name, need),
			Evidence{Name: "bytes_in_per_sec", Value: rate, Unit: "bytes/s"},
			Evidence{Name: "per_partition_bytes_per_sec", Value: rate / float64(n), Threshold: limit, Unit: "bytes/s"},
			Evidence{Name: "partitions", Value: float64(n), Unit: "count"},
			Evidence{Name: "recommended_partitions", Value: float64(need), Unit: "count",
				Text: fmt.Sprintf("ceil(bytes in / %s), rounded up to a multiple of %d brokers", fmtRate(limit), brokers)}))
	}
	return out
}

// consumed is the set of topics some group has commits on or is assigned.
func consumed(s *snapshot.Snapshot) map[string]bool {
	out := make(map[string]bool)
	for _, g := range s.Groups {
		for t := range g.Offsets {
			out[t] = true
		}
		for _, m := range g.Members {
			for t := range m.Assignment {
				out[t] = true
			}
		}
	}
	return out
}

// checkUnused: no writes for UnusedAfter (every messages_in_per_sec point of a history that
// covers the span is 0) and no group consuming. Internal and "_"-prefixed topics are left out.
// The history query (UnusedAfter long, one per topic) is the last test, made only for topics
// the snapshot cannot clear: no writes now (or rates unknown) and no group.
func checkUnused(in *Input) []Finding {
	s := in.Snapshot
	after := in.Config.UnusedAfter
	if in.History == nil || after <= 0 || s.Failed("metadata") || s.Failed("groups") {
		return nil
	}
	since := in.Now.Add(-after)
	var cons map[string]bool
	var out []Finding
	for name, t := range s.Topics {
		if t.Internal || strings.HasPrefix(name, "_") || s.Rates && t.Stats.MessagesInPerSec > 0 {
			continue
		}
		if cons == nil {
			cons = consumed(s)
		}
		if cons[name] {
			continue
		}
		e := topicEntity(in, name)
		ps := history(in, e.String(), HistMessagesIn, since)
		if len(ps) == 0 || ps[0].Time.Sub(since) > after/10 {
			continue // the history does not reach back far enough
		}
		idle := true
		for _, p := range ps {
			if p.Value > 0 {
				idle = false
				break
			}
		}
		if !idle {
			continue
		}
		f := newFinding(in, "topic.unused", Info, e,
			fmt.Sprintf("Topic %s: no writes for %s and no consumer group (%s, %d partitions)", name, fmtDur(in.Now.Sub(ps[0].Time)), fmtBytes(float64(t.Stats.SizeBytes)), len(t.Partitions)),
			"Ask the owner whether it is still needed; delete it (kafka-topics --delete) to free disk, file "+
				"descriptors and metadata, or lower its retention.",
			Evidence{Name: "idle_seconds", Value: in.Now.Sub(ps[0].Time).Seconds(), Threshold: after.Seconds(), Unit: "seconds"},
			Evidence{Name: "size_bytes", Value: float64(t.Stats.SizeBytes), Unit: "bytes"},
			Evidence{Name: "partitions", Value: float64(len(t.Partitions)), Unit: "count"})
		out = append(out, window(f, ps))
	}
	return out
}

// checkDeadLetter: topics named like dead-letter topics that receive messages (now, or in
// the last hour of history).
func checkDeadLetter(in *Input) []Finding {
	s := in.Snapshot
	var res []*regexp.Regexp
	for _, p := range in.Config.DeadLetter {
		if re, err := regexp.Compile(p); err == nil {
			res = append(res, re)
		}
	}
	if len(res) == 0 {
		return nil
	}
	var out []Finding
	for name, t := range s.Topics {
		if !matchAny(res, name) {
			continue
		}
		rate := t.Stats.MessagesInPerSec
		var ps []Point
		if rate <= 0 && in.History != nil {
			ps = history(in, topicEntity(in, name).String(), HistMessagesIn, in.Now.Add(-deadWindow))
			for _, p := range ps {
				rate = math.Max(rate, p.Value)
			}
		}
		if rate <= 0 {
			continue
		}
		readers := deadLetterReaders(in, name)
		f := newFinding(in, "topic.dead_letter", Warning, topicEntity(in, name),
			fmt.Sprintf("Dead-letter topic %s receives %s messages/s (%s kept)", name, num(rate), num(float64(t.Stats.Messages))),
			"Messages are failing processing: read a sample (the headers usually carry the error), fix the bug or "+
				"the bad data upstream, then replay or discard them; make sure the topic has an owner who is alerted.",
			Evidence{Name: "messages_in_per_sec", Value: rate, Threshold: 0, Unit: "messages/s"},
			Evidence{Name: "messages", Value: float64(t.Stats.Messages), Unit: "count"},
			Evidence{Name: "groups_reading", Value: float64(len(readers)), Unit: "count", Text: list(readers, 10)})
		out = append(out, window(f, ps))
	}
	return out
}

func matchAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// deadLetterReaders are the groups the lag report says read the dead-letter topic.
func deadLetterReaders(in *Input, topic string) []string {
	if in.Lag == nil {
		return nil
	}
	var out []string
	for id, g := range in.Lag.Groups {
		for _, t := range g.DeadLetterTopics {
			if t == topic {
				out = append(out, id)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
