package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"cutover/site"
	"cutover/sync/wire"
)

// Text as an attacker would plant it, for a laptop that pulls it from the
// hub: a window title, a screen wipe, colours, a C1 CSI and a DEL.
const (
	evilName   = "Kestrel\x1b]0;pwned\x07"
	evilRoom   = "Room\x1b]2;owned\x1b\\"
	evilLabel  = "L\x1b[2J\x1b[HCLEARED"
	evilReason = "\x1b[8mhidden\x1b[0m \u009b2J\x7f"
)

var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// frameIsInert fails when a frame holds any control character a terminal
// would obey, other than the styles' own colour sequences.
func frameIsInert(t *testing.T, what, frame string) {
	t.Helper()
	rest := sgr.ReplaceAllString(frame, "")
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			j := max(0, i-40)
			t.Fatalf("%s: raw byte 0x%02x in the frame: %q", what, c, rest[j:min(len(rest), i+40)])
		}
	}
	if strings.ContainsAny(rest, "\u009b\u009d") {
		t.Fatalf("%s: a raw C1 control in the frame", what)
	}
}

// plantHostile stores hostile text as the hub would deliver it, past the
// import's checks.
func plantHostile(t *testing.T, st *site.Store) {
	t.Helper()
	ctx := context.Background()
	err := st.Write(ctx, "hub", func(tx *site.Tx) error {
		if err := tx.ApplyHubSite(ctx, site.Site{Code: "KX", Name: evilName, Address: "<b>\x1b[5m", CeaseDate: "2027-03-31"}); err != nil {
			return err
		}
		_, p, err := site.FindPosition(ctx, tx, "KX", "FC-01")
		if err != nil {
			return err
		}
		p.Room, p.Notes, p.LegacyModel = evilRoom, "line one\nline\x1b[2K two", "CP-\x1b[1A7941"
		p.Status, p.StatusReason, p.UpdatedBy = site.StatusFailed, evilReason, "eve\x07"
		if err := tx.ApplyHubPosition(ctx, p, false); err != nil {
			return err
		}
		p.Label, p.Extension, p.MAC, p.DDI = evilLabel, "39999", "", ""
		p.Status, p.StatusReason = site.StatusBlocked, evilReason
		return tx.ApplyHubPosition(ctx, p, false)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestScreensShowStoredEscapesAsText drives the field TUI over hostile
// stored text: sites, dashboard, position list in every order, the filter,
// a position's detail and the assets screen. No frame carries a byte a
// terminal would obey, and the text is shown with its escapes visible.
func TestScreensShowStoredEscapesAsText(t *testing.T) {
	st := demoStore(t)
	plantHostile(t, st)
	m := newTestRoot(t, st, "", 120, 40)
	frame := m.View()
	frameIsInert(t, "sites", frame)
	mustContain(t, frame, `Kestrel\x1b]0;pwned\x07`)

	press(t, m, "enter")
	frame = m.View()
	frameIsInert(t, "dashboard", frame)
	mustContain(t, frame, `L\x1b[2J\x1b[HCLEARED`, `\x1b[8mhidden\x1b[0m \x9b2J\x7f`)

	press(t, m, "p")
	for i := range int(numSorts) {
		frameIsInert(t, "positions sorted by "+sortBy(i).String(), m.View())
		press(t, m, "s")
	}
	press(t, m, "/", "cleared")
	frame = m.View()
	frameIsInert(t, "filtered positions", frame)
	mustContain(t, frame, `L\x1b[2J…`, `Room\x1b]2;owned\x1b\`, `CP-\x1b[1A7941`)
	press(t, m, "enter", "enter")
	if _, ok := m.top().(*detail); !ok {
		t.Fatalf("enter opened %T, want the detail", m.top())
	}
	frame = m.View()
	frameIsInert(t, "detail", frame)
	mustContain(t, frame, `L\x1b[2J\x1b[HCLEARED`)

	press(t, m, "esc", "/")
	for range len("cleared") {
		press(t, m, "backspace")
	}
	press(t, m, "fc-01", "enter", "enter")
	frame = m.View()
	frameIsInert(t, "detail of FC-01", frame)
	mustContain(t, frame, `Room\x1b]2;owned\x1b\`, `CP-\x1b[1A7941`, `line\x1b[2K two`, `eve\x07`)

	press(t, m, "esc", "esc", "a")
	frameIsInert(t, "assets", m.View())
}

// TestProgressScreensShowHubTextAsText: the progress TUI given a hub's
// answer that holds escape sequences in names, reasons and positions.
func TestProgressScreensShowHubTextAsText(t *testing.T) {
	f := startProgressHub(t)
	m := newProgressTestRoot(t, f.client("sam"), 120, 40)
	p := wire.Progress{Sites: []wire.SiteProgress{{Code: "AA", Name: evilName, CeaseDate: "2027\x1b[2J",
		ProjectedFinish: "2027-01-01\x07", Figures: wire.Figures{Positions: 2, Remaining: 2},
		Problems: []wire.Problem{{Label: evilLabel, Status: "failed", Reason: evilReason}}}},
		Engineers: []wire.EngineerSync{{User: "eve\x1b]0;x\x07", Role: "engineer\x1b[2J", LastSync: "never\x07"}}}
	m.Update(hubProgressMsg{p: p, at: fixedNow})
	frame := m.View()
	frameIsInert(t, "progress", frame)
	mustContain(t, frame, `Kestrel\x1b]0;pwned\x07`)
	press(t, m, "tab")
	frameIsInert(t, "needs attention", m.View())
	mustContain(t, m.View(), `L\x1b[2J\x1b[`)
	press(t, m, "tab")
	frameIsInert(t, "engineers", m.View())
	press(t, m, "tab", "enter")
	frame = m.View()
	frameIsInert(t, "site progress", frame)
	mustContain(t, frame, `L\x1b[2J\x1b[`, `\x1b[8mhidden\x1b[0m \x9b2J\x7f`)
	press(t, m, "p")
	m.Update(hubPositionsMsg{code: "AA", ps: []wire.Position{{Label: evilLabel, Role: "front_counter", Plan: "avaya_fixed",
		Status: "failed", StatusReason: evilReason, Extension: "3\x1b[1m", UpdatedBy: "eve\x07"},
		{Label: "P2", Role: "x\x1b[2J", Plan: "y\x07", Status: "z\u009b", Notes: "a\nb\x1b[2J"}}})
	frame = m.View()
	frameIsInert(t, "hub positions", frame)
	mustContain(t, frame, `L\x1b[2J\x1…`, `x\x1b[2J`, `a ↵ b\x1b[2J`)
}

// TestSafeFrameKeepsStylesAndEscapesTheRest: the root's last guard keeps
// colour sequences and turns every other control into visible text.
func TestSafeFrameKeepsStylesAndEscapesTheRest(t *testing.T) {
	in := "\x1b[1;38;5;203mbold\x1b[0m a\x1b[2Jb \x1b]0;t\x07 \u009b c\x7f\td\n\xff"
	want := "\x1b[1;38;5;203mbold\x1b[0m a\\x1b[2Jb \\x1b]0;t\\x07 \\x9b c\\x7f\td\n\\xff"
	if got := safeFrame(in); got != want {
		t.Errorf("safeFrame = %q, want %q", got, want)
	}
	if s := "plain ✓ text\n\x1b[7mselected\x1b[0m"; safeFrame(s) != s {
		t.Errorf("a clean frame changed: %q", safeFrame(s))
	}
}
