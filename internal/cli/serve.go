package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/analyze"
	"github.com/gregor-kafka/gregor/internal/api"
	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/collect"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/demo"
	"github.com/gregor-kafka/gregor/internal/export"
	"github.com/gregor-kafka/gregor/internal/fleet"
	"github.com/gregor-kafka/gregor/internal/history"
	"github.com/gregor-kafka/gregor/internal/kafka"
	"github.com/gregor-kafka/gregor/internal/lag"
	"github.com/gregor-kafka/gregor/internal/logbuf"
	"github.com/gregor-kafka/gregor/internal/selfserve"
	"github.com/gregor-kafka/gregor/internal/snapshot"
	"github.com/gregor-kafka/gregor/internal/store"
)

func serve(args []string, stdout, stderr io.Writer, environ []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "YAML config file (default $GREGOR_CONFIG)")
	listen := fs.String("listen", "", "HTTP listen address (overrides server.listen; default 127.0.0.1:8080)")
	dataDir := fs.String("data-dir", "", "state folder (overrides server.data_dir; default ./gregor-data)")
	withDemo := fs.Bool("demo", false, "also run an in-process demo Kafka cluster with a live workload")
	demoTopics := fs.Int("demo-topics", 0, "with --demo: add this many idle topics, to try Gregor at scale")
	basePath := fs.String("base-path", "", "path prefix under which browsers reach Gregor behind a reverse proxy, e.g. /gregor/ (overrides server.base_path)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if *cfgPath == "" {
		*cfgPath = envValue(environ, "GREGOR_CONFIG")
	}
	cfg, err := config.Load(*cfgPath, environ)
	if err != nil {
		fmt.Fprintf(stderr, "gregor: invalid configuration:\n  %s\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return ExitUsage
	}
	if *listen != "" {
		cfg.Server.Listen = *listen
	}
	if *dataDir != "" {
		cfg.Server.DataDir = *dataDir
	}
	if *basePath != "" {
		cfg.Server.BasePath = *basePath
	}
	if len(cfg.Clusters) == 0 && !*withDemo {
		fmt.Fprintln(stderr, "gregor: no cluster configured: give --config FILE (or GREGOR_CONFIG), or run with --demo")
		return ExitUsage
	}
	logs := logbuf.New(2000)
	log := newLogger(cfg.Log, logs.Tee(stderr))
	collect.SetGCPercent()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	demoTopicsN := 0
	if *withDemo {
		demoTopicsN = *demoTopics
	}
	err = run(ctx, cfg, *withDemo, demoTopicsN, envValue(environ, "GREGOR_ADMIN_PASSWORD"), log, logs, stdout)
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "gregor:", ue.msg)
		return ExitUsage
	case err != nil:
		log.Error("gregor stopped", "err", err)
		return ExitFailure
	}
	return ExitOK
}

