#!/usr/bin/env bash
# The wall between the pure domain and transport/storage (cmake/Tokenclear.cmake) is
# enforced by CMake, not by convention: configuring a project in which a DOMAIN target
# links gRPC, or a DOMAIN source includes libpqxx, must fail; a clean one must pass.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Writes a one-target project; $1 = extra DEPS of the domain target, $2 = source include.
project() {
  local dir=$work/$3
  mkdir -p "$dir"
  printf '#include %s\nint Domain() { return 1; }\n' "$2" >"$dir/domain.cc"
  cat >"$dir/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(boundary LANGUAGES CXX)
find_package(gRPC CONFIG REQUIRED)
include(CTest)
include($repo/cmake/Tokenclear.cmake)
tc_library(NAME tc_fake_domain DOMAIN SRCS domain.cc DEPS $1)
tc_check_domain_boundaries()
CMAKE
  echo "$dir"
}

configure() { cmake -S "$1" -B "$1/build" >"$1/log" 2>&1; }
passed=0
expect_refused() {
  if configure "$1"; then echo "domain_boundary_test: $2 was accepted" >&2; exit 1; fi
  # CMake wraps long messages: compare with the white space folded.
  tr -s ' \n' ' ' <"$1/log" | grep -qF "$3" || { cat "$1/log" >&2; exit 1; }
  passed=$((passed + 1))
}

clean=$(project "" "<cstdint>" clean)
configure "$clean" || { cat "$clean/log" >&2; exit 1; }
passed=$((passed + 1))
expect_refused "$(project "gRPC::grpc++" "<cstdint>" links)" "linking gRPC" \
  "domain target tc_fake_domain links gRPC::grpc++"
expect_refused "$(project "" "<pqxx/pqxx>" includes)" "including libpqxx" \
  "includes transport or storage"
echo "domain_boundary_test: $passed passed, 0 failed"
