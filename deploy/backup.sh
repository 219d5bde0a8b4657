#!/usr/bin/env bash
# Backups of tokenclear's PostgreSQL 15 cluster: a continuous WAL archive (archive_command)
# plus base backups (pg_basebackup, checked with pg_verifybackup), and a point-in-time
# restore into a fresh data folder and port. docs/BACKUP.md says what to run when, where to
# keep the copies, and the figures of tests/pitr_e2etest.sh, which drives every subcommand.
#
#   deploy/backup.sh enable-archive              # WAL archiving on (restarts the cluster)
#   deploy/backup.sh base                        # a base backup into DIR/base/<UTC stamp>
#   deploy/backup.sh restore-point before-eod    # a named point to restore to, archived
#   deploy/backup.sh archive-now                 # the current WAL segment, archived now
#   deploy/backup.sh status                      # the archiver, the backups, the archive
#   deploy/backup.sh prune --keep=7              # base backups past the 7 newest, their WAL
#   deploy/backup.sh restore --pgdata=/srv/pg-restored --port=55499 \
#     --target-time='2026-12-29 17:05:00+00'     # or --target-name=N, or --latest
#
# Options (each subcommand takes those it needs):
#   --url=URL      the cluster (default: the embedded one, `deploy/pg.sh url main`)
#   --dir=DIR      the backup folder: DIR/wal (the archive), DIR/base/<stamp> (base
#                  backups). Default TOKENCLEAR_BACKUP_DIR, else /var/backups/tokenclear.
#                  The archive is written by the database server, so for a cluster on
#                  another host DIR is a path on that host (docs/BACKUP.md).
#   --pgdata=DIR   enable-archive: the cluster's data folder, to restart it (default: the
#                  embedded cluster's); restore: the NEW data folder (must not exist or be
#                  empty)
#   --archive-timeout-s=N  enable-archive: the longest a committed change waits before
#                  its WAL segment is archived on a quiet system (default 60)
#   --port=N       restore: the restored cluster's port (default 55499)
#   --base=STAMP   restore: the base backup to start from (default: the newest that began
#                  before --target-time; the newest otherwise)
#   --database=DB  restore: the database named in the printed URL (default tokenclear)
#   --keep-archiving  restore: keep the source's archive settings, so that the restored
#                  cluster archives its new timeline into DIR/wal; without it the restored
#                  cluster does not archive (a verification copy must not write into the
#                  production archive)
#   --keep=N       prune: how many base backups to keep (at least 1)
# Results (a folder, a URL) go to stdout, progress and timings to stderr. When run as
# root, PostgreSQL's programs run as the postgres user (as in deploy/pg.sh), so DIR and
# the data folders must be where that user can reach them.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
[[ -n "$bin" ]] || { echo "backup.sh: PostgreSQL 15 is not installed (deploy/setup.sh)" >&2; exit 1; }
action=${1:-}
[[ $# -gt 0 ]] && shift

url="" dir=${TOKENCLEAR_BACKUP_DIR:-/var/backups/tokenclear} pgdata="" port=55499
archive_timeout_s=60 base="" database=tokenclear keep="" keep_archiving=0
target_kind="" target_value="" point_name=""
for arg in "$@"; do
  case "$arg" in
    --url=*) url=${arg#*=} ;;
    --dir=*) dir=${arg#*=} ;;
    --pgdata=*) pgdata=${arg#*=} ;;
    --port=*) port=${arg#*=} ;;
    --archive-timeout-s=*) archive_timeout_s=${arg#*=} ;;
    --base=*) base=${arg#*=} ;;
    --database=*) database=${arg#*=} ;;
    --keep=*) keep=${arg#*=} ;;
    --keep-archiving) keep_archiving=1 ;;
    --target-time=*) target_kind=time target_value=${arg#*=} ;;
    --target-name=*) target_kind=name target_value=${arg#*=} ;;
    --latest) target_kind=latest ;;
    --*) echo "backup.sh: unknown option $arg (see the header of $0)" >&2; exit 2 ;;
    *) [[ -z "$point_name" ]] || { echo "backup.sh: one name only" >&2; exit 2; }
       point_name=$arg ;;
  esac
done

