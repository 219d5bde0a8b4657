#!/usr/bin/env bash
# Soak under mixed load: one real tokenclear_server on a real PostgreSQL (durable commits),
# for a bounded time, at once: trade feeds at an exchange's rate (SubmitTrades batches of
# 1..50, open loop), member reads and what-if margin from member principals, and an
# end-of-day run every few minutes after which the next business day trades on
# (build/bench/soak_benchmark, bench/soak_benchmark.cc, is the load driver).
#
#   bench/soak_benchmark.sh                              # 10 minutes, 2,000 trades/s
#   DURATION_SECONDS=120 EOD_INTERVAL_SECONDS=50 bench/soak_benchmark.sh
# Knobs (environment): DURATION_SECONDS (600), TRADES_PER_S (2000), FEEDS (4),
# MEMBER_CALLS_PER_S (10 per member principal, 3 members), WHAT_IF_PER_S (20),
# EOD_INTERVAL_SECONDS (150: trading time between end-of-day runs), FIRST_DAY (2026-12-01:
# no month expires in the following weeks), CLEARCTL (default: the build's),
# TOKENCLEAR_PG_URL (an existing server; default: the embedded "bench" cluster), BUILD_DIR,
# BENCH_PORT (gRPC, 50093), METRICS_PORT (Prometheus, 50094).
# Prints the machine and PostgreSQL settings, the driver's report (per RPC calls/s,
# p50/p99/p999 latency and errors by code; trades/s; end-of-day runs; server RSS every
# 10 s), the server's CPU seconds and own mean time per method, per business date the
# trades, trade marks and run time, journal rows per business date, and storage per row of
# the growing tables (pg_total_relation_size: heap, indexes and TOAST). Calls are plaintext on
# loopback. It builds nothing: run deploy/setup.sh and build the soak_benchmark target.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
duration=${DURATION_SECONDS:-600}
trades_per_s=${TRADES_PER_S:-2000}
feeds=${FEEDS:-4}
eod_interval=${EOD_INTERVAL_SECONDS:-150}
member_calls_per_s=${MEMBER_CALLS_PER_S:-10}
what_if_per_s=${WHAT_IF_PER_S:-20}
first_day=${FIRST_DAY:-2026-12-01}
port=${BENCH_PORT:-50093}
metrics_port=${METRICS_PORT:-50094}
admin_token=bench-admin-token-0001
clearctl=${CLEARCTL:-$build/tools/clearctl}

if [[ -z "${TOKENCLEAR_PG_URL:-}" ]]; then
  TOKENCLEAR_PG_URL=$(TOKENCLEAR_PG_PORT=55440 "$repo/deploy/pg.sh" start bench)
