package devices

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// OIDs read by a discovery (see ../shared/research/domain.md §1.1).
const (
	oidSysDescr    = "1.3.6.1.2.1.1.1.0"
	oidSysObjectID = "1.3.6.1.2.1.1.2.0"
	oidSysName     = "1.3.6.1.2.1.1.5.0"

	oidIfDescr  = "1.3.6.1.2.1.2.2.1.2"
	oidIfType   = "1.3.6.1.2.1.2.2.1.3"
	oidIfOper   = "1.3.6.1.2.1.2.2.1.8"
	oidIfName   = "1.3.6.1.2.1.31.1.1.1.1"
	oidIfAlias  = "1.3.6.1.2.1.31.1.1.1.18"
	oidCDPEntry = "1.3.6.1.4.1.9.9.23.1.2.1.1"
	oidLLDPRem  = "1.0.8802.1.1.2.1.4.1.1"
	oidLLDPMan  = "1.0.8802.1.1.2.1.4.2.1"
	oidLLDPLoc  = "1.0.8802.1.1.2.1.3.7.1"
	oidMED      = "1.0.8802.1.1.2.1.5.4795.1"
	oidMEDCaps  = oidMED + ".3.1.1"
	oidMEDPol   = oidMED + ".3.2.1"
	oidMEDInv   = oidMED + ".3.3.1"
	oidMEDPD    = oidMED + ".3.7.1"
	oidMEDLoc   = oidMED + ".2.1.1"

	oidBasePortIfIndex = "1.3.6.1.2.1.17.1.4.1.2"
	oidFdbPort         = "1.3.6.1.2.1.17.4.3.1.2"
	oidFdbStatus       = "1.3.6.1.2.1.17.4.3.1.3"
	oidQFdbPort        = "1.3.6.1.2.1.17.7.1.2.2.1.2"
	oidQFdbStatus      = "1.3.6.1.2.1.17.7.1.2.2.1.3"
	oidQVlanFdbID      = "1.3.6.1.2.1.17.7.1.4.2.1.3"
	oidQPvid           = "1.3.6.1.2.1.17.7.1.4.5.1.1"
	oidVmVlan          = "1.3.6.1.4.1.9.9.68.1.2.2.1.2"
	oidVmVoiceVlan     = "1.3.6.1.4.1.9.9.68.1.5.1.1.1"
	oidPseDetect       = "1.3.6.1.2.1.105.1.1.1.6"
	oidPseClass        = "1.3.6.1.2.1.105.1.1.1.10"
	oidCpeConsumption  = "1.3.6.1.4.1.9.9.402.1.2.1.9"
	oidCpeEntPhy       = "1.3.6.1.4.1.9.9.402.1.2.1.11"
	oidEntAlias        = "1.3.6.1.2.1.47.1.3.2.1.2"
)

type ifRow struct {
	name, descr, alias string
	typ, oper          int
}

type cdpRow struct {
	ifIndex, devIndex                       int
	addrType                                int64
	addr, version, deviceID, port, platform []byte
	caps                                    []byte
	hasCaps                                 bool
}

type policy struct{ app, vlan, tagged int }

type lldpRow struct {
	key                        RemKey
	chSub, ptSub               int64
	ch, pt                     []byte
	portDesc, sysName, sysDesc string
	capsEn, capsSup            uint16
	hasCapsEn, hasCapsSup      bool
	manAddrs                   []string
	medClass                   int
	policies                   []policy
	inv                        [7]string // hw, fw, sw, serial, mfg, model, asset
	pdPowerDeciW               int
}

type locPort struct {
	sub  int64
	id   []byte
	desc string
}

type fdbEntry struct {
	mac      string
	basePort int
	status   int
	vlan     int // 0 when unknown
	ifIndex  int // resolved later
}

type fdbKey struct {
	mac  string
	vlan int
}

type pseRow struct {
	detect, class, entPhy int
	mw                    int // -1 unknown
}

