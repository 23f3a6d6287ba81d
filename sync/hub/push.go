package hub

import (
	"context"
	"cutover/sync/hub/rules"
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
// gap. Every op gets its own outcome; a rejected op's writes are undone and
// nothing else. The ops run against the push's unit of work (batch.go);
// if that fails the push is rolled back and applied again op by op, each
// op in its own SAVEPOINT.
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
	checks := make(map[int64]opCheck, len(req.Ops))
	for _, op := range req.Ops {
		code, msg := validateOp(op)
		checks[op.Seq] = opCheck{code, msg}
	}
	j := &pushJob{p: p, req: req, checks: checks, now: now, resp: &resp}
	var err error
	if s.wq != nil { // SQLite: group commit (group.go)
		err = s.queuePush(ctx, j)
	} else if site := oneSite(j); site != "" { // PostgreSQL: group commit per site (sitegroup.go)
		err = s.pushSite(ctx, site, j)
	} else {
		err = s.pushAlone(ctx, j)
	}
	resp.ServerTime = now.UTC().Format(time.RFC3339)
	return resp, err
}

// pushAlone applies one push in a transaction of its own, batched, and
// op by op in a second transaction when the batch fails.
func (s *Store) pushAlone(ctx context.Context, j *pushJob) error {
	err := errUnbatched
	if !s.opByOp {
		err = s.write(ctx, func(t *tx) error { return s.push(t, j.p, j.req, j.checks, j.now, true, j.resp) })
	}
	if errors.Is(err, errUnbatched) {
		err = s.write(ctx, func(t *tx) error { return s.push(t, j.p, j.req, j.checks, j.now, false, j.resp) })
	}
	return err
}

// opCheck is validateOp's answer for one op, worked out once per push.
type opCheck struct{ code, msg string }

func (s *Store) push(t *tx, p Principal, req wire.PushRequest, checks map[int64]opCheck, now time.Time, batched bool,
	resp *wire.PushResponse) error {
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
	vers, err := s.bumpSites(t, p, checks, append(dups, fresh...))
	if err != nil {
		return err
	}
	b := newBatch(s, t)
	// unbatch turns a failure of the batch into a rerun op by op; a full
	// disk or a timeout fails the push as it is.
	unbatch := func(err error) error {
		if err == nil || !batched || abortsPush(err) {
			return err
		}
		return fmt.Errorf("%w: %v", errUnbatched, err)
	}
	var db ruleStore = directStore{t}
	if batched {
		db = b
		var pre []wire.Op
		for _, op := range append(dups, fresh...) {
			if _, ok := vers[op.Site]; ok && checks[op.Seq].code == "" && batchable(op) {
				pre = append(pre, op)
			}
		}
		if err := b.prefetch(pre); err != nil {
			return unbatch(err)
		}
	}
	answered, err := journalResults(t, p.ClientID, dups)
	if err != nil {
		return err
	}
	for _, op := range dups {
		r, ok := answered[op.Seq]
		if !ok {
			if r, err = journalResult(t, p.ClientID, op); err != nil {
				return err
			}
		}
		// The laptop never heard this answer, and may have skipped the
		// hub's rows of this entity meanwhile: send them again.
		if ver, ok := vers[op.Site]; ok && r.Outcome != wire.Rejected {
			a := &applyCtx{s: s, t: t, db: db, op: op, ver: ver}
			if err := a.restamp(); err != nil {
				return unbatch(err)
			}
		}
		resp.Results = append(resp.Results, r)
	}
	known, err := journaledIDs(t, fresh)
	if err != nil {
		return err
	}
	for i, op := range fresh {
		if known[op.OpID] { // the same op pushed again by a restored laptop
			r, err := journalResult(t, "", op)
			if err != nil {
				return err
			}
			resp.Results = append(resp.Results, r)
			last = op.Seq
			continue
		}
		r, err := s.applyOne(t, b, p, op, checks[op.Seq], vers, now, batched, fresh[i+1:])
		if err != nil {
			return unbatch(err)
		}
		resp.Results = append(resp.Results, r)
		last = op.Seq
	}
	if err := b.flush(); err != nil {
		return unbatch(err)
	}
	if err := s.rederive(t, b.touched, vers); err != nil {
		return err
	}
	if _, err := t.exec(`UPDATE clients SET last_seq = ?, last_seen = ? WHERE client_id = ?`, last, now.Unix(), p.ClientID); err != nil {
		return err
	}
	resp.AckedThrough = last
	for code, v := range vers {
		resp.SiteVers[code] = v
	}
	return nil
}

// bumpSites locks the version row of every site the batch may write, in
// ascending order so two pushes never deadlock, and moves each on by one
// (one statement per site). Every row the batch writes carries that
// version; since the row stays locked until commit, commit order is
// version order. Pushes to different sites lock different rows and never
// wait for each other.
func (s *Store) bumpSites(t *tx, p Principal, checks map[int64]opCheck, ops []wire.Op) (map[string]int64, error) {
	set := map[string]bool{}
	for _, op := range ops {
		if checks[op.Seq].code == "" && p.CanWrite(op.Site) {
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
		err := t.row(`UPDATE sites SET ver = ver + 1 WHERE code = ? RETURNING ver`, c).Scan(&v)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, err
		}
		vers[c] = v
	}
	return vers, nil
}

