package simswitch

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Demo site VLANs.
const (
	demoCiscoData  = 110
	demoCiscoVoice = 120
	demoGenData    = 210
	demoGenVoice   = 220
	demoMgmt       = 999
)

// inventory is the part of the site inventory JSON that DemoSpecs reads.
type inventory struct {
	Positions []struct {
		Label        string `json:"label"`
		MAC          string `json:"mac"`
		Switch       string `json:"switch"`
		Port         string `json:"port"`
		LegacyVendor string `json:"legacy_vendor"`
		LegacyModel  string `json:"legacy_model"`
	} `json:"positions"`
}

// jsonLine turns a JSON decoding error into a message with a line number.
func jsonLine(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return fmt.Errorf("inventory JSON: %w", err)
	}
	line := 1 + strings.Count(string(data[:min(int(off), len(data))]), "\n")
	return fmt.Errorf("inventory JSON line %d: %w", line, err)
}

// DemoSpecs builds the demo site's switches from its inventory JSON:
// kx-sw1 and kx-sw3 are Cisco Catalysts (48 ports Gi1/0/1-48, Cisco phones
// seen by CDP and LLDP, a PC behind some phones, voice VLAN on ports
// without a phone, an uplink on Gi1/0/48 with a CDP switch neighbour and
// many MACs learned on it); kx-sw2 is a generic switch (ports "1".."26",
// uplink on 26) with Mitel phones on LLDP-MED. Positions on other switches
// are ignored.
func DemoSpecs(inventoryJSON []byte) ([]Spec, error) {
	var inv inventory
	if err := json.Unmarshal(inventoryJSON, &inv); err != nil {
		return nil, jsonLine(inventoryJSON, err)
	}
	sw1 := demoCisco("kx-sw1", "00:5d:73:41:01:00", "10.41.0.11", 1)
	sw2 := demoGeneric("kx-sw2", "00:0c:db:41:02:00", "10.41.0.12")
	sw3 := demoCisco("kx-sw3", "00:5d:73:41:03:00", "10.41.0.13", 3)
	specs := map[string]*Spec{"kx-sw1": &sw1, "kx-sw2": &sw2, "kx-sw3": &sw3}
	for i, p := range inv.Positions {
		sp, ok := specs[p.Switch]
		if !ok || p.MAC == "" {
			continue
		}
		drift, drifted := demoDrift[p.Label]
		if drifted && drift == "" {
			continue // unplugged on the day: discovery reports it missing
		}
		if drifted {
			p.Port = drift
		}
		where := fmt.Sprintf("inventory position %d (%s)", i+1, p.Label)
		pi, err := sp.port(p.Port)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		port := &sp.Ports[pi]
		if port.Neighbour != nil {
			return nil, fmt.Errorf("%s: port %s of %s already has %s", where, p.Port, p.Switch, port.Neighbour.MAC)
		}
		mac, err := parseMAC(p.MAC)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		host := 100 + pi + 1
		var n Neighbour
		if sp.Style == StyleCisco {
			n = CiscoPhone(p.LegacyModel, mac.String(), fmt.Sprintf("10.41.%d.%d", 10+sp.demoNumber(), host))
			if (pi+1)%3 == 0 {
				n.ExtraMACs = []LearnedMAC{{MAC: demoMAC(0xf8bc12, sp.demoNumber(), pi+1)}} // PC behind the phone
			}
		} else {
			n = MitelPhone(p.LegacyModel, mac.String(), fmt.Sprintf("10.41.%d.%d", 10+sp.demoNumber(), host))
			if (pi+1)%4 == 0 {
				n.ExtraMACs = []LearnedMAC{{MAC: demoMAC(0xf8bc12, sp.demoNumber(), pi+1)}}
			}
		}
		port.Neighbour = &n
		port.OperUp = true
	}
	// A phone nobody listed: discovery reports it unexpected.
	if pi, err := sw3.port(demoUnexpectedPort); err == nil && sw3.Ports[pi].Neighbour == nil {
		n := CiscoPhone("Cisco IP Phone 7942", "00:1e:13:8c:91:01", "10.41.13.140")
		sw3.Ports[pi].Neighbour = &n
		sw3.Ports[pi].OperUp = true
	}
	out := []Spec{sw1, sw2, sw3}
	for i := range out {
		if err := out[i].Validate(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// demoDrift is how the demo station differs from its inventory on the day,
// as real sites do: a handset moved to another port by someone tidying
// desks, and one unplugged. A label mapped to "" is not plugged in.
var demoDrift = map[string]string{
	"PE-05": "Gi1/0/30",
	"HD-08": "",
}

// demoUnexpectedPort on kx-sw3 has a phone that is not in the inventory.
const demoUnexpectedPort = "Gi1/0/20"

// demoNumber is the switch number in kx-swN.
func (s *Spec) demoNumber() int {
	n, _ := strconv.Atoi(strings.TrimPrefix(s.SysName, "kx-sw"))
	return n
}

// demoMAC makes a deterministic MAC from an OUI, a switch number and a serial.
func demoMAC(oui uint32, sw, n int) string {
	return net.HardwareAddr{byte(oui >> 16), byte(oui >> 8), byte(oui), byte(0x40 + sw), byte(n >> 8), byte(n)}.String()
}

func demoCisco(name, baseMAC, mgmt string, num int) Spec {
	s := Spec{
		SysName: name,
		SysDescr: "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8, RELEASE SOFTWARE (fc1)\r\n" +
			"Technical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2023 by Cisco Systems, Inc.\r\n" +
			"Compiled Tue 28-Feb-23 07:11 by mcpre",
		SysObjectID: "1.3.6.1.4.1.9.1.1208",
		SysContact:  "KX site IT",
		SysLocation: "Kestrel Cross Police Station, comms room " + strconv.Itoa(num),
		Style:       StyleCisco,
		BaseMAC:     baseMAC,
		MgmtIP:      mgmt,
		UptimeTicks: 123456700 + uint32(num)*1111,
		LLDP:        true,
		VLANs:       []VLAN{{demoCiscoData, "KX-DATA"}, {demoCiscoVoice, "KX-VOICE"}, {demoMgmt, "MGMT"}},
	}
	for n := 1; n <= 48; n++ {
		p := PortSpec{
			IfIndex:    10100 + n,
			Name:       fmt.Sprintf("Gi1/0/%d", n),
			Descr:      fmt.Sprintf("GigabitEthernet1/0/%d", n),
			AccessVLAN: demoCiscoData,
			PoE:        &PoE{},
		}
		switch {
		case n <= 40:
			p.VoiceVLAN = demoCiscoVoice
			p.Alias = fmt.Sprintf("KX-%d-%02d desk", num, n)
			if n >= 30 && n <= 33 {
				// A PC straight into a voice-VLAN port: no phone.
				p.OperUp = true
				p.MACs = []LearnedMAC{{MAC: demoMAC(0x3c5282, num, 0x100+n)}}
			}
		case n < 48:
			p.Alias = "spare"
		default:
			p.Alias = "Uplink to kx-core"
			p.Trunk, p.OperUp, p.PoE = true, true, nil
			p.Neighbour = &Neighbour{
				Kind: KindCDPLLDP, MAC: demoMAC(0x00a3d1, num, 0xffff), IP: "10.41.0.1",
				Name: "kx-core.kx.police.example", Platform: "cisco WS-C3850-24XS",
				Descr:    "Cisco IOS Software [Everest], Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 16.6.4",
				Firmware: "Cisco IOS Software [Everest], Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 16.6.4",
				PortID:   fmt.Sprintf("TenGigabitEthernet1/1/%d", num), PortDesc: fmt.Sprintf("TenGigabitEthernet1/1/%d", num),
				CDPCaps: CDPRouter | CDPSwitch | CDPIGMP, LLDPCaps: LLDPBridge | LLDPRouter,
			}
			// MACs of the rest of the building learned on the uplink,
			// Cisco and Mitel phones among them: not local phones.
			for k := 1; k <= 60; k++ {
				p.MACs = append(p.MACs, LearnedMAC{MAC: demoMAC(0x001b21, num, k)})
			}
			for k := 1; k <= 12; k++ {
				p.MACs = append(p.MACs, LearnedMAC{MAC: demoMAC(0x001e13, num, 0x200+k), VLAN: demoCiscoVoice})
			}
		}
		s.Ports = append(s.Ports, p)
	}
	return s
}

func demoGeneric(name, baseMAC, mgmt string) Spec {
	s := Spec{
		SysName:     name,
		SysDescr:    "Generic L2 PoE+ access switch, 24x 1G + 2x SFP, software 4.2.1 (simulated)",
		SysObjectID: "1.3.6.1.4.1.8072.3.2.10",
		SysContact:  "KX site IT",
		SysLocation: "Kestrel Cross Police Station, comms room 2",
		Style:       StyleGeneric,
		BaseMAC:     baseMAC,
		MgmtIP:      mgmt,
		UptimeTicks: 98765400,
		VLANs:       []VLAN{{1, "DEFAULT_VLAN"}, {demoGenData, "KX-DATA2"}, {demoGenVoice, "KX-VOICE2"}, {demoMgmt, "MGMT"}},
	}
	for n := 1; n <= 26; n++ {
		p := PortSpec{
			// ifIndex differs from the bridge port (LLDP local port number).
			IfIndex:    1000 + n,
			BasePort:   n,
			Name:       strconv.Itoa(n),
			Descr:      "Port " + strconv.Itoa(n),
			AccessVLAN: demoGenData,
			VoiceVLAN:  demoGenVoice,
			PoE:        &PoE{},
		}
		if n == 26 {
			p.Descr, p.Alias = "Port 26 (SFP)", "Uplink to kx-core"
			p.Trunk, p.OperUp, p.PoE, p.VoiceVLAN, p.SpeedMbps = true, true, nil, 0, 10000
			p.Neighbour = &Neighbour{
				Kind: KindLLDP, MAC: demoMAC(0x00a3d1, 2, 0xffff), IP: "10.41.0.1",
				Name: "kx-core.kx.police.example", Descr: "Cisco IOS Software [Everest], Catalyst L3 Switch Software",
				PortID: "Te1/1/2", PortDesc: "TenGigabitEthernet1/1/2", LLDPCaps: LLDPBridge | LLDPRouter,
			}
			for k := 1; k <= 40; k++ {
				p.MACs = append(p.MACs, LearnedMAC{MAC: demoMAC(0x001b21, 2, k)})
			}
			for k := 1; k <= 10; k++ {
				p.MACs = append(p.MACs, LearnedMAC{MAC: demoMAC(0x08000f, 2, 0x200+k), VLAN: demoGenVoice})
			}
		}
		s.Ports = append(s.Ports, p)
	}
	return s
}

// ciscoPhoneInfo is firmware and power by model family (synthetic but typical values).
func ciscoPhoneInfo(model string) (fw string, class, mw int) {
	switch {
	case strings.Contains(model, "7911"):
		return "SCCP11.9-4-2SR3-1S", 1, 4000
	case strings.Contains(model, "7975"):
		return "SCCP75.9-4-2SR3-1S", 3, 12900
	case strings.Contains(model, "8831"):
		return "sip8831.10-3-1-16", 3, 11000
	case strings.Contains(model, "7942"):
		return "SCCP42.9-4-2SR3-1S", 2, 6300
	}
	return "SCCP41.9-4-2SR3-1S", 2, 6300
}

// CiscoPhone returns a Cisco desk phone speaking CDP and LLDP-MED: device
// ID SEP<MAC>, platform = model, CDP caps Host+Phone, LLDP bridge+telephone.
func CiscoPhone(model, mac, ip string) Neighbour {
	fw, class, mw := ciscoPhoneInfo(model)
	name := "SEP" + strings.ToUpper(strings.ReplaceAll(mac, ":", ""))
	return Neighbour{
		Kind: KindCDPLLDP, MAC: mac, IP: ip, Name: name, Platform: model,
		Descr: model + ", V3, " + fw, Firmware: fw, PortID: "Port 1", PortDesc: "SW PORT",
		CDPCaps: CDPHost | CDPPhone, LLDPCaps: LLDPBridge | LLDPTelephone,
		MEDClass: 3, VoicePolicy: true,
		PoE: &PoE{Class: class, MilliWatts: mw, Delivering: true},
	}
}

// MitelPhone returns a Mitel 68xx SIP phone on LLDP-MED (class 3, voice
// policy, no inventory table); it sends no LLDP system name.
func MitelPhone(model, mac, ip string) Neighbour {
	class, mw := 2, 5200
	switch {
	case strings.Contains(model, "6863"):
		class, mw = 1, 2900
	case strings.Contains(model, "6873"):
		class, mw = 3, 9500
	}
	return Neighbour{
		Kind: KindLLDPMED, MAC: mac, IP: ip, Descr: model + " SIP 6.3.0.1020",
		LLDPCaps: LLDPBridge | LLDPTelephone, MEDClass: 3, VoicePolicy: true,
		PoE: &PoE{Class: class, MilliWatts: mw, Delivering: true},
	}
}

// avayaOUILetters maps Avaya OUIs to the letter of the AVohhhhhh host name.
var avayaOUILetters = map[string]string{"00:04:0d": "A", "00:1b:4f": "B", "00:09:6e": "E", "00:60:1d": "L", "00:07:3b": "T"}

// AvayaPhone returns an Avaya J100-series phone (model "J179", "J189",
// "J139"; an "Avaya " prefix is dropped) on LLDP-MED with its inventory
// table: host name AVohhhhhh, manufacturer "Avaya", serial, model, hardware,
// firmware and software revisions, telephone capability and PoE. Its LLDP
// chassis ID is its MAC until IP is set. The MAC is used as given.
func AvayaPhone(model, serial, mac string) Neighbour {
	model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(model), "Avaya "))
	m := strings.ToLower(mac)
	letter := "X"
	if len(m) >= 8 {
		if l, ok := avayaOUILetters[m[:8]]; ok {
			letter = l
		}
	}
	tail := strings.ToUpper(strings.ReplaceAll(m, ":", ""))
	if len(tail) >= 6 {
		tail = tail[len(tail)-6:]
	}
	class, mw := 1, 2900
	switch model {
	case "J189":
		class, mw = 2, 3800
	case "J139":
		class, mw = 1, 2100
	}
	const fw = "4.1.3.0.7"
	return Neighbour{
		Kind: KindLLDPMED, MAC: m, Name: "AV" + letter + tail,
		Descr:    "Avaya " + model + " IP Phone, Firmware " + fw,
		Firmware: fw, Software: model + "-IPT-SIP-R4_1_3_0_7", Hardware: model + "D02A",
		Serial: serial, Model: model, Manufacturer: "Avaya",
		LLDPCaps: LLDPBridge | LLDPTelephone, MEDClass: 3, VoicePolicy: true, Inventory: true,
		PoE: &PoE{Class: class, MilliWatts: mw, Delivering: true},
	}
}

// DemoSwaps are the swaps shown in the "after swap" fixture: port, model,
// serial and MAC of the Avaya phone that replaces the legacy handset on kx-sw1.
var DemoSwaps = []struct{ Port, Model, Serial, MAC, IP string }{
	{"Gi1/0/1", "J179", "22WZ51000101", "00:1b:4f:41:01:01", "10.41.11.101"},
	{"Gi1/0/11", "J189", "22WZ51000111", "00:1b:4f:41:01:0b", "10.41.11.111"},
}

// DemoAfterSwap returns kx-sw1 with the DemoSwaps applied.
func DemoAfterSwap(sw1 Spec) (Spec, error) {
	s := sw1.Clone()
	for _, d := range DemoSwaps {
		n := AvayaPhone(d.Model, d.Serial, d.MAC)
		n.IP = d.IP
		if err := s.SetNeighbour(d.Port, &n); err != nil {
			return Spec{}, err
		}
	}
	return s, nil
}
