#!/usr/bin/env bash
# The one command to see tokenclear work: builds it, starts PostgreSQL (embedded, unless
# TOKENCLEAR_PG_URL names one) and the clearing server, loads the sample reference data and
# the index history, then settles several business days end to end (from 2026-12-28, so that
# the December months expire on 2026-12-31): each day simulated exchange trading, index
# observations and the day's fixings, the exchange's settlement price for one month,
# treasury's proposal by tier and a second treasurer's approval, the day's risk parameters
# (calibrated and approved by the risk role, four eyes), and the end-of-day run (close, lock
# prices, freeze positions, mark-to-market, ledger postings, expiry and final settlement,
# initial margin, collateral valuation, indicative obligations, next day open). It prints
# per day the settlement prices, variation margin per member and origin, the margin
# requirements, the ledger check and the next business date; on the first day it runs, a
# member replicates its margin offline from the exported .spn file with margincalc. Treasury
# cash: every member deposits initial collateral (cash, and T-bills for one); each day's
# final obligations are instructed, the collect files (pain.008) go to the settlement banks,
# the bank simulator (tools/banksim) books them into a camt.054 that is imported, then the
# pay files (pain.001) likewise, and the day is reconciled. On the second day the first
# member with a collect fails to pay: the collect passes its deadline, the member is
# flagged, the next day its trades that add risk are refused, and a late confirmation cures
# it. The server speaks TLS with mutual TLS: at first start a local CA, the server's
# certificate and a client certificate per sample principal are made (deploy/certs.sh, into
# .tls/), every tool calls over TLS, and a member calls with its client certificate alone.
# Then it keeps the server running until Ctrl-C or SIGTERM (forwarded to the server, which
# drains). A second run changes nothing: settled days are reported, not redone, and an
# interrupted day resumes where it stopped.
#
#   deploy/run.sh
#   TOKENCLEAR_RUN_ONCE=1 TOKENCLEAR_PG_URL=postgresql://... deploy/run.sh   # CI: stop after
# Environment: TOKENCLEAR_LISTEN (127.0.0.1:50051), TOKENCLEAR_ADMIN_TOKEN
# (dev-admin-token-0001), TOKENCLEAR_SIM_EVENTS (per day, 5000), TOKENCLEAR_DAYS (4),
# TOKENCLEAR_FIRST_DAY (2026-12-28), TOKENCLEAR_BUILD_DIR (build/), TOKENCLEAR_PAYMENTS_DIR
# (where the payment files are written; a temporary folder, removed at exit, when unset),
# TOKENCLEAR_TLS_DIR (.tls/: the local CA and certificates, made once),
# TOKENCLEAR_METRICS_LISTEN (127.0.0.1:9464: Prometheus /metrics), TOKENCLEAR_LOG_DIR (.logs/:
# the server's JSON log, server.log).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${TOKENCLEAR_BUILD_DIR:-$repo/build}
listen=${TOKENCLEAR_LISTEN:-127.0.0.1:50051}
metrics_listen=${TOKENCLEAR_METRICS_LISTEN:-127.0.0.1:9464}
log_dir=${TOKENCLEAR_LOG_DIR:-$repo/.logs}
admin_token=${TOKENCLEAR_ADMIN_TOKEN:-dev-admin-token-0001}
sim_events=${TOKENCLEAR_SIM_EVENTS:-5000}
days=${TOKENCLEAR_DAYS:-4}
first_day=${TOKENCLEAR_FIRST_DAY:-2026-12-28}
run_once=${TOKENCLEAR_RUN_ONCE:-0}
# Development tokens of deploy/seed/sample.textproto.
exchange_token=dev-exchange-token-0001
treasury_token=dev-treasury-token-0001
treasury2_token=dev-treasury2-token-0001
risk_token=dev-risk-token-0001
risk2_token=dev-risk2-token-0001
member_token=dev-member-CM01-token-0001
index_token=dev-index-provider-token-0001
replica_account=CM01-H  # a house account: account class member
# The day (by number) whose first collect fails to pay; the demo shortens the collect
# deadline to seconds (the production default is an hour) so it passes within the run.
fail_day_number=2
collect_deadline_seconds=4
seed_file="$repo/deploy/seed/sample.textproto"
tls_dir=${TOKENCLEAR_TLS_DIR:-$repo/.tls}
payments_dir=""
fail_date=""

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
  if [[ -z "${TOKENCLEAR_PAYMENTS_DIR:-}" && -n "$payments_dir" ]]; then
    rm -rf -- "$payments_dir"
  fi
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

