# Gregor: the two set-up commands are `make demo` and `make test`.
GO      ?= go
BIN     ?= bin/gregor
LISTEN  ?= 127.0.0.1:8080
PKGS    := ./...

.PHONY: demo build test test-unit lint kafka-up kafka-down kafka-jars clean

## demo: build gregor and run it against an embedded demo cluster with a live workload
demo: build
	$(BIN) serve --demo --listen $(LISTEN)

## build: the gregor binary in bin/
build:
	$(GO) build -o $(BIN) ./cmd/gregor

## test: every test, including the ones on real Kafka clusters (needs java and mvn)
test: lint
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

## test-unit: the tests that need no real Kafka (real-Kafka tests are skipped)
test-unit:
	GREGOR_SKIP_KAFKA=1 $(GO) test -count=1 $(PKGS)

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

## kafka-up: start a real 3-node Kafka cluster in .kafka-dev (GREGOR_KAFKA_VERSION=3.9 for the 3.x line)
kafka-up:
	$(GO) run ./internal/testkit/cmd/testkafka up --dir .kafka-dev $(KAFKA_FLAGS)

## kafka-down: stop it and delete its data
kafka-down:
	$(GO) run ./internal/testkit/cmd/testkafka down --dir .kafka-dev

## kafka-jars: resolve the Kafka jars into the cache ahead of the tests
kafka-jars:
	$(GO) run ./internal/testkit/cmd/testkafka fetch

clean:
	rm -rf bin gregor-data
