package ui

import (
	"strings"

	"cutover/site"
)

// column is one column of the position table.
type column struct {
	title string
	width int
	value func(r *posRow) string
}

// posColumns are the columns that fit the width, with the location taking
// what is left over.
type posColumns struct {
	cols   []column
	status int
}

const statusColWidth = 14 // "◐ in progress" and a space

func (l *positionList) columns() posColumns {
	w := l.w - 2 - statusColWidth // the cursor marker and the status
	// The plan stays at 80 columns: it says what the position's runbook is.
	cols := []column{
		{"Label", 10, func(r *posRow) string { return dayMark(r) + txt(r.p.Label) }},
		{"Ext", 7, func(r *posRow) string { return txt(r.p.Extension) }},
		{"DDI", 15, func(r *posRow) string { return txt(r.ddiNow()) }},
		{"Plan", 13, func(r *posRow) string { return planShort(r.p.Plan) }},
	}
	extra := []column{
		{"Role", 15, func(r *posRow) string { return roleWord(r.p.Role) }},
		{"Switch port", 18, func(r *posRow) string { return txt(r.p.Switch + " " + r.p.Port) }},
		{"MAC", 18, func(r *posRow) string { return txt(r.p.MAC) }},
	}
	used := 0
	for _, c := range cols {
		used += c.width
	}
	const minLoc = 20
	for _, c := range extra {
		if used+c.width+minLoc > w {
			break
		}
		cols = append(cols, c)
		used += c.width
	}
	// The location sits after the DDI; sorted by location, the group
	// heading already says it, so the column shows the legacy handset.
	loc := column{"Location", max(w-used, 8), func(r *posRow) string { return txt(r.loc) }}
	if l.sort == byLocation {
		loc = column{"Legacy handset", loc.width, func(r *posRow) string { return txt(r.p.LegacyModel) }}
	}
	cols = append(cols[:3], append([]column{loc}, cols[3:]...)...)
	return posColumns{cols: cols, status: statusColWidth}
}

// dayMark marks a position on today's list.
func dayMark(r *posRow) string {
	if r.today {
		return "◆"
	}
	return ""
}

// planShort is a plan in a column's eleven characters.
func planShort(p site.Plan) string {
	if p == site.PlanAvayaSoft {
		return "Avaya soft"
	}
	return planWord(p)
}

func (c posColumns) header() string {
	var b strings.Builder
	b.WriteString("  " + pad("Status", c.status))
	for _, col := range c.cols {
		b.WriteString(pad(col.title, col.width))
	}
	return b.String()
}

func (c posColumns) row(st *styles, r *posRow, selected bool) string {
	var b strings.Builder
	for _, col := range c.cols {
		b.WriteString(pad(col.value(r), col.width-1) + " ")
	}
	rest := b.String()
	if selected {
		return "▸ " + st.Selected.Render(pad(r.p.Status.Symbol()+" "+statusWord(r.p.Status), c.status)+rest)
	}
	return "  " + st.status(r.p.Status, c.status) + rest
}
