#!/usr/bin/env bash
# Configure + build one CMake preset (release | debug | asan). ccache keeps rebuilds fast.
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${1:-release}
export CCACHE_DIR=${CCACHE_DIR:-${HPOCR_HOME:-$HOME/.cache/hpocr}/ccache}
# Paths relative to the checkout: other checkouts (worktrees) and `pip install .`'s build/pip hit the same objects.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(pwd)}
if [ ! -f "build/$PRESET/CMakeCache.txt" ]; then
  cmake --preset "$PRESET" >/dev/null
fi
cmake --build --preset "$PRESET" -j "$(nproc)"
