package devices

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the value decoders: every function takes what an agent
// sent (often not what the MIB says) and either decodes it or says why not.
// None of them panics on any input; the fuzz tests hold them to that.

// Text turns an octet string into display text. Trailing NULs are dropped
// and CR, LF and TAB become a space (like SNMP::Info's munge_null). Valid
// UTF-8 is kept; other bytes are read as Latin-1 when printable. A value
// with other control bytes is binary and is shown as colon-separated hex.
func Text(b []byte) string {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	var s string
	if utf8.Valid(b) {
		s = string(b)
	} else {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		s = string(r)
	}
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			sb.WriteByte(' ')
		case unicode.IsControl(r) || r == utf8.RuneError:
			return hexColon(b)
		default:
			sb.WriteRune(r)
		}
	}
	return strings.TrimSpace(sb.String())
}

func hexColon(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02x", c)
	}
	return sb.String()
}

// MACFromBytes decodes a MAC address sent either as 6 raw octets or as text
// ("00:1A:E8:..", "00-1a-..", "001a.e8..", "001AE8..."). It returns the
// lower-case colon form.
func MACFromBytes(b []byte) (string, bool) {
	if len(b) == 6 {
		return hexColon(b), true
	}
	return MACFromText(string(b))
}

// MACFromText parses a textual MAC in any common notation, either case.
func MACFromText(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var digits strings.Builder
	switch len(s) {
	case 12:
		digits.WriteString(s)
	case 14: // 001a.e8xx.xxxx
		if s[4] != '.' || s[9] != '.' {
			return "", false
		}
		digits.WriteString(s[0:4] + s[5:9] + s[10:14])
	case 17: // 00:1a:.. or 00-1a-..
		sep := s[2]
		if sep != ':' && sep != '-' {
			return "", false
		}
		for i := 0; i < 17; i++ {
			if i%3 == 2 {
				if s[i] != sep {
					return "", false
				}
				continue
			}
			digits.WriteByte(s[i])
		}
	default:
		return "", false
	}
	raw, err := hex.DecodeString(digits.String())
	if err != nil || len(raw) != 6 {
		return "", false
	}
	return hexColon(raw), true
}

// MACFromName finds the MAC in a phone name: Cisco's SEP<12 hex> and
// SIP<12 hex>, optionally with a domain ("SEP001795B0F381.corp.local"), and
// Grandstream-style "<model>_<12 hex>".
func MACFromName(name string) (string, bool) {
	n := name
	if i := strings.IndexByte(n, '.'); i >= 0 {
		n = n[:i]
	}
	u := strings.ToUpper(n)
	if len(u) == 15 && (strings.HasPrefix(u, "SEP") || strings.HasPrefix(u, "SIP")) {
		return MACFromText(u[3:])
	}
	if i := strings.LastIndexByte(n, '_'); i >= 0 && len(n)-i-1 == 12 {
		return MACFromText(n[i+1:])
	}
	return "", false
}

// macPrefix pulls a MAC from the start of a text port ID such as Cisco
// enterprise phones' "C8F9F9D61BC2:P1".
func macPrefix(s string) (string, bool) {
	if m, ok := MACFromText(s); ok {
		return m, true
	}
	if len(s) > 12 && (s[12] == ':' || s[12] == '/') {
		return MACFromText(s[:12])
	}
	return "", false
}

// IPv4FromBytes decodes a 4-octet IPv4 address, or a dotted-quad text.
func IPv4FromBytes(b []byte) (string, bool) {
	if len(b) == 4 {
		return netip.AddrFrom4([4]byte(b)).String(), true
	}
	if a, err := netip.ParseAddr(strings.TrimSpace(string(b))); err == nil {
		return a.String(), true
	}
	return "", false
}

// CDPAddress decodes cdpCacheAddress for its cdpCacheAddressType. Type 1 (ip)
// is 4 raw octets; type 20 (ipv6) is 16 octets; anything else (65535 with an
// empty value on a Polycom, for example) yields "" and no error. A value that
// has the wrong length for its type is an error.
func CDPAddress(addrType int64, b []byte) (string, error) {
	switch {
	case len(b) == 0:
		return "", nil
	case addrType == 1:
		if ip, ok := IPv4FromBytes(b); ok {
			return ip, nil
		}
		return "", fmt.Errorf("IPv4 address of %d bytes (%s)", len(b), hexColon(b))
	case addrType == 20 && len(b) == 16:
		return netip.AddrFrom16([16]byte(b)).String(), nil
	}
	return "", nil
}

