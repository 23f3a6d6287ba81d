package hub

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"cutover/site"
)

// A site's civic address on the hub is a fact (entity "site", the site's
// code, site.CivicFact) holding the structured address the plan gave, as
// JSON: laptops pull it with the site's other facts, and the teams-lis
// export writes it as the Teams civic address.

// writeCivicFact records the civic address a plan import gave; an import
// that gives none leaves the one recorded.
func writeCivicFact(t *tx, code string, c site.CivicAddress, user, stamp string, ver int64) error {
	if c.Empty() {
		return nil
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO facts (site, entity, entity_id, attr, value, disputed, updated_by, updated_at, ver)
		VALUES (?, 'site', ?, ?, ?, 0, ?, ?, ?)
		ON CONFLICT (site, entity, entity_id, attr) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at, ver = excluded.ver`, code, code, site.CivicFact, string(b), user, stamp, ver)
	return err
}

// civicOf reads a site's civic address (empty when the plan gave none).
func civicOf(t *tx, code string) (site.CivicAddress, error) {
	var v string
	err := t.row(`SELECT value FROM facts WHERE site = ? AND entity = 'site' AND entity_id = ? AND attr = ?`, code, code, site.CivicFact).Scan(&v)
	if err == sql.ErrNoRows {
		return site.CivicAddress{}, nil
	}
	if err != nil {
		return site.CivicAddress{}, err
	}
	var c site.CivicAddress
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return c, fmt.Errorf("site %s: the civic address recorded is not readable: %w", code, err)
	}
	return c, nil
}
