#!/usr/bin/env bash
# Configures and builds cpep into build/ (or $CPEP_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CPEP_BUILD_DIR:-$root/build}"
jobs="${CPEP_JOBS:-2}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CPEP_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build" -j"$jobs"
