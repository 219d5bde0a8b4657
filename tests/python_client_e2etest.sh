#!/usr/bin/env bash
# A client from another ecosystem over mutual TLS: Debian's python3-grpcio, with no code
# generated from our protos (tests/grpc_reflection_client.py learns the API from server
# reflection), calls a member RPC with a client certificate made by deploy/certs.sh and
# mapped to the member's principal. Its answer must equal what the C++ client (clearctl,
# over TLS with the member's token) gets; another member's account is refused exactly as a
# missing one is; an unmapped certificate is unauthenticated; a client certificate from
# another CA never gets a call through; a plaintext client cannot connect.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${TOKENCLEAR_BUILD_DIR:?run through ctest}
: "${TOKENCLEAR_TEST_PG_URL:?run through deploy/test.sh}"
server=${TOKENCLEAR_TEST_PG_URL%/*}
db="python_e2e_$$"
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf -- "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
psql -q "$server/postgres" -c "CREATE DATABASE $db"

bash "$repo/deploy/certs.sh" "$work/tls" cm01-ops stranger >/dev/null
bash "$repo/deploy/certs.sh" "$work/other" cm01-ops >/dev/null
listen=127.0.0.1:50195
admin=test-python-admin-token-01
TOKENCLEAR_ADMIN_TOKEN=$admin "$build/services/tokenclear_server" --listen=$listen \
  --pg_url="$server/$db" --tls_cert="$work/tls/server.pem" --tls_key="$work/tls/server.key" \
  --tls_client_ca="$work/tls/ca.pem" 2>"$work/server.log" &
server_pid=$!
export TOKENCLEAR_TARGET=$listen TOKENCLEAR_TLS_CA="$work/tls/ca.pem"
clearctl=("$build/tools/clearctl")
"${clearctl[@]}" wait-ready --timeout_s=60 >/dev/null
"${clearctl[@]}" --token=$admin seed "$repo/deploy/seed/sample.textproto" \
  --business_date=2026-12-28 >/dev/null
"${clearctl[@]}" --token=$admin cert map tokenclear:principal:cm01-ops cm01-ops >/dev/null
"$build/tools/tradesim" --token=dev-exchange-token-0001 --events=400 --mode=batch \
  --allow_rejects >/dev/null

client() {
  /usr/bin/python3 "$repo/tests/grpc_reflection_client.py" --target=$listen \
    --ca="$work/tls/ca.pem" "$@"
}
cm01=(--cert="$work/tls/clients/cm01-ops.pem" --key="$work/tls/clients/cm01-ops.key")

# The member RPC with the certificate alone, against clearctl's answer over TLS + token.
python_json=$(client "${cm01[@]}" --method=tokenclear.v1.MemberService/GetPositions \
  --request='{"business_date": "2026-12-28"}')
cpp_json=$("${clearctl[@]}" --token=dev-member-CM01-token-0001 --json member positions \
  --date=2026-12-28)
normalize() { /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True, indent=1))'; }
normalize <<<"$python_json" >"$work/python.json"
normalize <<<"$cpp_json" >"$work/clearctl.json"
diff "$work/python.json" "$work/clearctl.json" >&2 || fail "python and clearctl disagree (above)"
positions=$(/usr/bin/python3 -c '
import json, sys
answer = json.load(sys.stdin)
rows = answer.get("positions", [])
assert answer["member_id"] == "CM01", answer
assert rows and all(r["account_id"].startswith("CM01-") for r in rows), rows
print(len(rows))' <<<"$python_json") || fail "not CM01's positions only: $python_json"
echo "python client: $positions CM01 positions, equal to clearctl's"

# Another member's account and a missing one: the same refusal, word for word.
theirs=$(client "${cm01[@]}" --method=tokenclear.v1.MemberService/GetPositions \
  --request='{"business_date": "2026-12-28", "account_id": "CM02-H"}' 2>&1 >/dev/null) && fail "CM02-H was answered"
missing=$(client "${cm01[@]}" --method=tokenclear.v1.MemberService/GetPositions \
  --request='{"business_date": "2026-12-28", "account_id": "NO-SUCH"}' 2>&1 >/dev/null) && fail "NO-SUCH was answered"
[[ $theirs == PERMISSION_DENIED:* && ${theirs//CM02-H/X} == "${missing//NO-SUCH/X}" ]] ||
  fail "refusals differ: '$theirs' vs '$missing'"

stranger=$(client --cert="$work/tls/clients/stranger.pem" --key="$work/tls/clients/stranger.key" \
  --method=tokenclear.v1.MemberService/GetPositions --request='{"business_date": "2026-12-28"}' 2>&1 >/dev/null) && fail "an unmapped certificate was answered"
[[ $stranger == "UNAUTHENTICATED: the client certificate 'stranger' is not mapped to a principal" ]] ||
  fail "unmapped certificate: $stranger"

other=$(client --cert="$work/other/clients/cm01-ops.pem" --key="$work/other/clients/cm01-ops.key" \
  --token=dev-member-CM01-token-0001 --method=tokenclear.v1.MemberService/GetPositions \
  --request='{"business_date": "2026-12-28"}' 2>&1 >/dev/null) && fail "another CA's certificate got through"
[[ $other == UNAVAILABLE:* ]] || fail "another CA's certificate: $other"

plain=$(TOKENCLEAR_TLS_CA= "${clearctl[@]}" --token=dev-member-CM01-token-0001 positions 2>&1) &&
  fail "a plaintext client was answered"
grep -q "UNAVAILABLE" <<<"$plain" || fail "plaintext client: $plain"
echo "python_client_e2etest: ok"
