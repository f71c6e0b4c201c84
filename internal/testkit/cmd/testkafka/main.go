// Command testkafka starts and stops a real Kafka test cluster from the command line
// (make kafka-up / make kafka-down). The brokers keep running after it exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gregor-kafka/gregor/internal/testkit"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "testkafka:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: testkafka up|down|fetch [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	dir := fs.String("dir", ".kafka-dev", "folder for the cluster's data, logs and state")
	nodes := fs.Int("nodes", 3, "KRaft nodes (broker+controller each)")
	scram := fs.Bool("scram", false, "SASL/SCRAM listener and the standard ACL authorizer")
	version := fs.String("version", testkit.KafkaVersion(), "Kafka version (or set "+testkit.VersionEnv+")")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	switch args[0] {
	case "fetch":
		d, err := testkit.EnsureDist(context.Background(), *version)
		if err == nil {
			fmt.Printf("Kafka %s jars in %s\n", *version, d.Dir)
		}
		return err
	case "up":
		if c, err := testkit.LoadState(abs); err == nil && anyAlive(c) {
			return fmt.Errorf("a cluster is already running from %s; run make kafka-down first", abs)
		}
		_ = os.RemoveAll(abs)
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return err
		}
		c, err := testkit.Start(context.Background(), testkit.Options{Nodes: *nodes, Version: *version,
			SCRAM: *scram, Dir: abs, Detach: true, Logf: func(f string, a ...any) { fmt.Printf(f+"\n", a...) }})
		if err != nil {
			return err
		}
		fmt.Printf("Kafka %s is up (cluster id %s)\n  bootstrap: %s\n", c.Version, c.ClusterID, strings.Join(c.Bootstrap(), ","))
		for _, n := range c.Nodes {
			fmt.Printf("  node %d: %s  metrics %s  log %s\n", n.ID, n.Addr(), n.MetricsURL(), n.LogFile())
		}
		if c.SCRAM {
			fmt.Printf("  SASL: SCRAM-SHA-512 user %q, password %q (test credentials)\n", testkit.AdminUser, testkit.AdminPassword)
		}
		return nil
	case "down":
		c, err := testkit.LoadState(abs)
		if err != nil {
			return fmt.Errorf("no cluster recorded in %s: %w", abs, err)
		}
		if err := c.KillRecorded(); err != nil {
			return err
		}
		fmt.Println("stopped; removing", abs)
		return os.RemoveAll(abs)
	}
	return fmt.Errorf("unknown command %q (want up, down or fetch)", args[0])
}

func anyAlive(c *testkit.Cluster) bool {
	for _, n := range c.Nodes {
		if n.PID > 0 {
			if p, err := os.FindProcess(n.PID); err == nil && p.Signal(syscallZero) == nil {
				return true
			}
		}
	}
	return false
}

var syscallZero = syscall.Signal(0)