fi
server_url=${TOKENCLEAR_PG_URL%/*}
db="soak_bench_$(date +%s)"
psql -q "$server_url/postgres" -c "CREATE DATABASE $db"
db_url="$server_url/$db"
workdir=$(mktemp -d)
server_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  if [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null; then
    wait "$server_pid" || true
  fi
  psql -q "$server_url/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$workdir"
}
trap cleanup EXIT

echo "== machine: $(nproc) vCPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo);" \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== build: $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null)" \
  "($build), commit $(git -C "$repo" rev-parse --short HEAD)"
echo "== PostgreSQL: $(psql -tAq "$db_url" -c 'SHOW server_version')," \
  "$(psql -tAq "$db_url" -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name)
    FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level',
      'max_wal_size', 'checkpoint_timeout')")"

# Access log at info (one JSON line per call, as in production) to a file.
TOKENCLEAR_ADMIN_TOKEN=$admin_token "$build/services/tokenclear_server" \
  --listen="127.0.0.1:$port" --plaintext --pg_url="$db_url" --db_connections=16 \
  --metrics_listen="127.0.0.1:$metrics_port" 2>"$workdir/server.log" &
server_pid=$!
export TOKENCLEAR_TARGET="127.0.0.1:$port"
TOKENCLEAR_TOKEN=$admin_token "$clearctl" wait-ready >/dev/null
TOKENCLEAR_TOKEN=$admin_token "$clearctl" seed "$repo/deploy/seed/sample.textproto" \
  --business_date="$first_day" >/dev/null
TOKENCLEAR_TOKEN=dev-risk-token-0001 "$clearctl" load-index \
  "$repo/deploy/seed/index_history.csv" >/dev/null

# CPU seconds (user + system) of the server, and of the whole machine (busy jiffies).
server_cpu() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$server_pid/stat"; }
machine_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
echo "== soak: ${duration} s"
cpu_before=$(server_cpu)
read -r busy_before total_before < <(machine_busy)
status=0
"$build/bench/soak_benchmark" --duration_s="$duration" --trades_per_s="$trades_per_s" \
  --feeds="$feeds" --eod_interval_s="$eod_interval" --member_calls_per_s="$member_calls_per_s" \
  --what_if_per_s="$what_if_per_s" --server_pid="$server_pid" || status=$?
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r busy_after total_after < <(machine_busy)
echo "server CPU: $(awk -v a="$cpu_before" -v b="$(server_cpu)" 'BEGIN {printf "%.1f", b - a}') s;" \
  "machine busy (everyone): $(awk -v b="$((busy_after - busy_before))" \
    -v t="$((total_after - total_before))" 'BEGIN {printf "%.0f", 100 * b / t}') %"
grep VmHWM "/proc/$server_pid/status" || true

echo "== server metrics (Prometheus, 127.0.0.1:$metrics_port): the server's own time per call"
if curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$workdir/metrics"; then
  # Mean time in the server per method (sum / count of its duration histogram), which
  # excludes the client-side queueing the driver's open-loop latency includes.
  awk -F'[{}" ]+' '/^tokenclear_rpc_duration_seconds_(sum|count)/ {
      split($1, n, "_"); v[$3, n[length(n)]] = $NF }
    END { for (k in v) { split(k, p, SUBSEP); if (p[2] == "count" && v[p[1], "count"] > 0)
      printf "  %-28s %8d calls, mean %8.2f ms in the server\n", p[1], v[p[1], "count"],
        1000 * v[p[1], "sum"] / v[p[1], "count"] } }' "$workdir/metrics" | sort
  grep -E '^tokenclear_(trades_total|trade_batch_commit_seconds_(sum|count)|db_connections|db_acquire_wait_seconds_(sum|count)|process_resident_memory_bytes)' \
    "$workdir/metrics" || true
else
  echo "(no metrics endpoint)"
fi
echo "server log: $(wc -l <"$workdir/server.log") lines, $(du -k "$workdir/server.log" | cut -f1) KiB"

echo "== per business date: trades, end-of-day positions and trade marks, the run's time"
psql -q "$db_url" -c "
  SELECT r.business_date,
         (SELECT count(*) FROM trades t WHERE t.business_date = r.business_date) AS trades,
         (SELECT count(*) FROM eod_positions p WHERE p.business_date = r.business_date)
           AS eod_positions,
         (SELECT count(*) FROM vm_trade_marks m WHERE m.business_date = r.business_date)
           AS trade_marks,
         round(extract(epoch FROM max(s.finished_at) - min(s.started_at))::numeric, 2) AS run_s
  FROM eod_runs r JOIN eod_steps s USING (business_date)
  GROUP BY r.business_date ORDER BY 1"
echo "== journal per business date (entries, lines, member ledger accounts touched)"
psql -q "$db_url" -c "
  SELECT e.business_date, count(DISTINCT e.entry_id) AS entries, count(*) AS lines,
         count(DISTINCT l.ledger_account_id) AS accounts
  FROM journal_entries e JOIN journal_lines l USING (entry_id)
  GROUP BY 1 ORDER BY 1"

echo "== storage per row (heap + indexes + TOAST)"
psql -q "$db_url" -c "ANALYZE"  # fresh row counts for reltuples
psql -q "$db_url" -c "
  SELECT c.relname AS table_name, c.reltuples::bigint AS rows,
         pg_total_relation_size(c.oid) AS total_bytes, pg_indexes_size(c.oid) AS index_bytes,
         round(pg_total_relation_size(c.oid)::numeric / nullif(c.reltuples, 0)) AS bytes_per_row
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 100
  ORDER BY pg_total_relation_size(c.oid) DESC"
echo "database: $(psql -tAq "$db_url" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
exit "$status"
