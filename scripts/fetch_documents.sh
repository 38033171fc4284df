#!/usr/bin/env bash
# Real typeset PDF documents for the INT8 accuracy guard's document pages (docs/int8.md#document-pages):
# manuals and exam sheets from Debian's documentation packages (LaTeX, Texinfo and DocBook output in English,
# French and Japanese), taken out of the packages with `apt-get download` + `dpkg-deb -x` (nothing is installed)
# into $HPOCR_HOME/documents/. Each file is checked against the sha256 it was measured with; a file whose
# package version moved on is reported and left out rather than failing the set-up. Safe to rerun.
set -euo pipefail
HOME_DIR=${HPOCR_HOME:-$HOME/.cache/hpocr}
OUT="$HOME_DIR/documents"
log() { printf '\033[1m[fetch]\033[0m %s\n' "$*" >&2; }

# Debian package | file in it | sha256 of the file (Debian 12 versions of 2026-12: auto-multiple-choice-doc-pdf
# 1.6.0-1, libtasn1-doc 4.19.0-2+deb12u1, shared-mime-info 2.2-1, r-doc-pdf 4.2.2.20221110-2)
FILES="
auto-multiple-choice-doc-pdf usr/share/doc/auto-multiple-choice/auto-multiple-choice.en.pdf dc69b1bcd7b2b601ae05d84cd52f155d12eb8d340407c7e2eb469ce4647ef0f8
auto-multiple-choice-doc-pdf usr/share/doc/auto-multiple-choice/auto-multiple-choice.fr.pdf 262c70b343dd445209cd3d679bc38af3083d2f2f72ecf3cbf9fe8c76283febe1
auto-multiple-choice-doc-pdf usr/share/doc/auto-multiple-choice/auto-multiple-choice.ja.pdf a567c7f8afb8c43160b23f80f678dbf7f0261610504531f3ca77230b2cc0cb97
auto-multiple-choice-doc-pdf usr/share/doc/auto-multiple-choice/latex/sample-amc.pdf 922050356d8a318e23ba818609d046f36fe30a3332dd1c50799070b95d09f71b
auto-multiple-choice-doc-pdf usr/share/doc/auto-multiple-choice/latex/sample-plain.pdf 3b6c7d77daa204aa612cdb5baa10a8dd652e9c82f3c38d4e524ad2b8e3a9d858
libtasn1-doc usr/share/doc/libtasn1-doc/libtasn1.pdf 3917eb460d87e275f9792b3597029873fd77890ed3ccebe40bbc5a3a7ee516d3
shared-mime-info usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf 4d9666c46b4d367a12e2922f4f3b114396c377106c57bbc934d03320e6888002
r-doc-pdf usr/share/R/doc/manual/R-intro.pdf 337ccd0b490b1e66f7e783b45f4588d0599730b4206c0c051edfe1419c568c51
r-doc-pdf usr/share/R/doc/manual/R-FAQ.pdf de8768520d4fb90dad64c28483ffb92dca7dd9d8dc8556905b35c2e62a939255
"

sha_ok() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

mkdir -p "$OUT"
missing=0
while read -r pkg file sum; do
  [ -n "$pkg" ] || continue
  [ -s "$OUT/$(basename "$file")" ] && sha_ok "$OUT/$(basename "$file")" "$sum" || missing=1
done <<<"$FILES"
if ((missing == 0)); then log "documents present in $OUT"; exit 0; fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"  # apt's _apt user writes the download here
for pkg in $(awk 'NF {print $1}' <<<"$FILES" | sort -u); do
  log "downloading the Debian package $pkg (documents only, nothing installed)"
  (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) || { log "warning: apt-get download $pkg failed; its documents are left out"; continue; }
  dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/x"
done
while read -r pkg file sum; do
  [ -n "$pkg" ] || continue
  src="$tmp/x/$file"; dst="$OUT/$(basename "$file")"
  if [ ! -s "$src" ]; then continue; fi
  if sha_ok "$src" "$sum"; then cp "$src" "$dst"; else log "warning: $file of $pkg differs from the measured one (a newer package?); left out"; fi
done <<<"$FILES"
log "$(find "$OUT" -name '*.pdf' | wc -l) documents in $OUT"