// raw is everything read from one switch, before interpretation.
type raw struct {
	sysDescr, sysName, sysObjectID string
	ifs                            map[int]*ifRow
	cdp                            map[[2]int]*cdpRow
	lldp                           map[[2]int64]*lldpRow
	locPorts                       map[int]*locPort
	locVoiceVLAN                   map[int]int
	basePort                       map[int]int
	fdb                            []fdbEntry
	fdbIdx                         map[fdbKey]int
	vlanOfFdbID                    map[int]int
	pvid                           map[int]int
	vmVlan, vmVoice                map[int]int
	pse                            map[[2]int]*pseRow
	entAlias                       map[int]int
	warnings                       []string
}

func newRaw() *raw {
	return &raw{ifs: map[int]*ifRow{}, cdp: map[[2]int]*cdpRow{}, lldp: map[[2]int64]*lldpRow{},
		locPorts: map[int]*locPort{}, locVoiceVLAN: map[int]int{}, basePort: map[int]int{},
		vlanOfFdbID: map[int]int{}, pvid: map[int]int{}, vmVlan: map[int]int{}, vmVoice: map[int]int{},
		pse: map[[2]int]*pseRow{}, entAlias: map[int]int{}, fdbIdx: map[fdbKey]int{}}
}

func (r *raw) isCisco() bool { return strings.HasPrefix(r.sysObjectID, "1.3.6.1.4.1.9.") }

// pduBytes returns an octet-string value (gosnmp gives []byte; some types
// come as string).
func pduBytes(v gosnmp.SnmpPDU) ([]byte, bool) {
	switch x := v.Value.(type) {
	case []byte:
		return x, true
	case string:
		return []byte(x), true
	}
	return nil, false
}

// pduInt returns an integer value; numeric text is accepted too, because
// some agents send integers as strings.
func pduInt(v gosnmp.SnmpPDU) (int64, bool) {
	switch v.Type {
	case gosnmp.Integer, gosnmp.Counter32, gosnmp.Gauge32, gosnmp.TimeTicks, gosnmp.Counter64, gosnmp.Uinteger32:
		b := gosnmp.ToBigInt(v.Value)
		if b == nil || !b.IsInt64() {
			return 0, false
		}
		return b.Int64(), true
	case gosnmp.OctetString:
		if b, ok := pduBytes(v); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// handler decodes one varbind of one column into r.
type handler struct {
	oid string
	fn  func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error
}

func (r *raw) lldpAt(k RemKey) *lldpRow {
	row := r.lldp[k.JoinKey()]
	if row == nil {
		row = &lldpRow{key: k, medClass: -1}
		r.lldp[k.JoinKey()] = row
	} else if k.TimeMark > row.key.TimeMark {
		row.key.TimeMark = k.TimeMark
	}
	return row
}

func (r *raw) cdpAt(sub []uint32) (*cdpRow, error) {
	a, b, err := ParsePair(sub)
	if err != nil {
		return nil, err
	}
	row := r.cdp[[2]int{a, b}]
	if row == nil {
		row = &cdpRow{ifIndex: a, devIndex: b}
		r.cdp[[2]int{a, b}] = row
	}
	return row, nil
}

func (r *raw) ifAt(sub []uint32) (*ifRow, error) {
	i, err := ParseSingle(sub)
	if err != nil {
		return nil, err
	}
	row := r.ifs[i]
	if row == nil {
		row = &ifRow{}
		r.ifs[i] = row
	}
	return row, nil
}

func (r *raw) pseAt(sub []uint32) (*pseRow, error) {
	g, p, err := ParsePair(sub)
	if err != nil {
		return nil, err
	}
	row := r.pse[[2]int{g, p}]
	if row == nil {
		row = &pseRow{mw: -1}
		r.pse[[2]int{g, p}] = row
	}
	return row, nil
}

func textCol(set func(row *ifRow, s string)) func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	return func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		row, err := r.ifAt(sub)
		if err != nil {
			return err
		}
		b, _ := pduBytes(v)
		set(row, Text(b))
		return nil
	}
}

func intCol(set func(r *raw, sub []uint32, n int) error) func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	return func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		n, ok := pduInt(v)
		if !ok {
			return fmt.Errorf("not an integer (%s)", v.Type)
		}
		return set(r, sub, int(max(min(n, 1<<31-1), -1<<31)))
	}
}

