package simswitch

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// recordStart matches the start of an snmpwalk -On output line: ".1.3.6… = ".
var recordStart = regexp.MustCompile(`^\.?[0-9]+(\.[0-9]+)+ = `)

// ParseWalk reads the output of net-snmp's `snmpwalk -On` (numeric OIDs):
// ".1.3.6.1.2.1.1.5.0 = STRING: "sw1"". Values may span several lines
// (strings with newlines, wrapped Hex-STRING). Exceptions such as "No Such
// Object…" are skipped. name is used in error messages ("name:line: …").
func ParseWalk(name string, r io.Reader) ([]Record, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// CRLF line ends (a file saved on Windows) when every LF follows a CR;
	// otherwise a CR is part of a value: net-snmp prints CR LF inside
	// strings as they are.
	nl := bytes.Count(data, []byte("\n"))
	crlf := nl > 0 && bytes.Count(data, []byte("\r\n")) == nl
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	sc.Split(scanLinesKeepCR)
	var recs []Record
	var cur []string
	curLine, line := 0, 0
	flush := func() error {
		if cur == nil {
			return nil
		}
		rec, skip, err := parseWalkRecord(cur)
		cur = nil
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, curLine, err)
		}
		if !skip {
			recs = append(recs, rec)
		}
		return nil
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		if crlf {
			text = strings.TrimSuffix(text, "\r")
		}
		if recordStart.MatchString(text) {
			if err := flush(); err != nil {
				return nil, err
			}
			cur, curLine = []string{text}, line
			continue
		}
		if cur == nil {
			if strings.TrimSpace(text) == "" {
				continue
			}
			return nil, fmt.Errorf("%s:%d: not an snmpwalk -On line (want \".1.3.6… = TYPE: value\"): %q", name, line, clip(text))
		}
		cur = append(cur, text)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return recs, nil
}

// scanLinesKeepCR splits at '\n' only, keeping any '\r' before it.
func scanLinesKeepCR(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// parseWalkRecord parses one record; skip is true for exceptions.
func parseWalkRecord(lines []string) (Record, bool, error) {
	oidText, rest, _ := strings.Cut(lines[0], " = ")
	o, err := ParseOID(oidText)
	if err != nil {
		return Record{}, false, err
	}
	if err := checkName(o); err != nil {
		return Record{}, false, err
	}
	val := strings.Join(append([]string{rest}, lines[1:]...), "\n")
	if strings.HasPrefix(val, "Wrong Type") {
		// "Wrong Type (should be OCTET STRING): INTEGER: 5"
		if i := strings.Index(val, "): "); i >= 0 {
			val = val[i+3:]
		}
	}
	if strings.HasPrefix(val, "No Such Object") || strings.HasPrefix(val, "No Such Instance") ||
		strings.HasPrefix(val, "No more variables") {
		return Record{}, true, nil
	}
	v, err := parseWalkValue(val)
	if err != nil {
		return Record{}, false, err
	}
	if err := v.check(); err != nil {
		return Record{}, false, err
	}
	return Record{OID: o, Value: v}, false, nil
}

func parseWalkValue(val string) (Value, error) {
	if strings.HasPrefix(val, `"`) {
		s, err := unquote(val)
		return Value{Type: OctetString, Bytes: []byte(s)}, err
	}
	if strings.TrimSpace(val) == "NULL" {
		return Value{Type: Null}, nil
	}
	kind, body, ok := strings.Cut(val, ": ")
	if !ok {
		kind, body = strings.TrimSuffix(strings.TrimSpace(val), ":"), ""
	}
	trimmed := strings.TrimSpace(body)
	switch kind {
	case "STRING":
		if strings.HasPrefix(body, `"`) {
			s, err := unquote(body)
			return Value{Type: OctetString, Bytes: []byte(s)}, err
		}
		return Value{Type: OctetString, Bytes: []byte(strings.TrimRight(body, "\n"))}, nil
	case "Hex-STRING", "BITS", "Opaque", "Network Address":
		b, err := parseHexBytes(trimmed, kind == "BITS")
		if err != nil {
			return Value{}, fmt.Errorf("%s: %w", kind, err)
		}
		switch kind {
		case "Opaque":
			return Value{Type: Opaque, Bytes: b}, nil
		case "Network Address":
			return Value{Type: IPAddress, Bytes: b}, nil
		}
		return Value{Type: OctetString, Bytes: b}, nil
	case "INTEGER":
		n, err := strconv.ParseInt(enumNumber(trimmed), 10, 32)
		if err != nil {
			return Value{}, fmt.Errorf("INTEGER: bad value %q", clip(trimmed))
		}
		return Int(n), nil
	case "Counter32", "Gauge32", "Counter64", "Timeticks", "UInteger32", "Unsigned32":
		t := map[string]Type{"Counter32": Counter32, "Gauge32": Gauge32, "Counter64": Counter64,
			"Timeticks": TimeTicks, "UInteger32": Gauge32, "Unsigned32": Gauge32}[kind]
		num := firstField(trimmed)
		if t == TimeTicks {
			// "(12345) 0:02:03.45"
			num = strings.Trim(num, "()")
		}
		bits := 32
		if t == Counter64 {
			bits = 64
		}
		n, err := strconv.ParseUint(num, 10, bits)
		if err != nil {
			return Value{}, fmt.Errorf("%s: bad value %q", kind, clip(trimmed))
		}
		return Value{Type: t, Uint: n}, nil
	case "IpAddress":
		a, err := netip.ParseAddr(trimmed)
		if err != nil || !a.Is4() {
			return Value{}, fmt.Errorf("IpAddress: bad value %q", clip(trimmed))
		}
		return IP(a), nil
	case "OID":
		o, err := ParseOID(trimmed)
		if err != nil {
			return Value{}, fmt.Errorf("OID: %w (use snmpwalk -On for numeric OIDs)", err)
		}
		return OIDValue(o), nil
	}
	return Value{}, fmt.Errorf("unknown value type %q", clip(kind))
}

// unquote strips the quotes of a net-snmp quoted string, which may span
// lines; net-snmp escapes '"' and '\' with a backslash.
func unquote(s string) (string, error) {
	end := strings.LastIndex(s, `"`)
	if end < 1 || strings.TrimSpace(s[end+1:]) != "" {
		return "", fmt.Errorf("unterminated quoted string %q", clip(s))
	}
	inner := s[1:end]
	if !strings.Contains(inner, `\`) {
		return inner, nil
	}
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\\' && i+1 < len(inner) && (inner[i+1] == '"' || inner[i+1] == '\\') {
			i++
		}
		b.WriteByte(inner[i])
	}
	return b.String(), nil
}

// parseHexBytes reads "00 1E 13" or "00:1E:13" (possibly wrapped); for BITS
// it stops at the first field that is not a hex byte ("28 00 bridge(2)").
func parseHexBytes(s string, stopAtWord bool) ([]byte, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == ':' })
	var out []byte
	for _, f := range fields {
		b, err := hex.DecodeString(f)
		if err != nil || len(b) != 1 {
			if stopAtWord {
				break
			}
			return nil, fmt.Errorf("bad hex byte %q", clip(f))
		}
		out = append(out, b[0])
	}
	return out, nil
}

// enumNumber extracts 1 from "up(1)"; other text is returned as is.
func enumNumber(s string) string {
	s = firstField(s)
	if i := strings.LastIndex(s, "("); i >= 0 && strings.HasSuffix(s, ")") {
		return s[i+1 : len(s)-1]
	}
	return s
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
