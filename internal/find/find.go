// Package find is the one rule by which every list in cutover is filtered
// and by which a scanned identity is looked up: a row's search key holds
// every column it shows, lower case, each also in the other forms people
// type (a DDI with or without spaces or in E.164, a MAC in any notation or
// as a Cisco device name, a switch port in any case and long or short), and
// a query matches a row when the key holds it in one of those forms.
//
// A key is built once per row (Key), so a keystroke costs one
// strings.Contains per row and form of the query.
package find

import (
	"strings"

	"cutover/devices"
)

// sep ends every field of a key, so that no match runs across two fields
// and a whole port can be asked for ("gi1/0/3" is not "gi1/0/30").
const sep = '\x00'

// Key builds a row's search key.
type Key struct{ b strings.Builder }

// Text adds values as they are shown (role and plan in words, location,
// model, status…).
func (k *Key) Text(vs ...string) {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			k.add(collapse(v))
		}
	}
}

// Phone adds a number (DDI or extension) as shown, as digits only, and
// for a UK number both as dialled at home (02072301013) and in E.164
// (+442072301013).
func (k *Key) Phone(v string) {
	if v = strings.TrimSpace(v); v == "" {
		return
	}
	k.add(collapse(v))
	if d := digits(v); d != "" {
		k.add(d)
		if n := national(v); n != "" && n != d {
			k.add(n)
		}
		if e := e164(v); e != "" {
			k.add(e)
		}
	}
}

// MAC adds a MAC address as shown, as bare hex and as the Cisco device
// name (SEP001E138C9015).
func (k *Key) MAC(v string) {
	if v = strings.TrimSpace(v); v == "" {
		return
	}
	k.add(v)
	if h := macHex(v); h != "" {
		k.add(h)
		k.add("sep" + h)
	}
}

// Port adds a switch port as shown ("Gi1/0/3") and in its short form
// ("gi1/0/3" for GigabitEthernet1/0/3), alone and after its switch as the
// lists show it ("kx-sw1 Gi1/0/3").
func (k *Key) Port(sw, port string) {
	sw, port = strings.TrimSpace(sw), strings.TrimSpace(port)
	if sw != "" && port != "" {
		k.add(sw + " " + port)
	}
	k.Text(sw)
	if port == "" {
		return
	}
	k.add(port)
	if p, ok := shortPort(port); ok {
		k.add(p)
	}
}

// String is the key, lower case.
func (k *Key) String() string { return strings.ToLower(k.b.String()) }

func (k *Key) add(v string) {
	if k.b.Len() == 0 {
		k.b.WriteByte(sep) // a key starts with a field end too
	}
	k.b.WriteString(v)
	k.b.WriteByte(sep)
}

// Query is what was typed into a filter, in every form it may take.
type Query struct {
	text  string   // trimmed, lower case, runs of spaces as one
	forms []string // what a key must contain (one of them) to match
}

// Parse reads a filter's text. The forms are the text itself and, when it
// looks like one, the MAC as bare hex, the number as dialled at home, or
// the whole port in its short form.
func Parse(s string) Query {
	q := Query{text: strings.ToLower(collapse(strings.TrimSpace(s)))}
	if q.text == "" {
		return q
	}
	if p, ok := shortPort(q.text); ok && endsInDigit(q.text) {
		// A whole port: that port only, on any switch.
		q.forms = []string{string(sep) + p + string(sep)}
		return q
	}
	q.forms = []string{q.text}
	if h := macQuery(q.text); h != "" {
		q.forms = appendNew(q.forms, h)
	}
	if n := phoneQuery(q.text); n != "" {
		q.forms = appendNew(q.forms, n)
	}
	return q
}

// String is the query as typed (trimmed, lower case).
func (q Query) String() string { return q.text }

// Empty reports a query that keeps every row.
func (q Query) Empty() bool { return q.text == "" }

// Match reports whether a key (from Key.String) holds the query.
func (q Query) Match(key string) bool {
	if q.text == "" {
		return true
	}
	for _, f := range q.forms {
		if strings.Contains(key, f) {
			return true
		}
	}
	return false
}

