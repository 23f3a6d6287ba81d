package site

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Querier is what a read needs: the read pool or an open transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// FindPosition reads a position by site code and label (any case), with
// its row id, for the packages that keep records against a position (the
// runbook's step results).
func FindPosition(ctx context.Context, q Querier, code, label string) (int64, Position, error) {
	var id int64
	var p Position
	err := scanPosition(q.QueryRowContext(ctx, `SELECT id, `+positionCols+` FROM positions
		WHERE site = ? AND label = ? COLLATE NOCASE`, strings.ToUpper(strings.TrimSpace(code)), strings.TrimSpace(label)), &id, &p)
	if err == sql.ErrNoRows {
		return 0, p, fmt.Errorf("position %s at site %s: %w", label, strings.ToUpper(code), ErrNotFound)
	}
	return id, p, err
}

// MoveStatus moves the position with row id from one status to another
// inside the transaction, recording the move in its history and the op log.
func (tx *Tx) MoveStatus(ctx context.Context, id int64, from, to Status, reason string) error {
	return setStatus(ctx, tx, id, from, to, reason)
}

// ParseWord checks v against the words of an enumeration, naming what it
// is in the error.
func ParseWord[T ~string](v string, all []T, what string) (T, error) { return parseEnum(v, all, what) }

// PositionRow is a position with its row id.
type PositionRow struct {
	ID int64
	Position
}

// PositionRows reads every position of a site (withdrawn ones too), by
// label, with their row ids.
func PositionRows(ctx context.Context, q Querier, code string) ([]PositionRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, `+positionCols+` FROM positions WHERE site = ? ORDER BY label`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PositionRow
	for rows.Next() {
		var r PositionRow
		if err := scanPosition(rows, &r.ID, &r.Position); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