# The seed's principals, each with a client certificate.
principals=$(sed -n 's/^principals { principal_id: "\([^"]*\)".*/\1/p' "$seed_file")
say "TLS: a local CA and certificates for the server and the sample principals ($tls_dir)"
# shellcheck disable=SC2086  # one argument per principal
"$repo/deploy/certs.sh" "$tls_dir" $principals
# Every tool (tools/api_client.h) calls over TLS, trusting the local CA.
export TOKENCLEAR_TLS_CA="$tls_dir/ca.pem"

say "starting tokenclear_server on $listen (TLS; client certificates of the local CA);" \
  "metrics on http://$metrics_listen/metrics; JSON log in $log_dir/server.log"
mkdir -p "$log_dir"
TOKENCLEAR_ADMIN_TOKEN="$admin_token" "$build/services/tokenclear_server" \
  --listen="$listen" --pg_url="$pg_url" --tls_cert="$tls_dir/server.pem" \
  --tls_key="$tls_dir/server.key" --tls_client_ca="$tls_dir/ca.pem" \
  --metrics_listen="$metrics_listen" 2>>"$log_dir/server.log" &
server_pid=$!
if ! "${clearctl[@]}" wait-ready --timeout_s=60 || ! kill -0 "$server_pid" 2>/dev/null; then
  echo "run: tokenclear_server did not start (is $listen or $metrics_listen in use?):" >&2
  tail -5 "$log_dir/server.log" >&2
  exit 1
fi

say "loading reference data (deploy/seed/sample.textproto)"
"${clearctl[@]}" --token="$admin_token" seed "$seed_file" --business_date="$first_day"
say "mapping each principal's client certificate (its URI SAN) to the principal"
for p in $principals; do
  "${clearctl[@]}" --token="$admin_token" cert map "tokenclear:principal:$p" "$p" >/dev/null
done
# The demo's short collect deadline (see fail_day_number above), as a seed of its own.
payments_dir=${TOKENCLEAR_PAYMENTS_DIR:-$(mktemp -d)}
mkdir -p "$payments_dir"
printf 'cash { settings { ccp_name: "tokenclear CCP" ccp_lei: "5493001KJTIIGC8Y1R12"
  collect_deadline_seconds: %d intraday_call_threshold: "5000.00" } }\n' \
  "$collect_deadline_seconds" >"$payments_dir/demo-settings.textproto"
"${clearctl[@]}" --token="$admin_token" seed "$payments_dir/demo-settings.textproto" >/dev/null

say "index history (deploy/seed/index_history.csv, calibration's look-back)"
"${clearctl[@]}" --token="$risk_token" load-index "$repo/deploy/seed/index_history.csv"

treasury=("${clearctl[@]}" --token="$treasury_token")

# About what the sample's requirements come to (house ~50-130k, customer ~140-270k USD);
# CM12's customer deposit is short, so its first end of day calls initial margin.
say "initial collateral: cash for every member origin, T-bills for CM01 (keys make it once)"
for member in $(sed -n 's/^members { member_id: "\([^"]*\)".*/\1/p' "$seed_file"); do
  "${treasury[@]}" collateral deposit --member="$member" --origin=HOUSE --amount=150000.00 \
    --key="INIT-$member-H" >/dev/null
  if grep -q "member_id: \"$member\" origin: ORIGIN_CUSTOMER" "$seed_file"; then
    customer_amount=300000.00
    if [[ "$member" == CM12 ]]; then customer_amount=200000.00; fi
    "${treasury[@]}" collateral deposit --member="$member" --origin=CUSTOMER \
      --amount="$customer_amount" --key="INIT-$member-C" >/dev/null
  fi
done
tbill=$(grep -m1 -o 'security_id: "[A-Z0-9]*"' "$seed_file" | cut -d'"' -f2)
"${treasury[@]}" collateral deposit --member=CM01 --origin=HOUSE --amount=100000.00 \
  --security="$tbill" --key=INIT-CM01-H-TBILL >/dev/null
"${treasury[@]}" collateral list --member=CM01

# The version of the approved risk parameter set of business date $1, or nothing
# (table columns: VERSION BUSINESS_DATE STATUS CREATED_BY APPROVED_BY).
approved_version() {
  "${treasury[@]}" parameter-sets --date="$1" | awk '$3 == "APPROVED" { print $1; exit }'
}

# "maintenance M initial I" from the TOTAL row of a clearctl margin or margincalc table.
margin_totals() { awk '$1 == "TOTAL" { print "maintenance", $(NF - 1), "initial", $NF }' "$1"; }

# The first line of `eod status`: "run D: STATUS, n/11 steps done[, ...]", or nothing.
run_status() { "${treasury[@]}" eod status --date="$1" 2>/dev/null | head -1 || true; }