// CDP capability bits (cdpCacheCapabilities, big-endian bitmap).
const (
	CDPRouter      = 0x001
	CDPTransBridge = 0x002
	CDPSRBridge    = 0x004
	CDPSwitch      = 0x008
	CDPHost        = 0x010
	CDPIGMP        = 0x020
	CDPRepeater    = 0x040
	CDPPhone       = 0x080
)

var cdpCapWords = map[string]uint32{
	"router": CDPRouter, "r": CDPRouter, "trans-bridge": CDPTransBridge, "t": CDPTransBridge,
	"source-route-bridge": CDPSRBridge, "sr-bridge": CDPSRBridge, "b": CDPSRBridge,
	"switch": CDPSwitch, "s": CDPSwitch, "host": CDPHost, "h": CDPHost, "igmp": CDPIGMP,
	"i": CDPIGMP, "repeater": CDPRepeater, "phone": CDPPhone, "voip-phone": CDPPhone, "p": CDPPhone,
}

// CDPCaps decodes cdpCacheCapabilities: up to 4 octets are a big-endian
// bitmap (SNMP::Info's rule), longer values are the text form
// ("Router Switch IGMP ").
func CDPCaps(b []byte) (uint32, error) {
	if len(b) <= 4 {
		var v uint32
		for _, c := range b {
			v = v<<8 | uint32(c)
		}
		return v, nil
	}
	var v uint32
	for _, w := range strings.Fields(strings.ToLower(Text(b))) {
		bit, ok := cdpCapWords[w]
		if !ok {
			if w != "cvta" && w != "two-port-mac-relay" && w != "remotely-managed" && w != "d" && w != "m" && w != "c" {
				return v, fmt.Errorf("unknown CDP capability %q", w)
			}
		}
		v |= bit
	}
	return v, nil
}

// LLDP system capabilities in TLV order (bit n = 1<<n).
const (
	LLDPOther     = 1 << 0
	LLDPRepeater  = 1 << 1
	LLDPBridge    = 1 << 2
	LLDPWLANAP    = 1 << 3
	LLDPRouter    = 1 << 4
	LLDPTelephone = 1 << 5
	LLDPDocsis    = 1 << 6
	LLDPStation   = 1 << 7
)

// LLDPCapsInt decodes capabilities that an agent sent as an INTEGER
// (MikroTik): already in TLV order.
func LLDPCapsInt(v int64) (uint16, error) {
	if v < 0 || v > 0xffff {
		return 0, fmt.Errorf("capabilities integer %d out of range", v)
	}
	return uint16(v), nil
}

// LLDPCaps decodes lldpRemSysCapSupported/Enabled sent as an octet string,
// in any of the encodings seen on real agents, and returns TLV order
// (telephone = 0x20):
//   - standard SNMP BITS, MSB first ("04" = telephone, "28 00" = bridge+router);
//   - ExtremeXOS: two octets holding the TLV integer ("00 24" = bridge+telephone),
//     recognised by a zero first octet and a non-zero second one, which as BITS
//     would only name undefined bits;
//   - net-snmp's text rendering of BITS, as in LibreNMS captures: "24 2 5"
//     (hex octets, then the numbers of the set bits).
func LLDPCaps(b []byte) (uint16, error) {
	if v, ok, err := lldpCapsText(b); ok {
		return v, err
	}
	switch len(b) {
	case 0:
		return 0, nil
	case 1:
		return bitsToTLV(b), nil
	case 2:
		if b[0] == 0 && b[1] != 0 {
			return uint16(b[1]), nil
		}
		return bitsToTLV(b), nil
	}
	return 0, fmt.Errorf("capabilities value of %d octets (%s)", len(b), hexColon(b))
}

func bitsToTLV(b []byte) uint16 {
	var v uint16
	for i := 0; i < len(b)*8 && i < 16; i++ {
		if b[i/8]&(0x80>>(i%8)) != 0 {
			v |= 1 << i
		}
	}
	return v
}

