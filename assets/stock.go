package assets

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// StockLine is one model's stock at a site: phones issued to the site by
// stores, against phones installed there.
type StockLine struct {
	Model     string `json:"model"`
	Issued    int    `json:"issued"`
	Installed int    `json:"installed"`
	// Returned counts the new phones taken out of a reopened position and
	// sent back (stores, for repair or the supplier; WEEE; lost): issued,
	// no longer on hand.
	Returned int `json:"returned,omitempty"`
	OnHand   int `json:"on_hand"` // issued − installed − returned; negative means installs without issued stock
}

// IssueStock records phones of a model issued to a site: with add set, n
// more arrive; otherwise the issued total is set to n (a correction).
func IssueStock(ctx context.Context, tx Tx, site, model string, n int, add bool) (StockLine, error) {
	site = strings.ToUpper(site)
	m, err := NormaliseModel(model)
	if err != nil {
		return StockLine{}, err
	}
	if n < 0 {
		return StockLine{}, fmt.Errorf("%w: stock of %s cannot be negative (%d)", ErrBadValue, m, n)
	}
	var cur int
	err = tx.QueryRowContext(ctx, `SELECT coalesce((SELECT issued FROM site_stock WHERE site = ? AND model = ?), 0)`, site, m).Scan(&cur)
	if err != nil {
		return StockLine{}, err
	}
	total := n
	if add {
		total = cur + n
	}
	eng, now := tx.Who()
	if _, err := tx.ExecContext(ctx, `INSERT INTO site_stock (site, model, issued, updated_at, updated_by) VALUES (?,?,?,?,?)
		ON CONFLICT (site, model) DO UPDATE SET issued = excluded.issued, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		site, m, total, now, eng); err != nil {
		return StockLine{}, fmt.Errorf("stock: %w", err)
	}
	if err := tx.Op(site, "stock.issued.v1", "stock", site+"/"+m, map[string]any{"model": m, "issued": total, "previous": cur}); err != nil {
		return StockLine{}, err
	}
	lines, err := Stock(ctx, tx, site)
	if err != nil {
		return StockLine{}, err
	}
	for _, l := range lines {
		if l.Model == m {
			return l, nil
		}
	}
	return StockLine{Model: m, Issued: total, OnHand: total}, nil
}

// Stock lists a site's Avaya stock by model: every model issued or
// installed there.
func Stock(ctx context.Context, q Querier, site string) ([]StockLine, error) {
	site = strings.ToUpper(site)
	by := map[string]*StockLine{}
	get := func(m string) *StockLine {
		if by[m] == nil {
			by[m] = &StockLine{Model: m}
		}
		return by[m]
	}
	rows, err := q.QueryContext(ctx, `SELECT model, issued FROM site_stock WHERE site = ?`, site)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var m string
		var n int
		if err := rows.Scan(&m, &n); err != nil {
			rows.Close()
			return nil, err
		}
		get(m).Issued = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT model, state, count(*) FROM assets WHERE site = ? AND kind = 'new'
		AND state IN ('installed', 'returned_to_store', 'weee_disposal', 'lost') GROUP BY model, state`, site)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m, state string
		var n int
		if err := rows.Scan(&m, &state, &n); err != nil {
			return nil, err
		}
		if nm, err := NormaliseModel(m); err == nil {
			m = nm
		}
		if State(state) == StateInstalled {
			get(m).Installed += n
		} else {
			get(m).Returned += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]StockLine, 0, len(by))
	for _, l := range by {
		l.OnHand = l.Issued - l.Installed - l.Returned
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Model < out[j].Model })
	return out, nil
}