// journaledIDs finds which of the batch's op ids the journal already holds,
// in one query.
func journaledIDs(t *tx, ops []wire.Op) (map[string]bool, error) {
	known := map[string]bool{}
	var ids []string
	for _, op := range ops {
		if _, err := uuid.Parse(op.OpID); err == nil {
			ids = append(ids, op.OpID)
		}
	}
	if len(ids) == 0 {
		return known, nil
	}
	q, args := inList(t.s, "op_id", ids)
	rows, err := t.query(`SELECT op_id FROM op_journal WHERE `+q, args...)
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

// inList is "col IN (values)": one array parameter on PostgreSQL (one
// statement text, planned as index searches), a list on SQLite.
func inList[T string | int64](s *Store, col string, vals []T) (string, []any) {
	if s.dialect == "postgres" {
		var zero T
		typ := "text[]"
		if _, ok := any(zero).(int64); ok {
			typ = "bigint[]"
		}
		return col + " = ANY(?::" + typ + ")", []any{vals}
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return col + " IN (?" + strings.Repeat(", ?", len(vals)-1) + ")", args
}

// journalResults answers, in one query, the retried ops the journal holds
// under this client's sequence numbers; journalResult answers the others.
func journalResults(t *tx, clientID string, ops []wire.Op) (map[int64]wire.OpResult, error) {
	out := map[int64]wire.OpResult{}
	if len(ops) == 0 {
		return out, nil
	}
	seqs := make([]int64, len(ops))
	for i, op := range ops {
		seqs[i] = op.Seq
	}
	q, args := inList(t.s, "client_seq", seqs)
	rows, err := t.query(`SELECT client_seq, outcome, code, message, conflict_id, site_ver FROM op_journal
		WHERE client_id = ? AND `+q, append([]any{clientID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r := wire.OpResult{Duplicate: true}
		if err := rows.Scan(&r.Seq, &r.Outcome, &r.Code, &r.Message, &r.ConflictID, &r.SiteVer); err != nil {
			return nil, err
		}
		out[r.Seq] = r
	}
	return out, rows.Err()
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

// applyOne applies one fresh op: batched against the unit of work b when
// its kind allows (batch.go), otherwise direct in its own SAVEPOINT after
// b's writes so far are flushed. Its journal row joins b's.
func (s *Store) applyOne(t *tx, b *batchStore, p Principal, op wire.Op, chk opCheck, vers map[string]int64, now time.Time,
	batched bool, rest []wire.Op) (wire.OpResult, error) {
	r := wire.OpResult{Seq: op.Seq}
	journalID := op.OpID
	if len(op.OpID) != 36 || uuid.Validate(op.OpID) != nil {
		journalID = fmt.Sprintf("bad:%s:%d", p.ClientID, op.Seq) // keep the journal's key unique
	}
	a := &applyCtx{s: s, t: t, db: directStore{t}, op: asUser(op, p), label: laptopLabel(op, p), p: p, now: now.UTC().Format(time.RFC3339Nano)}
	ver, known := vers[op.Site]
	a.ver = ver
	outcome, storeErr := wire.Rejected, ""
	code, msg := chk.code, chk.msg
	valid := code == ""
	switch {
	case !valid:
		a.code, a.msg = code, msg
	case !p.CanWrite(op.Site):
		a.code, a.msg = "forbidden_site", fmt.Sprintf("user %s is not assigned to site %s", p.User, op.Site)
	case !known:
		a.code, a.msg = "unknown_site", fmt.Sprintf("site %s is not on the hub; an admin must load it with 'cutover hub import'", op.Site)
	case batched && batchable(op):
		if b.stale { // a direct op wrote since the prefetch
			b.reset()
			var pre []wire.Op
			for _, o := range append([]wire.Op{op}, rest...) {
				if _, ok := vers[o.Site]; ok && batchable(o) {
					pre = append(pre, o)
				}
			}
			if err := b.prefetch(pre); err != nil {
				return r, err
			}
		}
		a.t, a.db = nil, b
		b.begin()
		var err error
		if outcome, err = a.apply(); err != nil {
			return r, err // the push is applied again op by op (push.go)
		}
		if outcome == wire.Rejected {
			b.rollback()
			a.conflictID = ""
			if err := a.restamp(); err != nil {
				return r, err
			}
		}
		b.commit()
	default:
		if err := b.flushState(); err != nil {
			return r, err
		}
		before := t.writes
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
		if t.writes > before+2 { // more than SAVEPOINT and RELEASE: rows changed under the batch
			b.stale = true
		}
	}
	if outcome == wire.Rejected {
		a.ver = 0
	} else {
		if _, ok := rules.Believed(op.ObservedAt, now.Unix(), b.siteStart(op.Site)); !ok {
			// Applied all the same; every figure uses the hub's receive time.
			note := fmt.Sprintf("the laptop's clock said %q; the hub used the time it received this (%s): set the laptop's clock",
				clip(op.ObservedAt, 40), now.UTC().Format(time.RFC3339))
			if a.code == "" {
				a.code, a.msg = wire.CodeClockNotBelieved, note
			} else {
				a.msg = strings.TrimSpace(a.msg + "; " + note)
			}
		}
		if ref, ok := touches(op); ok {
			b.touched[ref] = true
		}
		for _, ref := range a.touch {
			b.touched[ref] = true
		}
	}
	r.Outcome, r.Code, r.Message, r.ConflictID, r.SiteVer = outcome, a.code, a.msg, a.conflictID, a.ver
	if storeErr != "" {
		a.msg = storeErr
	}
	b.jrnl = append(b.jrnl, journalRow{journalID, p.ClientID, op.Seq, clip(op.Site, 64), clip(op.Kind, 64), clip(op.Entity, 64),
		clip(op.EntityID, oplog.MaxEntityID), clip(op.Engineer, 128), p.User, clip(op.ObservedAt, 64), now.Unix(),
		payloadText(op.Payload, valid), outcome, a.code, clip(a.msg, 500), a.conflictID, a.ver})
	return r, nil
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
