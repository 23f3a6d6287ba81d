package simswitch

import (
	"net"
	"strconv"
)

// OIDs of the tables a rendered switch serves.
var (
	oidSystem        = MustOID("1.3.6.1.2.1.1")
	oidIfNumber      = MustOID("1.3.6.1.2.1.2.1.0")
	oidIfEntry       = MustOID("1.3.6.1.2.1.2.2.1")
	oidIfXEntry      = MustOID("1.3.6.1.2.1.31.1.1.1")
	oidEntPhysEntry  = MustOID("1.3.6.1.2.1.47.1.1.1.1")
	oidEntAliasMapID = MustOID("1.3.6.1.2.1.47.1.3.2.1.2")
	oidDot1dBase     = MustOID("1.3.6.1.2.1.17.1")
	oidDot1dPortIf   = MustOID("1.3.6.1.2.1.17.1.4.1")
	oidDot1dTpFdb    = MustOID("1.3.6.1.2.1.17.4.3.1")
	oidDot1qTpFdb    = MustOID("1.3.6.1.2.1.17.7.1.2.2.1")
	oidDot1qVlanFdb  = MustOID("1.3.6.1.2.1.17.7.1.4.2.1.3")
	oidDot1qVlanName = MustOID("1.3.6.1.2.1.17.7.1.4.3.1.1")
	oidDot1qPvid     = MustOID("1.3.6.1.2.1.17.7.1.4.5.1.1")
	oidPethPort      = MustOID("1.3.6.1.2.1.105.1.1.1")
	oidPethMain      = MustOID("1.3.6.1.2.1.105.1.3.1.1")
	oidCpeExtPort    = MustOID("1.3.6.1.4.1.9.9.402.1.2.1")
	oidVtpVlanEntry  = MustOID("1.3.6.1.4.1.9.9.46.1.3.1.1")
	oidVmVlan        = MustOID("1.3.6.1.4.1.9.9.68.1.2.2.1.2")
	oidVmVoiceVlan   = MustOID("1.3.6.1.4.1.9.9.68.1.5.1.1.1")
	oidIfType        = MustOID("1.3.6.1.2.1.2.2.1.1") // ifIndex column, the target of entAliasMappingIdentifier
)

// Entity indexes (Cisco style): the chassis, and ports from entPortBase+1.
const (
	entChassis  = 1001
	entPortBase = 1010
)

// builder collects records.
type builder struct{ recs []Record }

func (b *builder) add(o OID, v Value) { b.recs = append(b.recs, Record{OID: o, Value: v}) }

// macSub returns the six decimal sub-identifiers of a MAC address.
func macSub(m net.HardwareAddr) []uint32 {
	s := make([]uint32, 6)
	for i := range s {
		s[i] = uint32(m[i])
	}
	return s
}

func mustMAC(s string) net.HardwareAddr {
	m, err := parseMAC(s)
	if err != nil {
		panic(err) // Validate ran first
	}
	return m
}

// portMAC is the MAC of port i (base MAC + i + 1).
func (s *Spec) portMAC(i int) []byte {
	m := mustMAC(s.BaseMAC)
	out := make([]byte, 6)
	copy(out, m)
	n := uint32(out[3])<<16 | uint32(out[4])<<8 | uint32(out[5])
	n += uint32(i + 1)
	out[3], out[4], out[5] = byte(n>>16), byte(n>>8), byte(n)
	return out
}