// Narrows reports whether every row q matches is matched by prev too, so
// q need only search the rows prev kept (a letter added to the query).
func (q Query) Narrows(prev Query) bool {
	if prev.text == "" {
		return true
	}
	if q.text == "" {
		return false
	}
	for _, f := range q.forms {
		ok := false
		for _, p := range prev.forms {
			if strings.Contains(f, p) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// Keep returns the indices in from whose key matches q, in order.
func (q Query) Keep(from []int, key func(i int) string) []int {
	if q.text == "" {
		return append([]int(nil), from...)
	}
	out := make([]int, 0, len(from)/4+1)
	for _, i := range from {
		if q.Match(key(i)) {
			out = append(out, i)
		}
	}
	return out
}

// ID is a serial, MAC or asset tag as scanned or recorded, in the one form
// they are compared in: a MAC (in any notation, or as a Cisco device name)
// as 12 lower-case hex digits, anything else trimmed and lower case.
// Looking a scan up is ID(scan) == ID(recorded).
func ID(v string) string {
	v = strings.ToLower(strings.TrimFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }))
	if h := strings.TrimPrefix(v, "sep"); len(h) == 12 && isHex(h) && h != v {
		return h
	}
	if h := macHex(v); len(h) == 12 && (macQuery(v) != "" || len(v) == 12) {
		return h
	}
	return v
}

// shortPort is a switch port in its short form, by the one port-name rule
// (devices.PortShape): "GigabitEthernet1/0/3", "gig 1/0/3" and "Gi1/0/3"
// are all "gi1/0/3". ok is false for what is not a port.
func shortPort(s string) (string, bool) { return devices.PortShape(s) }

func endsInDigit(s string) bool { return s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' }

// macQuery is q as bare hex when q is (part of) a MAC typed with
// separators ("001e.138c", "00-1e-13", "00:1e:13:8c"), else "".
func macQuery(q string) string {
	if !strings.ContainsAny(q, ":.-") {
		return ""
	}
	n := 0
	for _, r := range q {
		switch {
		case r == ':' || r == '.' || r == '-':
		case isHexRune(r):
			n++
		default:
			return ""
		}
	}
	if n < 2 {
		return ""
	}
	return macHex(q)
}

// phoneQuery is a number typed with spaces, dashes, brackets or a country
// code as the digits dialled at home ("+44 20 7230 1013" → "02072301013"),
// or "" when q is not a number or is one already.
func phoneQuery(q string) string {
	nd := 0
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			nd++
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '+' || r == '.':
		default:
			return ""
		}
	}
	if nd < 3 {
		return ""
	}
	if n := national(q); n != "" {
		return n
	}
	if d := digits(q); d != q {
		return d
	}
	return ""
}

// national is a UK number as dialled at home: +44 20 7230 1013 and
// 0044 20 7230 1013 are 02072301013; "" when v has no country code.
func national(v string) string {
	v = strings.TrimSpace(v)
	d := digits(v)
	switch {
	case strings.HasPrefix(v, "+44") && len(d) > 2:
		return "0" + d[2:]
	case strings.HasPrefix(d, "0044") && len(d) > 4:
		return "0" + d[4:]
	}
	return ""
}

// e164 is a UK number in E.164: 020 7230 1013 is +442072301013; "" for
// what is not a UK number written with its leading 0 or country code.
func e164(v string) string {
	if n := national(v); n != "" {
		return "+44" + n[1:]
	}
	d := digits(v)
	if strings.HasPrefix(strings.TrimSpace(v), "0") && !strings.HasPrefix(d, "00") && len(d) >= 10 {
		return "+44" + d[1:]
	}
	return ""
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// macHex keeps the hex digits of a MAC, lower case: 001e.138c.9007 and
// 00-1E-13-8C-90-07 are both 001e138c9007.
func macHex(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if isHexRune(r) {
			return r
		}
		return -1
	}, s))
}

func isHexRune(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}

func isHex(s string) bool {
	for _, r := range s {
		if !isHexRune(r) {
			return false
		}
	}
	return s != ""
}

// collapse makes every run of white space one space.
func collapse(s string) string {
	if !strings.Contains(s, "  ") && !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}
