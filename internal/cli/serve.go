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
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gregor-kafka/gregor/internal/api"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/demo"
	"github.com/gregor-kafka/gregor/internal/kafka"
)

func serve(args []string, stdout, stderr io.Writer, environ []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "YAML config file (default $GREGOR_CONFIG)")
	listen := fs.String("listen", "", "HTTP listen address (overrides server.listen; default 127.0.0.1:8080)")
	dataDir := fs.String("data-dir", "", "state folder (overrides server.data_dir; default ./gregor-data)")
	withDemo := fs.Bool("demo", false, "also run an in-process demo Kafka cluster with a live workload")
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
	if len(cfg.Clusters) == 0 && !*withDemo {
		fmt.Fprintln(stderr, "gregor: no cluster configured: give --config FILE (or GREGOR_CONFIG), or run with --demo")
		return ExitUsage
	}
	log := newLogger(cfg.Log, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, *withDemo, log, stdout); err != nil {
		log.Error("gregor stopped", "err", err)
		return ExitFailure
	}
	return ExitOK
}

func run(ctx context.Context, cfg *config.Config, withDemo bool, log *slog.Logger, stdout io.Writer) error {
	if err := os.MkdirAll(cfg.Server.DataDir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if withDemo {
		d, err := demo.Start(ctx, log)
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
	for _, cc := range cfg.Clusters {
		c, err := kafka.New(cc, log)
		if err != nil {
			return err
		}
		clients = append(clients, c)
	}
	srv := api.New(api.Options{Clusters: clients, Log: log, RequestTimeout: cfg.Collect.Timeout})
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

	go func() {
		connectAll(ctx, clients, cfg.Collect.Timeout, log)
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

// connectAll checks every cluster once at start and logs what it found; a cluster that does
// not answer is logged and stays configured (it is retried by every request).
func connectAll(ctx context.Context, clients []*kafka.Client, timeout time.Duration, log *slog.Logger) {
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			if err := c.Connect(cctx); err != nil {
				log.Warn("cluster not reachable", "cluster", c.Name, "err", err)
				return
			}
			var vs []string
			for _, v := range c.Versions() {
				vs = append(vs, fmt.Sprintf("%d:%s", v.ID, v.KafkaVersion))
			}
			log.Info("cluster connected", "cluster", c.Name, "brokers", strings.Join(vs, " "))
		}()
	}
	wg.Wait()
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
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}