# Risk parameters of day $1: calibrated by risk1, approved by risk2 (four eyes).
approve_parameters() {
  if [[ -n "$(approved_version "$1")" ]]; then return; fi
  local calibration version
  calibration=$("${clearctl[@]}" --token="$risk_token" calibrate --date="$1")
  version=$(awk 'NR == 2 { print $1 }' <<<"$calibration")  # the set table's only row
  "${clearctl[@]}" --token="$risk2_token" approve "$version" >/dev/null
  echo "risk parameters $version calibrated by risk1, approved by risk2"
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
  trade_flags=()
  if ((n == fail_day_number + 1)); then
    # The flagged member's trades that add to its risk are refused (FAILED_PRECONDITION
    # naming the flag); tradesim lists the first rejections.
    trade_flags=(--allow_rejects)
  fi
  say "$day: exchange trading ($sim_events events, 2 feeds, in the settlement window)"
  "$build/tools/tradesim" --target="$listen" --token="$exchange_token" --events="$sim_events" \
    --feeds=2 --feed_id="DAY${day//-/}" --mode=stream --seed=$((20261228 + 100 * n)) \
    --session_start_minute=935 \
    --start_price=TKF=3.000,TKO=0.450 "${trade_flags[@]}"
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

# The day's regulatory reports (docs/REPORTING.md) as the end-of-day run stored them,
# exported beside the day's payment files, each checked against its SHA-256.
export_reports() {
  local day=$1
  say "$day: regulatory reports (the run's REPORTS_READY step) to $payments_dir/$day/reports"
  "${treasury[@]}" reports export --date="$day" --out="$payments_dir/$day/reports"
}

# The LEI of member $1 in the seed file.
member_lei() { sed -n "s/^members { member_id: \"$1\".* lei: \"\([^\"]*\)\".*/\1/p" "$seed_file"; }

# One booking of the settlement banks, dated $1: banksim books the files $3.. into the
# camt.054 $2 (deterministic: fixed creation time), which treasury imports. Extra banksim
# flags come in the array bank_flags.
bank_books() {
  local day=$1 out=$2
  shift 2
  "$build/tools/banksim/banksim" --in="$(IFS=,; echo "$*")" --out="$out" \
    --message_id="BANK-${day//-/}-$(basename "$out" .xml)" --booking_date="$day" \
    --created="${day}T13:00:00Z" "${bank_flags[@]}"
  "${treasury[@]}" payments import --file="$out"
}

# The day's payment cycle (clearing.md section E, steps 7 to 10 and 13): final obligations
# and instructions, collects booked by the banks, the failure to pay of day
# $fail_day_number, then pays, then the reconciliation. Every call is idempotent: on a
# second run the same files, bookings and confirmations are recognised and nothing moves.
pay_day() {
  local day=$1 n=$2 dir="$payments_dir/$1" failing="" member=""
  mkdir -p "$dir/out" "$dir/in"
  say "$day: indicative obligations (the end-of-day run's OBLIGATIONS step)"
  "${treasury[@]}" obligations --date="$day" --stage=INDICATIVE
  say "$day: final obligations and payment instructions (collects first)"
  "${treasury[@]}" payments instruct --date="$day"
  say "$day: collect files (pain.008) to the settlement banks"
  "${treasury[@]}" payments export --date="$day" --out="$dir/out"
  bank_flags=()
  if ((n == fail_day_number)); then
    fail_date=$day
    # The day's first collect (instruction ids are stable) is the one that fails.
    read -r failing member _ < <(collects_of "$day" | sed -n 1p)
    bank_flags=(--fail_member_lei="$(member_lei "$member")")
    say "$day: $member's bank cannot debit its account ($failing)"
  fi
  bank_books "$day" "$dir/in/collects.xml" "$dir"/out/*-DD.xml
  if [[ -n "$failing" ]]; then
    # (awk reads to the end: a reader that stops early breaks the pipe under pipefail)
    if [[ -n "$(collects_of "$day" INSTRUCTED | awk -v id="$failing" '$1 == id')" ]]; then
      sleep $((collect_deadline_seconds + 1))
    fi
    say "$day: the collect deadline passes: failure to pay"
    "${treasury[@]}" payments deadlines
    "${treasury[@]}" flags
  fi
  say "$day: pay files (pain.001), once every collect is in or flagged"
  "${treasury[@]}" payments export --date="$day" --out="$dir/out"
  bank_flags=()
  bank_books "$day" "$dir/in/pays.xml" "$dir"/out/*-CT.xml
  say "$day: reconciliation"
  "${treasury[@]}" recon --date="$day"
}

# "id member amount ccp_account" of each collect of day $1 (with status $2, if given).
collects_of() {
  "${treasury[@]}" payments list --date="$1" ${2:+--status=$2} --json | python3 -c '
import json, sys
for p in json.load(sys.stdin).get("instructions", []):
    if p["direction"] == "COLLECT":
        print(p["instruction_id"], p["member_id"],
              "%d.%02d" % divmod(int(p["amount_cents"]), 100), p["ccp_account_number"])'
}

# The member that failed on day $1 pays late: its bank books the collects a day late and
# treasury confirms each over gRPC, which cures the flags (a resend is recognised).
cure_failure() {
  local day=$1 failed id member amount account
  read -r _ failed _ < <(collects_of "$day" | sed -n 1p)
  say "$failed pays late: its collects of $day are confirmed over gRPC, which cures its flags"
  while read -r id member amount account; do
    if [[ "$member" != "$failed" ]]; then continue; fi
    "${treasury[@]}" payments confirm --key="LATE-$id" --id="$id" --amount="$amount" \
      --currency=USD --account="$account" --direction=CRDT
  done < <(collects_of "$day")
  "${treasury[@]}" flags --member="$failed"
}

# An intraday margin cycle of the open day $1 at stressed prices (the front TKF months
# down to 2.700): member origins whose loss leaves a deficit above the threshold are
# called at once, and the banks book the calls the same day.
intraday_cycle() {
  local day=$1 dir="$payments_dir/$1-INTRADAY1"
  mkdir -p "$dir/out" "$dir/in"
  say "$day: intraday margin cycle INTRADAY1 at stressed prices"
  "${treasury[@]}" intraday run --cycle=INTRADAY1 \
    --price=TKF-202701=2.700,TKF-202702=2.700,TKF-202703=2.700
  "${treasury[@]}" payments export --date="$day" --cycle=INTRADAY1 --out="$dir/out" || return 0
  bank_flags=()
  bank_books "$day" "$dir/in/calls.xml" "$dir"/out/*-DD.xml
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
    if ((n == fail_day_number + 1)); then
      cure_failure "$fail_date"
      if [[ -z "$status" ]]; then intraday_cycle "$day"; fi
    fi
    say "$day: risk parameters and settlement prices"
    approve_parameters "$day"
    approve_prices "$day"
    if ((!replicated)) && [[ -z "$status" ]]; then
      replicate_margin "$day"
      replicated=1
    fi
    say "$day: T-bill price for the collateral valuation"
    "${treasury[@]}" collateral prices --date="$day" --price="$tbill=99.$((40 + n))"
    say "$day: end-of-day run (treasury1)"
    "${treasury[@]}" eod run --date="$day"
  fi
  report_day "$day"
  export_reports "$day"
  pay_day "$day" "$n"
  day=$(run_status "$day" | sed -n 's/.*next business date \([0-9-]*\).*/\1/p')
  if [[ -z "$day" ]]; then
    echo "run: the end-of-day run did not open a next business date" >&2
    exit 1
  fi
done

say "CM01 over mutual TLS with its client certificate alone (no token): its positions of $first_day"
"${clearctl[@]}" --token= --tls_cert="$tls_dir/clients/cm01-ops.pem" \
  --tls_key="$tls_dir/clients/cm01-ops.key" member positions --date="$first_day" --account=CM01-H

if [[ "$run_once" == 1 ]]; then
  stop_server
  say "done (TOKENCLEAR_RUN_ONCE=1)"
  exit 0
fi

cat <<EOF

==> tokenclear is serving on $listen (metrics: http://$metrics_listen/metrics; log:
    $log_dir/server.log, one JSON object per line). Try, from another terminal:
  export TOKENCLEAR_TARGET=$listen TOKENCLEAR_TOKEN=$treasury_token TOKENCLEAR_TLS_CA=$tls_dir/ca.pem
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
  $build/tools/clearctl --token= --tls_cert=$tls_dir/clients/cm02-ops.pem \\
    --tls_key=$tls_dir/clients/cm02-ops.key member statement --from=$first_day --to=$first_day
  $build/tools/clearctl --token=$admin_token token issue cm01-ops cm01-ops-laptop --ttl_days=30
  $build/tools/clearctl --token=$admin_token token list --principal=cm01-ops
  $build/tools/clearctl audit list --outcome=PERMISSION_DENIED
  $build/tools/clearctl reports list --date=$first_day
  /usr/bin/python3 $repo/tests/grpc_reflection_client.py --target=$listen --ca=$tls_dir/ca.pem \\
    --cert=$tls_dir/clients/cm01-ops.pem --key=$tls_dir/clients/cm01-ops.key \\
    --method=tokenclear.v1.MemberService/ListObligations --request='{}'
The tokens are the development ones of deploy/seed/sample.textproto.
Press Ctrl-C to stop the server (it drains gracefully) and the embedded PostgreSQL.
EOF
status=0
wait "$server_pid" || status=$?
server_pid=""
echo "run: tokenclear_server exited with status $status" >&2
exit "$status"
