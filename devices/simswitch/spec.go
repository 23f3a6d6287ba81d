package simswitch

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"sort"
)

// Style selects how a rendered switch encodes its tables.
type Style string

const (
	// StyleCisco is a Catalyst: CDP, vmVlan/vmVoiceVlanId, BRIDGE-MIB FDB only
	// per VLAN through community@vlan, PoE mapped to ifIndex through
	// cpeExtPsePortEntPhyIndex and entAliasMappingIdentifier, LLDP local
	// port number = ifIndex.
	StyleCisco Style = "cisco"
	// StyleGeneric is a standards-only access switch: LLDP with local port
	// number = dot1dBasePort, Q-BRIDGE FDB in the base community, PoE index 1.<ifIndex>.
	StyleGeneric Style = "generic"
)

// Kind says which protocols a neighbour speaks.
type Kind string

// Neighbour kinds.
const (
	KindCDP     Kind = "cisco-cdp"      // CDP only
	KindCDPLLDP Kind = "cisco-cdp+lldp" // CDP and LLDP (with LLDP-MED when MEDClass > 0)
	KindLLDPMED Kind = "lldp-med"       // LLDP with LLDP-MED
	KindLLDP    Kind = "lldp"           // LLDP without LLDP-MED
	KindFDB     Kind = "fdb-only"       // silent: only its MAC in the FDB
)

// CDP capability bits (cdpCacheCapabilities).
const (
	CDPRouter = 0x01
	CDPSwitch = 0x08
	CDPHost   = 0x10
	CDPIGMP   = 0x20
	CDPPhone  = 0x80
)

// LLDP system capability bits, first octet of the BITS value (MSB = bit 0).
const (
	LLDPBridge    = 0x20
	LLDPRouter    = 0x08
	LLDPTelephone = 0x04
)

// Neighbour is a device plugged into a port.
type Neighbour struct {
	Kind         Kind
	MAC          string // "00:1e:13:8c:90:07"; learned in the FDB on the voice VLAN (else access VLAN)
	IP           string // IPv4 or ""
	Name         string // CDP device ID / LLDP sysName
	Platform     string // CDP platform ("Cisco IP Phone 7941")
	Descr        string // LLDP sysDescr
	Firmware     string // CDP version; LLDP-MED firmware revision
	Software     string // LLDP-MED software revision
	Hardware     string // LLDP-MED hardware revision
	Serial       string // LLDP-MED serial number
	Model        string // LLDP-MED model name
	Manufacturer string // LLDP-MED manufacturer
	PortID       string // remote port: CDP device port; LLDP port ID (subtype local); "" = LLDP port ID is the MAC
	PortDesc     string // LLDP port description
	CDPCaps      uint32 // cdpCacheCapabilities bits
	LLDPCaps     byte   // lldpRemSysCap* first octet
	MEDClass     int    // LLDP-MED device class (3 = communication device); 0 = none
	VoicePolicy  bool   // LLDP-MED voice network policy (port voice VLAN, priority 5, DSCP 46, tagged)
	Inventory    bool   // LLDP-MED inventory table (Hardware…Model)
	PoE          *PoE   // power drawn from the port, nil = not powered by it
	ExtraMACs    []LearnedMAC
	// Stale is an LLDP or CDP entry the switch keeps after the device has
	// left (until its time to live runs out): no MAC learned on the port.
	Stale bool
}

// PoE is the power state of a port.
type PoE struct {
	Class      int // 0..4
	MilliWatts int
	Delivering bool
}

// LearnedMAC is a MAC address learned on a port. VLAN 0 = the port's access VLAN.
type LearnedMAC struct {
	MAC  string
	VLAN int
}

// VLAN names a VLAN.
type VLAN struct {
	ID   int
	Name string
}

