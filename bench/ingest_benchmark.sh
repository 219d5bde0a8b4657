#!/usr/bin/env bash
# Ingestion benchmark: sustained trade capture through the real gRPC API into PostgreSQL
# with durable commits, the load generator (tradesim) on the same machine, and in the
# same run the ceiling: a raw COPY of the very same rows into the same table.
#
#   bench/ingest_benchmark.sh                      # 1,000,000 trades, 4 feeds, batches of 5,000
#   TRADES=10000000 bench/ingest_benchmark.sh      # the memory-flatness run
# Knobs (environment): TRADES, BATCH, FEEDS, MODE (stream|batch), TOKENCLEAR_PG_URL
# (an existing server; default: the embedded "bench" cluster), BUILD_DIR.
# Prints throughput, per-batch acknowledgement latency p50/p99, server RSS over the run,
# and the COPY ceiling. It builds nothing: run deploy/setup.sh first.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
trades=${TRADES:-1000000}
batch=${BATCH:-5000}
feeds=${FEEDS:-4}
mode=${MODE:-stream}
port=${BENCH_PORT:-50091}
admin_token=bench-admin-token-0001

if [[ -z "${TOKENCLEAR_PG_URL:-}" ]]; then
  TOKENCLEAR_PG_URL=$(TOKENCLEAR_PG_PORT=55440 "$repo/deploy/pg.sh" start bench)
fi
server_url=${TOKENCLEAR_PG_URL%/*}
db="ingest_bench_$(date +%s)"
psql -q "$server_url/postgres" -c "CREATE DATABASE $db"
db_url="$server_url/$db"
workdir=$(mktemp -d)
server_pid=""
sampler_pid=""
cleanup() {
  [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  psql -q "$server_url/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS ${db}_copy WITH (FORCE)" || true
  rm -rf "$workdir"
}
trap cleanup EXIT

TOKENCLEAR_ADMIN_TOKEN=$admin_token "$build/services/tokenclear_server" \
  --listen="127.0.0.1:$port" --plaintext --pg_url="$db_url" --db_connections=$((feeds + 4)) \
  2>"$workdir/server.log" &
server_pid=$!
export TOKENCLEAR_TARGET="127.0.0.1:$port"
TOKENCLEAR_TOKEN=$admin_token "$build/tools/clearctl" wait-ready >/dev/null
TOKENCLEAR_TOKEN=$admin_token "$build/tools/clearctl" seed "$repo/deploy/seed/sample.textproto" \
  >/dev/null

# Server resident memory once a second.
(while kill -0 "$server_pid" 2>/dev/null; do
   awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || true
   sleep 1
 done) >"$workdir/rss_kib" &
sampler_pid=$!

echo "== ingestion: $trades trades, $feeds feeds, batches of $batch, mode $mode"
TOKENCLEAR_TOKEN=dev-exchange-token-0001 "$build/tools/tradesim" --events="$trades" \
  --batch_size="$batch" --feeds="$feeds" --mode="$mode" --cancels_per_mille=0 \
  --corrections_per_mille=0 --feed_id=BENCH
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""

echo "== server RSS (MiB): first, after 10%, max, last over $(wc -l <"$workdir/rss_kib") samples"
awk '{v[NR]=$1; if ($1>max) max=$1} END {
  n=NR; p=int(n/10); if (p<1) p=1;
  printf "%.0f %.0f %.0f %.0f\n", v[1]/1024, v[p]/1024, max/1024, v[n]/1024}' "$workdir/rss_kib"

echo "== ceiling: raw COPY of the same $(psql -tAq "$db_url" -c 'SELECT count(*) FROM trades') rows into the same table"
psql -q "$server_url/postgres" -c "CREATE DATABASE ${db}_copy TEMPLATE template0"
# The same table: schema, indexes and triggers copied with pg_dump.
pg_dump --schema-only "$db_url" | psql -q "$server_url/${db}_copy" >/dev/null
psql -q "$db_url" -c "\\copy trades TO '$workdir/trades.copy'"
start=$(date +%s.%N)
psql -q "$server_url/${db}_copy" -c "\\copy trades FROM '$workdir/trades.copy'"
end=$(date +%s.%N)
rows=$(psql -tAq "$server_url/${db}_copy" -c 'SELECT count(*) FROM trades')
awk -v r="$rows" -v s="$start" -v e="$end" \
  'BEGIN {printf "COPY %d rows in %.2f s = %.0f rows/s\n", r, e - s, r / (e - s)}'
