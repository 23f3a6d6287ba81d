package hub

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"cutover/site/oplog"
	"cutover/sync/wire"
)

// ErrNotFound is an unknown site or snapshot (404).
var ErrNotFound = errors.New("not found")

// ErrMustRefetch says the client's cursor belongs to another epoch of the
// site (the hub was restored or the site reset): download a new snapshot
// and push again; nothing pending is lost (409).
var ErrMustRefetch = errors.New("cursor is from another epoch of this site: download a new snapshot")

// Pull returns a site's changes after version after, at most about limit
// rows, ending on a version boundary.
func (s *Store) Pull(ctx context.Context, p Principal, code, epoch string, after int64, limit int) (wire.PullResponse, error) {
	resp := wire.PullResponse{Site: code, Changes: []wire.Change{}}
	if !p.CanRead(code) {
		return resp, fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, code)
	}
	resp, _, err := s.pullAt(ctx, code, epoch, after, pullLimit(limit))
	if err == nil {
		err = s.seen(ctx, p)
	}
	return resp, err
}

func pullLimit(limit int) int {
	if limit <= 0 || limit > wire.MaxPullLimit {
		return 2000
	}
	return limit
}

// pullAt reads a page of a site's changes in one read transaction, and
// the site version it saw.
func (s *Store) pullAt(ctx context.Context, code, epoch string, after int64, limit int) (wire.PullResponse, int64, error) {
	resp := wire.PullResponse{Site: code, Changes: []wire.Change{}}
	var cur int64
	err := s.read(ctx, func(t *tx) error {
		err := t.row(`SELECT epoch, ver FROM sites WHERE code = ?`, code).Scan(&resp.Epoch, &cur)
		if err == sql.ErrNoRows {
			return fmt.Errorf("site %s: %w on the hub", code, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if epoch != resp.Epoch || after > cur {
			return ErrMustRefetch
		}
		upto, more, err := pageEnd(t, code, after, cur, limit)
		if err != nil {
			return err
		}
		resp.To, resp.More = upto, more
		resp.Changes, err = changes(t, code, after, upto)
		return err
	})
	return resp, cur, err
}

// seen records that a laptop reached the hub, at most once a minute, so
// that "last sync" counts pulls as well as pushes.
// This process remembers when it last wrote it for each laptop, so most
// pulls write nothing (on SQLite they would queue for the one writer
// behind every push); another process, or this one restarted, writes it
// once more at most: safe to lose.
func (s *Store) seen(ctx context.Context, p Principal) error {
	if p.ClientID == "" {
		return nil
	}
	now := s.Now().Unix()
	if t, ok := s.seenAt.Load(p.ClientID); ok && t.(int64) >= now-60 {
		return nil
	}
	err := s.write(ctx, func(t *tx) error {
		_, err := t.exec(`UPDATE clients SET last_seen = ? WHERE client_id = ? AND (last_seen IS NULL OR last_seen < ?)`,
			now, p.ClientID, now-60)
		return err
	})
	if err == nil {
		s.seenAt.Store(p.ClientID, now)
	}
	return err
}

// pageEnd picks the last version of a page: as many whole versions as fit
// in limit rows, and always at least one.
func pageEnd(t *tx, code string, after, cur int64, limit int) (int64, bool, error) {
	rows, err := t.query(`SELECT ver, COUNT(*) FROM (
		SELECT row_ver AS ver FROM sites WHERE code = ? AND row_ver > ?
		UNION ALL SELECT ver FROM positions WHERE site = ? AND ver > ?
		UNION ALL SELECT ev FROM (`+factsAfter+`) f
		UNION ALL SELECT ver FROM conflicts WHERE site = ? AND ver > ?) v GROUP BY ver ORDER BY ver`,
		code, after, code, after, code, after, code, after, after, code, after)
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	total := 0
	for rows.Next() {
		var v int64
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			return 0, false, err
		}
		if total > 0 && total+n > limit {
			return after, true, rows.Err()
		}
		total += n
		after = v
	}
	return cur, false, rows.Err()
}

// factsAfter is a site's facts whose version for pulls (ev) is after a
// version: the later of the fact's own and its entity's stamp (migration
// 0005; notes keep their own). Arguments: site, after, site, after, after.
// Two disjoint parts, each found through an index: facts written after
// (with their entity's stamp, if later), and the other facts of entities
// stamped after.
const factsAfter = `SELECT f.site, f.entity, f.entity_id, f.attr, f.value, f.disputed, f.updated_by, f.updated_at,
		CASE WHEN s.ver > f.ver AND f.attr NOT LIKE 'note:%' THEN s.ver ELSE f.ver END AS ev
	FROM facts f LEFT JOIN entity_stamps s ON s.site = f.site AND s.entity = f.entity AND s.entity_id = f.entity_id
	WHERE f.site = ? AND f.ver > ?
	UNION ALL
	SELECT f.site, f.entity, f.entity_id, f.attr, f.value, f.disputed, f.updated_by, f.updated_at, s.ver AS ev
	FROM entity_stamps s JOIN facts f ON f.site = s.site AND f.entity = s.entity AND f.entity_id = s.entity_id
	WHERE s.site = ? AND s.ver > ? AND f.ver <= ? AND f.attr NOT LIKE 'note:%'`

// maxServedDepth is the deepest nesting a row may have to be sent: well
// inside any JSON decoder's limit once wrapped in a page. Rows written since
// ops are validated (oplog.Check) never come near it.
const maxServedDepth = 4 * oplog.MaxDepth

// UnservableError is a stored row the hub cannot send to a laptop (written
// before the hub validated ops). The pull or snapshot fails, naming the
// row, rather than leave it out: a laptop must never be told a site is up to
// date when it is not.
type UnservableError struct {
	Site, Table, ID string
	Err             error
}

func (e *UnservableError) Error() string {
	return fmt.Sprintf("site %s: the hub cannot send its %s row %q (%v); an admin must repair it", e.Site, e.Table, e.ID, e.Err)
}

func (e *UnservableError) Unwrap() error { return e.Err }

// changes reads every row of a site written in (after, upto].
func changes(t *tx, code string, after, upto int64) ([]wire.Change, error) {
	out := []wire.Change{}
	var bad error
	add := func(kind, id string, ver int64, row any) {
		b, err := json.Marshal(row)
		if err == nil && oplog.Depth(b) > maxServedDepth {
			err = fmt.Errorf("nested %d levels deep", oplog.Depth(b))
		}
		if err != nil {
			if bad == nil {
				bad = &UnservableError{Site: code, Table: kind, ID: clip(id, 80), Err: err}
			}
			return
		}
		out = append(out, wire.Change{T: kind, ID: id, Ver: ver, Row: b})
	}
	var st wire.Site
	var rv int64
	err := t.row(`SELECT code, name, address, cease_date, row_ver FROM sites WHERE code = ? AND row_ver > ? AND row_ver <= ?`,
		code, after, upto).Scan(&st.Code, &st.Name, &st.Address, &st.CeaseDate, &rv)
	if err == nil {
		add("site", st.Code, rv, st)
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	rows, err := t.query(`SELECT site, label, building, floor, room, role, plan, legacy_vendor, legacy_model, mac, extension,
		ddi, switch, port, target_model, notes, status, status_reason, updated_at, updated_by, ver, planned_critical, max_dark_minutes
		FROM positions WHERE site = ? AND ver > ? AND ver <= ? ORDER BY ver, label_key`, code, after, upto)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p wire.Position
		var v int64
		if err := rows.Scan(&p.Site, &p.Label, &p.Building, &p.Floor, &p.Room, &p.Role, &p.Plan, &p.LegacyVendor,
			&p.LegacyModel, &p.MAC, &p.Extension, &p.DDI, &p.Switch, &p.Port, &p.TargetModel, &p.Notes,
			&p.Status, &p.StatusReason, &p.UpdatedAt, &p.UpdatedBy, &v, &p.Critical, &p.MaxDarkMinutes); err != nil {
			rows.Close()
			return nil, err
		}
		add("position", strings.ToLower(p.Label), v, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = t.query(`SELECT site, entity, entity_id, attr, value, disputed, updated_by, updated_at, ev
		FROM (`+factsAfter+`) f WHERE ev <= ? ORDER BY ev, entity, entity_id, attr`, code, after, code, after, after, upto)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var f wire.Fact
		var d int
		var v int64
		if err := rows.Scan(&f.Site, &f.Entity, &f.EntityID, &f.Attr, &f.Value, &d, &f.UpdatedBy, &f.UpdatedAt, &v); err != nil {
			rows.Close()
			return nil, err
		}
		f.Disputed = d != 0
		add("fact", f.Entity+"/"+f.EntityID+"/"+f.Attr, v, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = t.query(`SELECT id, site, kind, entity, entity_id, status, detail, opened_at, resolved_by, resolution, ver
		FROM conflicts WHERE site = ? AND ver > ? AND ver <= ? ORDER BY ver, id`, code, after, upto)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c wire.ConflictRecord
		var detail string
		var v int64
		if err := rows.Scan(&c.ID, &c.Site, &c.Kind, &c.Entity, &c.EntityID, &c.Status, &detail, &c.OpenedAt,
			&c.ResolvedBy, &c.Resolution, &v); err != nil {
			return nil, err
		}
		c.Detail = json.RawMessage(detail)
		add("conflict", c.ID, v, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if bad != nil {
		return nil, bad
	}
	return out, nil
}

// SnapshotHeader is the first line of a snapshot file.
type SnapshotHeader struct {
	Site  string `json:"site"`
	Epoch string `json:"epoch"`
	Ver   int64  `json:"ver"`
}

// Snapshot returns where to download the site's current state. The file
// (gzipped NDJSON: a header line, then one change per line) is built from
// one read transaction once per site version and stored in the database,
// so any hub process serves it: a hundred laptops asking at once wait for
// one build (one per process, and on PostgreSQL an advisory lock per site
// makes it one for every process sharing the database). The two newest
// snapshots of a site are kept so a download in progress can resume.
func (s *Store) Snapshot(ctx context.Context, p Principal, code string) (wire.SnapshotInfo, error) {
	info := wire.SnapshotInfo{Site: code}
	if !p.CanRead(code) {
		return info, fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, code)
	}
	for try := 0; ; try++ {
		found, err := s.storedSnapshot(ctx, &info)
		if err != nil || found {
			return info, err
		}
		if try == 2 { // the site moved on twice meanwhile: build this version here
			b, err := s.buildSnapshot(ctx, code, nil)
			if err == nil {
				b.URL = fmt.Sprintf("/v1/sync/snapshot/%s/%s/%d", code, b.Epoch, b.Ver)
			}
			return b, err
		}
		if err := s.snapshotOnce(ctx, code); err != nil {
			return info, err
		}
	}
}

// storedSnapshot fills info with the site's current version and, when a
// snapshot of it is stored, its size, hash and URL.
func (s *Store) storedSnapshot(ctx context.Context, info *wire.SnapshotInfo) (bool, error) {
	code := info.Site
	err := s.r.QueryRowContext(ctx, s.rebind(`SELECT epoch, ver FROM sites WHERE code = ?`), code).Scan(&info.Epoch, &info.Ver)
	if err == sql.ErrNoRows {
		return false, fmt.Errorf("site %s: %w on the hub", code, ErrNotFound)
	}
	if err != nil {
		return false, err
	}
	err = s.r.QueryRowContext(ctx, s.rebind(`SELECT sha256, LENGTH(body) FROM snapshots WHERE site = ? AND epoch = ? AND ver = ?`),
		code, info.Epoch, info.Ver).Scan(&info.SHA256, &info.Size)
	if err == sql.ErrNoRows {
		return false, nil
	}
	info.URL = fmt.Sprintf("/v1/sync/snapshot/%s/%s/%d", code, info.Epoch, info.Ver)
	return err == nil, err
}

// snapshotFlight is one build of a site's snapshot in this process.
type snapshotFlight struct {
	done chan struct{}
	err  error
}

// snapshotOnce builds the site's snapshot unless a build of it is under
// way, in which case it waits for that one.
func (s *Store) snapshotOnce(ctx context.Context, code string) error {
	s.flightMu.Lock()
	if s.flights == nil {
		s.flights = map[string]*snapshotFlight{}
	}
	f := s.flights[code]
	if f == nil {
		f = &snapshotFlight{done: make(chan struct{})}
		s.flights[code] = f
		s.flightMu.Unlock()
		f.err = s.lockedSnapshot(context.WithoutCancel(ctx), code)
		s.flightMu.Lock()
		delete(s.flights, code)
		s.flightMu.Unlock()
		close(f.done)
		return f.err
	}
	s.flightMu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lockedSnapshot builds the site's snapshot holding, on PostgreSQL, the
// site's advisory lock (released by PostgreSQL if this process dies), so
// another hub process building it meanwhile is waited for, not repeated.
func (s *Store) lockedSnapshot(ctx context.Context, code string) error {
	if s.dialect != "postgres" {
		_, err := s.buildSnapshot(ctx, code, nil)
		return err
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7140612, hashtext($1))`, code); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7140612, hashtext($1))`, code)
	_, err = s.buildSnapshot(ctx, code, conn)
	return err
}

// buildSnapshot builds and stores the snapshot of the site's current
// version, if it is not stored yet, and says which it is (no URL). conn,
// when not nil, is the connection to run on (the one holding the site's
// advisory lock).
func (s *Store) buildSnapshot(ctx context.Context, code string, conn *sql.Conn) (wire.SnapshotInfo, error) {
	out := wire.SnapshotInfo{Site: code}
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	var t *sql.Tx
	var err error
	if conn != nil {
		t, err = conn.BeginTx(ctx, opts)
	} else {
		t, err = s.r.BeginTx(ctx, opts)
	}
	if err != nil {
		return out, fmt.Errorf("hub store: begin: %w", err)
	}
	info := SnapshotHeader{Site: code}
	var body []byte
	err = func() error {
		defer t.Rollback()
		rt := &tx{s: s, tx: t, ctx: ctx}
		err := rt.row(`SELECT epoch, ver FROM sites WHERE code = ?`, code).Scan(&info.Epoch, &info.Ver)
		if err == sql.ErrNoRows {
			return fmt.Errorf("site %s: %w on the hub", code, ErrNotFound)
		}
		if err != nil {
			return err
		}
		out.Epoch, out.Ver = info.Epoch, info.Ver
		err = rt.row(`SELECT sha256, LENGTH(body) FROM snapshots WHERE site = ? AND epoch = ? AND ver = ?`, code, info.Epoch, info.Ver).
			Scan(&out.SHA256, &out.Size)
		if err != sql.ErrNoRows {
			return err // built meanwhile (by another process)
		}
		s.snapshotBuilds.Add(1)
		ch, err := changes(rt, code, -1, info.Ver)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		enc := json.NewEncoder(zw)
		if err := enc.Encode(info); err != nil {
			return err
		}
		for _, c := range ch {
			if err := enc.Encode(c); err != nil {
				return &UnservableError{Site: code, Table: c.T, ID: clip(c.ID, 80), Err: err}
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
		body = buf.Bytes()
		return nil
	}()
	if err != nil || body == nil {
		return out, err
	}
	sum := sha256.Sum256(body)
	out.SHA256, out.Size = hex.EncodeToString(sum[:]), int64(len(body))
	return out, s.write(ctx, func(t *tx) error {
		if _, err := t.exec(`INSERT INTO snapshots (site, epoch, ver, sha256, created_at, body) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (site, epoch, ver) DO NOTHING`, code, info.Epoch, info.Ver, out.SHA256, s.Now().Unix(), body); err != nil {
			return err
		}
		_, err := t.exec(`DELETE FROM snapshots WHERE site = ? AND ver < (SELECT MIN(ver) FROM
			(SELECT ver FROM snapshots WHERE site = ? ORDER BY ver DESC LIMIT 2) k)`, code, code)
		return err
	})
}

// SnapshotFile returns a stored snapshot's bytes.
func (s *Store) SnapshotFile(ctx context.Context, p Principal, code, epoch string, ver int64) ([]byte, string, error) {
	if !p.CanRead(code) {
		return nil, "", fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, code)
	}
	var body []byte
	var sum string
	err := s.r.QueryRowContext(ctx, s.rebind(`SELECT body, sha256 FROM snapshots WHERE site = ? AND epoch = ? AND ver = ?`),
		code, epoch, ver).Scan(&body, &sum)
	if err == sql.ErrNoRows {
		return nil, "", fmt.Errorf("snapshot %s@%d: %w (a newer one replaced it: ask for the snapshot again)", code, ver, ErrNotFound)
	}
	return body, sum, err
}
