#!/usr/bin/env bash
# Builds a cutover release from a clean checkout: linux/amd64, linux/arm64
# and windows/amd64, all with cgo (SQLite) through Debian's cross compilers
# (gcc-aarch64-linux-gnu, gcc-mingw-w64-x86-64), each stamped with the
# version, commit and build date (`cutover version`). Writes, in dist/VERSION/:
#   cutover-VERSION-OS-ARCH[.exe]   the binaries
#   SHA256SUMS                      their checksums (sha256sum -c SHA256SUMS)
#   MODULES-OS-ARCH.txt             `go version -m`: the Go toolchain, the
#                                   build settings and every module's version
#                                   and checksum compiled in (an SBOM-style list)
# Usage: scripts/release.sh [VERSION]   (default: git describe --tags --always)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "$(git status --porcelain)" ]; then
  echo "release: the tree has uncommitted changes; commit or stash them first:" >&2
  git status --short >&2
  exit 1
fi
version=${1:-$(git describe --tags --always)}
case "$version" in *[!A-Za-z0-9._+-]*|"") echo "release: version $version: use letters, digits and . _ + -" >&2; exit 2;; esac
commit=$(git rev-parse HEAD)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
out=dist/$version
rm -rf "$out"
mkdir -p "$out"

targets=("linux amd64 gcc" "linux arm64 aarch64-linux-gnu-gcc" "windows amd64 x86_64-w64-mingw32-gcc")
for t in "${targets[@]}"; do
  read -r os arch cc <<<"$t"
  command -v "$cc" >/dev/null || { echo "release: $cc not found (apt-get install gcc-mingw-w64-x86-64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross)" >&2; exit 1; }
done

pkg=cutover/internal/version
ldflags="-s -w -X $pkg.version=$version -X $pkg.commit=$commit -X $pkg.date=$date"
for t in "${targets[@]}"; do
  read -r os arch cc <<<"$t"
  name=cutover-$version-$os-$arch
  [ "$os" = windows ] && name=$name.exe
  start=$(date +%s.%N)
  CGO_ENABLED=1 GOOS=$os GOARCH=$arch CC=$cc \
    go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out/$name" .
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  go version -m "$out/$name" >"$out/MODULES-$os-$arch.txt"
  printf '%-40s %10d bytes  built in %.1f s\n' "$name" "$(stat -c %s "$out/$name")" "$secs" >&2
done
(cd "$out" && sha256sum cutover-* >SHA256SUMS)
echo "release $version ($commit, $date) in $out:" >&2
(cd "$out" && ls -l && cat SHA256SUMS)
