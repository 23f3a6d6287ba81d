package runbook

import (
	"context"
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/internal/phonemodel"
	"cutover/site"
)

// SeenPhone is a phone the switch shows on a port.
type SeenPhone struct {
	Vendor    string   `json:"vendor"` // cisco, mitel, avaya or other
	Model     string   `json:"model,omitempty"`
	Serial    string   `json:"serial,omitempty"`
	MAC       string   `json:"mac,omitempty"`
	Name      string   `json:"name,omitempty"`
	Telephone bool     `json:"telephone"` // LLDP telephone capability enabled, or CDP phone
	Sources   []string `json:"sources,omitempty"`
}

// PortReading is what an SNMP read of one port gave, in plain terms; the
// devices adapter fills it and Evaluate judges it.
type PortReading struct {
	Switch       string      `json:"switch"`
	Addr         string      `json:"addr"`
	Port         string      `json:"port"`
	LinkUp       bool        `json:"link_up"`
	VoiceVLAN    int         `json:"voice_vlan"`
	PoE          bool        `json:"poe"`           // the port has PoE
	PoEDetection string      `json:"poe_detection"` // deliveringPower, searching, disabled, fault…
	PoEClass     *int        `json:"poe_class,omitempty"`
	PoEMW        *int        `json:"poe_mw,omitempty"`       // what the port delivers now
	PoEBudgetW   *int        `json:"poe_budget_w,omitempty"` // the switch's PSE power
	PoEUsedW     *int        `json:"poe_used_w,omitempty"`   // what the PSE delivers now
	Phones       []SeenPhone `json:"phones"`
	Warnings     []string    `json:"warnings,omitempty"`
	// NotReported lists the facts (FactLink, FactPoE, FactVoiceVLAN) the
	// switch does not report at all: their values above mean nothing, and
	// no check fails on them. Readings stored before it existed have none.
	NotReported []string `json:"not_reported,omitempty"`
	// PoEFrom and VoiceVLANFrom say where PoE and the voice VLAN were read
	// when not from the switch's own MIB (FromLLDPMED, FromMACTable).
	PoEFrom       string `json:"poe_from,omitempty"`
	VoiceVLANFrom string `json:"voice_vlan_from,omitempty"`
}

// Observation is the result of an automatic check: whether it passed and
// what it saw. It is kept as the step's evidence.
type Observation struct {
	Check    Check        `json:"check"`
	OK       bool         `json:"ok"`
	Summary  string       `json:"summary"`
	Problems []string     `json:"problems,omitempty"`
	Reading  *PortReading `json:"reading,omitempty"`
	Phone    *SeenPhone   `json:"phone,omitempty"` // the phone that made the check pass
	Error    string       `json:"error,omitempty"` // the switch could not be read
	// Unreported lists the facts the check needed that the switch does not
	// report: they pass only once the engineer confirms them by eye (ByEye).
	Unreported []string `json:"unreported,omitempty"`
	ByEye      *ByEye   `json:"by_eye,omitempty"`
	seen       string   // the summary of what was read, before any by-eye words
}

// Checker runs an automatic step's SNMP check for a position. Package swap
// holds the implementation over devices; tests may use a real simulated
// switch through it.
type Checker interface {
	Read(ctx context.Context, p site.Position) (PortReading, error)
}

// classMaxMW is the most a powered device of each PoE class may draw at
// the switch (IEEE 802.3af/at), in milliwatts.
var classMaxMW = [5]int{15400, 4000, 7000, 15400, 30000}

// poeSpareMW is the power the switch's PSE could still give this port once
// the legacy handset on it is unplugged; ok is false when the switch does
// not give its budget.
func poeSpareMW(r PortReading) (int, bool) {
	if r.PoEBudgetW == nil || r.PoEUsedW == nil || *r.PoEBudgetW <= 0 {
		return 0, false
	}
	freed := 0
	switch {
	case r.PoEMW != nil:
		freed = *r.PoEMW
	case r.PoEClass != nil && *r.PoEClass >= 0 && *r.PoEClass < len(classMaxMW):
		freed = classMaxMW[*r.PoEClass]
	}
	return (*r.PoEBudgetW-*r.PoEUsedW)*1000 + freed, true
}

