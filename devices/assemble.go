package devices

import (
	"cutover/internal/phonemodel"
	"fmt"
	"sort"
	"strings"

	"cutover/devices/oui"
)

// maxAccessMACs is the most distinct MACs an access port may have learned
// (phone, PC behind it, one more); a port with more is treated as an uplink.
const maxAccessMACs = 3

var detectionNames = map[int]string{1: "disabled", 2: "searching", 3: "deliveringPower", 4: "fault", 5: "test", 6: "otherFault"}

// localIfIndex maps an lldpRemLocalPortNum to an ifIndex (domain.md §1.2,
// README quirk 7): a name match from lldpLocPortTable first, then the
// identity on Cisco, then dot1dBasePortIfIndex, then the identity.
func localIfIndex(r *raw, port int) int {
	if port < 0 {
		return 0
	}
	if l := r.locPorts[port]; l != nil {
		names := []string{l.desc}
		if l.sub == 5 || l.sub == 7 || l.sub == 1 {
			names = append([]string{Text(l.id)}, names...)
		}
		for _, n := range names {
			if ifi := uniqueIfByName(r, n); ifi > 0 {
				return ifi
			}
		}
	}
	if _, ok := r.ifs[port]; ok && r.isCisco() {
		return port
	}
	if ifi, ok := r.basePort[port]; ok {
		return ifi
	}
	if _, ok := r.ifs[port]; ok {
		return port
	}
	return 0
}

func uniqueIfByName(r *raw, n string) int {
	if n == "" {
		return 0
	}
	found := 0
	for ifi, row := range r.ifs {
		if row.name == n || row.descr == n {
			if found != 0 {
				return 0
			}
			found = ifi
		}
	}
	return found
}

// buildPorts assembles PortFacts for every interface.
func buildPorts(r *raw) map[int]*PortFacts {
	ports := map[int]*PortFacts{}
	ifToBase := map[int]int{}
	for bp, ifi := range r.basePort {
		ifToBase[ifi] = bp
	}
	for ifi, row := range r.ifs {
		p := &PortFacts{IfIndex: ifi, Name: firstNonEmpty(row.name, row.descr), Descr: row.descr, Alias: row.alias,
			OperStatus: row.oper, OperUp: row.oper == 1}
		if v, ok := r.vmVlan[ifi]; ok {
			p.AccessVLAN = v
		} else if bp, ok := ifToBase[ifi]; ok {
			p.AccessVLAN = r.pvid[bp]
		} else {
			p.AccessVLAN = r.pvid[ifi]
		}
		if v := r.vmVoice[ifi]; v >= 1 && v <= 4094 {
			p.VoiceVLAN = v
		}
		if row.typ == 161 || row.typ == 53 {
			p.Uplink, p.UplinkReason = true, "link aggregate or virtual interface"
		}
		p.PoEKnown = len(r.pse) > 0
		p.VoiceVLANKnown = len(r.vmVoice) > 0 || len(r.locVoiceVLAN) > 0
		ports[ifi] = p
	}
	for lp, l := range r.locPorts {
		if p := ports[localIfIndex(r, lp)]; p != nil && len(l.id) > 0 && l.sub > 0 {
			p.LLDPPortID, p.LLDPPortIDSubtype = DecodeLLDPID(l.sub, l.id, false).Text, int(l.sub)
		}
	}
	for lp, v := range r.locVoiceVLAN {
		if p := ports[localIfIndex(r, lp)]; p != nil && p.VoiceVLAN == 0 && v >= 1 && v <= 4094 {
			p.VoiceVLAN = v
		}
	}
	for key, pse := range r.pse {
		ifi := 0
		if x, ok := r.entAlias[pse.entPhy]; ok && pse.entPhy > 0 {
			ifi = x
		} else if _, ok := r.ifs[key[1]]; ok && key[0] == 1 {
			ifi = key[1]
		}
		p := ports[ifi]
		if p == nil {
			continue
		}
		f := &PoEFacts{Group: key[0], Port: key[1], Detection: detectionNames[pse.detect]}
		if pse.detect == 3 && pse.class >= 1 && pse.class <= 5 {
			c := pse.class - 1
			f.Class = &c
		}
		if pse.mw >= 0 {
			mw := pse.mw
			f.PowerMW = &mw
		}
		if m := r.pseMain[key[0]]; m != nil {
			if m[0] >= 0 {
				w := m[0]
				f.BudgetW = &w
			}
			if m[1] >= 0 {
				w := m[1]
				f.UsedW = &w
			}
		}
		p.PoE = f
	}
	for _, e := range r.fdb {
		if p := ports[e.ifIndex]; p != nil && fdbUsable(e) {
			p.MACs = append(p.MACs, LearnedMAC{MAC: e.mac, VLAN: max(e.vlan, 0)})
		}
	}
	for _, p := range ports {
		seen := map[string]bool{}
		for _, m := range p.MACs {
			seen[m.MAC] = true
		}
		if len(seen) > maxAccessMACs && !p.Uplink {
			p.Uplink, p.UplinkReason = true, fmt.Sprintf("%d MACs learned", len(seen))
		}
		sort.Slice(p.MACs, func(i, j int) bool {
			return p.MACs[i].VLAN < p.MACs[j].VLAN || p.MACs[i].VLAN == p.MACs[j].VLAN && p.MACs[i].MAC < p.MACs[j].MAC
		})
	}
	return ports
}

