package hub

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"cutover/site"
	"cutover/site/oplog"
	"cutover/sync/wire"

	"github.com/google/uuid"
)

// ErrForbidden is a role that may not do what it asked (403).
var ErrForbidden = errors.New("forbidden")

// BadRequestError is a request the hub refuses as a whole (400).
type BadRequestError struct{ Msg string }

func (e *BadRequestError) Error() string { return e.Msg }

// SeqGapError says the batch does not start where the hub expects (409):
// the client must resend from Expected.
type SeqGapError struct{ Expected int64 }

func (e *SeqGapError) Error() string {
	return fmt.Sprintf("sequence gap: the hub expects op %d next", e.Expected)
}

// validateOp checks that an op is well formed and that its payload obeys
// its kind's schema (oplog.CheckOp: the same limits the laptop applies
// before it logs an op), before anything touches the store; a malformed op
// is rejected on its own without touching the rest of the batch.
func validateOp(op wire.Op) (code, msg string) {
	if len(op.OpID) != 36 || uuid.Validate(op.OpID) != nil {
		return "bad_op_id", fmt.Sprintf("op_id %q is not a UUID", clip(op.OpID, 40))
	}
	if _, err := site.ValidateSiteCode(op.Site); err != nil || op.Site != strings.ToUpper(op.Site) {
		return "bad_site", fmt.Sprintf("site %q is not a site code", clip(op.Site, 40))
	}
	if op.ObservedAt == "" {
		return "bad_observed_at", "observed_at is empty"
	}
	p := strings.TrimLeft(string(op.Payload), " \t\r\n")
	if !strings.HasPrefix(p, "{") {
		return "bad_payload", "payload must be a JSON object"
	}
	err := oplog.CheckOp(oplog.Op{ID: op.OpID, Site: op.Site, Kind: op.Kind, Entity: op.Entity, EntityID: op.EntityID,
		Engineer: op.Engineer, ObservedAt: op.ObservedAt, Payload: op.Payload})
	if err != nil {
		return "invalid_op", err.Error()
	}
	return "", ""
}

// Push applies a batch of ops from one laptop in one transaction. Ops at or
// below the client's last acknowledged sequence are answered from the
// journal (a retry never applies twice); the rest must follow on without a
// gap. Every op gets its own outcome; a rejected op is rolled back to its
// savepoint and nothing else.
func (s *Store) Push(ctx context.Context, p Principal, req wire.PushRequest) (wire.PushResponse, error) {
	resp := wire.PushResponse{SiteVers: map[string]int64{}}
	if p.Role == wire.RoleSupervisor {
		return resp, fmt.Errorf("%w: supervisors read every site but cannot push", ErrForbidden)
	}
	if req.ClientID != p.ClientID {
		return resp, fmt.Errorf("%w: client_id %q is not the laptop this token was issued to", ErrForbidden, req.ClientID)
	}
	if len(req.Ops) > wire.MaxPushOps {
		return resp, &BadRequestError{fmt.Sprintf("%d ops in one push; the most is %d", len(req.Ops), wire.MaxPushOps)}
	}
	for i, op := range req.Ops {
		if op.Seq < 1 || (i > 0 && op.Seq <= req.Ops[i-1].Seq) {
			return resp, &BadRequestError{fmt.Sprintf("ops[%d]: seq %d is not positive and increasing", i, op.Seq)}
		}
	}
	now := s.Now()
	err := s.write(ctx, func(t *tx) error {
		resp.Results = resp.Results[:0]
		clear(resp.SiteVers)
		var last int64
		if err := t.row(`SELECT last_seq FROM clients WHERE client_id = ?`+s.forUpdate(), p.ClientID).Scan(&last); err != nil {
			return fmt.Errorf("client %s: %w", p.ClientID, err)
		}
		var fresh, dups []wire.Op
		for _, op := range req.Ops {
			if op.Seq > last {
				fresh = append(fresh, op)
			} else {
				dups = append(dups, op)
			}
		}
		if len(fresh) > 0 && fresh[0].Seq != last+1 {
			return &SeqGapError{Expected: last + 1}
		}
		for i := 1; i < len(fresh); i++ {
			if fresh[i].Seq != fresh[i-1].Seq+1 {
				fresh = fresh[:i] // the rest comes in the next push
				break
			}
		}
		vers, err := s.bumpSites(t, p, append(dups, fresh...))
		if err != nil {
			return err
		}
		for _, op := range dups {
			r, err := journalResult(t, p.ClientID, op)
			if err != nil {
				return err
			}
			// The laptop never heard this answer, and may have skipped the
			// hub's rows of this entity meanwhile: send them again.
			if ver, ok := vers[op.Site]; ok && r.Outcome != wire.Rejected {
				a := &applyCtx{s: s, t: t, op: op, ver: ver}
				if err := a.restamp(); err != nil {
					return err
				}
			}
			resp.Results = append(resp.Results, r)
		}
		known, err := journaledIDs(t, fresh)
		if err != nil {
			return err
		}
		for _, op := range fresh {
			if known[op.OpID] { // the same op pushed again by a restored laptop
				r, err := journalResult(t, "", op)
				if err != nil {
					return err
				}
				resp.Results = append(resp.Results, r)
				last = op.Seq
				continue
			}
			r, err := s.applyOne(t, p, op, vers, now)
			if err != nil {
				return err
			}
			resp.Results = append(resp.Results, r)
			last = op.Seq
		}
		if _, err := t.exec(`UPDATE clients SET last_seq = ?, last_seen = ? WHERE client_id = ?`, last, now.Unix(), p.ClientID); err != nil {
			return err
		}
		resp.AckedThrough = last
		for code, v := range vers {
			resp.SiteVers[code] = v
		}
		return nil
	})
	resp.ServerTime = now.UTC().Format(time.RFC3339)
	return resp, err
}

