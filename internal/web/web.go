// Package web serves the single-page web UI embedded into the gregor binary.
//
// The UI is built from web/ (npm ci && npm run build) into internal/web/dist, which is
// embedded here. Only dist/.gitkeep is committed, so the package builds before the UI is
// built; the handler then answers with a short page saying how to build it.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Handler serves the embedded UI. basePath is the path prefix under which browsers reach
// Gregor (for example "/gregor/" behind a reverse proxy; "" or "/" at the root). It is
// written into index.html as <base href>, which the app's router and API calls follow.
// The UI's own files are found with or without the prefix, but the API is served only without
// it, so the proxy must strip the prefix. Register it as the catch-all after the API routes:
//
//	mux.Handle("/", web.Handler(basePath))
func Handler(basePath string) http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: dist is embedded
	}
	return NewHandler(sub, basePath)
}

// Built reports whether the embedded UI was built (dist holds an index.html).
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

// NormalizeBase turns a base path setting into "/" or "/prefix/".
func NormalizeBase(basePath string) string {
	p := strings.Trim(strings.TrimSpace(basePath), "/")
	if p == "" {
		return "/"
	}
	return "/" + path.Clean(p) + "/"
}

type file struct {
	body, gz []byte
	etag     string
	ctype    string
	cache    string
}

type handler struct {
	base  string
	files map[string]*file // by path without leading slash
	index *file            // nil when the UI is not built
}

const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheRevalid   = "no-cache"
)

// NewHandler serves the UI held in fsys (the contents of dist). Exported for tests.
func NewHandler(fsys fs.FS, basePath string) http.Handler {
	h := &handler{base: NormalizeBase(basePath), files: map[string]*file{}}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || hidden(p) {
			return nil
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		if p == "index.html" {
			body = injectBase(body, h.base)
		}
		f := &file{body: body, etag: etag(body), ctype: contentType(p, body), cache: cacheRevalid}
		if strings.HasPrefix(p, "assets/") {
			f.cache = cacheImmutable
		}
		if compressible(f.ctype) && len(body) > 1024 {
			f.gz = gzipped(body)
		}
		h.files[p] = f
		return nil
	})
	h.index = h.files["index.html"]
	return h
}

func hidden(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

var baseTag = regexp.MustCompile(`(?i)<base\s[^>]*>`)

// injectBase sets <base href> in index.html to base (replacing the one the build wrote, or
// adding one at the start of <head>).
func injectBase(index []byte, base string) []byte {
	tag := []byte(`<base href="` + html.EscapeString(base) + `" />`)
	if baseTag.Match(index) {
		done := false
		return baseTag.ReplaceAllFunc(index, func(b []byte) []byte {
			if done {
				return nil
			}
			done = true
			return tag
		})
	}
	if i := bytes.Index(bytes.ToLower(index), []byte("<head>")); i >= 0 {
		i += len("<head>")
		return append(append(append([]byte{}, index[:i]...), tag...), index[i:]...)
	}
	return append(tag, index...)
}

func etag(b []byte) string {
	s := sha256.Sum256(b)
	return `"` + hex.EncodeToString(s[:12]) + `"`
}

func contentType(p string, body []byte) string {
	if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
		return ct
	}
	return http.DetectContentType(body)
}

func compressible(ct string) bool {
	for _, p := range []string{"text/", "application/javascript", "text/javascript", "application/json", "image/svg+xml", "application/manifest+json"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if h.base != "/" {
		if p+"/" == h.base {
			p = "/"
		} else if strings.HasPrefix(p, h.base) {
			p = p[len(h.base)-1:]
		}
	}
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "api" || strings.HasPrefix(p, "api/") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		msg, _ := json.Marshal("no such API endpoint: " + r.Method + " " + r.URL.Path)
		_, _ = w.Write([]byte(`{"error":{"code":"not_found","message":` + string(msg) + `}}`))
		return
	}
	if h.index == nil {
		notBuilt(w, r)
		return
	}
	f := h.files[p]
	if f == nil {
		// A missing asset (an old hashed file, a typo) is a 404, not the app: answering
		// with HTML where a script is expected only hides the error.
		if strings.HasPrefix(p, "assets/") || (path.Ext(p) != "" && !strings.HasSuffix(p, ".html")) {
			http.NotFound(w, r)
			return
		}
		f = h.index // SPA fallback: the router takes it from here
	}
	h.serveFile(w, r, f)
}

func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, f *file) {
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("Cache-Control", f.cache)
	hd.Set("ETag", f.etag)
	hd.Set("X-Content-Type-Options", "nosniff")
	if f.ctype == "text/html; charset=utf-8" {
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
	}
	body := f.body
	if f.gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			hd.Set("Content-Encoding", "gzip")
			body = f.gz
		}
	}
	if match(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			continue
		}
		if _, q, ok := strings.Cut(strings.ReplaceAll(params, " ", ""), "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}

func match(ifNoneMatch, tag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gregor</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:15vh auto;padding:0 1rem;color:#222}code{background:#f1f1f1;padding:.1em .3em;border-radius:3px}</style>
</head><body><h1>Gregor</h1>
<p>The UI is not built: run <code>make build</code> (it runs <code>npm ci</code> and <code>npm run build</code> in <code>web/</code> before building the binary).</p>
<p>The REST API is served under <code>/api/v1/</code> (see <code>/api/openapi.json</code>).</p>
</body></html>
`

func notBuilt(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(notBuiltPage))
	}
}
