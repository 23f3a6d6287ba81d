package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cutover/sync/wire"

	"github.com/google/uuid"
)

// Conflicts from the centre: an admin on the hub's machine lists and
// settles conflicts on the hub's store ('cutover hub conflicts'), with no
// enrolled laptop and no pull. A resolution made here is the same
// conflict.resolve.v1 a laptop would push, checked by the same rules and
// kept in the journal under the client "hub"; the positions it settles are
// derived again at once.

// Conflicts lists the conflicts of the sites p may read (one site when code
// is given), open ones only unless all, in site and opening order.
func (s *Store) Conflicts(ctx context.Context, p Principal, code string, all bool) ([]wire.ConflictRecord, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code != "" && !p.CanRead(code) {
		return nil, fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, code)
	}
	out := []wire.ConflictRecord{}
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT id, site, kind, entity, entity_id, status, detail, opened_at, resolved_by, resolution FROM conflicts
			WHERE (? = '' OR site = ?) AND (? OR status = 'open') ORDER BY site, opened_at, id`, code, code, all)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c wire.ConflictRecord
			var detail string
			if err := rows.Scan(&c.ID, &c.Site, &c.Kind, &c.Entity, &c.EntityID, &c.Status, &detail, &c.OpenedAt, &c.ResolvedBy,
				&c.Resolution); err != nil {
				return err
			}
			if !p.CanRead(c.Site) {
				continue
			}
			c.Detail = json.RawMessage(detail)
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// FindConflict resolves what a person typed to one conflict id: the whole
// id, a unique prefix of 8 or more characters, or POSITION:STEP (or
// POSITION:outcome) for a position's open dispute at a site.
func (s *Store) FindConflict(ctx context.Context, p Principal, code, ref string) (string, error) {
	cs, err := s.Conflicts(ctx, p, code, true)
	if err != nil {
		return "", err
	}
	ref = strings.TrimSpace(ref)
	var hits []string
	label, fact, byPlace := strings.Cut(ref, ":")
	for _, c := range cs {
		switch {
		case c.ID == ref:
			return c.ID, nil
		case wire.MatchesID(c.ID, ref):
			hits = append(hits, c.ID)
		case byPlace && c.Status == "open" && strings.EqualFold(c.EntityID, label):
			var d struct{ Fact string }
			json.Unmarshal(c.Detail, &d)
			if strings.EqualFold(strings.TrimPrefix(d.Fact, "step:"), fact) {
				hits = append(hits, c.ID)
			}
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return "", fmt.Errorf("%w: no conflict %q (give its id, 8 or more of its first or last characters, or POSITION:STEP with --site)", ErrNotFound, ref)
	}
	return "", fmt.Errorf("conflict %q is ambiguous: %s", ref, strings.Join(hits, ", "))
}

// ResolveConflict settles a conflict as admin user, on the hub's store.
func (s *Store) ResolveConflict(ctx context.Context, user, id, resolution, value string) (wire.OpResult, error) {
	var r wire.OpResult
	if strings.TrimSpace(resolution) == "" {
		return r, &BadRequestError{"a resolution needs its words (--resolution)"}
	}
	now := s.Now()
	err := s.write(ctx, func(t *tx) error {
		var code string
		if err := t.row(`SELECT site FROM conflicts WHERE id = ?`, id).Scan(&code); err != nil {
			return fmt.Errorf("%w: no conflict %s", ErrNotFound, id)
		}
		var ver int64
		if err := t.row(`UPDATE sites SET ver = ver + 1 WHERE code = ? RETURNING ver`, code).Scan(&ver); err != nil {
			return err
		}
		payload, _ := json.Marshal(map[string]string{"resolution": resolution, "value": value})
		opID, _ := uuid.NewV7()
		op := wire.Op{OpID: opID.String(), Site: code, Kind: KindResolve, Entity: "conflict", EntityID: id, Engineer: user,
			ObservedAt: now.UTC().Format(time.RFC3339), Payload: payload}
		a := &applyCtx{s: s, t: t, db: directStore{t}, op: op, p: Principal{User: user, Role: wire.RoleAdmin, ClientID: "hub"}, ver: ver,
			now: now.UTC().Format(time.RFC3339Nano)}
		outcome, err := a.apply()
		if err != nil {
			return err
		}
		r = wire.OpResult{Outcome: outcome, Code: a.code, Message: a.msg, ConflictID: a.conflictID, SiteVer: ver}
		if outcome == wire.Rejected {
			return errRolledBack
		}
		if _, err := t.exec(`INSERT INTO op_journal (op_id, client_id, client_seq, site, kind, entity, entity_id, engineer, user_name,
			observed_at, received_at, payload, outcome, code, message, site_ver) VALUES (?, 'hub', NULL, ?, ?, 'conflict', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			op.OpID, code, KindResolve, id, user, user, op.ObservedAt, now.Unix(), string(payload), outcome, a.code, a.msg, ver); err != nil {
			return err
		}
		touched := map[posRef]bool{}
		for _, ref := range a.touch {
			touched[ref] = true
		}
		return s.rederive(t, touched, map[string]int64{code: ver})
	})
	if err == errRolledBack {
		err = nil // refused: nothing was written, the reason is in r
	}
	return r, err
}

// errRolledBack rolls a refused resolution's transaction back.
var errRolledBack = fmt.Errorf("refused")
