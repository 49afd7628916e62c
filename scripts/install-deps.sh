#!/usr/bin/env bash
# Installs the Debian packages tokenfab needs, only those missing (apt-get; sudo when not root).
# Works offline from everything but Debian's package archive.
set -euo pipefail
packages=(
  cmake make g++ pkg-config
  libsimgrid-dev libboost-graph-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
  googletest libgtest-dev libcli11-dev nlohmann-json3-dev libbenchmark-dev
  # jemalloc: the tokenfab executable's allocator (faster than glibc's on SimGrid's many small objects).
  libjemalloc-dev
  # report.html: Vega from libjs-vega inlined into the page; chromium renders it in the report tests.
  libjs-vega chromium
  # docs/img platform diagrams: Graphviz's dot renders `tokenfab platform dot` (docs/platforms.md);
  # /usr/bin/time -v measures bench/platform_load.sh.
  graphviz time
  # tests/batch: xmllint (libxml2's parser) reads back the JUnit XML that --junit writes.
  libxml2-utils
  # docs/performance.md: bench/scaling_curves.sh draws the scaling curves as SVG with gnuplot.
  gnuplot-nox
)
# `install-deps.sh fuzz` (make fuzz): clang and its compiler-rt, whose libclang_rt.fuzzer gives
# -fsanitize=fuzzer (libFuzzer). GCC's ASan/UBSan runtimes (make test-sanitize) come with g++.
if [ "${1:-}" = "fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "tokenfab: installing missing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
