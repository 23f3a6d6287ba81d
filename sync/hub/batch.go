package hub

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"cutover/sync/wire"
)

// A push's unit of work (issue 13). The rows the batch's rules will read
// are fetched in a few set-based queries before the first op; each op's
// rule then reads and writes them in memory, with an undo log, so a
// rejected op is undone without a SAVEPOINT; the rows the push wrote go to
// the store in a bounded number of statements (arrays through unnest on
// PostgreSQL, one prepared statement per table on SQLite, which runs in
// process). On PostgreSQL a push of 500 ops is about fifteen round trips
// instead of four per op.
//
// Exactly the same outcomes as op by op: the push's transaction holds the
// row lock of every site it writes (bumpSites) from before the prefetch
// to the commit, and every row a batched rule reads belongs to one of
// those sites, so no other writer can change them in between. Rules that
// read across sites (bindings, handset records) or rows this layer does
// not hold run direct: the batch's writes so far are flushed first, the op
// runs in its SAVEPOINT as before, and the rows it may have changed are
// fetched again before the next batched op. When anything fails inside a
// batched rule or while writing (a store error, where op by op would have
// rejected the one op with apply_failed), the push is rolled back and run
// again op by op, so no store error can make a batch differ.

// errUnbatched asks Push to roll back and apply the push op by op.
var errUnbatched = errors.New("hub store: the batched push failed; applying it op by op")

// batchKinds are the op kinds whose rules read and write only through
// ruleStore (rulestore.go). Plan kinds touch nothing. Every other kind,
// known or newer, runs direct.
var batchKinds = map[string]bool{KindStatus: true, KindObserve: true, KindStep: true, KindReopen: true,
	KindCorrect: true, KindNumbers: true, KindNote: true}

// batchable says whether op's rule can run against the unit of work. An op
// with "override": true also raises an identity_override conflict, which
// searches every site's handset records: it runs direct.
func batchable(op wire.Op) bool {
	if isPlanKind(op.Kind) {
		return true
	}
	if !batchKinds[op.Kind] {
		return false
	}
	if overrideKinds[op.Kind] && strings.Contains(string(op.Payload), `"override"`) {
		var p struct {
			Override bool `json:"override"`
		}
		if json.Unmarshal(op.Payload, &p) != nil || p.Override {
			return false
		}
	}
	return true
}

// readsRows says whether a kind's rule reads rows, so that the prefetch
// fetches them: a note or a reopen only writes, a plan kind or a
// journal-only kind touches nothing.
func readsRows(kind string) bool {
	return batchKinds[kind] && kind != KindNote && kind != KindReopen
}

type entKey struct{ site, entity, id string }
type posKey struct{ site, key string }
type confKey struct{ site, kind, entity, id, fact string }

// factVal is a fact as it stands in the batch; dirty when the batch wrote
// it. Values are replaced, never changed in place, so the undo log can put
// the old pointer back.
type factVal struct {
	factWrite
	dirty bool
}

// entState is what the batch holds of one entity: its facts other than
// notes once loaded, and facts written by the batch.
type entState struct {
	loaded bool // every non-note fact and open conflict of the entity is here
	facts  map[string]*factVal
}

// posVal is a position's row as rules read and write it.
type posVal struct {
	w     statusWrite
	plan  map[string]string
	dirty bool
}

type confVal struct {
	row          conflictRow
	isNew, dirty bool
}

// stampRow is an entity whose facts other than notes take version ver.
type stampRow struct {
	k   entKey
	ver int64
}

type doneRow struct {
	site, key, day, engineer string
	ver                      int64
}

// journalRow is one op_journal row.
type journalRow struct {
	opID, clientID                     string
	seq                                int64
	site, kind, entity, entityID       string
	engineer, user, observedAt         string
	received                           int64
	payload, outcome, code, msg, confl string
	siteVer                            int64
}

// batchStore is the push's unit of work (ruleStore).
type batchStore struct {
	s      *Store
	t      *tx
	ents   map[entKey]*entState
	pos    map[posKey]*posVal   // nil: the site has no such position
	confs  map[confKey]*confVal // open conflicts of loaded entities
	byID   map[string]*confVal
	done   []doneRow
	stamps []stampRow
	jrnl   []journalRow
	undo   []func()
	stale  bool // a direct op wrote rows since the prefetch
	// touched are the positions this push's evidence touched: derived
	// again once its ops are journaled (derive.go).
	touched map[posRef]bool
	starts  map[string]string // each site's first import, read once a push
}

