package ui

import (
	"sort"

	"cutover/assets"
	"cutover/internal/find"
	"cutover/site"
	"cutover/site/runbook"
)

// posRow is a position with what the list needs precomputed for drawing
// and sorting; its search key is in the list's positionIndex.
type posRow struct {
	p    site.Position
	held []assets.Asset // what the equipment register holds for it
	loc  string         // "Main / G / Front counter"
	// today is set when the position is on today's list (t).
	today bool
	// now is the number the position has now, when one was recorded.
	now *runbook.NumberNow
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

// newRows builds the list's rows; held maps a position's label to what the
// equipment register holds for it (legacy and new), when known.
func newRows(ps []site.Position, held map[string][]assets.Asset) []posRow {
	rows := make([]posRow, len(ps))
	for i, p := range ps {
		rows[i] = posRow{p: p, held: held[p.Label], loc: p.Location()}
	}
	return rows
}

// withNumbers gives the rows the numbers they have now.
func withNumbers(rows []posRow, now map[string]runbook.NumberNow) []posRow {
	for i := range rows {
		if n, ok := now[rows[i].p.Label]; ok {
			rows[i].now = &n
		}
	}
	return rows
}

// ddiNow is the DDI column: the number now, marked → when it is not the
// planned one (a new or Teams DDI), "none" when it was given up.
func (r *posRow) ddiNow() string {
	if r.now == nil || r.now.DDI == r.p.DDI {
		return r.p.DDI
	}
	if r.now.DDI == "" {
		return "none"
	}
	return "→" + r.now.DDI
}

// positionKey is what the position filter searches: every column the list
// shows (status, label, extension, DDI, location, legacy handset, role,
// plan, switch port, MAC), the new handset, and the serials, MACs and
// asset tags the register holds for the position.
func positionKey(p site.Position, held []assets.Asset, now *runbook.NumberNow) string {
	var k find.Key
	k.Text(p.Label, statusWord(p.Status), p.Building, p.Floor, p.Room, p.Location(),
		roleWord(p.Role), string(p.Role), planWord(p.Plan), string(p.Plan),
		string(p.LegacyVendor), p.LegacyModel, p.TargetModel)
	k.Phone(p.Extension)
	k.Phone(p.DDI)
	if now != nil {
		k.Phone(now.DDI) // a new or Teams DDI finds its position
	}
	k.Port(p.Switch, p.Port)
	k.MAC(p.MAC)
	for _, a := range held {
		k.Text(a.Serial, a.AssetTag, a.Model)
		k.MAC(a.MAC)
	}
	return k.String()
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

func indexOf[T comparable](all []T, v T) int {
	for i, a := range all {
		if a == v {
			return i
		}
	}
	return len(all)
}
