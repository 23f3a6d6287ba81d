package laptop

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
)

// Kind orders what needs attention: the worst first.
type Kind int

const (
	Dark       Kind = iota // a critical position without a working phone now
	Failed                 // a failed position, or a failed step of one in progress
	Rollback               // a rollback half done
	Blocked                // a blocked position
	Leftover               // a legacy handset taken out but seen again
	Unexpected             // a phone no position plans
	Moved                  // a handset seen on another port
	Missing                // a planned handset not seen
	FailedRead             // a switch the last discovery could not read
	Unproven               // a check passed on facts confirmed by eye
	InConflict             // open sync conflicts
)

// Evidence is what a discovery saw of a problem: the planned position, the
// phone seen, or both, with the outcome that ties them ("leftover" for a
// legacy handset seen again).
type Evidence struct {
	Outcome  string
	Expected *devices.Expected
	Seen     *devices.Sighting
}

// Item is one thing a site needs attention for.
type Item struct {
	Kind  Kind
	Glyph string // the mark shown beside it
	Label string // the position, if it is about one
	Text  string
	// Evidence is the discovery result behind it, where an engineer can
	// act on it; Names maps recorded switch addresses to their names.
	Evidence *Evidence
	Names    map[string]string
	// Dark is a critical position dark now: its timer counts as it is read.
	Dark *runbook.Continuity
}

// Words is the item's text at now: a dark position's timer counts up.
func (a Item) Words(now time.Time) string {
	if a.Dark == nil {
		return a.Text
	}
	c := a.Dark.At(now)
	return fmt.Sprintf("critical, %s since %s%s", c.Words(), shortTime(c.Since().Format(time.RFC3339)), a.Text)
}

