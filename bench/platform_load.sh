#!/usr/bin/env bash
# Platform load benchmark: the Kyber pod (1,152 GPU packages in 8 racks) and the same pod grown to
# 64 racks (9,216), in both fabric variants, generated from platforms/kyber-nvl144-pod8-*.yaml and
# loaded the way a run loads them (SimGrid parse + seal + scale-up domain check). Reports the
# tool's own load time and, from /usr/bin/time -v, the process's wall time and peak memory.
#
#   bench/platform_load.sh [BUILD_DIR] [RACKS...]     (defaults: build, 8 64)
#
# Targets (issue 3): the 8-rack pod loads in under 2 s and 500 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
racks_list=("$@")
[ ${#racks_list[@]} -eq 0 ] && racks_list=(8 64)
tf="$build/tokenfab"
[ -x "$tf" ] || { echo "no $tf: build first (make build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf "%-10s %6s %8s %9s %10s %10s %10s\n" variant racks GPUs "XML MB" "load s" "wall s" "peak MB"
for racks in "${racks_list[@]}"; do
  for variant in pluggable cpo; do
    xml="$tmp/kyber-$variant-$racks.xml"
    "$tf" platform emit "platforms/kyber-nvl144-pod8-$variant.yaml" --racks "$racks" -o "$xml"
    /usr/bin/time -v "$tf" platform stats "$xml" >"$tmp/out" 2>"$tmp/time"
    gpus=$(awk '/^accelerators/ {print $2}' "$tmp/out")
    load=$(awk '/^load time/ {print $3}' "$tmp/out")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$tmp/time")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$tmp/time")
    size=$(awk -v b="$(stat -c %s "$xml")" 'BEGIN {printf "%.1f", b/1e6}')
    printf "%-10s %6s %8s %9s %10s %10s %10s\n" "$variant" "$racks" "$gpus" "$size" "$load" "$wall" "$rss"
  done
done