// siteStart is a site's first import (before it, a laptop's clock is not
// believed), read once per push.
func (b *batchStore) siteStart(code string) string {
	if v, ok := b.starts[code]; ok {
		return v
	}
	var v string
	b.t.row(`SELECT first_import FROM sites WHERE code = ?`, code).Scan(&v)
	b.starts[code] = v
	return v
}

func newBatch(s *Store, t *tx) *batchStore {
	b := &batchStore{s: s, t: t, touched: map[posRef]bool{}, starts: map[string]string{}}
	b.reset()
	return b
}

func (b *batchStore) reset() {
	b.ents, b.pos, b.confs, b.byID = map[entKey]*entState{}, map[posKey]*posVal{}, map[confKey]*confVal{}, map[string]*confVal{}
}

// begin starts an op; rollback undoes what it wrote, commit keeps it.
func (b *batchStore) begin()  { b.undo = b.undo[:0] }
func (b *batchStore) commit() { b.undo = b.undo[:0] }
func (b *batchStore) rollback() {
	for i := len(b.undo) - 1; i >= 0; i-- {
		b.undo[i]()
	}
	b.undo = b.undo[:0]
}

// isNote is the dialect's `attr LIKE 'note:%'` (SQLite's LIKE ignores ASCII
// case).
func (b *batchStore) isNote(attr string) bool {
	if b.s.dialect == "sqlite" {
		return len(attr) >= 5 && strings.EqualFold(attr[:5], "note:")
	}
	return strings.HasPrefix(attr, "note:")
}

func (b *batchStore) ent(k entKey) *entState {
	st := b.ents[k]
	if st == nil {
		st = &entState{facts: map[string]*factVal{}}
		b.ents[k] = st
	}
	return st
}

// prefetch loads what the ops' rules will read: their entities' facts and
// open conflicts, and their positions.
func (b *batchStore) prefetch(ops []wire.Op) error {
	var ents []entKey
	var pos []posKey
	seenE, seenP := map[entKey]bool{}, map[posKey]bool{}
	addE := func(k entKey) {
		if st := b.ents[k]; !seenE[k] && (st == nil || !st.loaded) {
			seenE[k] = true
			ents = append(ents, k)
		}
	}
	for _, op := range ops {
		if !readsRows(op.Kind) {
			continue // what it may read after all (a refused note's rows to restamp) is read then
		}
		addE(entKey{op.Site, op.Entity, op.EntityID})
		if op.Kind == KindNumbers {
			addE(entKey{op.Site, "position", op.EntityID})
		}
		if op.Entity == "position" {
			k := posKey{op.Site, strings.ToLower(op.EntityID)}
			if _, ok := b.pos[k]; !ok && !seenP[k] {
				seenP[k] = true
				pos = append(pos, k)
			}
		}
	}
	b.stale = false
	if err := b.loadEnts(ents); err != nil {
		return err
	}
	return b.loadPos(pos)
}

// keys is a WITH clause naming rows of keys as k(k1, k2, …), passed as
// arrays through unnest on PostgreSQL and as one JSON array through
// json_each on SQLite: one statement text whatever the count, so it is
// prepared once. Queries join k to the table, so each key is one index
// search.
func (b *batchStore) keys(rows [][]string) (string, []any) {
	n := len(rows[0])
	names := "k1"
	for c := 2; c <= n; c++ {
		names += ", k" + string(rune('0'+c))
	}
	if b.s.dialect == "postgres" {
		var args []any
		for c := 0; c < n; c++ {
			col := make([]string, len(rows))
			for i, r := range rows {
				col[i] = r[c]
			}
			args = append(args, col)
		}
		return "WITH k(" + names + ") AS (SELECT * FROM unnest(?" + strings.Repeat("::text[], ?", n-1) + "::text[])) ", args
	}
	js, _ := json.Marshal(rows)
	cols := "value->>0"
	for c := 1; c < n; c++ {
		cols += ", value->>" + string(rune('0'+c))
	}
	return "WITH k(" + names + ") AS (SELECT " + cols + " FROM json_each(?)) ", []any{string(js)}
}

// chunk is how many keys one query carries.
const chunk = 500

