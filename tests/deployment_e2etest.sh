#!/usr/bin/env bash
# The deployment files (docs/DEPLOYMENT.md), checked against the real binaries:
#   1. every setting of the README's configuration table is in deploy/tokenclear.conf,
#      and every variable there is one the server or its unit reads;
#   2. deploy/systemd/*.service pass `systemd-analyze verify` (with the unit's binaries
#      pointed at this build) and print no warning; skipped, saying so, without it;
#   3. deploy/install.sh installs into a staging root (TOKENCLEAR_INSTALL_ROOT) and keeps
#      an edited configuration on a second run;
#   4. the real tokenclear_server started with nothing but the configuration file's
#      environment (a copy with a free port, this test's TLS files and a fresh database in
#      the shared test cluster, TOKENCLEAR_TEST_PG_URL): the unit's own readiness command
#      (its ExecStartPost line) fails before the start, succeeds once it is up, and fails
#      again after SIGTERM, which the server answers by draining and exiting 0.
#
#   TOKENCLEAR_BUILD_DIR=build TOKENCLEAR_TEST_PG_URL=postgresql://... tests/deployment_e2etest.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${TOKENCLEAR_BUILD_DIR:?run through ctest}" && pwd)
: "${TOKENCLEAR_TEST_PG_URL:?run through deploy/test.sh}"
pg_server=${TOKENCLEAR_TEST_PG_URL%/*}
conf=$repo/deploy/tokenclear.conf
unit=$repo/deploy/systemd/tokenclear.service
server_binary=$build/services/tokenclear_server
clearctl=$build/tools/clearctl
db="deployment_e2e_$$"
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  PGOPTIONS="-c client_min_messages=warning" psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf -- "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  tail -5 "$work/server.log" >&2 2>/dev/null || true
  exit 1
}

# 1. The README's table against the configuration file.
table=$(sed -n '/^| Setting | Flag \/ variable | Default |$/,/^$/p' "$repo/README.md")
[[ -n $table ]] || fail "no configuration table in README.md"
readme_vars=$(grep -o 'TOKENCLEAR_[A-Z_]*' <<<"$table" | sort -u)
(($(wc -l <<<"$readme_vars") >= 14)) || fail "too few settings read from the README: $readme_vars"
for var in $readme_vars; do
  grep -Eq "^#?$var=" "$conf" || fail "$var (README configuration table) is not in deploy/tokenclear.conf"
done
# Every variable set there is the server's (its --help names them all via main.cc's
# table) or the unit's readiness check's.
server_vars=$(grep -o '"TOKENCLEAR_[A-Z_]*"' "$repo/services/server/main.cc" | tr -d '"' | sort -u)
for var in $(grep -Eo '^#?TOKENCLEAR_[A-Z_]*=' "$conf" | tr -d '#=' | sort -u); do
  grep -qx "$var" <<<"$server_vars$(printf '\n%s' $readme_vars)" && continue
  grep -q "\${$var}" "$unit" || fail "$var in deploy/tokenclear.conf is read by neither the server nor the unit"
done
echo "ok: the $(wc -l <<<"$readme_vars") settings of the README's table are in deploy/tokenclear.conf"

# 2. The units, with their binaries pointed at this build.
if command -v systemd-analyze >/dev/null; then
  mkdir "$work/units"
  for file in "$repo"/deploy/systemd/*; do
    sed -e "s#/usr/local/bin/tokenclear_server#$server_binary#" \
      -e "s#/usr/local/bin/clearctl#$clearctl#" "$file" >"$work/units/$(basename "$file")"
  done
  if ! systemd-analyze verify "$work"/units/*.service >"$work/verify.txt" 2>&1 ||
    [[ -s $work/verify.txt ]]; then
    fail "systemd-analyze verify: $(cat "$work/verify.txt")"
  fi
  exposure=$(systemd-analyze security --offline=true "$work/units/tokenclear.service" 2>&1 |
    grep -o 'Overall exposure level.*' || true)
  echo "ok: systemd-analyze verify passes; $exposure"
else
  echo "skipped: systemd-analyze is not installed here, the units were not verified"
fi

# 3. install.sh into a staging root, twice: an edited configuration is kept.
stage=$work/stage
TOKENCLEAR_INSTALL_ROOT=$stage bash "$repo/deploy/install.sh" "$build" >/dev/null
for path in usr/local/bin/tokenclear_server usr/local/bin/clearctl \
  etc/systemd/system/tokenclear.service etc/tokenclear/tokenclear.conf; do
  [[ -e $stage/$path ]] || fail "install.sh did not install /$path"
done
echo "# edited" >>"$stage/etc/tokenclear/tokenclear.conf"
TOKENCLEAR_INSTALL_ROOT=$stage bash "$repo/deploy/install.sh" "$build" >/dev/null
grep -q '^# edited$' "$stage/etc/tokenclear/tokenclear.conf" || fail "install.sh overwrote an edited configuration"
echo "ok: install.sh installs, and keeps an edited configuration"

# 4. The server from the configuration file alone (a copy: this test's port, TLS files and
# database), ready only once it is up.
psql -q "$pg_server/postgres" -c "CREATE DATABASE $db"
bash "$repo/deploy/certs.sh" "$work/tls" >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s#^TOKENCLEAR_LISTEN=.*#TOKENCLEAR_LISTEN=127.0.0.1:$port#" \
  -e "s#^TOKENCLEAR_HEALTH_TARGET=.*#TOKENCLEAR_HEALTH_TARGET=127.0.0.1:$port#" \
  -e "s#^TOKENCLEAR_PG_URL=.*#TOKENCLEAR_PG_URL=$pg_server/$db#" \
  -e "s#/etc/tokenclear/tls/#$work/tls/#" \
  -e "s#^TOKENCLEAR_TLS_CLIENT_CA=.*#TOKENCLEAR_TLS_CLIENT_CA=$work/tls/ca.pem#" \
  -e "s#^TOKENCLEAR_ADMIN_TOKEN=.*#TOKENCLEAR_ADMIN_TOKEN=deployment-admin-token-0001#" \
  "$conf" >"$work/tokenclear.conf"
# The unit's readiness command, as systemd runs it: ${VAR} from the configuration file.
ready_line=$(sed -n '/^ExecStartPost=/,/[^\\]$/p' "$unit" | sed -e 's/^ExecStartPost=//' -e 's/\\$//' | tr -d '\n')
[[ $ready_line == *" health "* ]] || fail "the unit's ExecStartPost is not the readiness check: $ready_line"
ready_line=${ready_line/--wait_seconds=60/--wait_seconds=\$WAIT}
ready_line=${ready_line//\/usr\/local\/bin\/clearctl/$clearctl}
ready() {  # exit status of the unit's readiness check, waiting up to $1 seconds
  env -i PATH=/usr/bin:/bin WAIT="$1" bash -c "set -a; . '$work/tokenclear.conf'; set +a; $ready_line" \
    >>"$work/ready.txt" 2>&1
}
ready 0 && fail "ready before the server started"
env -i PATH=/usr/bin:/bin bash -c "set -a; . '$work/tokenclear.conf'; set +a; exec '$server_binary'" \
  2>"$work/server.log" &
server_pid=$!
started=$(date +%s%N)
ready 60 || fail "not ready within 60 s: $(tail -2 "$work/ready.txt")"
echo "ok: ready $((($(date +%s%N) - started) / 1000000)) ms after the start (the unit's ExecStartPost check)"
grep -q '"event":"serving"' "$work/server.log" || fail "no serving line"
# The configuration took effect: TLS with mutual TLS, the bootstrap admin, the log level.
"$clearctl" --target=127.0.0.1:$port --tls_ca="$work/tls/ca.pem" --tls_cert= --tls_key= \
  --token=deployment-admin-token-0001 token list >/dev/null || fail "the admin token from the file"
"$clearctl" --target=127.0.0.1:$port --tls_cert= --tls_key= health >/dev/null 2>&1 &&
  fail "the server answered plaintext"
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
((status == 0)) || fail "the server exited $status on SIGTERM"
ready 0 && fail "ready after the server stopped"
echo "ok: not ready before the start, ready once up, not ready after SIGTERM (exit 0)"
