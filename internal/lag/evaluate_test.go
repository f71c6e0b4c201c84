package lag

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var t0 = time.Unix(1_800_000_000, 0)

// history builds a window of observations 15 s apart from committed and end offsets, with
// start offsets 0 and the partition owned unless said otherwise.
func history(committed, end []int64, owned bool) ([]Obs, []Point) {
	var win []Obs
	var pts []Point
	for i := range committed {
		at := t0.Add(time.Duration(i) * 15 * time.Second)
		win = append(win, Obs{Time: at, Committed: committed[i], Start: 0, End: end[i], Owned: owned})
		pts = append(pts, PointAt(at, end[i]))
	}
	return win, pts
}

func seq(from, step int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = from + step*int64(i)
	}
	return out
}

func same(v int64, n int) []int64 { return seq(v, 0, n) }

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name           string
		committed, end []int64
		owned          bool
		th             Thresholds
		want           Status
		reason         string // substring
	}{
		{"healthy: keeps up", seq(100, 50, 10), seq(110, 50, 10), true, Thresholds{}, OK, "consuming"},
		{"caught up", seq(100, 50, 10), seq(100, 50, 10), true, Thresholds{}, OK, "caught up"},
		{"idle producer, idle consumer, no lag", same(500, 12), same(500, 12), true, Thresholds{}, OK, "caught up"},
		{"idle producer, stopped consumer with no lag is fine", same(500, 40), same(500, 40), false, Thresholds{}, OK, "caught up"},
		{"falling behind", seq(100, 10, 10), seq(110, 20, 10), true, Thresholds{}, Warn, "falling behind: lag grew from 10 to 100 over the last 10 cycles"},
		{"falling behind, committing every other cycle (sawtooth)", []int64{0, 0, 30, 30, 60, 60, 90, 90, 120, 120}, seq(10, 30, 10), true, Thresholds{}, Warn, "falling behind"},
		{"healthy consumer with lag noise 1, 2, 3 does not warn", []int64{100, 109, 118, 127, 136}, []int64{101, 111, 121, 131, 139}, true, Thresholds{Window: 5}, OK, ""},
		{"lag that grows but is being worked off does not warn", []int64{0, 100, 200, 300, 400, 500, 600, 700, 800, 900}, []int64{100, 150, 260, 400, 450, 560, 700, 750, 860, 990}, true, Thresholds{}, OK, ""},
		{"noise does not warn", []int64{100, 160, 200, 260, 300, 360, 400, 460, 500, 560}, []int64{150, 200, 250, 300, 350, 400, 450, 500, 550, 600}, true, Thresholds{}, OK, ""},
		{"tiny lag under MinLag does not warn", seq(100, 10, 10), seq(101, 10, 10), true, Thresholds{MinLag: 5}, OK, ""},
		{"growth shorter than the window is not yet WARN", seq(100, 10, 5), seq(110, 20, 5), true, Thresholds{}, OK, ""},
		{"stopped: no owner, offset still, lag grows", append(seq(10, 30, 4), same(100, 4)...), seq(20, 30, 8), false, Thresholds{}, Stop, "no member owns the partition"},
		{"stopped long ago, producer idle", same(100, 30), same(150, 30), false, Thresholds{}, Stop, "has not moved for 7m15s"},
		{"unowned, still, short, producer idle: not yet STOP", same(100, 4), same(150, 4), false, Thresholds{}, OK, ""},
		{"never seen moving, unowned, lag grows for 3 cycles", same(30, 3), seq(40, 60, 3), false, Thresholds{}, Stop, "since Gregor started watching"},
		{"never seen moving, unowned, lag grew for 2 cycles only", same(30, 2), seq(40, 60, 2), false, Thresholds{}, OK, ""},
		{"stall: owned but stuck", same(100, 30), seq(200, 5, 30), true, Thresholds{}, Stall, "a member owns the partition"},
		{"owned, still only briefly: not STALL", same(100, 5), seq(200, 5, 5), true, Thresholds{}, OK, ""},
		{"rewind", []int64{100, 150, 200, 40}, []int64{210, 220, 230, 240}, true, Thresholds{}, Rewind, "went back from 200 to 40"},
		{"error threshold in messages", seq(100, 10, 3), seq(5100, 10, 3), true, Thresholds{ErrMessages: 1000}, Err, "lag 5000 messages"},
		{"no commit", same(-1, 3), seq(100, 10, 3), true, Thresholds{}, NoOffset, "no committed offset"},
		{"a first commit is not consumption", []int64{-1, -1, -1, -1, -1, 50, 50, 50, 50, 50}, seq(100, 1, 10), true, Thresholds{}, OK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			win, pts := history(tc.committed, tc.end, tc.owned)
			r := Evaluate(win, MotionOf(win), pts, tc.th)
			if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
				t.Fatalf("got %s %q, want %s containing %q (%+v)", r.Status, r.Reason, tc.want, tc.reason, r)
			}
		})
	}
}

