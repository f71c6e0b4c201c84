// Package cli is the gregor command line: `gregor serve` and the client commands.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// Exit codes scripts can rely on.
const (
	ExitOK      = 0
	ExitFailure = 1 // the command ran and failed
	ExitUsage   = 2 // bad flags, arguments or configuration
)

// Version is set at build time (-ldflags "-X .../cli.Version=v1.2.3"); else from build info.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

const usage = `gregor: a control plane for Apache Kafka fleets

Usage:
  gregor serve [--config FILE] [--listen ADDR] [--data-dir DIR] [--demo]
  gregor version

Client commands (talk to a running server; --server URL, default $GREGOR_SERVER):
  gregor clusters                      list the clusters and their health
  gregor brokers [--cluster NAME]      list a cluster's brokers
  gregor topics [--cluster NAME]       list a cluster's topics (--filter, --sort, --limit...)
  gregor groups [--cluster NAME]       list a cluster's consumer groups
  gregor describe-topic TOPIC          show a topic's partitions, configs and groups
  gregor describe-group GROUP          show a consumer group's members and lag
  gregor lag GROUP [--watch 5s]        show a group's lag status, lag in time, time to drain
  gregor doctor [--cluster NAME]       print findings with evidence and fix (exit 5 if critical)
  gregor bundle --cluster NAME         download a diagnostics bundle (secrets redacted)
  Each takes -o table|json; auth from GREGOR_TOKEN, or GREGOR_USER and GREGOR_PASSWORD.

Operations (operator role; delete-topic admin; each takes --cluster NAME, and --dry-run to
print the plan and change nothing; every call is audited):
  gregor create-topic NAME [--partitions N] [--replication-factor N] [--config k=v ...] [--brokers 1,2,3]
  gregor delete-topic NAME --confirm NAME
  gregor add-partitions TOPIC --count N
  gregor alter-topic-config TOPIC [--set k=v ...] [--delete k ...]
  gregor purge-topic TOPIC (--before-offset N | --before-time RFC3339) [--partitions 0,1]
  gregor reset-offsets GROUP --to earliest|latest|timestamp|offset|shift [--timestamp T]
                       [--offset N] [--shift N] [--topic T ...]
  gregor delete-group GROUP
  gregor audit [--user U] [--action PREFIX] [--cluster C] [--since 24h] [--limit N]

Run 'gregor serve --help' or 'gregor COMMAND --help' for a command's flags.
`

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer, environ []string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr, environ)
	case "clusters", "brokers", "topics", "groups", "describe-topic", "describe-group", "lag", "doctor", "bundle":
		return runClient(args[0], args[1:], stdout, stderr, environ)
	case "create-topic", "delete-topic", "add-partitions", "alter-topic-config", "purge-topic", "reset-offsets", "delete-group", "audit":
		return runOp(args[0], args[1:], stdout, stderr, environ)
	case "version", "--version":
		fmt.Fprintln(stdout, "gregor", version())
		return ExitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "gregor: unknown command %q\n\n%s", args[0], usage)
	return ExitUsage
}

// parseFlags parses fs, printing errors to stderr; ok is false when the caller should exit
// with code.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gregor %s: unexpected arguments: %v\n", fs.Name(), fs.Args())
		return ExitUsage, false
	}
	return 0, true
}
