package simswitch

import (
	"fmt"
	"net/netip"
)

// Type is an SNMP value type; its number is the BER tag, which is also the
// type code snmpsim uses in .snmprec files (2 Integer, 4 OctetString, 64 IpAddress…).
type Type byte

// Value types served by the agent.
const (
	Integer        Type = 0x02
	OctetString    Type = 0x04
	Null           Type = 0x05
	ObjectID       Type = 0x06
	IPAddress      Type = 0x40
	Counter32      Type = 0x41
	Gauge32        Type = 0x42
	TimeTicks      Type = 0x43
	Opaque         Type = 0x44
	Counter64      Type = 0x46
	NoSuchObject   Type = 0x80
	NoSuchInstance Type = 0x81
	EndOfMibView   Type = 0x82
)

// Value is one SNMP value. Which field holds the data depends on Type:
// Int for Integer; Uint for Counter32, Gauge32, TimeTicks and Counter64;
// Bytes for OctetString, IPAddress (4 bytes) and Opaque; OID for ObjectID.
type Value struct {
	Type  Type
	Int   int64
	Uint  uint64
	Bytes []byte
	OID   OID
}

// Record is one OID with its value.
type Record struct {
	OID   OID
	Value Value
}

// Int returns an Integer value.
func Int(n int64) Value { return Value{Type: Integer, Int: n} }

// Str returns an OctetString value holding s.
func Str(s string) Value { return Value{Type: OctetString, Bytes: []byte(s)} }

// Octets returns an OctetString value holding b.
func Octets(b []byte) Value { return Value{Type: OctetString, Bytes: append([]byte(nil), b...)} }

// Gauge returns a Gauge32 value.
func Gauge(n uint32) Value { return Value{Type: Gauge32, Uint: uint64(n)} }

// Counter returns a Counter32 value.
func Counter(n uint32) Value { return Value{Type: Counter32, Uint: uint64(n)} }

// Ticks returns a TimeTicks value.
func Ticks(n uint32) Value { return Value{Type: TimeTicks, Uint: uint64(n)} }

// OIDValue returns an ObjectID value.
func OIDValue(o OID) Value { return Value{Type: ObjectID, OID: o} }

// IP returns an IpAddress value; a is an IPv4 address.
func IP(a netip.Addr) Value {
	b := a.As4()
	return Value{Type: IPAddress, Bytes: b[:]}
}

// check reports whether the value is well formed for its type.
func (v Value) check() error {
	switch v.Type {
	case Integer:
		if v.Int < -1<<31 || v.Int > 1<<31-1 {
			return fmt.Errorf("integer %d out of range", v.Int)
		}
	case Counter32, Gauge32, TimeTicks:
		if v.Uint > 1<<32-1 {
			return fmt.Errorf("value %d out of 32-bit range", v.Uint)
		}
	case IPAddress:
		if len(v.Bytes) != 4 {
			return fmt.Errorf("IpAddress needs 4 bytes, got %d", len(v.Bytes))
		}
	case ObjectID:
		if len(v.OID) < 2 || v.OID[0] > 2 || (v.OID[0] < 2 && v.OID[1] >= 40) {
			return fmt.Errorf("OID value %q cannot be BER-encoded", v.OID)
		}
	case OctetString, Null, Opaque, Counter64:
	default:
		return fmt.Errorf("unsupported type %d", v.Type)
	}
	return nil
}
