#!/usr/bin/env bash
# Runs each fuzz target for a set time (or a set number of executions) and prints one line per
# target: executions, seconds, executions/s, corpus growth, findings. Used by `make fuzz`.
#   fuzz/run_fuzz.sh BUILD_DIR SECONDS [TARGET...]      (FUZZ_RUNS=N: stop after N executions,
#                                                        or after SECONDS if that is not 0 and comes first)
# Corpora grow in BUILD_DIR/fuzz-corpus/TARGET (kept between runs, never committed); seeds come
# from fuzz/make_seeds.sh; a finding (crash, sanitizer report, timeout > 10 s, RSS > 2 GiB,
# leak) is saved as BUILD_DIR/fuzz-findings/TARGET-<kind>-<hash> and makes the script fail.
# Reproduce one with: BUILD_DIR/fuzz/TARGET BUILD_DIR/fuzz-findings/FILE
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: run_fuzz.sh BUILD_DIR SECONDS [TARGET...]}" && pwd)"
seconds="${2:-60}"
shift 2 || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  # Short, fast targets first.
  targets=(fuzz_units fuzz_platform_props fuzz_catalog fuzz_trace_csv fuzz_trace_jsonl fuzz_trace_azure
           fuzz_trace_burstgpt fuzz_trace_mooncake fuzz_scenario fuzz_platform_spec)
fi
# Seeds are regenerated for each run, in a folder of its own (two runs may share BUILD_DIR).
seeds="$(mktemp -d "$build/fuzz-seeds.XXXXXX")"
trap 'rm -rf "$seeds"' EXIT
"$root/fuzz/make_seeds.sh" "$seeds" >/dev/null
mkdir -p "$build/fuzz-findings" "$build/fuzz-logs"
# No allocation stacks in ASan reports: recording one per malloc cost ~15% of the CPU time of the
# YAML targets (measured with perf on fuzz_catalog); rerunning a finding by hand gives them back.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=0}"
status=0
printf '%-22s %12s %8s %9s %8s  %s\n' target executions seconds exec/s corpus findings
for t in "${targets[@]}"; do
  bin="$build/fuzz/$t"
  [ -x "$bin" ] || { echo "$t: not built ($bin)" >&2; status=1; continue; }
  corpus="$build/fuzz-corpus/$t"
  mkdir -p "$corpus" "$seeds/$t"
  args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/fuzz-findings/$t-")
  [ -f "$seeds/$t.dict" ] && args+=(-dict="$seeds/$t.dict")
  [ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
  [ -z "${FUZZ_RUNS:-}" ] || [ "$seconds" != 0 ] && args+=(-max_total_time="$seconds")
  before=$(find "$build/fuzz-findings" -name "$t-*" | wc -l)
  log="$build/fuzz-logs/$t.log"
  start=$(date +%s)
  "$bin" "${args[@]}" "$corpus" "$seeds/$t" >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  after=$(find "$build/fuzz-findings" -name "$t-*" | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(find "$corpus" -type f | wc -l)
  found=$((after - before))
  printf '%-22s %12s %8s %9s %8s  %s\n' "$t" "${execs:-?}" "$((end - start))" "${rate:-?}" "$size" \
    "$([ "$found" -eq 0 ] && [ "$rc" -eq 0 ] && echo none || echo "$found (rc $rc, see $log)")"
  [ "$found" -eq 0 ] && [ "$rc" -eq 0 ] || status=1
done
exit $status
