package api

import "net/http"

// routes lists every route in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz())
	mux.HandleFunc("GET /readyz", s.handleReadyz())
	mux.HandleFunc("GET /api/v1/clusters", s.handleClusters())
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errorf(KindNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path))
	})
	return mux
}
