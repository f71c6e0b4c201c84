// Package bundle writes a diagnostics archive (tar.gz): the files an operator hands to
// whoever helps them, a manifest.json listing each with its size, SHA-256 and what it is,
// and every configured secret scrubbed from every byte written.
package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"sort"
	"time"
)

// Redacted replaces every secret found in a file.
const Redacted = "[redacted]"

// Entry is one file of the manifest.
type Entry struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Bytes       int    `json:"bytes"`
	SHA256      string `json:"sha256"`
}

// Manifest is manifest.json.
type Manifest struct {
	Created time.Time `json:"created"`
	Cluster string    `json:"cluster"`
	Gregor  string    `json:"gregor_version"`
	Files   []Entry   `json:"files"`
	// Errors are the parts that could not be gathered (the archive holds the rest).
	Errors []string `json:"errors,omitempty"`
}

// Writer writes one archive. Add files, then Close.
type Writer struct {
	gz      *gzip.Writer
	tw      *tar.Writer
	secrets [][]byte
	m       Manifest
	err     error
}

// New starts an archive on w; every secret (empty ones are ignored) is replaced by Redacted
// wherever it appears in any file.
func New(w io.Writer, cluster, version string, now time.Time, secrets []string) *Writer {
	gz := gzip.NewWriter(w)
	bw := &Writer{gz: gz, tw: tar.NewWriter(gz), m: Manifest{Created: now.UTC(), Cluster: cluster, Gregor: version}}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		bw.secrets = append(bw.secrets, []byte(s))
		// As JSON writes it ("&" becomes \u0026, quotes and backslashes are escaped).
		if q, err := json.Marshal(s); err == nil && string(q[1:len(q)-1]) != s {
			bw.secrets = append(bw.secrets, q[1:len(q)-1])
		}
	}
	// The longest first, so a secret holding another is replaced whole.
	sort.Slice(bw.secrets, func(i, j int) bool { return len(bw.secrets[i]) > len(bw.secrets[j]) })
	return bw
}

// Add writes a file.
func (w *Writer) Add(name, description string, data []byte) {
	if w.err != nil {
		return
	}
	for _, s := range w.secrets {
		data = bytes.ReplaceAll(data, s, []byte(Redacted))
	}
	sum := sha256.Sum256(data)
	w.m.Files = append(w.m.Files, Entry{Name: name, Description: description, Bytes: len(data), SHA256: hex.EncodeToString(sum[:])})
	w.write(name, data)
}

// AddJSON writes v as indented JSON; a value that cannot be marshalled is noted in the
// manifest's errors instead.
func (w *Writer) AddJSON(name, description string, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		w.Fail(name + ": " + err.Error())
		return
	}
	w.Add(name, description, append(b, '\n'))
}

// Fail notes a part that could not be gathered.
func (w *Writer) Fail(msg string) {
	for _, s := range w.secrets {
		msg = string(bytes.ReplaceAll([]byte(msg), s, []byte(Redacted)))
	}
	w.m.Errors = append(w.m.Errors, msg)
}

// Close writes the manifest and ends the archive.
func (w *Writer) Close() error {
	if w.err == nil {
		b, err := json.MarshalIndent(w.m, "", "  ")
		if err != nil {
			return err
		}
		w.write("manifest.json", append(b, '\n'))
	}
	if w.err == nil {
		w.err = w.tw.Close()
	}
	if err := w.gz.Close(); w.err == nil {
		w.err = err
	}
	return w.err
}

func (w *Writer) write(name string, data []byte) {
	hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: w.m.Created, Typeflag: tar.TypeReg}
	if w.err = w.tw.WriteHeader(hdr); w.err == nil {
		_, w.err = w.tw.Write(data)
	}
}

// Read returns the files of an archive by name (manifest.json included).
func Read(r io.Reader) (map[string][]byte, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if files[h.Name], err = io.ReadAll(tr); err != nil {
			return nil, err
		}
	}
}