// lldpCapsText recognises the "24 2 5" text form. ok is false when b is not
// text of that shape.
func lldpCapsText(b []byte) (v uint16, ok bool, err error) {
	if len(b) < 2 || !utf8.Valid(b) {
		return 0, false, nil
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, false, nil
	}
	for _, t := range f {
		if _, err := strconv.ParseUint(t, 16, 8); err != nil || len(t) > 2 {
			return 0, false, nil
		}
	}
	if len(f[0]) != 2 {
		return 0, false, nil
	}
	// Try every split between hex octets and bit numbers; prefer the one
	// where the listed bits agree with the octets.
	for k := 1; k <= len(f) && k <= 2; k++ {
		oct := make([]byte, k)
		good := true
		for i := 0; i < k; i++ {
			if len(f[i]) != 2 {
				good = false
				break
			}
			x, _ := strconv.ParseUint(f[i], 16, 8)
			oct[i] = byte(x)
		}
		if !good {
			break
		}
		want := bitsToTLV(oct)
		var got uint16
		for _, t := range f[k:] {
			n, err := strconv.Atoi(t)
			if err != nil || n > 15 {
				good = false
				break
			}
			got |= 1 << n
		}
		if good && (got == want || len(f) == k) {
			return want, true, nil
		}
	}
	return 0, true, fmt.Errorf("capabilities text %q: octets and bit list disagree", string(b))
}

// LLDP chassis ID and port ID subtypes that carry binary data.
const (
	chassisMAC     = 4
	chassisNetAddr = 5
	portMAC        = 3
	portNetAddr    = 4
)

// LLDPID is a decoded chassis or port ID.
type LLDPID struct {
	Text string // display form
	MAC  string // set when the ID is (or starts with) a MAC
	IP   string // set when the ID is a network address
}

// DecodeLLDPID decodes lldpRemChassisId (chassis=true) or lldpRemPortId for
// its subtype. MAC subtypes accept 6 raw octets or text in either case;
// network addresses accept AF byte + address, or dotted text.
func DecodeLLDPID(subtype int64, b []byte, chassis bool) LLDPID {
	macSub, netSub := int64(portMAC), int64(portNetAddr)
	if chassis {
		macSub, netSub = chassisMAC, chassisNetAddr
	}
	switch subtype {
	case macSub:
		if m, ok := MACFromBytes(b); ok {
			return LLDPID{Text: m, MAC: m}
		}
	case netSub:
		if len(b) == 5 && b[0] == 1 {
			ip, _ := IPv4FromBytes(b[1:])
			return LLDPID{Text: ip, IP: ip}
		}
		if len(b) == 17 && b[0] == 2 {
			ip := netip.AddrFrom16([16]byte(b[1:])).String()
			return LLDPID{Text: ip, IP: ip}
		}
		if ip, ok := IPv4FromBytes(b); ok && len(b) != 4 {
			return LLDPID{Text: ip, IP: ip}
		}
	}
	t := Text(b)
	id := LLDPID{Text: t}
	if len(b) == 6 && !isPrintable(b) {
		id.MAC, _ = MACFromBytes(b)
		id.Text = id.MAC
	} else if m, ok := macPrefix(t); ok {
		id.MAC = m
	}
	return id
}

func isPrintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// ParseOID turns ".1.3.6.1" or "1.3.6.1" into sub-identifiers.
func ParseOID(s string) ([]uint32, error) {
	s = strings.TrimPrefix(s, ".")
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ".")
	out := make([]uint32, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("bad OID %q: sub-identifier %q", s, p)
		}
		out[i] = uint32(n)
	}
	return out, nil
}

// IfIndexFromAliasOID reads the ifIndex out of an entAliasMappingIdentifier
// value ("1.3.6.1.2.1.2.2.1.1.10011").
func IfIndexFromAliasOID(s string) (int, bool) {
	const ifIndexOID = "1.3.6.1.2.1.2.2.1.1."
	s = strings.TrimPrefix(s, ".")
	if !strings.HasPrefix(s, ifIndexOID) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[len(ifIndexOID):], 10, 31)
	if err != nil {
		return 0, false
	}
	return int(n), true
}
