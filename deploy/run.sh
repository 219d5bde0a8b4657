#!/usr/bin/env bash
# The one command to see tokenclear work: builds it, starts PostgreSQL (embedded, unless
# TOKENCLEAR_PG_URL names one) and the clearing server, loads the sample reference data and
# the index history, then settles several business days end to end (from 2026-12-28, so
# that the December months expire on 2026-12-31): each day simulated exchange trading,
# index observations and the day's fixings, the exchange's settlement price for one month,
# treasury's proposal by tier and a second treasurer's approval, the day's risk parameters
# (calibrated, four eyes), and the end-of-day run (close, lock prices, freeze positions,
# mark-to-market, ledger postings, expiry and final settlement, initial margin, next day
# open). It prints per day the settlement prices, variation margin per member and origin,
# the margin requirements, the ledger check and the next business date; on the first day
# it runs, a member replicates its margin offline from the exported .spn file with
# margincalc. Then it keeps the server running until Ctrl-C or SIGTERM (forwarded to the
# server, which drains). A second run changes nothing: settled days are reported, not
# redone, and an interrupted day resumes where it stopped.
#
#   deploy/run.sh
#   TOKENCLEAR_RUN_ONCE=1 TOKENCLEAR_PG_URL=postgresql://... deploy/run.sh   # CI: stop after
# Environment: TOKENCLEAR_LISTEN (127.0.0.1:50051), TOKENCLEAR_ADMIN_TOKEN
# (dev-admin-token-0001), TOKENCLEAR_SIM_EVENTS (per day, 5000), TOKENCLEAR_DAYS (4),
# TOKENCLEAR_FIRST_DAY (2026-12-28), TOKENCLEAR_BUILD_DIR (build/).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${TOKENCLEAR_BUILD_DIR:-$repo/build}
listen=${TOKENCLEAR_LISTEN:-127.0.0.1:50051}
admin_token=${TOKENCLEAR_ADMIN_TOKEN:-dev-admin-token-0001}
sim_events=${TOKENCLEAR_SIM_EVENTS:-5000}
days=${TOKENCLEAR_DAYS:-4}
first_day=${TOKENCLEAR_FIRST_DAY:-2026-12-28}
run_once=${TOKENCLEAR_RUN_ONCE:-0}
# Development tokens of deploy/seed/sample.textproto.
exchange_token=dev-exchange-token-0001
treasury_token=dev-treasury-token-0001
treasury2_token=dev-treasury2-token-0001
member_token=dev-member-CM01-token-0001
index_token=dev-index-provider-token-0001
replica_account=CM01-H  # a house account: account class member

clearctl=("$build/tools/clearctl" --target="$listen")
server_pid=""
started_pg=0
scratch=""

say() { printf '\n==> %s\n' "$*"; }

stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    say "stopping the server (it drains in-flight calls first)"
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local status=$?
  stop_server
  if [[ -n "$scratch" ]]; then rm -rf -- "$scratch"; fi
  if ((started_pg)); then
    say "stopping the embedded PostgreSQL"
    "$repo/deploy/pg.sh" stop main || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'say "signal received"; exit 0' INT TERM

say "building (deploy/setup.sh)"
"$repo/deploy/setup.sh"

pg_url=${TOKENCLEAR_PG_URL:-}
if [[ -z "$pg_url" ]]; then
  say "starting the embedded PostgreSQL (deploy/pg.sh start main)"
  started_pg=1
  pg_url=$("$repo/deploy/pg.sh" start main)
fi

say "starting tokenclear_server on $listen"
TOKENCLEAR_ADMIN_TOKEN="$admin_token" "$build/services/tokenclear_server" \
  --listen="$listen" --pg_url="$pg_url" &
server_pid=$!
"${clearctl[@]}" wait-ready --timeout_s=60
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "run: tokenclear_server exited during start-up (is $listen already in use?)" >&2
  exit 1
fi

say "loading reference data (deploy/seed/sample.textproto)"
"${clearctl[@]}" --token="$admin_token" seed "$repo/deploy/seed/sample.textproto" \
  --business_date="$first_day"

