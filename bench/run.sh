#!/usr/bin/env bash
# Builds cpep_bench_create in Release (build-bench/) and runs it.
#   bench/run.sh [benchmark options]       creates/s table, engine vs raw SQLite, both durability modes
#   bench/run.sh callgrind [N]             instructions per create under valgrind (default N=2000)
# Benchmark options: --rounds R (5), --full N (3000), --normal N (10000), --block B (100).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
data="$build/bench-data"   # on the build's disk: fsync on tmpfs would be free and flatter "full"

log="$build/build.log"
mkdir -p "$build"
if ! { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCPEP_BUILD_TESTS=OFF &&
       cmake --build "$build" --target cpep_bench_create -j2; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "bench/run.sh: build failed (log: $log)" >&2
  exit 1
fi
bench="$build/bin/cpep_bench_create"
mkdir -p "$data"

if [[ "${1:-}" != callgrind ]]; then
  exec "$bench" --dir "$data" "$@"
fi

command -v valgrind >/dev/null || { echo "bench/run.sh: valgrind is not installed" >&2; exit 1; }
n="${2:-2000}"
out="$build/callgrind"
mkdir -p "$out"

# Instructions (Ir) of one callgrind run; with the client macros only the timed loop is counted.
instructions() {  # side durability count instr_atstart
  local file="$out/$1-$2-$3.out"
  valgrind --tool=callgrind --instr-atstart="$4" --callgrind-out-file="$file" \
    "$bench" --callgrind "$1" "$3" --durability "$2" --dir "$data" >"$out/$1-$2-$3.log" 2>&1 || {
    cat "$out/$1-$2-$3.log" >&2; exit 1; }
  awk '/^totals:/ { print $2; exit }' "$file"
}

per_create() {  # side durability
  if grep -q "around the loop" < <("$bench" --callgrind "$1" 0 --durability "$2" --dir "$data"); then
    local total; total=$(instructions "$1" "$2" "$n" no)
    echo $(( total / n ))
  else  # no client macros: whole program, minus a run that only sets up
    local total setup
    total=$(instructions "$1" "$2" "$n" yes)
    setup=$(instructions "$1" "$2" 0 yes)
    echo $(( (total - setup) / n ))
  fi
}

printf 'instructions per create (valgrind --tool=callgrind, %d creates after warm-up)\n' "$n"
printf '%-7s %10s %10s %10s %10s %11s %15s %15s\n' mode raw raw-txn raw-idx engine engine/raw engine/raw-txn engine/raw-idx
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
for mode in full normal; do
  raw=$(per_create raw "$mode")
  txn=$(per_create raw-txn "$mode")
  idx=$(per_create raw-idx "$mode")
  eng=$(per_create engine "$mode")
  printf '%-7s %10d %10d %10d %10d %11s %15s %15s\n' "$mode" "$raw" "$txn" "$idx" "$eng" \
    "$(ratio "$eng" "$raw")" "$(ratio "$eng" "$txn")" "$(ratio "$eng" "$idx")"
done
echo "(Ir of the timed loop / creates; engine/raw is a cost ratio: lower is better)"
