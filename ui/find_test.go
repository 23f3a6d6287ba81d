package ui

import (
	"context"
	"cutover/devices"
	"cutover/laptop"
	"slices"
	"strings"
	"testing"

	"cutover/assets"
	"cutover/site"
)

// installCS01 records in the equipment register an Avaya phone at CS-01,
// the real way (assets.Install in a store transaction), so the serial, MAC
// and asset tag a scanner reads belong to it.
func installCS01(t *testing.T, st *site.Store) {
	t.Helper()
	var id int64
	if err := st.DB().QueryRow(`SELECT id FROM positions WHERE label = 'CS-01'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	err := st.Write(context.Background(), testEngineer, func(tx *site.Tx) error {
		_, err := assets.Install(context.Background(), tx, assets.Asset{Kind: assets.KindNew, Vendor: "Avaya", Model: "J179",
			Serial: "GJS4471KR", MAC: "c8:1f:ea:00:10:13", AssetTag: "MPS-004512", Site: "KX"}, id, "CS-01", "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// filterTo types q into the position list's filter as a person does (the
// old query cleared first) and returns the labels kept.
func filterTo(t *testing.T, m *root, l *positionList, q string) []string {
	t.Helper()
	press(t, m, "/")
	for range l.filter.in.Value() {
		press(t, m, "backspace")
	}
	press(t, m, q)
	var got []string
	for _, i := range l.view {
		got = append(got, l.rows[i].p.Label)
	}
	return got
}

// Every form of the issue, typed into the real position list, finds its
// position, shown on screen, and nothing that does not match.
func TestEveryFormFindsItsPosition(t *testing.T) {
	st := demoStore(t)
	installCS01(t, st)
	m := newTestRoot(t, st, "KX", 160, 50)
	press(t, m, "p")
	l := m.top().(*positionList)
	ps, err := st.Positions(context.Background(), "KX")
	if err != nil {
		t.Fatal(err)
	}
	where := func(keep func(p site.Position) bool) []string {
		var out []string
		for _, p := range ps {
			if keep(p) {
				out = append(out, p.Label)
			}
		}
		return out
	}
	hotDesks := where(func(p site.Position) bool { return p.Role == site.RoleHotDesk })
	custody := where(func(p site.Position) bool { return p.Role == "custody_suite" || strings.Contains(p.Room, "Custody") })
	if len(custody) != 6 || len(hotDesks) != 12 {
		t.Fatalf("the demo changed: %d custody, %d hot desks", len(custody), len(hotDesks))
	}
	for _, c := range []struct {
		query string
		want  []string // exactly these, in any order; nil: CS-01 among them
	}{
		{"hot desk", hotDesks},
		{"HOT DESK", hotDesks},
		{"custody suite", custody},
		{"7941", nil},
		{"gi1/0/3", []string{"CS-01", "HD-11"}},
		{"GI1/0/3", []string{"CS-01", "HD-11"}},
		{"GigabitEthernet1/0/3", []string{"CS-01", "HD-11"}},
		{"kx-sw1 gi1/0/3", nil},
		{"020 7230 1013", []string{"CS-01"}},
		{"02072301013", []string{"CS-01"}},
		{"+442072301013", []string{"CS-01"}},
		{"+44 20 7230 1013", []string{"CS-01"}},
		{"SEP001E138C9015", []string{"CS-01"}},
		{"sep001e138c9015", []string{"CS-01"}},
		{"00:1e:13:8c:90:15", []string{"CS-01"}},
		{"001E.138C.9015", []string{"CS-01"}},
		{"00-1E-13-8C-90-15", []string{"CS-01"}},
		{"001e138c9015", []string{"CS-01"}},
		{"31015", []string{"CS-01"}},
		{"cs-01", []string{"CS-01"}},
		{"gjs4471", []string{"CS-01"}},     // the new phone's serial, from the register
		{"MPS-0045", []string{"CS-01"}},    // its asset tag
		{"c8-1f-ea-00", []string{"CS-01"}}, // its MAC
		{"j179", nil},
	} {
		got := filterTo(t, m, l, c.query)
		switch {
		case c.want == nil && !slices.Contains(got, "CS-01"):
			t.Errorf("%q kept %q, not CS-01", c.query, got)
		case c.want != nil && !sameSet(got, c.want):
			t.Errorf("%q kept %q, want %q", c.query, got, c.want)
		}
		frame := m.View()
		mustContain(t, frame, got[0], "filter “"+strings.ToLower(strings.Join(strings.Fields(c.query), " "))+"”")
		mustContain(t, frame, itoa(len(got))+" of 58 positions")
	}
	if got := filterTo(t, m, l, "gi1/0/30"); len(got) != 0 {
		t.Errorf("gi1/0/30 kept %q", got)
	}
	mustContain(t, m.View(), "no position matches “gi1/0/30”")
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// A scanned serial, MAC or asset tag, a burst ending in Enter, opens its
// position, from the list (its letters are not taken as commands) or from
// the filter; the identity is looked up in the register and the inventory.
func TestAScanJumpsToItsPosition(t *testing.T) {
	st := demoStore(t)
	installCS01(t, st)
	m := newTestRoot(t, st, "KX", 120, 40)
	press(t, m, "p")
	l := m.top().(*positionList)
	for _, c := range []struct {
		name, scan string
		inFilter   bool
	}{
		{"serial, letters that are list keys (g j s r)", "gjs4471kr", false},
		{"serial as the scanner sends it", "GJS4471KR", false},
		{"asset tag", "MPS-004512", false},
		{"Cisco device name of the inventory's MAC", "SEP001E138C9015", false},
		{"new phone's MAC, Cisco notation", "c81f.ea00.1013", false},
		{"serial into the filter", "GJS4471KR", true},
		{"MAC into the filter", "00:1E:13:8C:90:15", true},
	} {
		if c.inFilter {
			press(t, m, "/")
		}
		fastKeys(t, m, c.scan, true)
		d, ok := m.top().(*detail)
		if !ok || d.label != "CS-01" {
			t.Fatalf("%s: scanning %q opened %s", c.name, c.scan, typeString(m.top()))
		}
		mustContain(t, m.View(), "CS-01", "position CS-01")
		press(t, m, "esc")
		if l.sort != byLocation || l.filter.focused() || l.selected() != "CS-01" {
			t.Fatalf("%s: the list after the scan: sorted by %s, filter focused %v, on %s", c.name, l.sort, l.filter.focused(), l.selected())
		}
		press(t, m, "esc") // clears a filter, if the scan left one
		if _, ok := m.top().(*positionList); !ok {
			press(t, m, "p")
			l = m.top().(*positionList)
		}
	}
	// A serial typed by hand into the filter, then Enter, opens it too.
	press(t, m, "/", "gjs4471kr", "enter")
	if d, ok := m.top().(*detail); !ok || d.label != "CS-01" {
		t.Fatalf("a typed serial opened %s", typeString(m.top()))
	}
	press(t, m, "esc", "esc")
	// A scan of something no position has changes nothing and says so.
	before := l.selected()
	fastKeys(t, m, "ZZS9999", true)
	if _, ok := m.top().(*positionList); !ok || l.sort != byLocation || l.selected() != before {
		t.Fatalf("an unknown scan: top %s, sorted by %s, on %s", typeString(m.top()), l.sort, l.selected())
	}
	mustContain(t, m.View(), "✗ \"ZZS9999\" was scanned, but no position of KX has that serial")
	// Keys pressed one at a time are still commands.
	press(t, m, "s")
	if l.sort != byRole {
		t.Fatalf("s alone: sorted by %s", l.sort)
	}
}

// The sites list of 200 sites, the register and the discovery results
// filter by the same rule, through their real screens.
func TestEveryListFilters(t *testing.T) {
	t.Run("sites", func(t *testing.T) {
		st := benchStore(t, 200, 2)
		m := newTestRoot(t, st, "", 120, 40)
		mustContain(t, m.View(), "200 sites on this laptop", "/ to filter by code")
		press(t, m, "/", "s137")
		mustContain(t, m.View(), "1 of 200 sites on this laptop · filter “s137”", "S137")
		press(t, m, "enter", "enter")
		if d, ok := m.top().(*dashboard); !ok || d.code != "S137" {
			t.Fatalf("enter on the filtered sites opened %s", typeString(m.top()))
		}
		press(t, m, "esc", "esc")
		s := m.top().(*sitesScreen)
		if len(s.view) != 200 {
			t.Fatalf("esc left %d sites", len(s.view))
		}
		press(t, m, "/", "days past cease", "enter")
		if len(s.view) != 200 {
			t.Fatalf("“days past cease” kept %d sites", len(s.view))
		}
	})
	t.Run("assets", func(t *testing.T) {
		st := demoStore(t)
		installCS01(t, st)
		m := newTestRoot(t, st, "KX", 120, 40)
		press(t, m, "a")
		a := m.top().(*assetsScreen)
		for _, c := range []struct {
			q string
			n int
		}{{"gjs4471", 1}, {"c81f.ea00", 1}, {"avaya j179", 1}, {"cs-01", 1}, {"installed", 1}, {"zz", 0}} {
			q, n := c.q, c.n
			press(t, m, "/")
			for range a.filter.in.Value() {
				press(t, m, "backspace")
			}
			press(t, m, q, "enter")
			if len(a.view) != n {
				t.Errorf("register filter %q kept %d", q, len(a.view))
			}
		}
		mustContain(t, m.View(), "no handset matches “zz”", "0 of 1 handsets")
		press(t, m, "esc")
		if _, ok := m.top().(*assetsScreen); !ok || a.filter.active() {
			t.Fatalf("esc with a filter: top %s", typeString(m.top()))
		}
	})
	t.Run("discovery", func(t *testing.T) {
		st, _, _ := demoRig(t)
		m := newTestRoot(t, st, "KX", 120, 40)
		m.sh.discover = testDiscoverer(st)
		m.sh.creds = devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
		press(t, m, "d", "enter")
		d := m.top().(*discovery)
		if d.phase != phaseResults {
			t.Fatalf("phase %d", d.phase)
		}
		press(t, m, "/", "gi1/0/30", "enter")
		mustContain(t, m.View(), "matched 0", "moved 1", "/ gi1/0/30")
		press(t, m, "tab")
		mustContain(t, m.View(), "[moved 1]", "PE-05")
		press(t, m, "/")
		for range d.filter.in.Value() {
			press(t, m, "backspace")
		}
		press(t, m, "SEP001E138C9015", "enter")
		press(t, m, "tab", "tab", "tab", "tab")
		mustContain(t, m.View(), "[matched 1]", "CS-01")
		press(t, m, "esc")
		mustContain(t, m.View(), "[matched 56]")
		press(t, m, "esc")
		if _, ok := m.top().(*dashboard); !ok {
			t.Fatalf("esc without a filter: %s", typeString(m.top()))
		}
	})
}

// The list is drawn before its search index is built; a filter or a scan
// that comes first builds it there and then, and an index of rows since
// reloaded is dropped.
func TestTheListSearchesBeforeItsIndexArrives(t *testing.T) {
	st := demoStore(t)
	installCS01(t, st)
	m := newTestRoot(t, st, "KX", 160, 50)
	press(t, m, "p")
	l := m.top().(*positionList)
	// Load again by hand, holding back the index Cmd the load returns.
	loaded := loadPositionsCmd(m.sh, "KX", false)().(positionsLoadedMsg)
	if loaded.index != nil {
		t.Fatal("the first load built the index before the first frame")
	}
	_, pending := m.Update(loaded)
	if l.index != nil || pending == nil {
		t.Fatalf("index %v before its Cmd ran (Cmd %v)", l.index != nil, pending != nil)
	}
	if got := filterTo(t, m, l, "7941"); len(got) == 0 || !slices.Contains(got, "FC-01") {
		t.Fatalf("filter before the index: %v", got)
	}
	// The held-back index, now of an older generation than none at all,
	// must not replace what the filter built.
	built := l.index
	stale := pending().(positionsIndexedMsg)
	stale.gen--
	m.Update(stale)
	if l.index != built {
		t.Fatal("a stale index replaced the current one")
	}
	// A scan of the register's serial finds CS-01 through the index too.
	if label, ok := l.identity("GJS4471KR"); !ok || label != "CS-01" {
		t.Fatalf("scan identity: %q %v", label, ok)
	}
}

// / on a list whose filter was kept starts a new filter with what is typed
// (the walk-through's "/FC-01" a second time finds FC-01, not "FC-02FC-01");
// → first keeps the old query to edit it.
func TestSlashAgainStartsANewFilter(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 120, 40)
	press(t, m, "p", "/", "FC-02", "enter")
	l := m.top().(*positionList)
	press(t, m, "/")
	mustContain(t, m.View(), "typing starts a new filter; → keeps this one")
	press(t, m, "FC-01")
	if v := l.filter.in.Value(); v != "FC-01" || len(l.view) != 1 || l.rows[l.view[0]].p.Label != "FC-01" {
		t.Fatalf("/ then FC-01 over a kept FC-02: filter %q, %d rows", v, len(l.view))
	}
	press(t, m, "enter", "/", "right", "0")
	if v := l.filter.in.Value(); v != "FC-010" {
		t.Fatalf("/ then → keeps the query to edit it: %q", v)
	}
}
