package hub

import (
	"database/sql"
	"strings"
)

// ruleStore is what the domain rules read and write through for the rows a
// push touches most (positions, facts, open conflicts, done_log). It has two
// implementations:
//
//   - directStore runs each call as one statement in the push's
//     transaction, at once: the rules as they always ran, each op inside
//     its own SAVEPOINT (push.go, applyOne). Rules that reach rows this
//     interface does not cover (bindings, a conflict by id, the search of
//     every site's handset records) run this way and use applyCtx.t too.
//   - batchStore (batch.go) answers from rows prefetched for the whole
//     push in a few set-based queries, keeps each op's writes in memory
//     with an undo log (a rejected op is undone without a SAVEPOINT), and
//     writes the push's rows in a bounded number of statements at the end.
//
// Which op kinds run batched is batchKinds (batch.go): any other kind, and
// a rule added later, runs direct, as before, unless it is listed there.
type ruleStore interface {
	// positionField is one column of a position (label matched case-
	// insensitively); sql.ErrNoRows when the site has no such position.
	positionField(site, label, col string) (string, error)
	// setStatus writes a position's field status.
	setStatus(site, label string, w statusWrite) error
	// doneLog records a move to done.
	doneLog(site, label, day, engineer string, ver int64) error
	// restamp gives the entity's rows (its position row, its facts other
	// than notes) version ver.
	restamp(site, entity, id string, ver int64) error
	fact(site, entity, id, attr string) (value string, found, disputed bool, err error)
	setFact(site, entity, id, attr string, w factWrite) error
	// openConflict finds the open conflict about one fact of an entity:
	// its id and detail; sql.ErrNoRows when there is none.
	openConflict(site, kind, entity, id, fact string) (cid, detail string, err error)
	insertConflict(c conflictRow) error
	updateConflict(cid, detail string, ver int64) error
}

// rows is the store the rules read and write through: the push's, or, for
// an applyCtx made elsewhere (a plan import), the transaction directly.
func (a *applyCtx) rows() ruleStore {
	if a.db == nil {
		return directStore{a.t}
	}
	return a.db
}

// statusWrite is a position's new field status and who set it when.
type statusWrite struct {
	Status, Reason, At, By, Label string
	Ver                           int64
}

// factWrite is a fact's new value.
type factWrite struct {
	Value    string
	Disputed bool
	By, At   string
	Ver      int64
}

// conflictRow is a new open conflict.
type conflictRow struct {
	ID, Site, Kind, Entity, EntityID, Fact, Detail, OpenedAt string
	Ver                                                      int64
}

// positionCols are the position columns a rule may read.
var positionCols = map[string]bool{"status": true, "building": true, "floor": true, "room": true, "mac": true,
	"extension": true, "ddi": true, "switch": true, "port": true, "legacy_model": true}

// directStore runs every call as a statement in the transaction.
type directStore struct{ t *tx }

func (d directStore) positionField(site, label, col string) (string, error) {
	if !positionCols[col] {
		return "", sql.ErrNoRows
	}
	var v string
	err := d.t.row(`SELECT `+col+` FROM positions WHERE site = ? AND label_key = ?`, site, strings.ToLower(label)).Scan(&v)
	return v, err
}

func (d directStore) setStatus(site, label string, w statusWrite) error {
	_, err := d.t.exec(`UPDATE positions SET status = ?, status_reason = ?, updated_at = ?, updated_by = ?, updated_label = ?, ver = ?
		WHERE site = ? AND label_key = ?`, w.Status, w.Reason, w.At, w.By, w.Label, w.Ver, site, strings.ToLower(label))
	return err
}

func (d directStore) doneLog(site, label, day, engineer string, ver int64) error {
	_, err := d.t.exec(`INSERT INTO done_log (site, label_key, day, engineer, ver) VALUES (?, ?, ?, ?, ?)`,
		site, strings.ToLower(label), day, engineer, ver)
	return err
}

func (d directStore) restamp(site, entity, id string, ver int64) error {
	if entity == "position" {
		if _, err := d.t.exec(`UPDATE positions SET ver = ? WHERE site = ? AND label_key = ? AND ver < ?`,
			ver, site, strings.ToLower(id), ver); err != nil {
			return err
		}
	}
	_, err := d.t.exec(`INSERT INTO entity_stamps (site, entity, entity_id, ver) VALUES (?, ?, ?, ?)
		ON CONFLICT (site, entity, entity_id) DO UPDATE SET ver = excluded.ver WHERE entity_stamps.ver < excluded.ver`,
		site, entity, id, ver)
	return err
}

func (d directStore) fact(site, entity, id, attr string) (value string, found, disputed bool, err error) {
	var n int
	err = d.t.row(`SELECT value, disputed FROM facts WHERE site = ? AND entity = ? AND entity_id = ? AND attr = ?`,
		site, entity, id, attr).Scan(&value, &n)
	if err == sql.ErrNoRows {
		return "", false, false, nil
	}
	return value, err == nil, n != 0, err
}

func (d directStore) setFact(site, entity, id, attr string, w factWrite) error {
	_, err := d.t.exec(`INSERT INTO facts (site, entity, entity_id, attr, value, disputed, updated_by, updated_at, ver)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (site, entity, entity_id, attr) DO UPDATE SET value = excluded.value, disputed = excluded.disputed,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at, ver = excluded.ver`,
		site, entity, id, attr, w.Value, boolInt(w.Disputed), w.By, w.At, w.Ver)
	return err
}

func (d directStore) openConflict(site, kind, entity, id, fact string) (cid, detail string, err error) {
	err = d.t.row(`SELECT id, detail FROM conflicts WHERE site = ? AND kind = ? AND entity = ? AND entity_id = ? AND fact = ?
		AND status = 'open'`, site, kind, entity, id, fact).Scan(&cid, &detail)
	return cid, detail, err
}

func (d directStore) insertConflict(c conflictRow) error {
	_, err := d.t.exec(`INSERT INTO conflicts (id, site, kind, entity, entity_id, fact, status, detail, opened_at, ver)
		VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`, c.ID, c.Site, c.Kind, c.Entity, c.EntityID, c.Fact, c.Detail, c.OpenedAt, c.Ver)
	return err
}

func (d directStore) updateConflict(cid, detail string, ver int64) error {
	_, err := d.t.exec(`UPDATE conflicts SET detail = ?, ver = ? WHERE id = ?`, detail, ver, cid)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