// render builds the records of the base view (vlan 0) or of a VLAN view.
func (s *Spec) render(vlan int) []Record {
	b := &builder{}
	s.renderSystem(b)
	s.renderInterfaces(b)
	s.renderNeighbours(b)
	s.renderPoE(b)
	switch s.Style {
	case StyleCisco:
		s.renderCiscoVLANs(b)
		s.renderEntity(b)
		b.add(MustOID("1.3.6.1.4.1.9.9.23.1.3.1.0"), Int(1)) // cdpGlobalRun
		for _, p := range s.Ports {
			b.add(MustOID("1.3.6.1.4.1.9.9.23.1.1.1.1.2").Append(uint32(p.IfIndex)), Int(1)) // cdpInterfaceEnable
		}
		s.renderBridgeBase(b)
		if vlan > 0 {
			s.renderCiscoFDB(b, vlan)
		}
	case StyleGeneric:
		s.renderBridgeBase(b)
		s.renderBasePorts(b, 0)
		s.renderQBridge(b)
	}
	return b.recs
}

func (s *Spec) renderSystem(b *builder) {
	b.add(oidSystem.Append(1, 0), Str(s.SysDescr))
	b.add(oidSystem.Append(2, 0), OIDValue(MustOID(s.SysObjectID)))
	b.add(oidSystem.Append(3, 0), Ticks(s.UptimeTicks))
	b.add(oidSystem.Append(4, 0), Str(s.SysContact))
	b.add(oidSystem.Append(5, 0), Str(s.SysName))
	b.add(oidSystem.Append(6, 0), Str(s.SysLocation))
	b.add(oidSystem.Append(7, 0), Int(6))
}

func (s *Spec) renderInterfaces(b *builder) {
	b.add(oidIfNumber, Int(int64(len(s.Ports))))
	for i, p := range s.Ports {
		x := uint32(p.IfIndex)
		speed := p.SpeedMbps
		if speed == 0 {
			speed = 1000
		}
		oper := int64(2)
		if p.OperUp {
			oper = 1
		}
		descr := p.Descr
		if descr == "" {
			descr = p.Name
		}
		b.add(oidIfEntry.Append(1, x), Int(int64(p.IfIndex)))
		b.add(oidIfEntry.Append(2, x), Str(descr))
		b.add(oidIfEntry.Append(3, x), Int(6)) // ethernetCsmacd
		b.add(oidIfEntry.Append(4, x), Int(1500))
		b.add(oidIfEntry.Append(5, x), Gauge(uint32(min(speed, 4294))*1000000))
		b.add(oidIfEntry.Append(6, x), Octets(s.portMAC(i)))
		b.add(oidIfEntry.Append(7, x), Int(1))
		b.add(oidIfEntry.Append(8, x), Int(oper))
		b.add(oidIfEntry.Append(9, x), Ticks(0))
		b.add(oidIfXEntry.Append(1, x), Str(p.Name))
		b.add(oidIfXEntry.Append(15, x), Gauge(uint32(speed)))
		b.add(oidIfXEntry.Append(18, x), Str(p.Alias))
	}
}

// renderEntity writes ENTITY-MIB rows for the chassis and ports, with the
// alias mapping from a port entity to its ifIndex.
func (s *Spec) renderEntity(b *builder) {
	b.add(oidEntPhysEntry.Append(2, entChassis), Str(s.SysDescr))
	b.add(oidEntPhysEntry.Append(5, entChassis), Int(3)) // chassis
	b.add(oidEntPhysEntry.Append(7, entChassis), Str("1"))
	b.add(oidEntPhysEntry.Append(11, entChassis), Str("FOC"+s.portSerial()))
	for i, p := range s.Ports {
		e := uint32(entPortBase + i + 1)
		b.add(oidEntPhysEntry.Append(2, e), Str(p.Descr))
		b.add(oidEntPhysEntry.Append(5, e), Int(10)) // port
		b.add(oidEntPhysEntry.Append(7, e), Str(p.Name))
		b.add(oidEntAliasMapID.Append(e, 0), OIDValue(oidIfType.Append(uint32(p.IfIndex))))
	}
}

// portSerial derives a stable chassis serial suffix from the base MAC.
func (s *Spec) portSerial() string {
	m := mustMAC(s.BaseMAC)
	return strconv.FormatUint(uint64(m[3])<<16|uint64(m[4])<<8|uint64(m[5]), 36)
}

