#!/usr/bin/env bash
# Point-in-time restore, end to end (issue 11 §3, docs/BACKUP.md): a private PostgreSQL 15
# cluster (its own folder and port, removed at the end even on failure) with WAL archiving
# turned on by deploy/backup.sh enable-archive, the real tokenclear_server on it, and real
# work through the real binaries: the sample reference data and index history (clearctl),
# collateral deposits (journal entries), a trading day (tradesim, indexsim, fixings, the
# exchange's price, prices and risk parameters approved four eyes) and its end-of-day run
# (postings). Then a base backup (backup.sh base: pg_basebackup, pg_verifybackup); more
# work (the next day's trades, a deposit); the point: a named restore point and the
# database's clock, with a digest of the ledger, positions and trades at that moment;
# more work after it (more trades, the second end-of-day run, a deposit, a second base
# backup, another deposit), so the live database differs. Restores into fresh clusters
# (backup.sh restore): to the restore point's name and to the recorded time, each from the
# first base backup, equal to the point's digest and different from the live one; then
# `prune --keep=1` (the first backup and the WAL before the second go), and --latest from
# what is left, equal to the live digest. The archive command is tried by hand: an
# identical segment again succeeds, a different one under the same name fails. On the restored
# point-in-time cluster a tokenclear_server passes the ledger check (LedgerService.
# CheckLedger), replays the first day's end-of-day run identically, and reports the
# business date of the point; open interest balances for every instrument (SQL). Timings (backup size and time, each restore) are printed.
#
#   TOKENCLEAR_BUILD_DIR=build bash tests/pitr_e2etest.sh   # or ctest -R pitr_e2etest
# TOKENCLEAR_PITR_EVENTS: trade events per tradesim run (default 600).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${TOKENCLEAR_BUILD_DIR:?run through ctest, or set TOKENCLEAR_BUILD_DIR}
events=${TOKENCLEAR_PITR_EVENTS:-600}
bin=/usr/lib/postgresql/15/bin
backup=("$repo/deploy/backup.sh")
day1=2026-12-28
day2=2026-12-29
admin=pitr-admin-token-0001
# Development tokens of deploy/seed/sample.textproto.
exchange=dev-exchange-token-0001
treasury=dev-treasury-token-0001
treasury2=dev-treasury2-token-0001
risk=dev-risk-token-0001
risk2=dev-risk2-token-0001
index_provider=dev-index-provider-token-0001

