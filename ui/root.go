package ui

// Message routing, in this order:
//  1. Window size: stored; below 80×24 the root shows "too small" and no
//     screen is drawn; otherwise every screen in the stack gets SetSize.
//  2. Keys: ctrl+c always quits (asking first when a step is half entered),
//     as an interrupt: the command exits with status 130; while the help
//     overlay shows, "?", "q" and esc close it and nothing else reaches the
//     screen; while the top screen captures text every other key goes to it
//     alone; otherwise "q" quits and "?" opens the help, then the top screen
//     gets the key.
//  3. Data messages go to every screen in the stack, whatever is on top, so
//     a load that finishes after the engineer moved on is not lost.

import (
	"context"

	"cutover/config"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// The smallest terminal the TUI draws in.
const minWidth, minHeight = 80, 24

// noteTTL is how long a passing note stays in the status line.
const noteTTL = 4 * time.Second

type root struct {
	sh         *shared
	keys       globalKeys
	stack      []screen
	help       help.Model
	showHelp   bool
	confirming bool // "quit anyway?" is on screen
	interrupt  bool // the quit being confirmed came from ctrl+c
	width      int
	height     int
	err        *errMsg
	note       string
	noteBad    bool // the note is bad news (✗)
	noteSeq    int
	statusRows int // lines the status area takes (1, more for a long error)
}

func newRoot(ctx context.Context, opt Options, r *lipgloss.Renderer) *root {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	lister := opt.Lister
	if lister == nil && opt.Store != nil {
		lister = opt.Store
	}
	sh := &shared{ctx: ctx, store: opt.Store, cache: newPositionCache(lister), engineer: opt.Engineer, now: opt.Now, st: newStyles(r), animate: true, readPause: 700 * time.Millisecond, wall: time.Now,
		runner: opt.Swap, discover: opt.Discover, hub: opt.Hub, hubRole: opt.HubRole, creds: opt.Creds, credsFrom: opt.CredsFrom, cfg: opt.Config,
		cfgPath: opt.ConfigPath}
	if sh.cfg == nil {
		sh.cfg = &config.Config{}
	}
	h := help.New()
	h.Styles.ShortKey = sh.st.Key
	h.Styles.FullKey = sh.st.Key
	h.Styles.ShortDesc = sh.st.Faint
	h.Styles.FullDesc = sh.st.Faint
	h.Styles.ShortSeparator = sh.st.Faint
	h.Styles.FullSeparator = sh.st.Faint
	h.Styles.Ellipsis = sh.st.Faint
	if opt.Store != nil {
		sh.readOnly = opt.Store.ReadOnly()
	}
	m := &root{sh: sh, keys: newGlobalKeys(), help: h, statusRows: 1}
	m.stack = []screen{newSitesScreen(sh)}
	if opt.Site != "" {
		m.stack = append(m.stack, newDashboard(sh, strings.ToUpper(opt.Site)))
	}
	return m
}

// Init implements tea.Model.
func (m *root) Init() tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range m.stack {
		cmds = append(cmds, s.Init())
	}
	return tea.Batch(cmds...)
}

func (m *root) top() screen { return m.stack[len(m.stack)-1] }

// Update implements tea.Model.
func (m *root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
		m.statusRows = m.statusHeight()
		m.resize()
		return m, nil
	case tea.KeyMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		if !m.tooSmall() && !m.showHelp && !m.confirming {
			return m, m.updateTop(msg)
		}
		return m, nil
	case errMsg:
		m.err = &msg
		m.note = ""
		m.restatus()
		return m, nil
	case noteMsg:
		m.note, m.noteBad, m.err = msg.text, msg.bad, nil
		m.restatus()
		m.noteSeq++
		seq := m.noteSeq
		if !m.sh.animate {
			return m, nil
		}
		return m, tea.Tick(noteTTL, func(time.Time) tea.Msg { return clearNoteMsg{seq} })
	case unknownSiteMsg:
		return m, m.closeUnknownSite(msg)
	case changedMsg:
		m.sh.cache.drop(msg.site) // before any screen reloads
	case credsSetMsg:
		// One set of credentials per session: typed for discovery or for
		// a check, they serve both.
		m.sh.creds, m.sh.credsFrom = msg.creds, msg.from
		if m.sh.runner != nil {
			m.sh.runner.UseCredentials(msg.creds)
		}
	case clearNoteMsg:
		if msg.seq == m.noteSeq {
			m.note = ""
			m.restatus()
		}
		return m, nil
	}
	// A data message: every screen may own it.
	var cmds []tea.Cmd
	for i, s := range m.stack {
		var cmd tea.Cmd
		m.stack[i], cmd = s.Update(msg)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(append(cmds, m.navigate())...)
}

