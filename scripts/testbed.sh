#!/usr/bin/env bash
# A real LLDP network in network namespaces, for the tests and to try by hand.
#
#   scripts/testbed.sh up      build it (root; needs lldpd, snmpd, iproute2)
#   scripts/testbed.sh down    remove every namespace and process it made
#   scripts/testbed.sh unplug PORT        pull the desk device on PORT out: it stops without a
#                                         word and its link drops (on ge6 the phone's link to
#                                         the PC: the switch port stays up, and the switch keeps
#                                         the phone listed until its TTL, 8 s, runs out)
#   scripts/testbed.sh vanish PORT        the desk device on PORT goes silently, the link stays
#                                         up (a phone behind a PC's bridge): the switch keeps
#                                         its entry until the TTL runs out (4 s here, 8 s
#                                         for the Cisco 8841 on ge2)
#   scripts/testbed.sh plug PORT PROFILE  start PROFILE on PORT's desk, link up
#   scripts/testbed.sh exec CMD...        run CMD inside the switch namespace
#
# One access switch namespace ($TB-sw) runs lldpd (-x -X unix socket) as an
# AgentX subagent of net-snmp's snmpd, which answers SNMP v2c (community
# "public") on the namespace's own 127.0.0.1:161. Each desk is a namespace
# ($TB-d1 … $TB-d5) joined to the switch by a veth "cable" (ge1 … ge5 on
# the switch, eth0 on the desk), where lldpd plays the device:
#
#   ge1  legacy Cisco 7941 speaking CDP only      (profile cisco7941-cdp)
#   ge2  legacy Cisco 8841 on LLDP-MED            (profile cisco8841-med)
#   ge3  Mitel 6867i on LLDP-MED                  (profile mitel6867i)
#   ge4  a PC on plain LLDP                       (profile pc)
#   ge5  Avaya J179 on LLDP-MED                   (profile avaya-j179)
#   ge6  a PC whose bridge forwards LLDP (profile pc6), with a Mitel 6869i
#        plugged in behind it (profile mitel6869i, namespace $TB-d6ph):
#        unplugging the phone leaves the switch port up
#
# Profile avaya-j179b is a second J179 (another serial), for plugging into
# a port emptied by a swap. $TB is the name prefix: CUTOVER_TESTBED, default
# "cotb". Everything lives in namespaces made here; no traffic leaves them.
set -euo pipefail

TB=${CUTOVER_TESTBED:-cotb}
case "$TB" in *[!a-z0-9]* | "") echo "CUTOVER_TESTBED must be lower-case letters and digits" >&2; exit 2 ;; esac
[ ${#TB} -le 8 ] || { echo "CUTOVER_TESTBED is at most 8 characters" >&2; exit 2; }
RUN=/run/cutover-testbed-$TB
SW=$TB-sw
PORTS=(ge1 ge2 ge3 ge4 ge5 ge6)
PROFILES=(cisco7941-cdp cisco8841-med mitel6867i pc avaya-j179 mitel6869i)

die() { echo "testbed: $*" >&2; exit 1; }

need() {
  [ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
  for c in ip lldpd lldpcli snmpd; do
    command -v "$c" >/dev/null 2>&1 || die "$c is missing (apt-get install lldpd snmpd iproute2)"
  done
}

# profile NAME: the lldpd flags (first line) and lldpcli configuration of a desk device.
profile() {
  case "$1" in
  cisco7941-cdp)
    echo "-cc -ll"
    cat <<'EOF'
configure system hostname SEP0011223341A1
configure system platform "Cisco IP Phone 7941"
configure system description "Cisco IP Phone 7941G,V1, SCCP41.9-2-1S"
configure system capabilities enabled telephone
EOF
    ;;
  cisco8841-med)
    echo "-M 3"
    cat <<'EOF'
configure system hostname SEP0011223341A2
configure system description "Cisco IP Phone CP-8841, V3, sip88xx.12-8-1"
configure system capabilities enabled bridge,telephone
configure inventory manufacturer "Cisco Systems, Inc."
configure inventory model "CP-8841"
configure inventory serial-number "FCH2233A8KQ"
configure inventory software-revision "sip88xx.12-8-1"
configure inventory hardware-revision "V03"
configure med policy application voice vlan 110 priority voice dscp 46
configure med power pd source pse priority high value 5000
configure lldp tx-hold 8
EOF
    ;;
  mitel6867i)
    echo "-M 3"
    cat <<'EOF'
configure system hostname mitel-6867i
configure system description "Mitel 6867i SIP 6.0.0.1013"
configure system capabilities enabled bridge,telephone
configure inventory manufacturer "Mitel"
configure inventory model "6867i"
configure inventory serial-number "23AB0099C"
configure inventory software-revision "6.0.0.1013"
configure med policy application voice vlan 110 priority voice dscp 46
configure med power pd source pse priority high value 6500
EOF
    ;;
  pc | pc6)
    echo ""
    cat <<EOF
