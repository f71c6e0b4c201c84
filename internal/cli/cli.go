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

Operations (operator role; delete-topic and scram-users admin; each takes --cluster NAME, and
--dry-run to print the plan and change nothing, but produce and reassign status|finish|cancel;
every call is audited):
  gregor create-topic NAME [--partitions N] [--replication-factor N] [--config k=v ...] [--brokers 1,2,3]
  gregor delete-topic NAME --confirm NAME
  gregor add-partitions TOPIC --count N
  gregor alter-topic-config TOPIC [--set k=v ...] [--delete k ...]
  gregor purge-topic TOPIC (--before-offset N | --before-time RFC3339) [--partitions 0,1]
  gregor reset-offsets GROUP --to earliest|latest|timestamp|offset|shift [--timestamp T]
                       [--offset N] [--shift N] [--topic T ...]
  gregor delete-group GROUP
  gregor elect-leaders [--topic T [--partitions 0,1] | --broker N]
  gregor reassign plan (--move-off-broker N | --onto 4,5 | --replication-factor N | --file plan.json)
                       [--topic T ...]
  gregor reassign start (--file plan.json | same as plan) --throttle RATE (10MB, 50MiB)
  gregor reassign status | finish | cancel
  gregor produce TOPIC [--key K] (--value V | --value-file F) [--header k=v ...] [--partition N]
  gregor acls [list|create|delete] [--principal P] [--resource-type T] [--resource-name N]
              [--pattern-type P] [--operation OP] [--permission allow|deny] [--host H]
  gregor scram-users [list | create NAME | set-password NAME | delete NAME] [--mechanism M]
                     [--password-file F] (admin; the password from the file or stdin)
  gregor quotas [list|set] [--user U] [--client-id C] [--producer-byte-rate N]
                [--consumer-byte-rate N] [--request-percentage P] [--remove KEY ...]
  gregor audit [--user U] [--action PREFIX] [--cluster C] [--since 24h] [--limit N]

Messages (read-only, any role; each takes --cluster NAME):
  gregor messages TOPIC [--partition N] [--offset N | --since RFC3339|24h | --newest N]
                  [--limit N] [--decode text|json|hex|base64]
  gregor search-messages TOPIC (--key S | --value S | --regex R | --json-field path=value)
                  [--max-messages N] [--max-time 10s]

Self-service (teams, applications, requests and approvals; any role, decided by the Kafka
team or a topic's owning team; every change is audited):
  gregor request topic NAME --cluster C --application APP [--region R] [--partitions N]
                  [--replication-factor N] [--retention 7d|MS] [--throughput 5MB/s]
                  [--config k=v ...] [--reason TEXT] [--apply (admins: apply directly)]
  gregor request access TOPIC --cluster C --application APP (--produce | --consume [--group G])
  gregor request quota --cluster C --application APP [--producer-byte-rate N] [--consumer-byte-rate N]
  gregor request partitions TOPIC --cluster C --application APP --count N
  gregor request show ID
  gregor requests [--scope mine|team|inbox|all] [--state S] [--kind K]
  gregor approve ID [--comment T] | reject ID [--comment T] | cancel-request ID | retry-request ID
  gregor teams [list | create NAME | delete NAME | add-member TEAM USER | remove-member TEAM USER]
  gregor applications | application show APP | application create APP --team T
  gregor application delete APP --confirm APP
  gregor credentials APP --cluster C   create or rotate its SCRAM password (printed once only)
  gregor discovery APP                 how the application connects, and its topics

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
	case "create-topic", "delete-topic", "add-partitions", "alter-topic-config", "purge-topic", "reset-offsets", "delete-group", "audit",
		"elect-leaders", "messages", "search-messages", "produce":
		return runOp(args[0], args[1:], stdout, stderr, environ)
	case "reassign", "acls", "scram-users", "quotas":
		return rpRunGroup(args[0], args[1:], stdout, stderr, environ)
	case "request", "requests", "approve", "reject", "cancel-request", "retry-request", "teams", "applications", "application",
		"credentials", "discovery":
		return runSelfServe(args[0], args[1:], stdout, stderr, environ)
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
