#!/usr/bin/env bash
# PostgreSQL high availability for tokenclear on ONE machine, with pg_auto_failover
# (Debian: postgresql-15-auto-failover, pg-auto-failover-cli): a monitor and two data
# nodes (a primary and a synchronous standby), each with its own port and data folder,
# listening on loopback only with trust authentication, no TLS (--no-ssl: nothing leaves
# the machine). For separate hosts see docs/HA.md. As root, everything runs as `postgres`.
#
#   deploy/ha.sh start         # creates the formation on first use, starts the keepers that
#                              # are not running, waits for a primary and a secondary, and
#                              # prints the multi-host URL for TOKENCLEAR_PG_URL
#   deploy/ha.sh state         # pg_autoctl show state
#   deploy/ha.sh kill-primary  # SIGKILL the primary's keeper and postgres (a lost host)
#   deploy/ha.sh start         # again: the killed node rejoins as the standby
#   deploy/ha.sh url | stop | destroy
#
# Environment: TOKENCLEAR_HA_DIR (the base folder; default .pgdata/ha in the checkout, or
# a folder under /var/tmp when the postgres user cannot reach the checkout),
# TOKENCLEAR_HA_MONITOR_PORT, TOKENCLEAR_HA_PORT1, TOKENCLEAR_HA_PORT2 (default 55450,
# 55451, 55452), TOKENCLEAR_HA_WAIT_SECONDS (how long start waits, default 120).
#
# The monitor is tuned for fast detection in tests (see monitor_settings below); a
# production monitor keeps pg_auto_failover's defaults or chooses its own.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
action=${1:?usage: ha.sh start|stop|state|kill-primary|url|destroy}
monitor_port=${TOKENCLEAR_HA_MONITOR_PORT:-55450}
ports=("${TOKENCLEAR_HA_PORT1:-55451}" "${TOKENCLEAR_HA_PORT2:-55452}")
wait_seconds=${TOKENCLEAR_HA_WAIT_SECONDS:-120}
bin=/usr/lib/postgresql/15/bin
[[ -x "$bin/postgres" ]] || { echo "ha.sh: PostgreSQL 15 is not installed (run deploy/setup.sh)" >&2; exit 1; }
autoctl=$(command -v pg_autoctl || echo "$bin/pg_autoctl")
[[ -x "$autoctl" ]] || { echo "ha.sh: pg_autoctl is not installed (run deploy/setup.sh)" >&2; exit 1; }

# Every path is absolute; running from / keeps runuser from failing to enter a working
# directory that the postgres user cannot reach.
cd /
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(runuser -u postgres --)
fi

if [[ -n "${TOKENCLEAR_HA_DIR:-}" ]]; then
  base=$TOKENCLEAR_HA_DIR
