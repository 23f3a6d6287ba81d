package runbook

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"cutover/assets"
	"cutover/site"
)

// Derive is the one rule by which a position's state follows from its
// evidence: the step results and corrections every laptop recorded, and
// the resolutions an admin made. Status, the steps that stand, the
// numbers, the legacy handset and the new phone are computed here, never
// set by an operation of their own, so the same evidence gives the same
// state whatever order it arrived in (the hub runs it for every position a
// push touches; a laptop shows what the hub derived).
//
// The rules, in the words of the README's conflict section:
//   - Each laptop's work on a position is a branch, in that laptop's own
//     order. A laptop that starts the runbook again starts a new attempt,
//     numbered after every attempt it knew of (its own and the hub's).
//   - The attempt that stands is the highest number any laptop worked.
//     Branches of that attempt from different laptops are concurrent: where
//     they agree they merge (a step passed on one and failed on another
//     stands passed); where they differ they are a dispute.
//   - A completion and a rollback of the same attempt (or a rollback ended
//     failed and another blocked) dispute the outcome. Until an admin picks
//     a branch, the rollback's branches stand (the legacy handset is back in
//     service and nothing is taken off a platform), flagged disputed.
//   - Two different values passed for one step dispute that step: it stands
//     passed with no value until an admin picks one.
//   - A resolution names the fact, the attempt and the value (or branch)
//     chosen; values of other branches are then overruled.
func Derive(p site.Position, ev []Evidence, res []Resolution) Derived {
	rb := RunbookFor(p)
	d := Derived{Total: len(rb.Steps)}
	if len(ev) == 0 {
		d.Numbers = numbersFrom(p, nil, "")
		return d
	}
	ev = append([]Evidence(nil), ev...)
	sort.SliceStable(ev, func(i, j int) bool {
		if ev[i].Laptop != ev[j].Laptop {
			return ev[i].Laptop < ev[j].Laptop
		}
		return ev[i].Seq < ev[j].Seq
	})
	resolved := map[string]Resolution{}
	res = append([]Resolution(nil), res...)
	sort.SliceStable(res, func(i, j int) bool { return res[i].At < res[j].At || (res[i].At == res[j].At && res[i].ID < res[j].ID) })
	for _, r := range res { // the latest resolution of a fact stands
		resolved[disputeKey(r.Fact, r.Attempt)] = r
	}
	branches := foldBranches(p, ev)
	for _, b := range branches {
		d.Attempt = max(d.Attempt, b.attempt)
	}
	// An attempt that reopened a done position replaces its phone: the
	// attempts before it give the legacy handset, the numbers and the
	// phone on the jack; this one, the replacement.
	var prior *Derived
	if reopenAttempts(p, ev)[d.Attempt] {
		rb, d.Reopened = AttemptRunbook(p, true), true
		pd := Derive(p, attemptsBefore(ev, d.Attempt), res)
		prior = &pd
	}
	var cur []*branch
	for _, b := range branches {
		// A laptop that had not heard of the reopen and began the swap
		// again under the same number is not part of the replacement.
		if b.attempt == d.Attempt && (prior == nil || passed(b.steps[StepReopen])) {
			cur = append(cur, b)
		}
	}
	cur = d.settleOutcome(cur, resolved)
	steps := d.mergeSteps(rb, cur, resolved)
	d.Done, d.Total = rb.CountSteps(func(key string) Outcome { return steps[key].Outcome })
	for _, s := range append(append([]Step{}, rb.Steps...), rb.Rollback...) {
		if st, ok := steps[s.Key]; ok {
			d.Steps = append(d.Steps, st)
		}
	}
	for _, st := range d.Steps {
		ss := StepState{Step: Step{Key: st.Key}, Outcome: st.Outcome, Evidence: st.Evidence, Engineer: Who(st.By, st.Label), At: st.At}
		if l := ss.UnprovenLine(); l != "" {
			d.Unproven = append(d.Unproven, l)
		}
	}
	d.status(rb, cur, steps)
	if prior != nil {
		d.Numbers, d.Legacy, d.TakenOut = prior.Numbers, prior.Legacy, prior.TakenOut
		d.replacement(p, *prior, steps)
	} else {
		d.Numbers = numbersFrom(p, steps, d.Status)
		d.handsets(p, branches, steps)
	}
	seen := map[string]bool{}
	for _, e := range ev {
		if !seen[e.By] {
			seen[e.By] = true
			d.Engineers = append(d.Engineers, e.By)
		}
	}
	sort.Strings(d.Engineers)
	if c := DarkTime(p, ev, time.Time{}); c.Critical && len(c.Periods) > 0 {
		d.Continuity = &c
	}
	return d
}

