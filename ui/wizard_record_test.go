package ui

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

// These tests type what an engineer (or a barcode scanner) types into the
// wizard, mistakes included, and then read what the local database holds.

// scan sends a barcode scanner's burst: the characters in one message,
// then Enter.
func scan(t *testing.T, m *root, v string) {
	t.Helper()
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(v)})
	drain(t, m, cmd)
	press(t, m, "enter")
}

// results lists a position's step results as the database holds them,
// "key outcome value | note", oldest first, with "(correction of X)" and
// "(override)" where set.
func results(t *testing.T, st *site.Store, label string) []string {
	t.Helper()
	rows, err := st.DB().Query(`SELECT r.step_key, r.outcome, r.value, r.note, r.corrects, r.override FROM step_results r
		JOIN positions p ON p.id = r.position_id WHERE p.site = 'KX' AND p.label = ? ORDER BY r.id`, label)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, o, v, n string
		var corrects sql.NullString
		var override bool
		if err := rows.Scan(&k, &o, &v, &n, &corrects, &override); err != nil {
			t.Fatal(err)
		}
		line := k + " " + o
		if v != "" {
			line += " " + v
		}
		line = strings.TrimSpace(line + " | " + n)
		if corrects.Valid {
			line += " (correction of " + corrects.String + ")"
		}
		if override {
			line += " (override)"
		}
		out = append(out, line)
	}
	return out
}

func resultsFor(t *testing.T, st *site.Store, label, key string) []string {
	var out []string
	for _, r := range results(t, st, label) {
		if strings.HasPrefix(r, key+" ") {
			out = append(out, r)
		}
	}
	return out
}

func status(t *testing.T, st *site.Store, label string) site.Status {
	t.Helper()
	p, err := st.Position(context.Background(), "KX", label)
	if err != nil {
		t.Fatal(err)
	}
	return p.Status
}

// walkPT01 records PT-01's steps up to its push-to-talk group call.
func walkPT01(t *testing.T, m *root, z *wizard) {
	t.Helper()
	press(t, m, "enter")
	scan(t, m, "FCH1234PT01")
	scan(t, m, "MPS-PT01")
	press(t, m, "g", "enter") // condition: good
	tellAndSkipStaging(t, m)  // a CT ops PTT phone is critical
	press(t, m, "enter", "enter", "enter")
	scan(t, m, "MPS-NPT01")
	press(t, m, "enter")                                       // keep the DDI
	press(t, m, "y", "PS Morgan", "enter", "y", "y", "y", "y") // the inbound call and who was told it works, the other calls, recording, call logging
	if current(z) != "ptt_group" {
		t.Fatalf("walked PT-01 to %s, want ptt_group; %s", current(z), z.lastErr)
	}
}

// Issue 10 point 1, as written there: f, a note, Enter, then r must not
// record a pass; the failure stays in the record and on screen.
func TestRetryReasksAndKeepsTheFailure(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "PT-01")
	walkPT01(t, m, z)
	press(t, m, "esc", "f", "station 3 hears nothing", "enter", "r") // the group's name is asked for: esc, then f
	if got := resultsFor(t, st, "PT-01", "ptt_group"); len(got) != 1 || got[0] != "ptt_group fail | station 3 hears nothing" {
		t.Fatalf("after f, a note, enter, r the database holds %q; want only the failure", got)
	}
	frame := m.View()
	mustContain(t, frame, "Results recorded (1)", "✗ fail · attempt 1 · alex", "station 3 hears nothing")
	if z.prompt != promptValue {
		t.Fatalf("r on the failed group call: prompt %d, want the group's name asked again", z.prompt)
	}
	press(t, m, "CT OPS 1", "enter")
	got := resultsFor(t, st, "PT-01", "ptt_group")
	if len(got) != 2 || got[1] != "ptt_group pass CT OPS 1 |" {
		t.Fatalf("after the deliberate Enter: %q", got)
	}
	press(t, m, "up")
	mustContain(t, m.View(), "Results recorded (2)", "station 3 hears nothing", "✓ pass · attempt 1")

	// The same on HD-01's "Remove the handset".
	m, z = openWizard(t, st, runner, "HD-01")
	press(t, m, "esc", "s", "bulk collection", "enter") // serial: skipped
	press(t, m, "esc", "s", "no tag", "enter")
	press(t, m, "g", "enter") // condition good
	if current(z) != "remove" {
		t.Fatalf("HD-01 at %s; %s", current(z), z.lastErr)
	}
	press(t, m, "f", "handset screwed to the desk", "enter", "r")
	if got := resultsFor(t, st, "HD-01", "remove"); len(got) != 1 || !strings.HasPrefix(got[0], "remove fail") {
		t.Fatalf("HD-01 remove after f, note, r: %q", got)
	}
}

