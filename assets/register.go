package assets

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

const assetCols = `a.id, a.kind, a.vendor, a.model, a.serial, a.mac, a.asset_tag, a.site,
	coalesce(p.label, ''), a.state, a.condition, a.wtn_ref, a.updated_at, a.updated_by`

const assetFrom = ` FROM assets a LEFT JOIN positions p ON p.id = a.position_id `

func scanAsset(r interface{ Scan(...any) error }, a *Asset) error {
	return r.Scan(&a.ID, &a.Kind, &a.Vendor, &a.Model, &a.Serial, &a.MAC, &a.AssetTag, &a.Site,
		&a.Position, &a.State, &a.Condition, &a.WTNRef, &a.UpdatedAt, &a.UpdatedBy)
}

func queryAssets(ctx context.Context, q Querier, where string, args ...any) ([]Asset, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+assetCols+assetFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Asset
	for rows.Next() {
		var a Asset
		if err := scanAsset(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Get returns one asset by id.
func Get(ctx context.Context, q Querier, id int64) (Asset, error) {
	as, err := queryAssets(ctx, q, `WHERE a.id = ?`, id)
	if err != nil {
		return Asset{}, err
	}
	if len(as) == 0 {
		return Asset{}, fmt.Errorf("asset %d: not in the register", id)
	}
	return as[0], nil
}

// ForSite lists a site's assets, by position then kind.
func ForSite(ctx context.Context, q Querier, site string) ([]Asset, error) {
	return queryAssets(ctx, q, `WHERE a.site = ? ORDER BY coalesce(p.label, ''), a.kind, a.id`, strings.ToUpper(site))
}

// AtPosition returns the newest asset of a kind recorded at a position.
func AtPosition(ctx context.Context, q Querier, positionID int64, kind Kind) (Asset, bool, error) {
	as, err := queryAssets(ctx, q, `WHERE a.position_id = ? AND a.kind = ? ORDER BY a.id DESC LIMIT 1`, positionID, kind)
	if err != nil || len(as) == 0 {
		return Asset{}, false, err
	}
	return as[0], true, nil
}

// AtPositionIn returns the newest asset of a kind at a position in a state
// (the phone on a reopened position's jack, the one a replacement took out).
func AtPositionIn(ctx context.Context, q Querier, positionID int64, kind Kind, state State) (Asset, bool, error) {
	as, err := queryAssets(ctx, q, `WHERE a.position_id = ? AND a.kind = ? AND a.state = ? ORDER BY a.id DESC LIMIT 1`, positionID, kind, state)
	if err != nil || len(as) == 0 {
		return Asset{}, false, err
	}
	return as[0], true, nil
}

// History returns an asset's state changes, oldest first.
func History(ctx context.Context, q Querier, id int64) ([]Change, error) {
	rows, err := q.QueryContext(ctx, `SELECT at, engineer, from_state, to_state, site, position, note
		FROM asset_history WHERE asset_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.At, &c.Engineer, &c.From, &c.To, &c.Site, &c.Position, &c.Note); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// WhereInstalled says where a serial, MAC or asset tag is installed, other
// than in asset except: "" when nowhere.
func WhereInstalled(ctx context.Context, q Querier, field, value string, except int64) (string, error) {
	col := map[string]string{"serial": "serial", "MAC": "mac", "asset tag": "asset_tag"}[field]
	if col == "" {
		return "", fmt.Errorf("WhereInstalled: unknown field %q", field)
	}
	if value == "" {
		return "", nil
	}
	var site, label, loc, kind, model string
	err := q.QueryRowContext(ctx, `SELECT a.site, coalesce(p.label, ''), coalesce(trim(p.building || ' / ' || p.floor || ' / ' || p.room, ' /'), ''),
		a.kind, a.model`+assetFrom+`WHERE a.`+col+` = ? AND a.state = 'installed' AND a.id <> ? LIMIT 1`, value, except).
		Scan(&site, &label, &loc, &kind, &model)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	where := fmt.Sprintf("site %s position %s", site, label)
	if loc != "" {
		where += " (" + loc + ")"
	}
	return fmt.Sprintf("%s %s is already installed at %s, recorded as a %s %s", field, value, where, kind, strings.TrimSpace(model+" phone")), nil
}

// Known lists every asset in the register, in any state and at any site,
// whose serial, MAC or asset tag (field) is value, newest first.
func Known(ctx context.Context, q Querier, field, value string) ([]Asset, error) {
	col := map[string]string{"serial": "serial", "MAC": "mac", "asset tag": "asset_tag"}[field]
	if col == "" {
		return nil, fmt.Errorf("Known: unknown field %q", field)
	}
	if value == "" {
		return nil, nil
	}
	return queryAssets(ctx, q, `WHERE a.`+col+` = ? COLLATE NOCASE ORDER BY a.id DESC`, value)
}

// Where says where an asset is and in what state, for a message: "a legacy
// Cisco 7941 at site KX position CS-01, now weee_disposal (WTN-1)".
func (a Asset) Where() string {
	what := strings.TrimSpace(fmt.Sprintf("%s %s %s", a.Kind, a.Vendor, a.Model))
	s := fmt.Sprintf("a %s at site %s", what, a.Site)
	if a.Position != "" {
		s += " position " + a.Position
	}
	s += ", now " + a.State.Words()
	if a.WTNRef != "" {
		s += " (" + a.WTNRef + ")"
	}
	return s
}

// CheckFree refuses an asset whose serial, MAC or asset tag is installed
// anywhere other than in the asset except, naming where it is.
func CheckFree(ctx context.Context, q Querier, a Asset, except int64) error {
	for _, f := range []struct{ name, v string }{{"serial", a.Serial}, {"MAC", a.MAC}, {"asset tag", a.AssetTag}} {
		msg, err := WhereInstalled(ctx, q, f.name, f.v, except)
		if err != nil {
			return err
		}
		if msg != "" {
			return fmt.Errorf("%w: %s", ErrInUse, msg)
		}
	}
	return nil
}

func history(ctx context.Context, tx Tx, id int64, from, to State, site, label, note string) error {
	eng, now := tx.Who()
	_, err := tx.ExecContext(ctx, `INSERT INTO asset_history (asset_id, at, engineer, from_state, to_state, site, position, note)
		VALUES (?,?,?,?,?,?,?,?)`, id, now, eng, from, to, site, label, note)
	return err
}

// Install records a as installed at a position (positionID, label). A new
// phone already in the register by serial (in stock, or removed by a
// rollback) is reused; a legacy handset already captured at the position is
// updated, so that capturing it again does not make a second record. Any
// serial, MAC or asset tag installed elsewhere is refused, naming where.
func Install(ctx context.Context, tx Tx, a Asset, positionID int64, label, note string) (Asset, error) {
	return install(ctx, tx, a, positionID, label, note, true)
}

// InstallOverride is Install for a handset the engineer is sure of although
// its serial, MAC or tag is recorded elsewhere (a relabelled handset): it
// is recorded anyway, and the op says so for the hub to raise.
func InstallOverride(ctx context.Context, tx Tx, a Asset, positionID int64, label, note string) (Asset, error) {
	return install(ctx, tx, a, positionID, label, note, false)
}

func install(ctx context.Context, tx Tx, a Asset, positionID int64, label, note string, check bool) (Asset, error) {
	if a.Kind != KindLegacy && a.Kind != KindNew {
		return a, fmt.Errorf("%w: asset kind %q", ErrBadValue, a.Kind)
	}
	a.Site = strings.ToUpper(a.Site)
	var prev Asset
	var found bool
	var err error
	if a.Kind == KindLegacy {
		prev, found, err = AtPosition(ctx, tx, positionID, KindLegacy)
		if found && prev.State != StateInstalled && prev.State != StateRemoved {
			found = false // that one has gone; this is another handset
		}
	} else if a.Serial != "" {
		var as []Asset
		as, err = queryAssets(ctx, tx, `WHERE a.kind = 'new' AND a.serial = ? AND a.state IN ('in_stock','removed') ORDER BY a.id DESC LIMIT 1`, a.Serial)
		if len(as) > 0 {
			prev, found = as[0], true
		}
	}
	if err != nil {
		return a, err
	}
	var except int64 = -1
	if found {
		except = prev.ID
	}
	if check {
		if err := CheckFree(ctx, tx, a, except); err != nil {
			return a, err
		}
	}
	eng, now := tx.Who()
	from := StateInStock
	if a.Kind == KindLegacy {
		from = ""
	}
	if found {
		from = prev.State
		if _, err := tx.ExecContext(ctx, `UPDATE assets SET vendor=?, model=?, serial=?, mac=?, asset_tag=?, site=?,
			position_id=?, state='installed', condition=?, updated_at=?, updated_by=? WHERE id=?`,
			a.Vendor, a.Model, a.Serial, a.MAC, a.AssetTag, a.Site, positionID, a.Condition, now, eng, prev.ID); err != nil {
			return a, fmt.Errorf("register: %w", err)
		}
		a.ID = prev.ID
	} else {
		err := tx.QueryRowContext(ctx, `INSERT INTO assets (kind, vendor, model, serial, mac, asset_tag, site, position_id,
			state, condition, created_at, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,'installed',?,?,?,?) RETURNING id`,
			a.Kind, a.Vendor, a.Model, a.Serial, a.MAC, a.AssetTag, a.Site, positionID, a.Condition, now, now, eng).Scan(&a.ID)
		if err != nil {
			return a, fmt.Errorf("register: %w", err)
		}
	}
	if from != StateInstalled {
		if err := history(ctx, tx, a.ID, from, StateInstalled, a.Site, label, note); err != nil {
			return a, err
		}
	}
	a.State, a.Position, a.UpdatedAt, a.UpdatedBy = StateInstalled, label, now, eng
	return a, tx.Op(a.Site, "asset.install.v1", "asset", a.Key(), map[string]any{
		"kind": a.Kind, "vendor": a.Vendor, "model": a.Model, "serial": a.Serial, "mac": a.MAC,
		"asset_tag": a.AssetTag, "position": label, "condition": a.Condition, "from": from, "override": !check})
}

// Move changes an asset's state, checking the move is allowed for its
// kind. WEEE disposal needs the waste transfer note reference (wtn).
func Move(ctx context.Context, tx Tx, id int64, to State, note, wtn string) (Asset, error) {
	a, err := Get(ctx, tx, id)
	if err != nil {
		return a, err
	}
	if a.State == to {
		return a, nil
	}
	if !a.Kind.CanMove(a.State, to) {
		return a, fmt.Errorf("%s (%s): cannot go from %s to %s", a.Describe(), a.Kind, a.State, to)
	}
	wtn = clean(wtn)
	if to == StateWEEE && wtn == "" {
		return a, fmt.Errorf("%w: WEEE disposal of %s needs the waste transfer note reference", ErrBadValue, a.Describe())
	}
	if to == StateInstalled {
		if err := CheckFree(ctx, tx, a, a.ID); err != nil {
			return a, err
		}
	}
	eng, now := tx.Who()
	if to != StateWEEE {
		wtn = a.WTNRef
	}
	if _, err := tx.ExecContext(ctx, `UPDATE assets SET state=?, wtn_ref=?, updated_at=?, updated_by=? WHERE id=?`,
		to, wtn, now, eng, id); err != nil {
		return a, fmt.Errorf("register: %w", err)
	}
	if err := history(ctx, tx, id, a.State, to, a.Site, a.Position, note); err != nil {
		return a, err
	}
	kind := "asset.state.v1"
	switch to {
	case StateReturnedToStore, StateWEEE, StateLost:
		kind = "asset.dispose.v1"
	}
	from := a.State
	a.State, a.WTNRef, a.UpdatedAt, a.UpdatedBy = to, wtn, now, eng
	return a, tx.Op(a.Site, kind, "asset", a.Key(), map[string]any{
		"from": from, "to": to, "note": note, "wtn_ref": wtn, "position": a.Position, "serial": a.Serial, "mac": a.MAC})
}

// Relabel corrects a handset's serial or asset tag in the register (a
// mistyped scan), keeping its state, and refuses one recorded for another
// handset unless override is set.
func Relabel(ctx context.Context, tx Tx, a Asset, note string, override bool) error {
	if !override {
		if err := CheckFree(ctx, tx, a, a.ID); err != nil {
			return err
		}
	}
	was, err := Get(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	eng, now := tx.Who()
	if _, err := tx.ExecContext(ctx, `UPDATE assets SET serial=?, asset_tag=?, updated_at=?, updated_by=? WHERE id=?`,
		a.Serial, a.AssetTag, now, eng, a.ID); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	if err := history(ctx, tx, a.ID, was.State, was.State, was.Site, was.Position, note); err != nil {
		return err
	}
	return tx.Op(was.Site, "asset.relabel.v1", "asset", a.Key(), map[string]any{
		"kind": was.Kind, "serial": a.Serial, "mac": was.MAC, "asset_tag": a.AssetTag, "position": was.Position,
		"state": was.State, "was": was.Key(), "override": override})
}

// Redispose corrects where a disposed handset went (picked lost by
// mistake, then found; stores, not WEEE): from one disposal state to
// another, with the reason in the history.
func Redispose(ctx context.Context, tx Tx, id int64, to State, note, wtn string) (Asset, error) {
	a, err := Get(ctx, tx, id)
	if err != nil {
		return a, err
	}
	if !a.State.Disposed() || !to.Disposed() {
		return a, fmt.Errorf("%s is %s: only a disposal (returned to store, WEEE, lost) can be corrected to another", a.Describe(), a.State.Words())
	}
	wtn = clean(wtn)
	if to == StateWEEE && wtn == "" {
		return a, fmt.Errorf("%w: WEEE disposal of %s needs the waste transfer note reference", ErrBadValue, a.Describe())
	}
	if to != StateWEEE {
		wtn = ""
	}
	eng, now := tx.Who()
	if _, err := tx.ExecContext(ctx, `UPDATE assets SET state=?, wtn_ref=?, updated_at=?, updated_by=? WHERE id=?`,
		to, wtn, now, eng, id); err != nil {
		return a, fmt.Errorf("register: %w", err)
	}
	if err := history(ctx, tx, id, a.State, to, a.Site, a.Position, note); err != nil {
		return a, err
	}
	from := a.State
	a.State, a.WTNRef, a.UpdatedAt, a.UpdatedBy = to, wtn, now, eng
	return a, tx.Op(a.Site, "asset.dispose.v1", "asset", a.Key(), map[string]any{
		"from": from, "to": to, "note": note, "wtn_ref": wtn, "position": a.Position, "serial": a.Serial, "mac": a.MAC})
}

// SetCondition records a legacy handset's condition.
func SetCondition(ctx context.Context, tx Tx, id int64, condition string) error {
	a, err := Get(ctx, tx, id)
	if err != nil {
		return err
	}
	eng, now := tx.Who()
	if _, err := tx.ExecContext(ctx, `UPDATE assets SET condition=?, updated_at=?, updated_by=? WHERE id=?`, condition, now, eng, id); err != nil {
		return err
	}
	return tx.Op(a.Site, "asset.condition.v1", "asset", a.Key(), map[string]any{"condition": condition, "position": a.Position,
		"serial": a.Serial, "mac": a.MAC, "asset_tag": a.AssetTag})
}

// Key names a handset the same way on every laptop and on the hub: its
// serial, else its MAC, else its asset tag. The register's own row id means
// nothing outside this laptop.
func (a Asset) Key() string { return HandsetKey(a.Serial, a.MAC, a.AssetTag) }

// HandsetKey is Key for loose values.
func HandsetKey(serial, mac, tag string) string {
	switch {
	case strings.TrimSpace(serial) != "":
		return strings.ToUpper(strings.TrimSpace(serial))
	case strings.TrimSpace(mac) != "":
		return "MAC " + strings.ToLower(strings.TrimSpace(mac))
	case strings.TrimSpace(tag) != "":
		return "TAG " + strings.ToUpper(strings.TrimSpace(tag))
	}
	return ""
}
