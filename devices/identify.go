package devices

import (
	"fmt"
	"regexp"
	"strings"

	"cutover/devices/oui"
)

// cand is one neighbour row (CDP or LLDP) or FDB-only MAC, on its way to
// becoming a Phone.
type cand struct {
	ifIndex  int // 0 when the local port is unknown
	sources  map[string]bool
	evidence map[string]bool
	network  bool // switch, router, AP: never a phone; marks an uplink
	mac, ip  string
	name     string
	vendor   string // from text; "" when no text names one
	model    string
	serial   string
	firmware string
	medVLAN  int
	pdMW     int
	// freshness, for picking between stale duplicates
	timeMark, remIndex uint32
	fdbHere            bool
	desc               string
}

func newCand(ifIndex int, src string) *cand {
	return &cand{ifIndex: ifIndex, sources: map[string]bool{src: true}, evidence: map[string]bool{}}
}

func (c *cand) isPhone() bool {
	if c.network {
		return false
	}
	for _, e := range []string{EvCDPPhone, EvLLDPTelephone, EvLLDPTelSupp, EvMEDClass3, EvMEDVoice, EvPlatform, EvName, EvOUI} {
		if c.evidence[e] {
			return true
		}
	}
	return false
}

var (
	// phonePattern matches platforms, descriptions and model names of desk
	// phones (domain.md §1.5, extended for the vendors in the OUI table).
	phonePattern = regexp.MustCompile(`(?i)\bip ?phone\b|ip deskphone|soundpoint|\bvvx ?\d|polycom|yealink|\bsip-t\d|grandstream|\bgxp\d|\bsnom\b|shoretel|mitel.?(5\d{3}|6[89]\d{2})|\bmivoice\b|aastra|\bavaya\b|openstage|\bunify\b|^j1[0-9]{2}\b|^cp-\d{4}`)
	// netPattern matches platforms and descriptions of switches, routers
	// and access points.
	netPattern = regexp.MustCompile(`(?i)^cisco (air-|ws-c|c9\d{3}|\d{4}\b)|routeros|routing switch|ethernet routing|procurve|\baruba\b|junos|extremexos|cisco ios|nx-os|\bfortiswitch`)
	// phoneName matches names phones give themselves: Cisco SEP/SIP<MAC>,
	// Avaya AVohhhhhh (domain.md §1.5), Grandstream <model>_<mac>.
	phoneName   = regexp.MustCompile(`(?i)^(sep|sip)[0-9a-f]{12}(\.|$)|^av[abeltx][0-9a-f]{6}(\.|$)|^gxp\d+_[0-9a-f]{12}$`)
	vendorTexts = []struct {
		re     *regexp.Regexp
		family string
	}{
		{regexp.MustCompile(`(?i)polycom|soundpoint|yealink|grandstream|\bsnom\b|openstage|\bunify\b|fanvil|\bgxp\d`), VendorOther},
		{regexp.MustCompile(`(?i)mitel|shoretel|aastra`), VendorMitel},
		{regexp.MustCompile(`(?i)avaya|nortel|ip deskphone|^j1[0-9]{2}\b|^av[abeltx][0-9a-f]{6}\b`), VendorAvaya},
		{regexp.MustCompile(`(?i)^cisco|cisco systems|^cp-\d{4}|^(sep|sip)[0-9a-f]{12}\b`), VendorCisco},
	}
)

// vendorFromText returns the family named by the first text that names one.
func vendorFromText(texts ...string) string {
	for _, t := range texts {
		if t == "" {
			continue
		}
		for _, v := range vendorTexts {
			if v.re.MatchString(t) {
				return v.family
			}
		}
	}
	return ""
}

