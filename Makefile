# towngrid — the two commands a newcomer needs:
#   make demo   start towngrid with a demo town on the embedded defaults (http://localhost:8080)
#   make test   run every test (SQLite always; PostgreSQL and Chromium where present, required in CI)
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X towngrid/internal/app.Version=$(VERSION)
VENDOR  := internal/web/static/vendor/echarts.min.js

.PHONY: all build demo test vet assets bench clean

all: build

# Front-end libraries from npm, copied where go:embed finds them (never committed).
assets: $(VENDOR)
$(VENDOR): web/package.json web/package-lock.json web/copy-vendor.mjs
	scripts/ensure-node.sh
	cd web && npm ci --no-audit --no-fund && npm run vendor
	@touch $(VENDOR)

build: assets
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/towngrid ./cmd/towngrid

demo: build
	./bin/towngrid demo $(DEMO_FLAGS)

test: assets
	scripts/test.sh

vet:
	$(GO) vet ./...

bench: assets
	scripts/bench.sh

clean:
	rm -rf bin web/node_modules internal/web/static/vendor/*.js internal/web/static/vendor/*.css internal/web/static/vendor/images
