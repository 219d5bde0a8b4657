#!/usr/bin/env bash
# The one command to see tokenclear work: builds it, starts PostgreSQL (embedded, unless
# TOKENCLEAR_PG_URL names one) and the clearing server, loads the sample reference data,
# simulates a day of exchange trading, prints positions and open interest, runs the margin
# day (index history, calibration, four-eyes approval, margin cycle, requirements) and
# shows a member replicating its margin offline from the exported .spn file with
# margincalc, then keeps the server running until Ctrl-C or SIGTERM (forwarded to the
# server, which drains). A second run changes nothing: the date's approved parameter set
# is kept (calibrate and approve are skipped) and the margin cycle stores the same rows.
#
#   deploy/run.sh
#   TOKENCLEAR_RUN_ONCE=1 TOKENCLEAR_PG_URL=postgresql://... deploy/run.sh   # CI: stop after
# Environment: TOKENCLEAR_LISTEN (127.0.0.1:50051), TOKENCLEAR_ADMIN_TOKEN
# (dev-admin-token-0001), TOKENCLEAR_SIM_EVENTS (20000), TOKENCLEAR_BUILD_DIR (build/).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${TOKENCLEAR_BUILD_DIR:-$repo/build}
listen=${TOKENCLEAR_LISTEN:-127.0.0.1:50051}
admin_token=${TOKENCLEAR_ADMIN_TOKEN:-dev-admin-token-0001}
sim_events=${TOKENCLEAR_SIM_EVENTS:-20000}
run_once=${TOKENCLEAR_RUN_ONCE:-0}
# Development tokens of deploy/seed/sample.textproto.
exchange_token=dev-exchange-token-0001
treasury_token=dev-treasury-token-0001
treasury2_token=dev-treasury2-token-0001
member_token=dev-member-CM01-token-0001
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
"${clearctl[@]}" --token="$admin_token" seed "$repo/deploy/seed/sample.textproto"

say "simulating a day of exchange trading ($sim_events events, 2 feeds, stream mode)"
"$build/tools/tradesim" --target="$listen" --token="$exchange_token" --events="$sim_events" \
  --feeds=2 --mode=stream --start_price=TKF=3.000,TKO=0.450

say "positions of member CM01 (all members: clearctl positions)"
"${clearctl[@]}" --token="$treasury_token" positions --member=CM01
say "open interest"
"${clearctl[@]}" --token="$treasury_token" open-interest

# The version of the approved risk parameter set of business date $1, or nothing
# (table columns: VERSION BUSINESS_DATE STATUS CREATED_BY APPROVED_BY).
approved_version() {
  "${clearctl[@]}" --token="$treasury_token" parameter-sets --date="$1" |
    awk '$3 == "APPROVED" { print $1; exit }'
}

# "maintenance M initial I" from the TOTAL row of a clearctl margin or margincalc table.
margin_totals() { awk '$1 == "TOTAL" { print "maintenance", $(NF - 1), "initial", $NF }' "$1"; }

say "margin day: loading the index history (deploy/seed/index_history.csv)"
"${clearctl[@]}" --token="$treasury_token" load-index "$repo/deploy/seed/index_history.csv"
business_date=$("${clearctl[@]}" --token="$treasury_token" business-date | awk 'NR == 2')
version=$(approved_version "$business_date")
if [[ -n "$version" ]]; then
  say "risk parameter set $version is already approved for $business_date:" \
    "skipping calibrate and approve"
else
  say "calibrating the risk parameters of $business_date (treasury1)"
  calibration=$("${clearctl[@]}" --token="$treasury_token" calibrate --date="$business_date")
  echo "$calibration"
  version=$(awk 'NR == 2 { print $1 }' <<<"$calibration")  # the set table's only row
  say "approving $version (treasury2: four eyes, not its creator)"
  "${clearctl[@]}" --token="$treasury2_token" approve "$version"
fi
say "margin cycle of $business_date (treasury1)"
"${clearctl[@]}" --token="$treasury_token" margin-cycle --date="$business_date"
say "margin requirements per member and origin (USD, exact to the micro-dollar)"
"${clearctl[@]}" --token="$treasury_token" requirements --date="$business_date"

say "replication: member CM01 exports $version as .spn and recomputes $replica_account offline"
scratch=$(mktemp -d)
"${clearctl[@]}" --token="$member_token" export-spn "$version" --out="$scratch/$version.spn"
"${clearctl[@]}" --token="$member_token" positions --account="$replica_account" --csv \
  >"$scratch/portfolio.csv"
"${clearctl[@]}" --token="$member_token" margin --account="$replica_account" |
  tee "$scratch/server.txt"
"$build/tools/margincalc" --params="$scratch/$version.spn" --portfolio="$scratch/portfolio.csv" \
  --account_class=member | tee "$scratch/margincalc.txt"
server_totals=$(margin_totals "$scratch/server.txt")
offline_totals=$(margin_totals "$scratch/margincalc.txt")
if [[ -z "$server_totals" || "$server_totals" != "$offline_totals" ]]; then
  echo "run: replication of $replica_account failed: server '$server_totals'," \
    "margincalc '$offline_totals'" >&2
  exit 1
fi
echo "replication $replica_account: server $server_totals == margincalc $offline_totals"

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
  $build/tools/clearctl incremental --account=CM01-H --instrument=TKF-202612 --side=sell --quantity=5
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