// Evidence is one result a laptop recorded for a step of a position, or a
// correction of one.
type Evidence struct {
	Laptop     string       `json:"laptop"` // the laptop's client id: its branch
	Seq        int64        `json:"seq"`    // the laptop's own order
	Attempt    int          `json:"attempt"`
	Step       string       `json:"step"`
	Outcome    Outcome      `json:"outcome"`
	Value      string       `json:"value,omitempty"`
	Note       string       `json:"note,omitempty"`
	Correction bool         `json:"correction,omitempty"`
	Was        string       `json:"was,omitempty"`
	Override   bool         `json:"override,omitempty"`
	By         string       `json:"by"`              // the person who recorded it
	Label      string       `json:"label,omitempty"` // the laptop's engineer name, when not By
	At         string       `json:"at"`              // when, RFC 3339 UTC, as believed
	Evidence   *Observation `json:"evidence,omitempty"`
}

// Resolution is an admin's choice for a dispute: the fact ("outcome" or
// "step:KEY") of an attempt, and the value or branch (a person, or done,
// failed, blocked) that stands.
type Resolution struct {
	ID      string `json:"id"`
	Fact    string `json:"fact"`
	Attempt int    `json:"attempt"`
	Value   string `json:"value"`
	By      string `json:"by"`
	At      string `json:"at"`
	Note    string `json:"note,omitempty"` // the admin's words
}

// Branch is one laptop's side of a dispute.
type Branch struct {
	By      string `json:"by"`
	Label   string `json:"label,omitempty"`
	Laptop  string `json:"laptop"`
	At      string `json:"at"`
	Outcome string `json:"outcome"` // the step's result, or how the attempt ended
	Value   string `json:"value,omitempty"`
}

// Dispute is a fact two laptops recorded differently in one attempt.
type Dispute struct {
	Fact       string   `json:"fact"` // "outcome" or "step:KEY"
	Attempt    int      `json:"attempt"`
	Branches   []Branch `json:"branches"`
	Resolved   bool     `json:"resolved,omitempty"`
	Value      string   `json:"value,omitempty"` // what stands once resolved
	ResolvedBy string   `json:"resolved_by,omitempty"`
	Resolution string   `json:"resolution,omitempty"` // the admin's words
}

// Words says a dispute in the words every view uses, laptop and hub:
// "step legacy_serial (attempt 1): alice FCH1234A001 at …; bob (laptop: Bob) FCH1234B001 at …".
func (x Dispute) Words() string {
	what := "outcome"
	if k, ok := strings.CutPrefix(x.Fact, "step:"); ok {
		what = "step " + k
	}
	var parts []string
	for _, b := range x.Branches {
		v := b.Value
		if x.Fact == FactOutcome {
			v = strings.ReplaceAll(b.Outcome, "_", " ")
		}
		parts = append(parts, fmt.Sprintf("%s %s at %s", Who(b.By, b.Label), v, b.At))
	}
	return fmt.Sprintf("%s (attempt %d): %s", what, x.Attempt, strings.Join(parts, "; "))
}

// Who names the person who did something, with the laptop's engineer
// label beside it when that differs: "alice (laptop: Bob)".
func Who(by, label string) string {
	if label == "" || strings.EqualFold(label, by) {
		return by
	}
	return by + " (laptop: " + label + ")"
}

// Open says whether the dispute still waits for a resolution.
func (d Dispute) Open() bool { return !d.Resolved }

