package laptop

import (
	"strings"

	"cutover/site"
)

// ProposalMark is what a discovery result shows of the proposal made for
// it (byKey holds the site's proposals by site.Proposal.Key): waiting,
// accepted or declined; empty if none was made.
func ProposalMark(byKey map[string]site.Proposal, e Evidence) string {
	var p site.Proposal
	var ok bool
	switch {
	case e.Outcome == site.OutcomeMoved && e.Expected != nil:
		p, ok = byKey[site.Proposal{Kind: site.ProposeMove, Label: e.Expected.Label}.Key()]
	case e.Seen != nil:
		p, ok = byKey["phone:"+strings.ToLower(e.Seen.Phone.MAC)]
	}
	if !ok {
		return ""
	}
	what := map[string]string{site.ProposeMove: "port", site.ProposeAdd: "new position " + p.Label, site.ProposeNotOurs: "not ours"}[p.Kind]
	switch p.State {
	case site.ProposalAccepted:
		return "✓ " + what + " accepted"
	case site.ProposalDeclined:
		return "✗ " + what + " declined"
	}
	return "⧗ " + what + " proposed"
}