// A consumer that committed every cycle and stops is STOP once its offset has stood still
// for twice its usual gap (here 3 cycles, 45 s), evaluated every cycle without waiting for a
// commit; one that commits every 4 cycles is not STOP between its commits.
func TestStopIsPrompt(t *testing.T) {
	committed := []int64{100, 130, 160, 190, 190, 190, 190}
	end := []int64{130, 160, 190, 220, 250, 280, 310}
	win, pts := history(committed, end, false)
	for n := 4; n <= 6; n++ {
		if r := Evaluate(win[:n], MotionOf(win[:n]), pts[:n], Thresholds{}); r.Status != OK {
			t.Fatalf("%d cycles: %s %s", n, r.Status, r.Reason)
		}
	}
	if r := Evaluate(win, MotionOf(win), pts, Thresholds{}); r.Status != Stop {
		t.Fatalf("three cycles after stopping: %s %s", r.Status, r.Reason)
	}
	slow := []int64{100, 100, 100, 100, 200, 200, 200, 200, 300, 300, 300, 300, 300}
	win, pts = history(slow, seq(150, 25, len(slow)), false)
	if r := Evaluate(win, MotionOf(win), pts, Thresholds{}); r.Status != OK {
		t.Fatalf("a consumer committing every minute, between commits: %s %s", r.Status, r.Reason)
	}
}

func TestRetentionRisk(t *testing.T) {
	win, pts := history(same(1000, 5), seq(5000, 100, 5), false)
	for i := range win {
		win[i].Owned = true
		win[i].Committed = 1000 + int64(i)*10
		win[i].Start = 500 + int64(i)*100 // retention deletes 100 per 15 s, committed creeps
	}
	r := Evaluate(win, MotionOf(win), pts, Thresholds{})
	if r.Status != Err || !strings.Contains(r.Reason, "retention will delete unconsumed messages") || r.Lead != 1040-900 {
		t.Fatalf("%s %q lead %d", r.Status, r.Reason, r.Lead)
	}
	win[4].Start = 1100
	if r := Evaluate(win, MotionOf(win), pts, Thresholds{}); r.Status != Err || !strings.Contains(r.Reason, "already deleted 60 unconsumed") {
		t.Fatalf("%s %q", r.Status, r.Reason)
	}
	// Deleted while the log start stands still is still ERR.
	for i := range win {
		win[i].Start = 1100
	}
	if r := Evaluate(win, MotionOf(win), pts, Thresholds{}); r.Status != Err {
		t.Fatalf("still log start: %s %q", r.Status, r.Reason)
	}
	// A huge lead with a creeping log start is no risk (no overflow into a negative ETA).
	for i := range win {
		win[i].Committed, win[i].Start = 1_000_000_000+int64(i), int64(i)/4
	}
	if r := Evaluate(win, MotionOf(win), pts, Thresholds{}); r.Status == Err {
		t.Fatalf("false retention risk: %q", r.Reason)
	}
}

func TestTimeLagAndDrain(t *testing.T) {
	// End offsets 0, 100, 200, ... every 15 s; the consumer is at 150: the message at 150 was
	// written halfway between the 2nd and 3rd observation (t0+22.5s, give or take one message).
	win, pts := history(seq(0, 15, 7), seq(0, 100, 7), true)
	win[6].Committed = 150
	now := win[6].Time // t0 + 90 s
	secs, atLeast := TimeLag(150, 600, now, pts)
	if atLeast || secs < 67 || secs > 68 {
		t.Fatalf("time lag %v (at least %v), want ~67.35", secs, atLeast)
	}
	// Older than the history: at least the history's age.
	if secs, atLeast := TimeLag(150, 600, now, pts[3:]); !atLeast || secs != 45 {
		t.Fatalf("beyond history: %v %v", secs, atLeast)
	}
	if secs, _ := TimeLag(600, 600, now, pts); secs != 0 {
		t.Fatalf("no lag: %v", secs)
	}
	r := Evaluate(win, MotionOf(win), pts, Thresholds{})
	if r.DrainSeconds != -1 || r.ProduceRate <= r.ConsumeRate {
		t.Fatalf("falling behind should have no drain time: %+v", r)
	}
	// Consuming 20/s, producing 10/s, lag 100: drains in 10 s.
	win2, pts2 := history(seq(0, 300, 5), seq(100, 150, 5), true)
	r = Evaluate(win2, MotionOf(win2), pts2, Thresholds{})
	if r.ConsumeRate != 20 || r.ProduceRate != 10 || r.DrainSeconds != float64(r.Lag)/10 {
		t.Fatalf("%+v", r)
	}
}

func TestFirstObservation(t *testing.T) {
	win, pts := history([]int64{5}, []int64{10}, true)
	if r := Evaluate(win, MotionOf(win), pts, Thresholds{}); r.Status != OK || r.Lag != 5 {
		t.Fatalf("%+v", r)
	}
}

func TestGroupStatusIsTheWorst(t *testing.T) {
	g := Group([]Result{{Status: OK}, {Status: NoOffset}, {Status: Warn, Reason: "w"}, {Status: Stop, Reason: "s"}, {Status: Warn}})
	if g.Status != Stop || g.Reason != "s" || g.Counts["WARN"] != 2 || g.Counts["OK"] != 1 {
		t.Fatalf("%+v", g)
	}
	if e := Group(nil); e.Status != OK || e.Reason != "no partitions with commits" {
		t.Fatalf("%+v", e)
	}
}

// A Stamp reads and writes JSON like the time.Time it replaces, zero included.
func TestStampJSON(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	for _, want := range []time.Time{at, {}} {
		b, err := json.Marshal(StampOf(want))
		tb, _ := json.Marshal(want)
		if err != nil || string(b) != string(tb) {
			t.Fatalf("Stamp JSON %s (%v), time.Time JSON %s", b, err, tb)
		}
		var s Stamp
		if err := json.Unmarshal(b, &s); err != nil || !s.Time().Equal(want) {
			t.Fatalf("round trip of %s: %v (%v)", b, s.Time(), err)
		}
	}
}
