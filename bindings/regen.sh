#!/usr/bin/env bash
# Regenerates the committed jextract output from the checked-in argfiles:
#   jextract/libc.h  + jextract/libc.args  -> src/main/java/org/nlbridge/bindings/libc
#   jextract/linux.h + jextract/linux.args -> src/main/java/org/nlbridge/bindings/linux
# Needs an installed `jextract` on PATH (or JEXTRACT=/path/to/jextract); it does not build one.
# The output depends on the system headers (glibc, linux-libc-dev); the versions used are recorded in
# jextract/VERSIONS. Never edit the generated files by hand: change an argfile and run this again.
set -euo pipefail
cd "$(dirname "$0")"
JEXTRACT=${JEXTRACT:-jextract}
command -v "$JEXTRACT" >/dev/null || { echo "regen.sh: jextract not found on PATH (set JEXTRACT=...)" >&2; exit 1; }
out=src/main/java
gen() { # name
  local pkgdir="$out/org/nlbridge/bindings/$1"
  rm -rf "$pkgdir"
  # argfile lines starting with '#' are comments for humans; jextract's @file does not take them
  grep -v '^#' "jextract/$1.args" > "${TMPDIR:-/tmp}/nlbridge-$1.args"
  "$JEXTRACT" --output "$out" "@${TMPDIR:-/tmp}/nlbridge-$1.args" "jextract/$1.h"
  rm -f "${TMPDIR:-/tmp}/nlbridge-$1.args"
}
gen libc
gen linux
{
  echo "# what produced the committed output (written by regen.sh)"
  "$JEXTRACT" --version 2>&1 | sed 's/^/jextract: /'
  echo "glibc: $(dpkg-query -W -f='${Version}' libc6-dev 2>/dev/null || echo unknown)"
  echo "linux-libc-dev: $(dpkg-query -W -f='${Version}' linux-libc-dev 2>/dev/null || echo unknown)"
} > jextract/VERSIONS
echo "regenerated: $(find "$out/org/nlbridge/bindings/libc" "$out/org/nlbridge/bindings/linux" -name '*.java' | wc -l) files"