as_pg=()
if [[ $(id -u) -eq 0 ]]; then as_pg=(runuser -u postgres --); fi
work=$(mktemp -d /tmp/tc_pitr_XXXXXX)
chmod 755 "$work"
((${#as_pg[@]} == 0)) || chown postgres:postgres "$work"
clusters=()  # data folders of the clusters started, stopped at the end
servers=()   # pids of the tokenclear servers started

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  local status=$? pid data
  for pid in "${servers[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for data in "${clusters[@]}"; do
    if [[ -f "$data/postmaster.pid" ]]; then
      (cd / && "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1) || true
    fi
  done
  if ((status != 0)); then
    for data in "${clusters[@]}"; do
      echo "--- $data/server.log" >&2
      tail -15 "$data/server.log" >&2 2>/dev/null || true
    done
    tail -30 "$work"/server-*.log >&2 2>/dev/null || true
  fi
  rm -rf -- "$work"
  exit "$status"
}
trap cleanup EXIT
# If this script is killed (a ctest timeout sends SIGKILL, which no trap sees), a detached
# guardian does the same once it is gone: kills the servers it started, stops the clusters,
# removes the folder. After a normal end the folder is gone already and it just exits.
# shellcheck disable=SC2016  # expanded by the guardian's own shell
guardian='while kill -0 "$1" 2>/dev/null; do sleep 1; done; dir=$2; shift 2
  for p in $(cat "$dir/server.pids" 2>/dev/null); do
    grep -q tokenclear_server "/proc/$p/cmdline" 2>/dev/null && kill -9 "$p"; done
  for d in "$dir"/*/; do [ -f "$d/postmaster.pid" ] && "$@" -D "$d" -m immediate -w stop; done
  rm -rf -- "$dir"'
(cd / && setsid -f /bin/sh -c "$guardian" pitr_guardian $$ "$work" "${as_pg[@]}" "$bin/pg_ctl" \
  </dev/null >/dev/null 2>&1)
fail() { echo "pitr_e2etest: FAIL: $*" >&2; exit 1; }
say() { echo "pitr_e2etest: $*"; }
now_ms() { date +%s%3N; }
since() { local ms=$(($(now_ms) - $1)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
started=$(now_ms)

# ---- The live cluster, archiving ----
live=$work/live
live_port=$(free_port)
(cd / && "${as_pg[@]}" "$bin/initdb" -D "$live" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$work/initdb.log" 2>&1) || fail "initdb: $(cat "$work/initdb.log")"
# Durable commits as in deploy/pg.sh; small, as the test's data is.
cat >>"$live/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
port = $live_port
max_connections = 40
shared_buffers = 128MB
fsync = on
synchronous_commit = on
log_min_messages = warning
CONF
clusters+=("$live")
(cd / && "${as_pg[@]}" "$bin/pg_ctl" -D "$live" -l "$live/server.log" -w -t 60 start >/dev/null) ||
  fail "the live cluster did not start"
"$bin/createdb" -h 127.0.0.1 -p "$live_port" -U postgres tokenclear
live_url=postgresql://postgres@127.0.0.1:$live_port/tokenclear
"${backup[@]}" enable-archive --url="$live_url" --pgdata="$live" --dir="$work/backup"
[[ $(psql -X -tAq "$live_url" -c "SHOW archive_mode") == on ]] || fail "archive_mode is not on"

# ---- The real server, and the day's work through the real binaries ----
target=""
# Starts tokenclear_server on database URL $1 (log $work/server-$2.log); sets target.
start_server() {
  local log=$work/server-$2.log port="" i
  TOKENCLEAR_ADMIN_TOKEN=$admin "$build/services/tokenclear_server" --listen=127.0.0.1:0 \
    --plaintext --pg_url="$1" --db_connections=4 2>"$log" &
  servers+=($!)
  echo $! >>"$work/server.pids"
  for ((i = 0; i < 300 && ${#port} == 0; i++)); do
    port=$(grep -o 'serving on port [0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [[ -n "$port" ]] || sleep 0.1
  done
  [[ -n "$port" ]] || fail "the server on $1 did not start: $(tail -5 "$log")"
  target=127.0.0.1:$port
}
stop_server() {
  local pid=${servers[-1]}
  kill -TERM "$pid"
  wait "$pid" || fail "the server did not drain and exit cleanly: $(tail -5 "$work"/server-*.log)"
  unset 'servers[-1]'
}
ctl() { "$build/tools/clearctl" --target="$target" "$@"; }
# Exchange trading: $1 feed, $2 seed. Cancels and corrections included.
trade() {
  "$build/tools/tradesim" --target="$target" --token=$exchange --events="$events" --feeds=1 \
    --mode=stream --batch_size=100 --feed_id="$1" --seed="$2" --session_start_minute=935 \
    --start_price=TKF=3.000,TKO=0.450 --cancels_per_mille=40 --corrections_per_mille=40 \
    >/dev/null
}
# A cash deposit (a journal entry): $1 member, $2 amount, $3 idempotency key.
deposit() {
  ctl --token=$treasury collateral deposit --member="$1" --origin=HOUSE --amount="$2" \
    --key="$3" >/dev/null
}
# The rest of day $1 (number $2) up to its completed end-of-day run.
settle_day() {
  local day=$1 n=$2 index version
  "$build/tools/indexsim/indexsim" --target="$target" --token=$index_provider --date="$day" \
    --index=TOKFRONT=3.00,TOKOPEN=0.45 --seed=$((7 + n)) --drift_bps=$((15 * n)) >/dev/null
  for index in TOKFRONT TOKOPEN; do
    ctl --token=$treasury index fix --index="$index" --date="$day" >/dev/null
  done
  ctl --token=$exchange prices submit TKO-202703 "0.$((450 + n))" --date="$day" >/dev/null
  version=$(ctl --token=$risk calibrate --date="$day" | awk 'NR == 2 { print $1 }')
  ctl --token=$risk2 approve "$version" >/dev/null
  version=$(ctl --token=$treasury prices propose --date="$day" | awk 'NR == 2 { print $2 }')
  ctl --token=$treasury2 prices approve "$version" --date="$day" >/dev/null
  ctl --token=$treasury eod run --date="$day" >"$work/eod-$day.txt" ||
    fail "the end-of-day run of $day failed: $(cat "$work/eod-$day.txt")"
  ctl --token=$treasury eod status --date="$day" | head -1 | grep -q "^run $day: COMPLETE" ||
    fail "the run of $day did not complete: $(ctl --token=$treasury eod status --date="$day")"
}

# The ledger, positions and trades, per table a row count and an MD5 of its rows in order.
# Timestamps included: a physical restore gives back the very rows.
digest() {
  local t
  for t in trades trade_cancellations positions eod_positions vm_position_marks \
    vm_origin_totals journal_entries journal_lines ledger_accounts ledger_balances \
    collateral_movements eod_runs eod_steps business_days; do
    psql -X -tAq "$1" -c \
      "SELECT '$t ' || count(*) || ' ' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM $t x"
  done
}
# The table names whose lines differ between digests $1 and $2.
differing() { { diff <(echo "$1") <(echo "$2") || true; } | sed -n 's/^< \([a-z_]*\) .*/\1/p' | tr '\n' ' '; }

start_server "$live_url" live
ctl --token=$admin seed "$repo/deploy/seed/sample.textproto" --business_date=$day1 >/dev/null
ctl --token=$risk load-index "$repo/deploy/seed/index_history.csv" >/dev/null
deposit CM01 150000.00 PITR-1
deposit CM02 150000.00 PITR-2
trade PITRDAY1 20261228
settle_day $day1 1
say "day $day1 settled: $(psql -X -tAq "$live_url" -c "SELECT count(*) || ' trades, ' || (SELECT count(*) FROM journal_entries) || ' journal entries' FROM trades")"

# ---- Base backup, more work, the point ----
t=$(now_ms)
base_dir=$("${backup[@]}" base --url="$live_url" --dir="$work/backup")
base_time=$(since "$t")
base_size=$(du -sh "$base_dir" | cut -f1)
trade PITRDAY2A 20261329
deposit CM01 25000.00 PITR-3
stop_server  # the point is taken with nothing in flight, so the digest is of that instant
"${backup[@]}" restore-point pitr-before-eod --url="$live_url" --dir="$work/backup"
point_time=$(psql -X -tAq "$live_url" -c "SELECT clock_timestamp()")
at_point=$(digest "$live_url")
say "the point: restore point pitr-before-eod, time $point_time"

# ---- After the point: more trades, the second end of day, a deposit ----
start_server "$live_url" live2
trade PITRDAY2B 20261330
settle_day $day2 2
deposit CM02 30000.00 PITR-4
stop_server
# A second base backup (the newer one that --latest starts from) and a deposit after it.
second_base=$("${backup[@]}" base --url="$live_url" --dir="$work/backup")
start_server "$live_url" live3
deposit CM01 5000.00 PITR-5
stop_server
"${backup[@]}" archive-now --url="$live_url" --dir="$work/backup"
live_now=$(digest "$live_url")
changed=$(differing "$at_point" "$live_now")
for t in trades positions eod_positions journal_entries journal_lines ledger_balances; do
  [[ " $changed" == *" $t "* ]] || fail "the work after the point did not change $t (changed: $changed)"
done

# ---- Restores into fresh clusters ----
# Restores with target $1 into the fresh folder restored-$2 (more options of backup.sh
# restore after that); sets restored_url and restore_time.
restore() {
  local data=$work/restored-$2 t
  clusters+=("$data")
  t=$(now_ms)
  restored_url=$("${backup[@]}" restore --dir="$work/backup" --pgdata="$data" --port="$(free_port)" "$1" "${@:3}")
  restore_time=$(since "$t")
}
# A restore point's time is not known beforehand: the operator names the base backup.
restore --target-name=pitr-before-eod by-name --base="$(basename "$base_dir")"
by_name_time=$restore_time
by_name=$(digest "$restored_url")
[[ "$by_name" == "$at_point" ]] ||
  fail "restored to the restore point, tables differ: $(differing "$at_point" "$by_name")"
[[ "$by_name" != "$live_now" ]] || fail "restored to the point, yet equal to the live database"

restore --target-time="$point_time" by-time
by_time_time=$restore_time
by_time_url=$restored_url
by_time=$(digest "$restored_url")
[[ "$by_time" == "$at_point" ]] ||
  fail "restored to $point_time, tables differ: $(differing "$at_point" "$by_time")"

# The archive command never overwrites: the archiver retrying a segment already archived
# (identical) succeeds, a different file under that name fails and leaves the archive as
# it was.
archive_command=$(psql -X -tAq "$live_url" -c "SHOW archive_command")
segment=$(find "$work/backup/wal" -maxdepth 1 -name '000000010000000000000003' -printf '%f\n')
[[ -n "$segment" ]] || fail "segment 000000010000000000000003 was not archived"
archive_as_pg() {
  local command=${archive_command//%p/$1}
  (cd / && "${as_pg[@]}" /bin/sh -c "${command//%f/$segment}")
}
(cd / && "${as_pg[@]}" cp "$work/backup/wal/$segment" "$work/same-segment")
(cd / && "${as_pg[@]}" cp "$work/same-segment" "$work/other-segment")
printf 'X' | (cd / && "${as_pg[@]}" dd of="$work/other-segment" bs=1 seek=4096 conv=notrunc status=none)
archived_sum=$(md5sum <"$work/backup/wal/$segment")
archive_as_pg "$work/same-segment" || fail "re-archiving an identical segment failed"
! archive_as_pg "$work/other-segment" || fail "a different segment overwrote $segment"
[[ $(md5sum <"$work/backup/wal/$segment") == "$archived_sum" ]] || fail "$segment changed"

# Retention: prune to one base backup; the end of the archive is still reachable from it.
before_prune=$(find "$work/backup/wal" -maxdepth 1 -type f | wc -l)
"${backup[@]}" prune --keep=1 --dir="$work/backup"
[[ ! -e "$base_dir" && -d "$second_base" ]] || fail "prune --keep=1 did not keep just the newest backup"
after_prune=$(find "$work/backup/wal" -maxdepth 1 -type f | wc -l)
((after_prune < before_prune)) || fail "prune removed no archived WAL ($before_prune files)"
restore --latest latest
latest_time=$restore_time
latest=$(digest "$restored_url")
[[ "$latest" == "$live_now" ]] ||
  fail "restored to the end of the archive, tables differ from the live database: $(differing "$live_now" "$latest")"

# ---- tokenclear on the point-in-time copy ----
start_server "$by_time_url" restored
ctl --token=$treasury ledger check >"$work/check.txt" ||
  fail "the ledger check failed on the restored database: $(cat "$work/check.txt")"
entries=$(awk '$1 == "entries" { print $2 }' "$work/check.txt")
((entries > 0)) || fail "the restored ledger is empty: $(cat "$work/check.txt")"
ctl --token=$treasury eod replay --date=$day1 >"$work/replay.txt" ||
  fail "the replay of $day1 failed on the restored database: $(cat "$work/replay.txt")"
# STEP RECORDED REPLAYED IDENTICAL: every step replayed, every one identical.
awk 'NR > 1 && $4 != "yes" { bad = 1 } END { exit bad || NR < 2 }' "$work/replay.txt" ||
  fail "the replay of $day1 is not identical: $(cat "$work/replay.txt")"
# Open interest: long equals short for every instrument (tests/invariants_pgtest.cc).
unbalanced=$(psql -X -tAq "$by_time_url" -c "SELECT count(*) FROM (SELECT instrument_id
  FROM positions GROUP BY 1 HAVING sum(long_quantity) <> sum(short_quantity)) x")
[[ "$unbalanced" == 0 ]] || fail "open interest unbalanced for $unbalanced instrument(s)"
business_date=$(ctl --token=$treasury business-date | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' | head -1)
[[ "$business_date" == "$day2" ]] || fail "the restored business date is $business_date, not $day2"
stop_server

say "base backup $base_size in $base_time (pg_basebackup and pg_verifybackup); archive $before_prune files before prune, $after_prune after ($(du -sh "$work/backup/wal" | cut -f1))"
say "restores: by name $by_name_time, by time $by_time_time, latest $latest_time; ledger check: $entries entries, ok"
say "rows at the point: $(awk '{ printf "%s %s, ", $1, $2 }' <<<"$at_point")"
say "tables changed after it: $changed"
say "1 passed, 0 failed ($(since "$started"))"
