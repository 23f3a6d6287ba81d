package laptop

import (
	"context"
	"strings"

	"cutover/site"
	"cutover/sync/client"
)

// Conflict is a conflict record as this laptop holds it (as of the last
// pull). The record is the sync protocol's (client.Conflict); the hub's
// tests read it there.
type Conflict = client.Conflict

// Conflicts lists a site's conflict records as an engineer reads them
// (every site's with siteCode empty); with all false, only open ones.
func Conflicts(ctx context.Context, st *site.Store, siteCode string, all bool) ([]Conflict, error) {
	return client.Conflicts(ctx, st, siteCode, all)
}

// OpenConflicts counts a site's open conflict records (as of the last pull).
func OpenConflicts(ctx context.Context, st *site.Store, code string) (int, error) {
	var n int
	err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_conflicts WHERE status = 'open' AND site = ?`,
		strings.ToUpper(code)).Scan(&n)
	return n, err
}
