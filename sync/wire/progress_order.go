package wire

import (
	"sort"
	"strings"

	"cutover/internal/find"
)

// SiteOrder is how a list of sites is ordered, by the progress TUI and the
// web page alike.
type SiteOrder int

// The orders.
const (
	OrderProblems  SiteOrder = iota // most problems first, then the hub's order
	OrderLate                       // the hub's order: by verdict, latest first
	OrderName                       // by name
	OrderLeastDone                  // lowest % done first
	NumSiteOrders
)

func (o SiteOrder) String() string {
	switch o {
	case OrderProblems:
		return "problems first"
	case OrderLate:
		return "late first"
	case OrderName:
		return "name"
	}
	return "% done"
}

// ParseSiteOrder reads an order's String, or "" for problems first.
func ParseSiteOrder(v string) (SiteOrder, bool) {
	for o := SiteOrder(0); o < NumSiteOrders; o++ {
		if v == o.String() {
			return o, true
		}
	}
	return OrderProblems, v == ""
}

// ProblemCount is what needs someone at a site: failed, blocked and open
// conflicts (discrepancies are among the conflicts).
func ProblemCount(sp SiteProgress) int { return sp.Failed + sp.Blocked + sp.OpenConflicts }

// OrderSites returns the sites' indices in order o; the hub's order (by
// verdict) breaks ties.
func OrderSites(sites []SiteProgress, o SiteOrder) []int {
	idx := make([]int, len(sites))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := &sites[idx[a]], &sites[idx[b]]
		switch o {
		case OrderProblems:
			if px, py := ProblemCount(*x), ProblemCount(*y); px != py {
				return px > py
			}
		case OrderName:
			if nx, ny := strings.ToLower(x.Name), strings.ToLower(y.Name); nx != ny {
				return nx < ny
			}
			return x.Code < y.Code
		case OrderLeastDone:
			if px, py := shareDone(x.Done, x.Positions), shareDone(y.Done, y.Positions); px != py {
				return px < py
			}
		}
		return idx[a] < idx[b] // the hub's order
	})
	return idx
}

func shareDone(done, total int) float64 {
	if total <= 0 {
		return 100
	}
	return float64(done) / float64(total)
}

// SiteKey is what a filter over sites searches in one (internal/find):
// its code, name, dates, wave, verdict and the kinds of problem it has.
func SiteKey(sp SiteProgress) string {
	var k find.Key
	k.Text(sp.Code, sp.Name, sp.CeaseDate, sp.StartDate, sp.Wave, sp.ProjectedFinish, sp.Verdict.Short, sp.Verdict.Words)
	for _, p := range []struct {
		n    int
		word string
	}{{sp.Failed, "failed"}, {sp.Blocked, "blocked"}, {sp.OpenConflicts, "conflict"}, {sp.Discrepancies, "discrepancy"}} {
		if p.n > 0 {
			k.Text(p.word)
		}
	}
	return k.String()
}
