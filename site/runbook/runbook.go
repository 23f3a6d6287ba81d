package runbook

import (
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/site"
)

// StepKind is how a runbook step gets its result.
type StepKind string

// The step kinds.
const (
	// StepAuto is an SNMP check: it passes or fails on what the switch
	// shows, and the result keeps what it saw.
	StepAuto StepKind = "auto"
	// StepInput takes a scanned or typed value, validated before it is kept.
	StepInput StepKind = "input"
	// StepConfirm is the engineer's pass, fail or (where allowed) skip.
	StepConfirm StepKind = "confirm"
)

// Check names the SNMP check an automatic step runs.
type Check string

// The checks.
const (
	// CheckPortReady: the port is up, can power the target model, has a
	// voice VLAN, and the handset on it is the one in the inventory.
	CheckPortReady Check = "port_ready"
	// CheckNewPhone: an Avaya phone with telephone capability is on the port.
	CheckNewPhone Check = "new_phone"
	// CheckLegacyBack: the legacy handset is back on the port (rollback).
	CheckLegacyBack Check = "legacy_back"
	// CheckLegacyGone: no phone is left on the port (removals).
	CheckLegacyGone Check = "legacy_gone"
)

// Field is what an input step takes.
type Field string

// The input fields.
const (
	FieldLegacySerial Field = "legacy_serial"
	FieldLegacyTag    Field = "legacy_tag"
	FieldCondition    Field = "condition"
	FieldNewSerial    Field = "new_serial"
	FieldNewTag       Field = "new_tag"
	FieldDDI          Field = "ddi"       // keep the DDI or give the new one
	FieldTeamsDDI     Field = "teams_ddi" // the user's Teams number
	FieldDisposition  Field = "disposition"
	FieldContact      Field = "contact"   // the person who accepts the change and signs off
	FieldTold         Field = "told"      // who was told a critical position goes dark, or works again
	FieldPTTGroup     Field = "ptt_group" // the push-to-talk group the phone called
	FieldReason       Field = "reason"    // why a rollback was needed
)

// Step is one step of a runbook.
type Step struct {
	Key          string   `json:"key"`
	Title        string   `json:"title"`
	Instructions string   `json:"instructions"`
	Kind         StepKind `json:"kind"`
	Check        Check    `json:"check,omitempty"`
	Field        Field    `json:"field,omitempty"`
	Hint         string   `json:"hint,omitempty"` // what to type
	Skippable    bool     `json:"skippable"`
	// Physical marks the step where the legacy handset is unplugged: a
	// rollback after it must reconnect the handset and verify it is back.
	Physical bool `json:"physical,omitempty"`
	// RollbackOnly steps run only when rolling back.
	RollbackOnly bool `json:"rollback_only,omitempty"`
	// NotApplicable says why the step cannot apply to this position (an
	// inbound test call to a position with no DDI): it is recorded as a
	// skip with that reason the moment it comes due, by the step engine,
	// never asked for.
	NotApplicable string `json:"not_applicable,omitempty"`
	// Dial is what the engineer dials or looks for on a test call step
	// ("dial 020 7230 1003 from an outside line").
	Dial string `json:"dial,omitempty"`
	// Yes is what the one key that passes a test call step says happened
	// ("answered both ways"); a failure is recorded with a note.
	Yes string `json:"yes,omitempty"`
}

// Runbook is the ordered steps for one position, and the steps a rollback
// runs.
type Runbook struct {
	Plan     site.Plan `json:"plan"`
	Role     site.Role `json:"role"`
	Steps    []Step    `json:"steps"`
	Rollback []Step    `json:"rollback"`
	// Reopened marks the runbook of an attempt that reopened a done
	// position to replace its phone (reopen.go).
	Reopened bool `json:"reopened,omitempty"`
}

// Step finds a step (runbook or rollback) by key.
func (rb Runbook) Step(key string) (Step, bool) {
	for _, s := range append(append([]Step{}, rb.Steps...), rb.Rollback...) {
		if strings.EqualFold(s.Key, key) {
			return s, true
		}
	}
	return Step{}, false
}

// Keys lists the runbook's step keys in order (rollback steps last).
func (rb Runbook) Keys() []string {
	var out []string
	for _, s := range append(append([]Step{}, rb.Steps...), rb.Rollback...) {
		out = append(out, s.Key)
	}
	return out
}