// ModelClass is the PoE class an Avaya model needs at most (J100 power
// specification: J139 class 1; J179 class 2 with an expansion or Wi-Fi
// module; J189 class 3 with a JEM24; 96xx: 9608/9611G class 1, 9621G/9641G
// class 2). 0 when unknown.
func ModelClass(model string) int {
	m, err := assets.NormaliseModel(model)
	if err != nil {
		return 0
	}
	switch m {
	case "J129", "J139", "9608", "9608G", "9611G":
		return 1
	case "J159", "J169", "J179", "9621G", "9641G", "9641GS":
		return 2
	case "J189":
		return 3
	}
	return 0
}

// Evaluate judges a port reading for a check on a position. err is the
// read's failure, if any: an unreadable switch fails the check with the
// reason kept.
func Evaluate(c Check, p site.Position, r PortReading, err error) Observation {
	o := Observation{Check: c, Reading: &r}
	if err != nil {
		o.Error = err.Error()
		at := ""
		if r.Addr != "" {
			at = " at " + r.Addr
		}
		o.Problems = append(o.Problems, "could not read "+orDash(p.Switch)+at+" port "+orDash(p.Port)+": "+err.Error())
		o.Summary = o.Problems[0]
		return o
	}
	legacyMAC := p.MAC
	switch c {
	case CheckPortReady:
		linkWord := r.Port + " up"
		switch {
		case !r.Reported(FactLink):
			o.Unreported = append(o.Unreported, FactLink)
			linkWord = r.Port + " link " + unreported("")[1:]
		case !r.LinkUp:
			o.Problems = append(o.Problems, "link is down")
		}
		need := ModelClass(p.TargetModel)
		switch {
		case !r.Reported(FactPoE):
			o.Unreported = append(o.Unreported, FactPoE)
		case !r.PoE:
			o.Problems = append(o.Problems, "the port has no PoE")
		case r.PoEDetection == "disabled" || r.PoEDetection == "fault" || r.PoEDetection == "otherFault":
			o.Problems = append(o.Problems, "PoE is "+PoEStateWords(r.PoEDetection)+" on the port")
		}
		// Any 802.3af/at port powers class 0-3, and no Avaya desk phone
		// needs more than class 3, so the port itself is enough; what can
		// run short is the switch's PoE budget, when it says what it is.
		if spare, ok := poeSpareMW(r); ok && need > 0 && spare < classMaxMW[need] {
			o.Problems = append(o.Problems, fmt.Sprintf("the switch's PoE budget has %.1f W spare once the legacy handset is unplugged (%d W, %d W in use); a %s needs up to %.1f W",
				float64(spare)/1000, *r.PoEBudgetW, *r.PoEUsedW, shortModel(p), float64(classMaxMW[need])/1000))
		}
		switch {
		case !r.Reported(FactVoiceVLAN):
			o.Unreported = append(o.Unreported, FactVoiceVLAN)
		case r.VoiceVLAN <= 0:
			o.Problems = append(o.Problems, "no voice VLAN on the port")
		}
		ph, problem, eye := legacyOnPort(p, r.Phones)
		if problem != "" {
			o.Problems = append(o.Problems, problem)
		}
		if eye != "" {
			o.Unreported = append(o.Unreported, eye)
		}
		o.Phone = ph
		if len(o.Problems) == 0 {
			o.seen = linkWord + ", " + poeWords(r, p, need) + ", " + vlanWords(r) + ", " + matchWords(p, *ph, eye != "")
			o.Summary = o.seen
			if len(o.Unreported) == 0 {
				o.OK = true
			} else {
				o.Summary += "; confirm by eye what the switch does not report: " + strings.Join(o.Unreported, ", ")
			}
		}
	case CheckNewPhone, CheckStaged:
		if old := findPhone(r.Phones, legacyMAC); old != nil && legacyMAC != "" && c == CheckNewPhone {
			o.Problems = append(o.Problems, "the legacy handset "+legacyMAC+" is still on the port")
		}
		var av *SeenPhone
		for i := range r.Phones {
			if r.Phones[i].Vendor == "avaya" {
				av = &r.Phones[i]
				break
			}
		}
		switch {
		case av == nil && len(r.Phones) == 0:
			o.Problems = append(o.Problems, "no phone seen on the port yet (is it powered and has LLDP run? wait 30 seconds and retry)")
		case av == nil:
			o.Problems = append(o.Problems, "no Avaya phone on the port; seen: "+describeSeen(r.Phones[0]))
		case !av.Telephone:
			o.Problems = append(o.Problems, "the Avaya phone "+describeSeen(*av)+" does not show telephone capability enabled (not registered yet?)")
		}
		if av != nil {
			o.Phone = av
			if want, err := assets.NormaliseModel(p.TargetModel); err == nil && av.Model != "" {
				if same, ok := phonemodel.Same(want, av.Model); ok && !same {
					o.Problems = append(o.Problems, fmt.Sprintf("the phone is a %s but the plan says %s", phonemodel.Name(av.Model), want))
				}
			}
		}
		if len(o.Problems) == 0 {
			o.OK = true
			o.Summary = "Avaya phone on " + r.Port + ": " + describeSeen(*av)
			if c == CheckStaged {
				o.Summary = "the new phone is staged on " + r.Port + ": " + describeSeen(*av)
			}
			var missing []string
			if av.Model == "" {
				missing = append(missing, "model")
			}
			if av.Serial == "" {
				missing = append(missing, "serial")
			}
			if len(missing) > 0 {
				o.Summary += "; the switch does not show its " + strings.Join(missing, " or ") + " (type them from the label)"
			}
		}
	case CheckLegacyBack:
		if ph := findPhone(r.Phones, legacyMAC); ph != nil {
			o.OK, o.Phone = true, ph
			o.Summary = "legacy handset back on " + r.Port + ": " + describeSeen(*ph)
		} else if len(r.Phones) == 0 {
			o.Problems = append(o.Problems, "no handset on the port yet (wait for it to boot and retry)")
		} else {
			o.Problems = append(o.Problems, "the port shows "+describeSeen(r.Phones[0])+", not the legacy handset "+orDash(legacyMAC))
		}
	case CheckLegacyGone:
		if len(r.Phones) == 0 {
			o.OK = true
			o.Summary = "no phone on " + r.Port
		} else {
			o.Problems = append(o.Problems, "still a phone on the port: "+describeSeen(r.Phones[0])+lingerHint(r.Phones[0]))
		}
	default:
		o.Problems = append(o.Problems, "unknown check "+string(c))
	}
	if !o.OK && o.Summary == "" {
		o.Summary = strings.Join(o.Problems, "; ")
	}
	return o
}

func findPhone(ps []SeenPhone, mac string) *SeenPhone {
	if mac == "" {
		return nil
	}
	for i := range ps {
		if strings.EqualFold(ps[i].MAC, mac) {
			return &ps[i]
		}
	}
	return nil
}

func describeSeen(p SeenPhone) string {
	var parts []string
	for _, s := range []string{p.Vendor, phonemodel.Name(p.Model)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if p.Serial != "" {
		parts = append(parts, "serial "+p.Serial)
	}
	if p.MAC != "" {
		parts = append(parts, p.MAC)
	}
	if len(parts) == 0 {
		return "an unknown device"
	}
	return strings.Join(parts, " ")
}

// PoEStateWords says a port's PoE detection state (POWER-ETHERNET-MIB's
// pethPsePortDetectionStatus: deliveringPower, otherFault…) in words:
// "delivering power", "other fault". Anything else is shown as it came.
func PoEStateWords(d string) string {
	switch d {
	case "deliveringPower":
		return "delivering power"
	case "otherFault":
		return "other fault"
	}
	return d
}