// DerivedStep is the result that stands for a step.
type DerivedStep struct {
	Key      string       `json:"key"`
	Outcome  Outcome      `json:"outcome"`
	Value    string       `json:"value,omitempty"`
	Note     string       `json:"note,omitempty"`
	By       string       `json:"by,omitempty"`
	Label    string       `json:"label,omitempty"`
	At       string       `json:"at,omitempty"`
	Disputed bool         `json:"disputed,omitempty"`
	Override bool         `json:"override,omitempty"`
	Evidence *Observation `json:"evidence,omitempty"`
}

// Handset is a handset as the derivation places it.
type Handset struct {
	Key       string `json:"key"`
	Serial    string `json:"serial,omitempty"`
	MAC       string `json:"mac,omitempty"`
	Tag       string `json:"asset_tag,omitempty"`
	Model     string `json:"model,omitempty"`
	Condition string `json:"condition,omitempty"`
	State     string `json:"state"` // installed, removed, returned_to_store, weee_disposal, lost
	WTNRef    string `json:"wtn_ref,omitempty"`
	Disputed  bool   `json:"disputed,omitempty"` // its identity or its fate is disputed
	Override  bool   `json:"override,omitempty"`
	MovedAt   string `json:"moved_at,omitempty"` // when it was taken out (legacy) or put in (new)
	MovedBy   string `json:"moved_by,omitempty"`
}

// DerivedNumbers is where the numbers stand, and whether they are disputed.
type DerivedNumbers struct {
	Numbers
	Disputed bool `json:"disputed,omitempty"`
}

// Derived is a position's state as its evidence gives it.
type Derived struct {
	Status      site.Status    `json:"status,omitempty"` // "" when no step was ever recorded
	Reason      string         `json:"reason,omitempty"`
	Attempt     int            `json:"attempt"`
	Done        int            `json:"done"`
	Total       int            `json:"total"`
	Steps       []DerivedStep  `json:"steps,omitempty"`
	Numbers     DerivedNumbers `json:"numbers"`
	Legacy      *Handset       `json:"legacy,omitempty"`
	New         *Handset       `json:"new,omitempty"`
	Disputes    []Dispute      `json:"disputes,omitempty"`
	FinishedAt  string         `json:"finished_at,omitempty"`
	FinishedBy  string         `json:"finished_by,omitempty"`
	SignedOffBy string         `json:"signed_off_by,omitempty"`
	Engineers   []string       `json:"engineers,omitempty"`
	// Unproven has a line for every standing SNMP check passed on facts the
	// switch does not report, confirmed by eye (StepState.UnprovenLine).
	Unproven []string `json:"unproven,omitempty"`
	// TakenOut is the passed step (swap or remove) that took the legacy
	// handset out, in the attempt that did: a reopened attempt keeps its
	// swap's. Nil while the handset serves.
	TakenOut *DerivedStep `json:"taken_out,omitempty"`
	// Reopened is set when the standing attempt reopened the done position
	// to replace its phone (its runbook is AttemptRunbook(p, true)).
	Reopened bool `json:"reopened,omitempty"`
	// Replaced is every phone taken off the position's jack since the swap
	// (a replaced phone, a replacement rolled back), oldest first, with
	// where it went.
	Replaced []Handset `json:"replaced,omitempty"`
	// Continuity is a critical position's dark periods (DarkTime), an open
	// one not counted: readers take it At the time they show it. Nil when
	// the position is not critical or was never dark.
	Continuity *Continuity `json:"continuity,omitempty"`
}

// Step is the standing result of a step ("" outcome when none).
func (d Derived) Step(key string) DerivedStep {
	for _, s := range d.Steps {
		if s.Key == key {
			return s
		}
	}
	return DerivedStep{Key: key}
}

// Disputed says whether any dispute of the position is open.
func (d Derived) Disputed() bool {
	for _, x := range d.Disputes {
		if x.Open() {
			return true
		}
	}
	return false
}

// OutcomeDisputed says whether the standing attempt's outcome is disputed.
func (d Derived) OutcomeDisputed() bool {
	for _, x := range d.Disputes {
		if x.Open() && x.Fact == FactOutcome {
			return true
		}
	}
	return false
}

