package devices

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// Column handlers: each decodes one varbind of one column into raw. A
// handler's error becomes a warning naming the OID; it never stops a walk.
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

// setPseMain records a PSE group's power (i 0) or consumption (i 1).
func (r *raw) setPseMain(sub []uint32, i, watts int) error {
	g, err := ParseSingle(sub)
	if err != nil {
		return err
	}
	m := r.pseMain[g]
	if m == nil {
		m = &[2]int{-1, -1}
		r.pseMain[g] = m
	}
	m[i] = watts
	return nil
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
	// lldpLocChassisIdSubtype and lldpLocChassisId: scalars, walked as
	// columns so that an agent without them costs a varbind, not an error.
	{oidLLDPLocSys + ".1", func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		r.locChassisSub = lldpInt(v)
		return nil
	}},
	{oidLLDPLocSys + ".2", func(r *raw, sub []uint32, v gosnmp.SnmpPDU) error {
		r.locChassis, _ = pduBytes(v)
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
	{oidMainPsePower, intCol(func(r *raw, sub []uint32, n int) error { return r.setPseMain(sub, 0, n) })},
	{oidMainPseUsed, intCol(func(r *raw, sub []uint32, n int) error { return r.setPseMain(sub, 1, n) })},
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