configure system hostname desk-$1
configure system description "Debian GNU/Linux 12"
configure system capabilities enabled station
EOF
    ;;
  mitel6869i)
    echo "-M 3"
    cat <<'EOF'
configure system hostname mitel-6869i
configure system description "Mitel 6869i SIP 6.0.0.1013"
configure system capabilities enabled bridge,telephone
configure inventory manufacturer "Mitel"
configure inventory model "6869i"
configure inventory serial-number "23AB0177D"
configure med policy application voice vlan 110 priority voice dscp 46
configure med power pd source pse priority high value 7000
configure lldp tx-hold 8
EOF
    ;;
  avaya-j179 | avaya-j179b)
    local serial=22WZ5150B1A7 mac=c8:1f:ea:11:22:33
    [ "$1" = avaya-j179b ] && serial=22WZ5150C9F2
    echo "-M 3"
    cat <<EOF
configure system hostname AVC81FEA112233
configure system description "Avaya J179 IP Phone 4.0.13.0.6"
configure system capabilities enabled bridge,telephone
configure inventory manufacturer "Avaya"
configure inventory model "J179"
configure inventory serial-number "$serial"
configure inventory software-revision "4.0.13.0.6"
configure inventory hardware-revision "J179D01A"
configure inventory asset "PS-004417"
configure med policy application voice vlan 110 priority voice dscp 46
configure med power pd source pse priority high value 5100
EOF
    ;;
  *) die "unknown profile $1" ;;
  esac
}

# The desk MAC of each profile: the Cisco names carry theirs (SEP+MAC).
profile_mac() {
  case "$1" in
  cisco7941-cdp) echo 00:11:22:33:41:a1 ;;
  cisco8841-med) echo 00:11:22:33:41:a2 ;;
  mitel6867i) echo 08:00:0f:71:22:03 ;;
  pc) echo 52:54:00:12:34:04 ;;
  pc6) echo 52:54:00:12:34:06 ;;
  mitel6869i) echo 08:00:0f:71:22:06 ;;
  avaya-j179) echo c8:1f:ea:11:22:33 ;;
  avaya-j179b) echo c8:1f:ea:11:22:44 ;;
  esac
}

dev_ns() { # desk number → the namespace its device runs in (ge6: the phone behind the PC)
  if [ "$1" = 6 ]; then echo "$TB-d6ph"; else echo "$TB-d$1"; fi
}

desk_of() { # PORT → desk number
  local i
  for i in "${!PORTS[@]}"; do
    if [ "${PORTS[$i]}" = "$1" ]; then echo $((i + 1)); return; fi
  done
  die "no port $1 (ports: ${PORTS[*]})"
}

start_lldpd() { # NS NAME FLAGS CONFIG-TEXT [EXTRA...]
  local ns=$1 name=$2 flags=$3 conf=$4; shift 4
  mkdir -p "$RUN/$name.d"
  printf '%s\n' "configure lldp tx-interval 1" "$conf" >"$RUN/$name.d/00.conf"
  # shellcheck disable=SC2086
  ip netns exec "$ns" lldpd $flags -u "$RUN/$name.sock" -p "$RUN/$name.pid" -O "$RUN/$name.d" "$@"
  local i
  for i in $(seq 50); do
    [ -S "$RUN/$name.sock" ] && return 0
    sleep 0.1
  done
  die "lldpd $name did not start"
}

