#!/usr/bin/env bash
# Generates the seed corpora of the fuzz targets from files already in the repository (scenarios/,
# platforms/, the catalog, tests/) and, when ../shared is there, the first rows of the reference
# traces. Usage: fuzz/make_seeds.sh OUTDIR   (OUTDIR/<target>/ per target; nothing is committed).
# Seeds only start the fuzzer near valid input; libFuzzer's own corpus grows from them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: make_seeds.sh OUTDIR}"
shared="$root/../shared"
mkdir -p "$out"
n=0
# seed TARGET PREFIX_BYTE_OCTAL FILE: writes one seed (PREFIX empty for none). YAML loses its
# comments (they only slow the fuzzer down: shorter inputs, more executions per second).
seed() {
  local target="$1" prefix="$2" src="$3"
  mkdir -p "$out/$target"
  n=$((n + 1))
  {
    [ -n "$prefix" ] && printf "\\$prefix"
    case "$src" in
      *.yaml) sed -E '/^[[:space:]]*#/d; s/[[:space:]]+#[^"]*$//' "$src" ;;
      *) cat "$src" ;;
    esac
  } >"$out/$target/seed-$n"
}

# --- scenario YAML: shipped scenarios, and YAML files under tests/ ---------------------------
for f in "$root"/scenarios/*.yaml $(find "$root/tests" -name '*.yaml' 2>/dev/null); do seed fuzz_scenario "" "$f"; done

# --- catalog entries: prefix 0 = device, 1 = LLM ----------------------------------------------
for f in "$root"/models/catalog/hardware/*.yaml; do seed fuzz_catalog 000 "$f"; done
for f in "$root"/models/catalog/llm/*.yaml; do seed fuzz_catalog 001 "$f"; done

# --- units: every "<number><unit>" value in the YAML above, once per dimension ----------------
grep -ohE '(^|[ {:,])[0-9][0-9.]*([eE][+-]?[0-9]+)?[A-Za-z/]+([ },]|$)' \
  "$root"/scenarios/*.yaml "$root"/platforms/*.yaml "$root"/models/catalog/*/*.yaml 2>/dev/null |
  sed -E 's/^[ {:,]//; s/[ },]$//' | sort -u | head -200 >"$out/.quantities" || true
mkdir -p "$out/fuzz_units"
while IFS= read -r q; do
  for d in 0 1 2 3 4; do
    n=$((n + 1))
    { printf "\\00$d"; printf '%s' "$q"; } >"$out/fuzz_units/seed-$n"
  done
done <"$out/.quantities"
rm -f "$out/.quantities"

# --- platform YAML specs ------------------------------------------------------------------------
for f in "$root"/platforms/*.yaml; do [ -e "$f" ] && seed fuzz_platform_spec "" "$f"; done

# --- platform XML properties: one seed per host of each shipped XML ("name" then key=value) ---
mkdir -p "$out/fuzz_platform_props"
for f in "$root"/platforms/*.xml; do
  [ -e "$f" ] || continue
  awk -v dir="$out/fuzz_platform_props" -v base="$(basename "$f" .xml)" '
    /<host / { match($0, /id="[^"]*"/); name = substr($0, RSTART + 4, RLENGTH - 5); body = name "\n"; open = 1; next }
    open && /<prop / {
      match($0, /id="[^"]*"/); k = substr($0, RSTART + 4, RLENGTH - 5)
      match($0, /value="[^"]*"/); v = substr($0, RSTART + 7, RLENGTH - 8)
      body = body k "=" v "\n"; next }
    open && /<\/host>/ { i++; printf "%s", body > (dir "/" base "-" i); close(dir "/" base "-" i); open = 0 }
  ' "$f"
done

# --- traces: hand-written rows for each format, plus the first rows of ../shared's traces -------
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
printf 'arrival_time,input_tokens,output_tokens\n0,128,16\n0.5,2048,256\n1.25,1,1\n' >"$tmp"
seed fuzz_trace_csv 000 "$tmp"
printf 'arrival_time,input_tokens,output_tokens,tier,model\n0,128,16,free,a\n2.5,"64",8,premium,"b, c"\n' >"$tmp"
seed fuzz_trace_csv 006 "$tmp"
printf '{"arrival_time": 0, "input_tokens": 10, "output_tokens": 2}\n{"arrival_time": 1.5, "input_tokens": "7", "output_tokens": 3.0}\n' >"$tmp"
seed fuzz_trace_jsonl 000 "$tmp"
printf '{"arrival_time": 0, "input_tokens": 10, "output_tokens": 2, "tier": "free", "model": "x"}\n' >"$tmp"
seed fuzz_trace_jsonl 006 "$tmp"
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n2024-05-10 00:00:00.009930+00:00,3180,8\n' >"$tmp"
seed fuzz_trace_azure 000 "$tmp"
printf 'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,ChatGPT,472,18,490,Conversation log\n45,GPT-4,1087,0,1087,API log\n' >"$tmp"
seed fuzz_trace_burstgpt 000 "$tmp"
printf '{"timestamp": 0, "input_length": 6758, "output_length": 500, "hash_ids": [0, 1, 2]}\n{"timestamp": 27, "input_length": 12, "output_length": 1, "hash_ids": []}\n' >"$tmp"
seed fuzz_trace_mooncake 000 "$tmp"
if [ -d "$shared/traces" ]; then
  for f in "$shared"/traces/azure-llm-2023/*.csv; do head -n 20 "$f" >"$tmp" && seed fuzz_trace_azure 000 "$tmp"; done
  for f in "$shared"/traces/mooncake/*.jsonl; do head -n 4 "$f" >"$tmp" && seed fuzz_trace_mooncake 000 "$tmp"; done
fi
# --- dictionaries: the keys and words of each YAML target's seeds (libFuzzer -dict=) -----------
# plus the identifier-like string literals of the sources that declare each schema.
declare -A schema_sources=(
  [fuzz_scenario]="sim/config/*.cpp sim/workload/workload_config.cpp sim/workload/tiers.cpp models/economics.cpp sim/batch/expectation.cpp"
  [fuzz_catalog]="models/catalog.cpp"
  [fuzz_platform_spec]="sim/platform/spec.cpp")
for target in fuzz_scenario fuzz_catalog fuzz_platform_spec; do
  [ -d "$out/$target" ] || continue
  {
    cat "$out/$target"/* | grep -aohE '[A-Za-z_][A-Za-z0-9_-]*:?' || true
    (cd "$root" && cat ${schema_sources[$target]} 2>/dev/null) | grep -ohE '"[a-z][a-z0-9_-]*"' | tr -d '"' || true
  } | sort -u | sed -E 's/^(.*)$/"\1"/' >"$out/$target.dict"
done
echo "seeds in $out: $(find "$out" -type f | wc -l) files"
