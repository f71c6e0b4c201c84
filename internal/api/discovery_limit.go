package api

import (
	"sync"
	"time"
)

// failLimit refuses password checks for a name after too many failures in a window, so that
// guessing an application's password (each guess a bcrypt comparison per credential) costs
// the guesser time, not Gregor's CPU. Per instance, in memory.
type failLimit struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

func newFailLimit(max int, window time.Duration) *failLimit {
	return &failLimit{max: max, window: window, fails: map[string][]time.Time{}}
}

// blocked reports whether name has had max failures within the window before now, and when
// it may try again.
func (l *failLimit) blocked(name string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.recent(name, now)
	if len(fs) < l.max {
		return false, 0
	}
	return true, fs[0].Add(l.window).Sub(now)
}

// maxTracked bounds the memory: beyond it, names without failures in the window are
// forgotten, and while it is still full a new name's failures are not tracked (those already
// tracked, blocked ones included, stay).
const maxTracked = 100000

func (l *failLimit) fail(name string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, tracked := l.fails[name]; !tracked && len(l.fails) >= maxTracked {
		for n := range l.fails {
			l.recent(n, now) // drops n when all its failures are old
		}
		if len(l.fails) >= maxTracked {
			return
		}
	}
	l.fails[name] = append(l.recent(name, now), now)
}

func (l *failLimit) reset(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, name)
}

// recent are name's failures within the window before now (caller holds mu).
func (l *failLimit) recent(name string, now time.Time) []time.Time {
	fs := l.fails[name]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= l.window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fails, name)
	}
	return fs
}
