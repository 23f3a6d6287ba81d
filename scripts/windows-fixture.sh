#!/usr/bin/env bash
# Writes sync/client/testdata/laptops/windows-amd64 with the Windows build
# of cutover's code (mingw SQLite, internal/platform's Windows side), run
# under Wine (Debian: wine64). Go 1.26 needs ProcessPrng from
# bcryptprimitives.dll, which Wine 8 lacks: a shim built here with mingw
# (RtlGenRandom underneath) goes into the Wine prefix's system32.
# Better still, run the cross-built test binary on a real Windows laptop
# (see TestWriteLaptopFixture).
set -euo pipefail
cd "$(dirname "$0")/.."
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$wine" ] || { echo "windows-fixture: wine64 is not installed (apt-get install wine64)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/prng.c" <<'C'
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T n) {
	while (n > 0) {
		ULONG chunk = n > 0x10000000 ? 0x10000000 : (ULONG)n;
		if (!RtlGenRandom(data, chunk)) return FALSE;
		data += chunk; n -= chunk;
	}
	return TRUE;
}
C
printf 'LIBRARY bcryptprimitives\nEXPORTS\n  ProcessPrng\n' >"$tmp/prng.def"
x86_64-w64-mingw32-gcc -O2 -shared -o "$tmp/bcryptprimitives.dll" "$tmp/prng.c" "$tmp/prng.def" -ladvapi32
WINEDEBUG=-all "$wine" cmd /c exit 0 >/dev/null 2>&1 || true # make the prefix
sys32="${WINEPREFIX:-$HOME/.wine}/drive_c/windows/system32"
[ -e "$sys32/bcryptprimitives.dll" ] || cp "$tmp/bcryptprimitives.dll" "$sys32/"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc go test -c -o "$tmp/client.test.exe" ./sync/client
(cd "$tmp" && WINEDEBUG=-all CUTOVER_WRITE_LAPTOP_FIXTURE=out "$wine" client.test.exe -test.run '^TestWriteLaptopFixture$' -test.v)
rm -rf sync/client/testdata/laptops/windows-amd64
cp -r "$tmp/out/windows-amd64" sync/client/testdata/laptops/
chmod 644 sync/client/testdata/laptops/windows-amd64/*
cat sync/client/testdata/laptops/windows-amd64/about.txt
