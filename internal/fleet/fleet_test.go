package fleet

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Controller moves are counted from quorum answers only: a cycle whose DescribeQuorum
// failed (the metadata then names any broker) or whose metadata failed adds nothing.
func TestControllerHistory(t *testing.T) {
	c := &Cluster{}
	t0 := time.Unix(1_700_000_000, 0)
	for i, tc := range []struct {
		id     int32
		failed string
	}{{1, ""}, {1, ""}, {3, "quorum"}, {2, "quorum"}, {1, "metadata"}, {2, ""}, {2, ""}} {
		s := &snapshot.Snapshot{Time: t0.Add(time.Duration(i) * time.Second), ControllerID: tc.id}
		if tc.failed != "" {
			s.Errors = []snapshot.PartError{{Part: tc.failed, Broker: snapshot.NoBroker, Error: "x"}}
		}
		c.recordController(s)
	}
	got := c.Controllers()
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 || !got[1].Time.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("controller history %+v, want 1 then 2 (at +5s)", got)
	}
}

// A counter read back from the store uses each bucket's maximum: a reset inside a bucket
// (a broker restart) must not read as a burst of traffic, as the bucket's average would.
func TestStoreHistoryCounters(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().Truncate(time.Minute)
	var ss []store.Sample
	for i, v := range []float64{1000, 2000, 3000, 10, 1010, 2010} { // reset after 3000
		at := now.Add(-10*time.Minute + time.Duration(i)*time.Minute)
		ss = append(ss, store.Sample{Entity: "broker:c/1", Metric: "network_in_bytes_total", Time: at, Value: v},
			store.Sample{Entity: "broker:c/1", Metric: "leaders", Time: at, Value: v})
	}
	if err := st.AppendSamples(ctx, ss); err != nil {
		t.Fatal(err)
	}
	h := &StoreHistory{Series: st, Step: 2 * time.Minute, Now: func() time.Time { return now }}
	counter := h.Points("broker:c/1", "network_in_bytes_total", now.Add(-11*time.Minute))
	gauge := h.Points("broker:c/1", "leaders", now.Add(-11*time.Minute))
	if len(counter) == 0 || len(counter) != len(gauge) {
		t.Fatalf("points: %v / %v", counter, gauge)
	}
	maxSeen, avgMismatch := false, false
	for i := range counter {
		if counter[i].Value != gauge[i].Value {
			avgMismatch = true // the gauge's bucket average differs from the counter's maximum
		}
		maxSeen = maxSeen || counter[i].Value == 3000
	}
	if !maxSeen || !avgMismatch {
		t.Fatalf("counter points %v should be bucket maxima (gauge averages %v)", counter, gauge)
	}
}
