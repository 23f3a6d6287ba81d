package hub

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cutover/site"
	"cutover/sync/wire"

	"github.com/google/uuid"
)

// ImportPlan loads or updates site plans on the hub from a parsed inventory
// (site.ParseInventory: the same formats and checks as `cutover import`),
// all sites in one transaction. It goes through the versioned path: each
// site's version moves on once, every row written carries it, and the import
// is journaled as a server-originated site.import.v1 op, so laptops see it
// on their next pull. Planned attributes only: status and field results stay
// as the engineers left them; a position dropped from the plan is withdrawn
// unless it has field work, in which case it is kept and a conflict opened.
func (s *Store) ImportPlan(ctx context.Context, user string, inv *site.Inventory, data []byte) ([]site.ImportResult, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	now := s.Now()
	var results []site.ImportResult
	err := s.write(ctx, func(t *tx) error {
		results = results[:0]
		for _, si := range inv.Sites {
			r, err := s.importSite(t, user, si, inv.File, hash, now)
			if err != nil {
				return fmt.Errorf("import site %s: %w", si.Site.Code, err)
			}
			results = append(results, r)
		}
		return nil
	})
	return results, err
}

func (s *Store) importSite(t *tx, user string, si site.SiteInventory, file, hash string, now time.Time) (site.ImportResult, error) {
	res := site.ImportResult{Site: si.Site.Code}
	code := si.Site.Code
	stamp := now.UTC().Format(time.RFC3339Nano)
	var old site.Site
	var ver int64
	err := t.row(`SELECT name, address, cease_date, start_date, wave, ver FROM sites WHERE code = ?`+s.forUpdate(), code).
		Scan(&old.Name, &old.Address, &old.CeaseDate, &old.StartDate, &old.Wave, &ver)
	found := err == nil
	if err != nil && err != sql.ErrNoRows {
		return res, err
	}
	ver++
	if !found {
		epoch, _ := uuid.NewV7()
		if _, err := t.exec(`INSERT INTO sites (code, name, address, cease_date, start_date, wave, epoch, ver, row_ver, first_import)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			code, si.Site.Name, si.Site.Address, si.Site.CeaseDate, si.Site.StartDate, si.Site.Wave, epoch.String(), ver, ver, stamp); err != nil {
			return res, err
		}
	} else {
		if _, err := t.exec(`UPDATE sites SET ver = ? WHERE code = ?`, ver, code); err != nil {
			return res, err
		}
		nu := old
		if si.SiteDetails {
			nu.Name, nu.Address = si.Site.Name, si.Site.Address
		}
		res.Schedule = scheduleChanges(&nu, si)
		if nu != old {
			if _, err := t.exec(`UPDATE sites SET name = ?, address = ?, cease_date = ?, start_date = ?, wave = ?, row_ver = ? WHERE code = ?`,
				nu.Name, nu.Address, nu.CeaseDate, nu.StartDate, nu.Wave, ver, code); err != nil {
				return res, err
			}
		}
	}
	if err := writeCivicFact(t, code, si.Civic, user, stamp, ver); err != nil { // export_civic.go
		return res, err
	}
	type stored struct {
		p      site.Position
		status string
	}
	prev := map[string]stored{}
	rows, err := t.query(`SELECT label_key, label, building, floor, room, role, plan, legacy_vendor, legacy_model, mac, extension,
		ddi, switch, port, target_model, notes, status, planned_critical, max_dark_minutes FROM positions WHERE site = ?`, code)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var key string
		var p site.Position
		var st string
		if err := rows.Scan(&key, &p.Label, &p.Building, &p.Floor, &p.Room, &p.Role, &p.Plan, &p.LegacyVendor, &p.LegacyModel,
			&p.MAC, &p.Extension, &p.DDI, &p.Switch, &p.Port, &p.TargetModel, &p.Notes, &st, &p.Critical, &p.MaxDarkMinutes); err != nil {
			rows.Close()
			return res, err
		}
		prev[key] = stored{p, st}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	seen := map[string]bool{}
	again := map[posRef]bool{} // positions to derive again: see rederivesOnPlan
	for _, p := range si.Positions {
		key := strings.ToLower(p.Label)
		seen[key] = true
		old, ok := prev[key]
		if !ok {
			if _, err := t.exec(`INSERT INTO positions (site, label_key, label, building, floor, room, role, plan, legacy_vendor,
				legacy_model, mac, extension, ddi, switch, port, target_model, notes, status, updated_at, updated_by, ver,
				planned_critical, max_dark_minutes)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?)`,
				code, key, p.Label, p.Building, p.Floor, p.Room, p.Role, p.Plan, p.LegacyVendor, p.LegacyModel, p.MAC,
				p.Extension, p.DDI, p.Switch, p.Port, p.TargetModel, p.Notes, stamp, user, ver, p.Critical, p.MaxDarkMinutes); err != nil {
				return res, fmt.Errorf("position %s: %w", p.Label, err)
			}
			res.Added++
			continue
		}
		reinstate := old.status == string(site.StatusWithdrawn)
		p.Label = old.p.Label
		same := old.p.Building == p.Building && old.p.Floor == p.Floor && old.p.Room == p.Room && old.p.Role == p.Role &&
			old.p.Plan == p.Plan && old.p.LegacyVendor == p.LegacyVendor && old.p.LegacyModel == p.LegacyModel &&
			old.p.MAC == p.MAC && old.p.Extension == p.Extension && old.p.DDI == p.DDI && old.p.Switch == p.Switch &&
			old.p.Port == p.Port && old.p.TargetModel == p.TargetModel && old.p.Notes == p.Notes &&
			old.p.Critical == p.Critical && old.p.MaxDarkMinutes == p.MaxDarkMinutes
		if same && !reinstate {
			res.Unchanged++
			continue
		}
		status := old.status
		if reinstate {
			status = string(site.StatusPlanned)
			res.Reinstated++
		}
		if _, err := t.exec(`UPDATE positions SET building = ?, floor = ?, room = ?, role = ?, plan = ?, legacy_vendor = ?,
			legacy_model = ?, mac = ?, extension = ?, ddi = ?, switch = ?, port = ?, target_model = ?, notes = ?, status = ?,
			updated_at = ?, updated_by = ?, updated_label = '', ver = ?, planned_critical = ?, max_dark_minutes = ? WHERE site = ? AND label_key = ?`,
			p.Building, p.Floor, p.Room, p.Role, p.Plan, p.LegacyVendor, p.LegacyModel, p.MAC, p.Extension, p.DDI, p.Switch,
			p.Port, p.TargetModel, p.Notes, status, stamp, user, ver, p.Critical, p.MaxDarkMinutes, code, key); err != nil {
			return res, fmt.Errorf("position %s: %w", p.Label, err)
		}
		if same {
			continue
		}
		res.Changed++
		if rederivesOnPlan(old.p, p, old.status) {
			again[posRef{code, key}] = true
		}
	}
	if len(again) > 0 {
		if err := s.rederive(t, again, map[string]int64{code: ver}); err != nil {
			return res, err
		}
	}
	opID, _ := uuid.NewV7()
	a := &applyCtx{s: s, t: t, ver: ver, now: stamp, p: Principal{User: user, Role: wire.RoleAdmin},
		op: wire.Op{OpID: opID.String(), Site: code, Kind: "site.import.v1", Entity: "site", EntityID: code,
			Engineer: user, ObservedAt: stamp}}
	for key, old := range prev {
		if seen[key] || old.status == string(site.StatusWithdrawn) {
			continue
		}
		if site.Status(old.status).HasFieldWork() {
			res.Kept = append(res.Kept, old.p.Label)
			if err := a.openConflict("plan_dropped_with_work", "position", old.p.Label, "plan", map[string]any{
				"file": file, "status": old.status}); err != nil {
				return res, err
			}
			continue
		}
		if _, err := t.exec(`UPDATE positions SET status = 'withdrawn', status_reason = ?, updated_at = ?, updated_by = ?, updated_label = '', ver = ?
			WHERE site = ? AND label_key = ?`, "not in the plan any more (import of "+file+")", stamp, user, ver, code, key); err != nil {
			return res, err
		}
		res.Withdrawn++
	}
	payload, _ := json.Marshal(map[string]any{"file": file, "sha256": hash, "added": res.Added, "changed": res.Changed,
		"schedule": res.Schedule, "unchanged": res.Unchanged, "withdrawn": res.Withdrawn, "reinstated": res.Reinstated, "kept": res.Kept})
	_, err = t.exec(`INSERT INTO op_journal (op_id, client_id, client_seq, site, kind, entity, entity_id, engineer, user_name,
		observed_at, received_at, payload, outcome, site_ver) VALUES (?, 'hub', NULL, ?, 'site.import.v1', 'site', ?, ?, ?, ?, ?, ?, 'applied', ?)`,
		opID.String(), code, code, user, user, stamp, now.Unix(), string(payload), ver)
	return res, err
}

// scheduleChanges sets in nu the schedule the file gives a stored site (a
// field the file leaves out stays as stored) and says what changed, in
// words: "cease date 2024-05-31 → 2027-02-01".
func scheduleChanges(nu *site.Site, si site.SiteInventory) []string {
	var out []string
	set := func(what string, to *string, v string) {
		if v == "" || v == *to {
			return
		}
		from := *to
		if from == "" {
			from = "none"
		}
		out = append(out, what+" "+from+" → "+v)
		*to = v
	}
	set("start date", &nu.StartDate, si.Site.StartDate)
	if !si.CeaseDefault {
		set("cease date", &nu.CeaseDate, si.Site.CeaseDate)
	}
	set("wave", &nu.Wave, si.Site.Wave)
	return out
}

// RotateEpochs gives every site a new epoch. Run it after restoring the
// hub's store from a backup: laptops' cursors then no longer match, so each
// laptop downloads a fresh snapshot, and the hub's lower acknowledged
// sequence makes each laptop push again the ops the backup lost.
func (s *Store) RotateEpochs(ctx context.Context) (int, error) {
	n := 0
	err := s.write(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT code FROM sites` + s.forUpdate())
		if err != nil {
			return err
		}
		var codes []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			codes = append(codes, c)
		}
		rows.Close()
		for _, c := range codes {
			e, _ := uuid.NewV7()
			if _, err := t.exec(`UPDATE sites SET epoch = ? WHERE code = ?`, e.String(), c); err != nil {
				return err
			}
		}
		n = len(codes)
		return rows.Err()
	})
	return n, err
}

// CeaseDate is a site's cease date on the hub, "" when it has no such site
// or the store cannot say.
func (s *Store) CeaseDate(ctx context.Context, code string) string {
	var d string
	s.read(ctx, func(t *tx) error { return t.row(`SELECT cease_date FROM sites WHERE code = ?`, code).Scan(&d) })
	return d
}

// rederivesOnPlan reports whether a re-import that changes a position's plan
// from old to nu derives it again at once: when it has field work and the
// change is to what runbook.CriticalFor reads (role, plan, critical,
// max_dark_minutes), so that its derived continuity (critical, dark_target,
// dark_seconds, dark_since) follows the plan. Other positions are derived at
// their next op, as migration 0009 chose, so that a plan change to a note
// does not turn a finished position back to in progress.
func rederivesOnPlan(old, nu site.Position, status string) bool {
	if !site.Status(status).HasFieldWork() {
		return false
	}
	return old.Role != nu.Role || old.Plan != nu.Plan || old.Critical != nu.Critical || old.MaxDarkMinutes != nu.MaxDarkMinutes
}
