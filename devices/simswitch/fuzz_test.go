package simswitch

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"
)

// buildRequest encodes a v2c request (version may be changed for tests).
func buildRequest(version int64, community string, pdu byte, id, a, b int64, oids ...string) []byte {
	var vbl []byte
	for _, o := range oids {
		vbl = append(vbl, encodeVarbind(MustOID(o), Value{Type: Null})...)
	}
	var p []byte
	p = appendTLV(p, byte(Integer), appendSigned(nil, id))
	p = appendTLV(p, byte(Integer), appendSigned(nil, a))
	p = appendTLV(p, byte(Integer), appendSigned(nil, b))
	p = appendTLV(p, tagSequence, vbl)
	var msg []byte
	msg = appendTLV(msg, byte(Integer), appendSigned(nil, version))
	msg = appendTLV(msg, byte(OctetString), []byte(community))
	msg = appendTLV(msg, pdu, p)
	return appendTLV(nil, tagSequence, msg)
}

func fuzzAgent(t testing.TB) *Agent {
	var recs []Record
	for i := 1; i <= 200; i++ {
		recs = append(recs, Record{MustOID("1.3.6.1.2.1.2.2.1.2").Append(uint32(i)), Str(strings.Repeat("x", i%40))})
	}
	recs = append(recs, Record{MustOID("1.0.8802.1.1.2.1.3.3.0"), Str("sw")},
		Record{MustOID("1.3.6.1.2.1.1.2.0"), OIDValue(MustOID("1.3.6.1.4.1.9"))},
		Record{MustOID("1.3.6.1.2.1.31.1.1.1.6.1"), Value{Type: Counter64, Uint: 1<<64 - 1}},
		Record{MustOID("1.3.6.1.2.1.1.7.0"), Int(-2147483648)})
	m, err := NewMIB(recs)
	if err != nil {
		t.Fatal(err)
	}
	return newAgent(map[string]*MIB{"public": m, "public@120": m}, WithMaxMsgSize(1400))
}

// FuzzHandlePacket feeds arbitrary datagrams to the agent: it must never
// panic, and whatever it answers must be a well-formed response that
// gosnmp decodes, within the size limit.
func FuzzHandlePacket(f *testing.F) {
	f.Add(buildRequest(1, "public", pduGet, 1, 0, 0, "1.3.6.1.2.1.1.2.0"))
	f.Add(buildRequest(1, "public", pduGetNext, 2, 0, 0, "1.0"))
	f.Add(buildRequest(1, "public", pduGetBulk, 3, 1, 50, "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.2.2.1.2"))
	f.Add(buildRequest(1, "public@120", pduGetBulk, -4, -1, 100000, "1.3.6.1.2.1.31"))
	f.Add(buildRequest(1, "public", pduSet, 5, 0, 0, "1.3.6.1.2.1.1.5.0"))
	f.Add(buildRequest(0, "public", pduGet, 6, 0, 0, "1.3.6.1.2.1.1.2.0"))
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{})
	a := fuzzAgent(f)
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version2c}
	f.Fuzz(func(t *testing.T, pkt []byte) {
		resp := a.handle(pkt)
		if resp == nil {
			return
		}
		if len(resp) > 1400 {
			t.Fatalf("response of %d bytes exceeds the 1400 limit", len(resp))
		}
		p, err := dec.SnmpDecodePacket(resp)
		if err != nil {
			t.Fatalf("response does not decode: %v\n% x", err, resp)
		}
		if p.PDUType != gosnmp.GetResponse {
			t.Fatalf("PDU type %v", p.PDUType)
		}
	})
}

