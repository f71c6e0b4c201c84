package logbuf

import (
	"fmt"
	"strings"
	"testing"
)

func TestKeepsLastLines(t *testing.T) {
	b := New(3)
	if got := string(b.Bytes()); got != "" {
		t.Fatalf("empty buffer gives %q", got)
	}
	for i := range 5 {
		fmt.Fprintf(b, "line %d\n", i)
	}
	if got, want := string(b.Bytes()), "line 2\nline 3\nline 4\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	_, _ = b.Write([]byte("a\nb\n"))
	if got := string(b.Bytes()); !strings.HasSuffix(got, "line 4\na\nb\n") || strings.Count(got, "\n") != 3 {
		t.Fatalf("got %q", got)
	}
}
