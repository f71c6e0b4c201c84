package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// staticCluster serves a fixed snapshot.
type staticCluster struct{ s *snapshot.Snapshot }

func (c staticCluster) Name() string               { return c.s.Cluster }
func (c staticCluster) Labels() map[string]string  { return nil }
func (c staticCluster) Latest() *snapshot.Snapshot { return c.s }
func (c staticCluster) Lag() *lag.Report           { return nil }
func (c staticCluster) Analysis() *analyze.Result  { return nil }
func (c staticCluster) Client() *kafka.Client      { return nil }

// bigSnapshot has 20,000 topics of 10 partitions and 2,000 groups.
func bigSnapshot() *snapshot.Snapshot {
	s := &snapshot.Snapshot{Cluster: "big", Time: time.Now(), Topics: map[string]*snapshot.Topic{}, Groups: map[string]*snapshot.Group{}}
	for i := range 20000 {
		t := &snapshot.Topic{Name: fmt.Sprintf("team-%03d.topic-%05d", i%300, i)}
		for p := range 10 {
			t.Partitions = append(t.Partitions, &snapshot.Partition{ID: int32(p), Leader: int32(p % 3), Replicas: []int32{0, 1, 2},
				ISR: []int32{0, 1, 2}, EndOffset: int64(i * p), ReplicaBytes: map[int32]int64{int32(p % 3): int64(i * 1000)}})
		}
		s.Topics[t.Name] = t
	}
	for i := range 2000 {
		g := &snapshot.Group{ID: fmt.Sprintf("group-%04d", i), Offsets: map[string]map[int32]int64{}}
		for k := range 5 {
			g.Offsets[fmt.Sprintf("team-%03d.topic-%05d", i%300, i*5+k)] = map[int32]int64{0: 1, 1: 1}
		}
		s.Groups[g.ID] = g
	}
	snapshot.Derive(nil, s)
	return s
}

// BenchmarkTopicsList: list requests over 20,000 topics, through auth (bearer token) and
// routing, sorted by size with a filter and a page; reports the p99 latency.
func BenchmarkTopicsList(b *testing.B) {
	s := newServer(b, Options{Clusters: []Cluster{staticCluster{bigSnapshot()}}})
	h := s.Handler()
	paths := []string{
		"/api/v1/clusters/big/topics?sort=size&order=desc&limit=100",
		"/api/v1/clusters/big/topics?q=team-042&sort=rate&limit=50",
		"/api/v1/clusters/big/topics?sort=name&offset=19900",
		"/api/v1/clusters/big/groups?sort=lag&order=desc",
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(start))
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
