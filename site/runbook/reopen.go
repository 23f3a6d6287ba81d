package runbook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"cutover/assets"
	"cutover/site"
)

// A done position can be reopened (issue 25: a phone dead the next day) as
// a new attempt whose runbook replaces the new phone: its first step
// records why, its physical step swaps the phone on the jack for a
// replacement, the replacement is proven as the first one was, and the
// phone taken out gets a disposition of its own. The legacy handset, its
// disposition and the numbers stay as the swap left them. An attempt is a
// replacement by its evidence (a passed reopen step), so the hub's Derive
// and every laptop read it the same way.

// The replacement runbook's own steps.
const (
	StepReopen            = "reopen"             // why the position is reopened
	StepReplace           = "replace"            // the phone on the jack swapped for a replacement
	StepFaultyDisposition = "faulty_disposition" // where the phone taken out goes
	StepPutBack           = "rb_putback"         // a replacement rolled back
)

// FieldReopen is why a done position is reopened.
const FieldReopen Field = "reopen"

// maxReopenReason is the longest reason a reopen keeps.
const maxReopenReason = 200

// ErrCannotReopen is wrapped when a position cannot be reopened.
var ErrCannotReopen = errors.New("cannot be reopened")

// CanReopen says why a position cannot be reopened to replace its phone
// (nil when it can): only a done position whose plan put a phone on its
// jack has a phone to replace. It is asked before anything is typed.
func CanReopen(p site.Position) error {
	if p.Status != site.StatusDone {
		what := string(p.Status)
		if p.Status == site.StatusFailed || p.Status == site.StatusBlocked {
			what += "; its runbook is started again instead"
		}
		return fmt.Errorf("%w: %s is %s: only a done position is reopened", ErrCannotReopen, p.Label, what)
	}
	switch {
	case reopens(p):
		return nil
	case p.Plan == site.PlanTeamsDDI:
		return fmt.Errorf("%w: %s moved to Teams: there is no phone on site to replace; a Teams number that does not work is for the Teams administrators", ErrCannotReopen, p.Label)
	case p.Plan == site.PlanAvayaSoft:
		return fmt.Errorf("%w: %s moved to the Avaya soft phone: there is no phone on site to replace; a soft phone that does not work is for the Avaya platform team", ErrCannotReopen, p.Label)
	}
	return fmt.Errorf("%w: %s's handset was removed: there is nothing on its jack to replace", ErrCannotReopen, p.Label)
}

