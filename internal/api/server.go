// Package api is Gregor's HTTP server: the REST API under /api/v1, health endpoints and
// Prometheus /metrics. All routes are in routes.go; errors use one envelope (errors.go).
package api

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/notify"
	"github.com/gregor-kafka/gregor/internal/selfserve"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Cluster is a watched cluster as the API sees it: its name, labels and latest snapshot.
type Cluster interface {
	Name() string
	Labels() map[string]string
	Latest() *snapshot.Snapshot // nil until the first cycle ends
	Lag() *lag.Report           // nil until the first cycle ends
	Analysis() *analyze.Result  // nil until the first cycle ends
	Client() *kafka.Client      // for operations
}

// Options are what the server needs. Auth and Users are required: every endpoint but
// /healthz, /readyz, /metrics and login/logout needs a user.
type Options struct {
	Auth     *auth.Service
	Users    store.Users
	Clusters []Cluster
	Series   store.Series // metric history; nil: /metrics/query answers 503
	Metrics  http.Handler // Prometheus exposition for /metrics; nil: none
	BasePath string       // public path prefix behind a reverse proxy ("" or "/gregor/")
	Log      *slog.Logger
	Now      func() time.Time
	// Alerts is the alert manager (nil: the alert endpoints answer 503); Receivers and
	// ReceiverConfigs are the configured receivers, for listing and test sends.
	Alerts          *alert.Manager
	Receivers       []*notify.Receiver
	ReceiverConfigs []config.Receiver
	Diagnostics     Diagnostics
	// Audit is the audit log of operations (nil: not recorded).
	Audit store.Audit
	// SelfServe runs teams, applications and requests (nil: those endpoints answer 503).
	SelfServe *selfserve.Service
	// OIDC is login through an OpenID Connect provider (nil: local users only).
	OIDC *auth.OIDC
}

// Server serves the API.
type Server struct {
	auth     *auth.Service
	users    store.Users
	clusters []Cluster
	byName   map[string]Cluster
	series   store.Series
	metrics  http.Handler
	basePath string
	log      *slog.Logger
	now      func() time.Time
	ready    atomic.Bool

	alerts          *alert.Manager
	receivers       []*notify.Receiver
	receiverConfigs []config.Receiver
	diag            Diagnostics
	auditLog        store.Audit
	selfServe       *selfserve.Service
	oidc            *auth.OIDC
	discoveryFails  *failLimit
}

// New builds a server; it is not ready until SetReady.
func New(o Options) *Server {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{auth: o.Auth, users: o.Users, clusters: o.Clusters, byName: map[string]Cluster{}, series: o.Series, metrics: o.Metrics, basePath: o.BasePath, log: o.Log, now: o.Now,
		alerts: o.Alerts, receivers: o.Receivers, receiverConfigs: o.ReceiverConfigs, diag: o.Diagnostics, auditLog: o.Audit, selfServe: o.SelfServe, oidc: o.OIDC,
		discoveryFails: newFailLimit(10, time.Minute)}
	for _, c := range o.Clusters {
		s.byName[c.Name()] = c
	}
	return s
}

// SetReady marks start-up as finished (every cluster was collected once) for /readyz.
func (s *Server) SetReady() { s.ready.Store(true) }

// Handler is the server's whole HTTP handler: recover, authenticate, route.
func (s *Server) Handler() http.Handler {
	return s.recoverer(s.auth.Middleware(s.writeError, isPublic, viewerWrites)(s.routes()))
}

// snapshotOf finds the cluster named in the path and its latest snapshot.
func (s *Server) snapshotOf(r *http.Request) (Cluster, *snapshot.Snapshot, error) {
	name := r.PathValue("cluster")
	c, ok := s.byName[name]
	if !ok {
		return nil, nil, errorf(KindNotFound, "no cluster named "+quote(name))
	}
	snap := c.Latest()
	if snap == nil {
		return c, nil, errorf(KindUnavailable, "cluster "+quote(name)+" has not been collected yet; try again in a few seconds")
	}
	return c, snap, nil
}

func quote(s string) string { return `"` + s + `"` }
