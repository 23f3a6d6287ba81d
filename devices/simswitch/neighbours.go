package simswitch

import (
	"net"
	"strings"
)

// OIDs of the neighbour tables.
var (
	oidCdpCache     = MustOID("1.3.6.1.4.1.9.9.23.1.2.1.1")
	oidLldpLocal    = MustOID("1.0.8802.1.1.2.1.3")
	oidLldpRem      = MustOID("1.0.8802.1.1.2.1.4.1.1")
	oidLldpRemMan   = MustOID("1.0.8802.1.1.2.1.4.2.1")
	oidMedRemCaps   = MustOID("1.0.8802.1.1.2.1.5.4795.1.3.1.1")
	oidMedRemPolicy = MustOID("1.0.8802.1.1.2.1.5.4795.1.3.2.1")
	oidMedRemInv    = MustOID("1.0.8802.1.1.2.1.5.4795.1.3.3.1")
	oidMedRemXPoE   = MustOID("1.0.8802.1.1.2.1.5.4795.1.3.5.1")
	oidMedRemPD     = MustOID("1.0.8802.1.1.2.1.5.4795.1.3.7.1")
)

// LLDP-MED capability bits (first octet, MSB = bit 0).
const (
	medCapabilities = 0x80
	medPolicy       = 0x40
	medExtendedPD   = 0x08
	medInventory    = 0x04
)

func (k Kind) cdp() bool  { return k == KindCDP || k == KindCDPLLDP }
func (k Kind) lldp() bool { return k == KindCDPLLDP || k == KindLLDPMED || k == KindLLDP }

// lldpOn reports whether the switch runs LLDP.
func (s *Spec) lldpOn() bool { return s.LLDP || s.Style == StyleGeneric }

// lldpPortNum is the LLDP local port number of port i: the ifIndex on
// Cisco, the bridge port on generic switches.
func (s *Spec) lldpPortNum(i int) uint32 {
	if s.Style == StyleGeneric {
		return uint32(s.basePort(i))
	}
	return uint32(s.Ports[i].IfIndex)
}

func (s *Spec) renderNeighbours(b *builder) {
	if s.lldpOn() {
		s.renderLldpLocal(b)
	}
	for i, p := range s.Ports {
		n := p.Neighbour
		if n == nil {
			continue
		}
		if n.Kind.cdp() && s.Style == StyleCisco {
			s.renderCDP(b, p, n)
		}
		if n.Kind.lldp() && s.lldpOn() {
			s.renderLLDP(b, i, p, n)
		}
	}
}

func (s *Spec) renderCDP(b *builder, p PortSpec, n *Neighbour) {
	idx := []uint32{uint32(p.IfIndex), uint32(p.Changes + 1)}
	col := func(c uint32) OID { return oidCdpCache.Append(c).Append(idx...) }
	if n.IP != "" {
		a := mustIPv4(n.IP)
		b.add(col(3), Int(1)) // ip
		b.add(col(4), Octets(a[:]))
	} else {
		b.add(col(3), Int(65535))
		b.add(col(4), Str(""))
	}
	b.add(col(5), Str(n.Firmware))
	b.add(col(6), Str(n.Name))
	port := n.PortID
	if port == "" {
		port = "Port 1"
	}
	b.add(col(7), Str(port))
	b.add(col(8), Str(n.Platform))
	c := n.CDPCaps
	b.add(col(9), Octets([]byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)}))
	native := p.AccessVLAN
	if p.Trunk {
		native = 1
	}
	b.add(col(11), Int(int64(native)))
	b.add(col(12), Int(3)) // full duplex
	if p.VoiceVLAN > 0 && p.VoiceVLAN < 4095 && c&CDPPhone != 0 {
		b.add(col(13), Int(1)) // appliance ID
		b.add(col(14), Int(int64(p.VoiceVLAN)))
	}
	if n.PoE != nil {
		b.add(col(15), Gauge(uint32(n.PoE.MilliWatts)))
	}
	if n.IP != "" {
		a := mustIPv4(n.IP)
		b.add(col(19), Int(1))
		b.add(col(20), Octets(a[:]))
	}
	b.add(col(24), Ticks(s.UptimeTicks))
}

func mustIPv4(s string) [4]byte {
	a, err := parseIPv4(s)
	if err != nil {
		panic(err) // Validate ran first
	}
	return a.As4()
}

func (s *Spec) renderLldpLocal(b *builder) {
	base := mustMAC(s.BaseMAC)
	b.add(oidLldpLocal.Append(1, 0), Int(4)) // chassis subtype macAddress
	b.add(oidLldpLocal.Append(2, 0), Octets(base))
	b.add(oidLldpLocal.Append(3, 0), Str(s.SysName))
	b.add(oidLldpLocal.Append(4, 0), Str(s.SysDescr))
	caps := []byte{LLDPBridge}
	if s.Style == StyleCisco {
		caps = []byte{LLDPBridge | LLDPRouter, 0}
	}
	b.add(oidLldpLocal.Append(5, 0), Octets(caps))
	b.add(oidLldpLocal.Append(6, 0), Octets(caps))
	for i, p := range s.Ports {
		lp := s.lldpPortNum(i)
		if s.Style == StyleCisco {
			b.add(oidLldpLocal.Append(7, 1, 2, lp), Int(5)) // interfaceName
			b.add(oidLldpLocal.Append(7, 1, 3, lp), Str(p.Name))
			b.add(oidLldpLocal.Append(7, 1, 4, lp), Str(p.Alias))
		} else {
			b.add(oidLldpLocal.Append(7, 1, 2, lp), Int(7)) // local
			b.add(oidLldpLocal.Append(7, 1, 3, lp), Str(p.Name))
			b.add(oidLldpLocal.Append(7, 1, 4, lp), Str(p.Descr))
		}
	}
}