// needsRecording reports whether a role's calls must be recorded and
// logged (business case items 7d and 7e).
func needsRecording(r site.Role) bool {
	return r == site.RoleCustodySuite || r == site.RoleFrontCounter || r == site.RoleCTOpsPTT
}

// shortModel is the target model without the maker: "Avaya J179" → "J179".
func shortModel(p site.Position) string {
	if m, err := assets.NormaliseModel(p.TargetModel); err == nil {
		return m
	}
	return "Avaya phone"
}

func capture(p site.Position, serialSkippable bool) []Step {
	what := "the legacy handset"
	if p.LegacyModel != "" {
		what = "the " + p.LegacyModel
	}
	return []Step{
		{Key: "legacy_serial", Title: "Scan the legacy handset's serial", Kind: StepInput, Field: FieldLegacySerial,
			Instructions: "Scan or type the serial number on the label under " + what + ".",
			Hint:         "serial number", Skippable: serialSkippable},
		{Key: "legacy_tag", Title: "Scan the legacy asset tag", Kind: StepInput, Field: FieldLegacyTag,
			Instructions: "Scan the force asset tag on " + what + ". Skip, saying so, if it has none.",
			Hint:         "asset tag", Skippable: true},
		{Key: "legacy_condition", Title: "Record the handset's condition", Kind: StepInput, Field: FieldCondition,
			Instructions: "Say what state it is in, so that stores know whether it can be reused.",
			Hint:         strings.Join(assets.Conditions, ", "), Skippable: serialSkippable},
	}
}

func disposition() Step {
	return Step{Key: "disposition", Title: "Legacy handset disposition", Kind: StepInput, Field: FieldDisposition,
		Instructions: "Say where the handset goes: back to stores for reuse, WEEE disposal (give the waste transfer note reference), or lost. Factory-reset it first if it goes for reuse.",
		Hint:         "store | weee WTN-REF | lost"}
}

// RunbookFor builds a position's runbook from its plan and role, as it
// reads before any number is recorded.
func RunbookFor(p site.Position) Runbook { return runbookFor(p, NumberNow{DDI: p.DDI}) }

// AttemptRunbook is the runbook of one attempt at a position: the swap's,
// or, for an attempt that reopened the position (Reopened), the
// replacement of its new phone.
func AttemptRunbook(p site.Position, reopened bool) Runbook {
	if reopened {
		return replaceRunbook(p, NumberNow{DDI: p.DDI})
	}
	return RunbookFor(p)
}

// CountSteps is the one rule by which the wizard, both reports and the
// hub count a position's steps: the steps of its runbook (the rollback's
// are not among them), each done when its latest result in the current
// attempt passed or was skipped. outcome gives that result by step key
// ("" when none).
func (r Runbook) CountSteps(outcome func(key string) Outcome) (done, total int) {
	for _, s := range r.Steps {
		if o := outcome(s.Key); o == OutcomePass || o == OutcomeSkip {
			done++
		}
	}
	return done, len(r.Steps)
}

// runbookFor builds the runbook with the number the position has now, so a
// step after a new DDI was recorded says to call the new one.
func runbookFor(p site.Position, now NumberNow) Runbook {
	if now.State == DDINew {
		p.DDI = now.DDI
	}
	rb := Runbook{Plan: p.Plan, Role: p.Role}
	switch p.Plan {
	case site.PlanAvayaFixed, site.PlanAvayaPTT:
		rb.Steps = avayaSteps(p)
	case site.PlanAvayaSoft:
		rb.Steps = softSteps(p)
	case site.PlanTeamsDDI:
		rb.Steps = teamsSteps(p)
	default:
		rb.Steps = removeSteps(p)
	}
	rb.Rollback = []Step{
		{Key: "rb_reason", Title: "Say why the swap is rolled back", Kind: StepInput, Field: FieldReason, RollbackOnly: true,
			Instructions: "Pick failed (the swap itself went wrong) or blocked (something outside it stops it: no PoE budget, no stock, no access), and say what happened. Nothing is put back until you do the next step.",
			Hint:         "failed | blocked, then the reason"},
		{Key: "rb_reconnect", Title: "Reconnect the legacy handset", Kind: StepConfirm, RollbackOnly: true,
			Instructions: "Plug the legacy handset back into the same jack (it stays provisioned until decommission). Restore any port change. Bag and tag the new phone with this position's label. Confirm when it is plugged in."},
		{Key: "rb_verify", Title: "Verify the legacy handset is back", Kind: StepAuto, Check: CheckLegacyBack, RollbackOnly: true, Skippable: true,
			Instructions: "Read the port: the legacy handset must be seen on it again. Skip only when the switch cannot be read, and say why."},
	}
	return rb
}

