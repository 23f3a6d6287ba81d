package ui

import (
	"time"

	"cutover/internal/find"
	"cutover/internal/safetext"
	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

// A barcode scanner types a serial, MAC or asset tag a character every few
// milliseconds and ends it with Enter. In the position list, or in its
// filter, such a burst opens the position that identity belongs to (looked
// up in the equipment register and the inventory), whatever its letters
// would have done as keys: the list is put back as it was before the burst.
// Keys a person types are further apart than burstWindow (see
// wizard_keys.go), so they stay commands and filter text.

// minScan is the fewest characters a burst needs to be taken for a scan
// (the shortest asset tag).
const minScan = 3

// scanGapMsg ends the burst of generation seq: no key came in time.
type scanGapMsg struct{ seq int }

// scanBurst is the printable keys typed so far in one burst, and how the
// list stood before its first key.
type scanBurst struct {
	buf  []rune
	seq  int
	snap listSnap
}

// listSnap is the position list's state a burst may have changed.
type listSnap struct {
	sort     sortBy
	filter   string
	focused  bool
	selected string
}

// key notes a key: a printable one joins the burst (the first one also
// takes a snapshot of the list) and arms its gap timer; any other key but
// Enter ends the burst.
func (b *scanBurst) key(l *positionList, msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyRunes || msg.Paste || len(msg.Runes) != 1 {
		if msg.Type != tea.KeyEnter {
			b.buf = nil
		}
		return nil
	}
	if len(b.buf) == 0 {
		b.snap = listSnap{sort: l.sort, filter: l.filter.in.Value(), focused: l.filter.focused(), selected: l.selected()}
	}
	if len(b.buf) < 64 {
		b.buf = append(b.buf, msg.Runes[0])
	}
	b.seq++
	seq := b.seq
	return tea.Tick(burstWindow, func(time.Time) tea.Msg { return scanGapMsg{seq} })
}

// gap ends the burst when no key followed its last one in time.
func (b *scanBurst) gap(msg scanGapMsg) {
	if msg.seq == b.seq {
		b.buf = nil
	}
}

// due reports an Enter that ends a burst long enough to be a scan.
func (b *scanBurst) due() bool { return len(b.buf) >= minScan }

// scanned acts on a burst ended by Enter: the list goes back to how it was,
// and the position the scan names opens. A burst that names nothing is
// left as typed when it ends in the filter (a fast typist's "/cs-01⏎"),
// and refused with a message when its keys were taken as list commands.
func (l *positionList) scanned() tea.Cmd {
	text, snap := string(l.scan.buf), l.scan.snap
	l.scan.buf = nil
	label, ok := l.identity(text)
	if !ok && l.filter.focused() {
		return l.filterKey(tea.KeyMsg{Type: tea.KeyEnter})
	}
	l.restore(snap)
	if !ok {
		if _, shared := l.indexed().ids[find.ID(text)]; shared {
			return badNote("%s is recorded at more than one position of %s: filter by it (/) to see them", safetext.Quote(text, 40), l.code)
		}
		return badNote("%s was scanned, but no position of %s has that serial, MAC or asset tag (register and inventory checked); nothing else was done",
			safetext.Quote(text, 40), l.code)
	}
	return l.jump(text, label)
}

// restore puts the list back as a snapshot had it.
func (l *positionList) restore(s listSnap) {
	if l.sort != s.sort {
		l.sort = s.sort
		l.order = sortRows(l.rows, l.sort)
	}
	l.filter.in.SetValue(s.filter)
	l.filter.q = find.Parse(s.filter)
	if s.focused {
		l.filter.in.Focus()
	} else {
		l.filter.in.Blur()
	}
	l.refilter(l.order)
	l.selectLabel(s.selected)
}

// identity is the label of the one position v (a serial, MAC or asset
// tag, in any notation) belongs to.
func (l *positionList) identity(v string) (string, bool) {
	label, ok := l.indexed().ids[find.ID(v)]
	return label, ok && label != ""
}

// jump selects a position in the list and opens it.
func (l *positionList) jump(scan, label string) tea.Cmd {
	l.filter.in.Blur()
	l.selectLabel(label)
	l.scroll()
	return tea.Batch(l.sh.push(newDetail(l.sh, l.code, label)), note("%s: position %s", safetext.Quote(scan, 40), label))
}

// selectLabel moves the cursor to a position, when the view shows it.
func (l *positionList) selectLabel(label string) {
	for i, r := range l.view {
		if l.rows[r].p.Label == label {
			l.cur = i
			return
		}
	}
}

// identities maps every serial, MAC and asset tag of a site (the
// register's, and the inventory's MACs) to its position's label; one that
// two positions share maps to "".
func identities(rows []posRow) map[string]string {
	ids := make(map[string]string, len(rows)*2)
	put := func(v, label string) {
		if len(v) < minScan {
			return
		}
		id := find.ID(v)
		if prev, ok := ids[id]; ok && prev != label {
			ids[id] = ""
			return
		}
		ids[id] = label
	}
	for i := range rows {
		p := &rows[i].p
		if p.Status == site.StatusWithdrawn {
			continue
		}
		put(p.MAC, p.Label)
		for _, a := range rows[i].held {
			put(a.Serial, p.Label)
			put(a.MAC, p.Label)
			put(a.AssetTag, p.Label)
		}
	}
	return ids
}
