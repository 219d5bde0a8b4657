#!/usr/bin/env bash
# End-of-day benchmark: the real end-of-day run (clearctl eod run through the real server)
# on a book of 1,000,000 open positions over 10,000 accounts (100 members, a house and 99
# customer accounts each, 100 contract months), one month expiring on the day, and in the
# same run the floor: a raw COPY of the rows the run writes into tables of the same shape.
#
#   bench/eod_benchmark.sh                          # 10,000 accounts x 100 months
#   ACCOUNTS=1000 bench/eod_benchmark.sh            # a smaller book
# Knobs (environment): ACCOUNTS (a multiple of 100), TOKENCLEAR_PG_URL (an existing server;
# default: the embedded "bench" cluster), BUILD_DIR. Prints each step's time and rows (the
# run's own record, timed by the server's clock), the whole run's wall time, the server's
# peak resident memory, and the COPY floor. It builds nothing: run deploy/setup.sh first.
#
# The book is written with SQL, not traded: the previous business date (2026-11-20) is
# recorded as settled (its end-of-day positions, a locked price set, a complete run), the
# day to settle (2026-11-23) is open, its prices are approved (two principals) and its risk
# parameters calibrated and approved through the API.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
accounts=${ACCOUNTS:-10000}
months=100
port=${BENCH_PORT:-50092}
admin_token=bench-admin-token-0001
treasury1=bench-treasury-token-01
treasury2=bench-treasury-token-02
risk1=bench-risk-token-01
risk2=bench-risk-token-02
d0=2026-11-20
d1=2026-11-23

if ((accounts % 100 != 0)); then
  echo "eod_benchmark: ACCOUNTS must be a multiple of 100" >&2
  exit 2
fi
if [[ -z "${TOKENCLEAR_PG_URL:-}" ]]; then
  TOKENCLEAR_PG_URL=$(TOKENCLEAR_PG_PORT=55440 "$repo/deploy/pg.sh" start bench)
