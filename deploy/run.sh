#!/usr/bin/env bash
# The one command to see tokenclear work: builds it, starts PostgreSQL (embedded, unless
# TOKENCLEAR_PG_URL names one) and the clearing server, loads the sample reference data,
# simulates a day of exchange trading, prints positions and open interest, then keeps
# the server running until Ctrl-C or SIGTERM (forwarded to the server, which drains).
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

clearctl=("$build/tools/clearctl" --target="$listen")
server_pid=""
started_pg=0

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
