#!/usr/bin/env bash
# The README's first command: installs what is needed, builds the engine and its CLI, and runs the
# Graph documentation's create example (examples/create-request.http) through `cpep http`
# against the default database ./cpep.db, with the engine's clock frozen at the documentation's
# instant so the answer can be compared with examples/create-response.http.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
build="${CPEP_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CPEP_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" -j"${CPEP_JOBS:-2}" --target cpep_cli
tenant="${CPEP_DEMO_TENANT:-72f988bf-86f1-41af-91ab-2d7cd011db47}"
echo "\$ cpep --db ./cpep.db --now 2020-11-03T12:43:14Z http --tenant $tenant --as app < examples/create-request.http" >&2
status=0
"$build/bin/cpep" --db ./cpep.db --now 2020-11-03T12:43:14Z http --tenant "$tenant" --as app \
  < "$root/examples/create-request.http" || status=$?
# 0: 201 Created. 1: the engine answered an HTTP error (a second run answers 409 Conflict: the
# partnerId already exists in this tenant of ./cpep.db). Anything else is a real failure.
[ "$status" -le 1 ] || exit "$status"
