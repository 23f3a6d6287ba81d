package runbook

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"cutover/site"
)

// DDIState is what happened to a position's direct-dial number.
type DDIState string

// The DDI states. A position with no record yet is pending (or none when
// it has no DDI at all).
const (
	DDIPending     DDIState = "pending"
	DDINone        DDIState = "none"
	DDIKept        DDIState = "kept"        // the legacy DDI rings the new Avaya phone
	DDINew         DDIState = "new"         // the Avaya phone has a new DDI
	DDITeams       DDIState = "teams"       // the user has a Teams DDI; the legacy one is surrendered
	DDISurrendered DDIState = "surrendered" // given up, nothing replaces it
)

// DDIStates lists the states in report order.
var DDIStates = []DDIState{DDIPending, DDIKept, DDINew, DDITeams, DDISurrendered, DDINone}

// ParseDDIState checks a DDI state's name.
func ParseDDIState(v string) (DDIState, error) { return site.ParseWord(v, DDIStates, "DDI state") }

// Numbers is where a position's extension and DDI stand.
type Numbers struct {
	State     DDIState `json:"ddi_state"`
	DDI       string   `json:"ddi,omitempty"`       // E.164: the DDI on the new phone (kept or new)
	TeamsDDI  string   `json:"teams_ddi,omitempty"` // E.164
	Extension string   `json:"extension,omitempty"`
	ExtState  string   `json:"extension_state,omitempty"` // kept, surrendered
	At        string   `json:"at,omitempty"`
	By        string   `json:"by,omitempty"`
}

func numbersOf(ctx context.Context, q site.Querier, id int64, p site.Position) (Numbers, error) {
	var n Numbers
	err := q.QueryRowContext(ctx, `SELECT ddi_state, ddi, teams_ddi, extension, ext_state, updated_at, updated_by
		FROM position_numbers WHERE position_id = ?`, id).Scan(&n.State, &n.DDI, &n.TeamsDDI, &n.Extension, &n.ExtState, &n.At, &n.By)
	if err == sql.ErrNoRows {
		n = Numbers{State: DDIPending, DDI: p.DDI, Extension: p.Extension}
		if p.DDI == "" {
			n.State = DDINone
		}
		return n, nil
	}
	return n, err
}

// ddiInUse says where else a number is in use: another position's planned
// DDI, or a DDI or Teams number recorded at another position.
func ddiInUse(ctx context.Context, q site.Querier, id int64, e164 string) (string, error) {
	var code, label string
	err := q.QueryRowContext(ctx, `SELECT p.site, p.label FROM positions p LEFT JOIN position_numbers n ON n.position_id = p.id
		WHERE p.id <> ? AND p.status <> 'withdrawn' AND (n.ddi = ? OR n.teams_ddi = ? OR (p.ddi = ? AND coalesce(n.ddi_state, '') NOT IN ('new', 'teams', 'surrendered')))
		LIMIT 1`, id, e164, e164, e164).Scan(&code, &label)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is in use at site %s position %s", site.FormatDDI(e164), code, label), nil
}

// setNumbers records the DDI step's value: "keep", a new E.164 DDI, or
// "teams +44…" for a Teams number.
func setNumbers(ctx context.Context, tx *site.Tx, id int64, p site.Position, value string) error {
	n := Numbers{Extension: p.Extension, ExtState: "kept"}
	switch {
	case value == "keep":
		n.State, n.DDI = DDIKept, p.DDI
	case value == "none":
		n.State = DDINone
	case strings.HasPrefix(value, "teams "):
		n.State, n.TeamsDDI, n.ExtState = DDITeams, strings.TrimPrefix(value, "teams "), ""
	default:
		n.State, n.DDI = DDINew, value
		if value == p.DDI {
			n.State = DDIKept
		}
	}
	if num := n.DDI + n.TeamsDDI; num != "" && num != p.DDI {
		msg, err := ddiInUse(ctx, tx, id, num)
		if err != nil {
			return err
		}
		if msg != "" {
			return fmt.Errorf("%w: %s", ErrBadInput, msg)
		}
	}
	return refreshNumbers(ctx, tx, id, p)
}