func TestHandleEdgeCases(t *testing.T) {
	a := fuzzAgent(t)
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version2c}
	decode := func(b []byte) *gosnmp.SnmpPacket {
		t.Helper()
		if b == nil {
			t.Fatal("no response")
		}
		p, err := dec.SnmpDecodePacket(b)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// SNMPv1, v3 and unknown communities get no reply.
	for _, pkt := range [][]byte{
		buildRequest(0, "public", pduGet, 1, 0, 0, "1.3.6.1.2.1.1.2.0"),
		buildRequest(3, "public", pduGet, 1, 0, 0, "1.3.6.1.2.1.1.2.0"),
		buildRequest(1, "nope", pduGet, 1, 0, 0, "1.3.6.1.2.1.1.2.0"),
		buildRequest(1, "public", 0xa4, 1, 0, 0, "1.3.6.1.2.1.1.2.0"), // trap
		[]byte("\x30\x03\x02\x01"),
	} {
		if r := a.handle(pkt); r != nil {
			t.Errorf("answered % x", pkt)
		}
	}
	// SET is refused with noAccess.
	p := decode(a.handle(buildRequest(1, "public", pduSet, 77, 0, 0, "1.3.6.1.2.1.1.5.0")))
	if p.Error != gosnmp.NoAccess || p.ErrorIndex != 1 || p.RequestID != 77 {
		t.Errorf("SET: error %v index %d id %d", p.Error, p.ErrorIndex, p.RequestID)
	}
	// A GET whose answer cannot fit gives tooBig with no varbinds.
	var oids []string
	for i := 1; i <= 120; i++ {
		oids = append(oids, "1.3.6.1.2.1.2.2.1.2."+strconv.Itoa(i))
	}
	p = decode(a.handle(buildRequest(1, "public", pduGet, 8, 0, 0, oids...)))
	if p.Error != gosnmp.TooBig || len(p.Variables) != 0 {
		t.Errorf("big GET: error %v, %d varbinds", p.Error, len(p.Variables))
	}
	// GETBULK with a huge max-repetitions is truncated to fit.
	resp := a.handle(buildRequest(1, "public", pduGetBulk, 9, 0, 1000000, "1.3.6.1.2.1.2.2.1.2"))
	p = decode(resp)
	if p.Error != gosnmp.NoError || len(p.Variables) < 10 || len(resp) > 1400 {
		t.Errorf("bulk: error %v, %d varbinds, %d bytes", p.Error, len(p.Variables), len(resp))
	}
	// Negative non-repeaters / max-repetitions are treated as 0.
	p = decode(a.handle(buildRequest(1, "public", pduGetBulk, 10, -5, -5, "1.3.6.1.2.1.1.2.0")))
	if len(p.Variables) != 0 {
		t.Errorf("bulk with max-repetitions < 0 returned %d varbinds", len(p.Variables))
	}
	// Extreme integer values survive the codec.
	p = decode(a.handle(buildRequest(1, "public", pduGet, -2147483648, 0, 0, "1.3.6.1.2.1.1.7.0", "1.3.6.1.2.1.31.1.1.1.6.1")))
	if p.RequestID != 0x80000000 || p.Variables[0].Value != -2147483648 || gosnmp.ToBigInt(p.Variables[1].Value).Uint64() != 1<<64-1 {
		t.Errorf("extremes: id %d values %v %v", p.RequestID, p.Variables[0].Value, p.Variables[1].Value)
	}
	if !bytes.Equal(a.handle(buildRequest(1, "public", pduGet, 11, 0, 0)), encodeResponse("public", 11, 0, 0, nil)) {
		t.Error("empty GET not answered with an empty response")
	}
}

// BenchmarkHandleGetBulk measures one GETBULK of 20 repetitions over a
// rendered 48-port demo switch, without the network.
func BenchmarkHandleGetBulk(b *testing.B) {
	data, err := os.ReadFile(inventoryPath)
	if err != nil {
		b.Fatal(err)
	}
	specs, err := DemoSpecs(data)
	if err != nil {
		b.Fatal(err)
	}
	views, err := specs[0].Views("public")
	if err != nil {
		b.Fatal(err)
	}
	a := newAgent(views)
	pkt := buildRequest(1, "public", pduGetBulk, 1, 0, 20, "1.3.6.1.4.1.9.9.23.1.2.1.1")
	b.ReportAllocs()
	for b.Loop() {
		if a.handle(pkt) == nil {
			b.Fatal("no response")
		}
	}
}
