package api

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes: every route registered in the package (routes.go and the
// per-area route files) is in the OpenAPI document and every operation in it is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var spec struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &spec); err != nil || !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %v %q", err, spec.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range spec.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	routed := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("((?:GET|POST|PUT|PATCH|DELETE) /[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
			routed[m[1]] = true
		}
	}
	var missing []string
	for r := range routed {
		if !documented[r] {
			missing = append(missing, "undocumented: "+r)
		}
	}
	for d := range documented {
		if !routed[d] {
			missing = append(missing, "documented but not routed: "+d)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatal(strings.Join(missing, "\n"))
	}
}

// FuzzListParams: no query string makes a list or query endpoint fail with a 5xx.
func FuzzListParams(f *testing.F) {
	for _, s := range []string{"sort=size&order=desc&limit=5", "limit=-1", "offset=99999999999999999999", "q=%00",
		"entity=topic:fake/a&metric=x&from=-1h&step=1s", "from=9999999999999&to=1", "step=0s&entity=a&metric=b"} {
		f.Add(s)
	}
	s, _ := fixture(f) // one fixture for all inputs, closed when the fuzz test ends
	h := s.Handler()
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, p := range []string{"/api/v1/clusters/fake/topics", "/api/v1/clusters/fake/groups", "/api/v1/metrics/query"} {
			code, _ := get(t, h, p+"?"+q.Encode())
			if code >= 500 {
				t.Fatalf("%s?%s: %d", p, q.Encode(), code)
			}
		}
	})
}

// FuzzBodies: no request body makes a mutating endpoint fail with a 5xx.
func FuzzBodies(f *testing.F) {
	for _, s := range []string{`{"name":"x","password":"12345678","role":"viewer"}`, `{"ttl":"-1h"}`, `{"role":"god"}`, `[]`, `null`, `{"name":"` + strings.Repeat("a", 100) + `"}`} {
		f.Add(s)
	}
	e := newAuthEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		for _, ep := range [][2]string{{"POST", "/api/v1/users"}, {"PUT", "/api/v1/users/viewer"}, {"POST", "/api/v1/auth/tokens"}, {"POST", "/api/v1/auth/login"}} {
			rec := e.do(ep[0], ep[1], body, basic("admin"))
			if rec.Code >= 500 {
				t.Fatalf("%s %s %q: %d %s", ep[0], ep[1], body, rec.Code, rec.Body)
			}
		}
	})
}