// refreshNumbers writes where the position's numbers stand by the one
// numbers rule (numbersFrom, the hub's too) over this laptop's standing
// steps: a correction of one number step re-derives only what follows from
// it (a corrected Teams DDI keeps the surrender already confirmed).
func refreshNumbers(ctx context.Context, tx *site.Tx, id int64, p site.Position) error {
	pr, err := progressOf(ctx, tx, id, p)
	if err != nil {
		return err
	}
	steps := map[string]DerivedStep{}
	for _, st := range append(append([]StepState{}, pr.Steps...), pr.Rollback...) {
		if st.Outcome != "" {
			steps[st.Key] = DerivedStep{Key: st.Key, Outcome: st.Outcome, Value: st.Value, By: st.Engineer, At: st.At}
		}
	}
	n := numbersFrom(p, steps, p.Status).Numbers
	n.At, n.By = "", ""
	if n.State == DDIPending || n.State == DDINone && n.ExtState == "" {
		return resetNumbers(ctx, tx, id, p)
	}
	cur, err := numbersOf(ctx, tx, id, p)
	if err != nil {
		return err
	}
	if cur.State == n.State && cur.DDI == n.DDI && cur.TeamsDDI == n.TeamsDDI && cur.ExtState == n.ExtState && cur.Extension == n.Extension {
		return nil
	}
	return writeNumbers(ctx, tx, id, p, n)
}

func writeNumbers(ctx context.Context, tx *site.Tx, id int64, p site.Position, n Numbers) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO position_numbers (position_id, site, ddi_state, ddi, teams_ddi, extension, ext_state, updated_at, updated_by)
		VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (position_id) DO UPDATE SET ddi_state=excluded.ddi_state, ddi=excluded.ddi,
		teams_ddi=excluded.teams_ddi, extension=excluded.extension, ext_state=excluded.ext_state, updated_at=excluded.updated_at,
		updated_by=excluded.updated_by`, id, p.Site, n.State, n.DDI, n.TeamsDDI, n.Extension, n.ExtState, tx.Now, tx.Engineer); err != nil {
		return err
	}
	return tx.Op(p.Site, "number.ddi.v1", "position", p.Label, map[string]any{"ddi_state": n.State, "ddi": n.DDI,
		"teams_ddi": n.TeamsDDI, "extension": n.Extension, "extension_state": n.ExtState, "legacy_ddi": p.DDI})
}

// surrender marks the legacy extension and DDI surrendered: for a Teams
// user the Teams number stays recorded.
func surrender(ctx context.Context, tx *site.Tx, id int64, p site.Position) error {
	return refreshNumbers(ctx, tx, id, p)
}

// resetNumbers puts the numbers back as they were when a swap is rolled
// back: the legacy handset keeps its extension and DDI.
func resetNumbers(ctx context.Context, tx *site.Tx, id int64, p site.Position) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM position_numbers WHERE position_id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.Op(p.Site, "number.ddi.v1", "position", p.Label, map[string]any{"ddi_state": DDIPending,
		"ddi": p.DDI, "extension": p.Extension, "reason": "rolled back"})
}

// PositionNumbers returns where a position's numbers stand.
func PositionNumbers(ctx context.Context, s *site.Store, code, label string) (Numbers, error) {
	id, p, err := site.FindPosition(ctx, s.DB(), code, label)
	if err != nil {
		return Numbers{}, err
	}
	return numbersOf(ctx, s.DB(), id, p)
}

// DDICounts counts a site's DDIs by state (withdrawn positions left out).
func DDICounts(ctx context.Context, s *site.Store, code string) (map[DDIState]int, error) {
	out := map[DDIState]int{}
	for _, st := range DDIStates {
		out[st] = 0
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT CASE WHEN n.ddi_state IS NOT NULL THEN n.ddi_state
		WHEN p.ddi = '' THEN 'none' ELSE 'pending' END, count(*)
		FROM positions p LEFT JOIN position_numbers n ON n.position_id = p.id
		WHERE p.site = ? AND p.status <> 'withdrawn' GROUP BY 1`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st DDIState
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// NumberNow is a position's number as it stands, for every step, screen
// and report to say the same thing: the number to call now, and the
// legacy one it replaced.
type NumberNow struct {
	DDI   string   `json:"ddi,omitempty"`     // E.164: the number that rings the position (or its user) now
	Teams bool     `json:"teams,omitempty"`   // DDI is the user's Teams number
	Old   string   `json:"old_ddi,omitempty"` // E.164: the legacy DDI, when DDI is not it
	State DDIState `json:"state"`
	// LegacySurrendered is set when the legacy DDI is given up (see
	// SurrendersLegacyDDI).
	LegacySurrendered bool `json:"legacy_surrendered"`
}