// bumpSites locks the version row of every site the batch may write, in
// ascending order so two pushes never deadlock, and moves each on by one.
// Every row the batch writes carries that version; since the row stays
// locked until commit, commit order is version order.
func (s *Store) bumpSites(t *tx, p Principal, ops []wire.Op) (map[string]int64, error) {
	set := map[string]bool{}
	for _, op := range ops {
		if code, _ := validateOp(op); code == "" && p.CanWrite(op.Site) {
			set[op.Site] = true
		}
	}
	codes := make([]string, 0, len(set))
	for c := range set {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	vers := map[string]int64{}
	for _, c := range codes {
		var v int64
		err := t.row(`SELECT ver FROM sites WHERE code = ?`+s.forUpdate(), c).Scan(&v)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, err
		}
		if _, err := t.exec(`UPDATE sites SET ver = ? WHERE code = ?`, v+1, c); err != nil {
			return nil, err
		}
		vers[c] = v + 1
	}
	return vers, nil
}

// journaledIDs finds which of the batch's op ids the journal already holds,
// in one query.
func journaledIDs(t *tx, ops []wire.Op) (map[string]bool, error) {
	known := map[string]bool{}
	var ids []any
	for _, op := range ops {
		if _, err := uuid.Parse(op.OpID); err == nil {
			ids = append(ids, op.OpID)
		}
	}
	if len(ids) == 0 {
		return known, nil
	}
	rows, err := t.query(`SELECT op_id FROM op_journal WHERE op_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		known[id] = true
	}
	return known, rows.Err()
}

func journalResult(t *tx, clientID string, op wire.Op) (wire.OpResult, error) {
	r := wire.OpResult{Seq: op.Seq, Duplicate: true}
	err := t.row(`SELECT outcome, code, message, conflict_id, site_ver FROM op_journal
		WHERE (client_id = ? AND client_seq = ?) OR op_id = ?`, clientID, op.Seq, op.OpID).
		Scan(&r.Outcome, &r.Code, &r.Message, &r.ConflictID, &r.SiteVer)
	if err == sql.ErrNoRows {
		// Acknowledged before but not journaled under this id: only an op
		// whose id was already journaled by another client gets here.
		return wire.OpResult{Seq: op.Seq, Outcome: wire.Applied, Duplicate: true, Code: "duplicate"}, nil
	}
	return r, err
}

func (s *Store) applyOne(t *tx, p Principal, op wire.Op, vers map[string]int64, now time.Time) (wire.OpResult, error) {
	r := wire.OpResult{Seq: op.Seq}
	journalID := op.OpID
	if len(op.OpID) != 36 || uuid.Validate(op.OpID) != nil {
		journalID = fmt.Sprintf("bad:%s:%d", p.ClientID, op.Seq) // keep the journal's key unique
	}
	a := &applyCtx{s: s, t: t, op: asUser(op, p), label: laptopLabel(op, p), p: p, now: now.UTC().Format(time.RFC3339Nano)}
	ver, known := vers[op.Site]
	a.ver = ver
	outcome, storeErr := wire.Rejected, ""
	code, msg := validateOp(op)
	valid := code == ""
	if !valid {
		a.code, a.msg = code, msg
	} else if !p.CanWrite(op.Site) {
		a.code, a.msg = "forbidden_site", fmt.Sprintf("user %s is not assigned to site %s", p.User, op.Site)
	} else if !known {
		a.code, a.msg = "unknown_site", fmt.Sprintf("site %s is not on the hub; an admin must load it with 'cutover hub import'", op.Site)
	} else {
		if _, err := t.exec(`SAVEPOINT op`); err != nil {
			return r, err
		}
		var err error
		outcome, err = a.apply()
		if err != nil {
			if abortsPush(err) { // a full disk or a timeout fails the whole push (push_edge.go)
				return r, err
			}
			// The store's words stay in the journal; the laptop is told
			// only that this op could not be applied.
			outcome, a.code, a.msg = wire.Rejected, "apply_failed", "the hub could not apply this op; an admin can read why in the hub's journal"
			storeErr = err.Error()
		}
		if outcome == wire.Rejected {
			a.conflictID = ""
			if _, err := t.exec(`ROLLBACK TO SAVEPOINT op`); err != nil {
				return r, err
			}
			// The laptop shows its own value until the hub answers; after
			// a refusal it must get the hub's rows back.
			if err := a.restamp(); err != nil {
				return r, err
			}
		}
		if _, err := t.exec(`RELEASE SAVEPOINT op`); err != nil {
			return r, err
		}
	}
	if outcome == wire.Rejected {
		a.ver = 0
	}
	r.Outcome, r.Code, r.Message, r.ConflictID, r.SiteVer = outcome, a.code, a.msg, a.conflictID, a.ver
	if storeErr != "" {
		a.msg = storeErr
	}
	_, err := t.exec(`INSERT INTO op_journal (op_id, client_id, client_seq, site, kind, entity, entity_id, engineer, user_name,
		observed_at, received_at, payload, outcome, code, message, conflict_id, site_ver)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		journalID, p.ClientID, op.Seq, clip(op.Site, 64), clip(op.Kind, 64), clip(op.Entity, 64), clip(op.EntityID, oplog.MaxEntityID),
		clip(op.Engineer, 128), p.User, clip(op.ObservedAt, 64), now.Unix(), payloadText(op.Payload, valid),
		outcome, a.code, clip(a.msg, 500), a.conflictID, a.ver)
	return r, err
}

// clip bounds a client-supplied string for the journal and drops NUL,
// which PostgreSQL text cannot hold.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "?")
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "")
	}
	return s
}

// payloadText is the payload as the journal keeps it: a rejected op's
// payload only when it is small, shallow, valid JSON text.
func payloadText(p json.RawMessage, valid bool) string {
	switch {
	case valid:
		return string(p)
	case len(p) > oplog.MaxPayload:
		return fmt.Sprintf(`"(payload not stored: %d bytes)"`, len(p))
	case !utf8.Valid(p) || !json.Valid(p) || strings.ContainsRune(string(p), 0):
		return `"(payload not stored: not valid JSON text)"`
	case oplog.Depth(p) > 2*oplog.MaxDepth:
		return `"(payload not stored: nested too deep)"`
	}
	return string(p)
}