// FactOutcome names the dispute about how an attempt ended.
const FactOutcome = "outcome"

func disputeKey(fact string, attempt int) string { return fmt.Sprintf("%s\x00%d", fact, attempt) }

// branch is one laptop's work on one attempt.
type branch struct {
	laptop  string
	attempt int
	steps   map[string]*DerivedStep
	order   []string // step keys as first recorded
	end     string   // done, failed, blocked, rolling_back, open
	endAt   string
	endBy   Evidence
}

func foldBranches(p site.Position, ev []Evidence) []*branch {
	var out []*branch
	byKey := map[string]*branch{}
	for _, e := range ev {
		k := fmt.Sprintf("%s\x00%d", e.Laptop, e.Attempt)
		b := byKey[k]
		if b == nil {
			b = &branch{laptop: e.Laptop, attempt: e.Attempt, steps: map[string]*DerivedStep{}}
			byKey[k] = b
			out = append(out, b)
		}
		cur := b.steps[e.Step]
		if e.Correction {
			if cur != nil && cur.Outcome == OutcomePass {
				cur.Value, cur.Override = e.Value, cur.Override || e.Override
			}
			continue
		}
		if cur == nil {
			b.order = append(b.order, e.Step)
		}
		b.steps[e.Step] = &DerivedStep{Key: e.Step, Outcome: e.Outcome, Value: e.Value, Note: e.Note, By: e.By, Label: e.Label,
			At: e.At, Override: e.Override, Evidence: e.Evidence}
	}
	for _, b := range out {
		// Each branch ends by its own runbook: the replacement's when that
		// laptop reopened the position.
		b.end = branchEnd(AttemptRunbook(p, reopens(p) && passed(b.steps[StepReopen])), b)
	}
	return out
}

func passed(s *DerivedStep) bool {
	return s != nil && (s.Outcome == OutcomePass || s.Outcome == OutcomeSkip)
}

// branchEnd is how one laptop's attempt ended, by the runbook's rules.
func branchEnd(rb Runbook, b *branch) string {
	physical := false
	for _, s := range rb.Steps {
		if s.Physical && passed(b.steps[s.Key]) {
			physical = true
		}
	}
	if why := b.steps["rb_reason"]; passed(why) {
		finished := true
		for _, s := range rb.Rollback {
			if physical && s.Key != "rb_reason" && !passed(b.steps[s.Key]) {
				finished = false // what a rollback puts back is not back yet
			}
		}
		if !finished {
			return "rolling_back"
		}
		to, _, err := ParseReason(why.Value)
		if err != nil {
			to = site.StatusFailed
		}
		return string(to)
	}
	if last := rb.Steps[len(rb.Steps)-1]; passed(b.steps[last.Key]) {
		return string(site.StatusDone)
	}
	if physical {
		return endHandsetOut
	}
	return "open"
}

// endHandsetOut is a branch still open with the legacy handset taken out:
// it contradicts a rollback of the same attempt (which says it is back).
const endHandsetOut = "handset_out"

func rolledBack(end string) bool { return end == "rolling_back" || end == "failed" || end == "blocked" }

// settleOutcome finds a dispute of how the standing attempt ended and
// returns the branches that stand.
func (d *Derived) settleOutcome(cur []*branch, resolved map[string]Resolution) []*branch {
	ends := map[string]bool{}
	for _, b := range cur {
		if b.end != "open" {
			ends[b.end] = true
		}
	}
	rolled := ends["rolling_back"] || ends["failed"] || ends["blocked"]
	if !((ends["done"] || ends[endHandsetOut]) && rolled) && !(ends["failed"] && ends["blocked"]) {
		return cur
	}
	x := Dispute{Fact: FactOutcome, Attempt: d.Attempt}
	for _, b := range cur {
		if b.end == "open" {
			continue
		}
		last := b.lastStep()
		x.Branches = append(x.Branches, Branch{By: last.By, Label: last.Label, Laptop: b.laptop, At: last.At, Outcome: b.end})
	}
	sortBranches(x.Branches)
	keep := func(b *branch) bool { return rolledBack(b.end) || b.end == "open" } // the conservative side
	if r, ok := resolved[disputeKey(FactOutcome, d.Attempt)]; ok {
		x.Resolved, x.Value, x.ResolvedBy, x.Resolution = true, r.Value, r.By, r.Note
		keep = func(b *branch) bool { return b.end == "open" || branchChosen(b, r.Value) }
	}
	d.Disputes = append(d.Disputes, x)
	var out []*branch
	for _, b := range cur {
		if keep(b) {
			out = append(out, b)
		}
	}
	return out
}

