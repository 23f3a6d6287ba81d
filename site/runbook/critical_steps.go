package runbook

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"cutover/devices"
	"cutover/internal/safetext"
	"cutover/site"
)

// CheckStaged: the new phone, plugged into a spare port before the legacy
// handset is touched, is seen there (an Avaya phone of the planned model,
// its serial over LLDP-MED), so that the swap itself is a cable move.
const CheckStaged Check = "staged"

// criticalWho is who at the station must know that a critical position is
// about to go without a phone, and when it is back.
func criticalWho(r site.Role) string {
	switch r {
	case site.RoleCustodySuite:
		return "the custody sergeant"
	case site.RoleFrontCounter:
		return "the front-counter supervisor"
	case site.RoleReception:
		return "the reception supervisor"
	case site.RoleDoorAccess:
		return "the duty officer for the door"
	case site.RoleCTOpsPTT:
		return "the CT ops duty officer"
	}
	return "the site contact"
}

// withContinuity adds a critical position's continuity steps to its swap
// runbook: telling who must know before the swap (with the longest it may
// take), staging the new phone on a spare port so that the swap is a cable
// move (skippable, saying why, when no port is free), and telling them again
// once the new phone is proven by the inbound call (or by verify, where
// there is none). Other positions' runbooks are returned as they are.
func withContinuity(p site.Position, steps []Step) []Step {
	crit, target := CriticalFor(p)
	if !crit {
		return steps
	}
	who := criticalWho(p.Role)
	mins := int(target / time.Minute)
	touched := "the legacy handset"
	told := fmt.Sprintf("%s is critical: tell %s that it will be without a phone from the swap until the new one is proven, %d minutes at most, and type their name.",
		p.Label, who, mins)
	if _, replacing := (Runbook{Steps: steps}).Step(StepReplace); replacing { // a reopened position's replacement
		touched = "the phone on the jack"
		told = fmt.Sprintf("%s is critical and its phone is being replaced: tell %s, who may already be without it, that the replacement will be proven %d minutes at most after the phone on the jack is unplugged, and type their name.",
			p.Label, who, mins)
	}
	before := []Step{
		{Key: "told_before", Title: "Tell " + who, Kind: StepInput, Field: FieldTold, Hint: "their name",
			Instructions: told},
		{Key: "stage", Title: "Stage the new phone on a spare port", Kind: StepAuto, Check: CheckStaged, Skippable: true,
			Instructions: fmt.Sprintf("Before touching %s, plug the new %s into a spare port of %s near the position and give that port: the switch must see it there (model and serial over LLDP-MED). The swap is then only a cable move. Skip, saying why, when no port is free.",
				touched, shortModel(p), orDash(p.Switch))},
	}
	after := Step{Key: "told_after", Title: "Tell " + who + " it works again", Kind: StepInput, Field: FieldTold, Hint: "their name",
		Instructions: fmt.Sprintf("Tell %s that %s has a working phone again (the inbound call passed) and type their name.", who, p.Label)}
	var out []Step
	proof := "call_in"
	if _, ok := (Runbook{Steps: steps}).Step("call_in"); !ok {
		proof = "verify"
	}
	for _, s := range steps {
		if s.Physical { // the swap, or the replacement of a reopened position's phone
			out = append(out, before...)
		}
		out = append(out, s)
		if s.Key == proof {
			out = append(out, after)
		}
	}
	return out
}

// SameAsStaged fails a verify that finds on the position's port another
// phone than the one staged on the spare port (both serials known).
func SameAsStaged(o *Observation, staged StepState) {
	if o == nil || o.Check != CheckNewPhone || o.Phone == nil || staged.Outcome != OutcomePass || staged.Evidence == nil || staged.Evidence.Phone == nil {
		return
	}
	was, now := staged.Evidence.Phone.Serial, o.Phone.Serial
	if was == "" || now == "" || was == now {
		return
	}
	port := ""
	if staged.Evidence.Reading != nil {
		port = " on " + staged.Evidence.Reading.Port
	}
	o.OK = false
	o.Problems = append(o.Problems, fmt.Sprintf("the phone on the port (serial %s) is not the one staged%s (serial %s)", now, port, was))
	o.Summary = o.Problems[len(o.Problems)-1]
}

// ErrNoSparePort is wrapped when the staging check is run without a
// usable spare port.
var ErrNoSparePort = errors.New("name the spare port the new phone is plugged into")

// SparePort checks the port given for staging: named, short, plain, and
// not the position's own port.
func SparePort(p site.Position, port string) error {
	switch {
	case port == "":
		return ErrNoSparePort
	case len(port) > 64:
		return fmt.Errorf("%w: %q is not a port name", ErrNoSparePort, port[:64])
	case safetext.Check(port, false) != nil || strings.ContainsAny(port, " \t"):
		return fmt.Errorf("%w: %q is not a port name", ErrNoSparePort, safetext.Line(port))
	case devices.SamePort(port, p.Port):
		return fmt.Errorf("%w: %s is the position's own port; stage the new phone on a spare one", ErrNoSparePort, port)
	}
	return nil
}
