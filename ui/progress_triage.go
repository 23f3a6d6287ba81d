package ui

import (
	"cutover/internal/find"
	"cutover/site"
	"cutover/sync/wire"
)

// Supervisor triage on the progress overview: the order of the sites (s),
// the `/` filter over them, and the "needs attention" panel listing every
// failed or blocked position, open conflict and discrepancy across sites.

// siteOrder is how the overview orders the sites: the one ordering the
// web page uses too (wire.OrderSites).
type siteOrder = wire.SiteOrder

const (
	problemsFirst = wire.OrderProblems
	numOrders     = wire.NumSiteOrders
)

func orderSites(sites []wire.SiteProgress, o siteOrder) []int { return wire.OrderSites(sites, o) }

// progressSiteKey is what the overview's filter searches in a site: the
// one key the web page's filter uses too (wire.SiteKey).
func progressSiteKey(sp wire.SiteProgress) string { return wire.SiteKey(sp) }

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