func (s *Spec) renderBridgeBase(b *builder) {
	b.add(oidDot1dBase.Append(1, 0), Octets(mustMAC(s.BaseMAC)))
	b.add(oidDot1dBase.Append(2, 0), Int(int64(len(s.Ports))))
	b.add(oidDot1dBase.Append(3, 0), Int(2)) // transparent-only
}

// member reports whether port p carries vlan (0 = any).
func member(p PortSpec, vlan int) bool {
	return vlan == 0 || p.Trunk || p.AccessVLAN == vlan || p.VoiceVLAN == vlan
}

// renderBasePorts writes dot1dBasePortTable for the ports in vlan (0 = all).
func (s *Spec) renderBasePorts(b *builder, vlan int) {
	for i, p := range s.Ports {
		if !member(p, vlan) {
			continue
		}
		bp := uint32(s.basePort(i))
		b.add(oidDot1dPortIf.Append(1, bp), Int(int64(bp)))
		b.add(oidDot1dPortIf.Append(2, bp), Int(int64(p.IfIndex)))
	}
}

// fdbEntry is one learned MAC.
type fdbEntry struct {
	mac      net.HardwareAddr
	vlan     int
	basePort int
}

// fdb lists every learned MAC: each neighbour on its voice VLAN (else the
// access VLAN), the neighbour's extra MACs and the port's static MACs.
func (s *Spec) fdb() []fdbEntry {
	var out []fdbEntry
	for i, p := range s.Ports {
		bp := s.basePort(i)
		vlanOf := func(v int) int {
			if v == 0 {
				return p.AccessVLAN
			}
			return v
		}
		if n := p.Neighbour; n != nil && !n.Stale {
			v := p.VoiceVLAN
			if v == 0 || v >= 4095 {
				v = p.AccessVLAN
			}
			out = append(out, fdbEntry{mustMAC(n.MAC), v, bp})
			for _, m := range n.ExtraMACs {
				out = append(out, fdbEntry{mustMAC(m.MAC), vlanOf(m.VLAN), bp})
			}
		}
		for _, m := range p.MACs {
			out = append(out, fdbEntry{mustMAC(m.MAC), vlanOf(m.VLAN), bp})
		}
	}
	return out
}

// renderCiscoFDB writes the bridge port map and dot1dTpFdbTable of one VLAN.
func (s *Spec) renderCiscoFDB(b *builder, vlan int) {
	s.renderBasePorts(b, vlan)
	for _, e := range s.fdb() {
		if e.vlan != vlan {
			continue
		}
		idx := macSub(e.mac)
		b.add(oidDot1dTpFdb.Append(1).Append(idx...), Octets(e.mac))
		b.add(oidDot1dTpFdb.Append(2).Append(idx...), Int(int64(e.basePort)))
		b.add(oidDot1dTpFdb.Append(3).Append(idx...), Int(3)) // learned
	}
	// The switch's own MAC.
	own := mustMAC(s.BaseMAC)
	idx := macSub(own)
	b.add(oidDot1dTpFdb.Append(1).Append(idx...), Octets(own))
	b.add(oidDot1dTpFdb.Append(2).Append(idx...), Int(0))
	b.add(oidDot1dTpFdb.Append(3).Append(idx...), Int(4)) // self
}

// renderQBridge writes the Q-BRIDGE FDB (FDB ID = VLAN ID), VLAN names and PVIDs.
func (s *Spec) renderQBridge(b *builder) {
	for _, e := range s.fdb() {
		idx := append([]uint32{uint32(e.vlan)}, macSub(e.mac)...)
		b.add(oidDot1qTpFdb.Append(2).Append(idx...), Int(int64(e.basePort)))
		b.add(oidDot1qTpFdb.Append(3).Append(idx...), Int(3))
	}
	for _, v := range s.VLANs {
		b.add(oidDot1qVlanFdb.Append(0, uint32(v.ID)), Gauge(uint32(v.ID)))
		b.add(oidDot1qVlanName.Append(uint32(v.ID)), Str(v.Name))
	}
	for i, p := range s.Ports {
		b.add(oidDot1qPvid.Append(uint32(s.basePort(i))), Gauge(uint32(max(p.AccessVLAN, 1))))
	}
}

