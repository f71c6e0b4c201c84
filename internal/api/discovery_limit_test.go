package api

import (
	"testing"
	"time"
)

func TestFailLimit(t *testing.T) {
	l := newFailLimit(3, time.Minute)
	t0 := time.Unix(1000, 0)
	for i := range 3 {
		if no, _ := l.blocked("app", t0.Add(time.Duration(i)*time.Second)); no {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("app", t0.Add(time.Duration(i)*time.Second))
	}
	no, wait := l.blocked("app", t0.Add(10*time.Second))
	if !no || wait != 50*time.Second {
		t.Fatalf("after 3 failures: blocked %v, wait %v (want 50s)", no, wait)
	}
	if no, _ := l.blocked("other", t0.Add(10*time.Second)); no {
		t.Fatal("another name is blocked too")
	}
	if no, _ := l.blocked("app", t0.Add(61*time.Second)); no {
		t.Fatal("still blocked once the first failure left the window")
	}
	l.fail("app", t0.Add(62*time.Second))
	l.reset("app")
	if no, _ := l.blocked("app", t0.Add(62*time.Second)); no || len(l.fails) != 0 {
		t.Fatalf("a success does not clear the failures: %v", l.fails)
	}
}
