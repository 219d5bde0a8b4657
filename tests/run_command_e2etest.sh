#!/usr/bin/env bash
# The README's run command end to end: deploy/run.sh (TOKENCLEAR_RUN_ONCE=1) against a
# fresh database of the test cluster settles four business days (2026-12-28 to 2026-12-31):
# every day's trades are accepted, every run completes and opens the next business date
# (2027-01-04 after the last), the December months settle at a FINAL price on 2026-12-31,
# every day's cash (members' calls and the CCP's rounding residual) sums to zero cents, the
# ledger check finds nothing, a member's margin is replicated offline from the exported
# .spn (server and margincalc agree to the micro-dollar), and each day's risk parameters
# are calibrated by risk1 and approved by risk2 (the risk role). Run again, it settles
# nothing twice: every day is reported as settled already, the printed reports are
# identical, and no stored row of the business tables has changed. Treasury cash: every
# day's payments are instructed, exported, booked by banksim and imported, every day
# reconciles; on the second day a member fails to pay, is flagged, its risk-adding trades
# of the third day are refused naming the flag, and a late confirmation cures it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
: "${TOKENCLEAR_TEST_PG_URL:?run through deploy/test.sh}"
server=${TOKENCLEAR_TEST_PG_URL%/*}
db="run_e2e_$$"
psql -q "$server/postgres" -c "CREATE DATABASE $db"
logs=$(mktemp -d)
trap 'psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf -- "$logs"' EXIT
events=2000

run() {
  TOKENCLEAR_RUN_ONCE=1 TOKENCLEAR_PG_URL="$server/$db" TOKENCLEAR_LISTEN=127.0.0.1:50197 \
    TOKENCLEAR_METRICS_LISTEN=127.0.0.1:50196 TOKENCLEAR_LOG_DIR="$logs" \
    TOKENCLEAR_SIM_EVENTS=$events "$repo/deploy/run.sh" 2>&1
}
# Every day's printed results: prices, variation margin, requirements (the ledger check
# that follows covers the whole ledger, which grows from day to day on the first run).
reports() { sed -n '/: settlement prices in force$/,/: ledger check$/p' <<<"$1"; }
# The business tables, each as a row count and an MD5 of its rows in order.
tables() {
  local t
  for t in trades trade_cancellations positions instruments business_days index_values \
    index_observations index_fixings exchange_settlement_prices settlement_price_sets \
    settlement_prices eod_runs eod_steps eod_positions vm_position_marks vm_trade_marks \
    vm_origin_totals vm_rounding journal_entries journal_lines ledger_balances \
    risk_parameter_sets margin_requirements margin_origin_requirements collateral_movements \
    collateral_valuations obligations payment_instructions payment_messages \
    payment_confirmations camt_files member_flags \
    report_files reportable_levels; do
    psql -tAq "$server/$db" -c \
      "SELECT '$t ' || count(*) || ' ' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM $t x"
  done
}
replicated='^replication CM01-H: server maintenance ([0-9]+\.[0-9]{6}) initial ([0-9]+\.[0-9]{6}) == margincalc maintenance \1 initial \2$'
fail() { echo "run_command_e2etest: $*" >&2; exit 1; }

first=$(run) || fail "first run failed: $first"
# FEED SENT SKIPPED ACCEPTED ALREADY_ACCEPTED REJECTED, once per day.
# The day after the failure to pay, the flagged member's risk-adding trades are refused.
[[ $(grep -cE "^total +$events +0 +$events +0 +0$" <<<"$first") == 3 ]] ||
  fail "not three days accepted all $events events: $first"
grep -qE "^total +$events +0 +[0-9]+ +0 +[1-9][0-9]*$" <<<"$first" ||
  fail "no day refused trades of the flagged member: $first"
grep -q "is flagged FAILURE_TO_PAY" <<<"$first" || fail "no rejection names the flag: $first"
grep -qE "^==> 2026-12-29: CM[0-9]+'s bank cannot debit its account" <<<"$first" ||
  fail "nobody failed to pay: $first"
grep -qE "^[0-9]+ flag\(s\) raised; [0-9]+ collect" <<<"$first" || fail "no flag raised: $first"
grep -q "pays late: its collects of 2026-12-29 are confirmed" <<<"$first" ||
  fail "no late payment: $first"
# Every day reconciles (instructions against confirmations, VM against the rounding
# residual, the ledger's bank cash against the bank's movements).
[[ $(grep -cE "^ok +yes$" <<<"$first") == 4 ]] || fail "not every day reconciled: $first"
# Only the failing day ends with unconfirmed collects (paid late, the next day).
[[ $(grep -cE "^unconfirmed +0$" <<<"$first") == 3 ]] ||
  fail "a day other than the failing one ended with unconfirmed payments: $first"
for expected in "2026-12-28 2026-12-29" "2026-12-29 2026-12-30" "2026-12-30 2026-12-31" \
  "2026-12-31 2027-01-04"; do
  read -r day next <<<"$expected"
  grep -q "^run $day: COMPLETE, 11/11 steps done, next business date $next$" <<<"$first" ||
    fail "the run of $day did not complete and open $next: $first"
done
grep -qE '^2026-12-31 +[0-9]+ +LOCKED +treasury1 +treasury2 +TKF-202612 +[0-9.]+ +FINAL ' \
  <<<"$first" || fail "TKF-202612 did not settle at a FINAL price: $first"
grep -qE "$replicated" <<<"$first" || fail "no agreeing replication line: $first"
# Each day's risk parameters are the risk role's: calibrated by risk1, approved by risk2.
sets=$(psql -tAq "$server/$db" -c "SELECT business_date, created_by, approved_by
  FROM risk_parameter_sets WHERE status = 'APPROVED' ORDER BY business_date")
[[ "$sets" == "$(printf '%s|risk1|risk2\n' 2026-12-28 2026-12-29 2026-12-30 2026-12-31)" ]] ||
  fail "the approved risk parameter sets are not risk1's, approved by risk2: $sets"
# Every day's regulatory reports exported (pass 1, current), each file's SHA-256 checked.
[[ $(grep -cE "^DAILY_CLEARING +daily_clearing_[0-9]{8}\.xml +1 +yes " <<<"$first") == 4 ]] ||
  fail "not every day's reports were exported: $first"
# KIND MEMBER ORIGIN CCY EXACT_USD CASH_USD: per day, the cash column sums to zero cents.
awk '/: variation margin per member/ { day = $2; next }
     $1 ~ /^(DAILY|FINAL)$/ { split($6, c, "."); sign = ($6 ~ /^-/) ? -1 : 1
                              cents[day] += c[1] * 100 + sign * c[2]; rows[day]++ }
     END { for (d in rows) if (cents[d] != 0) { print d, cents[d]; bad = 1 }; exit bad }' \
  <<<"$first" || fail "a day's cash does not sum to zero: $first"
# CHECK COUNT: every count but the entries is zero.
awk '/^(unbalanced entries|balance mismatches|settlement accounts not at zero|variation margin not zero-sum) / &&
     $NF != 0 { bad = 1 } END { exit bad }' <<<"$first" || fail "a ledger check failed: $first"
# The server's log: one JSON object per line, an access line for each trade feed session.
/usr/bin/python3 - "$logs/server.log" <<'PY' || fail "the server log is not JSON access lines"
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
batches = [e for e in lines if e.get("method") == "StreamTrades" and e.get("status") == "OK"]
assert batches and all(e["principal"] and e["request_id"] for e in batches), len(batches)
PY
before=$(tables)

second=$(run) || fail "second run failed: $second"
[[ $(grep -c 'is settled already (a second run changes nothing)' <<<"$second") == 4 ]] ||
  fail "the second run did not find the four days settled: $second"
! grep -q 'exchange trading' <<<"$second" || fail "the second run traded again: $second"
[[ "$(reports "$first")" == "$(reports "$second")" ]] || fail "the reports changed on the rerun"
after=$(tables)
[[ "$before" == "$after" ]] || fail "the rerun changed stored rows: $(diff <(echo "$before") <(echo "$after"))"
echo "run_command_e2etest: 2 passed, 0 failed"
