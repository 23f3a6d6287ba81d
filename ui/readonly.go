package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// A database opened for reading only (site.Store.ReadOnly: its file or
// folder may not be written) is shown with a banner under the title on
// every screen; every key that would record something (a step, a
// correction, a rollback, a discovery run) is refused with the reason, and
// no prompt for a value opens.

// readOnlyBanner is the banner line, "" when the database can be written.
func (m *root) readOnlyBanner() string {
	if m.sh.readOnly == "" {
		return ""
	}
	st := m.sh.st
	return cut(st.Warn.Render("⚠ READ-ONLY")+" "+txt("database "+m.sh.readOnly+": you can look, nothing can be recorded"), m.width)
}

// readOnlyRefusal is what a recording key gets on a read-only database.
func (sh *shared) readOnlyRefusal() string {
	return "the database " + sh.readOnly + ", so nothing can be recorded (open a copy you may write to record)"
}

// unknownSiteMsg says the site the TUI was asked to open (--site) is not
// in the database: the root says so and shows the sites screen.
type unknownSiteMsg struct {
	code string
	err  error
}

// closeUnknownSite drops the dashboard of a site the database does not
// hold, and every screen above it, leaving the sites screen.
func (m *root) closeUnknownSite(msg unknownSiteMsg) tea.Cmd {
	for i, s := range m.stack {
		if d, ok := s.(*dashboard); ok && strings.EqualFold(d.code, msg.code) && i > 0 {
			m.stack = m.stack[:i]
			break
		}
	}
	return badNote("no site %s in this database: pick one below (or bring it here with cutover pull --site %s)", msg.code, msg.code)
}
