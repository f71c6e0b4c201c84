package api

import "net/http"

// routes lists every route in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz())
	mux.HandleFunc("GET /readyz", s.handleReadyz())
	mux.HandleFunc("GET /api/v1/clusters", s.handleClusters())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}", s.handleCluster())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/brokers", s.handleBrokers())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/brokers/{id}", s.handleBroker())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/topics", s.handleTopics())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/topics/{topic}", s.handleTopic())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/groups", s.handleGroups())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/groups/{group}", s.handleGroup())
	mux.HandleFunc("GET /api/v1/metrics/query", s.handleQuery())
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errorf(KindNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path))
	})
	return mux
}