say "index history (deploy/seed/index_history.csv, calibration's look-back)"
"${clearctl[@]}" --token="$treasury_token" load-index "$repo/deploy/seed/index_history.csv"

treasury=("${clearctl[@]}" --token="$treasury_token")

# The version of the approved risk parameter set of business date $1, or nothing
# (table columns: VERSION BUSINESS_DATE STATUS CREATED_BY APPROVED_BY).
approved_version() {
  "${treasury[@]}" parameter-sets --date="$1" | awk '$3 == "APPROVED" { print $1; exit }'
}

# "maintenance M initial I" from the TOTAL row of a clearctl margin or margincalc table.
margin_totals() { awk '$1 == "TOTAL" { print "maintenance", $(NF - 1), "initial", $NF }' "$1"; }

# The first line of `eod status`: "run D: STATUS, n/9 steps done[, ...]", or nothing.
run_status() { "${treasury[@]}" eod status --date="$1" 2>/dev/null | head -1 || true; }

# Risk parameters of day $1: calibrated by treasury1, approved by treasury2 (four eyes).
approve_parameters() {
  if [[ -n "$(approved_version "$1")" ]]; then return; fi
  local calibration version
  calibration=$("${treasury[@]}" calibrate --date="$1")
  version=$(awk 'NR == 2 { print $1 }' <<<"$calibration")  # the set table's only row
  "${clearctl[@]}" --token="$treasury2_token" approve "$version" >/dev/null
  echo "risk parameters $version calibrated by treasury1, approved by treasury2"
}

# Settlement prices of day $1 proposed by treasury1 and approved by treasury2, unless a
# set is in force already.
approve_prices() {
  if "${treasury[@]}" prices list --date="$1" | awk 'NR > 1 && ($3 == "APPROVED" || $3 == "LOCKED") { found = 1 } END { exit !found }'; then
    return
  fi
  local version
  version=$("${treasury[@]}" prices propose --date="$1" | awk 'NR == 2 { print $2 }')
  "${clearctl[@]}" --token="$treasury2_token" prices approve "$version" --date="$1" >/dev/null
  echo "settlement prices v$version proposed by treasury1, approved by treasury2"
}

# A member replicates its margin offline: the day's .spn file, its positions, margincalc.
replicate_margin() {
  local version
  version=$(approved_version "$1")
  say "replication: member CM01 exports $version as .spn and recomputes $replica_account offline"
  scratch=$(mktemp -d)
  "${clearctl[@]}" --token="$member_token" export-spn "$version" --out="$scratch/$version.spn"
  "${clearctl[@]}" --token="$member_token" positions --account="$replica_account" --csv \
    >"$scratch/portfolio.csv"
  "${clearctl[@]}" --token="$member_token" margin --account="$replica_account" |
    tee "$scratch/server.txt"
  "$build/tools/margincalc" --params="$scratch/$version.spn" \
    --portfolio="$scratch/portfolio.csv" --account_class=member | tee "$scratch/margincalc.txt"
  local server_totals offline_totals
  server_totals=$(margin_totals "$scratch/server.txt")
  offline_totals=$(margin_totals "$scratch/margincalc.txt")
  if [[ -z "$server_totals" || "$server_totals" != "$offline_totals" ]]; then
    echo "run: replication of $replica_account failed: server '$server_totals'," \
      "margincalc '$offline_totals'" >&2
    exit 1
  fi
  echo "replication $replica_account: server $server_totals == margincalc $offline_totals"
}

# The trading part of day $1 (day number $2): only while the day is open and no run has
# begun; every part is idempotent (trade ids, observation ids and fixings are keyed).
trade_day() {
  local day=$1 n=$2
  say "$day: exchange trading ($sim_events events, 2 feeds, in the settlement window)"
  "$build/tools/tradesim" --target="$listen" --token="$exchange_token" --events="$sim_events" \
    --feeds=2 --feed_id="DAY${day//-/}" --mode=stream --seed=$((20261228 + 100 * n)) \
    --session_start_minute=935 \
    --start_price=TKF=3.000,TKO=0.450
  say "$day: index observations (indexsim) and the day's fixings"
  "$build/tools/indexsim/indexsim" --target="$listen" --token="$index_token" --date="$day" \
    --index=TOKFRONT=3.00,TOKOPEN=0.45 --seed=$((7 + n)) --drift_bps=$((15 * n))
  for index in TOKFRONT TOKOPEN; do
    "${treasury[@]}" index fix --index="$index" --date="$day"
  done
  say "$day: the exchange submits its settlement price for TKO-202703"
  "${clearctl[@]}" --token="$exchange_token" prices submit TKO-202703 \
    "0.$((450 + n))" --date="$day"
}