// SurrendersLegacyDDI is the one rule for whether a position's legacy DDI
// counts as surrendered (business case items 7b and 10), used by the step
// engine, both reports and progress:
//   - kept: the legacy DDI rings the new Avaya phone; not surrendered;
//   - new: the Avaya phone has a DDI from the new range (7b); the legacy
//     DDI is given up;
//   - teams: the user has a Teams DDI, a different number, in return for
//     surrendering the legacy extension and DDI (10); it counts once the
//     surrender is confirmed (extension state surrendered);
//   - surrendered: the handset is removed and nothing replaces the number.
//
// A position with no legacy DDI surrenders none.
func SurrendersLegacyDDI(legacyDDI string, state DDIState, extState string) bool {
	if legacyDDI == "" {
		return false
	}
	switch state {
	case DDINew, DDISurrendered:
		return true
	case DDITeams:
		return extState == "surrendered"
	}
	return false
}

// CeasesWithCarrier is the one rule for whether a position's legacy DDI
// may be ceased with the carrier, used by the laptop's numbers export and
// the hub's: it is given up (SurrendersLegacyDDI) and the position is done,
// its swap proven by every test call and signed off. Until then a rollback
// puts the legacy handset back on that number, so it is not ceasable
// whatever the number step recorded.
func CeasesWithCarrier(legacyDDI string, state DDIState, extState string, status site.Status) bool {
	return status == site.StatusDone && SurrendersLegacyDDI(legacyDDI, state, extState)
}

// MovedToTeams is the one rule for whether a position counts as moved to
// Teams, used by both reports and progress: a teams_ddi position that is
// done (its user has the Teams DDI, the legacy numbers are surrendered and
// the handset is gone). A Teams DDI recorded on a position still in
// progress is counted by its DDI state (teams), not as moved.
func MovedToTeams(plan site.Plan, status site.Status) bool {
	return plan == site.PlanTeamsDDI && status == site.StatusDone
}

// NumberOf says where a position's number stands, from its plan and the
// numbers recorded.
func NumberOf(p site.Position, n Numbers) NumberNow {
	out := NumberNow{DDI: p.DDI, State: n.State, LegacySurrendered: SurrendersLegacyDDI(p.DDI, n.State, n.ExtState)}
	switch n.State {
	case DDINew:
		out.DDI = n.DDI
	case DDITeams:
		out.DDI, out.Teams = n.TeamsDDI, true
	case DDISurrendered:
		out.DDI = ""
	}
	if out.DDI != p.DDI {
		out.Old = p.DDI
	}
	return out
}

// String says it in words: "020 7230 1999 (new; was 020 7230 1045)".
func (n NumberNow) String() string {
	if n.DDI == "" && n.Old == "" {
		return ""
	}
	if n.DDI == "" {
		return "none (" + site.FormatDDI(n.Old) + " surrendered)"
	}
	s := site.FormatDDI(n.DDI)
	var notes []string
	switch {
	case n.Teams:
		notes = append(notes, "Teams")
	case n.State == DDINew:
		notes = append(notes, "new")
	}
	if n.Old != "" {
		was := "was " + site.FormatDDI(n.Old)
		if n.LegacySurrendered {
			was += ", surrendered"
		}
		notes = append(notes, was)
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

// SiteNumbers says where the positions of a site whose numbers were
// recorded stand now, by label (a position not in it stands as planned):
// for lists that show and find the number a position has now (a new or
// Teams DDI), not the planned one.
func SiteNumbers(ctx context.Context, s *site.Store, code string) (map[string]NumberNow, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT p.label, p.ddi, n.ddi_state, n.ddi, n.teams_ddi, n.extension, n.ext_state
		FROM position_numbers n JOIN positions p ON p.id = n.position_id WHERE p.site = ?`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]NumberNow{}
	for rows.Next() {
		var label string
		var p site.Position
		var n Numbers
		if err := rows.Scan(&label, &p.DDI, &n.State, &n.DDI, &n.TeamsDDI, &n.Extension, &n.ExtState); err != nil {
			return nil, err
		}
		out[label] = NumberOf(p, n)
	}
	return out, rows.Err()
}
