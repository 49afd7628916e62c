# The two commands a newcomer needs: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
SCENARIO ?= scenarios/quickstart.yaml

.PHONY: all deps configure build run test clean fuzz test-sanitize bench

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/tokenfab run $(SCENARIO)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

clean:
	rm -rf $(BUILD_DIR)

# Benchmarks (docs/performance.md), never part of `make test`: the Google Benchmark
# microbenchmarks, then the whole-run benchmark of one TP=8 replica (bench/scale_pod.sh and
# bench/scaling_curves.sh take minutes to hours; run them by hand).
bench: build
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target benchmarks
	$(BUILD_DIR)/bench/engine_micro_bench
	bench/scale_single_replica.sh $(BUILD_DIR)

# Robustness (README "Sanitizers and fuzzing", docs/errors.md). test-sanitize: the whole suite
# built with AddressSanitizer + UndefinedBehaviorSanitizer (GCC) in its own folder, then ctest.
# fuzz: the libFuzzer targets (clang), each run for FUZZ_SECONDS (FUZZ_TARGETS: a subset).
SANITIZE_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
SANITIZER_ENV = ASAN_OPTIONS=$(TOKENFAB_ASAN_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                LSAN_OPTIONS=suppressions=$(CURDIR)/tests/robustness/lsan.supp:print_suppressions=0
TOKENFAB_ASAN_OPTIONS ?= detect_stack_use_after_return=0:strict_string_checks=1:check_initialization_order=1

test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOKENFAB_SANITIZE=ON >/dev/null
	@$(SANITIZER_ENV) cmake --build $(SANITIZE_DIR) -j$(JOBS)
	cd $(SANITIZE_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j$(JOBS)

fuzz:
	@scripts/install-deps.sh fuzz
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOKENFAB_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzz_targets
	fuzz/run_fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