func cdpCol(set func(row *cdpRow, v gosnmp.SnmpPDU) error) func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	return func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		row, err := r.cdpAt(sub)
		if err != nil {
			return err
		}
		return set(row, v)
	}
}

func lldpCol(set func(row *lldpRow, v gosnmp.SnmpPDU) error) func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	return func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		k, err := ParseRemIndex(sub)
		if err != nil {
			return err
		}
		return set(r.lldpAt(k), v)
	}
}

func bytesInto(dst *[]byte) func(v gosnmp.SnmpPDU) {
	return func(v gosnmp.SnmpPDU) { *dst, _ = pduBytes(v) }
}

func lldpCaps(v gosnmp.SnmpPDU) (uint16, error) {
	if v.Type == gosnmp.OctetString {
		b, _ := pduBytes(v)
		return LLDPCaps(b)
	}
	n, ok := pduInt(v)
	if !ok {
		return 0, fmt.Errorf("capabilities of type %s", v.Type)
	}
	return LLDPCapsInt(n)
}

func lldpInt(v gosnmp.SnmpPDU) int64 {
	n, _ := pduInt(v)
	return n
}

func lldpText(v gosnmp.SnmpPDU) string {
	b, _ := pduBytes(v)
	return Text(b)
}

// baseHandlers are the columns read in the default context.
var baseHandlers = []handler{
	{oidIfDescr, textCol(func(r *ifRow, s string) { r.descr = s })},
	{oidIfName, textCol(func(r *ifRow, s string) { r.name = s })},
	{oidIfAlias, textCol(func(r *ifRow, s string) { r.alias = s })},
	{oidIfType, intCol(func(r *raw, sub []uint32, n int) error {
		row, err := r.ifAt(sub)
		if err == nil {
			row.typ = n
		}
		return err
	})},
	{oidIfOper, intCol(func(r *raw, sub []uint32, n int) error {
		row, err := r.ifAt(sub)
		if err == nil {
			row.oper = n
		}
		return err
	})},
	{oidCDPEntry + ".3", cdpCol(func(row *cdpRow, v gosnmp.SnmpPDU) error { row.addrType = lldpInt(v); return nil })},
	{oidCDPEntry + ".4", cdpCol(func(row *cdpRow, v gosnmp.SnmpPDU) error { bytesInto(&row.addr)(v); return nil })},
	{oidCDPEntry + ".5", cdpCol(func(row *cdpRow, v gosnmp.SnmpPDU) error { bytesInto(&row.version)(v); return nil })},
	{oidCDPEntry + ".6", cdpCol(func(row *cdpRow, v gosnmp.SnmpPDU) error { bytesInto(&row.deviceID)(v); return nil })},
	{oidCDPEntry + ".7", cdpCol(func(row *cdpRow, v gosnmp.SnmpPDU) error { bytesInto(&row.port)(v); return nil })},
	{oidCDPEntry + ".8", cdpCol(func(row *cdpRow, v gosnmp.SnmpPDU) error { bytesInto(&row.platform)(v); return nil })},
	{oidCDPEntry + ".9", cdpCol(func(row *cdpRow, v gosnmp.SnmpPDU) error {
		bytesInto(&row.caps)(v)
		row.hasCaps = true
		return nil
	})},
	{oidLLDPRem + ".4", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { row.chSub = lldpInt(v); return nil })},
	{oidLLDPRem + ".5", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { bytesInto(&row.ch)(v); return nil })},
	{oidLLDPRem + ".6", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { row.ptSub = lldpInt(v); return nil })},
	{oidLLDPRem + ".7", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { bytesInto(&row.pt)(v); return nil })},
	{oidLLDPRem + ".8", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { row.portDesc = lldpText(v); return nil })},
	{oidLLDPRem + ".9", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { row.sysName = lldpText(v); return nil })},
	{oidLLDPRem + ".10", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { row.sysDesc = lldpText(v); return nil })},
	{oidLLDPRem + ".11", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) (err error) {
		row.capsSup, err = lldpCaps(v)
		row.hasCapsSup = err == nil
		return err
	})},
	{oidLLDPRem + ".12", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) (err error) {
		row.capsEn, err = lldpCaps(v)
		row.hasCapsEn = err == nil
		return err
	})},
	{oidLLDPMan + ".3", func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		k, ip, err := ParseManAddrIndex(sub)
		if err != nil {
			return err
		}
		if ip != "" && ip != "0.0.0.0" {
			row := r.lldpAt(k)
			row.manAddrs = append(row.manAddrs, ip)
		}
		return nil
	}},
	{oidLLDPLoc + ".2", func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		p, err := ParseSingle(sub)
		if err == nil {
			r.loc(p).sub = lldpInt(v)
		}
		return err
	}},
	{oidLLDPLoc + ".3", func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		p, err := ParseSingle(sub)
		if err == nil {
			r.loc(p).id, _ = pduBytes(v)
		}
		return err
	}},
	{oidLLDPLoc + ".4", func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		p, err := ParseSingle(sub)
		if err == nil {
			r.loc(p).desc = lldpText(v)
		}
		return err
	}},
	{oidMEDCaps + ".3", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { row.medClass = int(lldpInt(v)); return nil })},
	{oidMEDPol + ".2", medPolicy(func(p *policy, n int) { p.vlan = n })},
	{oidMEDPol + ".6", medPolicy(func(p *policy, n int) { p.tagged = n })},
	{oidMEDInv + ".1", medInv(0)}, {oidMEDInv + ".2", medInv(1)}, {oidMEDInv + ".3", medInv(2)},
	{oidMEDInv + ".4", medInv(3)}, {oidMEDInv + ".5", medInv(4)}, {oidMEDInv + ".6", medInv(5)},
	{oidMEDPD + ".1", lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { row.pdPowerDeciW = int(lldpInt(v)); return nil })},
	{oidMEDLoc + ".2", func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		if len(sub) < 2 {
			return fmt.Errorf("index has %d components", len(sub))
		}
		k, app, err := ParseMedPolicyIndex(append([]uint32{0, 0}, sub...))
		if err == nil && app == AppVoice {
			r.locVoiceVLAN[int(k.RemIndex)] = int(lldpInt(v))
		}
		return err
	}},
	{oidBasePortIfIndex, basePortHandler},
	{oidFdbPort, fdbHandler(false, true)}, {oidFdbStatus, fdbHandler(false, false)},
	{oidQFdbPort, fdbHandler(true, true)}, {oidQFdbStatus, fdbHandler(true, false)},
	{oidQVlanFdbID, func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		_, vlan, err := ParsePair(sub)
		if err != nil {
			return err
		}
		// Shared VLAN learning maps several VLANs to one FDB: prefer the
		// VLAN whose number is the FDB id, else the lowest.
		id := int(lldpInt(v))
		if old, ok := r.vlanOfFdbID[id]; !ok || (vlan == id && old != id) {
			r.vlanOfFdbID[id] = vlan
		}
		return nil
	}},
	{oidQPvid, intCol(func(r *raw, sub []uint32, n int) error {
		p, err := ParseSingle(sub)
		r.pvid[p] = n
		return err
	})},
	{oidVmVlan, intCol(func(r *raw, sub []uint32, n int) error {
		p, err := ParseSingle(sub)
		r.vmVlan[p] = n
		return err
	})},
	{oidVmVoiceVlan, intCol(func(r *raw, sub []uint32, n int) error {
		p, err := ParseSingle(sub)
		r.vmVoice[p] = n
		return err
	})},
	{oidPseDetect, pseCol(func(p *pseRow, n int) { p.detect = n })},
	{oidPseClass, pseCol(func(p *pseRow, n int) { p.class = n })},
	{oidCpeConsumption, pseCol(func(p *pseRow, n int) { p.mw = n })},
	{oidCpeEntPhy, pseCol(func(p *pseRow, n int) { p.entPhy = n })},
	{oidEntAlias, func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		if len(sub) != 2 {
			return fmt.Errorf("index has %d components, want 2", len(sub))
		}
		var s string
		switch x := v.Value.(type) {
		case string:
			s = x
		default:
			return fmt.Errorf("value of type %s, want an OID", v.Type)
		}
		if ifi, ok := IfIndexFromAliasOID(s); ok {
			r.entAlias[int(sub[0])] = ifi
		}
		return nil
	}},
}