// ValidateReopen checks why a position is reopened: a few words of plain
// text, on one line.
func ValidateReopen(v string) (string, error) {
	s := strings.Join(strings.Fields(cleanInput(v)), " ")
	if err := checkText("reason", s, maxReopenReason, false); err != nil {
		return "", err
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 3 || utf8.RuneCountInString(s) < 4 {
		return "", fmt.Errorf("%w: say why the position is reopened (what is wrong with its phone)", ErrBadInput)
	}
	return s, nil
}

// replaceRunbook is the runbook of an attempt that reopened a done
// position: replace the phone on its jack and prove the replacement.
func replaceRunbook(p site.Position, now NumberNow) Runbook {
	if now.State == DDINew {
		p.DDI = now.DDI
	}
	m := shortModel(p)
	steps := []Step{
		{Key: StepReopen, Title: "Say why the position is reopened", Kind: StepInput, Field: FieldReopen,
			Instructions: "The position was done. Say what is wrong with its phone (dead, no dial tone, cracked screen): the reopen starts a new attempt that replaces the phone; the legacy handset and the numbers stay as the swap left them.",
			Hint:         "what is wrong, e.g. phone dead since Monday"},
		{Key: StepReplace, Title: "Swap the phone for a replacement", Kind: StepConfirm, Physical: true,
			Instructions: fmt.Sprintf("Unplug the phone on the jack, bag it and tag it with this position's label and what is wrong, and connect a replacement %s to the same jack (a PC goes on the phone's PC port). Confirm when it is connected and powered.", m)},
		{Key: "verify", Title: "Verify the replacement on the port", Kind: StepAuto, Check: CheckNewPhone,
			Instructions: "Read the port: an Avaya phone with telephone capability must be on it; its model, serial and MAC are read from LLDP-MED."},
		{Key: "new_serial", Title: "Confirm the replacement's serial", Kind: StepInput, Field: FieldNewSerial,
			Instructions: "Scan the serial on the replacement's label. When the switch showed the serial, press Enter to take it; when it could not, type it and say why in the note.",
			Hint:         "serial number"},
		{Key: "new_tag", Title: "Scan the replacement's asset tag", Kind: StepInput, Field: FieldNewTag,
			Instructions: "Scan the asset tag stuck on the replacement.", Hint: "asset tag"},
	}
	steps = append(steps, proving(p)...)
	steps = append(steps,
		Step{Key: "label", Title: "Label the replacement", Kind: StepConfirm, Instructions: labelWords(p)},
		Step{Key: StepFaultyDisposition, Title: "Disposition of the phone taken out", Kind: StepInput, Field: FieldDisposition,
			Instructions: "Say where the phone taken out goes: back to stores (for repair or return to the supplier), WEEE disposal (give the waste transfer note reference), or lost.",
			Hint:         "store | weee WTN-REF | lost"},
		signoff("The site contact checks the replacement and signs off: type their name."),
	)
	return Runbook{Plan: p.Plan, Role: p.Role, Reopened: true, Steps: withContinuity(p, steps),
		Rollback: []Step{
			{Key: "rb_reason", Title: "Say why the replacement is rolled back", Kind: StepInput, Field: FieldReason, RollbackOnly: true,
				Instructions: "Pick failed (the replacement itself went wrong) or blocked (no replacement in stock, no access), and say what happened.",
				Hint:         "failed | blocked, then the reason"},
			{Key: StepPutBack, Title: "Bag the replacement", Kind: StepConfirm, RollbackOnly: true,
				Instructions: "Unplug the replacement, bag and tag it with this position's label. Plug the phone taken out back in only if it works. The position stays without a working phone until it is reopened again."},
		}}
}

// reopens says whether a position's plan leaves a phone on its jack that
// a reopen could replace.
func reopens(p site.Position) bool { return site.KeepsPhone(p.Plan) }

// Reopening is a done position's progress as a reopen would start it: the
// replacement runbook with nothing recorded in it yet; refused, saying
// why, where there is nothing to replace (CanReopen).
func Reopening(pr Progress) (Progress, error) {
	if pr.Runbook.Reopened && (pr.Mode != ModeFinished || pr.Position.Status != site.StatusDone) {
		return pr, nil // a replacement's own step, or a replacement rolled back started again
	}
	if err := CanReopen(pr.Position); err != nil {
		return pr, err
	}
	return reopening(pr), nil
}

func reopening(pr Progress) Progress {
	pr.Runbook = replaceRunbook(pr.Position, pr.Number)
	pr.Steps, pr.Rollback, pr.Current = nil, nil, nil
	for _, s := range pr.Runbook.Steps {
		pr.Steps = append(pr.Steps, StepState{Step: s})
	}
	pr.Current = &pr.Steps[0]
	pr.Done, pr.Total = 0, len(pr.Steps)
	return pr
}

// replacePhone takes the phone on a reopened position's jack out of
// service in the register.
func replacePhone(ctx context.Context, tx *site.Tx, id int64, p site.Position) error {
	a, ok, err := assets.AtPositionIn(ctx, tx, id, assets.KindNew, assets.StateInstalled)
	if err != nil || !ok {
		return err // no phone in this laptop's register: nothing to move
	}
	_, err = assets.Move(ctx, tx, a.ID, assets.StateRemoved, "taken out at "+p.Label+" to be replaced", "")
	return err
}

// disposeReplaced sends the phone a replacement took out where the
// engineer said.
func disposeReplaced(ctx context.Context, tx *site.Tx, id int64, p site.Position, value string) error {
	d, err := ParseDisposition(value)
	if err != nil {
		return err
	}
	a, ok, err := assets.AtPositionIn(ctx, tx, id, assets.KindNew, assets.StateRemoved)
	if err != nil || !ok {
		return err
	}
	_, err = assets.Move(ctx, tx, a.ID, d.State, "replaced at "+p.Label, d.WTNRef)
	return err
}

// bagReplacement takes a replacement rolled back off the jack in the
// register (when it was installed at all).
func bagReplacement(ctx context.Context, tx *site.Tx, id int64, p site.Position, pr Progress) error {
	if st, ok := pr.Step("new_tag"); !ok || !st.Passed() {
		return nil
	}
	a, ok, err := assets.AtPositionIn(ctx, tx, id, assets.KindNew, assets.StateInstalled)
	if err != nil || !ok {
		return err
	}
	_, err = assets.Move(ctx, tx, a.ID, assets.StateRemoved, "replacement rolled back at "+p.Label+"; bagged and tagged", "")
	return err
}

// PhoneID is what identifies a phone seen on a port: its serial and MAC.
type PhoneID struct {
	Serial string `json:"serial,omitempty"`
	MAC    string `json:"mac,omitempty"`
}

// NotTheReplaced fails a reopened position's verify that finds on its port
// the very phone it was reopened to replace (by serial or MAC): the swap
// was confirmed, but the phone on the jack is still the old one.
func NotTheReplaced(o *Observation, old PhoneID) {
	if o == nil || o.Check != CheckNewPhone || o.Phone == nil || !o.OK {
		return
	}
	ph := o.Phone
	same := old.Serial != "" && strings.EqualFold(ph.Serial, old.Serial) ||
		old.MAC != "" && strings.EqualFold(ph.MAC, old.MAC)
	if !same {
		return
	}
	o.OK = false
	o.Problems = append(o.Problems, fmt.Sprintf("the phone on the port (%s) is the one the position was reopened to replace",
		strings.TrimSpace(ph.Serial+" "+ph.MAC)))
	o.Summary = o.Problems[len(o.Problems)-1]
}

// ReplacedLines says, for a position reopened after its swap, why it was
// reopened and every phone taken off its jack since, where it went:
// "attempt 2 reopened: PTT button stuck", "phone taken out: J189 23WZ…
// tag MPS-N1, 2026-11-30T09:05:00Z by alice: returned to store". Nil for
// others.
func ReplacedLines(d Derived) []string {
	var out []string
	if why := d.Step(StepReopen); d.Reopened && why.Value != "" {
		out = append(out, fmt.Sprintf("attempt %d reopened: %s", d.Attempt, why.Value))
	}
	for _, h := range d.Replaced {
		what := strings.Join(strings.Fields(strings.Join([]string{h.Model, h.Serial, h.MAC}, " ")), " ")
		if h.Tag != "" {
			what += " tag " + h.Tag
		}
		where := assets.State(h.State).Words()
		if h.WTNRef != "" {
			where += ", waste transfer note " + h.WTNRef
		}
		if h.Disputed {
			where += " (disputed)"
		}
		out = append(out, fmt.Sprintf("phone taken out: %s, %s by %s: %s", strings.TrimSpace(what), h.MovedAt, h.MovedBy, where))
	}
	return out
}

// reopenAttempts is the set of attempts that reopened the position (a
// reopen of a plan with no phone to replace is not taken for one).
func reopenAttempts(p site.Position, ev []Evidence) map[int]bool {
	out := map[int]bool{}
	if !reopens(p) {
		return out
	}
	for _, e := range ev {
		if e.Step == StepReopen && !e.Correction && e.Outcome == OutcomePass {
			out[e.Attempt] = true
		}
	}
	return out
}

// attemptsBefore is the evidence of the attempts before attempt: what a
// replacement stands on.
func attemptsBefore(ev []Evidence, attempt int) []Evidence {
	var out []Evidence
	for _, e := range ev {
		if e.Attempt < attempt {
			out = append(out, e)
		}
	}
	return out
}