elif ((${#as_pg[@]})) && ! runuser -u postgres -- test -x "$repo" 2>/dev/null; then
  base="/var/tmp/tokenclear-ha-$(printf '%s' "$repo" | sha256sum | cut -c1-12)"
else
  base="$repo/.pgdata/ha"
fi
nodes=(node1 node2)

# pg_autoctl keeps its configuration and state under XDG folders: inside the base folder,
# so that `destroy` leaves nothing behind in the postgres user's home.
autoctl_env=(env "PATH=$bin:/usr/bin:/bin" "XDG_CONFIG_HOME=$base/xdg/config"
  "XDG_DATA_HOME=$base/xdg/data" "XDG_RUNTIME_DIR=$base/xdg/run" "PGCONNECT_TIMEOUT=2")
pg_autoctl() { "${as_pg[@]}" "${autoctl_env[@]}" "$autoctl" "$@"; }

monitor_uri() {
  echo "postgres://autoctl_node@127.0.0.1:$monitor_port/pg_auto_failover?sslmode=disable"
}
# A query on the monitor's database, unaligned, no headers.
monitor_sql() {
  "$bin/psql" -X -q -h 127.0.0.1 -p "$monitor_port" -U postgres -d pg_auto_failover -tAc "$1"
}

url() {
  echo "postgresql://postgres@127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}/tokenclear?target_session_attrs=read-write&connect_timeout=2"
}

# Fast failure detection for tests: the monitor checks every node each second, gives up on
# a check after 1 s, retries once after 0.5 s, and considers a node that has neither
# answered a check nor reported for 3 s unhealthy; it then promotes the standby, but lets
# it take writes only when the old primary has confirmed its demotion or 5 s have passed
# (primary_demote_timeout), which must exceed the keepers' network_partition_timeout (3 s
# here): the time after which a primary that reaches neither the monitor nor its standby
# demotes itself. pg_auto_failover's defaults: 5 s, 5 s, 2 retries, 2 s, 20 s, 30 s and
# 20 s; the startup grace period 10 s (3 s here).
monitor_settings=(
  "pgautofailover.health_check_period = 1000"
  "pgautofailover.health_check_timeout = 1000"
  "pgautofailover.health_check_max_retries = 1"
  "pgautofailover.health_check_retry_delay = 500"
  "pgautofailover.node_considered_unhealthy_timeout = 3000"
  "pgautofailover.primary_demote_timeout = 5000"
  "pgautofailover.startup_grace_period = 3000"
)
keeper_settings=(
  "timeout.network_partition_timeout 3"
)

# Whether the keeper started from folder $1 is alive (its session leader's pid file).
running() {
  local pidfile="$base/$1.keeper.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# Runs `pg_autoctl <args>` for node $1 in a session of its own, in the background, its
# output in $base/$1.log; the session leader's pid (= the process group) in $1.keeper.pid.
launch() {
  local name=$1
  shift
  # shellcheck disable=SC2016  # expanded by the inner shell
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' launch "$base/$name.keeper.pid" \
    "${as_pg[@]}" "${autoctl_env[@]}" "$autoctl" "$@" </dev/null >>"$base/$name.log" 2>&1 &
  for _ in $(seq 50); do [[ -s "$base/$name.keeper.pid" ]] && return 0; sleep 0.1; done
  echo "ha.sh: the keeper of $name did not start" >&2
  exit 1
}

# Waits until `monitor_sql "$1"` prints "t", or fails after $2 seconds.
wait_for() {
  local query=$1 seconds=$2 what=$3
  for _ in $(seq $((seconds * 5))); do
    [[ "$(monitor_sql "$query" 2>/dev/null || true)" == t ]] && return 0
    sleep 0.2
  done
  echo "ha.sh: timed out after ${seconds}s waiting for $what" >&2
  pg_autoctl show state --pgdata "$base/monitor" >&2 || true
  exit 1
}

start_monitor() {
  if [[ ! -f "$base/monitor/PG_VERSION" ]]; then
    pg_autoctl create monitor --pgdata "$base/monitor" --pgport "$monitor_port" \
      --hostname 127.0.0.1 --auth trust --no-ssl --pgctl "$bin/pg_ctl" >>"$base/monitor.log" 2>&1 ||
      { tail -20 "$base/monitor.log" >&2; exit 1; }
    printf '%s\n' "${monitor_settings[@]}" >>"$base/monitor/postgresql.conf"
    # Loopback only (pg_autoctl listens on every address by default).
    pg_autoctl config set --pgdata "$base/monitor" postgresql.listen_addresses 127.0.0.1 \
      >>"$base/monitor.log"
  fi
  running monitor || launch monitor run --pgdata "$base/monitor"
  for _ in $(seq 150); do monitor_sql "SELECT 1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "ha.sh: the monitor did not start" >&2
  tail -20 "$base/monitor.log" >&2
  exit 1
}

# Node $1 (index $2): `pg_autoctl create postgres --run` on first use (the first node
# becomes the primary; a later one clones it with pg_basebackup and follows it), else
# `pg_autoctl run`, which makes a failed primary rejoin as a standby (pg_rewind).
start_node() {
  local name=$1 i=$2
  running "$name" && return 0
  if [[ ! -f "$base/$name/PG_VERSION" ]]; then
    pg_autoctl create postgres --pgdata "$base/$name" --pgport "${ports[$i]}" \
      --listen 127.0.0.1 --hostname 127.0.0.1 --name "$name" --dbname tokenclear \
      --auth trust --no-ssl --pgctl "$bin/pg_ctl" --monitor "$(monitor_uri)" \
      --replication-quorum true --candidate-priority 50 >>"$base/$name.log" 2>&1 ||
      { tail -20 "$base/$name.log" >&2; exit 1; }
    local setting
    for setting in "${keeper_settings[@]}"; do
      # shellcheck disable=SC2086  # "key value"
      pg_autoctl config set --pgdata "$base/$name" $setting >>"$base/$name.log"
    done
  fi
  launch "$name" run --pgdata "$base/$name"
}

start() {
  mkdir -p "$base/xdg/config" "$base/xdg/data" "$base/xdg/run"
  ((${#as_pg[@]})) && chown -R postgres:postgres "$base"
  chmod 700 "$base/xdg/run"
  start_monitor
  start_node node1 0
  # The second node is created only once the first is the primary it will clone. Its
  # pg_basebackup asks for a spread checkpoint, which writes a page per 0.1 s on a nearly
  # idle cluster (a minute and more for the pages of a fresh database); an immediate
  # CHECKPOINT requested meanwhile makes it finish at full speed, so one is asked for each
  # second until the clone is there.
  if [[ ! -f "$base/node2/PG_VERSION" ]]; then
    wait_for "SELECT count(*) = 1 FROM pgautofailover.node WHERE reportedstate IN
                ('single', 'primary', 'wait_primary')" "$wait_seconds" "the first primary"
    for _ in $(seq "$wait_seconds"); do
      [[ -f "$base/node2/PG_VERSION" ]] && break
      "$bin/psql" -X -q -h 127.0.0.1 -p "${ports[0]}" -U postgres -d tokenclear -c CHECKPOINT \
        >/dev/null 2>&1 || true
      sleep 1
    done &
    local hurry=$!
    start_node node2 1
    kill "$hurry" 2>/dev/null || true
    wait "$hurry" 2>/dev/null || true
  fi
  start_node node2 1
  wait_for "SELECT count(*) FILTER (WHERE reportedstate = 'primary' AND goalstate = 'primary') = 1
                AND count(*) FILTER (WHERE reportedstate = 'secondary'
                                     AND goalstate = 'secondary') = 1
              FROM pgautofailover.node" "$wait_seconds" "a primary and a secondary"
  url
}

# The folder name (node1 or node2) of the node the monitor holds as primary.
primary_name() {
  monitor_sql "SELECT nodename FROM pgautofailover.node
               WHERE goalstate IN ('primary', 'wait_primary', 'single') ORDER BY nodeid LIMIT 1"
}

# A lost host: the keeper's whole process group (pg_autoctl and the postgres it supervises)
# and every postgres process of the node's data folder (backends are process group leaders
# of their own) get SIGKILL at once, so that nothing restarts it and no backend lingers.
kill_node() {
  local name=$1 pids=()
  [[ -f "$base/$name.keeper.pid" ]] && pids+=("-$(cat "$base/$name.keeper.pid")")
  if [[ -f "$base/$name/postmaster.pid" ]]; then
    local postmaster
    postmaster=$(head -1 "$base/$name/postmaster.pid")
    if kill -0 "$postmaster" 2>/dev/null; then
      pids+=("$postmaster")
      mapfile -t -O "${#pids[@]}" pids < <(pgrep -P "$postmaster" || true)
    fi
  fi
  if ((${#pids[@]})); then kill -9 -- "${pids[@]}" 2>/dev/null || true; fi
  rm -f "$base/$name.keeper.pid"
}

kill_primary() {
  local name
  name=$(primary_name)
  [[ -n "$name" ]] || { echo "ha.sh: the monitor knows no primary" >&2; exit 1; }
  kill_node "$name"
  echo "$name"
}

# Graceful: SIGTERM to each keeper, which stops its postgres: the secondary first, so that
# the monitor never sees a primary go while a standby could be promoted, then the primary,
# then the monitor.
stop() {
  local name primary order=()
  primary=$(primary_name 2>/dev/null || true)
  for name in "${nodes[@]}"; do [[ "$name" != "$primary" ]] && order+=("$name"); done
  [[ -n "$primary" ]] && order+=("$primary")
  for name in "${order[@]}" monitor; do
    running "$name" || continue
    kill -TERM -- "-$(cat "$base/$name.keeper.pid")" 2>/dev/null || true
    for _ in $(seq 150); do running "$name" || break; sleep 0.2; done
    running "$name" && kill_node "$name"
    rm -f "$base/$name.keeper.pid"
  done
  return 0
}

destroy() {
  local name
  for name in "${nodes[@]}" monitor; do kill_node "$name"; done
  rm -rf -- "$base"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  state) pg_autoctl show state --pgdata "$base/monitor" ;;
  kill-primary) kill_primary ;;
  url) url ;;
  destroy) destroy ;;
  *) echo "usage: ha.sh start|stop|state|kill-primary|url|destroy" >&2; exit 2 ;;
esac