// renderCiscoVLANs writes vtpVlanTable, vmVlan and vmVoiceVlanId.
func (s *Spec) renderCiscoVLANs(b *builder) {
	vlans := append([]VLAN{{1, "default"}}, s.VLANs...)
	vlans = append(vlans, VLAN{1002, "fddi-default"}, VLAN{1003, "token-ring-default"},
		VLAN{1004, "fddinet-default"}, VLAN{1005, "trnet-default"})
	seen := map[int]bool{}
	for _, v := range vlans {
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		b.add(oidVtpVlanEntry.Append(2, 1, uint32(v.ID)), Int(1)) // operational
		b.add(oidVtpVlanEntry.Append(4, 1, uint32(v.ID)), Str(v.Name))
	}
	for _, p := range s.Ports {
		if p.Trunk {
			continue
		}
		x := uint32(p.IfIndex)
		b.add(oidVmVlan.Append(x), Int(int64(max(p.AccessVLAN, 1))))
		voice := p.VoiceVLAN
		if voice == 0 {
			voice = 4096
		}
		b.add(oidVmVoiceVlan.Append(x), Int(int64(voice)))
	}
}

// poeState is the effective PoE state of a port (nil = no PSE).
func poeState(p PortSpec) *PoE {
	if p.PoE == nil {
		return nil
	}
	if p.Neighbour != nil && p.Neighbour.PoE != nil {
		return p.Neighbour.PoE
	}
	return p.PoE
}

// renderPoE writes POWER-ETHERNET-MIB and, for Cisco, CISCO-POWER-ETHERNET-EXT-MIB.
func (s *Spec) renderPoE(b *builder) {
	total, havePSE := 0, false
	for i, p := range s.Ports {
		st := poeState(p)
		if st == nil {
			continue
		}
		havePSE = true
		pi := p.PoEIndex
		if pi == 0 {
			pi = s.basePort(i)
			if s.Style == StyleGeneric {
				pi = p.IfIndex
			}
		}
		idx := []uint32{1, uint32(pi)}
		det, class, mw := int64(2), int64(1), 0 // searching, class0
		if st.Delivering {
			det, class, mw = 3, int64(st.Class+1), st.MilliWatts
			total += mw
		}
		b.add(oidPethPort.Append(3).Append(idx...), Int(1)) // admin enable
		b.add(oidPethPort.Append(6).Append(idx...), Int(det))
		b.add(oidPethPort.Append(7).Append(idx...), Int(3)) // priority low
		b.add(oidPethPort.Append(10).Append(idx...), Int(class))
		if s.Style == StyleCisco {
			alloc := 0
			if st.Delivering {
				alloc = []int{15400, 4000, 7000, 15400, 30000}[min(max(st.Class, 0), 4)]
			}
			b.add(oidCpeExtPort.Append(7).Append(idx...), Gauge(uint32(alloc)))
			b.add(oidCpeExtPort.Append(9).Append(idx...), Gauge(uint32(mw)))
			b.add(oidCpeExtPort.Append(11).Append(idx...), Int(int64(entPortBase+i+1)))
		}
	}
	if havePSE {
		budget := s.PoEBudgetW
		if budget == 0 {
			budget = 370
		}
		b.add(oidPethMain.Append(2, 1), Gauge(uint32(budget)))
		b.add(oidPethMain.Append(3, 1), Int(1))
		b.add(oidPethMain.Append(4, 1), Gauge(uint32((total+999)/1000)))
	}
}