// PortSpec describes one switch port.
type PortSpec struct {
	IfIndex    int
	BasePort   int // dot1dBasePort; 0 = position in Ports + 1
	PoEIndex   int // pethPsePortIndex (group 1); 0 = BasePort (cisco) or IfIndex (generic)
	Name       string
	Descr      string
	Alias      string
	OperUp     bool
	SpeedMbps  int // 0 = 1000
	AccessVLAN int
	VoiceVLAN  int  // 0 = none
	Trunk      bool // carries every VLAN (uplink)
	PoE        *PoE // nil = no PSE on this port; else its state without a powered neighbour
	Neighbour  *Neighbour
	MACs       []LearnedMAC // other MACs learned on the port (e.g. behind an uplink)
	Changes    int          // neighbour changes so far (CDP device index / LLDP remote index = Changes+1)
}

// Spec describes a simulated switch.
type Spec struct {
	SysName     string
	SysDescr    string
	SysObjectID string
	SysContact  string
	SysLocation string
	Style       Style
	BaseMAC     string
	MgmtIP      string
	UptimeTicks uint32
	LLDP        bool // LLDP enabled (a Catalyst needs "lldp run"); generic switches always run it
	PoEBudgetW  int
	VLANs       []VLAN
	Ports       []PortSpec
}

// Clone returns a deep copy of the spec.
func (s Spec) Clone() Spec {
	c := s
	c.VLANs = slices.Clone(s.VLANs)
	c.Ports = make([]PortSpec, len(s.Ports))
	for i, p := range s.Ports {
		c.Ports[i] = p.clone()
	}
	return c
}

func (p PortSpec) clone() PortSpec {
	c := p
	c.MACs = slices.Clone(p.MACs)
	if p.PoE != nil {
		x := *p.PoE
		c.PoE = &x
	}
	c.Neighbour = p.Neighbour.clone()
	return c
}

func (n *Neighbour) clone() *Neighbour {
	if n == nil {
		return nil
	}
	c := *n
	c.ExtraMACs = slices.Clone(n.ExtraMACs)
	if n.PoE != nil {
		x := *n.PoE
		c.PoE = &x
	}
	return &c
}

// port returns the index of the port with the given ifName.
func (s *Spec) port(name string) (int, error) {
	for i := range s.Ports {
		if s.Ports[i].Name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("switch %s has no port %q", s.SysName, name)
}

// SetNeighbour replaces the neighbour on a port (nil removes it). A new
// neighbour brings the port up; removing it takes an access port down.
func (s *Spec) SetNeighbour(portName string, n *Neighbour) error {
	i, err := s.port(portName)
	if err != nil {
		return err
	}
	p := &s.Ports[i]
	if n != nil {
		if err := n.validate(); err != nil {
			return fmt.Errorf("port %s: %w", portName, err)
		}
	}
	p.Neighbour = n.clone()
	p.Changes++
	p.OperUp = n != nil || p.Trunk || len(p.MACs) > 0
	return nil
}

func parseMAC(s string) (net.HardwareAddr, error) {
	m, err := net.ParseMAC(s)
	if err != nil || len(m) != 6 {
		return nil, fmt.Errorf("bad MAC %q", s)
	}
	return m, nil
}

func parseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("bad IPv4 address %q", s)
	}
	return a, nil
}

func (n *Neighbour) validate() error {
	switch n.Kind {
	case KindCDP, KindCDPLLDP, KindLLDPMED, KindLLDP, KindFDB:
	default:
		return fmt.Errorf("neighbour %q: unknown kind %q", n.Name, n.Kind)
	}
	if _, err := parseMAC(n.MAC); err != nil {
		return fmt.Errorf("neighbour %q: %w", n.Name, err)
	}
	if n.IP != "" {
		if _, err := parseIPv4(n.IP); err != nil {
			return fmt.Errorf("neighbour %q: %w", n.Name, err)
		}
	}
	for _, m := range n.ExtraMACs {
		if _, err := parseMAC(m.MAC); err != nil {
			return fmt.Errorf("neighbour %q: extra MAC: %w", n.Name, err)
		}
	}
	return nil
}

