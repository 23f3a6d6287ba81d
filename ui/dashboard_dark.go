package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// darkTickMsg redraws the dashboard's dark timers once a second.
type darkTickMsg struct {
	code string
	seq  int
}

// darkTick keeps the timers of critical positions dark now counting while
// any is listed; a newer load of the list replaces the tick.
func (d *dashboard) darkTick() tea.Cmd {
	d.darkSeq++
	if !d.sh.animate {
		return nil
	}
	for _, a := range d.att {
		if a.dark != nil {
			code, seq := d.code, d.darkSeq
			return tea.Tick(time.Second, func(time.Time) tea.Msg { return darkTickMsg{code: code, seq: seq} })
		}
	}
	return nil
}
