package simswitch

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ParseSnmprec reads snmpsim's .snmprec format, one "OID|TYPE|VALUE" per
// line, where TYPE is the decimal BER tag, optionally followed by "x" when
// VALUE is hex. name is used in error messages ("name:line: …").
func ParseSnmprec(name string, r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	var recs []Record
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		rec, err := parseSnmprecLine(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return recs, nil
}

func parseSnmprecLine(text string) (Record, error) {
	oidText, rest, ok := strings.Cut(text, "|")
	if !ok {
		return Record{}, fmt.Errorf("want OID|TYPE|VALUE, got %q", clip(text))
	}
	typeText, valText, ok := strings.Cut(rest, "|")
	if !ok {
		return Record{}, fmt.Errorf("want OID|TYPE|VALUE, got %q", clip(text))
	}
	o, err := ParseOID(oidText)
	if err != nil {
		return Record{}, err
	}
	if err := checkName(o); err != nil {
		return Record{}, err
	}
	isHex := strings.HasSuffix(typeText, "x")
	code, err := strconv.ParseUint(strings.TrimSuffix(typeText, "x"), 10, 8)
	if err != nil {
		return Record{}, fmt.Errorf("bad type %q (want a number such as 2, 4, 4x, 64, 66)", typeText)
	}
	v, err := parseTypedValue(Type(code), valText, isHex)
	if err != nil {
		return Record{}, err
	}
	return Record{OID: o, Value: v}, nil
}

// parseTypedValue converts the text of a .snmprec value.
func parseTypedValue(t Type, s string, isHex bool) (Value, error) {
	var raw []byte
	if isHex {
		b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
		if err != nil {
			return Value{}, fmt.Errorf("type %dx: bad hex value %q", t, clip(s))
		}
		raw = b
	}
	v := Value{Type: t}
	switch t {
	case OctetString, Opaque:
		if isHex {
			v.Bytes = raw
		} else {
			v.Bytes = []byte(s)
		}
	case Integer:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return Value{}, fmt.Errorf("type 2 (Integer): bad value %q", clip(s))
		}
		v.Int = n
	case Counter32, Gauge32, TimeTicks, Counter64:
		bits := 32
		if t == Counter64 {
			bits = 64
		}
		n, err := strconv.ParseUint(s, 10, bits)
		if err != nil {
			return Value{}, fmt.Errorf("type %d: bad unsigned %d-bit value %q", t, bits, clip(s))
		}
		v.Uint = n
	case IPAddress:
		if isHex {
			if len(raw) != 4 {
				return Value{}, fmt.Errorf("type 64x (IpAddress): want 4 bytes, got %d", len(raw))
			}
			v.Bytes = raw
			break
		}
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is4() {
			return Value{}, fmt.Errorf("type 64 (IpAddress): bad IPv4 address %q", clip(s))
		}
		b := a.As4()
		v.Bytes = b[:]
	case ObjectID:
		o, err := ParseOID(s)
		if err != nil {
			return Value{}, fmt.Errorf("type 6 (OID): %w", err)
		}
		v.OID = o
	case Null:
	default:
		return Value{}, fmt.Errorf("unsupported type %d", t)
	}
	if err := v.check(); err != nil {
		return Value{}, err
	}
	return v, nil
}

// clip shortens long input for error messages.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// printable reports whether b can be written as plain .snmprec text.
func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// FormatSnmprec renders one record as a .snmprec line (without newline).
func FormatSnmprec(r Record) string {
	v := r.Value
	var val, typ string
	typ = strconv.Itoa(int(v.Type))
	switch v.Type {
	case OctetString, Opaque:
		if printable(v.Bytes) {
			val = string(v.Bytes)
		} else {
			typ += "x"
			val = hex.EncodeToString(v.Bytes)
		}
	case Integer:
		val = strconv.FormatInt(v.Int, 10)
	case Counter32, Gauge32, TimeTicks, Counter64:
		val = strconv.FormatUint(v.Uint, 10)
	case IPAddress:
		val = netip.AddrFrom4([4]byte(v.Bytes)).String()
	case ObjectID:
		val = v.OID.String()
	}
	return r.OID.String() + "|" + typ + "|" + val
}

// WriteSnmprec writes the MIB in .snmprec format, in OID order.
func (m *MIB) WriteSnmprec(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, r := range m.recs {
		bw.WriteString(FormatSnmprec(r))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// LoadFile reads a .snmprec file, or an snmpwalk -On capture for any other
// extension (".walk", ".txt"…), and returns its MIB.
func LoadFile(path string) (*MIB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []Record
	if strings.EqualFold(filepath.Ext(path), ".snmprec") {
		recs, err = ParseSnmprec(path, f)
	} else {
		recs, err = ParseWalk(path, f)
	}
	if err != nil {
		return nil, err
	}
	m, err := NewMIB(recs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Community returns the community a file is served under, snmpsimd-style:
// the base name without its extension ("C3560@500.snmprec" → "C3560@500").
func Community(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}