func avayaSteps(p site.Position) []Step {
	m := shortModel(p)
	ddi := "the position's DDI"
	if p.DDI != "" {
		ddi = site.FormatDDI(p.DDI)
	}
	mac := orDash(p.MAC)
	if p.MAC == "" {
		mac = "by its vendor and model: the inventory has no MAC"
	}
	steps := []Step{{Key: "precheck", Title: "Pre-check the port", Kind: StepAuto, Check: CheckPortReady, Skippable: true,
		Instructions: fmt.Sprintf("Read %s port %s: link up, PoE able to power a %s, voice VLAN set, and the handset on it is the one in the inventory (%s). Skip only when the switch cannot be read, and say why.",
			orDash(p.Switch), orDash(p.Port), m, mac)}}
	steps = append(steps, capture(p, false)...)
	steps = append(steps,
		Step{Key: "swap", Title: "Swap the handset", Kind: StepConfirm, Physical: true,
			Instructions: fmt.Sprintf("Unplug the legacy handset and connect the new %s to the same jack (the phone's SW port; a PC goes on the phone's PC port). Confirm when it is connected and powered.", m)},
		Step{Key: "verify", Title: "Verify the new phone on the port", Kind: StepAuto, Check: CheckNewPhone,
			Instructions: "Read the port: an Avaya phone with telephone capability must be on it; its model, serial and MAC are read from LLDP-MED."},
		Step{Key: "new_serial", Title: "Confirm the new phone's serial", Kind: StepInput, Field: FieldNewSerial,
			Instructions: "Scan the serial on the new phone's label. When the switch showed the serial, press Enter to take it; when it could not, type it and say why in the note.",
			Hint:         "serial number"},
		Step{Key: "new_tag", Title: "Scan the new phone's asset tag", Kind: StepInput, Field: FieldNewTag,
			Instructions: "Scan the asset tag stuck on the new phone.", Hint: "asset tag"},
		numberStep(p, ddi),
	)
	steps = append(steps, proving(p)...)
	steps = append(steps,
		Step{Key: "label", Title: "Label the phone and jack", Kind: StepConfirm, Instructions: labelWords(p)},
		disposition(),
		signoff("The site contact checks the phone and signs off: type their name. Give them the user guide and the fault-report number."),
	)
	return withContinuity(p, steps)
}

// proving is the steps that prove a new phone on the position works: the
// test calls, the recording and logging checks its role needs, the
// push-to-talk group and the door release.
func proving(p site.Position) []Step {
	steps := []Step{
		callIn(p, "the new phone"),
		callOut(p, "the new phone"),
		{Key: "call_internal", Title: "Test call: internal", Kind: StepConfirm, Yes: "both rang and showed the extension",
			Instructions: "Call another extension and have it call back: both ring and show the extension.",
			Dial:         "dial another extension from the new phone; it should show " + orNone(p.Extension, "this phone's extension")},
	}
	if needsRecording(p.Role) {
		steps = append(steps,
			Step{Key: "recording", Title: "Voice recording check", Kind: StepConfirm, Yes: "found in the recorder",
				Instructions: "Find the test call in the voice recorder with this extension and the right time (business case item 7d).",
				Dial:         "look up " + orNone(p.Extension, "this phone") + " in the voice recorder"},
			Step{Key: "call_logging", Title: "Call logging check", Kind: StepConfirm, Yes: "found in call logging",
				Instructions: "Find the test calls in call logging with this extension, numbers and times (business case item 7e).",
				Dial:         "look up " + orNone(p.Extension, "this phone") + " in call logging"})
	}
	if p.Plan == site.PlanAvayaPTT {
		steps = append(steps, Step{Key: "ptt_group", Title: "Push-to-talk group call", Kind: StepInput, Field: FieldPTTGroup,
			Instructions: "Make a push-to-talk group call: every station in the group hears it and can answer. Type the group's name as the phone shows it.",
			Hint:         "push-to-talk group, e.g. CT OPS 1"})
	}
	if p.Role == site.RoleDoorAccess {
		steps = append(steps, Step{Key: "door_release", Title: "Door release test", Kind: StepConfirm, Skippable: true,
			Instructions: "Call from the door entry panel and release the door from the new phone; check it opens and relocks. Skip, saying so, if this phone drives no door."})
	}
	return steps
}

