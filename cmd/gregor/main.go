// Command gregor is the Gregor control plane for Kafka fleets: server, API, UI and CLI.
package main

import (
	"os"

	"github.com/gregor-kafka/gregor/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, os.Environ())) }