// branchChosen says whether a resolution's value names this branch: its
// outcome (done, failed, blocked, rolled_back) or the person who did it.
func branchChosen(b *branch, v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "done", "failed", "blocked", "rolling_back", endHandsetOut:
		return b.end == v || v == "done" && b.end == endHandsetOut
	case "rolled_back", "rollback":
		return rolledBack(b.end)
	}
	return strings.EqualFold(b.lastStep().By, v) || strings.EqualFold(b.laptop, v)
}

// OutcomeChoices are the values a resolution of an outcome dispute takes
// besides a person's name.
var OutcomeChoices = []string{"done", "rolled_back", "failed", "blocked"}

func (b *branch) lastStep() DerivedStep {
	var last DerivedStep
	for _, k := range b.order {
		if s := b.steps[k]; s.At >= last.At {
			last = *s
		}
	}
	return last
}

func sortBranches(bs []Branch) {
	sort.Slice(bs, func(i, j int) bool {
		a, b := bs[i], bs[j]
		if a.By != b.By {
			return a.By < b.By
		}
		if a.Laptop != b.Laptop {
			return a.Laptop < b.Laptop
		}
		return a.At < b.At
	})
}

// mergeSteps merges the standing branches step by step.
func (d *Derived) mergeSteps(rb Runbook, cur []*branch, resolved map[string]Resolution) map[string]DerivedStep {
	out := map[string]DerivedStep{}
	keys := map[string]bool{}
	for _, b := range cur {
		for k := range b.steps {
			if _, ok := rb.Step(k); ok { // a key the plan's runbook does not name stands for nothing
				keys[k] = true
			}
		}
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		var passes, fails []DerivedStep
		var ls []string
		for _, b := range cur {
			s := b.steps[k]
			if s == nil {
				continue
			}
			st := *s
			if passed(s) {
				passes = append(passes, st)
				ls = append(ls, b.laptop)
			} else {
				fails = append(fails, st)
			}
		}
		if len(passes) == 0 {
			out[k] = earliest(fails)
			continue
		}
		values := map[string]bool{}
		for _, s := range passes {
			values[strings.ToUpper(s.Value)] = true
		}
		st := earliest(passes)
		if len(values) > 1 {
			x := Dispute{Fact: "step:" + k, Attempt: d.Attempt}
			for i, s := range passes {
				x.Branches = append(x.Branches, Branch{By: s.By, Label: s.Label, Laptop: ls[i], At: s.At, Outcome: string(s.Outcome), Value: s.Value})
			}
			sortBranches(x.Branches)
			if r, ok := resolved[disputeKey(x.Fact, d.Attempt)]; ok {
				x.Resolved, x.Value, x.ResolvedBy, x.Resolution = true, r.Value, r.By, r.Note
				st.Value, st.By, st.Label, st.At = r.Value, r.By, "", r.At
				for _, s := range passes {
					if strings.EqualFold(s.Value, r.Value) {
						st = s // the branch chosen: its value as recorded
						break
					}
				}
			} else {
				st.Value, st.Disputed = "", true
			}
			d.Disputes = append(d.Disputes, x)
		}
		out[k] = st
	}
	return out
}

// earliest is the first of equal results, by time then laptop.
func earliest(ss []DerivedStep) DerivedStep {
	best := ss[0]
	for _, s := range ss[1:] {
		if s.At < best.At || (s.At == best.At && s.By < best.By) {
			best = s
		}
	}
	return best
}