func (r *raw) loc(p int) *locPort {
	l := r.locPorts[p]
	if l == nil {
		l = &locPort{}
		r.locPorts[p] = l
	}
	return l
}

func medPolicy(set func(p *policy, n int)) func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	return func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		k, app, err := ParseMedPolicyIndex(sub)
		if err != nil {
			return err
		}
		row := r.lldpAt(k)
		for i := range row.policies {
			if row.policies[i].app == app {
				set(&row.policies[i], int(lldpInt(v)))
				return nil
			}
		}
		p := policy{app: app}
		set(&p, int(lldpInt(v)))
		row.policies = append(row.policies, p)
		return nil
	}
}

func medInv(i int) func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	return lldpCol(func(row *lldpRow, v gosnmp.SnmpPDU) error { row.inv[i] = lldpText(v); return nil })
}

func pseCol(set func(p *pseRow, n int)) func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	return intCol(func(r *raw, sub []uint32, n int) error {
		p, err := r.pseAt(sub)
		if err == nil {
			set(p, n)
		}
		return err
	})
}

func basePortHandler(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	p, err := ParseSingle(sub)
	if err != nil {
		return err
	}
	n, ok := pduInt(v)
	if !ok {
		return fmt.Errorf("not an integer (%s)", v.Type)
	}
	r.basePort[p] = int(n)
	return nil
}