say() { echo "backup.sh: $*" >&2; }
now_ms() { date +%s%3N; }
# Milliseconds since $1 (a now_ms) as seconds with one decimal.
since() { local ms=$(($(now_ms) - $1)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
die() { say "$*"; exit 1; }

# Every path is absolute; running from / keeps runuser from failing to enter a working
# directory that the postgres user cannot reach.
cd /
as_pg=()
if [[ $(id -u) -eq 0 ]]; then as_pg=(runuser -u postgres --); fi

# The archive folder goes into archive_command unquoted (PostgreSQL hands the command to
# sh), so only plain path characters are allowed.
[[ "$dir" =~ ^/[A-Za-z0-9/._-]+$ ]] || die "--dir must be an absolute path of [A-Za-z0-9/._-] (got '$dir')"
archive=$dir/wal

if [[ -z "$url" ]]; then
  url=$("$repo/deploy/pg.sh" url main)
  if [[ -z "$pgdata" && "$action" == enable-archive && -e "$repo/.pgdata/main" ]]; then
    pgdata=$(readlink -f "$repo/.pgdata/main")
  fi
fi
sql() { "$bin/psql" -X -v ON_ERROR_STOP=1 -tAq "$url" -c "$1"; }

# A folder of ours that the postgres user owns (it writes the archive and the backups).
own_folder() {
  mkdir -p "$1"
  if ((${#as_pg[@]})); then
    chown postgres:postgres "$1"
    "${as_pg[@]}" test -w "$1" ||
      die "the postgres user cannot write $1 (a parent folder it cannot enter?)"
  fi
}

# WAL archiving, with a command that never overwrites an archived segment: a segment is
# copied under a temporary name, fsync'd (cp alone leaves it in the page cache, and
# PostgreSQL recycles the segment as soon as the command says success, so a power cut
# could lose the only copy), renamed into place, and the folder fsync'd (the rename
# itself). A segment already there is success only if it is byte-identical (the archiver
# retries a segment whose success it did not record before a crash); a different one
# fails, loudly and for ever, rather than destroy history (another cluster archiving into
# the same folder, say). archive_timeout bounds how long a quiet system's last commits
# wait in an unfinished segment.
enable_archive() {
  [[ "$archive_timeout_s" =~ ^[1-9][0-9]*$ ]] || die "--archive-timeout-s must be a number of seconds"
  own_folder "$dir"
  own_folder "$archive"
  chmod 700 "$archive"
  local command="test ! -f $archive/%f && cp %p $archive/%f.part && sync $archive/%f.part && mv $archive/%f.part $archive/%f && sync $archive || cmp -s %p $archive/%f"
  sql "ALTER SYSTEM SET wal_level = 'replica'"
  sql "ALTER SYSTEM SET archive_mode = 'on'"
  sql "ALTER SYSTEM SET archive_command = '$command'"
  sql "ALTER SYSTEM SET archive_timeout = '${archive_timeout_s}s'"
  sql "SELECT pg_reload_conf()" >/dev/null
  # archive_mode and wal_level change only at a start; what the server runs with now
  # says whether one is needed.
  if [[ $(sql "SELECT current_setting('archive_mode') <> 'on' OR current_setting('wal_level') = 'minimal'") == t ]]; then
    if [[ -z "$pgdata" ]]; then
      say "restart PostgreSQL to turn archiving on (wal_level and archive_mode need it)"
      return
    fi
    say "restarting the cluster of $pgdata (archive_mode needs a restart)"
    # pg_ctl restart reuses the command-line options of the last start (the port).
    "${as_pg[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -m fast -w -t 120 restart \
      >/dev/null || die "the restart failed; see $pgdata/server.log"
  fi
  [[ $(sql "SHOW archive_mode") == on ]] || die "archive_mode is still off"
  say "archiving WAL into $archive (archive_timeout ${archive_timeout_s}s)"
}

# The current segment closed and archived (pg_switch_wal), waiting at most
# TOKENCLEAR_ARCHIVE_WAIT_S (60) seconds. The archiver marks a finished segment
# <name>.ready and renames that to <name>.done once the command succeeded.
archive_now() {
  [[ $(sql "SHOW archive_mode") == on ]] || die "archive_mode is off (run enable-archive)"
  local segment wait_s=${TOKENCLEAR_ARCHIVE_WAIT_S:-60} started=$SECONDS
  segment=$(sql "SELECT pg_walfile_name(pg_switch_wal())")
  while :; do
    if [[ $(sql "SELECT NOT EXISTS (SELECT 1 FROM pg_ls_archive_statusdir() WHERE name = '$segment.ready')
          AND (EXISTS (SELECT 1 FROM pg_ls_archive_statusdir() WHERE name = '$segment.done')
               OR (SELECT last_archived_wal ~ '^[0-9A-F]{24}$' AND last_archived_wal >= '$segment'
                   FROM pg_stat_archiver))") == t ]]; then
      break
    fi
    if ((SECONDS - started >= wait_s)); then
      die "segment $segment not archived after ${wait_s}s: $(sql "SELECT 'failed ' || failed_count || ' times, last ' || coalesce(last_failed_wal, '-') FROM pg_stat_archiver")"
    fi
    sleep 0.2
  done
  say "archived up to segment $segment"
}

restore_point() {
  [[ -n "$point_name" ]] || die "usage: backup.sh restore-point NAME"
  local lsn
  lsn=$(sql "SELECT pg_create_restore_point('${point_name//\'/\'\'}')")
  say "restore point '$point_name' at $lsn"
  archive_now
}

# A base backup into DIR/base/<UTC stamp>: plain format (pg_verifybackup of PostgreSQL
# 15 checks plain backups only), the WAL needed to make it consistent streamed into it
# (-X stream: it restores even without the archive), a fast checkpoint (start now, not
# at the next scheduled one), and a manifest with a SHA-256 of every file, checked
# against the files afterwards.
base_backup() {
  own_folder "$dir"
  own_folder "$dir/base"
  if [[ $(sql "SHOW archive_mode") != on ]]; then
    say "warning: archive_mode is off: this backup restores to its own end only, not to a later point"
  fi
  local stamp target started
  started=$(now_ms)
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  target=$dir/base/$stamp
  [[ ! -e "$target" ]] || die "$target exists already"
  "${as_pg[@]}" "$bin/pg_basebackup" -d "$url" -D "$target" -F plain -X stream \
    --checkpoint=fast --manifest-checksums=SHA256 --label="tokenclear $stamp" ||
    die "pg_basebackup failed"
  local taken taken_s
  taken_s=$(since "$started")
  taken=$(now_ms)
  "${as_pg[@]}" "$bin/pg_verifybackup" --quiet "$target" || die "pg_verifybackup failed for $target"
  say "base backup $target: $(du -sh "$target" | cut -f1), taken in $taken_s s, verified in $(since "$taken") s"
  echo "$target"
}

# The base backups, oldest first (the stamps sort by time).
backups() {
  local path
  for path in "$dir"/base/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z; do
    [[ -d "$path" ]] && echo "${path##*/}"
  done
  return 0
}

# The start time of base backup $1 (backup_label), in seconds since the epoch.
backup_start_s() {
  date -d "$(sed -n 's/^START TIME: //p' "$dir/base/$1/backup_label")" +%s
}

# The base backup to restore from: --base, or the newest that started before the target
# time, or the newest.
choose_base() {
  if [[ -n "$base" ]]; then
    [[ -d "$dir/base/$base" ]] || die "no base backup $dir/base/$base"
    echo "$base"
    return
  fi
  local chosen="" b target_s=""
  if [[ "$target_kind" == time ]]; then
    target_s=$(date -d "$target_value" +%s) || die "cannot read the time '$target_value'"
  fi
  for b in $(backups); do
    if [[ -z "$target_s" ]] || (($(backup_start_s "$b") < target_s)); then chosen=$b; fi
  done
  [[ -n "$chosen" ]] || die "no base backup in $dir/base started before the target"
  echo "$chosen"
}

# Point-in-time restore into a fresh data folder: the base backup copied and verified,
# recovery.signal, restore_command from the archive, the target, promote at the target,
# started on its own port; returns once recovery has ended and the cluster is a primary.
restore() {
  [[ -n "$target_kind" ]] || die "restore needs --target-time=T, --target-name=N or --latest"
  [[ -n "$pgdata" ]] || die "restore needs --pgdata=NEW_FOLDER"
  [[ "$pgdata" == /* ]] || die "--pgdata must be absolute"
  [[ ! -e "$pgdata" || -z "$(ls -A "$pgdata")" ]] || die "$pgdata is not empty"
  [[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number"
  local chosen started copied_s copied
  started=$(now_ms)
  chosen=$(choose_base)
  say "restoring base backup $chosen into $pgdata (port $port), target: $target_kind ${target_value}"
  "${as_pg[@]}" "$bin/pg_verifybackup" --quiet "$dir/base/$chosen" ||
    die "base backup $chosen does not verify"
  own_folder "$pgdata"
  chmod 700 "$pgdata"
  "${as_pg[@]}" cp -a "$dir/base/$chosen/." "$pgdata/"
  rm -f "$pgdata/backup_manifest" "$pgdata/server.log"
  copied_s=$(since "$started")
  copied=$(now_ms)
  # postgresql.auto.conf, not postgresql.conf: ALTER SYSTEM's settings (enable-archive's)
  # live there and win over postgresql.conf; the last line of a setting wins.
  {
    echo "# deploy/backup.sh restore, $(date -u +%FT%TZ): base backup $chosen, WAL from $archive"
    echo "port = $port"
    echo "restore_command = 'cp $archive/%f %p'"
    case "$target_kind" in
      time) echo "recovery_target_time = '${target_value//\'/\'\'}'" ;;
      name) echo "recovery_target_name = '${target_value//\'/\'\'}'" ;;
      latest) ;;  # no target: every archived segment, then promote
    esac
    echo "recovery_target_action = 'promote'"
    if ((!keep_archiving)); then echo "archive_mode = 'off'"; fi
  } | "${as_pg[@]}" tee -a "$pgdata/postgresql.auto.conf" >/dev/null
  "${as_pg[@]}" touch "$pgdata/recovery.signal"
  "${as_pg[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -o "-p $port" -w -t 600 start \
    >/dev/null || { tail -20 "$pgdata/server.log" >&2; die "the restored cluster did not start"; }
  local restored_url="postgresql://postgres@127.0.0.1:$port/$database"
  local wait_s=${TOKENCLEAR_RESTORE_WAIT_S:-3600} waited=$SECONDS
  while [[ $("$bin/psql" -X -tAq "postgresql://postgres@127.0.0.1:$port/postgres" \
    -c "SELECT pg_is_in_recovery()" 2>/dev/null) != f ]]; do
    if ((SECONDS - waited >= wait_s)); then
      tail -20 "$pgdata/server.log" >&2
      die "recovery has not ended after ${wait_s}s"
    fi
    if [[ ! -f "$pgdata/postmaster.pid" ]]; then
      tail -20 "$pgdata/server.log" >&2
      die "the restored cluster stopped during recovery"
    fi
    sleep 0.2
  done
  say "restored in $(since "$started") s (verify and copy $copied_s s, recovery and start" \
    "$(since "$copied") s); the last transaction replayed committed at" \
    "$("$bin/psql" -X -tAq "postgresql://postgres@127.0.0.1:$port/postgres" \
      -c "SELECT coalesce(pg_last_xact_replay_timestamp()::text, '(none)')")"
  echo "$restored_url"
}

status() {
  sql "SELECT 'archiver: archived ' || archived_count || ', last ' || coalesce(last_archived_wal, '-')
         || ' at ' || coalesce(last_archived_time::text, '-') || '; failed ' || failed_count
         || ', last ' || coalesce(last_failed_wal, '-') FROM pg_stat_archiver"
  local b
  for b in $(backups); do
    echo "base $b $(du -sh "$dir/base/$b" | cut -f1) $(sed -n 's/^START WAL LOCATION: .*(file \(.*\))/\1/p' "$dir/base/$b/backup_label")"
  done
  echo "archive $archive: $(find "$archive" -maxdepth 1 -type f | wc -l) files, $(du -sh "$archive" | cut -f1)"
}

# Retention: the newest N base backups, and the archive from the first WAL segment the
# oldest of them needs (pg_archivecleanup removes the segments before it).
prune() {
  [[ "$keep" =~ ^[1-9][0-9]*$ ]] || die "prune needs --keep=N, N >= 1"
  local all oldest_kept segment b
  mapfile -t all < <(backups)
  ((${#all[@]} > keep)) || { say "${#all[@]} base backup(s), nothing to prune"; return; }
  oldest_kept=${all[${#all[@]} - keep]}
  segment=$(sed -n 's/^START WAL LOCATION: .*(file \(.*\))/\1/p' "$dir/base/$oldest_kept/backup_label")
  [[ -n "$segment" ]] || die "no start segment in $oldest_kept/backup_label"
  for b in "${all[@]:0:${#all[@]} - keep}"; do
    say "removing base backup $b"
    rm -rf -- "${dir:?}/base/$b"
  done
  "${as_pg[@]}" "$bin/pg_archivecleanup" "$archive" "$segment"
  say "archive kept from $segment (needed by $oldest_kept)"
}

case "$action" in
  enable-archive) enable_archive ;;
  archive-now) archive_now ;;
  restore-point) restore_point ;;
  base) base_backup ;;
  restore) restore ;;
  status) status ;;
  prune) prune ;;
  *) echo "usage: backup.sh enable-archive|base|restore-point NAME|archive-now|restore|status|prune [options] (see $0)" >&2
     exit 2 ;;
esac
