package ui

import (
	"bytes"
	"strings"
	"testing"

	"cutover/site"

	"github.com/muesli/termenv"
)

func TestNoColorRendersPlainTextEverywhere(t *testing.T) {
	st := newStyles(newRenderer(&bytes.Buffer{}, true))
	for _, s := range []string{st.Err.Render("x"), st.Selected.Render("x"), st.status(site.StatusFailed, 0), st.bar(1, 2, 4)} {
		if strings.Contains(s, "\x1b[") {
			t.Fatalf("escape codes with colour off: %q", s)
		}
	}
	// The status still says what it is without colour.
	if got := st.status(site.StatusFailed, 0); got != "✗ failed" {
		t.Fatalf("status = %q", got)
	}
	// With colour, the same styles do colour (so the test above can fail).
	r := newRenderer(&bytes.Buffer{}, false)
	r.SetColorProfile(termenv.ANSI256)
	if s := newStyles(r).Err.Render("x"); !strings.Contains(s, "\x1b[") {
		t.Fatalf("no colour with a colour profile: %q", s)
	}
}

func TestEveryScreenHelpHasKeysWithHelpText(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 120, 40)
	sh := m.sh
	p := site.Position{Site: "KX", Label: "FC-01"}
	for _, s := range []screen{newSitesScreen(sh), newDashboard(sh, "KX"), newPositionList(sh, "KX"), newDetail(sh, "KX", "FC-01"),
		newDiscovery(sh, "KX"), newWizard(sh, p), newAssetsScreen(sh, "KX"), newEvidence(sh, recItem{outcome: "missing"})} {
		if len(s.ShortHelp()) == 0 {
			t.Errorf("%s: no short help", s.Title())
		}
		for _, col := range s.FullHelp() {
			for _, b := range col {
				if b.Help().Key == "" || b.Help().Desc == "" {
					t.Errorf("%s: binding %v has no help text", s.Title(), b.Keys())
				}
			}
		}
	}
}
