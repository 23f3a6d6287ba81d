package ui

import (
	"strings"

	"cutover/site"

	"github.com/charmbracelet/lipgloss"
)

// theme is the palette in semantic slots. Every colour is an ANSI index
// (0-15) so the engineer's own terminal palette applies, with a light and a
// dark variant. Nothing is ever shown by colour alone: statuses carry their
// symbol and word, the selected row carries a ▸ marker.
type theme struct {
	Text, Faint, Accent, OK, Warn, Err, Border lipgloss.AdaptiveColor
}

func defaultTheme() theme {
	return theme{
		Text:   lipgloss.AdaptiveColor{Light: "0", Dark: "15"},
		Faint:  lipgloss.AdaptiveColor{Light: "8", Dark: "7"},
		Accent: lipgloss.AdaptiveColor{Light: "4", Dark: "12"},
		OK:     lipgloss.AdaptiveColor{Light: "2", Dark: "10"},
		Warn:   lipgloss.AdaptiveColor{Light: "5", Dark: "11"},
		Err:    lipgloss.AdaptiveColor{Light: "1", Dark: "9"},
		Border: lipgloss.AdaptiveColor{Light: "8", Dark: "8"},
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

// planWord is a plan in plain words.
func planWord(p site.Plan) string {
	switch p {
	case site.PlanAvayaFixed:
		return "Avaya fixed"
	case site.PlanAvayaPTT:
		return "Avaya PTT"
	case site.PlanTeamsDDI:
		return "Teams DDI"
	case site.PlanRemove:
		return "remove"
	}
	return txt(string(p))
}

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
