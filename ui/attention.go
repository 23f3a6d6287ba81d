package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"cutover/devices"
	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/client"

	tea "github.com/charmbracelet/bubbletea"
)

// attKind orders what needs attention: the worst first.
type attKind int

const (
	attDark       attKind = iota // a critical position without a working phone now
	attFailed                    // a failed position, or a failed step of one in progress
	attRollback                  // a rollback half done
	attBlocked                   // a blocked position
	attLeftover                  // a legacy handset taken out but seen again
	attUnexpected                // a phone no position plans
	attMoved                     // a handset seen on another port
	attMissing                   // a planned handset not seen
	attFailedRead                // a switch the last discovery could not read
	attUnproven                  // a check passed on facts confirmed by eye
	attConflicts                 // open sync conflicts
)

// attItem is one open problem on the dashboard, with what enter opens: the
// position, the discovery result (its evidence, where it can be acted on),
// or the conflicts.
type attItem struct {
	kind  attKind
	glyph string
	label string
	text  string
	rec   *recItem            // opens the evidence
	names map[string]string   // for the evidence: switch addresses → names
	dark  *runbook.Continuity // a critical position dark now: its timer counts as the screen is drawn
}

// words is the item's text at now: a dark position's timer counts up.
func (a attItem) words(now time.Time) string {
	if a.dark == nil {
		return a.text
	}
	c := a.dark.At(now)
	return fmt.Sprintf("critical, %s since %s%s", c.Words(), shortTime(c.Since().Format(time.RFC3339)), a.text)
}

func (a attItem) open(sh *shared, code string) screen {
	switch {
	case a.kind == attConflicts:
		return newConflictsScreen(sh, code)
	case a.rec != nil:
		return newEvidence(sh, code, *a.rec, a.names)
	case a.label != "":
		return newDetail(sh, code, a.label)
	}
	return nil
}