// fdbUsable keeps learned(3) and other(1) entries; self, mgmt and invalid
// are the switch's own.
func fdbUsable(e fdbEntry) bool { return e.status == 3 || e.status == 1 }

// identify turns the raw tables of one switch into phones and port facts.
func identify(r *raw, warn func(string, ...any)) ([]Phone, []PortFacts) {
	ports := buildPorts(r)
	var cands []*cand
	for _, row := range r.cdp {
		cands = append(cands, fromCDP(r, row, warn))
	}
	for _, row := range r.lldp {
		if row.chSub == 0 && row.ch == nil && row.sysName == "" && row.sysDesc == "" && row.pt == nil {
			continue // a MED or management-address row without its lldpRemTable row
		}
		cands = append(cands, fromLLDP(row, localIfIndex(r, row.key.LocalPort)))
	}
	for _, c := range cands {
		p := ports[c.ifIndex]
		if p == nil {
			c.ifIndex = 0
			continue
		}
		p.Neighbours = append(p.Neighbours, c.desc)
		if c.network {
			p.Uplink, p.UplinkReason = true, "neighbour "+c.desc
		}
	}
	// FDB: where is each MAC learned, outside uplinks?
	fdbAt := map[string]map[int]int{} // mac → ifIndex → vlan
	for _, e := range r.fdb {
		if p := ports[e.ifIndex]; p != nil && fdbUsable(e) && !p.Uplink {
			if fdbAt[e.mac] == nil {
				fdbAt[e.mac] = map[int]int{}
			}
			if old, ok := fdbAt[e.mac][e.ifIndex]; !ok || old <= 0 || e.vlan == p.VoiceVLAN {
				fdbAt[e.mac][e.ifIndex] = max(e.vlan, 0)
			}
		}
	}
	var phones []*cand
	for _, c := range cands {
		if !c.isPhone() {
			continue
		}
		if c.mac != "" {
			if at := fdbAt[c.mac]; at != nil {
				if c.ifIndex == 0 && len(at) == 1 {
					for ifi := range at {
						c.ifIndex = ifi // LLDP gave no local port; the FDB does
					}
				}
				if _, ok := at[c.ifIndex]; ok && c.ifIndex != 0 {
					c.fdbHere = true
					c.sources["fdb"] = true
				}
			}
		}
		phones = append(phones, c)
	}
	phones = mergeCands(phones)
	// FDB-only phones: a phone vendor's MAC on an access port with no other phone.
	known, phonePorts := map[string]bool{}, map[int]bool{}
	for _, c := range phones {
		known[c.mac] = true
		phonePorts[c.ifIndex] = true
	}
	for mac, at := range fdbAt {
		e, ok := oui.Lookup(mac)
		if !ok || known[mac] || len(at) != 1 {
			continue
		}
		for ifi, vlan := range at {
			p := ports[ifi]
			if phonePorts[ifi] || len(p.Neighbours) > 0 {
				continue
			}
			onVoice := p.VoiceVLAN > 0 && vlan == p.VoiceVLAN
			if !e.PhoneOnly && !onVoice {
				continue
			}
			c := newCand(ifi, "fdb")
			c.mac, c.fdbHere = mac, true
			c.evidence[EvOUI] = true
			if onVoice {
				c.evidence[EvVoiceVLAN] = true
			}
			phones = append(phones, c)
		}
	}
	out := make([]Phone, 0, len(phones))
	for _, c := range phones {
		out = append(out, c.phone(ports[c.ifIndex], fdbAt[c.mac][c.ifIndex]))
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.IfIndex == 0) != (b.IfIndex == 0) {
			return b.IfIndex == 0
		}
		if a.IfIndex != b.IfIndex {
			return a.IfIndex < b.IfIndex
		}
		return a.MAC+a.Name < b.MAC+b.Name
	})
	var facts []PortFacts
	for _, p := range ports {
		facts = append(facts, *p)
	}
	sort.Slice(facts, func(i, j int) bool { return facts[i].IfIndex < facts[j].IfIndex })
	return out, facts
}

