#!/usr/bin/env bash
# The test command (README, and .ci/run): installs what is missing, builds with warnings
# as errors, starts a throwaway PostgreSQL cluster ("test", port 55433), runs every test
# with ctest (pure unit tests, tests against the real PostgreSQL, end-to-end tests through
# real gRPC servers and the real binaries), then stops PostgreSQL.
#
#   deploy/test.sh                 # everything
#   deploy/test.sh -L unit         # extra arguments go to ctest
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

TOKENCLEAR_WERROR=ON "$repo/deploy/setup.sh"

url=$("$repo/deploy/pg.sh" start test)
trap '"$repo/deploy/pg.sh" stop test' EXIT
export TOKENCLEAR_TEST_PG_URL="$url"

cd "${TOKENCLEAR_BUILD_DIR:-$repo/build}"
ctest --output-on-failure --timeout 900 -j"$(nproc)" "$@"
