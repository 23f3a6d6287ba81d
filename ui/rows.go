package ui

import (
	"sort"
	"strings"

	"cutover/site"
)

// posRow is a position with what the list needs precomputed: the
// lower-cased search key (so a keystroke is one strings.Contains per row)
// and the sort and group keys.
type posRow struct {
	p   site.Position
	key string // label, extension, DDI, room, MAC and serials, lower case
	loc string // "Main / G / Front counter"
}

// sortBy is the order of the position list; it also names the groups.
type sortBy int

const (
	byLocation sortBy = iota
	byRole
	byStatus
	byLabel
	numSorts
)

func (s sortBy) String() string {
	switch s {
	case byLocation:
		return "location"
	case byRole:
		return "role"
	case byStatus:
		return "status"
	}
	return "label"
}

// newRows builds the list's rows; serials maps a position's label to the
// serials the register holds for it (legacy and new), when known.
func newRows(ps []site.Position, serials map[string][]string) []posRow {
	rows := make([]posRow, len(ps))
	var b strings.Builder
	for i, p := range ps {
		b.Reset()
		for _, f := range []string{p.Label, p.Extension, p.DDI, digits(p.DDI), nationalDDI(p.DDI), p.Room, p.MAC, hexOnly(p.MAC)} {
			b.WriteString(f)
			b.WriteByte('\x00') // no match runs across two fields
		}
		for _, s := range serials[p.Label] {
			b.WriteString(s)
			b.WriteByte('\x00')
		}
		rows[i] = posRow{p: p, key: strings.ToLower(b.String()), loc: p.Location()}
	}
	return rows
}

// group is the heading a row falls under in the given order ("" for none).
func (r *posRow) group(s sortBy) string {
	switch s {
	case byLocation:
		if r.loc == "" {
			return "(no location)"
		}
		return txt(r.loc)
	case byRole:
		return roleWord(r.p.Role)
	case byStatus:
		return r.p.Status.Symbol() + " " + statusWord(r.p.Status)
	}
	return ""
}

// sortRows returns the row indices in the given order; labels break ties.
func sortRows(rows []posRow, s sortBy) []int {
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	rank := func(r *posRow) int {
		switch s {
		case byRole:
			return indexOf(site.Roles, r.p.Role)
		case byStatus:
			return indexOf(site.Statuses, r.p.Status)
		}
		return 0
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := &rows[idx[a]], &rows[idx[b]]
		if s == byLocation && x.loc != y.loc {
			return x.loc < y.loc
		}
		if rx, ry := rank(x), rank(y); rx != ry {
			return rx < ry
		}
		return x.p.Label < y.p.Label
	})
	return idx
}

// filterRows keeps the indices in from whose row's key holds q (already
// lower case and trimmed); an empty q keeps all.
func filterRows(rows []posRow, from []int, q string) []int {
	if q == "" {
		return append([]int(nil), from...)
	}
	alt := macQuery(q)
	out := make([]int, 0, len(from)/4)
	for _, i := range from {
		if strings.Contains(rows[i].key, q) || (alt != "" && strings.Contains(rows[i].key, alt)) {
			out = append(out, i)
		}
	}
	return out
}

// macQuery is q as bare hex when q is a MAC typed with separators
// ("001e.138c", "00-1e-13"), else "".
func macQuery(q string) string {
	if !strings.ContainsAny(q, ":.-") {
		return ""
	}
	h := hexOnly(q)
	if len(h) < 2 || len(h)+strings.Count(q, ":")+strings.Count(q, ".")+strings.Count(q, "-") != len(q) {
		return ""
	}
	return h
}

func indexOf[T comparable](all []T, v T) int {
	for i, a := range all {
		if a == v {
			return i
		}
	}
	return len(all)
}

// digits keeps only the digits of s, so "020 7230 1003" is found by "02072301003".
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// nationalDDI is a UK number in E.164 (+442072301003) as dialled at home
// (02072301003), so either way of typing it finds the position.
func nationalDDI(ddi string) string {
	if d := digits(ddi); strings.HasPrefix(ddi, "+44") && len(d) > 2 {
		return "0" + d[2:]
	}
	return ""
}

// hexOnly keeps only the hex digits of a MAC, so 001e.138c.9007 and
// 00-1E-13-8C-90-07 both find 00:1e:13:8c:90:07.
func hexOnly(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'f', r >= 'A' && r <= 'F':
			return r
		}
		return -1
	}, s)
}
