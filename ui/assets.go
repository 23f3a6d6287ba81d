package ui

import (
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/laptop"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// assetsLoadedMsg carries a site's register and stock.
type assetsLoadedMsg struct {
	code  string
	items []assets.Asset
	stock []assets.StockLine
	err   error
}

func loadAssetsCmd(sh *shared, code string) tea.Cmd {
	ctx, store := sh.ctx, sh.store
	return func() tea.Msg {
		r, err := laptop.ReadRegister(ctx, store, code)
		return assetsLoadedMsg{code: code, items: r.Assets, stock: r.Stock, err: err}
	}
}

type assetsKeys struct {
	list           listKeys
	Tab, Back, Ref key.Binding
}

// assetsScreen is the site's equipment register (every handset taken out
// and every Avaya phone put in) and its Avaya stock.
type assetsScreen struct {
	sh     *shared
	code   string
	keys   assetsKeys
	loaded bool
	items  []assets.Asset
	keyOf  []string // search key per item
	view   []int    // the items the filter keeps
	filter filterBar
	stock  []assets.StockLine
	stockT bool // the stock tab is showing
	cur    int  // index into view
	top    int
	w, h   int
}

func newAssetsScreen(sh *shared, code string) *assetsScreen {
	return &assetsScreen{sh: sh, code: code, filter: newFilterBar(sh, "kind, handset, serial, tag, MAC, position or state"), keys: assetsKeys{
		list: newListKeys(),
		Tab:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "register / stock")),
		Ref:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
}

func (a *assetsScreen) Init() tea.Cmd   { return loadAssetsCmd(a.sh, a.code) }
func (a *assetsScreen) Title() string   { return "assets" }
func (a *assetsScreen) Capturing() bool { return a.filter.focused() }
func (a *assetsScreen) Dirty() bool     { return false }
func (a *assetsScreen) SetSize(w, h int) screen {
	a.w, a.h = w, h
	a.filter.setWidth(w)
	return a
}

// ShortHelp implements help.KeyMap.
func (a *assetsScreen) ShortHelp() []key.Binding {
	if a.filter.focused() {
		return a.filter.help(a.keys.Back)
	}
	if a.stockT {
		return []key.Binding{a.keys.Tab, a.keys.Back}
	}
	return append([]key.Binding{a.keys.list.Up, a.keys.list.Down, a.keys.Tab}, a.filter.help(a.keys.Back)...)
}

// FullHelp implements help.KeyMap.
func (a *assetsScreen) FullHelp() [][]key.Binding {
	if a.stockT {
		return [][]key.Binding{{a.keys.Tab, a.keys.Ref, a.keys.Back}}
	}
	return a.filter.fullHelp(a.keys.list, []key.Binding{a.keys.Tab, a.keys.Ref}, a.keys.Back)
}

func (a *assetsScreen) refilter(narrows bool) {
	a.view = a.filter.keep(len(a.items), a.view, narrows, func(i int) string { return a.keyOf[i] })
	a.cur, a.top = clamp(a.cur, 0, max(len(a.view)-1, 0)), 0
}

func (a *assetsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case assetsLoadedMsg:
		if msg.code != a.code {
			return a, nil
		}
		if msg.err != nil {
			return a, func() tea.Msg { return failed("loading the equipment register of "+a.code, msg.err) }
		}
		a.loaded, a.items, a.stock = true, msg.items, msg.stock
		a.keyOf = make([]string, len(a.items))
		for i, it := range a.items {
			a.keyOf[i] = laptop.SearchKey(it)
		}
		a.refilter(false)
	case changedMsg:
		if msg.site == a.code {
			return a, loadAssetsCmd(a.sh, a.code)
		}
	case tea.KeyMsg:
		page := a.page()
		if a.filter.focused() {
			r := a.filter.key(msg)
			if r.changed {
				a.refilter(r.narrows)
			}
			if !r.pass {
				return a, r.cmd
			}
		}
		if cur, ok := a.keys.list.step(msg, a.cur, len(a.view), page); ok && !a.stockT {
			a.cur = cur
			a.top = scrollTo(a.cur, a.top, page)
			return a, nil
		}
		switch {
		case key.Matches(msg, a.filter.keys.Open) && !a.stockT:
			return a, a.filter.open()
		case key.Matches(msg, a.filter.keys.Clear) && a.filter.active() && !a.stockT:
			a.filter.clear()
			a.refilter(false)
		case key.Matches(msg, a.keys.Back):
			return a, a.sh.pop()
		case key.Matches(msg, a.keys.Tab):
			a.stockT = !a.stockT
		case key.Matches(msg, a.keys.Ref):
			return a, loadAssetsCmd(a.sh, a.code)
		}
	}
	return a, nil
}