func (m *root) handleKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	// Characters that arrive in one read (a barcode scanner, keys typed
	// ahead, tmux send-keys) come as one message; take them one at a time,
	// since one of them may move the focus ("/" opens the filter).
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			one := msg
			one.Runes = []rune{r}
			_, cmd := m.handleKey(one)
			cmds = append(cmds, cmd)
		}
		return m, tea.Sequence(cmds...)
	}
	if m.err != nil {
		m.err = nil // an error stays until the next key
		m.restatus()
	}
	if m.confirming {
		switch {
		case msg.String() == "y" || msg.String() == "Y":
			return m, m.quit(m.interrupt)
		case key.Matches(msg, m.keys.ForceQuit):
			return m, m.quit(true)
		default:
			m.confirming = false
			return m, nil
		}
	}
	if m.showHelp && !key.Matches(msg, m.keys.ForceQuit) {
		if key.Matches(msg, m.keys.Help, m.keys.Back, m.keys.Quit) {
			m.showHelp = false
		}
		return m, nil
	}
	force := key.Matches(msg, m.keys.ForceQuit)
	if force || (key.Matches(msg, m.keys.Quit) && !m.top().Capturing()) {
		if m.dirty() {
			m.confirming, m.interrupt = true, force
			return m, nil
		}
		return m, m.quit(force)
	}
	if m.tooSmall() {
		return m, nil
	}
	if key.Matches(msg, m.keys.Help) && !m.top().Capturing() {
		m.showHelp = true
		return m, nil
	}
	return m, m.updateTop(msg)
}

func (m *root) updateTop(msg tea.Msg) tea.Cmd {
	i := len(m.stack) - 1
	var cmd tea.Cmd
	m.stack[i], cmd = m.stack[i].Update(msg)
	return tea.Batch(cmd, m.navigate())
}

// navigate applies the screen changes the last Update asked for.
func (m *root) navigate() tea.Cmd {
	var cmds []tea.Cmd
	for _, op := range m.sh.nav {
		if op.s == nil {
			if len(m.stack) > 1 {
				m.stack = m.stack[:len(m.stack)-1]
			}
			continue
		}
		s := op.s.SetSize(m.bodySize())
		m.stack = append(m.stack, s)
		cmds = append(cmds, s.Init())
	}
	m.sh.nav = m.sh.nav[:0]
	return tea.Batch(cmds...)
}

// quit ends the program: ctrl+c as an interrupt (exit status 130), q as a
// plain quit.
func (m *root) quit(interrupt bool) tea.Cmd {
	if interrupt {
		return tea.Interrupt
	}
	return tea.Quit
}

func (m *root) dirty() bool {
	for _, s := range m.stack {
		if s.Dirty() {
			return true
		}
	}
	return false
}

func (m *root) tooSmall() bool { return m.width < minWidth || m.height < minHeight }

// bodySize is what is left for a screen under the title and above the
// status and help lines.
func (m *root) bodySize() (int, int) {
	banner := 0
	if m.sh.readOnly != "" {
		banner = 1 // the read-only banner under the title
	}
	return max(m.width, 0), max(m.height-2-banner-max(m.statusRows, 1), 0)
}

func (m *root) resize() {
	w, h := m.bodySize()
	for i, s := range m.stack {
		m.stack[i] = s.SetSize(w, h)
	}
}

// View implements tea.Model.
func (m *root) View() string {
	if m.width == 0 {
		return ""
	}
	st := m.sh.st
	if m.tooSmall() {
		msg := st.Err.Render("Terminal too small") + "\n" +
			lipglossCenter(m.width, "need at least 80×24, have "+itoa(m.width)+"×"+itoa(m.height)) + "\n" +
			st.Faint.Render("make the window bigger, or q to quit")
		return safeFrame(fitLines(msg, m.width, m.height))
	}
	w, h := m.bodySize()
	var b strings.Builder
	b.WriteString(m.titleLine())
	b.WriteByte('\n')
	if banner := m.readOnlyBanner(); banner != "" {
		b.WriteString(banner + "\n")
	}
	switch {
	case m.confirming:
		b.WriteString(fitLines(m.confirmView(), w, h))
	case m.showHelp:
		b.WriteString(fitLines(m.helpView(), w, h))
	default:
		b.WriteString(fitLines(m.top().View(), w, h))
	}
	b.WriteByte('\n')
	b.WriteString(m.statusLine())
	b.WriteByte('\n')
	b.WriteString(m.helpLine())
	return safeFrame(b.String())
}

func (m *root) titleLine() string {
	st := m.sh.st
	parts := make([]string, len(m.stack))
	for i, s := range m.stack {
		parts[i] = txt(s.Title())
	}
	crumb := st.Title.Render("cutover") + st.Crumb.Render(" › "+strings.Join(parts, " › "))
	right := st.Faint.Render(txt(m.sh.engineer))
	gap := m.width - lipgloss.Width(crumb) - lipgloss.Width(right)
	if gap < 1 {
		return cut(crumb, m.width)
	}
	return crumb + strings.Repeat(" ", gap) + right
}

func (m *root) confirmView() string {
	st := m.sh.st
	return "\n" + st.Focus.Render(st.Warn.Render("A step is half entered.")+"\n"+
		"Quitting now loses what you have typed (recorded steps are safe).\n\n"+
		st.Key.Render("y")+" quit anyway    "+st.Key.Render("any other key")+" go back")
}
