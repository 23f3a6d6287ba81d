package simswitch

import (
	"errors"
	"fmt"
)

// This file is a minimal BER codec for SNMP v2c messages: enough to decode
// GET, GETNEXT, GETBULK (and SET, which is refused) requests and to encode
// responses.

// PDU tags.
const (
	tagSequence    = 0x30
	pduGet         = 0xa0
	pduGetNext     = 0xa1
	pduResponse    = 0xa2
	pduSet         = 0xa3
	pduGetBulk     = 0xa5
	snmpVersion2c  = 1
	errTooBig      = 1
	errNoAccess    = 6
	errGenErr      = 5
	maxRequestVars = 1000
)

var errBER = errors.New("malformed BER")

// appendLength appends a definite BER length.
func appendLength(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n <= 0xff:
		return append(b, 0x81, byte(n))
	case n <= 0xffff:
		return append(b, 0x82, byte(n>>8), byte(n))
	case n <= 0xffffff:
		return append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// lengthSize is the number of bytes appendLength uses for n.
func lengthSize(n int) int {
	switch {
	case n < 0x80:
		return 1
	case n <= 0xff:
		return 2
	case n <= 0xffff:
		return 3
	case n <= 0xffffff:
		return 4
	}
	return 5
}

// appendTLV appends tag, length and content.
func appendTLV(b []byte, tag byte, content []byte) []byte {
	b = append(b, tag)
	b = appendLength(b, len(content))
	return append(b, content...)
}

// appendSigned appends the minimal two's-complement content of n.
func appendSigned(b []byte, n int64) []byte {
	size := 1
	for v := n; v > 127 || v < -128; v >>= 8 {
		size++
	}
	for i := size - 1; i >= 0; i-- {
		b = append(b, byte(n>>(8*i)))
	}
	return b
}

// appendUnsigned appends the minimal content of an unsigned integer
// (with a leading zero byte when the top bit is set).
func appendUnsigned(b []byte, n uint64) []byte {
	size := 1
	for v := n; v > 0xff; v >>= 8 {
		size++
	}
	if n>>(8*size-1)&1 == 1 {
		b = append(b, 0)
	}
	for i := size - 1; i >= 0; i-- {
		b = append(b, byte(n>>(8*i)))
	}
	return b
}

// appendOIDContent appends the BER content octets of an OID (at least two
// arcs, checked by the caller; a one-arc OID is encoded as arc.0).
func appendOIDContent(b []byte, o OID) []byte {
	if len(o) == 0 {
		return append(b, 0)
	}
	first := uint64(o[0]) * 40
	rest := o[1:]
	if len(rest) > 0 {
		first += uint64(rest[0])
		rest = rest[1:]
	}
	b = appendBase128(b, first)
	for _, n := range rest {
		b = appendBase128(b, uint64(n))
	}
	return b
}

func appendBase128(b []byte, n uint64) []byte {
	var tmp [10]byte
	i := len(tmp) - 1
	tmp[i] = byte(n & 0x7f)
	for n >>= 7; n > 0; n >>= 7 {
		i--
		tmp[i] = byte(n&0x7f) | 0x80
	}
	return append(b, tmp[i:]...)
}

// appendValue appends a value as a complete TLV.
func appendValue(b []byte, v Value) []byte {
	var c []byte
	switch v.Type {
	case Integer:
		c = appendSigned(nil, v.Int)
	case Counter32, Gauge32, TimeTicks, Counter64:
		c = appendUnsigned(nil, v.Uint)
	case ObjectID:
		c = appendOIDContent(nil, v.OID)
	case Null, NoSuchObject, NoSuchInstance, EndOfMibView:
	default:
		c = v.Bytes
	}
	return appendTLV(b, byte(v.Type), c)
}

// encodeVarbind returns the complete SEQUENCE for one varbind.
func encodeVarbind(o OID, v Value) []byte {
	var c []byte
	c = appendTLV(c, byte(ObjectID), appendOIDContent(nil, o))
	c = appendValue(c, v)
	return appendTLV(nil, tagSequence, c)
}

// decoder reads BER TLVs from a byte slice.
type decoder struct {
	b []byte
}

// next reads one TLV and returns its tag and content.
func (d *decoder) next() (byte, []byte, error) {
	if len(d.b) < 2 {
		return 0, nil, errBER
	}
	tag := d.b[0]
	if tag&0x1f == 0x1f {
		return 0, nil, fmt.Errorf("%w: multi-byte tag", errBER)
	}
	l := int(d.b[1])
	p := 2
	if l&0x80 != 0 {
		n := l & 0x7f
		if n == 0 || n > 4 || len(d.b) < 2+n {
			return 0, nil, fmt.Errorf("%w: bad length", errBER)
		}
		l = 0
		for i := 0; i < n; i++ {
			l = l<<8 | int(d.b[2+i])
		}
		p += n
	}
	if l < 0 || l > len(d.b)-p {
		return 0, nil, fmt.Errorf("%w: length past end", errBER)
	}
	c := d.b[p : p+l]
	d.b = d.b[p+l:]
	return tag, c, nil
}

// expect reads one TLV that must have the given tag.
func (d *decoder) expect(tag byte) ([]byte, error) {
	t, c, err := d.next()
	if err != nil {
		return nil, err
	}
	if t != tag {
		return nil, fmt.Errorf("%w: tag 0x%02x, want 0x%02x", errBER, t, tag)
	}
	return c, nil
}

// integer reads an INTEGER of at most 8 content bytes.
func (d *decoder) integer() (int64, error) {
	c, err := d.expect(byte(Integer))
	if err != nil {
		return 0, err
	}
	if len(c) == 0 || len(c) > 8 {
		return 0, fmt.Errorf("%w: integer of %d bytes", errBER, len(c))
	}
	n := int64(int8(c[0]))
	for _, x := range c[1:] {
		n = n<<8 | int64(x)
	}
	return n, nil
}

// decodeOID decodes OID content octets.
func decodeOID(c []byte) (OID, error) {
	if len(c) == 0 || len(c) > 512 {
		return nil, fmt.Errorf("%w: OID of %d bytes", errBER, len(c))
	}
	var arcs []uint64
	var n uint64
	for i, x := range c {
		if n > 1<<56 {
			return nil, fmt.Errorf("%w: OID arc too large", errBER)
		}
		n = n<<7 | uint64(x&0x7f)
		if x&0x80 == 0 {
			arcs = append(arcs, n)
			n = 0
		} else if i == len(c)-1 {
			return nil, fmt.Errorf("%w: truncated OID", errBER)
		}
	}
	o := make(OID, 0, len(arcs)+1)
	first := arcs[0]
	switch {
	case first < 40:
		o = append(o, 0, uint32(first))
	case first < 80:
		o = append(o, 1, uint32(first-40))
	default:
		if first-80 > 1<<32-1 {
			return nil, fmt.Errorf("%w: OID arc too large", errBER)
		}
		o = append(o, 2, uint32(first-80))
	}
	for _, a := range arcs[1:] {
		if a > 1<<32-1 {
			return nil, fmt.Errorf("%w: OID arc too large", errBER)
		}
		o = append(o, uint32(a))
	}
	return o, nil
}

// request is a decoded SNMP v2c request.
type request struct {
	community string
	pduType   byte
	requestID int64
	nonRep    int64 // GETBULK non-repeaters (error-status otherwise)
	maxRep    int64 // GETBULK max-repetitions (error-index otherwise)
	oids      []OID
}

// decodeRequest parses an SNMP message. It returns an error for anything
// that is not a well-formed v2c request PDU.
func decodeRequest(pkt []byte) (*request, error) {
	top := decoder{pkt}
	msg, err := top.expect(tagSequence)
	if err != nil {
		return nil, err
	}
	d := decoder{msg}
	ver, err := d.integer()
	if err != nil {
		return nil, err
	}
	r := &request{}
	if ver != snmpVersion2c {
		return nil, fmt.Errorf("unsupported SNMP version %d", ver)
	}
	comm, err := d.expect(byte(OctetString))
	if err != nil {
		return nil, err
	}
	r.community = string(comm)
	tag, pdu, err := d.next()
	if err != nil {
		return nil, err
	}
	switch tag {
	case pduGet, pduGetNext, pduGetBulk, pduSet:
	default:
		return nil, fmt.Errorf("unsupported PDU type 0x%02x", tag)
	}
	r.pduType = tag
	p := decoder{pdu}
	if r.requestID, err = p.integer(); err != nil {
		return nil, err
	}
	if r.nonRep, err = p.integer(); err != nil {
		return nil, err
	}
	if r.maxRep, err = p.integer(); err != nil {
		return nil, err
	}
	vbl, err := p.expect(tagSequence)
	if err != nil {
		return nil, err
	}
	vd := decoder{vbl}
	for len(vd.b) > 0 {
		vb, err := vd.expect(tagSequence)
		if err != nil {
			return nil, err
		}
		e := decoder{vb}
		oc, err := e.expect(byte(ObjectID))
		if err != nil {
			return nil, err
		}
		o, err := decodeOID(oc)
		if err != nil {
			return nil, err
		}
		if _, _, err := e.next(); err != nil {
			return nil, err
		}
		r.oids = append(r.oids, o)
		if len(r.oids) > maxRequestVars {
			return nil, fmt.Errorf("too many varbinds")
		}
	}
	return r, nil
}

// encodeResponse builds a Response PDU message from pre-encoded varbinds.
func encodeResponse(community string, requestID int64, errStatus, errIndex int, varbinds [][]byte) []byte {
	var vbl []byte
	for _, vb := range varbinds {
		vbl = append(vbl, vb...)
	}
	var pdu []byte
	pdu = appendTLV(pdu, byte(Integer), appendSigned(nil, requestID))
	pdu = appendTLV(pdu, byte(Integer), appendSigned(nil, int64(errStatus)))
	pdu = appendTLV(pdu, byte(Integer), appendSigned(nil, int64(errIndex)))
	pdu = appendTLV(pdu, tagSequence, vbl)
	var msg []byte
	msg = appendTLV(msg, byte(Integer), appendSigned(nil, snmpVersion2c))
	msg = appendTLV(msg, byte(OctetString), []byte(community))
	msg = appendTLV(msg, pduResponse, pdu)
	return appendTLV(nil, tagSequence, msg)
}

// responseOverhead is an upper bound of the message bytes around the
// varbind list: outer sequence, version, community, PDU header, request-id,
// error-status, error-index and the varbind-list header.
func responseOverhead(community string) int {
	return 6 + 3 + 6 + len(community) + 6 + 3*11 + 6
}
