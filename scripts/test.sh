#!/usr/bin/env bash
# The test command: builds (Release) and runs the C++ tests (ctest) and the Python API tests (pytest), then the
# unit, backend and fuzz-replay suites again under AddressSanitizer + UndefinedBehaviorSanitizer (skip with
# HPOCR_SKIP_ASAN=1; `cmake --preset asan -DHPOCR_BUILD_E2E_TESTS=ON` adds the end-to-end suite). Both ctest runs replay every
# committed fuzz input (FuzzReplay.*); HPOCR_FUZZ_SECONDS=N adds N seconds of new fuzzing per target with the
# clang preset (see docs/fuzzing.md). Prints the time of each stage at the end.
# Needs scripts/setup.sh to have run once (system packages, ONNX Runtime, default models).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=$(nproc)
STAGES=()
stage() { # name command...: runs it and records its time
  local name=$1 t0=$SECONDS; shift
  "$@"
  STAGES+=("$(printf '%-28s %5d s' "$name" $((SECONDS - t0)))")
}
report() { printf '\n[test] stage times\n'; printf '  %s\n' "${STAGES[@]}"; }
trap report EXIT

stage "build (release)" scripts/build.sh release
stage "ctest (release)" ctest --preset release -j "$JOBS"
stage "pytest" env HPOCR_SKIP_BUILD=1 scripts/test_python.sh

if [ "${HPOCR_SKIP_ASAN:-0}" != 1 ]; then
  stage "build (asan)" scripts/build.sh asan
  # Leaks inside third-party libraries' process-lifetime singletons are not ours to report.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  # The sanitizers watch the code that parses untrusted bytes and the engines' memory handling: the unit and
  # backend suites and the fuzz replays (the preset builds no end-to-end suite; it runs once, in release above).
  stage "ctest (asan)" ctest --preset asan -j "$JOBS"
fi

# Every committed fuzz input (seeds and regression inputs) is replayed by ctest in both builds above
# (FuzzReplay.*, under ASan + UBSan in the second). New fuzzing needs the clang preset and is not a test (a run
# may find something new at any time): HPOCR_FUZZ_SECONDS=N adds N seconds per target (scripts/fuzz.sh).
if [ "${HPOCR_FUZZ_SECONDS:-0}" != 0 ]; then stage "fuzz" scripts/fuzz.sh "$HPOCR_FUZZ_SECONDS"; fi
