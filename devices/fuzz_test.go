package devices

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/.

func checkMAC(t *testing.T, m string, ok bool) {
	if ok && (len(m) != 17 || strings.ToLower(m) != m) {
		t.Fatalf("malformed MAC %q", m)
	}
}

func FuzzValueDecoders(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x90"), int64(1))
	f.Add([]byte("24 2 5"), int64(5))
	f.Fuzz(func(t *testing.T, b []byte, n int64) {
		_ = Text(b)
		m, ok := MACFromBytes(b)
		checkMAC(t, m, ok)
		m, ok = MACFromName(string(b))
		checkMAC(t, m, ok)
		_, _ = CDPCaps(b)
		_, _ = LLDPCaps(b)
		_, _ = LLDPCapsInt(n)
		_, _ = CDPAddress(n, b)
		for _, ch := range []bool{true, false} {
			id := DecodeLLDPID(n, b, ch)
			checkMAC(t, id.MAC, id.MAC != "")
		}
		_, _ = parseSysDesc(Text(b))
		_, _ = IPv4FromBytes(b)
	})
}

// subIDs reads sub-identifiers from fuzz bytes: one per byte, except that
// 0xff introduces a 4-byte big-endian value.
func subIDs(b []byte) []uint32 {
	var out []uint32
	for i := 0; i < len(b); i++ {
		if b[i] == 0xff && i+4 < len(b) {
			out = append(out, binary.BigEndian.Uint32(b[i+1:i+5]))
			i += 4
			continue
		}
		out = append(out, uint32(b[i]))
	}
	return out
}

func FuzzIndexParsers(f *testing.F) {
	f.Add([]byte{0, 6, 22})
	f.Add([]byte{0, 6, 22, 1, 64})
	f.Fuzz(func(t *testing.T, b []byte) {
		sub := subIDs(b)
		_, _ = ParseRemIndex(sub)
		_, _, _ = ParseManAddrIndex(sub)
		_, _, _ = ParseMedPolicyIndex(sub)
		m, err := ParseMACIndex(sub)
		checkMAC(t, m, err == nil)
		_, _, _ = ParseQFdbIndex(sub)
		_, _, _ = ParsePair(sub)
		_, _ = ParseSingle(sub)
		if _, err := ParseOID(string(b)); err == nil && strings.Trim(string(b), "0123456789.") != "" {
			t.Fatalf("ParseOID accepted %q", b)
		}
		_, _ = IfIndexFromAliasOID(string(b))
	})
}

// FuzzIdentify feeds arbitrary varbinds to every column handler and then
// identifies phones: garbled agents must give warnings, never panics.
func FuzzIdentify(f *testing.F) {
	f.Add(uint8(6), []byte{10, 1}, uint8(0), []byte("SEP001E138C9B30"))
	f.Fuzz(func(t *testing.T, col uint8, index []byte, kind uint8, val []byte) {
		r := newRaw()
		r.sysObjectID = "1.3.6.1.4.1.9.1.563"
		types := []gosnmp.Asn1BER{gosnmp.OctetString, gosnmp.Integer, gosnmp.Gauge32, gosnmp.ObjectIdentifier, gosnmp.Null, gosnmp.Counter64}
		typ := types[int(kind)%len(types)]
		var v any = val
		switch typ {
		case gosnmp.Integer:
			v = int(int32(binary.BigEndian.Uint32(append(val, 0, 0, 0, 0))))
		case gosnmp.Gauge32:
			v = uint(binary.BigEndian.Uint32(append(val, 0, 0, 0, 0)))
		case gosnmp.Counter64:
			v = binary.BigEndian.Uint64(append(val, 0, 0, 0, 0, 0, 0, 0, 0))
		case gosnmp.ObjectIdentifier:
			v = string(val)
		case gosnmp.Null:
			v = nil
		}
		// one value in every column, and a second in the chosen one
		for i, h := range baseHandlers {
			sub := subIDs(index)
			_ = h.fn(r, sub, gosnmp.SnmpPDU{Type: typ, Value: v})
			if i == int(col)%len(baseHandlers) {
				_ = h.fn(r, []uint32{10001}, gosnmp.SnmpPDU{Type: typ, Value: v})
			}
		}
		_, _ = identify(r, func(string, ...any) {})
	})
}
