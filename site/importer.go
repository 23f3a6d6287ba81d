package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ImportResult counts what an import did to one site.
type ImportResult struct {
	Site      string `json:"site"`
	Added     int    `json:"added"`
	Changed   int    `json:"changed"`
	Unchanged int    `json:"unchanged"`
	Withdrawn int    `json:"withdrawn"`
	// Reinstated positions were withdrawn and are back in the plan.
	Reinstated int `json:"reinstated"`
	// Kept positions are missing from the new file but have field work on
	// them, so they stay as they are and are flagged for the supervisor.
	Kept []string `json:"kept,omitempty"`
	// Schedule says each change to the site's schedule, in words (the
	// hub's import: "cease date 2024-05-31 → 2027-02-01").
	Schedule []string `json:"schedule,omitempty"`
}

// SiteOverrides set a site's details from the command line; empty fields
// leave the file's or the stored value.
type SiteOverrides struct {
	Name, Address, CeaseDate string
}

const positionCols = `site, label, building, floor, room, role, plan, legacy_vendor, legacy_model, mac,
	extension, ddi, switch, port, target_model, notes, status, status_reason, updated_at, updated_by,
	critical, max_dark_minutes`

// Import writes a validated inventory in one transaction: all of it or, on
// any error, none of it. Re-importing updates planned attributes only; the
// status and every field result stay as the engineers left them. Positions
// missing from the new file are withdrawn, unless field work has been done
// on them, in which case they are kept and listed.
func (s *Store) Import(ctx context.Context, engineer string, inv *Inventory, data []byte, ov SiteOverrides) ([]ImportResult, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	var results []ImportResult
	err := s.Write(ctx, engineer, func(tx *Tx) error {
		results = results[:0]
		ins := &inserter{}
		defer ins.close()
		if err := tx.uncheckedEnums(ctx, true); err != nil {
			return err
		}
		for _, si := range inv.Sites {
			r, err := importSite(ctx, tx, ins, si, ov, inv.File, hash)
			if err != nil {
				return fmt.Errorf("import site %s: %w", si.Site.Code, err)
			}
			results = append(results, r)
		}
		return tx.uncheckedEnums(ctx, false)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// ErrOverridesNeedOneSite is returned when site details are given for a
// file holding several sites.
var ErrOverridesNeedOneSite = errors.New("--site-name, --site-address and --cease-date need a single site: add --site CODE")

// ImportFile is ImportReader of a file already in memory.
func (s *Store) ImportFile(ctx context.Context, engineer, name string, data []byte, opt ParseOptions, ov SiteOverrides) (*Inventory, []ImportResult, error) {
	return s.ImportReader(ctx, engineer, name, bytes.NewReader(data), opt, ov)
}

// ImportReader reads, checks and imports an inventory file in one
// transaction, reading it once as a stream within the limits of
// ReadInventory and writing the rows of sites new to this database while
// the rest of the file is still being read and checked. All or nothing
// still holds: a problem anywhere in the file rolls everything back and
// the Problems are returned.
func (s *Store) ImportReader(ctx context.Context, engineer, name string, r io.Reader, opt ParseOptions, ov SiteOverrides) (*Inventory, []ImportResult, error) {
	batches := make(chan []Position, 16)
	var inv *Inventory
	var perr error
	go func() {
		defer close(batches)
		var buf []Position
		inv, perr = parseInventory(name, r, opt, func(p Position) {
			buf = append(buf, p)
			if len(buf) == insertBatch {
				batches <- buf
				buf = nil
			}
		})
		if len(buf) > 0 {
			batches <- buf
		}
	}()
	drain := func() {
		for range batches {
		}
	}
	var results []ImportResult
	err := s.Write(ctx, engineer, func(tx *Tx) error {
		defer drain()
		ins := &inserter{}
		defer ins.close()
		if err := tx.uncheckedEnums(ctx, true); err != nil {
			return err
		}
		streamed := map[string]bool{} // sites new to this database, written as they are read
		known := map[string]bool{}    // sites already here: imported once the file is checked
		var werr error
		for batch := range batches {
			if werr != nil {
				continue
			}
			var rows []Position
			for _, p := range batch {
				if !streamed[p.Site] && !known[p.Site] {
					_, found, err := getSite(ctx, tx, p.Site)
					if err == nil && !found {
						err = insertSite(ctx, tx, Site{Code: p.Site, Name: p.Site, CeaseDate: DefaultCeaseDate}, ov)
					}
					if err != nil {
						werr = err
						break
					}
					streamed[p.Site], known[p.Site] = !found, found
				}
				if streamed[p.Site] {
					rows = append(rows, p)
				}
			}
			if werr == nil {
				werr = ins.insert(ctx, tx, rows)
			}
		}
		if perr != nil {
			return perr
		}
		if werr != nil {
			return werr
		}
		hash := inv.SHA256
		if (ov != SiteOverrides{}) && len(inv.Sites) > 1 {
			return ErrOverridesNeedOneSite
		}
		for _, si := range inv.Sites {
			var r ImportResult
			var err error
			if streamed[si.Site.Code] {
				r, err = finishStreamedSite(ctx, tx, si, inv.File, hash)
			} else {
				r, err = importSite(ctx, tx, ins, si, ov, inv.File, hash)
			}
			var hub *HubSiteError
			if errors.As(err, &hub) {
				return err
			}
			if err != nil {
				return fmt.Errorf("import site %s: %w", si.Site.Code, err)
			}
			results = append(results, r)
		}
		return tx.uncheckedEnums(ctx, false)
	})
	drain() // when the transaction never began
	if err != nil {
		return inv, nil, err
	}
	return inv, results, nil
}

// uncheckedEnums turns the schema's CHECKs of roles, plans, vendors and
// statuses off for the rest of an import, whose every value the inventory
// parser has already checked (they cost a third of the writing), and on
// again. The other writers always run with them.
func (tx *Tx) uncheckedEnums(ctx context.Context, off bool) error {
	q := "PRAGMA ignore_check_constraints = OFF"
	if off {
		q = "PRAGMA ignore_check_constraints = ON"
	}
	_, err := tx.ExecContext(ctx, q)
	return err
}

func insertSite(ctx context.Context, tx *Tx, site Site, ov SiteOverrides) error {
	if ov.Name != "" {
		site.Name = ov.Name
	}
	if ov.Address != "" {
		site.Address = ov.Address
	}
	if ov.CeaseDate != "" {
		site.CeaseDate = ov.CeaseDate
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sites (code, name, address, cease_date, created_at, updated_at, updated_by)
		VALUES (?,?,?,?,?,?,?)`, site.Code, site.Name, site.Address, site.CeaseDate, tx.Now, tx.Now, tx.Engineer)
	return err
}

// finishStreamedSite records the import of a site whose positions were all
// written while the file was read.
func finishStreamedSite(ctx context.Context, tx *Tx, si SiteInventory, file, hash string) (ImportResult, error) {
	res := ImportResult{Site: si.Site.Code, Added: len(si.Positions)}
	if err := writeCivicAddress(ctx, tx, si); err != nil {
		return res, err
	}
	return res, recordImport(ctx, tx, si.Site.Code, res, file, hash)
}

func importSite(ctx context.Context, tx *Tx, ins *inserter, si SiteInventory, ov SiteOverrides, file, hash string) (ImportResult, error) {
	res := ImportResult{Site: si.Site.Code}
	site := si.Site
	if hub, err := FromHub(ctx, tx, site.Code); err != nil {
		return res, err
	} else if hub {
		return res, &HubSiteError{Site: site.Code}
	}
	existing, found, err := getSite(ctx, tx, site.Code)
	if err != nil {
		return res, err
	}
	if found && !si.SiteDetails {
		site = existing
		if !si.CeaseDefault { // a CSV's cease_date column
			site.CeaseDate = si.Site.CeaseDate
		}
	}
	site.StartDate, site.Wave = "", "" // the hub keeps a site's schedule; the laptop its cease date
	if ov.Name != "" {
		site.Name = ov.Name
	}
	if ov.Address != "" {
		site.Address = ov.Address
	}
	if ov.CeaseDate != "" {
		site.CeaseDate = ov.CeaseDate
	}
	if !found {
		if err := insertSite(ctx, tx, site, SiteOverrides{}); err != nil {
			return res, err
		}
	} else if site != existing {
		if _, err := tx.ExecContext(ctx, `UPDATE sites SET name=?, address=?, cease_date=?, updated_at=?, updated_by=? WHERE code=?`,
			site.Name, site.Address, site.CeaseDate, tx.Now, tx.Engineer, site.Code); err != nil {
			return res, err
		}
	}

	if err := writeCivicAddress(ctx, tx, si); err != nil {
		return res, err
	}
	old := map[string]storedPosition{}
	if found {
		old, err = loadPlanned(ctx, tx, site.Code)
		if err != nil {
			return res, err
		}
	}
	seen := make(map[string]bool, len(si.Positions))
	var added []Position
	for _, p := range si.Positions {
		key := strings.ToLower(p.Label)
		seen[key] = true
		prev, ok := old[key]
		if !ok {
			added = append(added, p)
			continue
		}
		p.Label = prev.Label // keep the stored spelling of the label
		if prev.Status == StatusWithdrawn {
			if err := setStatus(ctx, tx, prev.id, prev.Status, StatusPlanned, "back in the plan (import of "+file+")"); err != nil {
				return res, err
			}
			res.Reinstated++
		}
		if plannedEqual(prev.Position, p) {
			res.Unchanged++
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE positions SET building=?, floor=?, room=?, role=?, plan=?, legacy_vendor=?,
			legacy_model=?, mac=?, extension=?, ddi=?, switch=?, port=?, target_model=?, notes=?, updated_at=?, updated_by=?,
			critical=?, max_dark_minutes=? WHERE id=?`, p.Building, p.Floor, p.Room, p.Role, p.Plan, p.LegacyVendor, p.LegacyModel,
			p.MAC, p.Extension, p.DDI, p.Switch, p.Port, p.TargetModel, p.Notes, tx.Now, tx.Engineer, p.Critical, p.MaxDarkMinutes,
			prev.id); err != nil {
			return res, fmt.Errorf("position %s: %w", p.Label, err)
		}
		res.Changed++
	}
	if err := ins.insert(ctx, tx, added); err != nil {
		return res, err
	}
	res.Added = len(added)
	for key, prev := range old {
		if seen[key] || prev.Status == StatusWithdrawn {
			continue
		}
		if prev.Status.HasFieldWork() {
			res.Kept = append(res.Kept, prev.Label)
			if err := tx.Op(site.Code, "position.plan_dropped.v1", "position", prev.Label,
				map[string]any{"file": file, "status": prev.Status}); err != nil {
				return res, err
			}
			continue
		}
		if err := setStatus(ctx, tx, prev.id, prev.Status, StatusWithdrawn, "not in the plan any more (import of "+file+")"); err != nil {
			return res, err
		}
		res.Withdrawn++
	}
	return res, recordImport(ctx, tx, site.Code, res, file, hash)
}

// recordImport keeps the import's counts and appends its op.
func recordImport(ctx context.Context, tx *Tx, code string, res ImportResult, file, hash string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO imports (at, engineer, file, sha256, site, added, changed, unchanged, withdrawn, kept)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, tx.Now, tx.Engineer, file, hash, code, res.Added, res.Changed,
		res.Unchanged, res.Withdrawn, len(res.Kept)); err != nil {
		return err
	}
	return tx.Op(code, "site.import.v1", "site", code, map[string]any{
		"file": file, "sha256": hash, "added": res.Added, "changed": res.Changed,
		"unchanged": res.Unchanged, "withdrawn": res.Withdrawn, "kept": res.Kept})
}

type storedPosition struct {
	Position
	id int64
}

func loadPlanned(ctx context.Context, tx *Tx, code string) (map[string]storedPosition, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, `+positionCols+` FROM positions WHERE site = ?`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]storedPosition{}
	for rows.Next() {
		var sp storedPosition
		if err := scanPosition(rows, &sp.id, &sp.Position); err != nil {
			return nil, err
		}
		out[strings.ToLower(sp.Label)] = sp
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanPosition(r scanner, id *int64, p *Position) error {
	dest := []any{&p.Site, &p.Label, &p.Building, &p.Floor, &p.Room, &p.Role, &p.Plan, &p.LegacyVendor,
		&p.LegacyModel, &p.MAC, &p.Extension, &p.DDI, &p.Switch, &p.Port, &p.TargetModel, &p.Notes,
		&p.Status, &p.StatusReason, &p.UpdatedAt, &p.UpdatedBy, &p.Critical, &p.MaxDarkMinutes}
	if id != nil {
		dest = append([]any{id}, dest...)
	}
	return r.Scan(dest...)
}

// setStatus moves a position to a new status and records the move in its
// history and in the op log.
func setStatus(ctx context.Context, tx *Tx, id int64, from, to Status, reason string) error {
	var site, label string
	if err := tx.QueryRowContext(ctx, `UPDATE positions SET status=?, status_reason=?, updated_at=?, updated_by=?
		WHERE id=? RETURNING site, label`, to, reason, tx.Now, tx.Engineer, id).Scan(&site, &label); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO status_history (position_id, at, engineer, from_status, to_status, reason)
		VALUES (?,?,?,?,?,?)`, id, tx.Now, tx.Engineer, from, to, reason); err != nil {
		return err
	}
	return tx.Op(site, "position.status.v1", "position", label, map[string]any{"from": from, "to": to, "reason": reason})
}