// Attention gathers every open problem of a site, the worst first: failed
// and blocked positions; positions in progress whose runbook (runbook.Steps)
// holds a failed step or a rollback half done; the latest discovery's
// leftovers, unexpected phones (those not marked not ours), moved and
// missing handsets, and the switches it could not read; critical positions
// dark at now; checks passed on facts confirmed by eye; and open conflicts.
// It also returns the latest discovery's verdicts by position.
func Attention(ctx context.Context, st *site.Store, code string, now time.Time) ([]Item, map[string]site.Verdict, error) {
	// Only the positions with a problem are read, not the whole site.
	ps, err := st.PositionsWithStatus(ctx, code, site.StatusFailed, site.StatusBlocked, site.StatusInProgress)
	if err != nil {
		return nil, nil, err
	}
	addrs, err := st.SwitchAddrs(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, a := range addrs {
		names[strings.ToLower(a.Addr)] = a.Switch
	}
	props, err := Proposals(ctx, st, code)
	if err != nil {
		return nil, nil, err
	}
	byKey := map[string]site.Proposal{}
	for _, p := range props {
		byKey[p.Key()] = p
	}
	withMark := func(text string, e Evidence) string {
		if m := ProposalMark(byKey, e); m != "" {
			return text + "  " + m
		}
		return text
	}
	var out []Item
	for _, p := range ps {
		switch p.Status {
		case site.StatusFailed:
			out = append(out, Item{Kind: Failed, Glyph: p.Status.Symbol(), Label: p.Label, Text: "failed: " + orWord(p.StatusReason, "no reason given")})
		case site.StatusBlocked:
			out = append(out, Item{Kind: Blocked, Glyph: p.Status.Symbol(), Label: p.Label, Text: "blocked: " + orWord(p.StatusReason, "no reason given")})
		case site.StatusInProgress:
			pr, err := runbook.Steps(ctx, st, code, p.Label)
			if err != nil {
				return nil, nil, err
			}
			if it, ok := InProgressProblem(pr); ok {
				out = append(out, it)
			}
		}
	}
	vs, err := st.LatestVerdicts(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	seen, err := st.LatestUnexpected(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	notOurs, err := client.NotOurs(ctx, st, code)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range seen {
		s := SightingOf(o)
		if o.Label != "" {
			e := Evidence{Outcome: "leftover", Expected: &devices.Expected{Label: o.Label}, Seen: &s}
			out = append(out, Item{Kind: Leftover, Glyph: "⟲", Label: o.Label, Evidence: &e, Names: names,
				Text: fmt.Sprintf("legacy handset recorded as taken out, seen again on %s %s", SwitchName(&s, names), o.Port)})
			continue
		}
		if notOurs[o.MAC] {
			continue
		}
		e := Evidence{Outcome: site.OutcomeUnexpected, Seen: &s}
		out = append(out, Item{Kind: Unexpected, Glyph: "+", Evidence: &e, Names: names,
			Text: withMark(fmt.Sprintf("unexpected phone on %s %s: %s %s", SwitchName(&s, names), o.Port,
				strings.TrimSpace(o.Vendor+" "+o.Model), o.MAC), e)})
	}
	for _, label := range sortedKeys(vs) {
		v := vs[label]
		if v.Outcome != site.OutcomeMoved && v.Outcome != site.OutcomeMissing {
			continue
		}
		p, err := st.Position(ctx, code, label)
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
			if o, _, ok, err := st.LastSeen(ctx, code, v.MAC); err == nil && ok {
				s = SightingOf(o)
			}
			e := Evidence{Outcome: site.OutcomeMoved, Expected: &exp, Seen: &s}
			out = append(out, Item{Kind: Moved, Glyph: "↔", Label: label, Evidence: &e, Names: names,
				Text: withMark(fmt.Sprintf("moved: seen on %s %s, planned %s %s", SwitchName(&s, names), v.Port, p.Switch, p.Port)+older, e)})
		case site.OutcomeMissing:
			out = append(out, Item{Kind: Missing, Glyph: "?", Label: label,
				Text: fmt.Sprintf("missing at the last discovery (planned %s %s)", p.Switch, p.Port) + older})
		}
	}
	failedReads, err := st.LatestFailedReads(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range failedReads {
		out = append(out, Item{Kind: FailedRead, Glyph: "!",
			Text: fmt.Sprintf("the last discovery (%s) could not read %s, so its findings are older: %s", safetext.Line(shortTime(f.At)), safetext.Line(f.Switch), safetext.Line(f.Error))})
	}
	dark, err := runbook.SiteContinuity(ctx, st, code, now)
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
		out = append(out, Item{Kind: Dark, Glyph: "☎", Label: pc.Position.Label, Dark: &c, Text: why})
	}
	unproven, err := runbook.UnprovenChecks(ctx, st, code)
	if err != nil {
		return nil, nil, err
	}
	for _, label := range sortedKeys(unproven) {
		out = append(out, Item{Kind: Unproven, Glyph: "≈", Label: label,
			Text: "unproven: " + safetext.Line(strings.Join(unproven[label], "; ")) + " (the switch does not report it)"})
	}
	n, err := OpenConflicts(ctx, st, code)
	if err != nil {
		return nil, nil, err
	}
	if n > 0 {
		out = append(out, Item{Kind: InConflict, Glyph: "⚠", Text: fmt.Sprintf("%d open sync conflict%s: enter lists them", n, plural(n))})
	}
	sortItems(out)
	return out, vs, nil
}

// InProgressProblem is what is wrong with a position in progress, by what
// its runbook says: a rollback half done, or a step whose latest result in
// this attempt is a failure.
func InProgressProblem(pr runbook.Progress) (Item, bool) {
	label := pr.Position.Label
	if pr.Mode == runbook.ModeRollback {
		next := ""
		if pr.Current != nil {
			next = ": next " + pr.Current.Title
		}
		return Item{Kind: Rollback, Glyph: "↺", Label: label, Text: "rollback half done" + next}, true
	}
	for _, s := range append(append([]runbook.StepState{}, pr.Steps...), pr.Rollback...) {
		if s.Outcome == runbook.OutcomeFail {
			why := ""
			if s.Note != "" {
				why = ": " + s.Note
			}
			return Item{Kind: Failed, Glyph: "✗", Label: label, Text: "in progress, step failed: " + s.Title + why}, true
		}
	}
	return Item{}, false
}

// SightingOf is a phone a discovery recorded, as the devices package sees it.
func SightingOf(o site.ObservedPhone) devices.Sighting {
	return devices.Sighting{Switch: o.Switch, SysName: o.SysName, Phone: devices.Phone{Port: o.Port, IfIndex: o.IfIndex, MAC: o.MAC,
		IP: o.IP, Name: o.Name, Vendor: o.Vendor, Model: o.Model, Serial: o.Serial, Firmware: o.Firmware, VoiceVLAN: o.VoiceVLAN,
		AccessVLAN: o.AccessVLAN, PoEClass: o.PoEClass, PoEMW: o.PoEMW, Sources: o.Sources, Evidence: o.Evidence}}
}

// SwitchName is the inventory's name of the switch a phone was seen on
// (names maps recorded addresses to names), else its sysName, else the
// address it was read at.
func SwitchName(s *devices.Sighting, names map[string]string) string {
	if n := names[strings.ToLower(s.Switch)]; n != "" {
		return n
	}
	if s.SysName != "" {
		return s.SysName
	}
	return s.Switch
}

// sortItems puts the worst first, keeping each kind's own order.
func sortItems(items []Item) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].Kind < items[j].Kind })
}

// shortTime shows an RFC 3339 time as "2026-11-25 16:13".
func shortTime(s string) string {
	if len(s) >= 16 {
		return strings.Replace(s[:16], "T", " ", 1)
	}
	return s
}

func orWord(s, w string) string {
	if s == "" {
		return w
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