// Issue 10 point 2, as written there: a refused note keeps its prompt, and
// the words typed next are the note, not commands.
func TestRefusedNoteKeepsItsPromptOpen(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	walkToCalls(t, m, z)
	press(t, m, "f", "enter")
	mustContain(t, m.View(), "✗ Not recorded:", "a failure needs a note", "What went wrong?")
	press(t, m, "bad audio on handset")
	for _, r := range results(t, st, "FC-01") {
		if strings.HasPrefix(r, "rb_") || strings.HasPrefix(r, "call_in") {
			t.Fatalf("typing after a refused note recorded %q", r)
		}
	}
	press(t, m, "enter")
	if got := resultsFor(t, st, "FC-01", "call_in"); len(got) != 1 || got[0] != "call_in fail | bad audio on handset" {
		t.Fatalf("call_in: %q", got)
	}

	// Skip: s, Enter with no reason is refused; "no asset tag" is the reason.
	m, z = openWizard(t, st, runner, "FC-02")
	press(t, m, "enter")
	scan(t, m, "FCH2222BBBB")
	if current(z) != "legacy_tag" {
		t.Fatalf("FC-02 at %s", current(z))
	}
	press(t, m, "ctrl+s", "enter")
	mustContain(t, m.View(), "a skip needs a reason", "Why skip it?")
	press(t, m, "no asset tag", "enter")
	if got := resultsFor(t, st, "FC-02", "legacy_tag"); len(got) != 1 || got[0] != "legacy_tag skip | no asset tag" {
		t.Fatalf("legacy_tag: %q", got)
	}
}

// Keys typed while a result is being recorded are text for the prompt that
// opens next, never commands.
func TestKeysTypedWhileRecordingAreNeverCommands(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	walkToCalls(t, m, z)
	press(t, m, "f")
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter}) // empty note: sent, to be refused
	for _, k := range keyMsgs("bad audio") {           // typed before the answer arrives
		m.Update(k)
	}
	drain(t, m, cmd)
	if got := resultsFor(t, st, "FC-01", "rb_reason"); len(got) != 0 {
		t.Fatalf("b while recording started a rollback: %q", got)
	}
	if z.prompt != promptFail || z.input.Value() != "bad audio" {
		t.Fatalf("prompt %d holds %q, want the failure note with what was typed", z.prompt, z.input.Value())
	}
}

// Issue 10 point 4: a refused scan is selected, and the next scan replaces it.
func TestRefusedScanIsReplacedByTheNext(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	press(t, m, "enter")
	scan(t, m, "FCH1234ABCD")
	scan(t, m, "x!")
	mustContain(t, m.View(), "✗ Not recorded:", "refused: typing replaces it")
	scan(t, m, "MPS-00017")
	if got := resultsFor(t, st, "FC-01", "legacy_tag"); len(got) != 1 || got[0] != "legacy_tag pass MPS-00017 |" {
		t.Fatalf("legacy_tag: %q", got)
	}
	if current(z) != "legacy_condition" {
		t.Fatalf("at %s", current(z))
	}
}
