# Gregor: the two set-up commands are `make demo` and `make test`.
GO      ?= go
NPM     ?= npm
BIN     ?= bin/gregor
LISTEN  ?= 127.0.0.1:8080
PKGS    := ./...
UI_SRC  := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/package.json web/vite.config.ts web/tsconfig.json

.PHONY: demo build test test-unit lint ui kafka-up kafka-down kafka-jars clean

## demo: build gregor and run it against an embedded demo cluster with a live workload
demo: build
	$(BIN) serve --demo --listen $(LISTEN)

## build: the gregor binary in bin/, with the web UI embedded
build: ui
	$(GO) build -o $(BIN) ./cmd/gregor

## ui: the web UI, built into internal/web/dist (embedded by go build)
ui: internal/web/dist/index.html
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
internal/web/dist/index.html: web/node_modules/.package-lock.json $(UI_SRC)
	cd web && $(NPM) run build

## test: every test: Go (real Kafka and PostgreSQL included), the UI's unit tests, and the
## end-to-end run in headless Chromium (needs java, mvn, postgresql, chromium, node)
test: lint ui
	$(GO) test -race -count=1 -timeout 30m $(PKGS)
	cd web && $(NPM) test
	cd web && $(NPM) run e2e

## test-unit: the tests that need no real Kafka (real-Kafka tests are skipped)
test-unit: ui
	GREGOR_SKIP_KAFKA=1 $(GO) test -count=1 $(PKGS)
	cd web && $(NPM) test

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
	rm -rf bin gregor-data web/node_modules web/test-results
	find internal/web/dist -mindepth 1 ! -name .gitkeep -delete