// fdbHandler reads dot1dTpFdb (q=false) or dot1qTpFdb (q=true) port or
// status columns. Rows are matched by MAC (and FDB id) in arrival order.
func fdbHandler(q, port bool) func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
	return func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		var mac string
		var fdbID int
		var err error
		if q {
			fdbID, mac, err = ParseQFdbIndex(sub)
		} else {
			mac, err = ParseMACIndex(sub)
		}
		if err != nil {
			return err
		}
		n, ok := pduInt(v)
		if !ok {
			return fmt.Errorf("not an integer (%s)", v.Type)
		}
		vlan := -1 // -1: dot1d row, VLAN from context; -2-fdbID: resolved later
		if q {
			vlan = -2 - fdbID
		}
		if i, ok := r.fdbIdx[fdbKey{mac, vlan}]; ok {
			if port {
				r.fdb[i].basePort = int(n)
			} else {
				r.fdb[i].status = int(n)
			}
			return nil
		}
		r.fdbIdx[fdbKey{mac, vlan}] = len(r.fdb)
		e := fdbEntry{mac: mac, vlan: vlan, status: 3}
		if port {
			e.basePort = int(n)
		} else {
			e.status = int(n)
		}
		r.fdb = append(r.fdb, e)
		return nil
	}
}

// walkInto runs one multi-column walk and feeds the handlers; a value that
// cannot be decoded becomes a warning naming its OID.
func (s *session) walkInto(ctx context.Context, r *raw, what string, hs []handler) error {
	return s.walkHandlers(ctx, r, what, false, hs)
}

// walkProbe is walkInto for an instance that may not exist (a VLAN
// context): a timeout before its first answer is an error, and does not
// lower max-repetitions.
func (s *session) walkProbe(ctx context.Context, r *raw, what string, hs []handler) error {
	return s.walkHandlers(ctx, r, what, true, hs)
}

func (s *session) walkHandlers(ctx context.Context, r *raw, what string, probe bool, hs []handler) error {
	roots := make([]string, len(hs))
	for i, h := range hs {
		roots[i] = h.oid
	}
	return s.walk(ctx, what, roots, probe, func(col int, sub []uint32, v gosnmp.SnmpPDU) {
		if err := hs[col].fn(r, sub, v); err != nil {
			r.warnings = append(r.warnings, fmt.Sprintf("%s.%s: %v", hs[col].oid, joinOID(sub), err))
		}
	})
}

