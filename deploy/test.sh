#!/usr/bin/env bash
# The test command (README, and .ci/run): installs what is missing, builds with warnings
# as errors, starts a throwaway PostgreSQL cluster ("test", port 55433), runs every test
# with ctest (pure unit tests, tests against the real PostgreSQL, end-to-end tests through
# real gRPC servers and the real binaries); then the sanitizer phase: builds everything
# again with clang, AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/, runs
# the unit and PostgreSQL tests there against the same PostgreSQL, and runs every libFuzzer
# target for a bounded time (docs/RELIABILITY.md); then stops PostgreSQL.
#
#   deploy/test.sh                                  # everything
#   deploy/test.sh -L unit                          # extra arguments go to the first ctest
#   TOKENCLEAR_SKIP_SANITIZERS=1 deploy/test.sh     # no sanitizer phase (quick local runs)
#   TOKENCLEAR_FUZZ_SECONDS=10 deploy/test.sh       # per fuzz target (default 60)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

sanitizers=ON
[[ "${TOKENCLEAR_SKIP_SANITIZERS:-0}" == 1 ]] && sanitizers=OFF
TOKENCLEAR_WERROR=ON TOKENCLEAR_SANITIZERS=$sanitizers "$repo/deploy/setup.sh"

url=$("$repo/deploy/pg.sh" start test)
trap '"$repo/deploy/pg.sh" stop test' EXIT
export TOKENCLEAR_TEST_PG_URL="$url"

cd "${TOKENCLEAR_BUILD_DIR:-$repo/build}"
ctest --output-on-failure --timeout 900 -j"$(nproc)" "$@"

[[ $sanitizers == ON ]] || exit 0

# Sanitizer phase. -O1 and line tables only (CMakeLists.txt, TOKENCLEAR_SANITIZE).
asan_dir=${TOKENCLEAR_ASAN_BUILD_DIR:-$repo/build-asan}
started=$SECONDS
echo "test.sh: sanitizer build in $asan_dir (clang, ASan + UBSan, libFuzzer targets)"
CC=clang-14 CXX=clang++-14 cmake -S "$repo" -B "$asan_dir" -DTOKENCLEAR_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=Debug -DTOKENCLEAR_FUZZ_SECONDS="${TOKENCLEAR_FUZZ_SECONDS:-60}" >/dev/null
cmake --build "$asan_dir" -j"$(nproc)"
built=$SECONDS

# Any finding aborts the test with a symbolized stack. Leak detection stays on: the unit
# and PostgreSQL tests, gRPC and protobuf included, run clean with it, but for one leak
# inside libpq itself when the database goes away (deploy/lsan.supp says which and why).
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1:print_summary=1
export LSAN_OPTIONS=suppressions=$repo/deploy/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:report_error_type=1
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
[[ -x $symbolizer ]] && export ASAN_SYMBOLIZER_PATH=$symbolizer UBSAN_SYMBOLIZER_PATH=$symbolizer

cd "$asan_dir"
# Unit and PostgreSQL tests, and the fuzz regressions (label unit). Not end-to-end tests
# (they measure the real binaries, which the first run tested), nor domain_boundary_test,
# a script that configures CMake projects and runs no compiled code.
ctest --output-on-failure --timeout 900 -j"$(nproc)" -L 'unit|pg' -E '^domain_boundary_test$'
tested=$SECONDS
# Every fuzz target for TOKENCLEAR_FUZZ_SECONDS; a crash fails and is kept in fuzz/artifacts/.
ctest --output-on-failure -j"$(nproc)" -L fuzz
awk '/^[0-9]+\/[0-9]+ Test: /{t=$3} /^stat::number_of_executed_units:/{n=$2}
     /^stat::average_exec_per_sec:/{printf "test.sh: %s: %s executions (%s/s)\n", t, n, $2}' \
  Testing/Temporary/LastTest.log
echo "test.sh: sanitizer phase: build $((built - started)) s, unit+pg tests $((tested - built)) s," \
  "fuzzing $((SECONDS - tested)) s"
