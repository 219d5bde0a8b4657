#!/usr/bin/env bash
# Installs the Debian 12 packages tokenclear needs (only when one is missing, so a
# second run is quick) and builds the project into build/.
#
#   deploy/setup.sh                        # install + build (RelWithDebInfo)
#   TOKENCLEAR_WERROR=ON deploy/setup.sh   # warnings as errors (the test command sets it)
#   TOKENCLEAR_BUILD_TYPE=Debug deploy/setup.sh
#   TOKENCLEAR_SANITIZERS=ON deploy/setup.sh  # also clang's sanitizers and libFuzzer (test.sh)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libpqxx-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  prometheus-cpp-dev
  postgresql-15 postgresql-client-15 libxml2-dev libxml2-utils openssl
  postgresql-15-auto-failover pg-auto-failover-cli
  python3-grpcio python3-protobuf prometheus
)
# The test command's second build (build-asan/): clang 14, its sanitizer and libFuzzer
# runtimes, and llvm-symbolizer for readable stacks.
if [[ "${TOKENCLEAR_SANITIZERS:-}" == ON ]]; then
  packages+=(clang-14 libclang-rt-14-dev llvm-14)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${TOKENCLEAR_BUILD_DIR:-$repo/build}
# Options are passed only when asked for, so that the run command after the test command
# (or the other way round) does not change a cached flag and rebuild everything.
options=()
[[ -n "${TOKENCLEAR_BUILD_TYPE:-}" ]] && options+=("-DCMAKE_BUILD_TYPE=$TOKENCLEAR_BUILD_TYPE")
[[ -n "${TOKENCLEAR_WERROR:-}" ]] && options+=("-DTOKENCLEAR_WERROR=$TOKENCLEAR_WERROR")
cmake -S "$repo" -B "$build_dir" "${options[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
