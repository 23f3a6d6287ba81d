package simswitch

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseSnmprecTypes(t *testing.T) {
	in := "# comment\n" +
		"1.3.6.1.2.1.1.1.0|4|Cisco|IOS|x\n" + // '|' inside a value
		"1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.563\n" +
		"1.3.6.1.2.1.1.3.0|67|488804599\n" +
		"1.3.6.1.2.1.2.2.1.6.1|4x|001e13a7e780\n" +
		"1.3.6.1.2.1.2.2.1.7.1|2|-1\n" +
		"1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1\n" +
		"1.3.6.1.2.1.4.20.1.1.10.0.0.2|64x|0a000002\n" +
		"1.3.6.1.2.1.2.2.1.10.1|65|4294967295\n" +
		"1.3.6.1.2.1.2.2.1.5.1|66|1000000000\n" +
		"1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615\n" +
		"1.3.6.1.2.1.99.0|5|\n" +
		"1.3.6.1.2.1.98.0|4|\r\n"
	recs, err := ParseSnmprec("t.snmprec", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 12 {
		t.Fatalf("%d records", len(recs))
	}
	if string(recs[0].Value.Bytes) != "Cisco|IOS|x" || recs[3].Value.Bytes[5] != 0x80 || recs[4].Value.Int != -1 ||
		recs[6].Value.Bytes[3] != 2 || recs[9].Value.Uint != 1<<64-1 || recs[10].Value.Type != Null {
		t.Errorf("values: %+v", recs)
	}
	// Round trip through the writer.
	m, _ := NewMIB(recs)
	var b bytes.Buffer
	if err := m.WriteSnmprec(&b); err != nil {
		t.Fatal(err)
	}
	again, err := ParseSnmprec("again", &b)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := NewMIB(again)
	for i, r := range m.Records() {
		if FormatSnmprec(r) != FormatSnmprec(m2.Records()[i]) {
			t.Errorf("round trip: %q vs %q", FormatSnmprec(r), FormatSnmprec(m2.Records()[i]))
		}
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	snmprec := []struct{ in, want string }{
		{"1.3.6.1|4|ok\nnot a record\n", "x.snmprec:2: want OID|TYPE|VALUE"},
		{"1.3.6.1|4|ok\n\n1.3.6.x|4|v\n", "x.snmprec:3: bad OID"},
		{"1.3.6.1|2|12a\n", "x.snmprec:1: type 2 (Integer)"},
		{"1.3.6.1|2|99999999999\n", "x.snmprec:1: type 2 (Integer)"},
		{"1.3.6.1|4x|abc\n", "x.snmprec:1: type 4x: bad hex"},
		{"1.3.6.1|64|10.0.0\n", "x.snmprec:1: type 64 (IpAddress)"},
		{"1.3.6.1|65|-1\n", "x.snmprec:1: type 65"},
		{"1.3.6.1|99|1\n", "x.snmprec:1: unsupported type 99"},
		{"1.3.6.1|zz|1\n", "x.snmprec:1: bad type"},
		{"3.1.2|4|v\n", "x.snmprec:1: OID \"3.1.2\" cannot be BER-encoded"},
		{"1.3.6.1|6|\n", "x.snmprec:1: type 6 (OID)"},
	}
	for _, c := range snmprec {
		_, err := ParseSnmprec("x.snmprec", strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSnmprec(%q) = %v, want %q", c.in, err, c.want)
		}
	}
	walk := []struct{ in, want string }{
		{"garbage first line\n", "x.walk:1: not an snmpwalk -On line"},
		{".1.3.6.1.2.1.1.1.0 = STRING: \"ok\"\n.1.3.6.1.2.1.1.2.0 = INTEGER: many\n", "x.walk:2: INTEGER: bad value"},
		{".1.3.6.1.2.1.1.1.0 = Hex-STRING: 00 ZZ\n", "x.walk:1: Hex-STRING: bad hex byte"},
		{"\n.1.3.6.1.2.1.1.1.0 = Gauge32: -5\n", "x.walk:2: Gauge32: bad value"},
		{".1.3.6.1.2.1.1.1.0 = Frobnicate: 5\n", "x.walk:1: unknown value type"},
		{".1.3.6.1.2.1.1.1.0 = STRING: \"open\n.1.3.6.1.2.1.1.2.0 = INTEGER: 1\n", "x.walk:1: unterminated"},
		{".1.3.6.1.2.1.1.2.0 = OID: SNMPv2-SMI::enterprises.9\n", "x.walk:1: OID:"},
		{".1.3.6.1.2.1.1.2.0 = IpAddress: 1.2.3\n", "x.walk:1: IpAddress"},
	}
	for _, c := range walk {
		_, err := ParseWalk("x.walk", strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseWalk(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestParseWalkFormats(t *testing.T) {
	in := `.1.3.6.1.2.1.1.1.0 = STRING: "Cisco IOS Software, C2960X
Technical Support: http://www.cisco.com/techsupport
Compiled by \"mcpre\""
.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.9.1.1208
.1.3.6.1.2.1.1.3.0 = Timeticks: (488804599) 56 days, 13:47:25.99
.1.3.6.1.2.1.1.4.0 = ""
.1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 1E 13 A7 E7 80 00 01 02 03 04 05 06 07 08 09
0A 0B
.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: up(1)
.1.3.6.1.2.1.2.2.1.5.1 = Gauge32: 1000000000
.1.3.6.1.2.1.2.2.1.10.1 = Counter32: 77
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 123456789012
.1.3.6.1.2.1.4.20.1.1.10.0.0.1 = IpAddress: 10.0.0.1
.1.0.8802.1.1.2.1.4.1.1.12.0.6.22 = BITS: 24 00 bridge(2) telephone(5)
.1.3.6.1.2.1.1.9.0 = No Such Object available on this agent at this OID
.1.3.6.1.2.1.1.10.0 = NULL
.1.3.6.1.2.1.1.11.0 = Wrong Type (should be OCTET STRING): INTEGER: 5
.1.3.6.1.2.1.1.12.0 = STRING: plain text without quotes
`
	recs, err := ParseWalk("x.walk", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1.3.6.1.2.1.1.1.0|4x|", // multi-line: hex in .snmprec
		"1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.1208",
		"1.3.6.1.2.1.1.3.0|67|488804599",
		"1.3.6.1.2.1.1.4.0|4|",
		"1.3.6.1.2.1.2.2.1.6.1|4x|001e13a7e780000102030405060708090a0b",
		"1.3.6.1.2.1.2.2.1.8.1|2|1",
		"1.3.6.1.2.1.2.2.1.5.1|66|1000000000",
		"1.3.6.1.2.1.2.2.1.10.1|65|77",
		"1.3.6.1.2.1.31.1.1.1.6.1|70|123456789012",
		"1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1",
		"1.0.8802.1.1.2.1.4.1.1.12.0.6.22|4x|2400",
		"1.3.6.1.2.1.1.10.0|5|",
		"1.3.6.1.2.1.1.11.0|2|5",
		"1.3.6.1.2.1.1.12.0|4|plain text without quotes",
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, w := range want {
		if got := FormatSnmprec(recs[i]); !strings.HasPrefix(got, w) {
			t.Errorf("record %d = %q, want %q", i, got, w)
		}
	}
	if s := string(recs[0].Value.Bytes); !strings.HasSuffix(s, "\nCompiled by \"mcpre\"") {
		t.Errorf("multi-line string = %q", s)
	}
}

func TestMIBExceptionsAndDuplicates(t *testing.T) {
	m, err := NewMIB([]Record{
		{MustOID("1.3.6.1.2.1.1.5.0"), Str("first")},
		{MustOID("1.3.6.1.2.1.2.2.1.2.1"), Str("Gi1")},
		{MustOID("1.3.6.1.2.1.1.5.0"), Str("duplicate")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 2 || string(m.Get(MustOID("1.3.6.1.2.1.1.5.0")).Bytes) != "first" {
		t.Errorf("duplicates: len %d", m.Len())
	}
	for oid, want := range map[string]Type{
		"1.3.6.1.2.1.1.5":       NoSuchInstance, // object without instance
		"1.3.6.1.2.1.1.5.1":     NoSuchInstance,
		"1.3.6.1.2.1.2.2.1.2.9": NoSuchInstance,
		"1.3.6.1.2.1.1.99.0":    NoSuchObject,
		"1.3.6.1.4.1.9.1.0":     NoSuchObject,
	} {
		if got := m.Get(MustOID(oid)).Type; got != want {
			t.Errorf("Get(%s) = %#x, want %#x", oid, got, want)
		}
	}
	if _, err := NewMIB([]Record{{MustOID("1.3"), Value{Type: IPAddress, Bytes: []byte{1}}}}); err == nil {
		t.Error("bad IpAddress accepted")
	}
}

func TestParseWalkCR(t *testing.T) {
	// CR LF inside a value (LF line ends) is kept.
	recs, err := ParseWalk("x", strings.NewReader(".1.3.6.1.2.1.1.1.0 = STRING: \"a\r\nb\"\n.1.3.6.1.2.1.1.2.0 = INTEGER: 1\n"))
	if err != nil || len(recs) != 2 || string(recs[0].Value.Bytes) != "a\r\nb" {
		t.Errorf("LF file: %v %v", err, recs)
	}
	// A file with CRLF line ends loses them.
	recs, err = ParseWalk("x", strings.NewReader(".1.3.6.1.2.1.1.1.0 = STRING: \"a\"\r\n.1.3.6.1.2.1.1.2.0 = INTEGER: 1\r\n"))
	if err != nil || len(recs) != 2 || string(recs[0].Value.Bytes) != "a" || recs[1].Value.Int != 1 {
		t.Errorf("CRLF file: %v %v", err, recs)
	}
}
