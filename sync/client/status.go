package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"cutover/site"
	"cutover/site/oplog"
	"cutover/sync/wire"
)

// Status is what the TUI shows about sync.
type Status struct {
	Pending       int       `json:"pending"`
	Conflicts     int       `json:"conflict_ops"` // this laptop's ops the hub answered with a conflict
	Rejected      int       `json:"rejected_ops"`
	OpenConflicts int       `json:"open_conflicts"` // conflict records (all engineers) still open
	LastSync      time.Time `json:"last_sync"`
	LastError     string    `json:"last_error,omitempty"`
	LastErrorAt   time.Time `json:"last_error_at"`
	ClientID      string    `json:"client_id,omitempty"`
}

// ReadStatus reads the sync status from the local store; it needs no hub.
func ReadStatus(ctx context.Context, st *site.Store) (Status, error) {
	var s Status
	c, err := oplog.CountStates(ctx, st.DB())
	if err != nil {
		return s, err
	}
	s.Pending, s.Conflicts, s.Rejected = c.Pending, c.Conflict, c.Rejected
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_conflicts WHERE status = 'open'`).Scan(&s.OpenConflicts); err != nil {
		return s, err
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT key, value FROM sync_state`)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, err
		}
		switch k {
		case keyLastSync:
			s.LastSync, _ = time.Parse(time.RFC3339, v)
		case keyLastError:
			s.LastError = v
		case keyErrorAt:
			s.LastErrorAt, _ = time.Parse(time.RFC3339, v)
		case keyClientID:
			s.ClientID = v
		}
	}
	return s, rows.Err()
}

// ErrUnknownConflict is a conflict id this laptop has not pulled.
var ErrUnknownConflict = errors.New("no such conflict here (sync first)")

// Resolve records a resolution of a conflict as an op (conflict.resolve.v1)
// and marks the conflict "resolving" locally in the same transaction; the
// hub applies it (admins any conflict; engineers disputed observations).
func Resolve(ctx context.Context, st *site.Store, engineer, id, resolution, value string) error {
	return ResolveAs(ctx, st, engineer, "", id, resolution, value)
}

// ResolveAs is Resolve for a laptop whose user has role (from its hub
// login): a resolution the role may not make (wire.MayResolve) is refused
// before anything is recorded, saying who can. An empty role is not checked
// here; the hub checks every resolution.
func ResolveAs(ctx context.Context, st *site.Store, engineer, role, id, resolution, value string) error {
	return st.Write(ctx, engineer, func(tx *site.Tx) error {
		var code, kind string
		err := tx.QueryRowContext(ctx, `SELECT site, kind FROM sync_conflicts WHERE id = ?`, id).Scan(&code, &kind)
		if err != nil {
			return ErrUnknownConflict
		}
		if role != "" {
			if err := wire.MayResolve(role, kind); err != nil {
				return fmt.Errorf("%w: %v", ErrNotYours, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_conflicts SET local_status = 'resolving' WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.Op(code, "conflict.resolve.v1", "conflict", id, map[string]string{"resolution": resolution, "value": value})
	})
}

// ErrNotYours is returned for a resolution the user's role may not make.
var ErrNotYours = errors.New("not recorded")

// Observe records an observation on site (position.observe.v1) with its
// local effect, a fact row, in one transaction.
func Observe(ctx context.Context, tx *site.Tx, siteCode, label, attr, value string) error {
	if err := putFact(tx, siteCode, "position", label, attr, value); err != nil {
		return err
	}
	return tx.Op(siteCode, "position.observe.v1", "position", label, map[string]string{"attr": attr, "value": value})
}

// AddNote appends a note to an entity (site.AddNote).
func AddNote(ctx context.Context, tx *site.Tx, siteCode, entity, id, text string) error {
	return site.AddNote(ctx, tx, siteCode, entity, id, text)
}

// PutFact records a fact as the hub holds it (sync_facts), in tx: the
// local effect of an op recorded in the same transaction.
func PutFact(tx *site.Tx, siteCode, entity, id, attr, value string) error {
	return putFact(tx, siteCode, entity, id, attr, value)
}

func putFact(tx *site.Tx, siteCode, entity, id, attr, value string) error {
	_, err := tx.ExecContext(tx.Context(), `INSERT INTO sync_facts (site, entity, entity_id, attr, value, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, entity, entity_id, attr) DO UPDATE SET value = excluded.value,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		strings.ToUpper(siteCode), entity, id, attr, value, tx.Engineer, tx.Now)
	return err
}

// Loop syncs in the background: at start, every Interval, and whenever
// Kick is called (after a local change); after a failure it retries with
// exponential backoff and full jitter, capped at a minute, on a timer, so a
// failed sync never waits for the next local change.
type Loop struct {
	Syncer   *Syncer
	Interval time.Duration // default 30 s
	// OnDone is called after every attempt with its report and error.
	OnDone func(Report, error)
	kick   chan struct{}
}

// NewLoop returns a loop for s.
func NewLoop(s *Syncer) *Loop {
	return &Loop{Syncer: s, Interval: 30 * time.Second, kick: make(chan struct{}, 1)}
}

// Kick asks for a sync soon; it never blocks.
func (l *Loop) Kick() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// RevokedRetry is how long the background loop waits after the hub said
// this laptop's access was revoked.
const RevokedRetry = 15 * time.Minute

// Run syncs until ctx ends.
func (l *Loop) Run(ctx context.Context) {
	backoff := time.Duration(0)
	for {
		rep, err := l.Syncer.Sync(ctx)
		if l.OnDone != nil && ctx.Err() == nil {
			l.OnDone(rep, err)
		}
		wait := l.Interval
		switch {
		case IsRevoked(err):
			// Only an admin can change that: ask again now and then (the
			// engineer's own sync, a kick, still asks at once).
			wait = RevokedRetry
		case err != nil:
			backoff = min(max(2*backoff, 2*time.Second), time.Minute)
			wait = time.Duration(rand.Int64N(int64(backoff)) + 1)
		default:
			backoff = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-l.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// RefusedOp is one of this laptop's ops the hub rejected or found in
// conflict, with the hub's reason: kept visible so the work can be entered
// again, never silently dropped.
type RefusedOp struct {
	Seq        int64  `json:"seq"`
	Site       string `json:"site"`
	Kind       string `json:"kind"`
	Entity     string `json:"entity"`
	EntityID   string `json:"entity_id"`
	ObservedAt string `json:"observed_at"`
	State      string `json:"state"`
	Code       string `json:"code,omitempty"`
	Message    string `json:"message,omitempty"`
	ConflictID string `json:"conflict_id,omitempty"`
	Payload    string `json:"payload"`
}

// Refused lists ops the hub rejected or answered with a conflict.
func Refused(ctx context.Context, st *site.Store) ([]RefusedOp, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT client_seq, site, kind, entity, entity_id, observed_at, state,
		COALESCE(result, '{}'), payload FROM oplog WHERE state IN ('rejected', 'conflict') ORDER BY client_seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RefusedOp{}
	for rows.Next() {
		var r RefusedOp
		var res string
		if err := rows.Scan(&r.Seq, &r.Site, &r.Kind, &r.Entity, &r.EntityID, &r.ObservedAt, &r.State, &res, &r.Payload); err != nil {
			return nil, err
		}
		var w struct{ Code, Message, ConflictID string }
		json.Unmarshal([]byte(res), &w)
		r.Code, r.Message, r.ConflictID = w.Code, w.Message, w.ConflictID
		out = append(out, r)
	}
	return out, rows.Err()
}
