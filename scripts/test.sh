#!/usr/bin/env bash
# The README's second command: installs what is needed, builds everything and runs the whole
# test suite (C++ core and storage, C ABI, CLI, Python, crash and fault tests) through ctest,
# then a 60-second libFuzzer smoke run of every fuzz target (scripts/fuzz.sh smoke; clang and
# its sanitizer runtime are installed by that script).
# Environment: CPEP_FUZZ_SMOKE_SECONDS (default 60; 0 skips the fuzz smoke run, for local
# iterations only: CI runs it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
(cd "${CPEP_BUILD_DIR:-$root/build}" && ctest --output-on-failure -j"${CPEP_JOBS:-2}" --timeout 600)
seconds="${CPEP_FUZZ_SMOKE_SECONDS:-60}"
[ -n "${CI:-}" ] && [ "$seconds" -lt 60 ] && seconds=60   # CI never runs a weaker smoke test
if [ "$seconds" != 0 ]; then
  "$root/scripts/fuzz.sh" smoke "$seconds"
fi
