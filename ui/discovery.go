package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"cutover/devices"
	"cutover/site"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// Discoverer reads a site's switches (inventory names, at their recorded
// addresses), reconciles what it saw with the inventory and stores it, as
// `cutover discover --site` does, calling progress as each switch starts
// and ends. The command line supplies it, so the TUI and the CLI share one
// path.
type Discoverer func(ctx context.Context, code string, switches []string, creds devices.Credentials, progress func(devices.Progress)) ([]devices.SwitchResult, devices.Reconciliation, error)

// Messages of a discovery run.
type (
	// switchesLoadedMsg lists the site's switches from its inventory.
	switchesLoadedMsg struct {
		code     string
		switches []switchChoice
		err      error
	}
	// discoveryStartedMsg hands over the channel the run reports on.
	discoveryStartedMsg struct {
		code string
		ch   <-chan tea.Msg
	}
	// switchProgressMsg is one switch starting or finishing.
	switchProgressMsg struct {
		code string
		p    devices.Progress
		ch   <-chan tea.Msg
	}
	// discoveryDoneMsg is the whole run's outcome.
	discoveryDoneMsg struct {
		code    string
		results []devices.SwitchResult
		rec     devices.Reconciliation
		err     error
	}
)

// switchChoice is one inventory switch the engineer may read.
type switchChoice struct {
	name, addr string
	positions  int
	chosen     bool
	byName     bool // no address: the engineer chose to read it by name
}

func loadSwitchesCmd(sh *shared, code string) tea.Cmd {
	ctx, store, cache := sh.ctx, sh.store, sh.cache
	return func() tea.Msg {
		ps, err := cache.positions(ctx, code)
		if err != nil {
			return switchesLoadedMsg{code: code, err: err}
		}
		addrs, err := store.SwitchAddrs(ctx, code)
		if err != nil {
			return switchesLoadedMsg{code: code, err: err}
		}
		by := map[string]*switchChoice{}
		for _, p := range ps {
			if p.Switch == "" || p.Status == site.StatusWithdrawn {
				continue
			}
			k := strings.ToLower(p.Switch)
			if by[k] == nil {
				by[k] = &switchChoice{name: p.Switch, chosen: true}
			}
			by[k].positions++
		}
		for _, a := range addrs {
			if c := by[strings.ToLower(a.Switch)]; c != nil {
				c.addr = a.Addr
			}
		}
		out := make([]switchChoice, 0, len(by))
		for _, c := range by {
			out = append(out, *c)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
		return switchesLoadedMsg{code: code, switches: out}
	}
}

// runDiscoveryCmd starts the run in the background; its progress and its
// end come back one message at a time through a channel (see waitCmd).
func runDiscoveryCmd(sh *shared, code string, names []string) tea.Cmd {
	ctx, discover, creds := sh.ctx, sh.discover, sh.creds
	return func() tea.Msg {
		ch := make(chan tea.Msg, len(names)*2+1)
		go func() {
			defer close(ch)
			results, rec, err := discover(ctx, code, names, creds, func(p devices.Progress) {
				ch <- switchProgressMsg{code: code, p: p}
			})
			ch <- discoveryDoneMsg{code: code, results: results, rec: rec, err: err}
		}()
		return discoveryStartedMsg{code: code, ch: ch}
	}
}

// waitCmd reads the next message of a run; it is re-armed after each one.
func waitCmd(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		if p, isProgress := msg.(switchProgressMsg); isProgress {
			p.ch = ch
			return p
		}
		return msg
	}
}

type discoveryKeys struct {
	list                              listKeys
	Toggle, All, Run, Tab, Open, Back key.Binding
	Creds, Addr                       key.Binding
	act                               actKeys
}

// phase is where the discovery screen is.
type phase int

const (
	phaseChoose phase = iota
	phaseRunning
	phaseResults
)

// runningSwitch is one switch's state during a run.
type runningSwitch struct {
	name    string
	started bool
	// fraction is how far the read has got, 0 to 1.
	fraction float64
	done     bool
	phones   int
	err      string
	elapsed  time.Duration
}

// discovery chooses switches from the inventory, runs discovery with a bar
// per switch, then shows the reconciliation with drill-down to a port's
// evidence.
type discovery struct {
	sh       *shared
	code     string
	keys     discoveryKeys
	spin     spinner.Model
	phase    phase
	switches []switchChoice
	running  []runningSwitch
	results  []devices.SwitchResult
	rec      devices.Reconciliation
	tab      int // which reconciliation list
	// pending is set while a run waits for what the engineer is asked
	// (credentials, an address): it starts when they are given.
	pending   bool
	proposals map[string]site.Proposal // by Key, for the results' markers
	filter    filterBar
	cur       int
	top       int
	w, h      int
}