// signoff is every plan's last step: the name of who accepted the change.
func signoff(ins string) Step {
	title := "Sign-off by the site contact"
	if strings.HasPrefix(ins, "The user") {
		title = "Sign-off by the user" // a Teams move or a soft phone: the person whose number it is accepts it
	}
	return Step{Key: "signoff", Title: title, Kind: StepInput, Field: FieldContact,
		Instructions: ins, Hint: "their name"}
}

// labelWords says what goes on the label: only the numbers the position has.
func labelWords(p site.Position) string {
	var what []string
	if p.Extension != "" {
		what = append(what, "extension "+p.Extension)
	}
	if p.DDI != "" {
		what = append(what, "DDI "+site.FormatDDI(p.DDI))
	}
	if p.Switch != "" || p.Port != "" {
		what = append(what, strings.TrimSpace("port "+p.Switch+" "+p.Port))
	}
	if len(what) == 0 {
		return "Label the phone and the jack with the position's label."
	}
	return "Label the phone and the jack with " + strings.Join(what, ", ") + "."
}

// callIn is the inbound test call to the DDI the position has now; with no
// DDI it cannot apply, and says so.
func callIn(p site.Position, phone string) Step {
	st := Step{Key: "call_in", Title: "Test call: inbound to the DDI", Kind: StepConfirm, Yes: "rang and showed the caller",
		Instructions: "From an outside line, call " + site.FormatDDI(p.DDI) + ": " + phone + " rings and shows the caller's number.",
		Dial:         "dial " + site.FormatDDI(p.DDI) + " from an outside line"}
	if p.DDI == "" {
		st.Instructions, st.Dial = "The position has no DDI: there is no number to call it on from outside.", ""
		st.NotApplicable, st.Skippable, st.Yes = "the position has no DDI to call", true, ""
		st.Title = "Test call: inbound (no DDI)"
	}
	return st
}

// callOut is the outbound test call, and the number it should present.
func callOut(p site.Position, phone string) Step {
	cli := "the site's main number"
	if p.DDI != "" {
		cli = site.FormatDDI(p.DDI)
	}
	return Step{Key: "call_out", Title: "Test call: outbound", Kind: StepConfirm, Yes: "connected and showed " + cli,
		Instructions: "Call an outside number (your mobile) from " + phone + ": it connects and presents " + cli + ".",
		Dial:         "from " + phone + ", dial your mobile; it should show " + cli}
}

// extMoves says the extension moves to the new phone, if there is one.
func extMoves(p site.Position, to string) string {
	if p.Extension == "" {
		return "The position has no extension."
	}
	return "Extension " + p.Extension + " moves to " + to + "."
}

// orNone is s, or what to say when it is empty.
func orNone(s, none string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return s
}

func numberStep(p site.Position, ddi string) Step {
	st := Step{Key: "ddi", Title: "Number on the new phone", Kind: StepInput, Field: FieldDDI,
		Instructions: fmt.Sprintf("%s Press Enter (or type keep) to keep %s on it, or type the new DDI if it gets a new one.", extMoves(p, "the new phone"), ddi),
		Hint:         "keep | new DDI"}
	if p.DDI == "" {
		st.Instructions = extMoves(p, "the new phone") + " The position has no DDI: press Enter for none, or type the DDI it is being given."
		st.Hint = "none | new DDI"
	}
	return st
}