func getSite(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, code string) (Site, bool, error) {
	var s Site
	err := q.QueryRowContext(ctx, `SELECT code, name, address, cease_date FROM sites WHERE code = ?`, code).
		Scan(&s.Code, &s.Name, &s.Address, &s.CeaseDate)
	if err == sql.ErrNoRows {
		return s, false, nil
	}
	return s, err == nil, err
}

// insertBatch is how many new positions go into one multi-row INSERT,
// which saves a round trip through the driver per position.
const insertBatch = 100

// inserter adds new positions in the planned state, in batches, with the
// full-batch statement prepared once per import.
type inserter struct {
	full *sql.Stmt
	args []any
}

func (in *inserter) close() {
	if in.full != nil {
		in.full.Close()
	}
}

func (in *inserter) insert(ctx context.Context, tx *Tx, ps []Position) error {
	for len(ps) > 0 {
		n := min(len(ps), insertBatch)
		in.args = append(in.args[:0], tx.Now, tx.Engineer)
		for _, p := range ps[:n] {
			in.args = append(in.args, p.Site, p.Label, p.Building, p.Floor, p.Room, string(p.Role), string(p.Plan),
				string(p.LegacyVendor), p.LegacyModel, p.MAC, p.Extension, p.DDI, p.Switch, p.Port, p.TargetModel,
				p.Notes, p.Critical, p.MaxDarkMinutes)
		}
		var err error
		if n == insertBatch {
			if in.full == nil {
				if in.full, err = tx.PrepareContext(ctx, insertSQL(n)); err != nil {
					return err
				}
			}
			_, err = in.full.ExecContext(ctx, in.args...)
		} else {
			_, err = tx.ExecContext(ctx, insertSQL(n), in.args...)
		}
		if err != nil {
			return fmt.Errorf("add positions %s…: %w", ps[0].Label, err)
		}
		ps = ps[n:]
	}
	return nil
}

// insertSQL is an INSERT of n planned positions: ?1 is the time and ?2 the
// engineer, shared by every row; each row's insertFields fields follow.
func insertSQL(n int) string {
	const insertFields = 18
	var q strings.Builder
	q.WriteString(`INSERT INTO positions (site, label, building, floor, room, role, plan, legacy_vendor,
		legacy_model, mac, extension, ddi, switch, port, target_model, notes, critical, max_dark_minutes, status,
		created_at, updated_at, updated_by) VALUES `)
	for i := range n {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for f := range insertFields {
			fmt.Fprintf(&q, "?%d,", 3+i*insertFields+f)
		}
		q.WriteString("'planned',?1,?1,?2)")
	}
	return q.String()
}
