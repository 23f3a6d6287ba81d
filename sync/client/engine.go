package client

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"cutover/site"
	"cutover/site/oplog"
	"cutover/sync/wire"
)

// Syncer moves ops and state between one laptop's store and the hub.
type Syncer struct {
	Store    *site.Store
	Client   *Client
	Engineer string // recorded as the writer of local sync transactions
	// PartDir holds partly downloaded snapshots (default: next to the
	// database).
	PartDir string
	// Batch is the number of ops per push (default and most wire.MaxPushOps).
	Batch int
	// PageRows is the pull page size (default 2000).
	PageRows int
}

// Report counts what one sync did.
type Report struct {
	Pushed     int      `json:"pushed"`
	Applied    int      `json:"applied"`
	Conflicts  int      `json:"conflicts"`
	Rejected   int      `json:"rejected"`
	Duplicates int      `json:"duplicates"`
	Pulled     int      `json:"pulled"` // rows from the hub
	Snapshots  int      `json:"snapshots"`
	Sites      []string `json:"sites"`
	Skipped    []string `json:"skipped,omitempty"` // sites the hub does not have or lets us read
	// ClockNotBelieved counts ops whose time the hub did not believe (this
	// laptop's clock is wrong): the hub used its own receive time.
	ClockNotBelieved int `json:"clock_not_believed,omitempty"`
}

// Sync pushes every op the hub has not acknowledged, then pulls every site
// this laptop holds (or is asked for), and records the outcome for Status.
func (s *Syncer) Sync(ctx context.Context, sites ...string) (Report, error) {
	var rep Report
	err := s.PushAll(ctx, &rep)
	if err == nil {
		err = s.PullAll(ctx, &rep, sites...)
	}
	s.record(ctx, err)
	return rep, err
}

func (s *Syncer) record(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	now := time.Now().UTC().Format(time.RFC3339)
	s.Store.Write(context.WithoutCancel(ctx), s.engineer(), func(tx *site.Tx) error {
		if err != nil {
			if e := setState(tx, keyErrorAt, now); e != nil {
				return e
			}
			return setState(tx, keyLastError, err.Error())
		}
		if e := setState(tx, keyLastError, ""); e != nil {
			return e
		}
		return setState(tx, keyLastSync, now)
	})
}

func (s *Syncer) engineer() string {
	if s.Engineer != "" {
		return s.Engineer
	}
	return "sync"
}

