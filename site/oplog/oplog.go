// Package oplog owns the laptop's append-only log of field operations: every
// change made on site is appended here, in the same SQLite transaction as its
// local effect, with a gapless per-install sequence number and a UUIDv7 id,
// so that the sync client can push it to the hub exactly once.
package oplog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Op is one field operation as stored in the log.
type Op struct {
	Seq        int64           `json:"client_seq"`
	ID         string          `json:"op_id"`
	Site       string          `json:"site"`
	Kind       string          `json:"kind"` // versioned name, e.g. "step.result.v1"
	Entity     string          `json:"entity"`
	EntityID   string          `json:"entity_id"`
	Engineer   string          `json:"engineer"`
	ObservedAt string          `json:"observed_at"` // RFC 3339, the laptop's clock: display and audit only
	Payload    json.RawMessage `json:"payload"`
	State      string          `json:"state"` // pending | acked | conflict | rejected
}

// Execer is what Append needs: an open write transaction.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Append adds op to the log inside the caller's transaction and returns its
// sequence number. The sequence is gapless: a rolled-back transaction also
// rolls back the sequence. An op that breaks its kind's schema (CheckOp:
// the limits the hub applies too) is refused with an error wrapping
// ErrInvalid, so nothing the hub would reject is ever logged.
func Append(ctx context.Context, tx Execer, op Op) (int64, error) {
	if op.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return 0, fmt.Errorf("op log: new id: %w", err)
		}
		op.ID = id.String()
	}
	if op.ObservedAt == "" {
		op.ObservedAt = time.Now().UTC().Format(time.RFC3339Nano)
	}
	if len(op.Payload) == 0 {
		op.Payload = json.RawMessage("{}")
	}
	if err := CheckOp(op); err != nil {
		return 0, fmt.Errorf("not recorded: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO oplog (op_id, site, kind, entity, entity_id, engineer, observed_at, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		op.ID, op.Site, op.Kind, op.Entity, op.EntityID, op.Engineer, op.ObservedAt, string(op.Payload))
	if err != nil {
		return 0, fmt.Errorf("op log: append %s: %w", op.Kind, err)
	}
	return res.LastInsertId()
}

// Querier reads the log.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// MustPayload marshals v for an op's payload; v is always a plain struct or
// map built by this program, so a failure is a programming error.
func MustPayload(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("op log: payload: %v", err))
	}
	return b
}

// After returns up to limit ops with a sequence number above seq, in order,
// whatever their state: the sync client pushes from the hub's acknowledged
// sequence, which after a hub restore may be below ops already acked here.
func After(ctx context.Context, q Querier, seq int64, limit int) ([]Op, error) {
	rows, err := q.QueryContext(ctx, `SELECT client_seq, op_id, site, kind, entity, entity_id, engineer, observed_at, payload, state
		FROM oplog WHERE client_seq > ? ORDER BY client_seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, fmt.Errorf("op log: read: %w", err)
	}
	defer rows.Close()
	var ops []Op
	for rows.Next() {
		var op Op
		var payload string
		if err := rows.Scan(&op.Seq, &op.ID, &op.Site, &op.Kind, &op.Entity, &op.EntityID, &op.Engineer, &op.ObservedAt, &payload, &op.State); err != nil {
			return nil, fmt.Errorf("op log: read: %w", err)
		}
		op.Payload = json.RawMessage(payload)
		ops = append(ops, op)
	}
	return ops, rows.Err()
}

// Settle records the hub's verdict on one op: state is acked, conflict or
// rejected; result is the hub's answer as JSON.
func Settle(ctx context.Context, tx Execer, seq int64, state string, serverVer int64, result string) error {
	_, err := tx.ExecContext(ctx, `UPDATE oplog SET state = ?, server_ver = ?, result = ? WHERE client_seq = ?`,
		state, serverVer, result, seq)
	if err != nil {
		return fmt.Errorf("op log: settle op %d: %w", seq, err)
	}
	return nil
}

// Counts is how many ops are in each state.
type Counts struct {
	Pending, Acked, Conflict, Rejected int
}

// CountStates counts the log's ops by state.
func CountStates(ctx context.Context, q Querier) (Counts, error) {
	var c Counts
	rows, err := q.QueryContext(ctx, `SELECT state, COUNT(*) FROM oplog GROUP BY state`)
	if err != nil {
		return c, fmt.Errorf("op log: count: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return c, err
		}
		switch st {
		case "pending":
			c.Pending = n
		case "acked":
			c.Acked = n
		case "conflict":
			c.Conflict = n
		case "rejected":
			c.Rejected = n
		}
	}
	return c, rows.Err()
}
