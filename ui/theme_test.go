package ui

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"cutover/site"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
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
		newDiscovery(sh, "KX"), newWizard(sh, p), newAssetsScreen(sh, "KX"), newEvidence(sh, "KX", recItem{outcome: "missing"}, nil)} {
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

// The backgrounds each variant of the theme must be readable on: plain
// white and black, and the common terminal themes' (Solarized, One Dark,
// Nord, Ubuntu, VS Code). In 16 colours the background is the palette's.
var (
	lightBackgrounds = []string{"#ffffff", "#fafafa", "#eeeeee", "#fdf6e3"}
	darkBackgrounds  = []string{"#000000", "#1e1e1e", "#282c34", "#2e3440", "#002b36", "#300a24"}
)

// xterm16 is xterm's default palette of the 16 ANSI colours, which is what
// a terminal that only has those is assumed to show.
var xterm16 = [16]string{"#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
	"#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"}

// rgb256 is the colour of a 256-colour palette index, as xterm defines it.
func rgb256(t *testing.T, idx string) string {
	n, err := strconv.Atoi(idx)
	if err != nil || n < 0 || n > 255 {
		t.Fatalf("256-colour index %q", idx)
	}
	switch {
	case n < 16:
		return xterm16[n]
	case n < 232:
		n -= 16
		level := func(v int) int {
			if v == 0 {
				return 0
			}
			return 55 + 40*v
		}
		return fmt.Sprintf("#%02x%02x%02x", level(n/36), level(n/6%6), level(n%6))
	}
	g := 8 + 10*(n-232)
	return fmt.Sprintf("#%02x%02x%02x", g, g, g)
}

// luminance is WCAG 2's relative luminance of "#rrggbb".
func luminance(t *testing.T, hex string) float64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("colour %q is not #rrggbb", hex)
	}
	ch := func(x uint64) float64 {
		s := float64(x) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(v>>16&255) + 0.7152*ch(v>>8&255) + 0.0722*ch(v&255)
}

// contrast is WCAG 2's contrast ratio of two colours, from 1 to 21.
func contrast(t *testing.T, a, b string) float64 {
	x, y := luminance(t, a), luminance(t, b)
	if x < y {
		x, y = y, x
	}
	return (x + 0.05) / (y + 0.05)
}

// Issue 12 point 7: every style's text colour (and every border) reaches
// 4.5:1 against both kinds of background, in 24-bit, 256 and 16 colours.
// The styles are read from the styles struct itself, so a style added
// later is checked too, and one given a plain (not adaptive) colour fails.
func TestThemeContrastOfEveryStyleOnLightAndDarkBackgrounds(t *testing.T) {
	st := newStyles(newRenderer(&bytes.Buffer{}, false))
	v := reflect.ValueOf(*st)
	checked := 0
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		style, ok := v.Field(i).Interface().(lipgloss.Style)
		if !ok {
			continue
		}
		for _, c := range []struct {
			what string
			col  lipgloss.TerminalColor
		}{{"foreground", style.GetForeground()}, {"border", style.GetBorderTopForeground()}} {
			if _, none := c.col.(lipgloss.NoColor); none {
				continue // the terminal's own text colour
			}
			ac, ok := c.col.(lipgloss.CompleteAdaptiveColor)
			if !ok {
				t.Errorf("%s: %s is %T, not a theme colour with light and dark variants", f.Name, c.what, c.col)
				continue
			}
			for _, variant := range []struct {
				name string
				col  lipgloss.CompleteColor
				bgs  []string
				bg16 string
			}{{"light", ac.Light, lightBackgrounds, xterm16[15]}, {"dark", ac.Dark, darkBackgrounds, xterm16[0]}} {
				n, err := strconv.Atoi(variant.col.ANSI)
				if err != nil || n < 0 || n > 15 {
					t.Fatalf("%s %s: 16-colour index %q", f.Name, variant.name, variant.col.ANSI)
				}
				profiles := []struct {
					name, fg string
					bgs      []string
				}{{"24-bit", variant.col.TrueColor, variant.bgs}, {"256-colour", rgb256(t, variant.col.ANSI256), variant.bgs},
					{"16-colour", xterm16[n], []string{variant.bg16}}}
				for _, p := range profiles {
					for _, bg := range p.bgs {
						checked++
						if r := contrast(t, p.fg, bg); r < 4.5 {
							t.Errorf("%s %s, %s %s: %s on %s is %.2f:1, want at least 4.5:1", f.Name, c.what, variant.name, p.name, p.fg, bg, r)
						}
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d pairs checked: the styles were not found", checked)
	}
}

// --theme light and dark pick the variant without asking the terminal, and
// the statuses keep their glyphs in both.
func TestThemeFlagPicksTheVariant(t *testing.T) {
	for _, c := range []struct {
		theme Theme
		want  string // the accent colour's 24-bit escape
	}{{ThemeLight, "38;2;0;95;175"}, {ThemeDark, "38;2;95;175;255"}} {
		r := newThemedRenderer(&bytes.Buffer{}, false, c.theme)
		r.SetColorProfile(termenv.TrueColor)
		s := newStyles(r)
		if got := s.Accent.Render("x"); !strings.Contains(got, c.want) {
			t.Errorf("theme %s: accent rendered %q, want %s", c.theme, got, c.want)
		}
		if got := ansi.Strip(s.status(site.StatusBlocked, 0)); got != "■ blocked" {
			t.Errorf("theme %s: blocked status reads %q", c.theme, got)
		}
	}
	for in, want := range map[string]Theme{"": ThemeAuto, "auto": ThemeAuto, "Light": ThemeLight, " dark ": ThemeDark} {
		if got, err := ParseTheme(in); err != nil || got != want {
			t.Errorf("ParseTheme(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseTheme("solarized"); err == nil || !strings.Contains(err.Error(), "want auto, light or dark") {
		t.Errorf("ParseTheme(solarized): %v", err)
	}
}
