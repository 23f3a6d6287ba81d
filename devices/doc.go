// Package devices discovers desk phones on access switches over SNMP
// (v2c and v3 USM, read-only) and reconciles them with a site inventory.
//
// A discovery reads the system group, IF-MIB, CDP, LLDP and LLDP-MED,
// BRIDGE-MIB/Q-BRIDGE-MIB forwarding tables (Cisco per-VLAN through
// community@vlan or the v3 context vlan-N), the Cisco VLAN membership MIB
// and POWER-ETHERNET-MIB, then joins them per local port and decides which
// neighbours are phones, recording the evidence that made each one a phone.
// Decoding is tolerant: agents disagree on encodings (text or hex strings,
// four encodings of LLDP capabilities, odd LLDP indexes), and a garbled value
// becomes a warning naming the OID, never a panic.
package devices
