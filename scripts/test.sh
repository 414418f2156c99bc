#!/usr/bin/env bash
# The README's second command: installs what is needed, builds everything and runs the whole
# test suite (C++ core and storage, C ABI, CLI, Python, crash and fault tests) through ctest,
# then a 60-second libFuzzer smoke run of every fuzz target (scripts/fuzz.sh smoke; clang and
# its sanitizer runtime are installed by that script), then a smoke run of the benchmark
# harness (bench/run.sh --quick: it must build and run end to end; its tiny figures are not
# judged, so a missed target, exit status 3, does not fail the tests).
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
status=0
"$root/bench/run.sh" --quick >"${CPEP_BUILD_DIR:-$root/build}/bench-quick.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  cat "${CPEP_BUILD_DIR:-$root/build}/bench-quick.log" >&2
  echo "test.sh: bench/run.sh --quick failed (exit $status)" >&2
  exit 1
fi
echo "test.sh: bench/run.sh --quick ran end to end (figures in ${CPEP_BUILD_DIR:-$root/build}/bench-quick.log)"