fi
server_url=${TOKENCLEAR_PG_URL%/*}
db="eod_bench_$(date +%s)"
psql -q "$server_url/postgres" -c "CREATE DATABASE $db"
db_url="$server_url/$db"
workdir=$(mktemp -d)
server_pid=""
sampler_pid=""
cleanup() {
  [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  psql -q "$server_url/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$workdir"
}
trap cleanup EXIT

TOKENCLEAR_ADMIN_TOKEN=$admin_token "$build/services/tokenclear_server" \
  --listen="127.0.0.1:$port" --plaintext --pg_url="$db_url" 2>"$workdir/server.log" &
server_pid=$!
export TOKENCLEAR_TARGET="127.0.0.1:$port"
clearctl=("$build/tools/clearctl")
TOKENCLEAR_TOKEN=$admin_token "${clearctl[@]}" wait-ready >/dev/null

echo "== the book: $accounts accounts x $months months = $((accounts * months)) positions"
start=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 "$db_url" <<SQL
INSERT INTO products VALUES
  ('BKF', 'Bench frontier', 'TOKFRONT', 1000, 5000, 'USD', 50, 'LAST_BUSINESS_DAY', 1, 'CASH',
   5000, 1000000000),
  ('BKO', 'Bench open', 'TOKOPEN', 1000, 1000, 'USD', 50, 'LAST_BUSINESS_DAY', 1, 'CASH',
   5000, 1000000000);
-- 50 months per product from 2026-11; the first (BKF-202611) settles on the day.
INSERT INTO instruments
SELECT p || '-' || to_char(m, 'YYYYMM'), p, to_char(m, 'YYYYMM'),
       CASE WHEN p = 'BKF' AND m = '2026-11-01' THEN date '2026-11-20'
            ELSE (m + interval '1 month' - interval '2 day')::date END,
       CASE WHEN p = 'BKF' AND m = '2026-11-01' THEN date '$d1'
            ELSE (m + interval '1 month' - interval '1 day')::date END,
       'ACTIVE'
FROM unnest(ARRAY['BKF', 'BKO']) p,
     generate_series(date '2026-11-01', date '2026-11-01' + interval '49 month', interval '1 month') m;
INSERT INTO members
SELECT 'BM' || lpad(m::text, 3, '0'), 'Bench member ' || m,
       lpad(m::text, 18, '0') || '00', 'ACTIVE'
FROM generate_series(0, $((accounts / 100 - 1))) m;
INSERT INTO accounts
SELECT 'BA' || lpad(a::text, 5, '0'), 'BM' || lpad((a / 100)::text, 3, '0'),
       CASE WHEN a % 100 = 0 THEN 'HOUSE' ELSE 'CUSTOMER' END,
       CASE WHEN a % 100 = 0 THEN 'MEMBER' ELSE 'SPECULATOR' END, 'ACTIVE',
       CASE WHEN a % 100 = 0 THEN NULL ELSE 'Customer ' || a END
FROM generate_series(0, $((accounts - 1))) a;
-- Two treasurers and two risk principals (four eyes), each with one token (digests only).
INSERT INTO principals VALUES
  ('bench-t1', 'TREASURY', NULL), ('bench-t2', 'TREASURY', NULL), ('bench-r1', 'RISK', NULL),
  ('bench-r2', 'RISK', NULL);
INSERT INTO api_tokens (token_id, principal_id, token_sha256, issued_by, issued_at, expires_at)
SELECT principal_id || '.bench', principal_id, sha256(token::bytea), 'bench', now(),
       now() + interval '1 day'
FROM (VALUES ('bench-t1', '$treasury1'), ('bench-t2', '$treasury2'), ('bench-r1', '$risk1'),
             ('bench-r2', '$risk2')) t (principal_id, token);
-- Every account holds every month; accounts pair up (even long, odd short), so open
-- interest balances.
INSERT INTO positions (account_id, instrument_id, long_quantity, short_quantity)
SELECT 'BA' || lpad(a::text, 5, '0'), i.instrument_id,
       CASE WHEN a % 2 = 0 THEN 1 + ((a / 2) * 7 + i.n * 13) % 50 ELSE 0 END,
       CASE WHEN a % 2 = 1 THEN 1 + ((a / 2) * 7 + i.n * 13) % 50 ELSE 0 END
FROM generate_series(0, $((accounts - 1))) a,
     (SELECT instrument_id, row_number() OVER (ORDER BY instrument_id) AS n FROM instruments) i;
-- The previous date, settled: its end of day is today's start of day.
INSERT INTO business_days (business_date, status) VALUES ('$d0', 'CLOSED'), ('$d1', 'OPEN');
INSERT INTO eod_positions
SELECT '$d0', account_id, instrument_id, long_quantity, short_quantity, 0, 0, long_quantity,
       short_quantity FROM positions;
INSERT INTO eod_runs (business_date, status, steps_done, started_by, started_at, updated_at)
VALUES ('$d0', 'COMPLETE', 9, 'bench', now(), now());
WITH priced AS (
  SELECT instrument_id, row_number() OVER (ORDER BY instrument_id) AS n,
         CASE WHEN product_code = 'BKF' THEN 5000 ELSE 1000 END AS tick
  FROM instruments)
INSERT INTO settlement_price_sets VALUES
  ('$d0', 1, 'PROPOSED', 'bench-t1', now(), NULL, NULL, decode(repeat('00', 32), 'hex')),
  ('$d1', 1, 'PROPOSED', 'bench-t1', now(), NULL, NULL, decode(repeat('00', 32), 'hex'));
INSERT INTO settlement_prices
SELECT '$d0', 1, instrument_id, 3000000 + (n % 40) * 5000, 'EXCHANGE', NULL
FROM (SELECT instrument_id, row_number() OVER (ORDER BY instrument_id) AS n FROM instruments) i;
INSERT INTO settlement_prices
SELECT '$d1', 1, instrument_id,
       CASE WHEN instrument_id = 'BKF-202611' THEN 3000000 + (n % 40) * 5000 + 1234
            ELSE 3000000 + (n % 40) * 5000 + ((n % 7) - 3) * 5000 END,
       CASE WHEN instrument_id = 'BKF-202611' THEN 'FINAL' ELSE 'VWAP' END,
       3000000 + (n % 40) * 5000
FROM (SELECT instrument_id, row_number() OVER (ORDER BY instrument_id) AS n FROM instruments) i;
UPDATE settlement_price_sets SET status = 'APPROVED', approved_by = 'bench-t2', approved_at = now();
UPDATE settlement_price_sets SET status = 'LOCKED' WHERE business_date = '$d0';
ANALYZE;
SQL
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN {printf "book written in %.1f s\n", e - s}'
sleep 2  # authentication trusts its cached principals for up to a second

echo "== risk parameters of $d1 (calibrated by one risk principal, approved by another)"
TOKENCLEAR_TOKEN=$risk1 "${clearctl[@]}" load-index "$repo/deploy/seed/index_history.csv" \
  >/dev/null
version=$(TOKENCLEAR_TOKEN=$risk1 "${clearctl[@]}" calibrate --date="$d1" |
  awk 'NR == 2 { print $1 }')
TOKENCLEAR_TOKEN=$risk2 "${clearctl[@]}" approve "$version" >/dev/null
echo "approved $version"

(while kill -0 "$server_pid" 2>/dev/null; do
   awk '/VmRSS/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || true
   sleep 0.5
 done) >"$workdir/rss_kib" &
sampler_pid=$!
echo "== the end-of-day run of $d1"
start=$(date +%s.%N)
TOKENCLEAR_TOKEN=$treasury1 "${clearctl[@]}" eod run --date="$d1"
end=$(date +%s.%N)
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""
awk -v s="$start" -v e="$end" 'BEGIN {printf "end-of-day run, wall clock: %.2f s\n", e - s}'
echo "server RSS (MiB): before the run, peak during it"
awk 'NR == 1 {first = $1} {if ($1 > max) max = $1} END {printf "%.0f %.0f\n", first / 1024, max / 1024}' \
  "$workdir/rss_kib"
grep VmHWM "/proc/$server_pid/status" || true

echo "== floor: raw COPY of the rows the run wrote, into tables of the same shape"
copy_floor() {
  local table=$1
  psql -q "$db_url" -c "CREATE TABLE floor_$table (LIKE $table INCLUDING ALL)" \
    -c "\\copy (SELECT * FROM $table WHERE business_date = '$d1') TO '$workdir/$table.copy'"
  local s e rows
  s=$(date +%s.%N)
  psql -q "$db_url" -c "\\copy floor_$table FROM '$workdir/$table.copy'"
  e=$(date +%s.%N)
  rows=$(psql -tAq "$db_url" -c "SELECT count(*) FROM floor_$table")
  awk -v t="$table" -v r="$rows" -v s="$s" -v e="$e" \
    'BEGIN {printf "COPY %-18s %8d rows in %.2f s\n", t, r, e - s}'
}
copy_floor eod_positions
copy_floor vm_position_marks