func (d *Derived) status(rb Runbook, cur []*branch, steps map[string]DerivedStep) {
	ends := map[string]bool{}
	for _, b := range cur {
		ends[b.end] = true
	}
	switch {
	case ends["blocked"] || ends["failed"]:
		d.Status = site.StatusFailed
		if ends["blocked"] {
			d.Status = site.StatusBlocked
		}
		if _, why, err := ParseReason(steps["rb_reason"].Value); err == nil {
			d.Reason = why
		}
	case ends["done"]:
		d.Status, d.Reason = site.StatusDone, "runbook complete"
		last := steps[rb.Steps[len(rb.Steps)-1].Key]
		d.FinishedAt, d.FinishedBy = last.At, last.By
		for _, s := range rb.Steps {
			if s.Field == FieldContact && passed(ptr(steps[s.Key])) {
				d.SignedOffBy = steps[s.Key].Value
				d.Reason = "signed off by " + d.SignedOffBy
			}
		}
	default:
		d.Status, d.Reason = site.StatusInProgress, "runbook started"
		if why := steps[StepReopen]; rb.Reopened && passed(&why) {
			d.Reason = "reopened: " + why.Value
		}
		if ends["rolling_back"] {
			d.Reason = "being rolled back"
		}
	}
	for _, x := range d.Disputes {
		if x.Open() && x.Fact == FactOutcome {
			var who []string
			for _, b := range x.Branches {
				who = append(who, b.By+" "+strings.ReplaceAll(b.Outcome, "_", " "))
			}
			d.Reason = "disputed (" + strings.Join(who, ", ") + "): " + d.Reason
		}
	}
}

func ptr(s DerivedStep) *DerivedStep { return &s }

// numbersFrom is the one numbers rule: where a position's extension and
// DDI stand follows from its standing number steps (ddi, teams_ddi,
// surrender) and its status; a rollback puts them back as planned.
func numbersFrom(p site.Position, steps map[string]DerivedStep, status site.Status) DerivedNumbers {
	n := DerivedNumbers{Numbers: Numbers{State: DDIPending, DDI: p.DDI, Extension: p.Extension}}
	if p.DDI == "" {
		n.State = DDINone
	}
	if status == site.StatusFailed || status == site.StatusBlocked {
		return n
	}
	pending := n
	if s, ok := steps["ddi"]; ok && passed(&s) {
		n.ExtState, n.At, n.By = "kept", s.At, s.By
		switch v := s.Value; {
		case s.Disputed:
			n.Disputed = true
		case v == "keep" || v == p.DDI && v != "":
			n.State, n.DDI = DDIKept, p.DDI
		case v == "none" || v == "":
			n.State, n.DDI = DDINone, ""
		default:
			n.State, n.DDI = DDINew, v
		}
	}
	if s, ok := steps["teams_ddi"]; ok && passed(&s) {
		n.At, n.By = s.At, s.By
		if s.Disputed {
			n.Disputed = true
		} else {
			n.State, n.TeamsDDI, n.ExtState = DDITeams, s.Value, ""
		}
	}
	if s, ok := steps["surrender"]; ok && passed(&s) {
		n.ExtState, n.At, n.By = "surrendered", s.At, s.By
		if n.State != DDITeams && !n.Disputed {
			n.State, n.DDI = DDISurrendered, ""
			if p.DDI == "" {
				n.State = DDINone
			}
		}
	}
	if n.Disputed { // nothing is given up while the number is disputed
		pending.Disputed = true
		return pending
	}
	return n
}

