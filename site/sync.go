package site

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// HubSiteError refuses a local import of a site that came from the hub:
// the hub owns that site's plan, and a local import would push its
// withdrawals to every laptop.
type HubSiteError struct{ Site string }

func (e *HubSiteError) Error() string {
	return fmt.Sprintf("site %s came from the hub, which owns its plan: nothing was imported; ask an admin to run "+
		"'cutover hub import' with this file (or import only your own sites with --site CODE)", e.Site)
}

// FromHub reports whether a site came from the hub: this laptop is enrolled
// and has pulled it (it has a sync cursor for it).
func FromHub(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, code string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_sites WHERE site = ?`, strings.ToUpper(code)).Scan(&n)
	return n > 0, err
}

// ApplyHubSite writes a site's details as the hub holds them (the hub owns
// the plan). It records no op: this is the hub's state arriving, not a
// change made here.
func (tx *Tx) ApplyHubSite(ctx context.Context, s Site) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sites (code, name, address, cease_date, created_at, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, 'hub')
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address,
			cease_date = excluded.cease_date, updated_at = excluded.updated_at, updated_by = 'hub'
		WHERE sites.name <> excluded.name OR sites.address <> excluded.address OR sites.cease_date <> excluded.cease_date`,
		s.Code, s.Name, s.Address, s.CeaseDate, tx.Now, tx.Now)
	return err
}

// ApplyHubPosition writes a position as the hub holds it, by the rules of a
// re-import: the planned attributes come from the hub. The status comes
// from the hub too (it is the other engineers' field work, merged by the
// hub's rules) unless keepStatus says this laptop has a status change the
// hub has not seen yet; a status change is recorded in the history. It
// records no op. The site row must exist.
func (tx *Tx) ApplyHubPosition(ctx context.Context, p Position, keepStatus bool) error {
	var id int64
	var cur Status
	err := tx.QueryRowContext(ctx, `SELECT id, status FROM positions WHERE site = ? AND label = ? COLLATE NOCASE`,
		p.Site, p.Label).Scan(&id, &cur)
	if err == sql.ErrNoRows {
		_, err = tx.ExecContext(ctx, `INSERT INTO positions (site, label, building, floor, room, role, plan, legacy_vendor,
			legacy_model, mac, extension, ddi, switch, port, target_model, notes, status, status_reason,
			created_at, updated_at, updated_by, critical, max_dark_minutes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			p.Site, p.Label, p.Building, p.Floor, p.Room, p.Role, p.Plan, p.LegacyVendor, p.LegacyModel, p.MAC,
			p.Extension, p.DDI, p.Switch, p.Port, p.TargetModel, p.Notes, p.Status, p.StatusReason,
			tx.Now, p.UpdatedAt, p.UpdatedBy, p.Critical, p.MaxDarkMinutes)
		return err
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE positions SET building=?, floor=?, room=?, role=?, plan=?, legacy_vendor=?,
		legacy_model=?, mac=?, extension=?, ddi=?, switch=?, port=?, target_model=?, notes=?, critical=?,
		max_dark_minutes=? WHERE id=?`,
		p.Building, p.Floor, p.Room, p.Role, p.Plan, p.LegacyVendor, p.LegacyModel, p.MAC, p.Extension, p.DDI,
		p.Switch, p.Port, p.TargetModel, p.Notes, p.Critical, p.MaxDarkMinutes, id); err != nil {
		return err
	}
	if keepStatus || cur == p.Status {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE positions SET status=?, status_reason=?, updated_at=?, updated_by=? WHERE id=?`,
		p.Status, p.StatusReason, p.UpdatedAt, p.UpdatedBy, id); err != nil {
		return err
	}
	reason := "from the hub"
	if strings.TrimSpace(p.StatusReason) != "" {
		reason += ": " + p.StatusReason
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO status_history (position_id, at, engineer, from_status, to_status, reason)
		VALUES (?,?,?,?,?,?)`, id, tx.Now, p.UpdatedBy, cur, p.Status, reason)
	return err
}

// Context returns the context the transaction runs under.
func (tx *Tx) Context() context.Context { return tx.ctx }