func (b *batchStore) loadEnts(keys []entKey) error {
	for len(keys) > 0 {
		part := keys[:min(chunk, len(keys))]
		keys = keys[len(part):]
		rows := make([][]string, len(part))
		for i, k := range part {
			rows[i] = []string{k.site, k.entity, k.id}
		}
		with, args := b.keys(rows)
		const sel = `SELECT f.site, f.entity, f.entity_id, f.attr, f.value, f.disputed, f.updated_by, f.updated_at, f.ver
			FROM k JOIN facts f ON f.site = k.k1 AND f.entity = k.k2 AND f.entity_id = k.k3`
		q := with + sel + ` WHERE f.attr NOT LIKE 'note:%'`
		if b.s.dialect == "sqlite" {
			// Two ranges of the primary key around the notes (an entity may
			// have thousands); SQLite's LIKE ignores case, so what else
			// its NOT LIKE leaves out is left out below.
			q = with + sel + ` AND f.attr < 'note:' UNION ALL ` + sel + ` AND f.attr >= 'note;'`
		}
		r, err := b.t.query(q, args...)
		if err != nil {
			return err
		}
		for r.Next() {
			var k entKey
			var attr string
			var f factWrite
			var d int
			if err := r.Scan(&k.site, &k.entity, &k.id, &attr, &f.Value, &d, &f.By, &f.At, &f.Ver); err != nil {
				r.Close()
				return err
			}
			f.Disputed = d != 0
			if b.isNote(attr) {
				continue
			}
			if st := b.ent(k); !st.loaded && st.facts[attr] == nil {
				st.facts[attr] = &factVal{factWrite: f}
			}
		}
		r.Close()
		if err := r.Err(); err != nil {
			return err
		}
		r, err = b.t.query(with+`SELECT c.id, c.site, c.kind, c.entity, c.entity_id, c.fact, c.detail, c.opened_at, c.ver
			FROM k JOIN conflicts c ON c.site = k.k1 AND c.entity = k.k2 AND c.entity_id = k.k3 WHERE c.status = 'open'`, args...)
		if err != nil {
			return err
		}
		for r.Next() {
			var c conflictRow
			if err := r.Scan(&c.ID, &c.Site, &c.Kind, &c.Entity, &c.EntityID, &c.Fact, &c.Detail, &c.OpenedAt, &c.Ver); err != nil {
				r.Close()
				return err
			}
			if st := b.ents[entKey{c.Site, c.Entity, c.EntityID}]; st != nil && st.loaded {
				continue
			}
			k := confKey{c.Site, c.Kind, c.Entity, c.EntityID, c.Fact}
			if b.confs[k] == nil {
				v := &confVal{row: c}
				b.confs[k], b.byID[c.ID] = v, v
			}
		}
		r.Close()
		if err := r.Err(); err != nil {
			return err
		}
		for _, k := range part {
			b.ent(k).loaded = true
		}
	}
	return nil
}

