#!/bin/sh
# TUI performance at force scale (issue 5): with a 20,000-position
# database, the time to the first frame (the sites screen over 200 sites;
# from launch, the database opened and checked, to the whole dashboard of
# one 20,000-position site; the position list of that site), the time from a filter
# keystroke to the new frame, and memory (heap in use with the list loaded,
# and the Go runtime's total from the OS, a ceiling on the peak).
# Targets: first frame < 200 ms, keystroke to frame < 30 ms.
# Extra arguments go to `go test` (e.g. -benchtime 20x).
set -eu
cd "$(dirname "$0")/.."
exec go test -run '^$' -bench 'FirstFrame|FilterKeystroke' -benchtime 10x "$@" ./ui/
