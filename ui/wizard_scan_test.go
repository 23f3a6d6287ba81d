package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// fastKeys sends keys as a barcode scanner delivers them, a character
// every few milliseconds: each one reaches Update before any Cmd has run.
func fastKeys(t *testing.T, m *root, v string, enter bool) {
	t.Helper()
	var cmds []tea.Cmd
	for _, k := range keyMsgs(v) {
		_, cmd := m.Update(k)
		cmds = append(cmds, cmd)
	}
	if enter {
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		drain(t, m, c)
	}
}

// A serial scanned by mistake on a step that takes no value records
// nothing: not its Enter as a confirmation, not its letters as commands.
func TestAScanWhereNoValueIsAskedRecordsNothing(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	walkToCalls(t, m, z)
	before := len(results(t, st, "FC-01"))
	for _, scanAs := range []string{"burst", "keys"} {
		if scanAs == "burst" {
			_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("FCH9999XYZ1")}) // one message
			drain(t, m, cmd)
		} else {
			fastKeys(t, m, "fch1111abcd", true) // f first: a command key, if read alone
		}
		if n := len(results(t, st, "FC-01")); n != before {
			t.Fatalf("a %s scan on a confirm step recorded %q", scanAs, results(t, st, "FC-01")[before:])
		}
		mustContain(t, m.View(), "✗ Not recorded:", "esc or enter to go on")
		if !strings.Contains(z.lastErr, "was typed or scanned, but this step takes no value") {
			t.Fatalf("refusal: %s", z.lastErr)
		}
		press(t, m, "enter") // closes the notice, confirms nothing
		if n := len(results(t, st, "FC-01")); n != before || current(z) != "call_in" {
			t.Fatalf("the Enter after a refused %s scan: %q at %s", scanAs, results(t, st, "FC-01")[before:], current(z))
		}
	}
	// Keys pressed one at a time, as a person does, are still commands.
	press(t, m, "f", "no ring", "enter")
	if got := resultsFor(t, st, "FC-01", "call_in"); len(got) != 1 || got[0] != "call_in fail | no ring" {
		t.Fatalf("f as a command: %q", got)
	}
	// r lasts through a cancelled prompt.
	press(t, m, "r", "f", "esc")
	mustContain(t, m.View(), "↻ Due again")
	press(t, m, "y")
	if got := resultsFor(t, st, "FC-01", "call_in"); len(got) != 2 || got[1] != "call_in pass |" {
		t.Fatalf("after r, f, esc, enter: %q", got)
	}
}

// A scan on a failed position does not start it again.
func TestAScanDoesNotRestartAFailedPosition(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "HD-01")
	press(t, m, "esc", "s", "bulk", "enter", "esc", "b", "f", "enter", "handset bolted to the desk", "enter", "enter")
	if status(t, st, "HD-01") != "failed" || z.pr.Restartable != true {
		t.Fatalf("HD-01 %s restartable %v; %s", status(t, st, "HD-01"), z.pr.Restartable, z.lastErr)
	}
	n := len(results(t, st, "HD-01"))
	fastKeys(t, m, "FCH5555CS02", true)
	if len(results(t, st, "HD-01")) != n || z.pr.Attempt != 1 {
		t.Fatalf("a scan started attempt %d: %q", z.pr.Attempt, results(t, st, "HD-01")[n:])
	}
}

// Lost needs a note; a disposition picked by mistake is corrected.
func TestLostNeedsANoteAndADispositionIsCorrected(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "MR-01")
	press(t, m, "esc", "s", "bulk", "enter", "esc", "s", "none", "enter", "g", "enter", "enter", "enter")
	for current(z) != "disposition" {
		press(t, m, "enter")
		if z.lastErr != "" {
			t.Fatalf("at %s: %s", current(z), z.lastErr)
		}
	}
	press(t, m, "l", "enter")
	mustContain(t, m.View(), "Lost. How was it lost (kept as its note)?")
	press(t, m, "enter")
	if len(resultsFor(t, st, "MR-01", "disposition")) != 0 || !strings.Contains(z.lastErr, "needs a note saying how") {
		t.Fatalf("lost without a note: %q %s", resultsFor(t, st, "MR-01", "disposition"), z.lastErr)
	}
	press(t, m, "not in the room", "enter")
	if got := resultsFor(t, st, "MR-01", "disposition"); len(got) != 1 || got[0] != "disposition pass lost | not in the room" {
		t.Fatalf("lost: %q", got)
	}
	// Found after all: back to stores, as a correction.
	press(t, m, "esc", "up", "c", "s", "enter", "found in the cupboard", "enter") // esc: the sign-off's prompt is open
	got := resultsFor(t, st, "MR-01", "disposition")
	if len(got) != 2 || got[1] != "disposition pass returned_to_store | found in the cupboard (correction of lost)" {
		t.Fatalf("corrected disposition: %q (%s)", got, z.lastErr)
	}
	var state string
	st.DB().QueryRow(`SELECT a.state FROM assets a JOIN positions p ON p.id = a.position_id WHERE p.label = 'MR-01' AND a.kind = 'legacy'`).Scan(&state)
	if state != "returned_to_store" {
		t.Fatalf("the register says %s", state)
	}
}

// A test call is answered with y, and only once it could have been made:
// Enter records nothing on it, and a y straight after the last one is
// refused (issue 25, point 2).
func TestATestCallIsAnsweredNotEntered(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	walkToCalls(t, m, z)
	mustContain(t, m.View(), "☎ dial 020 7230 1003 from an outside line", "y: rang and showed the caller · f: it did not", "y rang and showed the caller")
	clock := time.Now().Add(time.Hour) // call_in has been on screen an hour
	m.sh.readPause, m.sh.wall = 700*time.Millisecond, func() time.Time { return clock }
	press(t, m, "enter")
	if got := resultsFor(t, st, "FC-01", "call_in"); len(got) != 0 || !strings.Contains(z.lastErr, "y (rang and showed the caller) or f (it did not") {
		t.Fatalf("enter on a test call: %q %s", got, z.lastErr)
	}
	press(t, m, "y") // call_in: on screen for a while already
	if got := resultsFor(t, st, "FC-01", "call_in"); len(got) != 1 || got[0] != "call_in pass |" {
		t.Fatalf("call_in: %q", got)
	}
	mustContain(t, m.View(), "Tell the front-counter supervisor it works again")
	press(t, m, "PS Morgan", "enter")
	mustContain(t, m.View(), "☎ from the new phone, dial your mobile; it should show 020 7230 1003")
	clock = clock.Add(400 * time.Millisecond)
	press(t, m, "y") // call_out, 0.4 s after it came up
	if got := resultsFor(t, st, "FC-01", "call_out"); len(got) != 0 || !strings.Contains(z.lastErr, "only just come up") {
		t.Fatalf("a y 0.4 s after call_out came up: %q %s", got, z.lastErr)
	}
	clock = clock.Add(3 * time.Second)
	press(t, m, "f", "no CLI shown at the far end", "enter")
	if got := resultsFor(t, st, "FC-01", "call_out"); len(got) != 1 || got[0] != "call_out fail | no CLI shown at the far end" {
		t.Fatalf("f on a test call: %q", got)
	}
	clock = clock.Add(3 * time.Second)
	press(t, m, "r", "y")
	if got := resultsFor(t, st, "FC-01", "call_out"); len(got) != 2 || got[1] != "call_out pass |" {
		t.Fatalf("the call made again: %q (%s)", got, z.lastErr)
	}
}
