#!/usr/bin/env bash
# Performance item (a) of issue 3: full discovery of the C3560 recording
# through Debian's snmpsimd, against net-snmp's snmpbulkwalk reading the same
# columns (same roots, same communities, same agent). Prints SNMP requests sent
# and wall time for both. Usage: scripts/bench-discovery.sh
# Needs snmpsimd (package snmpsim) and snmpbulkwalk (package snmp), and the
# recordings in ../shared/snmp/real. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(cd .. && pwd)/shared/snmp/real
[ -f "$data/C3560_10.250.0.35.snmprec" ] || { echo "discovery: recordings not found in $data, skipped"; exit 0; }
command -v snmpsimd >/dev/null || { echo "discovery: snmpsimd not installed, skipped"; exit 0; }
command -v snmpbulkwalk >/dev/null || { echo "discovery: snmpbulkwalk not installed, skipped"; exit 0; }

cache=$(mktemp -d); chmod 1777 "$cache"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
addr=127.0.0.1:$port
user=(); [ "$(id -u)" = 0 ] && user=(--process-user=nobody --process-group=nogroup)
snmpsimd --data-dir="$data" --agent-udpv4-endpoint="$addr" --cache-dir="$cache" --logging-method=null "${user[@]}" &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null; rm -rf "$cache"' EXIT
com=C3560_10.250.0.35
for _ in $(seq 300); do snmpget -v2c -c "$com" -t 0.2 -r 0 "$addr" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && break; sleep 0.2; done

# The columns devices.collect reads (collect.go baseHandlers), then the
# per-VLAN bridge columns for the voice VLAN 521 and access VLAN 500.
base="1.3.6.1.2.1.2.2.1.2 1.3.6.1.2.1.31.1.1.1.1 1.3.6.1.2.1.31.1.1.1.18 1.3.6.1.2.1.2.2.1.3 1.3.6.1.2.1.2.2.1.8
1.3.6.1.4.1.9.9.23.1.2.1.1.3 1.3.6.1.4.1.9.9.23.1.2.1.1.4 1.3.6.1.4.1.9.9.23.1.2.1.1.5 1.3.6.1.4.1.9.9.23.1.2.1.1.6
1.3.6.1.4.1.9.9.23.1.2.1.1.7 1.3.6.1.4.1.9.9.23.1.2.1.1.8 1.3.6.1.4.1.9.9.23.1.2.1.1.9
1.0.8802.1.1.2.1.4.1.1.4 1.0.8802.1.1.2.1.4.1.1.5 1.0.8802.1.1.2.1.4.1.1.6 1.0.8802.1.1.2.1.4.1.1.7 1.0.8802.1.1.2.1.4.1.1.8
1.0.8802.1.1.2.1.4.1.1.9 1.0.8802.1.1.2.1.4.1.1.10 1.0.8802.1.1.2.1.4.1.1.11 1.0.8802.1.1.2.1.4.1.1.12
1.0.8802.1.1.2.1.4.2.1.3 1.0.8802.1.1.2.1.3.7.1.2 1.0.8802.1.1.2.1.3.7.1.3 1.0.8802.1.1.2.1.3.7.1.4
1.0.8802.1.1.2.1.5.4795.1.3.1.1.3 1.0.8802.1.1.2.1.5.4795.1.3.2.1.2 1.0.8802.1.1.2.1.5.4795.1.3.2.1.6
1.0.8802.1.1.2.1.5.4795.1.3.3.1.1 1.0.8802.1.1.2.1.5.4795.1.3.3.1.2 1.0.8802.1.1.2.1.5.4795.1.3.3.1.3
1.0.8802.1.1.2.1.5.4795.1.3.3.1.4 1.0.8802.1.1.2.1.5.4795.1.3.3.1.5 1.0.8802.1.1.2.1.5.4795.1.3.3.1.6
1.0.8802.1.1.2.1.5.4795.1.3.7.1.1 1.0.8802.1.1.2.1.5.4795.1.2.1.1.2
1.3.6.1.2.1.17.1.4.1.2 1.3.6.1.2.1.17.4.3.1.2 1.3.6.1.2.1.17.4.3.1.3 1.3.6.1.2.1.17.7.1.2.2.1.2 1.3.6.1.2.1.17.7.1.2.2.1.3
1.3.6.1.2.1.17.7.1.4.2.1.3 1.3.6.1.2.1.17.7.1.4.5.1.1 1.3.6.1.4.1.9.9.68.1.2.2.1.2 1.3.6.1.4.1.9.9.68.1.5.1.1.1
1.3.6.1.2.1.105.1.1.1.6 1.3.6.1.2.1.105.1.1.1.10 1.3.6.1.4.1.9.9.402.1.2.1.9 1.3.6.1.4.1.9.9.402.1.2.1.11
1.3.6.1.2.1.47.1.3.2.1.2"
vlan="1.3.6.1.2.1.17.1.4.1.2 1.3.6.1.2.1.17.4.3.1.2 1.3.6.1.2.1.17.4.3.1.3"

