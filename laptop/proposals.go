package laptop

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"cutover/site"
	"cutover/sync/client"
)

// ErrProposalWaiting is returned for a proposal made while one for the
// same position or phone is still waiting for an admin.
var ErrProposalWaiting = errors.New("a proposal is already waiting")

// Propose records a plan change an engineer proposes after a discovery (a
// moved handset's port, an unexpected phone as a new position, or as not
// ours) as an op for the hub, which keeps it for the supervisor: the
// laptop's plan does not change until an admin accepts it and the change
// comes back on a pull. The proposal is kept here too, marked proposed, so
// the screens can say it is waiting.
func Propose(ctx context.Context, st *site.Store, engineer, code string, p site.Proposal) error {
	code = strings.ToUpper(code)
	if err := p.Check(); err != nil {
		return err
	}
	return st.Write(ctx, engineer, func(tx *site.Tx) error {
		_, _, err := site.FindPosition(ctx, tx, code, p.Label)
		switch {
		case p.Kind == site.ProposeMove && errors.Is(err, site.ErrNotFound):
			return fmt.Errorf("position %s is not in site %s's plan", p.Label, code)
		case p.Kind == site.ProposeAdd && err == nil:
			return fmt.Errorf("site %s already has a position %s: choose another label", code, p.Label)
		case p.Label != "" && err != nil && !errors.Is(err, site.ErrNotFound):
			return err
		}
		// One proposal waits per position or phone: a different one
		// replaces it (the engineer changed their mind; the hub keeps the
		// latest), the same one again is refused.
		var prev string
		err = tx.QueryRowContext(ctx, `SELECT value FROM sync_facts WHERE site = ? AND entity = 'proposal' AND entity_id = ? AND attr = 'proposal'`,
			code, p.Key()).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var old site.Proposal
		if prev != "" && json.Unmarshal([]byte(prev), &old) == nil && old.State == site.ProposalProposed {
			if old.Kind == p.Kind && old.Label == p.Label && old.Port == p.Port && old.Switch == p.Switch {
				return fmt.Errorf("%w: %s is already proposed (by %s) and waits for an admin", ErrProposalWaiting, old.Words(), old.By)
			}
		}
		op := p
		op.State, op.By = "", ""
		kept := p
		kept.State, kept.By = site.ProposalProposed, tx.Engineer
		b, _ := json.Marshal(kept)
		if err := client.PutFact(tx, code, "proposal", p.Key(), "proposal", string(b)); err != nil {
			return err
		}
		return tx.Op(code, site.ProposalKind, "proposal", p.Key(), op)
	})
}

// Proposals lists the proposals this laptop knows for a site (its own, and
// every engineer's after a pull), with their state.
func Proposals(ctx context.Context, st *site.Store, code string) ([]site.Proposal, error) {
	return site.Proposals(ctx, st.DB(), code)
}

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
