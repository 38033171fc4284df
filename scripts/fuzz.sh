#!/usr/bin/env bash
# libFuzzer targets (fuzz/, docs/fuzzing.md): builds the `fuzz` preset (clang, ASan + UBSan + coverage), then
#   scripts/fuzz.sh [seconds] [target]   fuzzes each target (or the one named) for `seconds` (default 60)
#   scripts/fuzz.sh regress [target]     runs every committed input once: fuzz/corpus/<target>/ and
#                                        tests/fuzz_regressions/<target>/ (the CI step)
#   scripts/fuzz.sh list                 names the targets
# New corpus entries go to build/fuzz/corpus/<target>/, crashes/leaks/timeouts/OOMs to build/fuzz/artifacts/<target>/,
# logs to build/fuzz/logs/. Exit status 1 when any target found something. HPOCR_FUZZ_JOBS: build jobs (default
# nproc). Seeds from ../shared/models/paddle (whole real programs) are added at run time when present.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGETS=(image pdf request paddle_legacy pir_json pdiparams convert pipeline_config onnx_graph)
declare -A DICT=([image]=image [pdf]=pdf [request]=json [paddle_legacy]=protobuf [pir_json]=pir [pdiparams]=protobuf
                 [convert]=protobuf [pipeline_config]=yaml [onnx_graph]=protobuf)

MODE=fuzz; SECONDS_PER_TARGET=60; ONLY=""
case "${1:-}" in
  regress) MODE=regress; ONLY=${2:-} ;;
  list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  "") ;;
  *[!0-9]*) echo "fuzz.sh: expected a number of seconds, 'regress' or 'list', got '$1'" >&2; exit 2 ;;
  *) SECONDS_PER_TARGET=$1; ONLY=${2:-} ;;
esac
if [ -n "$ONLY" ]; then
  [ -n "${DICT[$ONLY]:-}" ] || { echo "fuzz.sh: unknown target '$ONLY' (scripts/fuzz.sh list)" >&2; exit 2; }
  TARGETS=("$ONLY")
fi
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found: run scripts/setup.sh (apt clang, libclang-rt-14-dev)" >&2; exit 2; }

export CCACHE_DIR=${CCACHE_DIR:-${HPOCR_HOME:-$HOME/.cache/hpocr}/ccache}
OUT=build/fuzz
[ -f "$OUT/CMakeCache.txt" ] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${HPOCR_FUZZ_JOBS:-$(nproc)}"

# Leaks in third-party process-lifetime singletons are not ours (as in the ASan test run).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
COMMON=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
mkdir -p "$OUT/logs"

# Whole real programs as extra seeds (not committed: they are large and live in ../shared).
shared_seeds() {
  local t=$1 dir=$2 shared=${HPOCR_SHARED_MODELS:-$ROOT/../shared/models}
  [ -d "$shared/paddle" ] || return 0
  case $t in
    paddle_legacy|convert)
      for f in "$shared/paddle/PP-LCNet_x0_25_textline_ori_legacy/inference.pdmodel" \
               "$shared/paddle-programs/ppocrv3_rec_custom/inference.pdmodel"; do
        [ -f "$f" ] && cp -f "$f" "$dir/shared_$(basename "$(dirname "$f")").pdmodel"
      done ;;&
    pir_json|convert)
      f="$shared/paddle/PP-LCNet_x0_25_textline_ori/inference.json"
      [ -f "$f" ] && cp -f "$f" "$dir/shared_lcnet.json" ;;
    pdiparams)  # selector byte 7 (8 parameters, no declared shapes) + the head of a real weight file
      f="$shared/paddle/PP-LCNet_x0_25_textline_ori_legacy/inference.pdiparams"
      [ -f "$f" ] && { printf '\x07'; head -c 65536 "$f"; } > "$dir/shared_lcnet_head" ;;
  esac
  return 0
}

status=0
summary=()
for t in "${TARGETS[@]}"; do
  bin=$OUT/fuzz/bin/fuzz_$t
  log=$OUT/logs/$t.$MODE.log
  inputs=()
  for d in fuzz/corpus/$t tests/fuzz_regressions/$t; do
    [ -d "$d" ] && while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$d" -type f -print0 | sort -z)
  done
  mkdir -p "$OUT/artifacts/$t"
  start=$(date +%s)
  if [ "$MODE" = regress ] && [ ${#inputs[@]} -eq 0 ]; then
    summary+=("$(printf '%-16s no inputs' "$t")")
  elif [ "$MODE" = regress ]; then
    # Listed files (not directories) are each executed once, without fuzzing.
    if "$bin" "${COMMON[@]}" -artifact_prefix="$OUT/artifacts/$t/" "${inputs[@]}" >"$log" 2>&1; then
      summary+=("$(printf '%-16s ok      %4d inputs in %3ds' "$t" "${#inputs[@]}" $(($(date +%s) - start)))")
    else
      status=1
      summary+=("$(printf '%-16s FAILED  see %s' "$t" "$log")")
    fi
  else
    corpus=$OUT/corpus/$t
    mkdir -p "$corpus"
    shared_seeds "$t" "$corpus"
    dirs=("$corpus" fuzz/corpus/$t)
    [ -d tests/fuzz_regressions/$t ] && dirs+=(tests/fuzz_regressions/$t)
    if "$bin" "${COMMON[@]}" -max_total_time="$SECONDS_PER_TARGET" -dict="fuzz/dict/${DICT[$t]}.dict" \
         -artifact_prefix="$OUT/artifacts/$t/" "${dirs[@]}" >"$log" 2>&1; then
      result=ok
    else
      status=1; result=FOUND
    fi
    # "#123 DONE cov: 456 ft: 789 corp: 12/34Kb ... exec/s: 100 rss: 200Mb"
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
    summary+=("$(printf '%-16s %-6s %4ds %9s execs  %s' "$t" "$result" $(($(date +%s) - start)) "${execs:-?}" \
                "$(sed -nE 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [0-9]+\/[^ ]+).*(exec\/s: [0-9]+ rss: [0-9]+Mb).*/\1 \2/p' <<<"$last")")")
    [ "$result" = ok ] || summary+=("                 $(grep -m1 -E 'ERROR: |==ERROR|Test unit written|deadly signal|timeout|out-of-memory' "$log" || true) (log $log)")
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
