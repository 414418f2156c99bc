#!/usr/bin/env bash
# libFuzzer targets of cpep (fuzz/): build, smoke-run and long-run them.
#
#   scripts/fuzz.sh build                 installs clang + libclang-rt-14-dev if missing, builds
#                                         fuzz/ into build-fuzz/ (ASan + UBSan + libFuzzer)
#   scripts/fuzz.sh smoke [SECONDS]       every target for SECONDS (default 60), two at a time,
#                                         each on a fresh copy of its seed corpus
#   scripts/fuzz.sh run TARGET|all SECONDS   long runs; the corpus copy in build-fuzz/corpus/
#                                         keeps growing from one run to the next
#   scripts/fuzz.sh repro TARGET FILE     replays one input, printing every request and answer
#   scripts/fuzz.sh selftest              proves findings are caught: with CPEP_FUZZ_SELFTEST=1
#                                         every 2xx is a finding, so every target must fail
#   scripts/fuzz.sh list                  the target names
#
# Seed corpora (fuzz/corpus/<target>/) are only ever read: libFuzzer writes into a copy under
# build-fuzz/. Runs are deterministic where libFuzzer allows (-seed=1; the engine runs on a
# frozen clock with seeded ids). Any finding (crash, leak, UBSan report, timeout, out-of-memory,
# or a violated oracle of fuzz/fuzz_support.h) makes the command exit non-zero; the reproducer is
# in build-fuzz/artifacts/<target>/ and the log in build-fuzz/logs/.
# Environment: CPEP_FUZZ_JOBS (parallel targets, default 2), CPEP_FUZZ_BUILD_DIR (build-fuzz).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CPEP_FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${CPEP_FUZZ_JOBS:-2}"
artifacts_root="$build/artifacts"
targets=(fuzz_create_body fuzz_caller fuzz_url fuzz_patch_body fuzz_action_bodies fuzz_batch fuzz_json_reader)

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

ensure_deps() {
  # The project's own dependencies first (skips apt when all are present), then clang's.
  "$root/scripts/install-deps.sh" >/dev/null
  local packages=(clang libclang-rt-14-dev llvm) missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "fuzz: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_targets() {
  ensure_deps
  cmake -S "$root/fuzz" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j"${CPEP_JOBS:-2}" --target cpep_fuzz_all
}

is_target() { local t; for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

sanitizer_env() {
  export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:${ASAN_OPTIONS:-}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
  if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer >/dev/null; then
    export ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer)"
  fi
}

# fuzz_one TARGET SECONDS CORPUS_DIR LOG: one libFuzzer process; its exit status.
fuzz_one() {
  local target="$1" seconds="$2" corpus="$3" log="$4"
  local artifacts="$artifacts_root/$target"
  mkdir -p "$artifacts" "$(dirname "$log")"
  "$build/bin/$target" "$corpus" \
    -seed=1 -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len=4096 \
    -use_value_profile=1 -dict="$root/fuzz/cpep.dict" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1
}

# summary TARGET LOG STATUS: one line per target.
summary() {
  local target="$1" log="$2" status="$3" execs done_line verdict
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)"
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
  if [ "$status" -eq 0 ]; then verdict="ok"; else verdict="FINDING (exit $status)"; fi
  printf '%-20s %-22s execs %-10s %s\n' "$target" "$verdict" "${execs:-?}" "${done_line:-}"
  if [ "$status" -ne 0 ]; then
    grep -E 'ERROR:|ORACLE VIOLATED|SUMMARY:|Test unit written|runtime error' "$log" | head -8 | sed 's/^/    /'
    echo "    log: $log"
  fi
}

# fuzz_many SECONDS MODE TARGET...: runs the targets $jobs at a time. MODE smoke: fresh corpus
# copies; MODE run: corpus copies that persist in build-fuzz/corpus/.
fuzz_many() {
  local seconds="$1" mode="$2"; shift 2
  local stamp pids=() names=() logs=() t corpus log i failed=0
  stamp="$(date -u +%Y%m%dT%H%M%SZ).$$"
  mkdir -p "$build/logs" "$artifacts_root"
  touch "$build/logs/.start-$stamp"
  sanitizer_env
  echo "fuzz: $mode, ${seconds}s per target, $jobs at a time: $*" >&2
  for t in "$@"; do
    if [ "$mode" != run ]; then
      corpus="$build/$mode-corpus/$t"
      rm -rf "$corpus"
      log="$build/logs/$mode-$t.log"
    else
      corpus="$build/corpus/$t"
      log="$build/logs/$t-${stamp%.*}.log"
    fi
    if [ ! -d "$corpus" ]; then
      mkdir -p "$corpus"
      cp -r "$root/fuzz/corpus/$t/." "$corpus/"
    fi
    # A slot: wait for one of the running targets when all are busy.
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    fuzz_one "$t" "$seconds" "$corpus" "$log" &
    pids+=($!); names+=("$t"); logs+=("$log")
  done
  echo >&2
  printf '%-20s %-22s %s\n' target verdict "executions (libFuzzer's final stats)"
  for i in "${!pids[@]}"; do
    local status=0
    wait "${pids[$i]}" || status=$?
    summary "${names[$i]}" "${logs[$i]}" "$status"
    [ "$status" -eq 0 ] || failed=1
  done
  # Belt and braces: any artifact written during this run is a finding too.
  if find "$artifacts_root" -type f -newer "$build/logs/.start-$stamp" 2>/dev/null | grep -q .; then
    echo "fuzz: reproducers written:" >&2
    find "$artifacts_root" -type f -newer "$build/logs/.start-$stamp" | sed 's/^/    /' >&2
    failed=1
  fi
  rm -f "$build/logs/.start-$stamp"
  return "$failed"
}

cmd="${1:-}"
case "$cmd" in
  build)
    build_targets
    ;;
  smoke)
    seconds="${2:-60}"
    build_targets
    fuzz_many "$seconds" smoke "${targets[@]}"
    ;;
  run)
    [ $# -ge 3 ] || usage
    if [ "$2" = all ]; then
      selected=("${targets[@]}")
    else
      is_target "$2" || { echo "fuzz: unknown target $2 (scripts/fuzz.sh list)" >&2; exit 2; }
      selected=("$2")
    fi
    build_targets
    fuzz_many "$3" run "${selected[@]}"
    ;;
  selftest)
    build_targets
    artifacts_root="$build/selftest-artifacts"
    rm -rf "$artifacts_root"
    export CPEP_FUZZ_SELFTEST=1
    if fuzz_many 5 selftest "${targets[@]}"; then
      echo "fuzz: SELF-TEST FAILED: a run where every 2xx is a finding passed" >&2
      exit 1
    fi
    for t in "${targets[@]}"; do
      if ! grep -q 'ORACLE VIOLATED: self-test' "$build/logs/selftest-$t.log" ||
         [ -z "$(ls -A "$artifacts_root/$t" 2>/dev/null)" ]; then
        echo "fuzz: SELF-TEST FAILED: $t did not report the planted finding" >&2
        exit 1
      fi
    done
    echo "fuzz: self-test passed: every target reported the planted finding and saved a reproducer" >&2
    ;;
  repro)
    [ $# -ge 3 ] || usage
    is_target "$2" || { echo "fuzz: unknown target $2 (scripts/fuzz.sh list)" >&2; exit 2; }
    build_targets >/dev/null
    sanitizer_env
    CPEP_FUZZ_VERBOSE=1 exec "$build/bin/$2" "$3"
    ;;
  list)
    printf '%s\n' "${targets[@]}"
    ;;
  *)
    usage
    ;;
esac
