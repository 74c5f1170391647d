# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is what those two are made of.

SHELL := /bin/bash
export GOFLAGS := -mod=mod

CACHE      ?= $(HOME)/.cache/chorus
MINIO_BIN  := $(CACHE)/bin/minio
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
FERRETDB_BIN := $(CACHE)/bin/ferretdb
FERRETDB_VERSION := v1.24.2
APT_PACKAGES := chromium ffmpeg
BIN        := bin/chorus

.PHONY: run demo test deps web build test-go test-web test-browser bench clean api-types

## run: build the web app and the server, start Chorus on http://localhost:8080
run: build
	./$(BIN) serve

## demo: start Chorus with a seeded sample workspace in ./data-demo
demo: build
	CHORUS_DATA_DIR=./data-demo ./$(BIN) demo

## test: install what the tests need, then run every test
test: deps
	$(MAKE) test-web build test-browser test-go

build: web
	go build -o $(BIN) ./server

web: web/node_modules/.installed
	cd web && npm run build

# npm ci only when the lock file changed since the last install.
web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

## deps: Debian packages, npm packages (the web app's, the co-editing benchmark's peer), MinIO and FerretDB servers for the tests (idempotent)
deps: web/node_modules/.installed bench/hocuspocus/node_modules/.installed $(MINIO_BIN) $(FERRETDB_BIN)
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# MinIO is built from the Go module proxy once, into a cache outside the clone.
$(MINIO_BIN):
	mkdir -p $(dir $@)
	GOBIN=$(dir $@) go install github.com/minio/minio@$(MINIO_VERSION)

# FerretDB (a MongoDB-protocol server on SQLite) is built from its module's
# source, once: `go install` alone gives a binary that panics at start, as
# the module lacks the generated build/version/version.txt.
$(FERRETDB_BIN):
	mkdir -p $(dir $@)
	set -e; src=$$(mktemp -d); trap 'chmod -R u+w $$src; rm -rf $$src' EXIT; \
	dir=$$(cd $$src && GOFLAGS= go mod download -json github.com/FerretDB/FerretDB@$(FERRETDB_VERSION) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p'); \
	cp -r "$$dir"/. $$src/ && chmod -R u+w $$src; \
	echo $(FERRETDB_VERSION) > $$src/build/version/version.txt; \
	cd $$src && GOFLAGS= go build -o $@.tmp ./cmd/ferretdb && mv $@.tmp $@

## api-types: after a change to server/httpapi/openapi/, rewrite the web app's copy of the document and its TypeScript types
api-types: web/node_modules/.installed
	go test ./server/httpapi/ -run TestWebCopyOfOpenAPIIsCurrent -update
	cd web && npm run gen:api

test-go:
	CHORUS_REQUIRE_SERVICES=1 CHORUS_MINIO_BIN=$(MINIO_BIN) CHORUS_FERRETDB_BIN=$(FERRETDB_BIN) go test -race -count=1 ./...

test-web:
	cd web && npm run typecheck && npm test
	cd bench/hocuspocus && node --test protocol.test.mjs

test-browser:
	cd web && CHORUS_BIN=$(abspath $(BIN)) npm run test:browser

clean:
	rm -rf bin web/dist/assets web/dist/index.html

## bench: stores and real-time against baselines, one table (BENCH_FLAGS="-scale 0.1" for a quick look)
bench: $(MINIO_BIN) $(FERRETDB_BIN) bench/hocuspocus/node_modules/.installed
	cd bench/hocuspocus && node --test protocol.test.mjs
	CHORUS_MINIO_BIN=$(MINIO_BIN) CHORUS_FERRETDB_BIN=$(FERRETDB_BIN) go run ./bench $(BENCH_FLAGS)

# The Yjs peer of the co-editing rows (Hocuspocus), with its own lock file.
bench/hocuspocus/node_modules/.installed: bench/hocuspocus/package-lock.json
	cd bench/hocuspocus && npm ci --no-audit --no-fund
	touch $@
