package ui

import (
	"cutover/site"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// A day of thirty positions: t puts a position on today's list (or takes
// it off) from the positions list; n in the wizard after the sign-off, and
// on a position's detail, goes to the next one to do (site.NextDue: on
// today's list when there is one, by floor and room).

var (
	dayKey  = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "on/off today's list"))
	nextKey = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next position to do"))
)

// today is the laptop's date, the day a day's list is for.
func (sh *shared) today() string { return sh.now().Format("2006-01-02") }

// dayToggledMsg is a position put on today's list or taken off it.
type dayToggledMsg struct {
	code, label string
	on          bool
	labels      []string
	err         error
}

func toggleDayCmd(sh *shared, code, label string) tea.Cmd {
	ctx, store, engineer, day := sh.ctx, sh.store, sh.engineer, sh.today()
	return func() tea.Msg {
		if store == nil {
			return dayToggledMsg{code: code, label: label, err: errString("no database: today's list is kept in it")}
		}
		on, labels, err := store.ToggleDayList(ctx, engineer, code, day, label)
		return dayToggledMsg{code: code, label: label, on: on, labels: labels, err: err}
	}
}

// dayToggled shows the list's change in the rows and the status line.
func (l *positionList) dayToggled(msg dayToggledMsg) tea.Cmd {
	if msg.err != nil {
		return func() tea.Msg { return failed("today's list", msg.err) }
	}
	l.markDay(msg.labels)
	if msg.on {
		return note("%s is on today's list (%d position(s)); n on a finished position goes to the next", msg.label, len(msg.labels))
	}
	return note("%s is off today's list (%d left)", msg.label, len(msg.labels))
}

// markDay marks the rows on today's list.
func (l *positionList) markDay(labels []string) {
	on := map[string]bool{}
	for _, s := range labels {
		on[s] = true
	}
	for i := range l.rows {
		l.rows[i].today = on[l.rows[i].p.Label]
	}
}

// nextPositionMsg is the position to go to after from.
type nextPositionMsg struct {
	code, from string
	p          site.Position
	ok, onList bool
	err        error
}

func nextPositionCmd(sh *shared, code, from string) tea.Cmd {
	ctx, cache, store, day := sh.ctx, sh.cache, sh.store, sh.today()
	return func() tea.Msg {
		// Statuses as they stand now (another screen may have finished one).
		var ps []site.Position
		var err error
		if store != nil {
			ps, err = store.Positions(ctx, code)
		} else {
			ps, err = cache.positions(ctx, code)
		}
		if err != nil {
			return nextPositionMsg{code: code, from: from, err: err}
		}
		var list []string
		if store != nil {
			if list, err = store.DayList(ctx, code, day); err != nil {
				return nextPositionMsg{code: code, from: from, err: err}
			}
		}
		rows := newRows(ps, nil)
		ordered := make([]site.Position, 0, len(rows))
		for _, i := range sortRows(rows, byLocation) {
			ordered = append(ordered, rows[i].p)
		}
		p, ok := site.NextDue(ordered, list, from)
		return nextPositionMsg{code: code, from: from, p: p, ok: ok, onList: len(list) > 0}
	}
}

// goNext opens what a nextPositionMsg names, in place of the screen that
// asked (open builds it), or says nothing is left.
func goNext(sh *shared, msg nextPositionMsg, open func(site.Position) screen) tea.Cmd {
	switch {
	case msg.err != nil:
		return func() tea.Msg { return failed("finding the next position", msg.err) }
	case !msg.ok && msg.onList:
		return note("nothing left to do on today's list")
	case !msg.ok:
		return note("nothing left to do at %s", msg.code)
	}
	sh.pop()
	return tea.Batch(sh.push(open(msg.p)), note("next: %s (%s)", msg.p.Label, msg.p.Location()))
}
