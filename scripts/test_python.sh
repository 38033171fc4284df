#!/usr/bin/env bash
# Python API tests: builds the Release tree (the _hpocr module and the CLI included) if needed, then runs
# pytest on tests/python with the system Python against build/release/python. Extra arguments go to pytest
# (e.g. scripts/test_python.sh -k threads). Exits non-zero on failures, and when no test ran at all.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${HPOCR_PYTHON:-/usr/bin/python3}
BUILD=build/release

if [ "${HPOCR_SKIP_BUILD:-0}" != 1 ]; then
  scripts/build.sh release
fi
if ! ls "$BUILD"/python/hpocr/_hpocr*.so >/dev/null 2>&1; then
  echo "test_python.sh: $BUILD/python/hpocr/_hpocr*.so was not built (pybind11-dev and python3-dev installed?" \
       "see the CMake output)" >&2
  exit 1
fi
if ! "$PYTHON" -c "import numpy, pytest" 2>/dev/null; then
  echo "test_python.sh: $PYTHON lacks numpy or pytest (apt install python3-numpy python3-pytest)" >&2
  exit 1
fi

status=0
PYTHONPATH="$(pwd)/$BUILD/python${PYTHONPATH:+:$PYTHONPATH}" HPOCR_CLI="$(pwd)/$BUILD/apps/hpocr" \
  "$PYTHON" -m pytest tests/python -q "$@" || status=$?
if [ "$status" = 5 ]; then
  echo "test_python.sh: no tests were collected" >&2
fi
exit "$status"
