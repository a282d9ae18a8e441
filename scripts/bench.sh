#!/usr/bin/env bash
# Runs towngrid's benchmarks, each beside its baseline in the same run, and
# prints the raw output. docs/PERFORMANCE.md records the figures with the
# machine and its load. Takes about 10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== machine: $(nproc) cores, $(uname -m), $(go version | cut -d' ' -f3), load:$(uptime | sed 's/.*average://')"
run() { echo; echo "== $*"; "$@" 2>&1 | grep -E '^(Benchmark|ok|PASS|FAIL|[a-z_ ]+:)|/s|ms' || true; }

run go test ./internal/geo -run '^$' -bench 'Locate' -benchtime 2s -count 2 -cpu 2
run go test ./internal/calendar -run '^$' -bench . -benchtime 1s -benchmem
run go test ./internal/envstd -run '^$' -bench . -benchtime 1s
run go test ./internal/workflow/... -run '^$' -bench . -benchtime 1s
run go test ./internal/scoring -run '^$' -bench ScoreMillion -benchtime 3x -count 2
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  go run ./bench/gen_mu_csv -n 1000000 -o /tmp/towngrid-mu.csv
  echo; echo "== pandas baseline (Debian python3-pandas), same computation"
  /usr/bin/python3 bench/pandas_mu.py /tmp/towngrid-mu.csv
else
  echo "(pandas baseline skipped: apt-get install python3-pandas)"
fi
run go test ./internal/server -run '^$' -bench 'Loopback' -benchtime 3s -cpu 2
run go test ./internal/server -run '^$' -bench 'LocateHTTP' -benchtime 3s -cpu 2
run go test ./internal/server -run '^$' -bench 'Intake' -benchtime 3s -cpu 2
run go test ./internal/server -run '^$' -bench 'IntakeLoopback$|IntakeBareInsertLoopback' -benchtime 30s -cpu 2
run go test ./internal/workorders -run '^$' -bench . -benchtime 2s -cpu 2
# At a true 10 M rows (generated once into $TOWNGRID_BENCH_KEEP: ≈ 7 min, 22 GB):
#   TOWNGRID_BENCH_KEEP=/tmp/tgvol TOWNGRID_BENCH_ROWS=10000000 go test ./internal/workorders -run '^$' -bench Volume -benchtime 2s -cpu 2 -timeout 2h
#   TOWNGRID_BENCH_KEEP=/tmp/tgvol TOWNGRID_BENCH_ROWS=10000000 go test ./cmd/towngrid -run '^$' -bench VolumeServe -benchtime 3x -timeout 2h
run go test ./internal/evaluation -run '^$' -bench StoredRun -benchtime 1x
go build -o /tmp/towngrid-mqttload ./bench/mqttload
echo; echo "== MQTT ingest: towngrid vs the same broker relaying with no processing"
/tmp/towngrid-mqttload -messages 200000 -mode both
