#!/usr/bin/env bash
# Runs every test. In CI (CI=true) PostgreSQL and Chromium are required; on a
# developer's machine the tests that need them skip with a message when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-chromium.sh
if [ -z "${TOWNGRID_TEST_PG:-}" ] && pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  export TOWNGRID_TEST_PG="postgres://postgres@127.0.0.1:5432/test"
fi
echo "== go vet" >&2
go vet ./...
echo "== go test (PostgreSQL: ${TOWNGRID_TEST_PG:-not configured})" >&2
go test -count=1 -timeout 15m ./...