// handsets places the legacy handset and the new phone.
func (d *Derived) handsets(p site.Position, all []*branch, steps map[string]DerivedStep) {
	serial, captured := steps["legacy_serial"]
	if !captured { // captured in an earlier attempt
		best := 0
		for _, b := range all {
			if s := b.steps["legacy_serial"]; passed(s) && b.attempt > best {
				serial, captured, best = *s, true, b.attempt
			}
		}
	}
	rolled := d.Status == site.StatusFailed || d.Status == site.StatusBlocked
	if captured || passed(ptr(steps["legacy_tag"])) {
		h := &Handset{Serial: serial.Value, MAC: p.MAC, Tag: steps["legacy_tag"].Value, Model: p.LegacyModel,
			Condition: steps["legacy_condition"].Value, State: string(assets.StateInstalled), Override: serial.Override || steps["legacy_tag"].Override,
			Disputed: serial.Disputed || steps["legacy_tag"].Disputed}
		if serial.Outcome == OutcomeSkip {
			h.Serial = ""
		}
		pre := steps["precheck"]
		h.MAC, h.Serial = legacyIdentity(h.MAC, h.Serial, seenLegacy(pre.Outcome, pre.Evidence))
		for _, k := range []string{"swap", "remove"} {
			if s := steps[k]; passed(&s) && !passed(ptr(steps["rb_reconnect"])) {
				h.State, h.MovedAt, h.MovedBy = string(assets.StateRemoved), s.At, s.By
				d.TakenOut = &s
			}
		}
		if s := steps["disposition"]; passed(&s) && !rolled {
			if s.Disputed {
				h.Disputed = true
			} else if disp, err := ParseDisposition(s.Value); err == nil {
				h.State, h.WTNRef = string(disp.State), disp.WTNRef
			}
		}
		if d.OutcomeDisputed() {
			h.Disputed = true
		}
		h.Key = assets.HandsetKey(h.Serial, h.MAC, h.Tag)
		d.Legacy = h
	}
	if h := newPhone(p, steps); h != nil {
		if rolled || passed(ptr(steps["rb_reconnect"])) {
			h.State = string(assets.StateRemoved)
		}
		if d.OutcomeDisputed() {
			h.Disputed = true
		}
		h.Key = assets.HandsetKey(h.Serial, h.MAC, h.Tag)
		d.New = h
	}
}

// newPhone is the phone an attempt installed, as its steps give it: nil
// until its asset tag is scanned.
func newPhone(p site.Position, steps map[string]DerivedStep) *Handset {
	tag := steps["new_tag"]
	if !passed(&tag) {
		return nil
	}
	ns := steps["new_serial"]
	h := &Handset{Serial: ns.Value, Tag: tag.Value, State: string(assets.StateInstalled), MovedAt: tag.At, MovedBy: tag.By,
		Override: ns.Override || tag.Override, Disputed: ns.Disputed || tag.Disputed}
	if m, err := assets.NormaliseModel(p.TargetModel); err == nil {
		h.Model = m
	}
	if v := steps["verify"]; v.Evidence != nil && v.Evidence.Phone != nil {
		h.MAC = v.Evidence.Phone.MAC
		if m, err := assets.NormaliseModel(v.Evidence.Phone.Model); err == nil && v.Evidence.Phone.Model != "" {
			h.Model = m
		}
	}
	return h
}

// replacement places the phones of an attempt that reopened the position:
// the phone on the jack before it (prior's) stays until the replace step
// takes it out, then follows its own disposition; the replacement is on
// the jack from its asset tag, or bagged again when the attempt is rolled
// back. Phones taken out are kept in Replaced, oldest first.
func (d *Derived) replacement(p site.Position, prior Derived, steps map[string]DerivedStep) {
	d.Replaced = append([]Handset(nil), prior.Replaced...)
	rolled := d.Status == site.StatusFailed || d.Status == site.StatusBlocked
	if prior.New != nil {
		old := *prior.New
		if out := steps[StepReplace]; passed(&out) {
			old.State, old.MovedAt, old.MovedBy = string(assets.StateRemoved), out.At, out.By
			if s := steps[StepFaultyDisposition]; passed(&s) {
				if s.Disputed {
					old.Disputed = true
				} else if disp, err := ParseDisposition(s.Value); err == nil {
					old.State, old.WTNRef = string(disp.State), disp.WTNRef
				}
			}
			d.Replaced = append(d.Replaced, old)
		} else {
			d.New = &old
		}
	}
	if h := newPhone(p, steps); h != nil {
		if d.OutcomeDisputed() {
			h.Disputed = true
		}
		h.Key = assets.HandsetKey(h.Serial, h.MAC, h.Tag)
		if rolled || passed(ptr(steps[StepPutBack])) {
			h.State = string(assets.StateRemoved)
			d.Replaced = append(d.Replaced, *h)
		} else {
			d.New = h
		}
	}
}
