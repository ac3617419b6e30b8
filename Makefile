# The two commands of the README: `make run` and `make test`.

# PostgreSQL for the PostgreSQL half of the suite; tests create and drop
# their own databases on it.
GOVDATA_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export GOVDATA_TEST_POSTGRES
# MySQL/MariaDB for the tests of pulls from a provider's MySQL (user root,
# no password); they create and drop their own databases.
GOVDATA_TEST_MYSQL ?= mysql://127.0.0.1:3306
export GOVDATA_TEST_MYSQL

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/govdata/govdata.Version=$(VERSION)

.PHONY: run demo build test test-go test-web web web-size bench bench-service bench-service-postgres bench-open vet fmt

# Build and start govdata on its embedded SQLite default in ./data; the first
# start creates the sysadmin account "admin" and prints its password.
run: build
	./bin/govdata serve

# A demo world (govdata demo: a city's departments, an account of every role
# with one printed password, entries with rows, share applications) made in
# a fresh ./data-demo, then the console on it. An existing ./data-demo is
# served as it is, with what was done in it since: rm -rf data-demo starts
# afresh. --db "" keeps a GOVDATA_DB of the shell from pointing it elsewhere.
demo: build
	@if [ -e data-demo ]; then echo "./data-demo exists: serving it as it is (rm -rf data-demo for a fresh demo)"; \
	else ./bin/govdata demo --data ./data-demo --db ""; fi
	./bin/govdata serve --data ./data-demo --db ""

build:
	go build -ldflags "$(LDFLAGS)" -o bin/govdata ./cmd/govdata

# Every test: Go's on SQLite and on PostgreSQL, then the console's in Chromium.
test: test-go test-web

test-go:
	go test -count=1 -timeout 30m ./...

# The web console (web/; Node 20 and npm). `make web` rebuilds web/dist,
# which is committed and embedded in the binary: the OpenAPI document is
# written from the route table by a test (no server needed) to
# web/src/api/openapi.json, the API types are generated from it, the console
# is type-checked and built, and dist/ is stamped with the hash of its
# inputs, which `go test ./web` checks.
web:
	cd web && npm ci
	GOVDATA_WRITE_OPENAPI=1 go test -count=1 -run '^TestOpenAPISnapshot$$' ./http
	cd web && npm run gen:api && npm run typecheck && npm run build
	go run ./web/stamp web

# The sign-in page's first load, compressed (PRODUCT.md §5: ≤ 350 KB).
web-size:
	cd web && node scripts/size.mjs

# The console's tests: locale files, then the browser tests (web/e2e) that
# drive Debian's Chromium against the built binary. Without Chromium or
# npm they say so and skip — except under CI=true, where that fails.
test-web: build
	@if ! command -v npm >/dev/null; then \
		if [ "$$CI" = true ]; then echo "test-web: npm is missing" >&2; exit 1; fi; \
		echo "test-web: npm not found: skipping the console's tests"; exit 0; fi; \
	cd web && { [ -d node_modules ] || npm ci; } && npm run --silent test:unit && \
		GOVDATA_BIN=$(CURDIR)/bin/govdata npm run --silent test:e2e

bench:
	go test -run '^$$' -bench . -benchtime 2s ./...

# The data service against PRODUCT.md §5: govdata on SQLite with 100,000
# generated rows and a minimal baseline program, 64 clients, 20 s each
# (bench/service; flags: make bench-service ARGS="-rounds 3").
bench-service: build
	go run ./bench/service -bin bin/govdata $(ARGS)

# The same on PostgreSQL (issue 13): govdata, the baseline and a plain
# paging peer, each in turn, three rounds of 15 s; the run makes its own
# databases on the server of GOVDATA_TEST_POSTGRES and drops them after.
bench-service-postgres: build
	go run ./bench/service -bin bin/govdata -db '$(GOVDATA_TEST_POSTGRES)' -peer -rounds 3 -duration 15s $(ARGS)

# The open-data records API (OPN-1) against the same baseline, on SQLite
# and PostgreSQL; and a 1,000,000-row open CSV download (MB/s, peak heap).
bench-open: build
	go run ./bench/service -bin bin/govdata -open $(ARGS)
	go run ./bench/service -bin bin/govdata -open -db '$(GOVDATA_TEST_POSTGRES)' $(ARGS)
	go test ./sqlstore -run '^$$' -bench OpenDownload -benchtime 1x

vet:
	go vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')