func newDiscovery(sh *shared, code string) *discovery {
	return &discovery{sh: sh, code: code, spin: spinner.New(spinner.WithSpinner(spinner.Line)),
		filter: newFilterBar(sh, "position, switch, port, phone, MAC or serial"),
		keys: discoveryKeys{
			list:   newListKeys(),
			Toggle: key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space", "choose switch")),
			All:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all or none")),
			Run:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run discovery")),
			Tab:    key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("tab", "next list")),
			Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "port evidence")),
			Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
			Creds:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "SNMP credentials")),
			Addr:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "switch address")),
			act:    newActKeys(),
		}}
}

func (d *discovery) Init() tea.Cmd           { return loadSwitchesCmd(d.sh, d.code) }
func (d *discovery) Title() string           { return "discovery" }
func (d *discovery) Capturing() bool         { return d.filter.focused() }
func (d *discovery) Dirty() bool             { return false }
func (d *discovery) SetSize(w, h int) screen { d.w, d.h = w, h; return d }

// ShortHelp implements help.KeyMap.
func (d *discovery) ShortHelp() []key.Binding {
	switch d.phase {
	case phaseChoose:
		return []key.Binding{d.keys.Toggle, d.keys.All, d.keys.Run, d.keys.Creds, d.keys.Addr, d.keys.Back}
	case phaseResults:
		if d.filter.focused() {
			return d.filter.help(d.keys.Back)
		}
		keys := []key.Binding{d.keys.list.Up, d.keys.list.Down, d.keys.Tab, d.keys.Open}
		if items := d.items(); len(items) > 0 && d.cur < len(items) {
			keys = append(keys, d.keys.act.For(items[d.cur])...)
		}
		return append(append(keys, withHelp(d.keys.All, "again")), d.filter.help(d.keys.Back)...)
	}
	return []key.Binding{d.keys.Back}
}

// FullHelp implements help.KeyMap.
// It lists the keys of the phase on screen: choosing switches, or the
// results (where a starts again: choose the switches and run once more).
func (d *discovery) FullHelp() [][]key.Binding {
	switch d.phase {
	case phaseChoose:
		return [][]key.Binding{d.keys.list.bindings(), {d.keys.Toggle, d.keys.All, d.keys.Run, d.keys.Creds, d.keys.Addr, d.keys.Back}}
	case phaseResults:
		return [][]key.Binding{d.keys.list.bindings(), {d.keys.Tab, d.keys.Open, withHelp(d.keys.All, "again"), d.keys.Back},
			{d.keys.act.Move, d.keys.act.Add, d.keys.act.NotOurs}}
	}
	return [][]key.Binding{{d.keys.Back}}
}

func (d *discovery) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case switchesLoadedMsg:
		if msg.code == d.code {
			if msg.err != nil {
				return d, func() tea.Msg { return failed("listing the switches of "+d.code, msg.err) }
			}
			d.switches = msg.switches
		}
	case credsSetMsg:
		return d, d.credsSet(msg)
	case addrSavedMsg:
		if msg.code == d.code {
			return d, d.addrSaved(msg)
		}
	case proposalsMsg:
		if msg.code == d.code && msg.err == nil {
			d.proposals = msg.byKey
		}
	case proposedMsg:
		if msg.code == d.code {
			return d, loadProposalsCmd(d.sh, d.code)
		}
	case discoveryStartedMsg:
		if msg.code == d.code {
			return d, waitCmd(msg.ch)
		}
	case switchProgressMsg:
		if msg.code == d.code {
			d.progress(msg.p)
			return d, waitCmd(msg.ch)
		}
	case discoveryDoneMsg:
		if msg.code == d.code {
			return d, d.done(msg)
		}
	case spinner.TickMsg:
		if d.phase == phaseRunning && msg.ID == d.spin.ID() {
			var cmd tea.Cmd
			d.spin, cmd = d.spin.Update(msg)
			return d, cmd
		}
	case tea.KeyMsg:
		return d, d.key(msg)
	}
	return d, nil
}

