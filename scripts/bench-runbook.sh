#!/usr/bin/env bash
# Issue 10's figures: what recording a step, loading a runbook with a long
# history, the site report and discovery's expectations cost on the demo site.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3)"
go test -run '^$' -bench . -benchtime "${BENCH_TIME:-300x}" -count "${BENCH_COUNT:-3}" ./site/runbook |
  awk '/^Benchmark/ {name=$1; sub(/-[0-9]+$/, "", name); ns[name]=ns[name] " " $3}
       END {
         desc["BenchmarkRecordStep"]="record one step result (rules, history, op, fsync), ms"
         desc["BenchmarkStepsWith100Results"]="load a runbook whose step has 100 results, ms"
         desc["BenchmarkSiteReport"]="site report of the demo site (58 positions), ms"
         desc["BenchmarkSiteExpectations"]="what discovery expects on every port of the demo site, ms"
         for (n in ns) {
           split(substr(ns[n], 2), v, " "); out=""
           for (i in v) out = out sprintf(" %.2f", v[i]/1e6)
           printf "  %-58s%s\n", desc[n], out
         }
       }' | sort
