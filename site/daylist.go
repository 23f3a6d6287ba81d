package site

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
)

// The day's list: the positions an engineer plans to do today at a site,
// chosen from the positions list. It is this laptop's plan (kept in the
// database's meta table, not synced), so it survives a restart; a list made
// on an earlier day is not today's.

type dayList struct {
	Day    string   `json:"day"` // 2006-01-02, the laptop's local date
	Labels []string `json:"labels"`
}

func dayKey(code string) string { return "day_list:" + strings.ToUpper(code) }

// MaxDayList bounds a day's list.
const MaxDayList = 200

// DayList returns the labels on a site's list for day, in the order they
// were added; none when the list is of another day.
func (s *Store) DayList(ctx context.Context, code, day string) ([]string, error) {
	var raw string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, dayKey(code)).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var l dayList
	if json.Unmarshal([]byte(raw), &l) != nil || l.Day != day {
		return nil, nil
	}
	return l.Labels, nil
}

// ToggleDayList puts a position on the site's list for day, or takes it
// off when it is there; it returns whether it is on now and the list.
func (s *Store) ToggleDayList(ctx context.Context, engineer, code, day, label string) (bool, []string, error) {
	var on bool
	var out []string
	err := s.Write(ctx, engineer, func(tx *Tx) error {
		if _, _, err := FindPosition(ctx, tx, code, label); err != nil {
			return err
		}
		cur, err := s.DayList(ctx, code, day)
		if err != nil {
			return err
		}
		for _, l := range cur {
			if strings.EqualFold(l, label) {
				continue
			}
			out = append(out, l)
		}
		if on = len(out) == len(cur); on {
			if len(out) >= MaxDayList {
				return errors.New("today's list is full: take a position off first")
			}
			out = append(out, label)
		}
		b, err := json.Marshal(dayList{Day: day, Labels: out})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			dayKey(code), string(b))
		return err
	})
	return on, out, err
}

// NextDue is the one rule for the position to go to next: the first one
// after from, in the order given (the positions list's, by floor and
// room), that is still to do (neither done nor withdrawn) and, when the day
// has a list, on it; round to the start when none follows. ok is false
// when nothing is left to do.
func NextDue(ordered []Position, day []string, from string) (next Position, ok bool) {
	onList := map[string]bool{}
	for _, l := range day {
		onList[strings.ToLower(l)] = true
	}
	due := func(p Position) bool {
		return p.Status != StatusDone && p.Status != StatusWithdrawn && !strings.EqualFold(p.Label, from) &&
			(len(onList) == 0 || onList[strings.ToLower(p.Label)])
	}
	start := 0
	for i, p := range ordered {
		if strings.EqualFold(p.Label, from) {
			start = i + 1
		}
	}
	for i := range ordered {
		if p := ordered[(start+i)%len(ordered)]; due(p) {
			return p, true
		}
	}
	return Position{}, false
}
