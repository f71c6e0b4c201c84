package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// RecordTimes reads the record at each given offset (or the first one after it, when the
// offset holds a transaction marker or a compacted-away record) and returns its timestamp.
// Partitions that give nothing before ctx ends are left out. It uses a short-lived consumer
// with the cluster's connection settings that fetches at most 64 KiB per partition, so the
// cost is bounded by the number of partitions asked.
func (c *Client) RecordTimes(ctx context.Context, at map[string]map[int32]int64) (map[string]map[int32]time.Time, error) {
	out := map[string]map[int32]time.Time{}
	want := map[string]map[int32]kgo.Offset{}
	n := 0
	for t, ps := range at {
		for p, o := range ps {
			if want[t] == nil {
				want[t] = map[int32]kgo.Offset{}
			}
			want[t][p] = kgo.NewOffset().At(o)
			n++
		}
	}
	if n == 0 {
		return out, nil
	}
	opts, err := Options(c.cfg)
	if err != nil {
		return out, err
	}
	cl, err := kgo.NewClient(append(opts, kgo.ConsumePartitions(want), kgo.FetchMaxWait(200*time.Millisecond),
		kgo.FetchMaxPartitionBytes(64<<10), kgo.FetchMaxBytes(int32(min(n, 64))<<16))...)
	if err != nil {
		return out, fmt.Errorf("cluster %q: %w", c.Name, err)
	}
	defer cl.Close()
	found := 0
	for found < n && ctx.Err() == nil {
		fs := cl.PollFetches(ctx)
		fs.EachRecord(func(r *kgo.Record) {
			if out[r.Topic] == nil {
				out[r.Topic] = map[int32]time.Time{}
			}
			if _, done := out[r.Topic][r.Partition]; !done && r.Offset >= at[r.Topic][r.Partition] {
				out[r.Topic][r.Partition] = r.Timestamp
				found++
			}
		})
	}
	return out, nil
}
