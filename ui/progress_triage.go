package ui

import (
	"sort"
	"strings"

	"cutover/internal/find"
	"cutover/site"
	"cutover/sync/wire"
)

// Supervisor triage on the progress overview: the order of the sites (s),
// the `/` filter over them, and the "needs attention" panel listing every
// failed or blocked position, open conflict and discrepancy across sites.

// siteOrder is how the overview orders the sites.
type siteOrder int

const (
	problemsFirst siteOrder = iota // most problems first, then late first
	lateFirst                      // the hub's order: most days late first
	byName
	leastDone // lowest % done first
	numOrders
)

func (o siteOrder) String() string {
	switch o {
	case problemsFirst:
		return "problems first"
	case lateFirst:
		return "late first"
	case byName:
		return "name"
	}
	return "% done"
}

// problemCount is what needs someone at a site: failed, blocked and open
// conflicts (discrepancies are among the conflicts).
func problemCount(sp wire.SiteProgress) int { return sp.Failed + sp.Blocked + sp.OpenConflicts }

// orderSites returns the sites' indices in order o; the hub's order (late
// first) breaks ties, then the code.
func orderSites(sites []wire.SiteProgress, o siteOrder) []int {
	idx := make([]int, len(sites))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := &sites[idx[a]], &sites[idx[b]]
		switch o {
		case problemsFirst:
			if px, py := problemCount(*x), problemCount(*y); px != py {
				return px > py
			}
		case byName:
			if nx, ny := strings.ToLower(x.Name), strings.ToLower(y.Name); nx != ny {
				return nx < ny
			}
			return x.Code < y.Code
		case leastDone:
			if px, py := percentF(x.Done, x.Positions), percentF(y.Done, y.Positions); px != py {
				return px < py
			}
		}
		return idx[a] < idx[b] // the hub's order
	})
	return idx
}

func percentF(done, total int) float64 {
	if total <= 0 {
		return 100
	}
	return float64(done) / float64(total)
}

// progressSiteKey is what the overview's filter searches in a site: what
// its row shows (code, name, cease date, finish, the verdict in words and
// the problems).
func progressSiteKey(sp wire.SiteProgress) string {
	var k find.Key
	k.Text(sp.Code, sp.Name, sp.CeaseDate, sp.ProjectedFinish, finishWords(sp), verdictWords(sp))
	if sp.Failed > 0 {
		k.Text("failed")
	}
	if sp.Blocked > 0 {
		k.Text("blocked")
	}
	if sp.OpenConflicts > 0 {
		k.Text("conflict")
	}
	if sp.Discrepancies > 0 {
		k.Text("discrepancy")
	}
	return k.String()
}

// verdictWords is verdict without its style.
func verdictWords(s wire.SiteProgress) string { return s.Verdict.Short + " " + s.Verdict.Words }

// attention is one line of the needs-attention panel.
type attention struct {
	code string
	pr   wire.Problem
	key  string
}

// attentionRows lists every problem of the sites in order, as the
// needs-attention panel shows them.
func attentionRows(sites []wire.SiteProgress, order []int) []attention {
	var out []attention
	for _, i := range order {
		sp := sites[i]
		for _, pr := range sp.Problems {
			var k find.Key
			k.Text(sp.Code, sp.Name, pr.Label, problemWord(pr), pr.Reason, pr.Conflict, pr.Fact)
			out = append(out, attention{code: sp.Code, pr: pr, key: k.String()})
		}
	}
	return out
}

// problemKind is a problem's kind; the hub before kinds sent only statuses.
func problemKind(pr wire.Problem) string {
	if pr.Kind != "" {
		return pr.Kind
	}
	return pr.Status
}

// problemWord is a problem's kind in words.
func problemWord(pr wire.Problem) string {
	switch problemKind(pr) {
	case wire.ProblemConflict:
		return "conflict"
	case wire.ProblemDiscrepancy:
		return "discrepancy"
	case wire.ProblemUnproven:
		return "unproven"
	}
	return statusWord(site.Status(problemKind(pr)))
}

// problemTag is a problem's symbol and word, styled, w cells wide.
func problemTag(st *styles, pr wire.Problem, w int) string {
	switch problemKind(pr) {
	case wire.ProblemConflict:
		return st.Err.Render(pad("⇄ conflict", w))
	case wire.ProblemDiscrepancy:
		return st.Warn.Render(pad("≠ discrepancy", w))
	case wire.ProblemUnproven:
		return st.Warn.Render(pad("≈ unproven", w))
	}
	return st.status(site.Status(problemKind(pr)), w)
}

// problemLine is a problem as the lists show it: "✗ failed   P3   no PoE".
func problemLine(st *styles, pr wire.Problem) string {
	label := pr.Label
	if label == "" {
		label = "—"
	}
	return problemTag(st, pr, 14) + " " + pad(txt(label), 14) + " " + reasonText(pr.Reason)
}
