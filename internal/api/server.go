// Package api is Gregor's HTTP server: the REST API under /api/v1, health endpoints, and
// (in later issues) the UI. All routes are in routes.go.
package api

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gregor-kafka/gregor/internal/kafka"
)

// Options are what the server needs.
type Options struct {
	Clusters []*kafka.Client
	Log      *slog.Logger
	// RequestTimeout bounds the Kafka calls one request makes per cluster.
	RequestTimeout time.Duration
}

// Server serves the API.
type Server struct {
	clusters []*kafka.Client
	log      *slog.Logger
	timeout  time.Duration
	ready    atomic.Bool
}

// New builds a server; it is not ready until SetReady.
func New(o Options) *Server {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 5 * time.Second
	}
	return &Server{clusters: o.Clusters, log: o.Log, timeout: o.RequestTimeout}
}

// SetReady marks start-up as finished (every cluster was tried once) for /readyz.
func (s *Server) SetReady() { s.ready.Store(true) }

// Handler is the server's whole HTTP handler.
func (s *Server) Handler() http.Handler { return s.recoverer(s.routes()) }
