#!/usr/bin/env bash
# Builds the benchmarks in Release (build-bench/) and runs them all, then prints ONE table of every
# ratio against its target; each row names what it compares.
#   bench/run.sh [--rounds R] [--quick]    everything below (~2 minutes on a quiet 2-core machine;
#                                          fsync-bound parts slow down a lot when the machine is busy)
#   bench/run.sh callgrind [N]             instructions per create under valgrind (default N=2000)
# Sections, each against a baseline measured in the same run, both durability modes:
#   1. cpep_bench_create      1 thread: engine create through the C ABI vs raw SQLite (3 baselines)
#   2. cpep_bench_group       8 threads at once on one engine vs 1 thread (group commit)
#   3. cpep_bench_group       POST /$batch of 20 creates vs single POSTs (+ raw SQLite reference)
#   4. py_create_bench.py     cpep.Engine (ctypes) vs pure Python json + sqlite3 (/usr/bin/python3)
#   5. cpep_bench_group       RSS growth over 200,000 creates (normal)
# Exit status: 0 when every target is met, 3 when one is missed (the table is printed either way),
# 1 when something failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
data="$build/bench-data"   # on the build's disk: fsync on tmpfs would be free and flatter "full"

log="$build/build.log"
mkdir -p "$build"
if ! { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCPEP_BUILD_TESTS=OFF &&
       cmake --build "$build" --target cpep cpep_bench_fsync cpep_bench_create cpep_bench_group -j2; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "bench/run.sh: build failed (log: $log)" >&2
  exit 1
fi
bench="$build/bin/cpep_bench_create"
group="$build/bin/cpep_bench_group"
fsync_lib="$build/lib/libcpep_bench_fsync.so"
mkdir -p "$data"

if [[ "${1:-}" == callgrind ]]; then
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
  exit 0
fi

rounds=5
quick=0
while (($#)); do
  case "$1" in
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    --quick) quick=1; shift ;;   # a smoke run: 2 rounds, small N (figures are not meaningful)
    *) echo "usage: bench/run.sh [--rounds R] [--quick] | bench/run.sh callgrind [N]" >&2; exit 2 ;;
  esac
done
if ((quick)); then
  rounds=2
  single=(--full 400 --normal 1000)
  threads=(--full 1600 --normal 1600)
  batch=(--full 400 --normal 1000)
  python=(--full 200 --normal 500)
  memory=20000
else  # full mode is bounded by fsync (~3,000 creates/s on a quiet machine), normal by CPU
  single=(--full 2000 --normal 10000)
  threads=(--full 3200 --normal 8000)
  batch=(--full 2000 --normal 10000)
  python=(--full 1000 --normal 5000)
  memory=200000
fi

summary="$build/bench-summary.tsv"
: >"$summary"
started=$(date +%s)
conditions() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(($(nproc))) CPUs"; }
machine="$(nproc) CPUs ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME"), disk of $data: $(df --output=source "$data" | tail -n1)"
versions="$("$group" --versions), $(/usr/bin/python3 --version) (sqlite3 module on SQLite $(/usr/bin/python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'))"
echo "cpep benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'); $machine"
echo "$versions; $rounds rounds; at start: $(conditions)"
echo

# A section may exit 3 (a target missed): the table says which. Anything else is a failure.
timings=()
section() {  # name command...
  local name="$1" rc=0 start
  shift
  start=$(date +%s)
  "$@" || rc=$?
  if ((rc != 0 && rc != 3)); then
    echo "bench/run.sh: '$*' failed with status $rc" >&2
    exit 1
  fi
  timings+=("$name $(($(date +%s) - start))s")
  echo "($name: $(($(date +%s) - start))s; $(conditions))"
  echo
}

echo "== 1. one thread: engine vs raw SQLite =="
section "1 thread" "$bench" --rounds "$rounds" "${single[@]}" --dir "$data" --summary "$summary"
echo "== 2. 8 threads on one engine (group commit) vs 1 thread =="
section "8 threads" "$group" --threads --rounds "$rounds" "${threads[@]}" --dir "$data" --summary "$summary"
echo "== 3. POST /\$batch of 20 creates vs single creates =="
section "\$batch" "$group" --batch --rounds "$rounds" "${batch[@]}" --dir "$data" --summary "$summary"
echo "== 4. Python: cpep.Engine (ctypes) vs pure Python json + sqlite3 =="
section "Python" env CPEP_LIBRARY="$build/lib/libcpep.so" PYTHONPATH="$root/bindings/python:$root/bench" \
  LD_PRELOAD="$fsync_lib" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 "$root/bench/py_create_bench.py" --rounds "$rounds" "${python[@]}" --dir "$data" --summary "$summary"
echo "== 5. memory =="
section "memory" "$group" --memory "$memory" --dir "$data" --summary "$summary"

elapsed=$(($(date +%s) - started))
echo "== summary: cpep benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC') =="
echo "machine: $machine"
echo "versions: $versions"
echo "run: bench/run.sh --rounds $rounds$( ((quick)) && echo ' --quick'), ${elapsed}s ($(IFS=,; echo "${timings[*]}" | sed 's/,/, /g')); at end: $(conditions)"
echo
{
  printf 'measure\tbaseline\tvalue\tratio\ttarget\tok\tsyncs/create (value / baseline)\n'
  cat "$summary"
} | awk -F'\t' '
  { for (i = 1; i <= NF; ++i) { cell[NR, i] = $i; if (length($i) > width[i]) width[i] = length($i) } rows = NR; cols = (NF > cols ? NF : cols) }
  END {
    for (r = 1; r <= rows; ++r) {
      line = ""
      for (i = 1; i <= cols; ++i) line = line (i > 1 ? " | " : "") sprintf("%-" width[i] "s", cell[r, i])
      sub(/ +$/, "", line); print line
      if (r == 1) { line = ""; for (i = 1; i <= cols; ++i) { d = ""; for (k = 0; k < width[i]; ++k) d = d "-"; line = line (i > 1 ? "-|-" : "") d } print line }
    }
  }'
echo
echo "ratio: median over the rounds of the per-round ratio (sides interleaved in blocks within each round);"
echo "syncs/create: fsync+fdatasync calls per create (one per commit in full mode, plus checkpoints)."
missed=$(awk -F'\t' '$6 == "MISSED"' "$summary" | wc -l)
echo "targets missed: $missed"
((missed == 0)) || exit 3
