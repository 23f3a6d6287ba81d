package ui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

func TestSitesScreenListsProgressAndDaysLeft(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	if err := st.SetStatus(ctx, testEngineer, "KX", "FC-01", site.StatusInProgress, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.SetStatus(ctx, testEngineer, "KX", "FC-01", site.StatusDone, ""); err != nil {
		t.Fatal(err)
	}
	m := newTestRoot(t, st, "", 120, 40)
	mustContain(t, m.View(), "1 site on this laptop", "▸ KX     Kestrel Cross Police Station",
		"1/58 done", "126 days to cease", "○ 57 planned", "● 1 done")
	press(t, m, "enter")
	if _, ok := m.top().(*dashboard); !ok {
		t.Fatalf("enter opened %T, want the dashboard", m.top())
	}
}

func TestDashboardCountsAndAttention(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	for _, s := range []site.Status{site.StatusInProgress, site.StatusBlocked} {
		if err := st.SetStatus(ctx, testEngineer, "KX", "CS-01", s, "custody sergeant refused access"); err != nil {
			t.Fatal(err)
		}
	}
	m := newTestRoot(t, st, "KX", 120, 40)
	frame := m.View()
	mustContain(t, frame, "KX  Kestrel Cross Police Station", "0 of 58 positions done", "126 days to cease (2027-03-31)",
		"○ planned         57", "■ blocked          1", "custody suite       6", "Avaya fixed         13",
		"Needs attention", "▸ ■ CS-01    blocked: custody sergeant refused access")
	for k, want := range map[string]string{"p": "*ui.positionList", "d": "*ui.discovery", "a": "*ui.assetsScreen",
		"c": "*ui.conflictsScreen", "enter": "*ui.detail"} {
		press(t, m, k)
		if got := typeName(m.top()); got != want {
			t.Fatalf("%s opened %s, want %s", k, got, want)
		}
		press(t, m, "esc")
	}
	press(t, m, "esc")
	if _, ok := m.top().(*sitesScreen); !ok {
		t.Fatalf("esc from the dashboard went to %T", m.top())
	}
}

func openPositions(t *testing.T, w, h int) (*root, *positionList) {
	m := newTestRoot(t, demoStore(t), "KX", w, h)
	press(t, m, "p")
	l, ok := m.top().(*positionList)
	if !ok {
		t.Fatalf("p opened %T", m.top())
	}
	if len(l.rows) != 58 {
		t.Fatalf("%d rows, want 58", len(l.rows))
	}
	return m, l
}

func TestPositionFilterOverEveryField(t *testing.T) {
	m, l := openPositions(t, 120, 40)
	cases := []struct{ query, want string }{
		{"fc-0", "FC-01 FC-02"},                // label, any case
		{"31013", "FC-02"},                     // extension
		{"02072301003", "FC-01"},               // DDI digits without spaces
		{"custody suite", "CS-06 CS-01 CS-02"}, // room or role (CS-06 by its role)
		{"13:8c:90:0e", "FC-02"},               // part of a MAC as stored (a whole one opens it)
		{"138C.900E", "FC-02"},                 // part of a MAC the Cisco way
		{"zzzz", ""},
	}
	for _, c := range cases {
		press(t, m, "/")
		for range l.filter.in.Value() {
			press(t, m, "backspace")
		}
		press(t, m, c.query, "enter")
		var got []string
		for _, i := range l.view {
			got = append(got, l.rows[i].p.Label)
		}
		if s := strings.Join(got, " "); !strings.HasPrefix(s, c.want) || (c.want == "" && s != "") {
			t.Errorf("filter %q kept %q, want %q", c.query, s, c.want)
		}
	}
	mustContain(t, m.View(), "no position matches “zzzz”")
	press(t, m, "esc")
	if len(l.view) != 58 || l.filter.q.String() != "" {
		t.Fatalf("esc left %d rows, query %q", len(l.view), l.filter.q.String())
	}
	if _, ok := m.top().(*positionList); !ok {
		t.Fatal("esc with a filter set should clear it, not leave the list")
	}
}

func TestPositionFilterNarrowsAsYouType(t *testing.T) {
	m, l := openPositions(t, 80, 24)
	press(t, m, "/", "p")
	n1 := len(l.view)
	press(t, m, "e")
	n2 := len(l.view)
	press(t, m, "backspace")
	if len(l.view) != n1 || n2 >= n1 || n2 == 0 {
		t.Fatalf("p kept %d, pe %d, back to p %d", n1, n2, len(l.view))
	}
	mustContain(t, m.View(), "/ pe"[:3])
}

func TestPositionSortGroupsAndKeepsSelection(t *testing.T) {
	m, l := openPositions(t, 120, 40)
	press(t, m, "/", "PT-03", "enter", "esc") // select PT-03, then clear the filter
	if l.selected() != "PT-03" {
		t.Fatalf("selected %q after clearing the filter", l.selected())
	}
	mustContain(t, m.View(), "Annexe / 2 / CT ops room", "sorted by location")
	press(t, m, "s")
	frame := m.View()
	mustContain(t, frame, "sorted by role", "CT ops PTT\n", "▸ ○ planned     PT-03")
	press(t, m, "s", "home")
	mustContain(t, m.View(), "sorted by status", "\n○ planned")
	press(t, m, "s")
	mustContain(t, m.View(), "sorted by label")
	mustNotContain(t, m.View(), "\n○ planned")
	press(t, m, "s")
	if l.sort != byLocation {
		t.Fatal("sort does not cycle back to location")
	}
}

func TestPositionListScrollsAndRendersOnlyVisibleRows(t *testing.T) {
	m, l := openPositions(t, 80, 24)
	press(t, m, "end")
	if l.selected() != l.rows[l.view[len(l.view)-1]].p.Label {
		t.Fatal("end did not select the last position")
	}
	frame := m.View()
	mustContain(t, frame, "▸ ", l.selected())
	if n := len(splitLines(frame)); n != 24 {
		t.Fatalf("%d lines at 80×24", n)
	}
	press(t, m, "home")
	if l.cur != 0 || l.top != 0 {
		t.Fatalf("home: cur %d top %d", l.cur, l.top)
	}
	press(t, m, "pgdown")
	if l.cur == 0 {
		t.Fatal("pgdown did not move")
	}
}

func TestPositionDetailShowsPlanAndHistory(t *testing.T) {
	st := demoStore(t)
	if err := st.SetStatus(context.Background(), testEngineer, "KX", "FC-02", site.StatusInProgress, "started"); err != nil {
		t.Fatal(err)
	}
	m := newTestRoot(t, st, "KX", 120, 40)
	press(t, m, "p", "/", "FC-02", "enter", "enter")
	d, ok := m.top().(*detail)
	if !ok {
		t.Fatalf("enter opened %T", m.top())
	}
	mustContain(t, m.View(), "FC-02  ◐ in progress", "Main / G / Front counter", "front counter", "Avaya fixed",
		"31013", "00:1e:13:8c:90:0e", "kx-sw1 Gi1/0/2", "Avaya J179", "planned → in progress  alex  started")
	if d.label != "FC-02" {
		t.Fatal(d.label)
	}
	press(t, m, "esc")
	if _, ok := m.top().(*positionList); !ok {
		t.Fatal("esc did not go back to the list")
	}
}

func typeName(v any) string { return strings.TrimSpace(strings.Split(typeString(v), " ")[0]) }

func TestDashboardSaysWhetherTheLaptopIsEnrolled(t *testing.T) {
	st := demoStore(t)
	m := newTestRoot(t, st, "KX", 120, 40)
	mustContain(t, m.View(), "Sync: not enrolled with a hub (cutover login) ·", "changes kept here")
	enrolled := newRoot(context.Background(), Options{Store: st, Engineer: testEngineer, Site: "KX", NoColor: true,
		Hub: "https://hub.example.invalid", Now: func() time.Time { return fixedNow }}, newRenderer(io.Discard, true))
	enrolled.sh.animate = false
	enrolled.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	drain(t, enrolled, enrolled.Init())
	mustContain(t, enrolled.View(), "Sync: never synced ·", "changes pending")
}