// Validate checks the spec: style, unique port names and indexes, MACs and addresses.
func (s *Spec) Validate() error {
	if s.Style != StyleCisco && s.Style != StyleGeneric {
		return fmt.Errorf("switch %s: unknown style %q (want cisco or generic)", s.SysName, s.Style)
	}
	if _, err := parseMAC(s.BaseMAC); err != nil {
		return fmt.Errorf("switch %s: base MAC: %w", s.SysName, err)
	}
	if _, err := ParseOID(s.SysObjectID); err != nil {
		return fmt.Errorf("switch %s: sysObjectID: %w", s.SysName, err)
	}
	if s.MgmtIP != "" {
		if _, err := parseIPv4(s.MgmtIP); err != nil {
			return fmt.Errorf("switch %s: management address: %w", s.SysName, err)
		}
	}
	names, ifs, bps := map[string]bool{}, map[int]bool{}, map[int]bool{}
	for i := range s.Ports {
		p := &s.Ports[i]
		bp := s.basePort(i)
		switch {
		case p.Name == "":
			return fmt.Errorf("switch %s: port %d has no name", s.SysName, i+1)
		case names[p.Name]:
			return fmt.Errorf("switch %s: port name %q used twice", s.SysName, p.Name)
		case p.IfIndex <= 0 || ifs[p.IfIndex]:
			return fmt.Errorf("switch %s: port %s: ifIndex %d missing or used twice", s.SysName, p.Name, p.IfIndex)
		case bps[bp]:
			return fmt.Errorf("switch %s: port %s: bridge port %d used twice", s.SysName, p.Name, bp)
		}
		names[p.Name], ifs[p.IfIndex], bps[bp] = true, true, true
		for _, m := range p.MACs {
			if _, err := parseMAC(m.MAC); err != nil {
				return fmt.Errorf("switch %s: port %s: %w", s.SysName, p.Name, err)
			}
		}
		if p.Neighbour != nil {
			if err := p.Neighbour.validate(); err != nil {
				return fmt.Errorf("switch %s: port %s: %w", s.SysName, p.Name, err)
			}
		}
	}
	return nil
}

func (s *Spec) basePort(i int) int {
	if s.Ports[i].BasePort > 0 {
		return s.Ports[i].BasePort
	}
	return i + 1
}

// FDBVLANs lists the VLANs that have a community@vlan view (Cisco style
// only): every access and voice VLAN used by a port, in order.
func (s *Spec) FDBVLANs() []int {
	if s.Style != StyleCisco {
		return nil
	}
	set := map[int]bool{}
	for _, p := range s.Ports {
		for _, v := range []int{p.AccessVLAN, p.VoiceVLAN} {
			if v > 0 && v < 4095 {
				set[v] = true
			}
		}
	}
	var out []int
	for v := range set {
		if v < 1002 || v > 1005 {
			out = append(out, v)
		}
	}
	sort.Ints(out)
	return out
}

// Views renders the switch: the base view under community, and for Cisco
// style one view per VLAN under community@VLAN.
func (s *Spec) Views(community string) (map[string]*MIB, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	base, err := NewMIB(s.render(0))
	if err != nil {
		return nil, fmt.Errorf("switch %s: %w", s.SysName, err)
	}
	views := map[string]*MIB{community: base}
	for _, v := range s.FDBVLANs() {
		m, err := NewMIB(s.render(v))
		if err != nil {
			return nil, fmt.Errorf("switch %s: %w", s.SysName, err)
		}
		views[fmt.Sprintf("%s@%d", community, v)] = m
	}
	return views, nil
}

// WriteSnmprec writes the base view as .snmprec.
func (s *Spec) WriteSnmprec(w io.Writer) error { return s.WriteVLANSnmprec(w, 0) }

// WriteVLANSnmprec writes the community@vlan view of a Cisco-style switch
// as .snmprec (vlan 0 = the base view).
func (s *Spec) WriteVLANSnmprec(w io.Writer, vlan int) error {
	if err := s.Validate(); err != nil {
		return err
	}
	m, err := NewMIB(s.render(vlan))
	if err != nil {
		return fmt.Errorf("switch %s: %w", s.SysName, err)
	}
	return m.WriteSnmprec(w)
}

// Snmprec returns the base view (vlan 0) or a VLAN view as .snmprec bytes.
func (s *Spec) Snmprec(vlan int) ([]byte, error) {
	var b bytes.Buffer
	err := s.WriteVLANSnmprec(&b, vlan)
	return b.Bytes(), err
}
