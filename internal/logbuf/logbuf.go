// Package logbuf keeps Gregor's recent log lines in memory, for the diagnostics bundle.
package logbuf

import (
	"bytes"
	"io"
	"sync"
)

// Buffer is an io.Writer keeping the last Max lines written to it (a log handler writes one
// line per call). Safe for concurrent use.
type Buffer struct {
	mu    sync.Mutex
	lines [][]byte
	next  int
	full  bool
}

// New keeps up to max lines.
func New(max int) *Buffer { return &Buffer{lines: make([][]byte, max)} }

// Write keeps p as one or more lines.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range bytes.SplitAfter(p, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		b.lines[b.next] = bytes.Clone(l)
		b.next = (b.next + 1) % len(b.lines)
		b.full = b.full || b.next == 0
	}
	return len(p), nil
}

// Bytes returns the kept lines, oldest first.
func (b *Buffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out bytes.Buffer
	if b.full {
		for _, l := range b.lines[b.next:] {
			out.Write(l)
		}
	}
	for _, l := range b.lines[:b.next] {
		out.Write(l)
	}
	return out.Bytes()
}

// Tee writes to w and keeps the lines in b.
func (b *Buffer) Tee(w io.Writer) io.Writer { return io.MultiWriter(w, b) }