// usageError is a start-up refusal the operator must fix (exit 2, not 1).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, cfg *config.Config, withDemo bool, demoTopics int, adminPassword string, log *slog.Logger, logs *logbuf.Buffer, stdout io.Writer) error {
	if err := os.MkdirAll(cfg.Server.DataDir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	dsn := cfg.Store.DSN.Reveal()
	if dsn == "" {
		dsn = filepath.Join(cfg.Server.DataDir, "gregor.db")
	}
	st, err := store.Open(ctx, dsn, store.Options{Retention: store.Retention{
		Raw: cfg.History.Raw, FiveMin: cfg.History.FiveMin, Hour: cfg.History.Hour}})
	if err != nil {
		return err
	}
	defer st.Close()
	authn := auth.New(st, auth.Options{SecureCookies: cfg.Server.SecureCookies})
	generated, err := authn.Bootstrap(ctx, adminPassword, withDemo)
	if err != nil {
		var ae *auth.Error
		if errors.As(err, &ae) {
			return usageError{ae.Error()}
		}
		return err
	}
	if generated != "" {
		fmt.Fprintf(stdout, "Created user admin with password %s (set GREGOR_ADMIN_PASSWORD to choose it)\n", generated)
	}
	rec := &history.Recorder{Series: st, Log: log, MaxGroupPartitions: cfg.History.MaxGroupPartitionSeries}
	if withDemo {
		d, err := demo.Start(ctx, log, demoTopics)
		if err != nil {
			return err
		}
		defer d.Close()
		cfg.Clusters = append(cfg.Clusters, d.Config())
	}
	var clients []*kafka.Client
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	rcvs, err := receivers(cfg.Alerting.Receivers, log)
	if err != nil {
		return err
	}
	alertRcvs := make([]alert.Receiver, len(rcvs))
	for i, r := range rcvs {
		alertRcvs[i] = r
	}
	alerts, err := alert.New(cfg.Alerting, st, alertRcvs, alert.Options{Logger: log})
	if err != nil {
		if errors.Is(err, alert.ErrInvalid) {
			return usageError{err.Error()}
		}
		return err
	}
	var cols []*fleet.Cluster
	var apiClusters []api.Cluster
	var sources []export.Source
	exp := export.New(nil, cfg.Prometheus.PartitionSeries, alerts)
	hist := &fleet.StoreHistory{Series: st, Step: cfg.Collect.Interval, Log: log}
	var awg sync.WaitGroup
	defer awg.Wait()
	actx, stopAlerts := context.WithCancel(ctx)
	defer stopAlerts()
	var self *selfserve.Service // built once every cluster's client is; read by collectors started after
	for _, cc := range cfg.Clusters {
		worker := startAlertWorker(actx, &awg, alerts, log)
		c, err := kafka.New(cc, log)
		if err != nil {
			return err
		}
		clients = append(clients, c)
		col := fleet.New(collect.Options{Client: c, Metrics: cc.Metrics, Interval: cfg.Collect.Interval,
			Timeout: cfg.Collect.Timeout, Log: log, OnSnapshot: exp.Observe},
			fleet.Options{Lag: lag.Thresholds(cfg.Lag), Checks: cfg.ChecksFor(cc.Name), History: hist,
				Placements: func() map[string]analyze.Placement {
					pctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					defer cancel()
					ps, err := self.Placements(pctx, cc.Name)
					if err != nil { // the check says nothing this cycle
						log.Warn("reading the topics' regions failed", "cluster", cc.Name, "err", err)
					}
					return ps
				},
				OnAnalysis: func(s *snapshot.Snapshot, r *analyze.Result) {
					rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					samples := rec.Record(rctx, s)
					cancel()
					worker.submit(alert.Cycle{Cluster: s.Cluster, Now: s.Time, Findings: r.Findings, Skipped: r.Skipped, Samples: samples})
				}})
		cols = append(cols, col)
		apiClusters = append(apiClusters, col)
		sources = append(sources, col)
	}
	exp.SetSources(sources)
	requestNotes := &selfserve.Notifier{Receivers: rcvs, Log: log}
	defer requestNotes.Wait()
	self = selfserve.New(selfserve.Options{Store: st, Users: st, Targets: targets(cfg, clients), Notify: requestNotes.Notify, Log: log})
	reg := prometheus.NewRegistry()
	reg.MustRegister(exp, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv := api.New(api.Options{Auth: authn, Users: st, Series: st, Clusters: apiClusters, Log: log, BasePath: cfg.Server.BasePath,
		Alerts: alerts, Receivers: rcvs, ReceiverConfigs: cfg.Alerting.Receivers, Audit: st, SelfServe: self, OIDC: oidcLogin(cfg, authn),
		Diagnostics: api.Diagnostics{Version: version(), Config: cfg, Logs: logs.Bytes, Secrets: secretsOf(cfg)},
		Metrics:     promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError)})})
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	log.Info("gregor serving", "url", url, "clusters", len(clients), "data_dir", cfg.Server.DataDir, "version", version())
	fmt.Fprintf(stdout, "Gregor is serving on %s\n", url)

	var wg sync.WaitGroup
	defer wg.Wait()
	cctx, stopCollectors := context.WithCancel(ctx)
	defer stopCollectors()
	for _, col := range cols {
		wg.Add(1)
		go func() { defer wg.Done(); col.Run(cctx) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); rec.Maintain(cctx, time.Minute) }()
	wg.Add(1)
	go func() { defer wg.Done(); pruneAudit(cctx, st, cfg.Audit.Keep, time.Hour, log) }()
	go func() {
		waitFirstCycles(cctx, cols, log)
		srv.SetReady()
	}()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// pruneAudit deletes the audit entries older than keep, at once and then every interval,
// until ctx ends.
func pruneAudit(ctx context.Context, a store.Audit, keep, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.PruneAudit(ctx, time.Now().Add(-keep)); err != nil && ctx.Err() == nil {
			log.Error("audit: prune failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// waitFirstCycles waits until every collector has published a snapshot, logging each
// cluster's first result.
func waitFirstCycles(ctx context.Context, cols []*fleet.Cluster, log *slog.Logger) {
	pending := slices.Clone(cols)
	for len(pending) > 0 {
		pending = slices.DeleteFunc(pending, func(c *fleet.Cluster) bool {
			s := c.Latest()
			if s == nil {
				return false
			}
			if len(s.Errors) > 0 {
				log.Warn("cluster collected with errors", "cluster", c.Name(), "errors", len(s.Errors), "first", s.Errors[0].Error)
			} else {
				log.Info("cluster collected", "cluster", c.Name(), "brokers", len(s.Brokers), "topics", len(s.Topics),
					"groups", len(s.Groups), "took", s.Took.Round(time.Millisecond), "requests", s.Requests)
			}
			return true
		})
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: lv}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func envValue(environ []string, name string) string {
	v, _ := config.LookupEnv(environ, name)
	return v
}

// targets are the clusters as self-service sees them: clients, regions, client connection.
func targets(cfg *config.Config, clients []*kafka.Client) []selfserve.Target {
	out := make([]selfserve.Target, 0, len(cfg.Clusters))
	for i := range cfg.Clusters {
		cc := &cfg.Clusters[i]
		t := selfserve.Target{Name: cc.Name, Regions: cc.Regions, Clients: config.ClientsOf(cc)}
		if cc.SASL != nil {
			t.AdminUser = cc.SASL.Username
		}
		for _, c := range clients {
			if c.Name == cc.Name {
				t.Client = c
			}
		}
		out = append(out, t)
	}
	return out
}

// oidcLogin is the OpenID Connect login of cfg, nil when not configured.
func oidcLogin(cfg *config.Config, authn *auth.Service) *auth.OIDC {
	if !cfg.OIDC.Enabled() {
		return nil
	}
	return authn.NewOIDC(cfg.OIDC, nil)
}