// fromCDP builds a candidate from a cdpCacheTable row.
func fromCDP(r *raw, row *cdpRow, warn func(string, ...any)) *cand {
	c := newCand(row.ifIndex, "cdp")
	idx := fmt.Sprintf("%d.%d", row.ifIndex, row.devIndex)
	if len(row.deviceID) == 6 && !isPrintable(row.deviceID) {
		c.mac, _ = MACFromBytes(row.deviceID)
	} else {
		c.name = Text(row.deviceID)
		c.mac, _ = MACFromName(c.name)
	}
	ip, err := CDPAddress(row.addrType, row.addr)
	if err != nil {
		warn("cdpCacheAddress.%s: %v", idx, err)
	}
	c.ip = ip
	c.model = Text(row.platform)
	c.firmware = Text(row.version)
	caps, err := CDPCaps(row.caps)
	if err != nil {
		warn("cdpCacheCapabilities.%s: %v", idx, err)
	}
	if caps&CDPPhone != 0 {
		c.evidence[EvCDPPhone] = true
	}
	if phonePattern.MatchString(c.model) {
		c.evidence[EvPlatform] = true
	}
	if phoneName.MatchString(c.name) {
		c.evidence[EvName] = true
	}
	if caps&CDPPhone == 0 && caps&(CDPRouter|CDPSwitch|CDPTransBridge|CDPSRBridge|CDPRepeater) != 0 {
		c.network = true
	}
	if caps&CDPPhone == 0 && netPattern.MatchString(c.model) {
		c.network = true
	}
	c.vendor = vendorFromText(c.model, c.name)
	c.desc = fmt.Sprintf("CDP %s (%s)", c.name, c.model)
	return c
}

// fromLLDP builds a candidate from an LLDP remote row with its LLDP-MED rows.
func fromLLDP(row *lldpRow, ifIndex int) *cand {
	c := newCand(ifIndex, "lldp")
	c.timeMark, c.remIndex = row.key.TimeMark, row.key.RemIndex
	ch := DecodeLLDPID(row.chSub, row.ch, true)
	pt := DecodeLLDPID(row.ptSub, row.pt, false)
	c.mac = pt.MAC
	if c.mac == "" {
		c.mac = ch.MAC
	}
	c.ip = ch.IP
	if c.ip == "" && len(row.manAddrs) > 0 {
		c.ip = row.manAddrs[0]
	}
	caps, capsKnown := row.capsEn, row.hasCapsEn
	if !capsKnown {
		caps, capsKnown = row.capsSup, row.hasCapsSup
	}
	switch {
	case row.hasCapsEn && row.capsEn&LLDPTelephone != 0:
		c.evidence[EvLLDPTelephone] = true
	case row.hasCapsSup && row.capsSup&LLDPTelephone != 0:
		c.evidence[EvLLDPTelSupp] = true
	}
	if row.medClass == 3 {
		c.evidence[EvMEDClass3] = true
	}
	for _, p := range row.policies {
		if p.app == AppVoice {
			c.evidence[EvMEDVoice] = true
			if p.vlan > 0 && p.vlan < 4095 {
				c.medVLAN = p.vlan
			}
		}
	}
	hw, fw, sw, serial, mfg, model := row.inv[0], row.inv[1], row.inv[2], row.inv[3], row.inv[4], row.inv[5]
	dModel, dFirmware := parseSysDesc(row.sysDesc)
	name := row.sysName
	if s, ok := strings.CutPrefix(name, "Serial Number:"); ok {
		// ShoreTel puts its serial number where the name should be.
		serial = firstNonEmpty(serial, strings.TrimSpace(s))
		name = ""
	}
	if strings.ContainsAny(name, " \t") {
		// Yealink and Polycom put the model in sysName: not a host name.
		if phonePattern.MatchString(name) {
			dModel = name
		}
		name = ""
	}
	if name == "" && c.mac == "" {
		c.mac, _ = MACFromName(row.sysName)
	}
	if name != "" {
		if m, ok := MACFromName(name); ok && c.mac == "" {
			c.mac = m
		}
	}
	c.name = name
	c.model = firstNonEmpty(model, dModel, hw)
	c.firmware = firstNonEmpty(sw, fw, dFirmware)
	c.serial = serial
	if row.pdPowerDeciW > 0 {
		c.pdMW = row.pdPowerDeciW * 100
	}
	for _, t := range []string{row.sysDesc, row.sysName, model, mfg} {
		if t != "" && phonePattern.MatchString(t) {
			c.evidence[EvPlatform] = true
		}
	}
	if phoneName.MatchString(row.sysName) {
		c.evidence[EvName] = true
	}
	tel := caps&LLDPTelephone != 0 || row.medClass == 3
	if capsKnown && !tel && caps&(LLDPRouter|LLDPBridge|LLDPWLANAP|LLDPRepeater|LLDPDocsis) != 0 {
		c.network = true
	}
	if !tel && netPattern.MatchString(row.sysDesc) {
		c.network = true
	}
	c.vendor = vendorFromText(mfg, model, row.sysDesc, row.sysName)
	c.desc = fmt.Sprintf("LLDP %s (%s)", firstNonEmpty(row.sysName, ch.Text), firstNonEmpty(row.sysDesc, pt.Text))
	return c
}

