#!/usr/bin/env bash
# The README's run command end to end: deploy/run.sh (TOKENCLEAR_RUN_ONCE=1) against a
# fresh database of the test cluster seeds, replays a day of trading and prints positions
# and open interest; run again, the simulated exchange logs on, learns that the server
# holds its whole feed, sends nothing new, and the printed book is identical.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
: "${TOKENCLEAR_TEST_PG_URL:?run through deploy/test.sh}"
server=${TOKENCLEAR_TEST_PG_URL%/*}
db="run_e2e_$$"
psql -q "$server/postgres" -c "CREATE DATABASE $db"
trap 'psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"' EXIT

run() {
  TOKENCLEAR_RUN_ONCE=1 TOKENCLEAR_PG_URL="$server/$db" TOKENCLEAR_LISTEN=127.0.0.1:50197 \
    TOKENCLEAR_SIM_EVENTS=4000 "$repo/deploy/run.sh" 2>&1
}
book() { sed -n '/==> positions of member/,/==> stopping/p' <<<"$1"; }
fail() { echo "run_command_e2etest: $*" >&2; exit 1; }

first=$(run) || fail "first run failed: $first"
# FEED SENT SKIPPED ACCEPTED ALREADY_ACCEPTED REJECTED
grep -qE '^total +4000 +0 +4000 +0 +0$' <<<"$first" ||
  fail "first run did not accept all 4000 events: $first"
grep -q 'TKF-' <<<"$(book "$first")" || fail "no positions printed: $first"

second=$(run) || fail "second run failed: $second"
grep -qE '^total +0 +4000 +0 +0 +0$' <<<"$second" ||
  fail "second run did not resume after the held sequence: $second"
[[ "$(book "$first")" == "$(book "$second")" ]] || fail "the book changed on replay"
echo "run_command_e2etest: 2 passed, 0 failed"