func (d *discovery) key(msg tea.KeyMsg) tea.Cmd {
	if d.phase == phaseResults {
		if handled, cmd := d.filterKey(msg); handled {
			return cmd
		}
	}
	if key.Matches(msg, d.keys.Back) {
		return d.sh.pop()
	}
	switch d.phase {
	case phaseChoose:
		if cur, ok := d.keys.list.step(msg, d.cur, len(d.switches), d.h-4); ok {
			d.cur = cur
			return nil
		}
		switch {
		case key.Matches(msg, d.keys.Toggle) && len(d.switches) > 0:
			d.switches[d.cur].chosen = !d.switches[d.cur].chosen
		case key.Matches(msg, d.keys.All):
			all := true
			for _, s := range d.switches {
				all = all && s.chosen
			}
			for i := range d.switches {
				d.switches[i].chosen = !all
			}
		case key.Matches(msg, d.keys.Run):
			return d.run()
		case key.Matches(msg, d.keys.Creds):
			return d.sh.push(newCredsForm(d.sh))
		case key.Matches(msg, d.keys.Addr) && len(d.switches) > 0:
			s := d.switches[d.cur]
			return d.sh.push(newAddrForm(d.sh, d.code, s.name, s.addr))
		}
	case phaseResults:
		items := d.items()
		if cur, ok := d.keys.list.step(msg, d.cur, len(items), d.h-6); ok {
			d.cur = cur
			d.top = scrollTo(d.cur, d.top, max(d.h-6, 1))
			return nil
		}
		switch {
		case key.Matches(msg, d.keys.Tab):
			d.tab = (d.tab + 1) % len(recTabs)
			d.cur, d.top = 0, 0
		case key.Matches(msg, d.keys.Open) && len(items) > 0:
			return d.sh.push(newEvidence(d.sh, d.code, items[d.cur], d.names()))
		case key.Matches(msg, d.keys.All):
			d.phase = phaseChoose
		case len(items) > 0:
			return d.keys.act.do(d.sh, d.code, msg, items[d.cur], d.names())
		}
	}
	return nil
}

func (d *discovery) run() tea.Cmd {
	if d.sh.readOnly != "" {
		return func() tea.Msg { return failed("discovery", errString(d.sh.readOnlyRefusal())) }
	}
	var names []string
	d.running = d.running[:0]
	for _, s := range d.switches {
		if s.chosen {
			names = append(names, s.name)
			d.running = append(d.running, runningSwitch{name: s.name})
		}
	}
	if len(names) == 0 {
		return note("choose at least one switch (space)")
	}
	if d.sh.discover == nil {
		return func() tea.Msg { return failed("discovery", errString("this TUI was opened without SNMP discovery")) }
	}
	// Ask for what is missing, then run.
	d.pending = false
	if d.sh.creds.Validate() != nil {
		d.pending = true
		return tea.Batch(d.sh.push(newCredsForm(d.sh)), note("SNMP credentials are needed to read the switches"))
	}
	for _, s := range d.switches {
		if s.chosen && s.addr == "" && !s.byName {
			d.pending = true
			return d.sh.push(newAddrForm(d.sh, d.code, s.name, ""))
		}
	}
	d.phase = phaseRunning
	return tea.Batch(runDiscoveryCmd(d.sh, d.code, names), d.sh.spin(d.spin))
}

// progress marks a switch started or done. Progress names a switch by the
// address it was read at, so the name or the recorded address may match.
func (d *discovery) progress(p devices.Progress) {
	for i := range d.running {
		r := &d.running[i]
		if !strings.EqualFold(r.name, p.Switch) && !strings.EqualFold(d.addrOf(r.name), p.Switch) {
			continue
		}
		r.started = true
		if p.Fraction > r.fraction {
			r.fraction = p.Fraction
		}
		if p.Done {
			r.done, r.phones, r.err, r.elapsed = true, p.Phones, p.Err, p.Elapsed
		}
		return
	}
}

// names maps the recorded addresses of the site's switches to their
// inventory names, so results name switches as the engineer knows them.
func (d *discovery) names() map[string]string {
	out := map[string]string{}
	for _, s := range d.switches {
		if s.addr != "" {
			out[strings.ToLower(s.addr)] = s.name
		}
	}
	return out
}

func (d *discovery) addrOf(name string) string {
	for _, s := range d.switches {
		if s.name == name {
			return s.addr
		}
	}
	return ""
}

func (d *discovery) done(msg discoveryDoneMsg) tea.Cmd {
	if msg.err != nil {
		d.phase = phaseChoose
		return func() tea.Msg { return failed("discovery of "+d.code, msg.err) }
	}
	d.phase, d.results, d.rec, d.tab, d.cur, d.top = phaseResults, msg.results, msg.rec, 0, 0, 0
	failedN := 0
	for _, r := range msg.results {
		if r.Error != "" {
			failedN++
		}
	}
	cmds := []tea.Cmd{changed(d.code), loadProposalsCmd(d.sh, d.code)}
	if failedN > 0 {
		cmds = append(cmds, func() tea.Msg {
			return failed("discovery", fmt.Errorf("%d of %d switches did not answer (see the list)", failedN, len(msg.results)))
		})
	} else {
		cmds = append(cmds, note("discovery stored: %d matched, %d moved, %d unexpected, %d missing",
			len(msg.rec.Matched), len(msg.rec.Moved), len(msg.rec.Unexpected), len(msg.rec.Missing)))
	}
	return tea.Batch(cmds...)
}