func (c *cand) phone(p *PortFacts, fdbVLAN int) Phone {
	ph := Phone{IfIndex: c.ifIndex, MAC: c.mac, IP: c.ip, Name: c.name, Vendor: c.vendorOf(), Model: phonemodel.Name(c.model),
		Serial: c.serial, Firmware: c.firmware, VoiceVLAN: c.medVLAN, MEDVoiceVLAN: c.medVLAN, MEDPowerMW: c.pdMW,
		Sources: []string{}, Evidence: []string{}}
	if p != nil {
		ph.Port = p.Name
		ph.AccessVLAN = p.AccessVLAN
		if p.VoiceVLAN > 0 {
			ph.VoiceVLAN = p.VoiceVLAN
		}
		if p.PoE != nil && p.PoE.Delivering() {
			ph.PoEClass, ph.PoEMW = p.PoE.Class, p.PoE.PowerMW
		}
	}
	if ph.VoiceVLAN == 0 && fdbVLAN > 0 && fdbVLAN != ph.AccessVLAN && ph.AccessVLAN > 0 {
		ph.VoiceVLAN = fdbVLAN // learned on a VLAN other than the port's untagged one
	}
	if ph.PoEMW == nil && c.pdMW > 0 {
		mw := c.pdMW
		ph.PoEMW = &mw
	}
	if ph.VoiceVLAN > 0 && fdbVLAN == ph.VoiceVLAN && c.evidence[EvOUI] {
		c.evidence[EvVoiceVLAN] = true
	}
	for _, s := range sourceOrder {
		if c.sources[s] {
			ph.Sources = append(ph.Sources, s)
		}
	}
	for _, e := range evidenceOrder {
		if c.evidence[e] {
			ph.Evidence = append(ph.Evidence, e)
		}
	}
	return ph
}

// mergeCands merges rows that are one phone: on one port, rows sharing a
// MAC, an IP or a host name (CDP + LLDP of the same phone, duplicate LLDP
// rows); across ports, the same MAC twice is a stale row and the fresher
// port wins (the one where the FDB has the MAC, else the higher time mark,
// else the higher remote index).
func mergeCands(cs []*cand) []*cand {
	sort.SliceStable(cs, func(i, j int) bool { return fresher(cs[i], cs[j]) })
	var out []*cand
	for _, c := range cs {
		merged := false
		for _, o := range out {
			if sameDevice(o, c) {
				absorb(o, c)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, c)
		}
	}
	return out
}

func fresher(a, b *cand) bool {
	if a.fdbHere != b.fdbHere {
		return a.fdbHere
	}
	if (a.ifIndex != 0) != (b.ifIndex != 0) {
		return a.ifIndex != 0
	}
	if a.timeMark != b.timeMark {
		return a.timeMark > b.timeMark
	}
	return a.remIndex > b.remIndex
}

func shortName(n string) string {
	n, _, _ = strings.Cut(n, ".")
	return strings.ToUpper(n)
}

func sameDevice(a, b *cand) bool {
	if a.mac != "" && a.mac == b.mac {
		return true // same MAC: one phone, even if on two ports (stale row)
	}
	if a.ifIndex != b.ifIndex {
		return false
	}
	if a.mac != "" && b.mac != "" {
		return false
	}
	return a.ip != "" && a.ip == b.ip || a.name != "" && shortName(a.name) == shortName(b.name)
}

// absorb fills o's gaps from c (o is the fresher row).
func absorb(o, c *cand) {
	if o.ifIndex == 0 {
		o.ifIndex = c.ifIndex
	}
	for k := range c.sources {
		if c.ifIndex == o.ifIndex || k != "fdb" {
			o.sources[k] = true
		}
	}
	for k := range c.evidence {
		o.evidence[k] = true
	}
	// CDP's platform names Cisco phones better than LLDP; LLDP-MED has the serial.
	if c.sources["cdp"] && c.model != "" && !o.sources["cdp"] {
		o.model = c.model
	}
	o.mac = firstNonEmpty(o.mac, c.mac)
	o.ip = firstNonEmpty(o.ip, c.ip)
	o.name = firstNonEmpty(o.name, c.name)
	o.vendor = firstNonEmpty(o.vendor, c.vendor)
	o.model = firstNonEmpty(o.model, c.model)
	o.serial = firstNonEmpty(o.serial, c.serial)
	o.firmware = firstNonEmpty(o.firmware, c.firmware)
	if o.medVLAN == 0 {
		o.medVLAN = c.medVLAN
	}
	if o.pdMW == 0 {
		o.pdMW = c.pdMW
	}
}