func joinOID(sub []uint32) string {
	s := make([]string, len(sub))
	for i, v := range sub {
		s[i] = strconv.FormatUint(uint64(v), 10)
	}
	return strings.Join(s, ".")
}

// collect reads everything from one switch.
func collect(ctx context.Context, s *session) (*raw, error) {
	r := newRaw()
	sys, err := s.get(ctx, []string{oidSysDescr, oidSysObjectID, oidSysName})
	if err != nil {
		return r, err
	}
	if v, ok := sys[oidSysDescr]; ok {
		r.sysDescr = lldpText(v)
	}
	if v, ok := sys[oidSysName]; ok {
		r.sysName = lldpText(v)
	}
	if v, ok := sys[oidSysObjectID]; ok {
		if str, ok := v.Value.(string); ok {
			r.sysObjectID = strings.TrimPrefix(str, ".")
		}
	}
	if err := s.walkInto(ctx, r, "the interface, neighbour, bridge and PoE tables", baseHandlers); err != nil {
		return r, err
	}
	for i := range r.fdb {
		if r.fdb[i].vlan <= -2 {
			fdbID := -2 - r.fdb[i].vlan
			if v, ok := r.vlanOfFdbID[fdbID]; ok {
				r.fdb[i].vlan = v
			} else {
				r.fdb[i].vlan = fdbID // commonly FDB id = VLAN id
			}
		}
		r.fdb[i].ifIndex = resolveBasePort(r.basePort, r.ifs, r.fdb[i].basePort)
	}
	if r.isCisco() {
		if err := collectVLANFDB(ctx, s, r); err != nil {
			return r, err
		}
	}
	return r, nil
}

func resolveBasePort(m map[int]int, ifs map[int]*ifRow, bp int) int {
	if ifi, ok := m[bp]; ok {
		return ifi
	}
	if _, ok := ifs[bp]; ok {
		return bp
	}
	return 0
}

// collectVLANFDB reads the per-VLAN bridge tables of a Catalyst, only for
// the voice VLANs and the access VLANs of ports that carry a voice VLAN or
// a CDP/LLDP neighbour. Two VLAN instances in a row that do not answer mean
// community indexing is not allowed for us: the rest are skipped.
func collectVLANFDB(ctx context.Context, s *session, r *raw) error {
	want := map[int]bool{}
	ports := map[int]bool{}
	for _, c := range r.cdp {
		ports[c.ifIndex] = true
	}
	for ifi, v := range r.vmVoice {
		if v >= 1 && v <= 4094 {
			want[v] = true
			ports[ifi] = true
		}
	}
	for ifi, v := range r.vmVlan {
		if ports[ifi] && v >= 1 && v <= 4094 {
			want[v] = true
		}
	}
	var vlans []int
	for v := range want {
		if v < 1002 || v > 1005 {
			vlans = append(vlans, v)
		}
	}
	sort.Ints(vlans)
	misses := 0
	for _, vlan := range vlans {
		vr := newRaw()
		vr.ifs = r.ifs
		err := s.inVLAN(vlan, func() error {
			return s.walkProbe(ctx, vr, fmt.Sprintf("the bridge table of VLAN %d", vlan),
				[]handler{{oidBasePortIfIndex, basePortHandler}, {oidFdbPort, fdbHandler(false, true)}, {oidFdbStatus, fdbHandler(false, false)}})
		})
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			s.warnf("switch %s: VLAN %d bridge table not readable (%v)", s.addr, vlan, trimSwitch(err))
			if misses++; misses >= 2 {
				s.warnf("switch %s: per-VLAN bridge tables skipped after two failures", s.addr)
				return nil
			}
			continue
		}
		misses = 0
		r.warnings = append(r.warnings, vr.warnings...)
		for _, e := range vr.fdb {
			e.vlan = vlan
			e.ifIndex = resolveBasePort(vr.basePort, r.ifs, e.basePort)
			r.fdb = append(r.fdb, e)
		}
	}
	return nil
}

func trimSwitch(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "switch ") {
		return s[i+2:]
	}
	return s
}
