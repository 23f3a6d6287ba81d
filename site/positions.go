package site

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFound is returned for a site or position that is not in the store.
var ErrNotFound = errors.New("not found")

// Sites lists every site in the store, by code.
func (s *Store) Sites(ctx context.Context) ([]Site, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, name, address, cease_date FROM sites ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Site
	for rows.Next() {
		var st Site
		if err := rows.Scan(&st.Code, &st.Name, &st.Address, &st.CeaseDate); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Site returns one site.
func (s *Store) Site(ctx context.Context, code string) (Site, error) {
	st, ok, err := getSite(ctx, s.r, strings.ToUpper(code))
	if err != nil {
		return st, err
	}
	if !ok {
		return st, fmt.Errorf("site %s: %w (import its inventory first)", code, ErrNotFound)
	}
	return st, nil
}

// Positions lists a site's positions (withdrawn ones included) by label.
func (s *Store) Positions(ctx context.Context, code string) ([]Position, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+positionCols+` FROM positions WHERE site = ? ORDER BY label`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Position
	for rows.Next() {
		var p Position
		if err := scanPosition(rows, nil, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PositionsWithStatus lists a site's positions in any of the statuses, by
// label: what needs attention, without reading every position of a large
// site.
func (s *Store) PositionsWithStatus(ctx context.Context, code string, statuses ...Status) ([]Position, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	args := []any{strings.ToUpper(code)}
	for _, st := range statuses {
		args = append(args, string(st))
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+positionCols+` FROM positions WHERE site = ? AND status IN (?`+
		strings.Repeat(", ?", len(statuses)-1)+`) ORDER BY label`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Position
	for rows.Next() {
		var p Position
		if err := scanPosition(rows, nil, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Position returns one position by its site and label (labels match without
// regard to case).
func (s *Store) Position(ctx context.Context, code, label string) (Position, error) {
	var p Position
	err := scanPosition(s.r.QueryRowContext(ctx, `SELECT `+positionCols+` FROM positions
		WHERE site = ? AND label = ? COLLATE NOCASE`, strings.ToUpper(code), label), nil, &p)
	if err == sql.ErrNoRows {
		return p, fmt.Errorf("position %s at site %s: %w", label, code, ErrNotFound)
	}
	return p, err
}

// History returns a position's status changes, oldest first.
func (s *Store) History(ctx context.Context, code, label string) ([]StatusChange, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT h.at, h.engineer, h.from_status, h.to_status, h.reason
		FROM status_history h JOIN positions p ON p.id = h.position_id
		WHERE p.site = ? AND p.label = ? COLLATE NOCASE ORDER BY h.id`, strings.ToUpper(code), label)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatusChange
	for rows.Next() {
		var c StatusChange
		if err := rows.Scan(&c.At, &c.Engineer, &c.From, &c.To, &c.Reason); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetStatus moves a position to a new status, checking that the move is
// allowed, and records it with the engineer, the time and the reason. Failed
// and blocked need a reason.
func (s *Store) SetStatus(ctx context.Context, engineer, code, label string, to Status, reason string) error {
	return s.Write(ctx, engineer, func(tx *Tx) error {
		return tx.SetStatus(ctx, code, label, to, reason)
	})
}

// SetStatus is SetStatus inside a caller's transaction.
func (tx *Tx) SetStatus(ctx context.Context, code, label string, to Status, reason string) error {
	var id int64
	var from Status
	err := tx.QueryRowContext(ctx, `SELECT id, status FROM positions WHERE site = ? AND label = ? COLLATE NOCASE`,
		strings.ToUpper(code), label).Scan(&id, &from)
	if err == sql.ErrNoRows {
		return fmt.Errorf("position %s at site %s: %w", label, code, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if !from.CanMove(to) {
		return fmt.Errorf("position %s: cannot go from %s to %s", label, from, to)
	}
	if (to == StatusFailed || to == StatusBlocked) && strings.TrimSpace(reason) == "" {
		return fmt.Errorf("position %s: %s needs a reason", label, to)
	}
	return setStatus(ctx, tx, id, from, to, reason)
}

// SiteSummary is a site's progress: counts by plan and by status.
type SiteSummary struct {
	Site
	Total    int            `json:"total"`
	Active   int            `json:"active"` // not withdrawn
	Done     int            `json:"done"`
	ByPlan   map[Plan]int   `json:"by_plan"`
	ByStatus map[Status]int `json:"by_status"`
	ByRole   map[Role]int   `json:"by_role"`
	DaysLeft int            `json:"days_left"`
}

// Summaries counts every site's positions by plan, status and role in the
// database (one grouped query), for `cutover status` and the sites screen.
// With code set, only that site.
func (s *Store) Summaries(ctx context.Context, code string, today time.Time) ([]SiteSummary, error) {
	sites, err := s.Sites(ctx)
	if err != nil {
		return nil, err
	}
	idx := map[string]*SiteSummary{}
	var out []SiteSummary
	for _, st := range sites {
		if code != "" && !strings.EqualFold(st.Code, code) {
			continue
		}
		out = append(out, SiteSummary{Site: st, ByPlan: map[Plan]int{}, ByStatus: map[Status]int{},
			ByRole: map[Role]int{}, DaysLeft: st.DaysLeft(today)})
	}
	if code != "" && len(out) == 0 {
		return nil, fmt.Errorf("site %s: %w", code, ErrNotFound)
	}
	for i := range out {
		idx[out[i].Code] = &out[i]
		for _, p := range Plans {
			out[i].ByPlan[p] = 0
		}
		for _, st := range Statuses {
			out[i].ByStatus[st] = 0
		}
		for _, r := range Roles {
			out[i].ByRole[r] = 0
		}
	}
	q := `SELECT site, plan, role, status, count(*) FROM positions GROUP BY site, plan, role, status`
	args := []any{}
	if code != "" {
		q = `SELECT site, plan, role, status, count(*) FROM positions WHERE site = ? GROUP BY site, plan, role, status`
		args = append(args, strings.ToUpper(code))
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var site string
		var plan Plan
		var role Role
		var status Status
		var n int
		if err := rows.Scan(&site, &plan, &role, &status, &n); err != nil {
			return nil, err
		}
		sum := idx[site]
		if sum == nil {
			continue
		}
		sum.Total += n
		sum.ByStatus[status] += n
		if status == StatusWithdrawn {
			continue
		}
		sum.Active += n
		sum.ByPlan[plan] += n
		sum.ByRole[role] += n
		if status == StatusDone {
			sum.Done += n
		}
	}
	return out, rows.Err()
}
