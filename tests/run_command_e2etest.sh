#!/usr/bin/env bash
# The README's run command end to end: deploy/run.sh (TOKENCLEAR_RUN_ONCE=1) against a
# fresh database of the test cluster seeds, replays a day of trading and prints positions
# and open interest, runs the margin day and prints the requirements, and a member's
# margin replicated offline from the exported .spn (server and margincalc agree to the
# micro-dollar); run again, the simulated exchange logs on, learns that the server holds
# its whole feed, sends nothing new, the approved parameter set is kept and the printed
# book and requirements are identical.
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
book() { sed -n '/==> positions of member/,/==> margin day/p' <<<"$1"; }
requirements() { sed -n '/==> margin requirements/,/==> replication/p' <<<"$1"; }
# MAINTENANCE and INITIAL, exact to 6 decimals, the same on both sides.
replicated='^replication CM01-H: server maintenance ([0-9]+\.[0-9]{6}) initial ([0-9]+\.[0-9]{6}) == margincalc maintenance \1 initial \2$'
fail() { echo "run_command_e2etest: $*" >&2; exit 1; }

first=$(run) || fail "first run failed: $first"
# FEED SENT SKIPPED ACCEPTED ALREADY_ACCEPTED REJECTED
grep -qE '^total +4000 +0 +4000 +0 +0$' <<<"$first" ||
  fail "first run did not accept all 4000 events: $first"
grep -q 'TKF-' <<<"$(book "$first")" || fail "no positions printed: $first"
# BUSINESS_DATE MEMBER ORIGIN ACCOUNTS MAINTENANCE INITIAL PARAMETER_VERSION
awk '$2 ~ /^CM/ && $6 != "0.000000" { found = 1 } END { exit !found }' \
  <<<"$(requirements "$first")" || fail "no member has a non-zero initial margin: $first"
grep -qE "$replicated" <<<"$first" || fail "no agreeing replication line: $first"

second=$(run) || fail "second run failed: $second"
grep -qE '^total +0 +4000 +0 +0 +0$' <<<"$second" ||
  fail "second run did not resume after the held sequence: $second"
[[ "$(book "$first")" == "$(book "$second")" ]] || fail "the book changed on replay"
grep -q 'already approved for .*: skipping calibrate and approve' <<<"$second" ||
  fail "second run did not keep the approved parameter set: $second"
# BUSINESS_DATE PARAMETER_VERSION ACCOUNTS CHANGED
grep -qE '^[0-9-]{10} +[0-9-]+ +[0-9]+ +0$' <<<"$second" ||
  fail "second margin cycle changed stored requirements: $second"
[[ "$(requirements "$first")" == "$(requirements "$second")" ]] ||
  fail "the requirements changed on replay"
grep -qE "$replicated" <<<"$second" || fail "no agreeing replication line: $second"
echo "run_command_e2etest: 2 passed, 0 failed"