// page is how many register lines fit under the tabs, the filter line and
// the header, above the count.
func (a *assetsScreen) page() int { return max(a.h-5, 1) }

func (a *assetsScreen) View() string {
	st := a.sh.st
	if !a.loaded {
		return "loading the equipment register…"
	}
	var b strings.Builder
	reg, stock := " register ", " stock "
	if a.stockT {
		stock = st.Selected.Render("[stock]")
	} else {
		reg = st.Selected.Render("[register]")
	}
	removed, installed := 0, 0
	for _, it := range a.items {
		switch it.Kind {
		case assets.KindLegacy:
			removed++
		case assets.KindNew:
			installed++
		}
	}
	fmt.Fprintf(&b, "%s %s   %s\n\n", reg, stock, st.Faint.Render(fmt.Sprintf("%d legacy handsets, %d Avaya phones", removed, installed)))
	if a.stockT {
		b.WriteString(st.Header.Render(pad("Avaya model", 24)+pad("Issued", 9)+pad("Installed", 11)+pad("Sent back", 11)+"On hand") + "\n")
		if len(a.stock) == 0 {
			b.WriteString(st.Faint.Render("  no stock issued to this site") + "\n")
		}
		for _, s := range a.stock {
			on := fmt.Sprint(s.OnHand)
			if s.OnHand < 0 {
				on = st.Err.Render(on + " ✗ installed without issued stock")
			}
			b.WriteString(pad(txt(s.Model), 24) + pad(fmt.Sprint(s.Issued), 9) + pad(fmt.Sprint(s.Installed), 11) + pad(fmt.Sprint(s.Returned), 11) + on + "\n")
		}
		return b.String()
	}
	cols := []struct {
		t string
		w int
	}{{"Kind", 8}, {"Handset", 26}, {"Serial", 16}, {"Tag", 10}, {"Position", 9}, {"State", 18}}
	// A tag is up to 20 characters: shown whole where the width allows
	// (120 columns), cut only in a narrow terminal.
	cols[3].w = clamp(a.w-2-(8+26+16+9+18), 10, 21)
	var hdr strings.Builder
	for _, c := range cols {
		hdr.WriteString(pad(c.t, c.w))
	}
	b.WriteString(a.filter.line(st, a.w) + "\n")
	b.WriteString("  " + st.Header.Render(hdr.String()) + "\n")
	switch {
	case len(a.items) == 0:
		b.WriteString(st.Faint.Render("  nothing removed or installed yet") + "\n")
	case len(a.view) == 0:
		b.WriteString(a.filter.noneLine(st, "handset") + "\n")
	}
	page := a.page()
	for i := a.top; i < len(a.view) && i < a.top+page; i++ {
		it := a.items[a.view[i]]
		state := strings.ReplaceAll(string(it.State), "_", " ")
		if it.WTNRef != "" {
			state += " (WTN " + it.WTNRef + ")"
		}
		vals := []string{string(it.Kind), strings.TrimSpace(it.Vendor + " " + it.Model), it.Serial, it.AssetTag, it.Position, state}
		var row strings.Builder
		for j, c := range cols {
			row.WriteString(pad(txt(vals[j]), c.w-1) + " ")
		}
		if i == a.cur {
			b.WriteString("▸ " + st.Selected.Render(row.String()) + "\n")
		} else {
			b.WriteString("  " + row.String() + "\n")
		}
	}
	if a.filter.active() {
		out := fitLines(b.String(), a.w, max(a.h-1, 1))
		return out + "\n" + st.Faint.Render(cut(a.filter.count(len(a.view), len(a.items), "handsets"), a.w))
	}
	return b.String()
}