netsnmp() { # prints requests sent
  local n=0 c
  c=$(snmpget -d -v2c -c "$com" "$addr" 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.2.0 1.3.6.1.2.1.1.5.0 2>&1 | grep -c '^Sending'); n=$((n + c))
  for oid in $base; do c=$(snmpbulkwalk -d -v2c -c "$com" -On "$addr" "$oid" 2>&1 | grep -c '^Sending'); n=$((n + c)); done
  for v in 500 521; do for oid in $vlan; do
    c=$(snmpbulkwalk -d -v2c -c "$com@$v" -On "$addr" "$oid" 2>&1 | grep -c '^Sending'); n=$((n + c)); done; done
  echo "$n"
}
start=$(date +%s%N); nreq=$(netsnmp); end=$(date +%s%N)
nms=$(( (end - start) / 1000000 ))
ncalls=$(( $(wc -w <<<"$base") + 2 * $(wc -w <<<"$vlan") + 1 ))

out=$(CUTOVER_SNMPSIM_ADDR=$addr go test -run '^$' -bench '^BenchmarkDiscoverC3560$' -benchtime "${BENCH_DISCOVERY_N:-20}x" ./devices/ 2>&1) ||
  { echo "$out" >&2; exit 1; }
line=$(grep '^BenchmarkDiscoverC3560' <<<"$out")
ours_ms=$(awk '{printf "%.1f", $3/1e6}' <<<"$line")
ours_req=$(awk '{for (i=1;i<=NF;i++) if ($i=="requests/op") print $(i-1)}' <<<"$line")
echo "discovery (a), C3560 recording through snmpsimd on loopback:"
echo "  cutover discovery : ${ours_req} SNMP requests, ${ours_ms} ms per discovery (mean of go test -bench, ${BENCH_DISCOVERY_N:-20} runs)"
echo "  net-snmp          : ${nreq} SNMP requests, ${nms} ms for the same columns (snmpget + ${ncalls} snmpbulkwalk runs, -Cr10 default; includes process start-up)"

# (b) 50 simulated 48-port switches at once (devices/simswitch, in process).
out=$(go test -run '^$' -bench '^BenchmarkDiscover50$' -benchtime "${BENCH_DISCOVERY50_N:-3}x" ./devices/ 2>&1) || { echo "$out" >&2; exit 1; }
line=$(grep '^BenchmarkDiscover50' <<<"$out")
metric() { awk -v m="$1" '{for (i=1;i<=NF;i++) if ($i==m) print $(i-1)}' <<<"$line"; }
echo "discovery (b), 50 simulated 48-port switches at once (10 ms agent latency, concurrency 50):"
echo "  total $(metric wall-ms) ms; one switch read alone $(metric one-switch-alone-ms) ms (ratio $(metric wall/alone), target <= 1.5);" \
     "slowest switch within the run $(metric slowest-switch-ms) ms;" \
     "peak Go heap $(metric peak-heap-MiB) MiB (includes the 50 in-process simulated agents); $(metric phones) phones"
