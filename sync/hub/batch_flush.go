package hub

import "sort"

// Writing a batch's rows: on PostgreSQL one statement per table, its rows
// as arrays through unnest (the statement text never changes, so it is
// prepared once per connection); on SQLite, which runs in process, one
// prepared statement per table executed per row. Either way in the push's
// transaction, so they commit with it or not at all.

// flushState writes the facts, positions, conflicts and done_log rows the
// batch changed since the last flush, and marks them clean.
func (b *batchStore) flushState() error {
	var facts []struct {
		k    entKey
		attr string
		f    *factVal
	}
	for k, st := range b.ents {
		for attr, f := range st.facts {
			if f.dirty {
				facts = append(facts, struct {
					k    entKey
					attr string
					f    *factVal
				}{k, attr, f})
			}
		}
	}
	// A stable order, so two pushes writing the same rows lock them in
	// the same order.
	sort.Slice(facts, func(i, j int) bool {
		a, c := facts[i], facts[j]
		if a.k != c.k {
			if a.k.site != c.k.site {
				return a.k.site < c.k.site
			}
			if a.k.entity != c.k.entity {
				return a.k.entity < c.k.entity
			}
			return a.k.id < c.k.id
		}
		return a.attr < c.attr
	})
	var pos []posKey
	for k, p := range b.pos {
		if p != nil && p.dirty {
			pos = append(pos, k)
		}
	}
	sort.Slice(pos, func(i, j int) bool {
		if pos[i].site != pos[j].site {
			return pos[i].site < pos[j].site
		}
		return pos[i].key < pos[j].key
	})
	var newC, updC []*confVal
	for _, v := range b.byID {
		switch {
		case v.isNew:
			newC = append(newC, v)
		case v.dirty:
			updC = append(updC, v)
		}
	}
	sort.Slice(newC, func(i, j int) bool { return newC[i].row.ID < newC[j].row.ID })
	sort.Slice(updC, func(i, j int) bool { return updC[i].row.ID < updC[j].row.ID })

	if len(facts) > 0 {
		const q = ` ON CONFLICT (site, entity, entity_id, attr) DO UPDATE SET value = excluded.value, disputed = excluded.disputed,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at, ver = excluded.ver`
		cols := make([][]any, len(facts))
		for i, x := range facts {
			cols[i] = []any{x.k.site, x.k.entity, x.k.id, x.attr, x.f.Value, boolInt(x.f.Disputed), x.f.By, x.f.At, x.f.Ver}
		}
		if err := b.insert(`INSERT INTO facts (site, entity, entity_id, attr, value, disputed, updated_by, updated_at, ver)`,
			"text text text text text int text text bigint", q, cols); err != nil {
			return err
		}
	}
	if len(pos) > 0 {
		rows := make([][]any, len(pos))
		for i, k := range pos {
			w := b.pos[k].w
			rows[i] = []any{k.site, k.key, w.Status, w.Reason, w.At, w.By, w.Label, w.Ver}
		}
		if b.s.dialect == "postgres" {
			_, err := b.t.exec(`UPDATE positions p SET status = u.status, status_reason = u.reason, updated_at = u.at,
				updated_by = u.by, updated_label = u.label, ver = u.ver
				FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
					AS u(site, label_key, status, reason, at, by, label, ver)
				WHERE p.site = u.site AND p.label_key = u.label_key`, columns(rows, "text text text text text text text bigint")...)
			if err != nil {
				return err
			}
		} else if err := b.each(`UPDATE positions SET status = ?3, status_reason = ?4, updated_at = ?5, updated_by = ?6,
			updated_label = ?7, ver = ?8 WHERE site = ?1 AND label_key = ?2`, rows); err != nil {
			return err
		}
	}
	if len(newC) > 0 {
		rows := make([][]any, len(newC))
		for i, v := range newC {
			c := v.row
			rows[i] = []any{c.ID, c.Site, c.Kind, c.Entity, c.EntityID, c.Fact, "open", c.Detail, c.OpenedAt, c.Ver}
		}
		if err := b.insert(`INSERT INTO conflicts (id, site, kind, entity, entity_id, fact, status, detail, opened_at, ver)`,
			"text text text text text text text text text bigint", "", rows); err != nil {
			return err
		}
	}
	if len(updC) > 0 {
		rows := make([][]any, len(updC))
		for i, v := range updC {
			rows[i] = []any{v.row.ID, v.row.Detail, v.row.Ver}
		}
		if b.s.dialect == "postgres" {
			if _, err := b.t.exec(`UPDATE conflicts c SET detail = u.detail, ver = u.ver
				FROM unnest(?::text[], ?::text[], ?::bigint[]) AS u(id, detail, ver) WHERE c.id = u.id`,
				columns(rows, "text text bigint")...); err != nil {
				return err
			}
		} else if err := b.each(`UPDATE conflicts SET detail = ?2, ver = ?3 WHERE id = ?1`, rows); err != nil {
			return err
		}
	}
	if len(b.stamps) > 0 {
		// One row per entity, with its latest version (an upsert may not
		// touch a row twice).
		latest := map[entKey]int64{}
		for _, st := range b.stamps {
			if v, ok := latest[st.k]; !ok || st.ver > v {
				latest[st.k] = st.ver
			}
		}
		rows := make([][]any, 0, len(latest))
		for k, v := range latest {
			rows = append(rows, []any{k.site, k.entity, k.id, v})
		}
		sort.Slice(rows, func(i, j int) bool {
			for c := 0; c < 3; c++ {
				if a, b := rows[i][c].(string), rows[j][c].(string); a != b {
					return a < b
				}
			}
			return false
		})
		// One stamp row per entity (migration 0005), not a rewrite of
		// every fact row of it.
		if err := b.insert(`INSERT INTO entity_stamps (site, entity, entity_id, ver)`, "text text text bigint",
			` ON CONFLICT (site, entity, entity_id) DO UPDATE SET ver = excluded.ver WHERE entity_stamps.ver < excluded.ver`,
			rows); err != nil {
			return err
		}
	}
	if len(b.done) > 0 {
		rows := make([][]any, len(b.done))
		for i, d := range b.done {
			rows[i] = []any{d.site, d.key, d.day, d.engineer, d.ver}
		}
		if err := b.insert(`INSERT INTO done_log (site, label_key, day, engineer, ver)`, "text text text text bigint", "", rows); err != nil {
			return err
		}
	}
	// Clean: the undo log is empty between ops, so no undo closure holds
	// these values.
	for _, x := range facts {
		x.f.dirty = false
	}
	for _, k := range pos {
		b.pos[k].dirty = false
	}
	for _, v := range b.byID {
		v.isNew, v.dirty = false, false
	}
	b.done, b.stamps = b.done[:0], b.stamps[:0]
	return nil
}

