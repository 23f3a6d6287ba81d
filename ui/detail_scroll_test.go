package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"cutover/site"
)

// reopenedFC01 is FC-01 swapped (its legacy serial mistyped, then
// corrected), reopened because its phone died, and its phone replaced,
// all by keys; it returns on FC-01's detail at w×h.
func reopenedFC01(t *testing.T, w, h int) (*root, *detail) {
	t.Helper()
	st, runner, _ := demoRig(t)
	m := newTestRoot(t, st, "KX", w, h)
	m.sh.runner = runner
	press(t, m, "p", "/", "FC-01", "enter", "enter", "w")
	z := m.top().(*wizard)
	press(t, m, "enter")
	scan(t, m, "FCH1234ABCE") // a digit wrong
	scan(t, m, "LEG-0001")
	press(t, m, "esc", "up", "up", "c")
	scan(t, m, "FCH1234ABCD")
	press(t, m, "serial mistyped", "enter", "good", "enter")
	tellAndSkipStaging(t, m)
	press(t, m, "enter", "enter", "enter", "NEW-0001", "enter", "enter")
	press(t, m, "y", "PS Morgan", "enter", "y", "y", "y", "y", "enter", "s", "enter", "Sgt Okafor", "enter")
	if status(t, st, "FC-01") != site.StatusDone {
		t.Fatalf("FC-01 not done after its swap: due %s, %s", current(z), z.lastErr)
	}
	press(t, m, "o", "phone dead since Monday", "enter")
	tellAndSkipStaging(t, m)
	press(t, m, "enter", "enter", "enter", "NEW-0002", "enter")
	press(t, m, "y", "PS Morgan", "enter", "y", "y", "y", "y", "enter", "s", "enter", "Sgt Okafor", "enter")
	if status(t, st, "FC-01") != site.StatusDone || z.pr.Attempt != 2 {
		t.Fatalf("the replacement did not finish: attempt %d, due %s, %s", z.pr.Attempt, current(z), z.lastErr)
	}
	press(t, m, "esc")
	d, ok := m.top().(*detail)
	if !ok {
		t.Fatalf("esc from the wizard went to %T, not the detail", m.top())
	}
	return m, d
}

// The user's report, points 1 to 5: at 120×40 the detail of a reopened
// position is longer than the screen. It says how many lines are hidden
// below, and ↓/j, pgdn, end, pgup, ↑/k and home move the page, the
// markers counting the lines hidden above and below; the keys are in its
// help. The results of each attempt are under that attempt's name, never
// under the replacement's step names; no time is shown raw; its dark time
// is said in the wizard's words; where the legacy handset went is named
// as such.
func TestTheDetailOfAReopenedPositionScrolls(t *testing.T) {
	m, d := reopenedFC01(t, 120, 40)
	page := d.lines()
	if len(page) <= d.h {
		t.Fatalf("the page is %d lines, the screen %d: nothing to scroll", len(page), d.h)
	}
	frame := m.View()
	if n := strings.Count(frame, "\n") + 1; n > 40 {
		t.Fatalf("the frame is %d lines at 120×40", n)
	}
	last := len(page) - (d.h - 1) // the first line shown at the end
	mustContain(t, frame, fmt.Sprintf("↓ %d more lines", len(page)-(d.h-1)), "↓/j scroll down", "pgdn page down")
	mustNotContain(t, frame, "↑ ", page[len(page)-1])

	press(t, m, "end")
	frame = m.View()
	mustContain(t, frame, fmt.Sprintf("↑ %d more lines", last), page[len(page)-1])
	mustNotContain(t, frame, "more lines (↓")
	press(t, m, "down") // already at the end
	if d.top != last {
		t.Fatalf("↓ at the end moved the page to %d, want %d", d.top, last)
	}
	press(t, m, "k")
	mustContain(t, m.View(), fmt.Sprintf("↑ %d more lines", last-1), fmt.Sprintf("↓ %d more lines", 1+1))
	press(t, m, "home")
	mustNotContain(t, m.View(), "↑ ")
	press(t, m, "pgdown")
	if d.top != d.h-2 && d.top != last {
		t.Fatalf("pgdn moved the page to line %d", d.top)
	}
	press(t, m, "pgup", "j")
	if d.top != 1 {
		t.Fatalf("pgup then j: line %d, want 1", d.top)
	}
	press(t, m, "?")
	mustContain(t, m.View(), "scroll up", "scroll down", "page up", "page down", "g/home", "G/end", "swap runbook", "next position")
	press(t, m, "?")

	whole := strings.Join(page, "\n")
	mustContain(t, whole, "Dark time      was dark ",
		"Legacy disposition returned to store",
		"Attempt 1 · the swap · done",
		"Attempt 2 · reopened: phone dead since Monday · done",
		"Steps with more than one result")
	if raw := regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`).FindString(whole); raw != "" {
		t.Errorf("a time shown raw: %s\n%s", raw, whole)
	}
	// Every result sits under the attempt it was recorded in.
	attempt := ""
	heading := regexp.MustCompile(`^  Attempt (\d+) · `)
	try := regexp.MustCompile(` · attempt (\d+) · `)
	inSteps := false
	for _, l := range page {
		switch {
		case strings.HasPrefix(l, "Steps with more than one result"):
			inSteps = true
		case inSteps && l == "":
			inSteps = false
		case inSteps && heading.MatchString(l):
			attempt = heading.FindStringSubmatch(l)[1]
		case inSteps && try.MatchString(l):
			if got := try.FindStringSubmatch(l)[1]; got != attempt {
				t.Errorf("a result of attempt %s listed under attempt %q: %s", got, attempt, l)
			}
		}
	}
	if attempt != "1" {
		t.Errorf("the corrected legacy serial is not under attempt 1:\n%s", whole)
	}
}

// At 80×24 the detail of the reopened position fits the width from top to
// bottom, its long lines wrapped, and the footer keeps esc.
func TestTheDetailOfAReopenedPositionFitsEightyColumns(t *testing.T) {
	m, d := reopenedFC01(t, 80, 24)
	mustContain(t, m.View(), "esc back", fmt.Sprintf("↓ %d more lines", len(d.lines())-(d.h-1)))
	for range len(d.lines()) / max(d.h-2, 1) {
		fitsWhole(t, m.View(), 80)
		press(t, m, "pgdown")
	}
	frame := m.View()
	fitsWhole(t, frame, 80)
	mustContain(t, frame, "  in progress → done  alex  signed off by Sgt Okafor")
	mustNotContain(t, frame, "more lines (↓")
}
