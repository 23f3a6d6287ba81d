package laptop

import (
	"context"
	"encoding/json"
	"strings"

	"cutover/site"
)

// Conflict is a conflict record as this laptop holds it (as of the last
// pull).
type Conflict struct {
	ID          string          `json:"id"`
	Site        string          `json:"site"`
	Kind        string          `json:"kind"`
	Entity      string          `json:"entity"`
	EntityID    string          `json:"entity_id"`
	Status      string          `json:"status"`
	Detail      json.RawMessage `json:"detail"`
	OpenedAt    string          `json:"opened_at"`
	ResolvedBy  string          `json:"resolved_by,omitempty"`
	Resolution  string          `json:"resolution,omitempty"`
	LocalStatus string          `json:"local_status,omitempty"` // "resolving": a resolution is waiting to be pushed
}

// Conflicts lists a site's conflict records as an engineer reads them
// (every site's with siteCode empty); with all false, only open ones.
func Conflicts(ctx context.Context, st *site.Store, siteCode string, all bool) ([]Conflict, error) {
	q := `SELECT id, site, kind, entity, entity_id, status, detail, opened_at, resolved_by, resolution, local_status
		FROM sync_conflicts WHERE (? OR status = 'open') AND (? = '' OR site = ?) ORDER BY opened_at, id`
	code := strings.ToUpper(siteCode)
	rows, err := st.DB().QueryContext(ctx, q, all, code, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Conflict{}
	for rows.Next() {
		var c Conflict
		var d string
		if err := rows.Scan(&c.ID, &c.Site, &c.Kind, &c.Entity, &c.EntityID, &c.Status, &d, &c.OpenedAt,
			&c.ResolvedBy, &c.Resolution, &c.LocalStatus); err != nil {
			return nil, err
		}
		c.Detail = json.RawMessage(d)
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenConflicts counts a site's open conflict records (as of the last pull).
func OpenConflicts(ctx context.Context, st *site.Store, code string) (int, error) {
	var n int
	err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_conflicts WHERE status = 'open' AND site = ?`,
		strings.ToUpper(code)).Scan(&n)
	return n, err
}
