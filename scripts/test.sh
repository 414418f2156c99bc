#!/usr/bin/env bash
# The README's second command: installs what is needed, builds everything and runs the whole
# test suite (C++ core and storage, C ABI, CLI, Python) through ctest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${CPEP_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j"${CPEP_JOBS:-2}" --timeout 600