// loadAttention gathers every open problem of a site: failed and blocked
// positions; positions in progress whose runbook (runbook.Steps) holds a
// failed step or a rollback half done; the latest discovery's leftovers,
// unexpected phones (those not marked not ours), moved and missing
// handsets; and open conflicts.
func loadAttention(ctx context.Context, sh *shared, code string) ([]attItem, map[string]site.Verdict, error) {
	// Only the positions with a problem are read, not the whole site: the
	// list of every position is read after the first frame (loadDashCmd).
	ps, err := sh.store.PositionsWithStatus(ctx, code, site.StatusFailed, site.StatusBlocked, site.StatusInProgress)
	if err != nil {
		return nil, nil, err
	}
	addrs, err := sh.store.SwitchAddrs(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, a := range addrs {
		names[strings.ToLower(a.Addr)] = a.Switch
	}
	props, err := client.Proposals(ctx, sh.store, code)
	if err != nil {
		return nil, nil, err
	}
	byKey := map[string]site.Proposal{}
	for _, p := range props {
		byKey[p.Key()] = p
	}
	withMark := func(text string, it recItem) string {
		if m := proposalMark(byKey, it); m != "" {
			return text + "  " + m
		}
		return text
	}
	var out []attItem
	for _, p := range ps {
		switch p.Status {
		case site.StatusFailed:
			out = append(out, attItem{kind: attFailed, glyph: p.Status.Symbol(), label: p.Label, text: "failed: " + orWord(p.StatusReason, "no reason given")})
		case site.StatusBlocked:
			out = append(out, attItem{kind: attBlocked, glyph: p.Status.Symbol(), label: p.Label, text: "blocked: " + orWord(p.StatusReason, "no reason given")})
		case site.StatusInProgress:
			pr, err := runbook.Steps(ctx, sh.store, code, p.Label)
			if err != nil {
				return nil, nil, err
			}
			if it, ok := inProgressProblem(pr); ok {
				out = append(out, it)
			}
		}
	}
	vs, err := sh.store.LatestVerdicts(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	seen, err := sh.store.LatestUnexpected(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	notOurs, err := client.NotOurs(ctx, sh.store, code)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range seen {
		s := sightingOf(o)
		if o.Label != "" {
			it := recItem{outcome: "leftover", expected: &devices.Expected{Label: o.Label}, seen: &s}
			out = append(out, attItem{kind: attLeftover, glyph: "⟲", label: o.Label, rec: &it, names: names,
				text: fmt.Sprintf("legacy handset recorded as taken out, seen again on %s %s", switchName(&s, names), o.Port)})
			continue
		}
		if notOurs[o.MAC] {
			continue
		}
		it := recItem{outcome: site.OutcomeUnexpected, seen: &s}
		out = append(out, attItem{kind: attUnexpected, glyph: "+", rec: &it, names: names,
			text: withMark(fmt.Sprintf("unexpected phone on %s %s: %s %s", switchName(&s, names), o.Port,
				strings.TrimSpace(o.Vendor+" "+o.Model), o.MAC), it)})
	}
	for _, label := range sortedKeys(vs) {
		v := vs[label]
		if v.Outcome != site.OutcomeMoved && v.Outcome != site.OutcomeMissing {
			continue
		}
		p, err := sh.store.Position(ctx, code, label)
		if err != nil {
			return nil, nil, err
		}
		if p.Status == site.StatusWithdrawn || p.Status == site.StatusDone && v.Outcome == site.OutcomeMissing {
			continue // a position finished since is never missing
		}
		older := ""
		if v.Older {
			older = " — from an earlier discovery (" + safetext.Line(shortTime(v.At)) + "): the latest could not read its switch"
		}
		exp := devices.Expected{Label: p.Label, Switch: p.Switch, Port: p.Port, MAC: p.MAC}
		switch v.Outcome {
		case site.OutcomeMoved:
			if devices.SamePort(v.Port, p.Port) {
				continue // the plan has caught up (a proposal accepted)
			}
			s := devices.Sighting{Switch: v.Switch, Phone: devices.Phone{Port: v.Port, MAC: v.MAC}}
			if o, _, ok, err := sh.store.LastSeen(ctx, code, v.MAC); err == nil && ok {
				s = sightingOf(o)
			}
			it := recItem{outcome: site.OutcomeMoved, expected: &exp, seen: &s}
			out = append(out, attItem{kind: attMoved, glyph: "↔", label: label, rec: &it, names: names,
				text: withMark(fmt.Sprintf("moved: seen on %s %s, planned %s %s", switchName(&s, names), v.Port, p.Switch, p.Port)+older, it)})
		case site.OutcomeMissing:
			out = append(out, attItem{kind: attMissing, glyph: "?", label: label,
				text: fmt.Sprintf("missing at the last discovery (planned %s %s)", p.Switch, p.Port) + older})
		}
	}
	failedReads, err := sh.store.LatestFailedReads(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range failedReads {
		out = append(out, attItem{kind: attFailedRead, glyph: "!",
			text: fmt.Sprintf("the last discovery (%s) could not read %s, so its findings are older: %s", safetext.Line(shortTime(f.At)), safetext.Line(f.Switch), safetext.Line(f.Error))})
	}
	dark, err := runbook.SiteContinuity(ctx, sh.store, code, sh.wall())
	if err != nil {
		return nil, nil, err
	}
	for _, pc := range dark {
		if !pc.Continuity.DarkNow() {
			continue
		}
		c := pc.Continuity
		why := ""
		if len(pc.Reasons) > 0 {
			why = " · left dark: " + safetext.Line(pc.Reasons[len(pc.Reasons)-1])
		}
		out = append(out, attItem{kind: attDark, glyph: "☎", label: pc.Position.Label, dark: &c, text: why})
	}
	unproven, err := runbook.UnprovenChecks(ctx, sh.store, code)
	if err != nil {
		return nil, nil, err
	}
	for _, label := range sortedKeys(unproven) {
		out = append(out, attItem{kind: attUnproven, glyph: "≈", label: label,
			text: "unproven: " + safetext.Line(strings.Join(unproven[label], "; ")) + " (the switch does not report it)"})
	}
	n, err := client.OpenConflicts(ctx, sh.store, code)
	if err != nil {
		return nil, nil, err
	}
	if n > 0 {
		out = append(out, attItem{kind: attConflicts, glyph: "⚠", text: fmt.Sprintf("%d open sync conflict%s: enter lists them", n, plural(n))})
	}
	sortAttention(out)
	return out, vs, nil
}

// inProgressProblem is what is wrong with a position in progress, by what
// its runbook says: a rollback half done, or a step whose latest result in
// this attempt is a failure.
func inProgressProblem(pr runbook.Progress) (attItem, bool) {
	label := pr.Position.Label
	if pr.Mode == runbook.ModeRollback {
		next := ""
		if pr.Current != nil {
			next = ": next " + pr.Current.Title
		}
		return attItem{kind: attRollback, glyph: "↺", label: label, text: "rollback half done" + next}, true
	}
	for _, s := range append(append([]runbook.StepState{}, pr.Steps...), pr.Rollback...) {
		if s.Outcome == runbook.OutcomeFail {
			why := ""
			if s.Note != "" {
				why = ": " + s.Note
			}
			return attItem{kind: attFailed, glyph: "✗", label: label, text: "in progress, step failed: " + s.Title + why}, true
		}
	}
	return attItem{}, false
}

func sightingOf(o site.ObservedPhone) devices.Sighting {
	return devices.Sighting{Switch: o.Switch, SysName: o.SysName, Phone: devices.Phone{Port: o.Port, IfIndex: o.IfIndex, MAC: o.MAC,
		IP: o.IP, Name: o.Name, Vendor: o.Vendor, Model: o.Model, Serial: o.Serial, Firmware: o.Firmware, VoiceVLAN: o.VoiceVLAN,
		AccessVLAN: o.AccessVLAN, PoEClass: o.PoEClass, PoEMW: o.PoEMW, Sources: o.Sources, Evidence: o.Evidence}}
}

// sortAttention puts the worst first, keeping each kind's own order.
func sortAttention(items []attItem) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].kind < items[j].kind })
}

func loadAttentionCmd(sh *shared, code string) tea.Cmd {
	ctx := sh.ctx
	return func() tea.Msg {
		items, vs, err := loadAttention(ctx, sh, code)
		return attentionMsg{code: code, items: items, verdicts: vs, err: err}
	}
}