func (b *batchStore) loadPos(keys []posKey) error {
	for len(keys) > 0 {
		part := keys[:min(chunk, len(keys))]
		keys = keys[len(part):]
		rows := make([][]string, len(part))
		for i, k := range part {
			rows[i] = []string{k.site, k.key}
			b.pos[k] = nil
		}
		with, args := b.keys(rows)
		r, err := b.t.query(with+`SELECT p.site, p.label_key, p.status, p.status_reason, p.updated_at, p.updated_by,
			p.updated_label, p.ver, p.building, p.floor, p.room, p.mac, p.extension, p.ddi, p.switch, p.port, p.legacy_model
			FROM k JOIN positions p ON p.site = k.k1 AND p.label_key = k.k2`, args...)
		if err != nil {
			return err
		}
		for r.Next() {
			var k posKey
			var w statusWrite
			var pl [9]string
			if err := r.Scan(&k.site, &k.key, &w.Status, &w.Reason, &w.At, &w.By, &w.Label, &w.Ver,
				&pl[0], &pl[1], &pl[2], &pl[3], &pl[4], &pl[5], &pl[6], &pl[7], &pl[8]); err != nil {
				r.Close()
				return err
			}
			plan := map[string]string{}
			for i, c := range []string{"building", "floor", "room", "mac", "extension", "ddi", "switch", "port", "legacy_model"} {
				plan[c] = pl[i]
			}
			b.pos[k] = &posVal{w: w, plan: plan}
		}
		r.Close()
		if err := r.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (b *batchStore) position(site, label string) (posKey, *posVal, error) {
	k := posKey{site, strings.ToLower(label)}
	if _, ok := b.pos[k]; !ok {
		if err := b.loadPos([]posKey{k}); err != nil {
			return k, nil, err
		}
	}
	return k, b.pos[k], nil
}

func (b *batchStore) setPos(k posKey, v *posVal) {
	old := b.pos[k]
	b.undo = append(b.undo, func() { b.pos[k] = old })
	b.pos[k] = v
}

func (b *batchStore) positionField(site, label, col string) (string, error) {
	_, p, err := b.position(site, label)
	if err != nil {
		return "", err
	}
	if p == nil || !positionCols[col] {
		return "", sql.ErrNoRows
	}
	if col == "status" {
		return p.w.Status, nil
	}
	return p.plan[col], nil
}

func (b *batchStore) setStatus(site, label string, w statusWrite) error {
	k, p, err := b.position(site, label)
	if err != nil || p == nil {
		return err // no such position: the UPDATE changes nothing
	}
	b.setPos(k, &posVal{w: w, plan: p.plan, dirty: true})
	return nil
}

func (b *batchStore) doneLog(site, label, day, engineer string, ver int64) error {
	n := len(b.done)
	b.undo = append(b.undo, func() { b.done = b.done[:n] })
	b.done = append(b.done, doneRow{site, strings.ToLower(label), day, engineer, ver})
	return nil
}

func (b *batchStore) loaded(k entKey) (*entState, error) {
	if st := b.ents[k]; st == nil || !st.loaded {
		if err := b.loadEnts([]entKey{k}); err != nil {
			return nil, err
		}
	}
	return b.ents[k], nil
}

func (b *batchStore) putFact(st *entState, attr string, v *factVal) {
	old := st.facts[attr]
	b.undo = append(b.undo, func() {
		if old == nil {
			delete(st.facts, attr)
		} else {
			st.facts[attr] = old
		}
	})
	st.facts[attr] = v
}

func (b *batchStore) restamp(site, entity, id string, ver int64) error {
	if entity == "position" {
		k, p, err := b.position(site, id)
		if err != nil {
			return err
		}
		if p != nil {
			w := p.w
			w.Ver = ver
			b.setPos(k, &posVal{w: w, plan: p.plan, dirty: true})
		}
	}
	// One UPDATE per entity at the flush, whatever its facts: every row
	// this push writes carries the same version, so it does not matter
	// which comes first. (The cached facts keep their old version: no
	// rule reads it.)
	n := len(b.stamps)
	b.undo = append(b.undo, func() { b.stamps = b.stamps[:n] })
	b.stamps = append(b.stamps, stampRow{entKey{site, entity, id}, ver})
	return nil
}

func (b *batchStore) fact(site, entity, id, attr string) (value string, found, disputed bool, err error) {
	st, err := b.loaded(entKey{site, entity, id})
	if err != nil {
		return "", false, false, err
	}
	if f := st.facts[attr]; f != nil {
		return f.Value, true, f.Disputed, nil
	}
	if b.isNote(attr) { // notes are not prefetched
		return directStore{b.t}.fact(site, entity, id, attr)
	}
	return "", false, false, nil
}

func (b *batchStore) setFact(site, entity, id, attr string, w factWrite) error {
	b.putFact(b.ent(entKey{site, entity, id}), attr, &factVal{factWrite: w, dirty: true})
	return nil
}

func (b *batchStore) putConf(k confKey, v *confVal) {
	old, oldID := b.confs[k], b.byID[v.row.ID]
	b.undo = append(b.undo, func() {
		if old == nil {
			delete(b.confs, k)
		} else {
			b.confs[k] = old
		}
		if oldID == nil {
			delete(b.byID, v.row.ID)
		} else {
			b.byID[v.row.ID] = oldID
		}
	})
	b.confs[k], b.byID[v.row.ID] = v, v
}

func (b *batchStore) openConflict(site, kind, entity, id, fact string) (string, string, error) {
	if _, err := b.loaded(entKey{site, entity, id}); err != nil {
		return "", "", err
	}
	v := b.confs[confKey{site, kind, entity, id, fact}]
	if v == nil {
		return "", "", sql.ErrNoRows
	}
	return v.row.ID, v.row.Detail, nil
}

func (b *batchStore) insertConflict(c conflictRow) error {
	b.putConf(confKey{c.Site, c.Kind, c.Entity, c.EntityID, c.Fact}, &confVal{row: c, isNew: true, dirty: true})
	return nil
}

func (b *batchStore) updateConflict(cid, detail string, ver int64) error {
	v := b.byID[cid]
	if v == nil { // not one this batch holds: write it through
		return directStore{b.t}.updateConflict(cid, detail, ver)
	}
	nv := *v
	nv.row.Detail, nv.row.Ver, nv.dirty = detail, ver, true
	b.putConf(confKey{nv.row.Site, nv.row.Kind, nv.row.Entity, nv.row.EntityID, nv.row.Fact}, &nv)
	return nil
}
