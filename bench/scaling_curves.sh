#!/usr/bin/env bash
# Scaling curves (issue 9): wall and CPU time of bench/scale_pod.sh runs (Llama-3.1-70B, prefill/
# decode split on Kyber NVL144 racks) against the number of racks (1-64, at 80% of capacity) and
# against the request rate (8 racks, 10-100% of capacity), each run SECONDS of simulated time
# (arrivals for SECONDS, stopped at SECONDS). Writes the figures to docs/img/perf-scaling.tsv,
# prints them as a Markdown table, and draws docs/img/perf-scaling-racks.svg and
# docs/img/perf-scaling-rate.svg with gnuplot (docs/img/perf-scaling.gp; Debian: gnuplot-nox).
#
#   bench/scaling_curves.sh [BUILD_DIR] [SECONDS]      (defaults: build, 1)
#   PLOT_ONLY=1 bench/scaling_curves.sh                 (redraw the SVGs from the TSV)
# Environment: DATA (the TSV to write; default docs/img/perf-scaling.tsv), RACKS (default
# "1 2 4 8 16 32"), RATE_PCTS (default "10 25 50 80 100"; empty: no rate sweep), SG_OPTION (a
# SimGrid option for every run, e.g. maxmin/precision:1e-4, which 64 racks need: SimGrid 3.32's
# solver fails a rounding check there, docs/errors.md; a 64-rack second takes over an hour of
# CPU). The charts also draw docs/img/perf-scaling-before.tsv when present (an earlier build).
#
# Long: ~6 minutes of CPU (the 32-rack point is most of it); it runs under `nice -n 15`.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-1}
data=${DATA:-docs/img/perf-scaling.tsv}
capacity=${PER_RACK_CAPACITY:-2200}
if [ -z "${PLOT_ONLY:-}" ]; then
  printf "# kind\tracks\trate\tsim_s\trequests\twall_s\tcpu_s\trss_MiB\tactivities\titerations\tttft_p99_ms\tload1\n" > "$data"
  run() {  # kind racks rate
    local rec load
    rec=$(mktemp)
    load=$(cut -d' ' -f1 /proc/loadavg)
    SCALE_POD_RECORD=$rec SCALE_POD_TAG="$1" nice -n 15 bench/scale_pod.sh -b "$build" -r "$2" -q "$3" \
      -d "${seconds}s" -m "${seconds}s" -n ${SG_OPTION:+-s "$SG_OPTION"} > /dev/null
    # tag sim requests wall cpu rss activities iterations ttft -> kind racks rate sim ...
    awk -v r="$2" -v q="$3" -v l="$load" 'BEGIN {OFS="\t"} {print $1, r, q, $2, $3, $4, $5, $6, $7, $8, $9, l}' "$rec" >> "$data"
    rm -f "$rec"
    tail -1 "$data" >&2
  }
  for racks in ${RACKS:-1 2 4 8 16 32}; do run racks "$racks" "$(python3 -c "print(round(0.8 * $capacity * $racks))")"; done
  for pct in ${RATE_PCTS-10 25 50 80 100}; do run rate 8 "$(python3 -c "print(round($pct / 100 * $capacity * 8))")"; done
fi
echo "| sweep | racks | GPU packages | requests/s | simulated s | requests | wall s | CPU s | peak RSS MiB | SimGrid activities | iterations | TTFT p99 ms | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
awk -F'\t' '!/^#/ {printf "| %s | %d | %d | %d | %.0f | %d | %.1f | %.2f | %d | %d | %d | %.0f | %s |\n", $1, $2, 144 * $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12}' "$data"
gnuplot docs/img/perf-scaling.gp
echo "wrote docs/img/perf-scaling-racks.svg and docs/img/perf-scaling-rate.svg" >&2
