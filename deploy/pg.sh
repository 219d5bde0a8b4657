#!/usr/bin/env bash
# Embedded PostgreSQL for tokenclear: a cluster in a project-local folder (ignored by
# git), listening on loopback only, on its own port. When run as root (as CI does),
# PostgreSQL itself runs as the `postgres` user, because it refuses to run as root.
#
#   deploy/pg.sh start [NAME]   # creates .pgdata/NAME on first use, starts it, prints the URL
#   deploy/pg.sh stop  [NAME]   # fast shutdown (checkpoint, no crash recovery needed)
#   deploy/pg.sh url   [NAME]   # the connection string
# NAME defaults to "main"; the test command uses "test". Port: TOKENCLEAR_PG_PORT, else
# 55432 for main and 55433 for test.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
action=${1:?usage: pg.sh start|stop|url [NAME]}
name=${2:-main}
case "$name" in
  main) default_port=55432 ;;
  test) default_port=55433 ;;
  *) default_port=55440 ;;
esac
port=${TOKENCLEAR_PG_PORT:-$default_port}
bin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
[[ -n "$bin" ]] || { echo "pg.sh: PostgreSQL 15 is not installed (run deploy/setup.sh)" >&2; exit 1; }

root_dir="$repo/.pgdata"
data="$root_dir/$name"
# Every path here is absolute; running from / keeps runuser from failing to enter a
# working directory that the postgres user cannot reach.
cd /
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(runuser -u postgres --)
fi

# The postgres user must be able to reach the data folder. When the checkout lives where
# it cannot (say under /root), keep the cluster under /var/tmp and link it from .pgdata.
prepare_root() {
  mkdir -p "$root_dir"
  if ((${#as_pg[@]})) && ! "${as_pg[@]}" test -x "$root_dir" 2>/dev/null; then
    local outside="/var/tmp/tokenclear-pg-$(printf '%s' "$repo" | sha256sum | cut -c1-12)"
    mkdir -p "$outside"
    chown postgres:postgres "$outside"
    [[ -L "$data" ]] || ln -sfn "$outside/$name" "$data"
    mkdir -p "$outside/$name"
    chown postgres:postgres "$outside/$name"
  fi
}

url() { echo "postgresql://postgres@127.0.0.1:$port/tokenclear"; }

start() {
  prepare_root
  mkdir -p "$data"
  # PostgreSQL gets the real path: the postgres user may not be able to traverse a link
  # that lives inside the checkout.
  data=$(readlink -f "$data")
  ((${#as_pg[@]})) && chown postgres:postgres "$data"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    "${as_pg[@]}" "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
      >"$root_dir/$name-initdb.log" 2>&1 || { cat "$root_dir/$name-initdb.log" >&2; exit 1; }
    # Durable commits stay on (fsync, synchronous_commit): an acknowledged trade must
    # survive a crash. The rest is sizing for a 2-core, 24 GiB machine.
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 100
shared_buffers = 1GB
wal_buffers = 64MB
max_wal_size = 8GB
checkpoint_timeout = 15min
wal_compression = on
fsync = on
synchronous_commit = on
log_min_messages = warning
CONF
  fi
  if "${as_pg[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    :
  else
    "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -o "-p $port" -l "$data/server.log" -w -t 60 start \
      >/dev/null || { tail -20 "$data/server.log" >&2; exit 1; }
  fi
  # The database itself is created once; CREATE DATABASE is not idempotent, so look first.
  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'tokenclear'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres tokenclear
  fi
  url
}

stop() {
  [[ -e "$data" ]] && data=$(readlink -f "$data")
  [[ -f "$data/PG_VERSION" ]] || return 0
  if "${as_pg[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

case "$action" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: pg.sh start|stop|url [NAME]" >&2; exit 2 ;;
esac
