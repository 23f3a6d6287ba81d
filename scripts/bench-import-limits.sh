#!/usr/bin/env bash
# Peak memory of `cutover import` on hostile inventory files (issue 11, point 9):
# a 200 MB file that is one header line, an 8.9 MB header, and for scale the
# 20,000-position force inventory. Prints each run's exit status, max RSS and
# how many bytes it wrote to stderr.
# Usage: scripts/bench-import-limits.sh [CUTOVER_BINARY]   (default: builds this tree)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bin=${1:-}
if [ -z "$bin" ]; then go build -o "$work/cutover" . && bin="$work/cutover"; fi

# A 200 MB file that is one line: known columns, then one endless column name.
{ printf 'label,role,legacy_vendor,extension,'; head -c $((200*1000*1000)) /dev/zero | tr '\0' 'x'; printf '\n'; } > "$work/one-line-200MB.csv"
# An 8.9 MB header of ~3 million short unknown columns, then one good row.
{ printf 'site,label,role,legacy_vendor,extension'; awk 'BEGIN { for (i = 0; i < 1483333; i++) printf ",ab,cd" }'; printf '\nKX,P1,desk,cisco,1001\n'; } > "$work/header-8.9MB.csv"
go run ./scripts/geninventory > "$work/force.csv"

echo "file                     size       exit  max RSS      stderr"
for f in one-line-200MB.csv header-8.9MB.csv force.csv; do
  rm -f "$work"/db*
  set +e
  /usr/bin/time -f '%M' -o "$work/rss" "$bin" --engineer bench --db "$work/db" import "$work/$f" >/dev/null 2>"$work/err"
  rc=$?
  set -e
  printf '%-24s %-10s %-5s %-12s %s\n' "$f" "$(du -h "$work/$f" | cut -f1)" "$rc" \
    "$(tail -1 "$work/rss" | awk '{printf "%.1f MiB", $1/1024}')" "$(wc -c < "$work/err") bytes"
done
# The same 200 MB line through a pipe, where the size is not known up front.
rm -f "$work"/db*
set +e
/usr/bin/time -f '%M' -o "$work/rss" sh -c "cat '$work/one-line-200MB.csv' | '$bin' --engineer bench --db '$work/db' import /dev/stdin" >/dev/null 2>"$work/err"
rc=$?
set -e
printf '%-24s %-10s %-5s %-12s %s\n' "200MB via a pipe" "191M" "$rc" \
  "$(tail -1 "$work/rss" | awk '{printf "%.1f MiB", $1/1024}')" "$(wc -c < "$work/err") bytes"
head -c 400 "$work/err"
echo "the error on the 200 MB file:"
rm -f "$work"/db*
"$bin" --engineer bench --db "$work/db" import "$work/one-line-200MB.csv" 2>&1 >/dev/null | head -3 | cut -c1-200 || true
