package api

import (
	"net/http"

	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/store"
	"github.com/gregor-kafka/gregor/internal/web"
)

// routes lists every route in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz())
	mux.HandleFunc("GET /readyz", s.handleReadyz())
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics)
	}
	mux.HandleFunc("POST /api/v1/auth/login", s.handleLogin())
	mux.HandleFunc("POST /api/v1/auth/logout", s.handleLogout())
	mux.HandleFunc("GET /api/v1/auth/me", s.handleMe())
	mux.HandleFunc("GET /api/v1/auth/tokens", s.handleTokens())
	mux.HandleFunc("POST /api/v1/auth/tokens", s.handleCreateToken())
	mux.HandleFunc("DELETE /api/v1/auth/tokens/{id}", s.handleDeleteToken())
	mux.Handle("GET /api/v1/users", s.admin(s.handleUsers()))
	mux.Handle("POST /api/v1/users", s.admin(s.handleCreateUser()))
	mux.Handle("PUT /api/v1/users/{name}", s.admin(s.handleUpdateUser()))
	mux.Handle("DELETE /api/v1/users/{name}", s.admin(s.handleDeleteUser()))
	mux.HandleFunc("GET /api/openapi.json", s.handleOpenAPI())
	mux.HandleFunc("GET /api/v1/clusters", s.handleClusters())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}", s.handleCluster())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/brokers", s.handleBrokers())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/brokers/{id}", s.handleBroker())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/topics", s.handleTopics())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/topics/{topic}", s.handleTopic())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/groups", s.handleGroups())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/groups/{group}", s.handleGroup())
	mux.HandleFunc("GET /api/v1/clusters/{cluster}/groups/{group}/lag", s.handleGroupLag())
	mux.Handle("GET /api/v1/clusters/{cluster}/bundle", s.operator(s.handleBundle()))
	mux.HandleFunc("GET /api/v1/metrics/query", s.handleQuery())
	mux.HandleFunc("GET /api/v1/findings", s.handleFindings())
	mux.HandleFunc("GET /api/v1/health", s.handleHealth())
	mux.HandleFunc("GET /api/v1/checks/profiles", s.handleProfiles())
	mux.HandleFunc("GET /api/v1/alerts", s.handleAlerts())
	mux.HandleFunc("GET /api/v1/alerts/{fingerprint}", s.handleAlert())
	mux.HandleFunc("GET /api/v1/notifications", s.handleNotifications())
	mux.HandleFunc("GET /api/v1/silences", s.handleSilences())
	mux.Handle("POST /api/v1/silences", s.operator(s.handleCreateSilence()))
	mux.Handle("DELETE /api/v1/silences/{id}", s.operator(s.handleExpireSilence()))
	mux.HandleFunc("GET /api/v1/rules", s.handleRules())
	mux.Handle("POST /api/v1/rules", s.admin(s.handleCreateRule()))
	mux.Handle("DELETE /api/v1/rules/{name}", s.admin(s.handleDeleteRule()))
	mux.HandleFunc("GET /api/v1/receivers", s.handleReceivers())
	mux.Handle("POST /api/v1/receivers/{name}/test", s.admin(s.handleTestReceiver()))
	// Operations (issue 7), one file each.
	s.auditRoutes(mux)
	s.topicOpRoutes(mux)
	s.groupOpRoutes(mux)
	s.securityRoutes(mux)
	s.messageRoutes(mux)
	s.replicaRoutes(mux)
	s.reassignRoutes(mux)
	s.selfServeRoutes(mux) // issue 8
	s.oidcRoutes(mux)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errorf(KindNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path))
	})
	// The web UI: static files and the SPA fallback. Registered without a method: with GET the
	// pattern would overlap the /api/ one and the mux refuses it; the handler answers 405 to
	// anything but GET and HEAD.
	mux.Handle("/", web.Handler(s.basePath))
	return mux
}

func (s *Server) admin(h http.Handler) http.Handler {
	return auth.Require(store.RoleAdmin, s.writeError, h)
}

func (s *Server) operator(h http.Handler) http.Handler {
	return auth.Require(store.RoleOperator, s.writeError, h)
}
