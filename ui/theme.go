package ui

import (
	"strings"

	"cutover/site"

	"github.com/charmbracelet/lipgloss"
)

// theme is the palette in semantic slots, each with a light and a dark
// variant (the renderer picks one from the terminal's background, or from
// --theme) and, in each variant, a colour for every colour profile: 24-bit,
// the 256-colour palette (the same colour, from the xterm cube and greys) and
// the 16 ANSI colours. Every foreground reaches a contrast of at least 4.5:1
// (WCAG AA) against the common backgrounds of its variant; theme_test.go
// computes it. Nothing is ever shown by colour alone: statuses carry their
// symbol and word, the selected row carries a ▸ marker.
type theme struct {
	Text, Faint, Accent, OK, Warn, Err, Border lipgloss.CompleteAdaptiveColor
}

// colour is one slot: light is used on a light background, dark on a dark
// one. Each is "#rrggbb 256-index 16-index".
func colour(light, dark [3]string) lipgloss.CompleteAdaptiveColor {
	c := func(v [3]string) lipgloss.CompleteColor {
		return lipgloss.CompleteColor{TrueColor: v[0], ANSI256: v[1], ANSI: v[2]}
	}
	return lipgloss.CompleteAdaptiveColor{Light: c(light), Dark: c(dark)}
}

func defaultTheme() theme {
	// In 16 colours the light variant falls back to black where no ANSI
	// colour is dark enough on white (green, grey): the glyph carries the
	// meaning there.
	return theme{
		Text:   colour([3]string{"#1c1c1c", "234", "0"}, [3]string{"#eeeeee", "255", "15"}),
		Faint:  colour([3]string{"#5f5f5f", "59", "0"}, [3]string{"#a8a8a8", "248", "7"}),
		Accent: colour([3]string{"#005faf", "25", "4"}, [3]string{"#5fafff", "75", "14"}),
		OK:     colour([3]string{"#005f00", "22", "0"}, [3]string{"#5fd75f", "77", "10"}),
		Warn:   colour([3]string{"#875f00", "94", "5"}, [3]string{"#ffd75f", "221", "11"}),
		Err:    colour([3]string{"#af0000", "124", "1"}, [3]string{"#ff8787", "210", "9"}),
		Border: colour([3]string{"#626262", "241", "0"}, [3]string{"#9e9e9e", "247", "8"}),
	}
}

// styles are the theme made into lipgloss styles, all from one renderer.
type styles struct {
	r                                  *lipgloss.Renderer
	Title, Crumb, Faint, Bold, Accent  lipgloss.Style
	OK, Warn, Err, Selected, Group     lipgloss.Style
	Header, Box, Focus, StatusBar, Key lipgloss.Style
}

func newStyles(r *lipgloss.Renderer) *styles {
	t := defaultTheme()
	s := &styles{r: r}
	s.Title = r.NewStyle().Bold(true).Foreground(t.Accent)
	s.Crumb = r.NewStyle().Foreground(t.Faint)
	s.Faint = r.NewStyle().Foreground(t.Faint)
	s.Bold = r.NewStyle().Bold(true)
	s.Accent = r.NewStyle().Foreground(t.Accent)
	s.OK = r.NewStyle().Foreground(t.OK)
	s.Warn = r.NewStyle().Foreground(t.Warn)
	s.Err = r.NewStyle().Foreground(t.Err).Bold(true)
	s.Selected = r.NewStyle().Reverse(true)
	s.Group = r.NewStyle().Bold(true).Foreground(t.Accent)
	s.Header = r.NewStyle().Bold(true).Underline(true)
	s.Box = r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Border).Padding(0, 1)
	s.Focus = r.NewStyle().Border(lipgloss.ThickBorder()).BorderForeground(t.Accent).Padding(0, 1)
	s.StatusBar = r.NewStyle().Foreground(t.Text)
	s.Key = r.NewStyle().Bold(true)
	return s
}

// statusStyle is the style for a position status.
func (s *styles) statusStyle(st site.Status) lipgloss.Style {
	switch st {
	case site.StatusDone:
		return s.OK
	case site.StatusFailed:
		return s.Err
	case site.StatusBlocked, site.StatusInProgress:
		return s.Warn
	case site.StatusWithdrawn:
		return s.Faint
	}
	return lipgloss.Style{}.Renderer(s.r)
}

// status renders a status as its symbol and word, padded to width cells.
// A width of 0 means no padding.
func (s *styles) status(st site.Status, width int) string {
	t := st.Symbol() + " " + statusWord(st)
	if width > 0 {
		t = pad(t, width)
	}
	return s.statusStyle(st).Render(t)
}

// statusWord is a status in plain words ("in progress", not "in_progress").
func statusWord(st site.Status) string { return txt(strings.ReplaceAll(string(st), "_", " ")) }

// roleWord is a role in plain words.
func roleWord(r site.Role) string {
	switch r {
	case site.RoleCTOpsPTT:
		return "CT ops PTT"
	}
	return txt(strings.ReplaceAll(string(r), "_", " "))
}

// planWord is a plan in plain words (site.Plan.Words, the one rule).
func planWord(p site.Plan) string { return txt(p.Words()) }

// bar is a text progress bar of width cells: █ for done, ░ for the rest,
// readable with no colour at all.
func (s *styles) bar(done, total, width int) string {
	if width < 1 {
		return ""
	}
	n := 0
	if total > 0 {
		n = done * width / total
	}
	if n > width {
		n = width
	}
	return s.OK.Render(strings.Repeat("█", n)) + s.Faint.Render(strings.Repeat("░", width-n))
}
