package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

const indexHTML = `<!doctype html><html><head><meta charset="UTF-8" /><base href="/" /><script type="module" src="./assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>`

func built() fstest.MapFS {
	return fstest.MapFS{
		"index.html":              {Data: []byte(indexHTML)},
		"assets/index-abc123.js":  {Data: []byte(strings.Repeat("console.log('gregor');\n", 200))},
		"assets/index-def456.css": {Data: []byte("body{margin:0}")},
		"favicon.svg":             {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`)},
		".gitkeep":                {Data: nil},
	}
}

func get(t *testing.T, h http.Handler, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestCacheHeaders(t *testing.T) {
	h := NewHandler(built(), "")
	for _, tc := range []struct{ path, cache, ctype string }{
		{"/assets/index-abc123.js", "public, max-age=31536000, immutable", "text/javascript; charset=utf-8"},
		{"/assets/index-def456.css", "public, max-age=31536000, immutable", "text/css; charset=utf-8"},
		{"/", "no-cache", "text/html; charset=utf-8"},
		{"/index.html", "no-cache", "text/html; charset=utf-8"},
		{"/favicon.svg", "no-cache", "image/svg+xml"},
	} {
		w := get(t, h, tc.path)
		if w.Code != 200 {
			t.Fatalf("%s: status %d", tc.path, w.Code)
		}
		if got := w.Header().Get("Cache-Control"); got != tc.cache {
			t.Errorf("%s: Cache-Control %q, want %q", tc.path, got, tc.cache)
		}
		if got := w.Header().Get("Content-Type"); got != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, got, tc.ctype)
		}
	}
}

func TestIndexETag(t *testing.T) {
	h := NewHandler(built(), "")
	w := get(t, h, "/")
	tag := w.Header().Get("ETag")
	if tag == "" || !strings.HasPrefix(tag, `"`) {
		t.Fatalf("ETag %q", tag)
	}
	if w2 := get(t, h, "/clusters/demo", "If-None-Match", tag); w2.Code != http.StatusNotModified || w2.Body.Len() != 0 {
		t.Fatalf("If-None-Match: status %d, body %d bytes; want 304 and none", w2.Code, w2.Body.Len())
	}
	if w3 := get(t, h, "/", "If-None-Match", `"other"`); w3.Code != 200 {
		t.Fatalf("stale ETag: status %d", w3.Code)
	}
	// Another base path is another index.html, so another ETag.
	if other := get(t, NewHandler(built(), "/gregor/"), "/").Header().Get("ETag"); other == tag {
		t.Fatal("the ETag does not change with the base path")
	}
}

func TestSPAFallback(t *testing.T) {
	h := NewHandler(built(), "")
	for _, p := range []string{"/clusters/demo/topics", "/clusters/demo/groups/analytics", "/login", "/x/../y"} {
		w := get(t, h, p)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `<div id="root">`) {
			t.Errorf("%s: status %d, not index.html", p, w.Code)
		}
		if w.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: fallback Cache-Control %q", p, w.Header().Get("Cache-Control"))
		}
	}
	for _, p := range []string{"/assets/index-old999.js", "/robots.txt", "/.gitkeep"} {
		if w := get(t, h, p); w.Code != 404 {
			t.Errorf("%s: status %d, want 404", p, w.Code)
		}
	}
	w := get(t, h, "/api/v1/nope")
	if w.Code != 404 || !strings.Contains(w.Body.String(), `"code":"not_found"`) {
		t.Errorf("/api/v1/nope: %d %s", w.Code, w.Body.String())
	}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d", rec.Code)
	}
}

func TestHead(t *testing.T) {
	h := NewHandler(built(), "")
	r := httptest.NewRequest(http.MethodHead, "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Length") == "" {
		t.Fatalf("HEAD: %d, %d bytes, length %q", w.Code, w.Body.Len(), w.Header().Get("Content-Length"))
	}
}

func TestGzip(t *testing.T) {
	h := NewHandler(built(), "")
	w := get(t, h, "/assets/index-abc123.js", "Accept-Encoding", "gzip, br")
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatal("large script not gzipped")
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if !strings.HasPrefix(string(b), "console.log") {
		t.Fatalf("gunzipped body %q", b[:20])
	}
	if w := get(t, h, "/assets/index-abc123.js", "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Fatal("gzip sent though refused with q=0")
	}
	if w := get(t, h, "/assets/index-abc123.js"); w.Header().Get("Content-Encoding") != "" || w.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatal("plain answer wrong")
	}
}

func TestBasePath(t *testing.T) {
	for _, tc := range []struct{ setting, want string }{
		{"", "/"}, {"/", "/"}, {"gregor", "/gregor/"}, {"/gregor", "/gregor/"}, {"/gregor/", "/gregor/"}, {"/a/b/", "/a/b/"},
	} {
		if got := NormalizeBase(tc.setting); got != tc.want {
			t.Errorf("NormalizeBase(%q) = %q, want %q", tc.setting, got, tc.want)
		}
		body := get(t, NewHandler(built(), tc.setting), "/").Body.String()
		if !strings.Contains(body, `<base href="`+tc.want+`" />`) || strings.Count(body, "<base ") != 1 {
			t.Errorf("base %q: index.html %s", tc.setting, body)
		}
	}
	h := NewHandler(built(), "/gregor/")
	// A proxy that strips the prefix and one that keeps it both reach the files.
	for _, p := range []string{"/assets/index-abc123.js", "/gregor/assets/index-abc123.js"} {
		if w := get(t, h, p); w.Code != 200 || w.Header().Get("Cache-Control") != cacheImmutable {
			t.Errorf("%s: %d", p, w.Code)
		}
	}
	for _, p := range []string{"/gregor", "/gregor/", "/gregor/clusters/demo", "/clusters/demo"} {
		if w := get(t, h, p); w.Code != 200 || !strings.Contains(w.Body.String(), `<base href="/gregor/" />`) {
			t.Errorf("%s: %d %s", p, w.Code, w.Body.String())
		}
	}
	// An index.html without a <base> gets one at the start of <head>; a hostile setting is escaped.
	fsys := fstest.MapFS{"index.html": {Data: []byte(`<html><head><title>x</title></head></html>`)}}
	body := get(t, NewHandler(fsys, `/a"b/`), "/").Body.String()
	if !strings.HasPrefix(body, `<html><head><base href="/a&#34;b/" />`) {
		t.Errorf("inserted base: %s", body)
	}
}

func TestNotBuilt(t *testing.T) {
	h := NewHandler(fstest.MapFS{".gitkeep": {Data: nil}}, "")
	for _, p := range []string{"/", "/clusters/demo", "/assets/index-abc123.js"} {
		w := get(t, h, p)
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "The UI is not built: run <code>make build</code>") {
			t.Errorf("%s: %d %s", p, w.Code, w.Body.String())
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", p, ct)
		}
	}
}

// The embedded dist is whatever the last UI build left (or just the placeholder): either
// way the handler answers /.
func TestEmbedded(t *testing.T) {
	w := get(t, Handler("/"), "/")
	if Built() {
		if w.Code != 200 || !strings.Contains(w.Body.String(), `<base href="/" />`) {
			t.Fatalf("built UI: %d", w.Code)
		}
	} else if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("placeholder: %d", w.Code)
	}
}
