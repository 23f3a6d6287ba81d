package client

import (
	"context"
	"strings"

	"cutover/site"
)

// NotOurs lists the MACs of the phones at a site that are not ours: marked
// so by an accepted proposal (the hub's "not_ours" fact) or proposed so by
// an engineer and not declined. Discovery does not flag them as unexpected.
func NotOurs(ctx context.Context, st *site.Store, code string) (map[string]bool, error) {
	code = strings.ToUpper(code)
	out := map[string]bool{}
	rows, err := st.DB().QueryContext(ctx, `SELECT entity_id FROM sync_facts WHERE site = ? AND entity = 'phone' AND attr = 'not_ours'
		AND value <> ''`, code)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var mac string
		if err := rows.Scan(&mac); err != nil {
			rows.Close()
			return nil, err
		}
		out[mac] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ps, err := site.Proposals(ctx, st.DB(), code)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.Kind == site.ProposeNotOurs && p.State != site.ProposalDeclined {
			out[p.MAC] = true
		}
	}
	return out, nil
}
