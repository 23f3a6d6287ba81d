package site

import (
	"context"
	"errors"
	"strings"
)

// AddNote appends a note to an entity (note.add.v1; notes never conflict),
// kept on this laptop as a fact beside the op that carries it to the hub.
func AddNote(ctx context.Context, tx *Tx, siteCode, entity, id, text string) error {
	if strings.TrimSpace(text) == "" {
		return errors.New("a note needs text")
	}
	if err := tx.Op(siteCode, "note.add.v1", entity, id, map[string]string{"text": text}); err != nil {
		return err
	}
	var opID string
	if err := tx.QueryRowContext(ctx, `SELECT op_id FROM oplog ORDER BY client_seq DESC LIMIT 1`).Scan(&opID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_facts (site, entity, entity_id, attr, value, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, entity, entity_id, attr) DO UPDATE SET value = excluded.value,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		strings.ToUpper(siteCode), entity, id, "note:"+opID, text, tx.Engineer, tx.Now)
	return err
}

// Notes lists the notes kept on this laptop for a site's positions whose
// text begins with prefix, by position label, oldest first.
func (s *Store) Notes(ctx context.Context, siteCode, prefix string) (map[string][]string, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT entity_id, value FROM sync_facts WHERE site = ? AND entity = 'position'
		AND attr LIKE 'note:%' AND substr(value, 1, ?) = ? ORDER BY updated_at, attr`, strings.ToUpper(siteCode), len(prefix), prefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var label, text string
		if err := rows.Scan(&label, &text); err != nil {
			return nil, err
		}
		out[label] = append(out[label], text)
	}
	return out, rows.Err()
}
