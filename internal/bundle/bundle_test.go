package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// Every file is in the manifest with its size and hash, and no secret survives anywhere:
// not in a file, not in an error, not split across the longer secret that holds it.
func TestArchive(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, "prod", "v1.2.3", time.Unix(1700000000, 0), []string{"pw-123", "", "pw-1234567", "tok=a&b<c>"})
	w.AddJSON("receivers.json", "a URL holding a token, escaped by JSON", map[string]string{"url": "https://h/x?tok=a&b<c>"})
	w.Add("logs.txt", "recent logs", []byte("login with pw-1234567 then pw-123\n"))
	w.AddJSON("config.json", "config", map[string]string{"sasl": "pw-123"})
	w.AddJSON("bad.json", "cannot marshal", math.Inf(1))
	w.Fail("smtp said: 535 bad password pw-123")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := read(t, out.Bytes())
	var m Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.Cluster != "prod" || m.Gregor != "v1.2.3" || len(m.Files) != 3 || len(m.Errors) != 2 {
		t.Fatalf("manifest %+v", m)
	}
	for _, e := range m.Files {
		data, ok := files[e.Name]
		sum := sha256.Sum256(data)
		if !ok || e.Bytes != len(data) || e.SHA256 != hex.EncodeToString(sum[:]) {
			t.Fatalf("manifest entry %+v does not match the archive", e)
		}
	}
	if got := string(files["logs.txt"]); got != "login with [redacted] then [redacted]\n" {
		t.Fatalf("logs %q", got)
	}
	for name, data := range files {
		if strings.Contains(string(data), "pw-123") || strings.Contains(string(data), "tok=a") {
			t.Fatalf("%s holds a secret: %s", name, data)
		}
	}
}

func read(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	files, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return files
}