func teamsSteps(p site.Position) []Step {
	steps := []Step{
		{Key: "teams_ddi", Title: "Record the user's Teams DDI", Kind: StepInput, Field: FieldTeamsDDI,
			Instructions: "Type the Teams direct-dial number the user now has (a UK number).", Hint: "UK number, e.g. 020 7230 1212"},
		{Key: "surrender", Title: "Surrender the legacy numbers", Kind: StepConfirm,
			Instructions: "Confirm that legacy " + legacyNumbers(p) + " surrendered (no longer routed to this handset)."},
	}
	steps = append(steps, capture(p, false)...)
	steps = append(steps,
		Step{Key: "remove", Title: "Remove the handset", Kind: StepConfirm, Physical: true,
			Instructions: "Unplug the handset, bag it and tag the bag with its serial and MAC."},
		Step{Key: "gone", Title: "Check the port is empty", Kind: StepAuto, Check: CheckLegacyGone, Skippable: true,
			Instructions: "Read the port: no phone may be left on it. Skip when the switch cannot be read, saying why."},
		disposition(),
		signoff("The user (or the site contact for them) checks that calls reach them on Teams and accepts the change: type their name."))
	return steps
}

func removeSteps(p site.Position) []Step {
	steps := capture(p, true)
	ins := "Unplug the handset, bag it and tag the bag with its serial and MAC."
	if p.Role == site.RoleMeetingRoom {
		ins += " A Teams Room replaces this phone: leave the room's Teams Room kit alone."
	}
	steps = append(steps, Step{Key: "remove", Title: "Remove the handset", Kind: StepConfirm, Physical: true, Instructions: ins},
		Step{Key: "gone", Title: "Check the port is empty", Kind: StepAuto, Check: CheckLegacyGone, Skippable: true,
			Instructions: "Read the port: no phone may be left on it. Skip when the switch cannot be read, saying why."})
	if p.DDI != "" || p.Extension != "" {
		steps = append(steps, Step{Key: "surrender", Title: "Surrender the legacy numbers", Kind: StepConfirm,
			Instructions: "Confirm that " + legacyNumbers(p) + " surrendered."})
	}
	return append(steps, disposition(),
		signoff("The site contact sees the handset gone and accepts the change: type their name."))
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// legacyNumbers names a position's legacy extension and DDI, with the verb.
func legacyNumbers(p site.Position) string {
	switch {
	case p.Extension != "" && p.DDI != "":
		return "extension " + p.Extension + " and DDI " + site.FormatDDI(p.DDI) + " are"
	case p.DDI != "":
		return "DDI " + site.FormatDDI(p.DDI) + " is"
	case p.Extension != "":
		return "extension " + p.Extension + " is"
	}
	return "the handset's numbers are"
}

// softSteps is the avaya_soft runbook (business case item 15, "apply for
// an Avaya hard/soft phone"): the handset goes, and the user's Avaya
// soft-phone client is proved on the same extension and DDI with a test
// call in and out; the numbers are kept.
func softSteps(p site.Position) []Step {
	ddi := "the position's DDI"
	if p.DDI != "" {
		ddi = site.FormatDDI(p.DDI)
	}
	steps := []Step{{Key: "soft_client", Title: "Sign the user in to the Avaya soft phone", Kind: StepConfirm,
		Instructions: fmt.Sprintf("Sign the user in to the Avaya soft-phone client on their PC or laptop with %s. Confirm when it shows it registered.", orNone(p.Extension, "the user's extension"))}}
	steps = append(steps, capture(p, false)...)
	num := numberStep(p, ddi)
	num.Title = "Number on the soft phone"
	num.Instructions = fmt.Sprintf("%s Press Enter (or type keep) to keep %s on it.", extMoves(p, "the soft phone"), ddi)
	if p.DDI == "" {
		num.Instructions = extMoves(p, "the soft phone") + " The position has no DDI: press Enter for none."
	}
	steps = append(steps,
		Step{Key: "remove", Title: "Remove the handset", Kind: StepConfirm, Physical: true,
			Instructions: "Unplug the handset, bag it and tag the bag with its serial and MAC."},
		Step{Key: "gone", Title: "Check the port is empty", Kind: StepAuto, Check: CheckLegacyGone, Skippable: true,
			Instructions: "Read the port: no phone may be left on it. Skip when the switch cannot be read, saying why."},
		num,
		soft(callIn(p, "the soft-phone client")),
		soft(callOut(p, "the soft-phone client")),
		disposition(),
		signoff("The user checks the soft phone and accepts the change: type their name. Give them the user guide and the fault-report number."),
	)
	return steps
}

func soft(s Step) Step {
	s.Title = strings.Replace(s.Title, "inbound to the DDI", "inbound", 1) + " on the soft phone"
	return s
}