// parseSysDesc pulls model and firmware out of the sysDesc formats seen on
// phones:
//
//	Cisco IP Phone 7941G,V1, SCCP41.9-2-1S
//	Shoretel 230g Boot Version: SEVG.3.9.5 on … App Version: SEVG.3.9.6 on …
//	Polycom;SoundPointIP
func parseSysDesc(d string) (model, firmware string) {
	if d == "" {
		return "", ""
	}
	if i := strings.Index(d, " Boot Version"); i > 0 {
		model = d[:i]
		if j := strings.Index(d, "App Version: "); j >= 0 {
			fw := d[j+len("App Version: "):]
			if k := strings.Index(fw, " on "); k >= 0 {
				fw = fw[:k]
			}
			firmware = strings.TrimSpace(fw)
		}
		return model, firmware
	}
	if strings.Contains(d, ",") {
		parts := strings.Split(d, ",")
		model = strings.TrimSpace(parts[0])
		if len(parts) > 1 {
			firmware = strings.TrimSpace(parts[len(parts)-1])
		}
		return model, firmware
	}
	// "Mitel 6867i SIP 6.3.0.1020": the firmware starts at the first
	// version-like word, or at the signalling protocol just before it.
	if words := strings.Fields(d); len(words) > 2 {
		for i := 2; i < len(words); i++ {
			if !looksLikeVersion(words[i]) {
				continue
			}
			start := i
			switch strings.ToUpper(words[i-1]) {
			case "SIP", "SCCP", "H.323", "H323", "UNISTIM", "MINET", "FIRMWARE", "VERSION":
				if i-1 >= 2 {
					start = i - 1
				}
			}
			return strings.Join(words[:start], " "), strings.Join(words[start:], " ")
		}
	}
	model = strings.TrimSpace(strings.ReplaceAll(d, ";", " "))
	if len(model) > 64 {
		model = model[:64]
	}
	return model, ""
}

// looksLikeVersion is true for words such as 6.3.0.1020 or v4.1: digits
// with at least one dot.
func looksLikeVersion(w string) bool {
	w = strings.TrimPrefix(strings.TrimPrefix(w, "v"), "V")
	dots, digits := 0, 0
	for _, r := range w {
		switch {
		case r == '.':
			dots++
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
		default:
			return false
		}
	}
	return dots > 0 && digits >= 2 && w[0] >= '0' && w[0] <= '9'
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// vendorOf settles the family: text first (a Polycom with a SEP name is a
// Polycom), then the OUI, then Cisco's SEP name.
func (c *cand) vendorOf() string {
	if c.vendor != "" {
		return c.vendor
	}
	if e, ok := oui.Lookup(c.mac); ok {
		return e.Family
	}
	if v := vendorFromText(c.name); v != "" {
		return v
	}
	return VendorOther
}
