#!/usr/bin/env bash
# Metrics and logs, end to end, with the real parts: Debian's Prometheus server scrapes the
# real tokenclear_server's /metrics and answers PromQL queries about calls made over mutual
# TLS; and one call is followed across the client (its x-request-id trailer), the server's
# JSON log line, the audit log row and the Prometheus counter.
#
# Checked: the query answers equal the calls made (3 OK GetPositions, 1 PERMISSION_DENIED
# CheckLedger by a member), trades accepted equal tradesim's count, the pool and
# flag gauges are there, Prometheus sees the target up; every line the server wrote to
# stderr is one JSON object with time and level, and the access line of the refused call
# names its principal, method, status and duration.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${TOKENCLEAR_BUILD_DIR:?run through ctest}
: "${TOKENCLEAR_TEST_PG_URL:?run through deploy/test.sh}"
pg_server=${TOKENCLEAR_TEST_PG_URL%/*}
prometheus=$(command -v prometheus || echo /usr/bin/prometheus)
[[ -x $prometheus ]] || { echo "FAIL: Debian's prometheus is not installed (deploy/setup.sh)" >&2; exit 1; }
db="metrics_e2e_$$"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf -- "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  tail -5 "$work/server.log" >&2 || true
  exit 1
}
# Up to `tries` seconds for `command` to succeed.
retry() {
  local tries=$1
  shift
  for ((i = 0; i < tries; i++)); do "$@" && return 0; sleep 1; done
  return 1
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

psql -q "$pg_server/postgres" -c "CREATE DATABASE $db"
bash "$repo/deploy/certs.sh" "$work/tls" cm01-ops >/dev/null

# The server on free ports (gRPC and metrics: port 0), its ports read from its JSON log.
admin=test-metrics-admin-token-01
TOKENCLEAR_ADMIN_TOKEN=$admin TOKENCLEAR_METRICS_LISTEN=127.0.0.1:0 \
  "$build/services/tokenclear_server" --listen=127.0.0.1:0 --pg_url="$pg_server/$db" \
  --tls_cert="$work/tls/server.pem" --tls_key="$work/tls/server.key" \
  --tls_client_ca="$work/tls/ca.pem" 2>"$work/server.log" &
pids+=($!)
retry 60 grep -q '"event":"serving"' "$work/server.log" || fail "the server did not start"
serving=$(grep '"event":"serving"' "$work/server.log")
port=$(sed -E 's/.*"port":([0-9]+).*/\1/' <<<"$serving")
metrics_port=$(sed -E 's/.*"metrics_port":([0-9]+).*/\1/' <<<"$serving")
((metrics_port > 0)) || fail "no metrics port in: $serving"
listen=127.0.0.1:$port

export TOKENCLEAR_TARGET=$listen TOKENCLEAR_TLS_CA="$work/tls/ca.pem"
clearctl=("$build/tools/clearctl")
"${clearctl[@]}" wait-ready --timeout_s=60 >/dev/null
"${clearctl[@]}" --token=$admin seed "$repo/deploy/seed/sample.textproto" \
  --business_date=2026-12-28 >/dev/null
"${clearctl[@]}" --token=$admin cert map tokenclear:principal:cm01-ops cm01-ops >/dev/null
trades=300
"$build/tools/tradesim" --token=dev-exchange-token-0001 --events=$trades --mode=batch \
  >/dev/null

client() {
  /usr/bin/python3 "$repo/tests/grpc_reflection_client.py" --target=$listen \
    --ca="$work/tls/ca.pem" --cert="$work/tls/clients/cm01-ops.pem" \
    --key="$work/tls/clients/cm01-ops.key" "$@"
}
for _ in 1 2 3; do
  client --method=tokenclear.v1.MemberService/GetPositions \
    --request='{"business_date": "2026-12-28"}' >/dev/null
done
# A member may not check the ledger: refused, and that refusal is followed below.
client --show_request_id --method=tokenclear.v1.LedgerService/CheckLedger 2>"$work/refused.txt" &&
  fail "a member checked the ledger"
request_id=$(sed -n 's/^x-request-id: //p' "$work/refused.txt")
[[ $request_id =~ ^[0-9a-f]{16}$ ]] || fail "no x-request-id trailer: $(cat "$work/refused.txt")"

# 1. The client's request ID is the audit row's...
audit=$(psql -qAt "$pg_server/$db" -c "SELECT principal_id || ' ' || action || ' ' || outcome
  FROM audit_log WHERE request_id = '$request_id'")
[[ $audit == "cm01-ops CheckLedger PERMISSION_DENIED" ]] || fail "audit row of $request_id: '$audit'"
# 2. ...and the log line's.
line=$(grep "\"request_id\":\"$request_id\"" "$work/server.log") || fail "no log line for $request_id"
/usr/bin/python3 - "$line" <<'EOF' || fail "access line: $line"
import json, sys
entry = json.loads(sys.argv[1])
assert entry["level"] == "info" and entry["principal"] == "cm01-ops", entry
assert entry["method"] == "CheckLedger" and entry["status"] == "PERMISSION_DENIED", entry
assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0, entry
assert entry["time"].endswith("Z") or "+00:00" in entry["time"], entry
EOF
# Every line the server wrote is a JSON object with time and level.
/usr/bin/python3 - "$work/server.log" <<'EOF' || fail "a log line is not JSON with time and level"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) > 10, len(lines)
for line in lines:
    entry = json.loads(line)
    assert {"time", "level"} <= entry.keys(), line
EOF

# 3. The endpoint itself, read directly.
curl_metrics() { /usr/bin/python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$metrics_port/metrics', timeout=5).read().decode())"; }
exposition=$(curl_metrics)
for name in tokenclear_rpc_duration_seconds_bucket tokenclear_trade_batch_commit_seconds_count \
  'tokenclear_db_connections{state="in_use"}' tokenclear_db_connections_max \
  tokenclear_db_acquires_total tokenclear_failure_to_pay_flags tokenclear_stale_index_flags \
  tokenclear_database_up tokenclear_process_resident_memory_bytes; do
  grep -qF "$name" <<<"$exposition" || fail "/metrics has no $name"
done

# 4. A real Prometheus scrapes it, and PromQL answers with the calls made.
prom_port=$(free_port)
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: tokenclear
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
EOF
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
# The value of a PromQL query (one series), or nothing yet.
query() {
  /usr/bin/python3 - "$prom_port" "$1" <<'EOF'
import json, sys, urllib.parse, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[2]})
try:
    answer = json.load(urllib.request.urlopen(url, timeout=5))
except OSError:
    sys.exit(0)
for series in answer["data"]["result"]:
    print(series["value"][1])
EOF
}
expect() {  # expect QUERY VALUE: within 60 s
  local got=""
  for ((i = 0; i < 60; i++)); do
    got=$(query "$1")
    [[ $got == "$2" ]] && { echo "prometheus: $1 = $got"; return 0; }
    sleep 1
  done
  tail -5 "$work/prometheus.log" >&2
  fail "prometheus: $1 = '$got', expected $2"
}
expect 'up{job="tokenclear"}' 1
expect 'sum(tokenclear_rpc_requests_total{method="GetPositions",code="OK"})' 3
expect 'sum(tokenclear_rpc_requests_total{method="CheckLedger",code="PERMISSION_DENIED"})' 1
expect 'sum(tokenclear_trades_total{outcome="accepted"})' $trades
expect 'tokenclear_db_connections_max' 8
expect 'tokenclear_database_up' 1
expect 'tokenclear_failure_to_pay_flags' 0
expect 'sum(tokenclear_rpc_duration_seconds_count{method="GetPositions"})' 3
echo "metrics_e2etest: ok (request $request_id followed across client, log, audit and Prometheus)"