// PushAll pushes in batches until the hub has acknowledged every op. Each
// batch's verdicts and the new acknowledged sequence are written in one
// local transaction, so a crash between batches loses nothing and repeats
// nothing (the hub answers a repeated batch from its journal).
func (s *Syncer) PushAll(ctx context.Context, rep *Report) error {
	clientID, err := ClientID(ctx, s.Store, s.engineer())
	if err != nil {
		return err
	}
	batch := s.Batch
	if batch <= 0 || batch > wire.MaxPushOps {
		batch = wire.MaxPushOps
	}
	var localSeq int64
	if err := s.Store.DB().QueryRowContext(ctx, `SELECT COALESCE(MAX(client_seq), 0) FROM oplog`).Scan(&localSeq); err != nil {
		return err
	}
	s.Client.SetLocalSeq(localSeq) // a hub refusing a revoked laptop notes what it holds
	gaps, probed := 0, false
	for {
		ackedStr, err := stateValue(ctx, s.Store.DB(), keyAcked)
		if err != nil {
			return err
		}
		acked, _ := strconv.ParseInt(ackedStr, 10, 64)
		ops, err := oplog.After(ctx, s.Store.DB(), acked, batch)
		if err != nil {
			return err
		}
		req := wire.PushRequest{ClientID: clientID, Schema: site.SchemaVersion(), ClientTime: time.Now().UTC().Format(time.RFC3339)}
		if len(ops) == 0 {
			// Nothing new: an empty push still tells us where the hub
			// stands, and a hub restored from a backup stands lower.
			if acked == 0 || probed || s.Client.Credentials().Role == wire.RoleSupervisor {
				return nil
			}
			probed = true
			resp, err := s.Client.Push(ctx, req)
			if err != nil {
				return fmt.Errorf("push: %w", err)
			}
			if resp.AckedThrough >= acked {
				return nil
			}
			if err := s.Store.Write(ctx, s.engineer(), func(tx *site.Tx) error {
				return setState(tx, keyAcked, strconv.FormatInt(resp.AckedThrough, 10))
			}); err != nil {
				return err
			}
			continue
		}
		size := 0
		for _, op := range ops {
			// Bounded in bytes as well as ops: 500 ops with large evidence
			// would not fit in the hub's body limit.
			if size += len(op.Payload) + 512; len(req.Ops) > 0 && size > wire.MaxBody/2 {
				break
			}
			req.Ops = append(req.Ops, wire.Op{Seq: op.Seq, OpID: op.ID, Site: op.Site, Kind: op.Kind, Entity: op.Entity,
				EntityID: op.EntityID, Engineer: op.Engineer, ObservedAt: op.ObservedAt, Payload: op.Payload})
		}
		resp, err := s.Client.Push(ctx, req)
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusConflict && he.Body.ExpectedSeq > 0 && gaps < 3 {
			// The hub expects an earlier op (restored from a backup): push
			// again from there; the ops are kept here for that.
			gaps++
			if err := s.Store.Write(ctx, s.engineer(), func(tx *site.Tx) error {
				return setState(tx, keyAcked, strconv.FormatInt(he.Body.ExpectedSeq-1, 10))
			}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("push: %w", err)
		}
		if resp.AckedThrough <= acked {
			return fmt.Errorf("push: the hub acknowledged nothing past op %d", acked)
		}
		err = s.Store.Write(ctx, s.engineer(), func(tx *site.Tx) error {
			for _, r := range resp.Results {
				state := "acked"
				switch r.Outcome {
				case wire.Conflict:
					state = "conflict"
				case wire.Rejected:
					state = "rejected"
				}
				b, _ := json.Marshal(r)
				if err := oplog.Settle(ctx, tx, r.Seq, state, r.SiteVer, string(b)); err != nil {
					return err
				}
			}
			return setState(tx, keyAcked, strconv.FormatInt(resp.AckedThrough, 10))
		})
		if err != nil {
			return err
		}
		for _, r := range resp.Results {
			rep.Pushed++
			if r.Duplicate {
				rep.Duplicates++
			}
			if r.Code == wire.CodeClockNotBelieved {
				rep.ClockNotBelieved++
			}
			switch r.Outcome {
			case wire.Applied:
				rep.Applied++
			case wire.Conflict:
				rep.Conflicts++
			case wire.Rejected:
				rep.Rejected++
			}
		}
	}
}

// PullAll pulls every site with a cursor, every site in the local store,
// an engineer's assigned sites, and the sites named, skipping (and listing) those the hub does not have
// or will not show this user.
func (s *Syncer) PullAll(ctx context.Context, rep *Report, extra ...string) error {
	set := map[string]bool{}
	for _, c := range extra {
		set[strings.ToUpper(c)] = true
	}
	if cr := s.Client.Credentials(); cr.Role == wire.RoleEngineer {
		for _, c := range cr.Sites { // the engineer's own sites come down by themselves
			set[strings.ToUpper(c)] = true
		}
	}
	rows, err := s.Store.DB().QueryContext(ctx, `SELECT site FROM sync_sites UNION SELECT code FROM sites`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		set[c] = true
	}
	rows.Close()
	codes := make([]string, 0, len(set))
	for c := range set {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		err := s.PullSite(ctx, c, rep)
		var he *HTTPError
		if errors.As(err, &he) && (he.Status == http.StatusNotFound || he.Status == http.StatusForbidden) && !contains(extra, c) {
			rep.Skipped = append(rep.Skipped, c)
			continue
		}
		if err != nil {
			return fmt.Errorf("pull %s: %w", c, err)
		}
		rep.Sites = append(rep.Sites, c)
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// PullSite brings one site up to date: a snapshot first when there is no
// cursor (or the hub says the cursor's epoch is gone), then pages of
// changes, each applied with its cursor in one transaction.
func (s *Syncer) PullSite(ctx context.Context, code string, rep *Report) error {
	code = strings.ToUpper(code)
	for range 3 {
		var epoch string
		var ver int64
		err := s.Store.DB().QueryRowContext(ctx, `SELECT epoch, ver FROM sync_sites WHERE site = ?`, code).Scan(&epoch, &ver)
		if err == sql.ErrNoRows {
			if err := s.snapshot(ctx, code, rep); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		page := s.PageRows
		if page <= 0 {
			page = 2000
		}
		resp, err := s.Client.Pull(ctx, code, epoch, ver, page)
		var he *HTTPError
		if errors.As(err, &he) && he.Body.MustRefetch {
			if err := s.snapshot(ctx, code, rep); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := s.apply(ctx, code, resp.Epoch, resp.To, resp.Changes); err != nil {
			return err
		}
		rep.Pulled += len(resp.Changes)
		if !resp.More {
			return nil
		}
	}
	return nil
}

func (s *Syncer) snapshot(ctx context.Context, code string, rep *Report) error {
	info, err := s.Client.Snapshot(ctx, code)
	if err != nil {
		return err
	}
	dir := s.PartDir
	if dir == "" {
		dir = filepath.Dir(s.Store.Path())
	}
	part := filepath.Join(dir, fmt.Sprintf(".snapshot-%s-%s-%d.part", code, info.Epoch, info.Ver))
	body, err := s.Client.Download(ctx, info, part)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != info.SHA256 {
		os.Remove(part)
		return fmt.Errorf("snapshot of %s: checksum mismatch; it will be downloaded again", code)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		os.Remove(part)
		return fmt.Errorf("snapshot of %s: %w", code, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var head struct {
		Site, Epoch string
		Ver         int64
	}
	var changes []wire.Change
	for sc.Scan() {
		if head.Epoch == "" {
			if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
				return fmt.Errorf("snapshot of %s: header: %w", code, err)
			}
			continue
		}
		var c wire.Change
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return fmt.Errorf("snapshot of %s: %w", code, err)
		}
		changes = append(changes, c)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("snapshot of %s: %w", code, err)
	}
	if head.Site != code || head.Epoch != info.Epoch || head.Ver != info.Ver {
		return fmt.Errorf("snapshot of %s: header does not match what the hub announced", code)
	}
	if err := s.apply(ctx, code, head.Epoch, head.Ver, changes); err != nil {
		return err
	}
	os.Remove(part)
	rep.Snapshots++
	rep.Pulled += len(changes)
	return nil
}

// apply writes a page of the hub's rows and the new cursor in one
// transaction. Site rows go first (positions need their site).
func (s *Syncer) apply(ctx context.Context, code, epoch string, to int64, changes []wire.Change) error {
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].T == "site" && changes[j].T != "site" })
	return s.Store.Write(ctx, s.engineer(), func(tx *site.Tx) error {
		pending, err := pendingEntities(tx, code)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if err := applyChange(tx, c, pending); err != nil {
				return fmt.Errorf("apply %s %s: %w", c.T, c.ID, err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_sites (site, epoch, ver, pulled_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (site) DO UPDATE SET epoch = excluded.epoch, ver = excluded.ver, pulled_at = excluded.pulled_at`,
			code, epoch, to, tx.Now)
		return err
	})
}

// pendingEntities lists the entities of a site that have ops the hub has
// not answered yet ("entity\x00id"), and the positions with a pending
// status change ("status\x00label"): the laptop's view of those wins until
// the hub has answered, and the hub then sends the rows again.
func pendingEntities(tx *site.Tx, code string) (map[string]bool, error) {
	rows, err := tx.QueryContext(tx.Context(), `SELECT DISTINCT entity, lower(entity_id), kind = 'position.status.v1'
		FROM oplog WHERE site = ? AND state = 'pending'`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var e, id string
		var status bool
		if err := rows.Scan(&e, &id, &status); err != nil {
			return nil, err
		}
		out[e+"\x00"+id] = true
		if status {
			out["status\x00"+id] = true
		}
	}
	return out, rows.Err()
}

func applyChange(tx *site.Tx, c wire.Change, pending map[string]bool) error {
	ctx := tx.Context()
	switch c.T {
	case "site":
		var s wire.Site
		if err := json.Unmarshal(c.Row, &s); err != nil {
			return err
		}
		return tx.ApplyHubSite(ctx, site.Site{Code: s.Code, Name: s.Name, Address: s.Address, CeaseDate: s.CeaseDate})
	case "position":
		var p wire.Position
		if err := json.Unmarshal(c.Row, &p); err != nil {
			return err
		}
		keep := pending["status\x00"+strings.ToLower(p.Label)]
		return tx.ApplyHubPosition(ctx, site.Position{Site: p.Site, Label: p.Label, Building: p.Building, Floor: p.Floor,
			Room: p.Room, Role: site.Role(p.Role), Plan: site.Plan(p.Plan), LegacyVendor: site.Vendor(p.LegacyVendor),
			LegacyModel: p.LegacyModel, MAC: p.MAC, Extension: p.Extension, DDI: p.DDI, Switch: p.Switch, Port: p.Port,
			TargetModel: p.TargetModel, Critical: p.Critical, MaxDarkMinutes: p.MaxDarkMinutes, Notes: p.Notes, Status: site.Status(p.Status), StatusReason: p.StatusReason,
			UpdatedAt: p.UpdatedAt, UpdatedBy: p.UpdatedBy}, keep)
	case "fact":
		var f wire.Fact
		if err := json.Unmarshal(c.Row, &f); err != nil {
			return err
		}
		if pending[f.Entity+"\x00"+strings.ToLower(f.EntityID)] {
			// Keep a local value the hub has not confirmed yet; the hub
			// sends this row again once it has applied the pending op.
			var local int
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_facts WHERE site = ? AND entity = ? AND entity_id = ?
				AND attr = ? AND ver = 0`, f.Site, f.Entity, f.EntityID, f.Attr).Scan(&local)
			if err != nil || local > 0 {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_facts (site, entity, entity_id, attr, value, disputed, updated_by, updated_at, ver)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, entity, entity_id, attr) DO UPDATE SET value = excluded.value,
			disputed = excluded.disputed, updated_by = excluded.updated_by, updated_at = excluded.updated_at, ver = excluded.ver`,
			f.Site, f.Entity, f.EntityID, f.Attr, f.Value, f.Disputed, f.UpdatedBy, f.UpdatedAt, c.Ver)
		return err
	case "conflict":
		var k wire.ConflictRecord
		if err := json.Unmarshal(c.Row, &k); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_conflicts (id, site, kind, entity, entity_id, status, detail, opened_at,
			resolved_by, resolution, ver) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
			status = excluded.status, detail = excluded.detail, resolved_by = excluded.resolved_by,
			resolution = excluded.resolution, ver = excluded.ver,
			local_status = CASE WHEN excluded.status = 'resolved' THEN '' ELSE sync_conflicts.local_status END`,
			k.ID, k.Site, k.Kind, k.Entity, k.EntityID, k.Status, string(k.Detail), k.OpenedAt, k.ResolvedBy, k.Resolution, c.Ver)
		return err
	}
	return nil // a newer hub's table this laptop does not know yet
}