// flushJournal writes the journal rows of the ops applied so far.
func (b *batchStore) flushJournal() error {
	if len(b.jrnl) == 0 {
		return nil
	}
	rows := make([][]any, len(b.jrnl))
	for i, j := range b.jrnl {
		rows[i] = []any{j.opID, j.clientID, j.seq, j.site, j.kind, j.entity, j.entityID, j.engineer, j.user,
			j.observedAt, j.received, j.payload, j.outcome, j.code, j.msg, j.confl, j.siteVer}
	}
	err := b.insert(`INSERT INTO op_journal (op_id, client_id, client_seq, site, kind, entity, entity_id, engineer, user_name,
		observed_at, received_at, payload, outcome, code, message, conflict_id, site_ver)`,
		"text text bigint text text text text text text text bigint text text text text text bigint", "", rows)
	b.jrnl = b.jrnl[:0]
	return err
}

// flush writes everything the batch holds.
func (b *batchStore) flush() error {
	if err := b.flushState(); err != nil {
		return err
	}
	return b.flushJournal()
}

// insert writes rows into a table: head is "INSERT INTO t (cols)", types
// the PostgreSQL array type of each column, tail what follows the rows.
func (b *batchStore) insert(head, types, tail string, rows [][]any) error {
	n := len(rows[0])
	if b.s.dialect == "postgres" {
		ts := splitTypes(types)
		q := head + " SELECT * FROM unnest("
		for i := 0; i < n; i++ {
			if i > 0 {
				q += ", "
			}
			q += "?::" + ts[i] + "[]"
		}
		_, err := b.t.exec(q+")"+tail, columns(rows, types)...)
		return err
	}
	q := head + " VALUES (?"
	for i := 1; i < n; i++ {
		q += ", ?"
	}
	return b.each(q+")"+tail, rows)
}

// each runs one prepared statement per row (SQLite).
func (b *batchStore) each(q string, rows [][]any) error {
	st, err := b.t.tx.PrepareContext(b.t.ctx, q)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		if _, err := st.ExecContext(b.t.ctx, r...); err != nil {
			return err
		}
	}
	return nil
}

func splitTypes(types string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(types); i++ {
		if i == len(types) || types[i] == ' ' {
			out = append(out, types[start:i])
			start = i + 1
		}
	}
	return out
}

// columns turns rows into one array argument per column: []string for
// text, []int64 for bigint and int.
func columns(rows [][]any, types string) []any {
	ts := splitTypes(types)
	out := make([]any, len(ts))
	for c, t := range ts {
		if t == "text" {
			col := make([]string, len(rows))
			for i, r := range rows {
				col[i] = r[c].(string)
			}
			out[c] = col
			continue
		}
		col := make([]int64, len(rows))
		for i, r := range rows {
			switch v := r[c].(type) {
			case int:
				col[i] = int64(v)
			case int64:
				col[i] = v
			}
		}
		out[c] = col
	}
	return out
}
