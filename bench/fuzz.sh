#!/usr/bin/env bash
# Runs a libFuzzer target (or all of them, one after the other) for as long as asked,
# growing a corpus that persists between runs outside the checkout, and prints the
# executions, the corpus size and the crashes found. Builds the sanitizer build
# (build-asan/, clang) first when needed. A crash input found should be copied into
# fuzz/regressions/TARGET/ (fuzz/regressions/README.md).
#
#   bench/fuzz.sh spn_reader_fuzz 300       # five minutes
#   bench/fuzz.sh all 600                   # every target, ten minutes each
#   TOKENCLEAR_FUZZ_DIR=/data/fuzz bench/fuzz.sh trade_request_fuzz 3600
#
# Corpus and crashes: $TOKENCLEAR_FUZZ_DIR/TARGET/{corpus,crashes}, by default
# ~/.cache/tokenclear-fuzz. Extra arguments after SECONDS go to libFuzzer (-jobs=2 ...).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# Every *_fuzz.cc beside the code is a target of the same name (cmake/Tokenclear.cmake).
mapfile -t targets < <(find "$repo" -name '*_fuzz.cc' -not -path "$repo/build*" \
  -not -path "$repo/.pgdata/*" -printf '%f\n' | sed 's/\.cc$//' | sort)
usage="usage: bench/fuzz.sh TARGET|all SECONDS [libFuzzer flags...]; targets: ${targets[*]}"
target=${1:?$usage}
seconds=${2:?$usage}
shift 2
[[ $seconds =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
if [[ $target == all ]]; then
  selected=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $target "* ]]; then
  selected=("$target")
else
  echo "$usage" >&2
  exit 2
fi

build=${TOKENCLEAR_ASAN_BUILD_DIR:-$repo/build-asan}
work=${TOKENCLEAR_FUZZ_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tokenclear-fuzz}
if [[ ! -f $build/CMakeCache.txt ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$repo" -B "$build" -DTOKENCLEAR_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=Debug >/dev/null
fi
nice -n 10 cmake --build "$build" -j"$(nproc)" --target "${selected[@]}" fuzz_seeds_written \
  >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:report_error_type=1}
symbolizer=/usr/lib/llvm-14/bin/llvm-symbolizer
[[ -x $symbolizer ]] && export ASAN_SYMBOLIZER_PATH=$symbolizer

failed=0
for t in "${selected[@]}"; do
  corpus=$work/$t/corpus
  crashes=$work/$t/crashes
  mkdir -p "$corpus" "$crashes"
  inputs=("$corpus" "$build/fuzz/seeds/$t")
  [[ -d $repo/fuzz/regressions/$t ]] && inputs+=("$repo/fuzz/regressions/$t")
  flags=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$crashes/")
  [[ -f $repo/fuzz/dicts/$t.dict ]] && flags+=(-dict="$repo/fuzz/dicts/$t.dict")
  log=$work/$t/last_run.log
  before=$(find "$crashes" -type f | wc -l)
  echo "fuzz.sh: $t for $seconds s (corpus $corpus, log $log)"
  status=0
  started=$SECONDS
  "$build/fuzz/$t" "${flags[@]}" "$@" "${inputs[@]}" >"$log" 2>&1 || status=$?
  elapsed=$((SECONDS - started))
  # libFuzzer's final statistics (-print_final_stats=1).
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  runs=$(stat number_of_executed_units)
  found=$(($(find "$crashes" -type f | wc -l) - before))
  printf '%s: %s executions in %s s (%s/s), corpus %s inputs, %s new crash input(s), exit %s\n' \
    "$t" "${runs:-?}" "$elapsed" "$(stat average_exec_per_sec)" \
    "$(find "$corpus" -type f | wc -l)" "$found" "$status"
  if ((status != 0)); then
    failed=1
    grep -m3 -E 'ERROR: |FUZZ CHECK FAILED|runtime error' "$log" || true
    ls -t "$crashes" | head -3 | sed "s|^|  $crashes/|"
  fi
done
exit $failed
