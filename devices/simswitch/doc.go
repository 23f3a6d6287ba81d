// Package simswitch is a simulated access switch for tests and demos: a small
// SNMP v2c agent (GET, GETNEXT, GETBULK over UDP on loopback) that serves MIB
// views loaded from .snmprec files or snmpwalk -On captures, or rendered from
// a Go description of a switch (Spec) whose port neighbours can be changed
// while it runs.
//
// The agent only binds to loopback addresses (127.0.0.0/8 or ::1).
package simswitch
