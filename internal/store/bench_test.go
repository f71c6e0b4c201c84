package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkAppendSamples writes batches of 5000 samples (5000 series, one sample each, as a
// 15 s scrape of a large fleet would) to SQLite.
func BenchmarkAppendSamples(b *testing.B) {
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 5000
	batch := make([]Sample, n)
	for i := range batch {
		batch[i] = Sample{Entity: fmt.Sprintf("gp:prod/group%d/topic%d/%d", i/500, i/50%10, i%50), Metric: "lag", Value: float64(i)}
	}
	start := time.Now().Truncate(time.Hour)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ts := start.Add(time.Duration(i) * 15 * time.Second)
		for j := range batch {
			batch[j].Time = ts
		}
		if err := s.AppendSamples(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "samples/s")
}