stop_pid() { # PIDFILE
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

plug() { # PORT PROFILE
  local d flags conf mac text ns
  d=$(desk_of "$1")
  text=$(profile "$2")
  flags=${text%%$'\n'*}
  conf=${text#*$'\n'}
  mac=$(profile_mac "$2")
  ns=$(dev_ns "$d")
  stop_pid "$RUN/d$d.pid"
  if ! ip -n "$ns" link show eth0 | grep -qi "link/ether $mac"; then
    ip -n "$ns" link set eth0 down
    ip -n "$ns" link set eth0 address "$mac"
  fi
  ip -n "$ns" link set eth0 up
  rm -f "$RUN/d$d.sock"
  start_lldpd "$ns" "d$d" "$flags" "$conf" -I eth0
  echo "$2" >"$RUN/d$d.profile"
}

unplug() { # PORT
  local d
  d=$(desk_of "$1")
  vanish "$1" # a device pulled out sends no shutdown LLDPDU
  ip -n "$(dev_ns "$d")" link set eth0 down
}

vanish() { # PORT
  local d pid
  d=$(desk_of "$1")
  [ -f "$RUN/d$d.pid" ] || return 0
  pid=$(cat "$RUN/d$d.pid")
  # SIGKILL: no shutdown LLDPDU, as when a device loses power.
  pkill -KILL -P "$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/d$d.pid" "$RUN/d$d.sock" "$RUN/d$d.profile"
}

up() {
  need
  [ -d "$RUN" ] && down
  mkdir -p "$RUN" /run/lldpd
  chmod 755 "$RUN"
  ip netns add "$SW"
  ip -n "$SW" link set lo up
  local i d
  for i in "${!PORTS[@]}"; do
    d=$((i + 1))
    ip netns add "$TB-d$d"
    ip -n "$TB-d$d" link set lo up
    if [ "$d" = 6 ]; then
      # A PC whose bridge forwards LLDP (group_fwd_mask bit 14), with the
      # phone plugged in behind it.
      ip link add ge6 netns "$SW" type veth peer name eth0 netns "$TB-d6" address "$(profile_mac pc6)"
      ip netns add "$TB-d6ph"
      ip -n "$TB-d6ph" link set lo up
      ip link add ph0 netns "$TB-d6" type veth peer name eth0 netns "$TB-d6ph" address "$(profile_mac mitel6869i)"
      ip -n "$TB-d6" link add br0 type bridge group_fwd_mask 0x4000
      ip -n "$TB-d6" link set eth0 master br0
      ip -n "$TB-d6" link set ph0 master br0
      ip -n "$TB-d6" link set ph0 up
      ip -n "$TB-d6" link set br0 up
      ip -n "$TB-d6ph" link set eth0 up
    else
      ip link add "${PORTS[$i]}" netns "$SW" type veth peer name eth0 netns "$TB-d$d" address "$(profile_mac "${PROFILES[$i]}")"
    fi
    ip -n "$SW" link set "${PORTS[$i]}" up
    ip -n "$TB-d$d" link set eth0 up
  done
  # snmpd after the cables: it reads the interface list as it starts.
  cat >"$RUN/snmpd.conf" <<EOF
agentAddress udp:127.0.0.1:161
master agentx
agentXSocket unix:$RUN/agentx
agentXPerms 0600 0700
rocommunity public 127.0.0.1
sysName $TB-access-sw1
sysLocation testbed
EOF
  ip netns exec "$SW" snmpd -C -c "$RUN/snmpd.conf" -p "$RUN/snmpd.pid" -Lf "$RUN/snmpd.log"
  for _ in $(seq 50); do [ -S "$RUN/agentx" ] && break; sleep 0.1; done
  [ -S "$RUN/agentx" ] || die "snmpd did not open its AgentX socket (see $RUN/snmpd.log)"
  # The switch: receives LLDP and CDP on every port, exports them by AgentX.
  start_lldpd "$SW" sw "-c -x -X unix:$RUN/agentx" \
    "configure system hostname $TB-access-sw1
configure system description \"Linux lldpd access switch (testbed)\"
configure system capabilities enabled bridge
configure lldp portidsubtype ifname" -I "ge*"
  for i in "${!PORTS[@]}"; do
    plug "${PORTS[$i]}" "${PROFILES[$i]}"
  done
  local text
  text=$(profile pc6)
  start_lldpd "$TB-d6" d6pc "${text%%$'\n'*}" "${text#*$'\n'}" -I eth0
  echo "testbed $TB up: switch namespace $SW (SNMP v2c public on its 127.0.0.1:161), ports ${PORTS[*]}"
}

down() {
  local f ns
  for f in "$RUN"/*.pid; do [ -e "$f" ] && stop_pid "$f"; done
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    case "$ns" in "$SW" | "$TB"-d[0-9] | "$TB"-d6ph) ip netns del "$ns" ;; esac
  done
  rm -rf "$RUN"
}

case "${1:-}" in
up) up ;;
down) need; down ;;
plug) need; [ $# -eq 3 ] || die "usage: plug PORT PROFILE"; plug "$2" "$3" ;;
unplug) need; [ $# -eq 2 ] || die "usage: unplug PORT"; unplug "$2" ;;
vanish) need; [ $# -eq 2 ] || die "usage: vanish PORT"; vanish "$2" ;;
exec) need; shift; exec ip netns exec "$SW" "$@" ;;
*) echo "usage: $0 up|down|plug PORT PROFILE|unplug PORT|vanish PORT|exec CMD..." >&2; exit 2 ;;
esac
