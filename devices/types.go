package devices

import (
	"time"
)

// Target is one switch to read.
type Target struct {
	Address string      // HOST or HOST:PORT (UDP, default port 161)
	Creds   Credentials // never printed: see Credentials.String
}

// Options tune a discovery. Zero values get the defaults noted.
type Options struct {
	Timeout       time.Duration // per request; default 2s
	Retries       int           // per request after the first try; default 0 if negative
	SwitchTimeout time.Duration // hard cap per switch; default 2m
	Concurrency   int           // switches read at once; default 8
	// Progress, if set, is called when a switch starts and when it ends.
	// Calls are serialised.
	Progress func(Progress)
}

// DefaultOptions returns the options the command line starts from.
func DefaultOptions() Options {
	return Options{Timeout: 2 * time.Second, Retries: 2, SwitchTimeout: 2 * time.Minute, Concurrency: 8}
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Second
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.SwitchTimeout <= 0 {
		o.SwitchTimeout = 2 * time.Minute
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	return o
}

// Progress reports one switch starting (Done false) or finishing.
type Progress struct {
	Switch string
	// Fraction is how far the read of the switch has got, 0 to 1, while
	// it runs (the share of the tables' columns read to their end).
	Fraction float64
	Done     bool
	Phones   int
	Err      string
	Elapsed  time.Duration
	Requests int
}

// SwitchResult is what one switch gave. Error is "" when the switch
// answered; a switch that fails keeps whatever was read before the failure.
type SwitchResult struct {
	Switch      string   `json:"switch"`
	SysName     string   `json:"sys_name"`
	SysDescr    string   `json:"sys_descr"`
	Error       string   `json:"error"`
	Phones      []Phone  `json:"phones"`
	SysObjectID string   `json:"sys_object_id,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
	Requests    int      `json:"snmp_requests"`
	// LLDPChassisID is the switch's own LLDP chassis ID (lldpLocChassisId)
	// in display form (a MAC as aa:bb:cc:dd:ee:ff, else the text sent), and
	// LLDPChassisIDSubtype its lldpLocChassisIdSubtype (4 macAddress, 5
	// networkAddress, 7 local…); "" and 0 when the switch does not give it.
	LLDPChassisID        string `json:"lldp_chassis_id,omitempty"`
	LLDPChassisIDSubtype int    `json:"lldp_chassis_id_subtype,omitempty"`
	ElapsedMS            int64  `json:"elapsed_ms"`
	// Ports holds per-port facts (link, VLANs, PoE, learned MACs) for
	// runbook checks; not part of the JSON document.
	Ports []PortFacts `json:"-"`
}

// Phone is one phone found on a switch. Port is the ifName ("" when the
// agent gives no local port); MAC is lower-case colon form or "".
type Phone struct {
	Port       string `json:"port"`
	IfIndex    int    `json:"if_index"`
	MAC        string `json:"mac"`
	IP         string `json:"ip"`
	Name       string `json:"name"`
	Vendor     string `json:"vendor"` // cisco, mitel, avaya or other
	Model      string `json:"model"`
	Serial     string `json:"serial"`
	Firmware   string `json:"firmware"`
	VoiceVLAN  int    `json:"voice_vlan"`  // 0 when unknown
	AccessVLAN int    `json:"access_vlan"` // 0 when unknown
	PoEClass   *int   `json:"poe_class"`
	PoEMW      *int   `json:"poe_mw"`
	// MEDVoiceVLAN and MEDPowerMW are what the phone itself says in
	// LLDP-MED (its voice network policy's VLAN, the power it asks for
	// as a PD), as the switch relays them; 0 when it does not say.
	MEDVoiceVLAN int      `json:"med_voice_vlan,omitempty"`
	MEDPowerMW   int      `json:"med_power_mw,omitempty"`
	Sources      []string `json:"sources"`  // cdp, lldp, fdb
	Evidence     []string `json:"evidence"` // why it is a phone
}

// Vendor families.
const (
	VendorCisco = "cisco"
	VendorMitel = "mitel"
	VendorAvaya = "avaya"
	VendorOther = "other"
)

// Evidence strings, in the order they are listed on a phone.
const (
	EvCDPPhone      = "cdp-phone-capability"
	EvLLDPTelephone = "lldp-telephone-capability"
	EvLLDPTelSupp   = "lldp-telephone-supported"
	EvMEDClass3     = "lldp-med-class3"
	EvMEDVoice      = "lldp-med-voice-policy"
	EvPlatform      = "platform-pattern"
	EvName          = "name-pattern"
	EvOUI           = "phone-oui"
	EvVoiceVLAN     = "voice-vlan"
)

var evidenceOrder = []string{EvCDPPhone, EvLLDPTelephone, EvLLDPTelSupp, EvMEDClass3, EvMEDVoice, EvPlatform, EvName, EvOUI, EvVoiceVLAN}

var sourceOrder = []string{"cdp", "lldp", "fdb"}

// PoEFacts is the PSE state of one port.
type PoEFacts struct {
	Group, Port int    // pethPsePortIndex
	Detection   string // deliveringPower, searching, disabled, fault, test, otherFault
	Class       *int   // 0..4, set only while delivering power
	PowerMW     *int   // Cisco measured consumption, when known
	// BudgetW and UsedW are the port's PSE group's power and what it
	// delivers now (pethMainPseTable), in watts; nil when the switch does
	// not say.
	BudgetW, UsedW *int
}

// Delivering reports whether the port powers a device.
func (p *PoEFacts) Delivering() bool { return p != nil && p.Detection == "deliveringPower" }

// LearnedMAC is one FDB entry on a port.
type LearnedMAC struct {
	MAC  string
	VLAN int // 0 when unknown
}

// PortFacts are the facts about one switch port a runbook checks.
type PortFacts struct {
	IfIndex    int
	Name       string // ifName, else ifDescr
	Descr      string
	Alias      string
	OperUp     bool
	OperStatus int // IF-MIB ifOperStatus, 0 when unread
	AccessVLAN int
	VoiceVLAN  int
	PoE        *PoEFacts
	MACs       []LearnedMAC
	// Uplink is set for trunks and ports facing switches, routers or APs,
	// or with many learned MACs; FDB entries on them are never phones.
	Uplink       bool
	UplinkReason string
	Neighbours   []string // short descriptions of CDP/LLDP neighbours
	// LLDPPortID is the port's ID as the switch advertises it in LLDP
	// (lldpLocPortId, display form as for the chassis ID), and
	// LLDPPortIDSubtype its lldpLocPortIdSubtype (5 interfaceName, 7
	// local, 3 macAddress…); "" and 0 when not read.
	LLDPPortID        string
	LLDPPortIDSubtype int
	// PoEKnown and VoiceVLANKnown say whether the switch implements a
	// table these facts come from: POWER-ETHERNET-MIB for PoE; a voice
	// VLAN MIB (CISCO-VLAN-MEMBERSHIP-MIB's vmVoiceVlanId, or the
	// switch's own LLDP-MED network policy) for the voice VLAN. false
	// means "not reported by this switch", never "none".
	PoEKnown, VoiceVLANKnown bool
}