func (s *Spec) renderLLDP(b *builder, i int, p PortSpec, n *Neighbour) {
	idx := []uint32{0, s.lldpPortNum(i), uint32(p.Changes + 1)}
	col := func(base OID, c uint32) OID { return base.Append(c).Append(idx...) }
	mac := mustMAC(n.MAC)
	if n.IP != "" {
		a := mustIPv4(n.IP)
		b.add(col(oidLldpRem, 4), Int(5)) // networkAddress
		b.add(col(oidLldpRem, 5), Octets(append([]byte{1}, a[:]...)))
	} else {
		b.add(col(oidLldpRem, 4), Int(4)) // macAddress
		b.add(col(oidLldpRem, 5), Octets(mac))
	}
	if n.PortID != "" && n.Kind != KindCDPLLDP {
		b.add(col(oidLldpRem, 6), Int(7)) // local
		b.add(col(oidLldpRem, 7), Str(n.PortID))
	} else if n.Kind == KindCDPLLDP {
		// Cisco phones: "<MAC>:P1", subtype local.
		b.add(col(oidLldpRem, 6), Int(7))
		b.add(col(oidLldpRem, 7), Str(strings.ToUpper(strings.ReplaceAll(net.HardwareAddr(mac).String(), ":", ""))+":P1"))
	} else {
		b.add(col(oidLldpRem, 6), Int(3)) // macAddress
		b.add(col(oidLldpRem, 7), Octets(mac))
	}
	b.add(col(oidLldpRem, 8), Str(n.PortDesc))
	b.add(col(oidLldpRem, 9), Str(n.Name))
	b.add(col(oidLldpRem, 10), Str(n.Descr))
	caps := []byte{n.LLDPCaps}
	if s.Style == StyleCisco {
		caps = append(caps, 0)
	}
	b.add(col(oidLldpRem, 11), Octets(caps))
	b.add(col(oidLldpRem, 12), Octets(caps))
	if n.IP != "" {
		a := mustIPv4(n.IP)
		man := append(append([]uint32{}, idx...), 1, 4, uint32(a[0]), uint32(a[1]), uint32(a[2]), uint32(a[3]))
		b.add(oidLldpRemMan.Append(3).Append(man...), Int(2)) // ifIndex
		b.add(oidLldpRemMan.Append(4).Append(man...), Int(0))
		b.add(oidLldpRemMan.Append(5).Append(man...), OIDValue(MustOID("0.0")))
	}
	if n.Kind == KindLLDP || n.MEDClass == 0 {
		return
	}
	medCaps := byte(medCapabilities)
	if n.VoicePolicy {
		medCaps |= medPolicy
	}
	if n.PoE != nil {
		medCaps |= medExtendedPD
	}
	if n.Inventory {
		medCaps |= medInventory
	}
	b.add(col(oidMedRemCaps, 1), Octets([]byte{medCaps, 0}))
	b.add(col(oidMedRemCaps, 2), Octets([]byte{medCaps, 0}))
	b.add(col(oidMedRemCaps, 3), Int(int64(n.MEDClass)))
	if n.VoicePolicy && p.VoiceVLAN > 0 && p.VoiceVLAN < 4095 {
		pol := append(append([]uint32{}, idx...), 1, 0x40) // PolicyAppType voice(1), length-prefixed
		b.add(oidMedRemPolicy.Append(2).Append(pol...), Int(int64(p.VoiceVLAN)))
		b.add(oidMedRemPolicy.Append(3).Append(pol...), Int(5))
		b.add(oidMedRemPolicy.Append(4).Append(pol...), Int(46))
		b.add(oidMedRemPolicy.Append(5).Append(pol...), Int(2)) // unknown: false
		b.add(oidMedRemPolicy.Append(6).Append(pol...), Int(1)) // tagged: true
	}
	if n.Inventory {
		b.add(col(oidMedRemInv, 1), Str(n.Hardware))
		b.add(col(oidMedRemInv, 2), Str(n.Firmware))
		b.add(col(oidMedRemInv, 3), Str(n.Software))
		b.add(col(oidMedRemInv, 4), Str(n.Serial))
		b.add(col(oidMedRemInv, 5), Str(n.Manufacturer))
		b.add(col(oidMedRemInv, 6), Str(n.Model))
		b.add(col(oidMedRemInv, 7), Str(""))
	}
	if n.PoE != nil {
		b.add(col(oidMedRemXPoE, 1), Int(3)) // powered device
		b.add(col(oidMedRemPD, 1), Gauge(uint32(n.PoE.MilliWatts/100)))
		b.add(col(oidMedRemPD, 2), Int(2)) // fromPSE
		b.add(col(oidMedRemPD, 3), Int(3)) // low
	}
}
