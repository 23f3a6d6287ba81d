package client

import (
	"context"
	"encoding/json"
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
	ps, err := notOursProposed(ctx, st, code)
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

// notOursProposed lists the phones proposed as not ours at a site, with
// their state. It stays here, beside NotOurs, because discovery (swap)
// needs it; laptop.Proposals is the listing the screens use.
func notOursProposed(ctx context.Context, st *site.Store, code string) ([]site.Proposal, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT value FROM sync_facts WHERE site = ? AND entity = 'proposal' AND attr = 'proposal'
		ORDER BY entity_id`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []site.Proposal
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		var p site.Proposal
		if json.Unmarshal([]byte(v), &p) == nil && p.Kind == site.ProposeNotOurs {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}
