#!/usr/bin/env bash
# Whole-run scale benchmark (issue 9, target 1): one TP=8 Llama-3.1-70B FP8 replica on HGX H100
# under Azure-conversation-like traffic near saturation. It generates its own input (no trace
# file needed): Poisson arrivals, log-normal prompt and output lengths with the means of the Azure
# LLM inference trace 2023 (conversation): ~1,155 prompt and ~211 output tokens, as
# `tokenfab trace stats` reports for that trace.
#
#   bench/scale_single_replica.sh [BUILD_DIR] [RATE] [REQUESTS]
#
# Prints simulated time, wall and CPU time, peak RSS, the speed-up over real time and simulated
# requests per wall second. Run it on an otherwise idle machine: wall time counts waiting for a CPU.
set -euo pipefail
build=${1:-build}
rate=${2:-11}
requests=${3:-40000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/scale.yaml" <<YAML
name: scale-single-replica
seed: 1
platform: $root/platforms/hgx-h100.xml
model: llama-3.1-70b
deployment: {tp: 8}
workload:
  requests: $requests
  synthetic:
    arrivals: {process: poisson, rate: $rate}
    input_tokens: {dist: lognormal, mean: 1155, sigma: 1.0, max: 16000}
    output_tokens: {dist: lognormal, mean: 211, sigma: 0.9, max: 2000}
YAML
/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$root/$build/tokenfab" run -q "$work/scale.yaml" -o "$work/out" > "$work/table"
read -r wall user sys rss < "$work/time"
sim=$(python3 -c "import json;print(json.load(open('$work/out/summary.json'))['time']['sim_time_s'])")
python3 - "$sim" "$wall" "$user" "$sys" "$rss" "$requests" "$work/out/summary.json" <<'PY'
import json, sys
sim, wall, user, sys_, rss, n = (float(x) for x in sys.argv[1:7])
s = json.load(open(sys.argv[7]))
cpu = user + sys_
print(f"simulated {sim:.0f} s, {int(n)} requests, TTFT p99 {s['latency_s']['ttft']['p99']*1e3:.0f} ms, "
      f"GPU busy {s['utilisation']['gpu_busy_fraction']:.3f}, {s['utilisation']['iterations']} iterations")
print(f"wall {wall:.2f} s, CPU {cpu:.2f} s, peak RSS {rss/1024:.0f} MiB")
print(f"speed-up over real time: {sim/wall:.0f}x by wall time, {sim/cpu:.0f}x by CPU time")
print(f"simulated requests per wall second: {n/wall:.0f} (per CPU second: {n/cpu:.0f})")
PY
