#!/usr/bin/env bash
# Whole-run scale benchmark (issue 9, target 2): Llama-3.1-70B FP8 on Kyber NVL144 racks
# (Rubin Ultra packages) with prefill/decode disaggregation, KV moving from prefill to decode
# replicas over the platform's links (NVLink inside a rack, the Spectrum-X fabric between racks),
# under Azure-conversation-like traffic. It generates its own inputs: the platform (8 racks: the
# shipped platforms/kyber-nvl144-pod8-cpo.xml; other sizes: `tokenfab platform emit --racks N` of
# its spec) and the scenario (Poisson arrivals, log-normal lengths with the means of the Azure LLM
# inference trace 2023, conversation: ~1,155 prompt and ~211 output tokens).
#
#   bench/scale_pod.sh [options]
#     -b BUILD_DIR   (build)        -r RACKS    (8)       -q RATE  requests/s (default: 80% of
#     -d DURATION    (3600s)        -f true|false fast_forward (true)          capacity, see below)
#     -o OUT_DIR     keep the run's outputs there (default: a temporary folder, deleted)
#     -m MAX_TIME    stop the simulation there (simulation.max_time; default: drain after DURATION)
#     -n             no requests.csv (output.requests_csv: false)
#     -s KEY:VALUE   a SimGrid option for the run (--sg-cfg; repeatable), e.g. network/optim:Full
#
# Deployment per rack: 18 replicas of TP=8 (144 packages), 6 prefill and 12 decode. Capacity:
# PER_RACK_CAPACITY (default 2,200) requests/s per rack, measured with this script on one rack
# (-r 1 -d 5s -q RATE): TTFT p99 45 ms at 1,200, 147 ms at 2,000 and 671 ms at 2,400 requests/s,
# where the prefill pool saturates (docs/performance.md, "Kyber pod"). The default rate is 80% of it.
#
# Prints the scenario, then simulated time, requests, wall and CPU time (user+sys), peak RSS
# (/usr/bin/time), SimGrid activities, speed-up over real time and simulated requests per wall
# and CPU second. Measure with an otherwise idle machine for wall time; CPU time is robust to load.
set -euo pipefail
build=build racks=8 rate="" duration=3600s ff=true keep="" csv=true max_time="" sg=()
while getopts "b:r:q:d:f:o:m:ns:" opt; do
  case $opt in
    b) build=$OPTARG ;; r) racks=$OPTARG ;; q) rate=$OPTARG ;; d) duration=$OPTARG ;;
    f) ff=$OPTARG ;; o) keep=$OPTARG ;; m) max_time=$OPTARG ;; n) csv=false ;; s) sg+=(--sg-cfg "$OPTARG") ;;
    *) sed -n 2,25p "$0" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
tf="$root/$build/tokenfab"
[ -x "$tf" ] || { echo "no $tf: build first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }
PER_RACK_CAPACITY=${PER_RACK_CAPACITY:-2200}
[ -n "$rate" ] || rate=$(python3 -c "print(round(0.8 * $PER_RACK_CAPACITY * $racks, 3))")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${keep:-$work/out}

if [ "$racks" = 8 ]; then
  platform="$root/platforms/kyber-nvl144-pod8-cpo.xml"
else
  platform="$work/kyber-$racks.xml"
  "$tf" platform emit "$root/platforms/kyber-nvl144-pod8-cpo.yaml" --racks "$racks" -o "$platform"
fi
cat > "$work/pod.yaml" <<YAML
name: scale-kyber-pod
seed: 1
platform: $platform
model: llama-3.1-70b
deployment:
  pools:
    prefill: {replicas: $((6 * racks)), tp: 8}
    decode: {replicas: $((12 * racks)), tp: 8}
    decode_router: least_outstanding
simulation: {fast_forward: $ff${max_time:+, max_time: $max_time}}
output: {requests_csv: $csv}
workload:
  duration: $duration
  synthetic:
    arrivals: {process: poisson, rate: $rate}
    input_tokens: {dist: lognormal, mean: 1155, sigma: 1.0, max: 16000}
    output_tokens: {dist: lognormal, mean: 211, sigma: 0.9, max: 2000}
YAML
echo "scenario: $racks rack(s), $((144 * racks)) packages, $((6 * racks)) prefill + $((12 * racks)) decode replicas (TP=8), $rate requests/s for $duration, fast_forward $ff${sg[*]:+, ${sg[*]}}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$tf" run -v "$work/pod.yaml" -o "$out" "${sg[@]}" > "$work/table" 2> "$work/log" ||
  { tail -5 "$work/log" >&2; exit 1; }
read -r wall user sys rss < "$work/time"
activities=$(awk '/replica [0-9]+ done: .* iterations in / {for (i = 1; i <= NF; i++) if ($i == "activities") s += $(i - 2)} END {print s + 0}' "$work/log")
python3 - "$wall" "$user" "$sys" "$rss" "$activities" "$out/summary.json" <<'PY'
import json, os, sys
wall, user, sys_, rss, acts = (float(x) for x in sys.argv[1:6])
s = json.load(open(sys.argv[6]))
sim = s['time']['sim_time_s']
req = s['requests']
n = req.get('arrived', req.get('total', 0))
cpu = user + sys_
lat = s['latency_s']
print(f"simulated {sim:.3g} s, {n} requests ({req.get('completed', '?')} completed), "
      f"TTFT p50 {lat['ttft']['p50']*1e3:.0f} ms p99 {lat['ttft']['p99']*1e3:.0f} ms, "
      f"TPOT p99 {lat['tpot']['p99']*1e3:.1f} ms, GPU busy {s['utilisation']['gpu_busy_fraction']:.3f}, "
      f"{s['utilisation']['iterations']} iterations in {acts:.0f} SimGrid activities")
print(f"wall {wall:.2f} s, CPU {cpu:.2f} s (user {user:.2f} + sys {sys_:.2f}), peak RSS {rss/1024:.0f} MiB")
print(f"speed-up over real time: {sim/wall:.3g}x by wall time, {sim/cpu:.3g}x by CPU time")
print(f"simulated requests per wall second: {n/wall:.0f} (per CPU second: {n/cpu:.0f})")
if os.environ.get("SCALE_POD_RECORD"):  # one TSV row per run, for bench/scaling_curves.sh
    with open(os.environ["SCALE_POD_RECORD"], "a") as f:
        f.write("\t".join(str(x) for x in (os.environ.get("SCALE_POD_TAG", ""), f"{sim:.3f}", n, f"{wall:.2f}",
                                            f"{cpu:.2f}", f"{rss/1024:.0f}", f"{acts:.0f}",
                                            s['utilisation']['iterations'], f"{lat['ttft']['p99']*1e3:.1f}")) + "\n")
PY
