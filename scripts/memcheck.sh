#!/usr/bin/env bash
# valgrind memcheck over the C ABI test programs (tests/c): the strict-C99 header test and the
# GoogleTest suites that drive libcpep.so only through cpep_* calls. Any invalid access, use of
# uninitialised memory, or memory definitely or indirectly lost fails the command; each
# program's ERROR SUMMARY and LEAK SUMMARY are printed at the end.
#
#   scripts/memcheck.sh [gtest filter]     e.g. scripts/memcheck.sh 'c_api*:-*Concurrency*'
#
# Builds the programs it needs with the ordinary build (build/, or $CPEP_BUILD_DIR, configured
# as scripts/build.sh does). Logs go to <build>/memcheck/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CPEP_BUILD_DIR:-$root/build}"
jobs="${CPEP_JOBS:-2}"
filter="${1:-*}"

"$root/scripts/install-deps.sh" >/dev/null
if ! command -v valgrind >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "memcheck: installing valgrind" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends valgrind
fi

# The programs of tests/c/CMakeLists.txt (cpep_c_lock_holder is a helper the lock tests start).
programs=(cpep_c_header_test cpep_c_api_test)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${CPEP_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" -j"$jobs" --target "${programs[@]}" cpep_c_lock_holder

logs="$build/memcheck"
mkdir -p "$logs"
failed=0
for program in "${programs[@]}"; do
  args=()
  [ "$program" = cpep_c_api_test ] && args=(--gtest_filter="$filter")
  log="$logs/$program.log"
  echo "memcheck: $program ${args[*]:-}" >&2
  status=0
  # Run from the build directory, as ctest does; tests write their databases to temp dirs.
  (cd "$build" && valgrind --tool=memcheck --leak-check=full \
      --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
      --error-exitcode=1 --num-callers=40 --log-file="$log" \
      "$build/bin/$program" "${args[@]}") >"$logs/$program.out" 2>&1 || status=$?
  tail -3 "$logs/$program.out" | sed 's/^/    /' >&2
  if [ "$status" -ne 0 ]; then
    echo "memcheck: $program FAILED (exit $status); valgrind log: $log, output: $logs/$program.out" >&2
    failed=1
  fi
done

echo
for program in "${programs[@]}"; do
  echo "== $program"
  grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|All heap blocks were freed|in use at exit' \
    "$logs/$program.log" | sed 's/^==[0-9]*== /    /'
done
if [ "$failed" -eq 0 ]; then
  echo "memcheck: no leaks, no errors"
fi
exit "$failed"