report_day() {
  local day=$1
  say "$day: settlement prices in force"
  "${treasury[@]}" prices list --date="$day" | awk 'NR == 1 || $3 == "LOCKED"'
  say "$day: variation margin per member and origin (USD; cash rounded once to cents)"
  "${treasury[@]}" vm --date="$day"
  say "$day: initial margin per member and origin"
  "${treasury[@]}" requirements --date="$day"
  say "$day: ledger check"
  "${treasury[@]}" ledger check
  run_status "$day"
}

# The days run from the first day, or, on a database that opened another date before
# (an earlier version of this demo), from the open date.
day=$first_day
if [[ -z "$(run_status "$day")" ]]; then
  day=$("${treasury[@]}" business-date | awk 'NR == 2')
fi
replicated=0
for ((n = 1; n <= days; n++)); do
  status=$(run_status "$day")
  if [[ "$status" == *COMPLETE* ]]; then
    say "$day is settled already (a second run changes nothing)"
  else
    if [[ -z "$status" ]]; then trade_day "$day" "$n"; fi
    say "$day: risk parameters and settlement prices"
    approve_parameters "$day"
    approve_prices "$day"
    if ((!replicated)) && [[ -z "$status" ]]; then
      replicate_margin "$day"
      replicated=1
    fi
    say "$day: end-of-day run (treasury1)"
    "${treasury[@]}" eod run --date="$day"
  fi
  report_day "$day"
  day=$(run_status "$day" | sed -n 's/.*next business date \([0-9-]*\).*/\1/p')
  if [[ -z "$day" ]]; then
    echo "run: the end-of-day run did not open a next business date" >&2
    exit 1
  fi
done

if [[ "$run_once" == 1 ]]; then
  stop_server
  say "done (TOKENCLEAR_RUN_ONCE=1)"
  exit 0
fi

cat <<EOF

==> tokenclear is serving on $listen. Try, from another terminal:
  export TOKENCLEAR_TARGET=$listen TOKENCLEAR_TOKEN=$treasury_token
  $build/tools/clearctl business-date
  $build/tools/clearctl instruments
  $build/tools/clearctl positions --member=CM02
  $build/tools/clearctl trades --account=CM01-C001
  $build/tools/clearctl open-interest --json
  $build/tools/clearctl parameter-sets
  $build/tools/clearctl requirements --member=CM02
  $build/tools/clearctl incremental --account=CM01-H --instrument=TKF-202703 --side=sell --quantity=5
  $build/tools/clearctl prices list --date=$first_day
  $build/tools/clearctl eod status --date=$first_day
  $build/tools/clearctl eod replay --date=$first_day
  $build/tools/clearctl vm --date=$first_day --member=CM01
  $build/tools/clearctl ledger balances --member=CM01
  $build/tools/clearctl ledger journal --from=$first_day --limit=20
  $build/tools/clearctl index fixings
  $build/tools/clearctl --token=$member_token margin --account=CM01-C001
  $build/tools/clearctl --token=dev-member-CM01-token-0001 accounts
  $build/tools/tradesim --token=$exchange_token --events=5000 --feed_id=DESK2
  grpcurl -plaintext $listen list
  grpcurl -plaintext -H 'authorization: Bearer $treasury_token' -d '{"member_id": "CM01"}' \\
    $listen tokenclear.v1.PositionService/ListPositions
The tokens are the development ones of deploy/seed/sample.textproto.
Press Ctrl-C to stop the server (it drains gracefully) and the embedded PostgreSQL.
EOF
status=0
wait "$server_pid" || status=$?
server_pid=""
echo "run: tokenclear_server exited with status $status" >&2
exit "$status"
