package runbook

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"cutover/assets"
	"cutover/site"
)

// ReportRow is one position in a site report.
type ReportRow struct {
	// Hub says, in words, where the hub's record of the position differs
	// from this laptop's (as of the last sync): its open disputes, and this
	// laptop's values it overruled or holds disputed (HubStanding).
	Hub          []string    `json:"hub,omitempty"`
	Label        string      `json:"label"`
	Location     string      `json:"location"`
	Role         site.Role   `json:"role"`
	Plan         site.Plan   `json:"plan"`
	Status       site.Status `json:"status"`
	StatusReason string      `json:"status_reason,omitempty"`
	StepsDone    int         `json:"steps_done"`
	StepsTotal   int         `json:"steps_total"`
	CurrentStep  string      `json:"current_step,omitempty"`
	Attempts     int         `json:"attempts"`
	Switch       string      `json:"switch"`
	Port         string      `json:"port"`
	Extension    string      `json:"extension"`
	LegacyModel  string      `json:"legacy_model"`
	LegacyMAC    string      `json:"legacy_mac"`
	LegacySerial string      `json:"legacy_serial"`
	LegacyTag    string      `json:"legacy_tag"`
	// LegacyCondition is the handset's condition as recorded (good, worn,
	// damaged, faulty).
	LegacyCondition string `json:"legacy_condition,omitempty"`
	NewModel        string `json:"new_model"`
	NewSerial       string `json:"new_serial"`
	NewMAC          string `json:"new_mac"`
	NewTag          string `json:"new_tag"`
	// NewState is "" while the new phone's place stands, else disputed
	// (its identity disputed, or claimed at another position too) or
	// overruled (an admin put it elsewhere).
	NewState  string   `json:"new_state,omitempty"`
	LegacyDDI string   `json:"legacy_ddi"`
	DDIState  DDIState `json:"ddi_state"`
	NewDDI    string   `json:"new_ddi,omitempty"` // the Avaya DDI when new, or the Teams DDI
	// Disposition is where the legacy handset went: returned_to_store,
	// weee_disposal followed by the waste transfer note, or lost; "" while
	// it is still in place (LegacyState says how it stands).
	Disposition string   `json:"disposition"`
	WTNRef      string   `json:"wtn_ref,omitempty"` // the waste transfer note of a WEEE disposal
	LegacyState string   `json:"legacy_state,omitempty"`
	SignedOffBy string   `json:"signed_off_by,omitempty"`
	Engineers   []string `json:"engineers"`
	StartedAt   string   `json:"started_at,omitempty"`
	FinishedAt  string   `json:"finished_at,omitempty"`
	LastAt      string   `json:"last_at,omitempty"`
	// LegacyDDISurrendered is SurrendersLegacyDDI for the position.
	LegacyDDISurrendered bool `json:"legacy_ddi_surrendered"`
	// StepHistory has a line for every step that was failed, tried again
	// or corrected, with each result in order (see HistoryLine).
	StepHistory []string `json:"step_history,omitempty"`
	// Unproven has a line for every SNMP check of the current attempt
	// that passed on facts the engineer confirmed by eye because the
	// switch does not report them (see UnprovenLine).
	Unproven []string `json:"unproven,omitempty"`
	// Disputed says each open dispute in words (Dispute.Words): the
	// values, who recorded each and when.
	Disputed []string `json:"disputed,omitempty"`
	// Resolved says each settled dispute in words: every engineer's value
	// as recorded, and the admin who resolved it beside them.
	Resolved []string `json:"resolved,omitempty"`
	// OpenConflicts counts the hub's open conflicts on the position (on a
	// laptop, as of its last sync).
	OpenConflicts int `json:"open_conflicts"`
	// Continuity is a critical position's dark time (DarkTime), counted to
	// the report's time when still dark; nil for other positions and those
	// never dark. DarkReasons are the reasons given for leaving it dark.
	Continuity  *Continuity `json:"continuity,omitempty"`
	DarkReasons []string    `json:"dark_reasons,omitempty"`
	// Replaced says, for a position reopened after its swap, why, and
	// every phone taken off its jack since, where it went (ReplacedLines).
	Replaced []string `json:"replaced,omitempty"`
	// Reopened is set when the standing attempt reopened the position to
	// replace its phone: its steps are counted by that runbook.
	Reopened bool `json:"reopened,omitempty"`
}

// Report is a site's cutover report: a row per position with the totals.
type Report struct {
	Site         site.Site           `json:"site"`
	GeneratedAt  string              `json:"generated_at"`
	GeneratedBy  string              `json:"generated_by,omitempty"`
	ByStatus     map[site.Status]int `json:"by_status"`
	ByPlan       map[site.Plan]int   `json:"by_plan"`
	DDIs         map[DDIState]int    `json:"ddis"`
	Dispositions map[string]int      `json:"dispositions"`
	Stock        []assets.StockLine  `json:"stock"`
	Active       int                 `json:"active"`
	Done         int                 `json:"done"`
	// DDIsSurrendered counts the active positions whose legacy DDI is
	// surrendered, by the one rule (SurrendersLegacyDDI).
	DDIsSurrendered int `json:"ddis_surrendered"`
	// MovedToTeams counts the positions moved to Teams (MovedToTeams).
	MovedToTeams int `json:"moved_to_teams"`
	// MovedToTeamsWithDDI counts those of them whose Teams DDI is recorded.
	MovedToTeamsWithDDI int         `json:"moved_to_teams_with_ddi"`
	Rows                []ReportRow `json:"positions"`
	// Findings is what the latest discovery found out of line with the
	// inventory (moved, missing, unexpected, leftover).
	Findings []site.Finding `json:"discovery_findings"`
	// FailedReads are the switches the latest discovery could not read
	// (their findings are from an earlier read).
	FailedReads []site.FailedRead `json:"discovery_failed_reads,omitempty"`
}

// BuildReport builds a site's report from this laptop's store: each row
// by ReportRowOf from the state the laptop's own step results derive
// (withdrawn positions are listed too, so that nothing silently drops out
// of the handover), with where the hub's record differs as last pulled.
func BuildReport(ctx context.Context, s *site.Store, code string, now time.Time) (Report, error) {
	st, err := s.Site(ctx, code)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Site: st, GeneratedAt: now.UTC().Format(time.RFC3339)}
	if rep.Stock, err = assets.Stock(ctx, s.DB(), st.Code); err != nil {
		return rep, err
	}
	if rep.Findings, err = s.Findings(ctx, st.Code); err != nil {
		return rep, err
	}
	if rep.FailedReads, err = s.LatestFailedReads(ctx, st.Code); err != nil {
		return rep, err
	}
	ps, err := site.PositionRows(ctx, s.DB(), st.Code)
	if err != nil {
		return rep, err
	}
	conflicts, err := pulledConflicts(ctx, s, st.Code)
	if err != nil {
		return rep, err
	}
	darkReasons, err := DarkReasons(ctx, s, st.Code)
	if err != nil {
		return rep, err
	}
	for _, ip := range ps {
		p := ip.Position
		d, history, err := localDerived(ctx, s.DB(), ip.ID, p)
		if err != nil {
			return rep, err
		}
		row := ReportRowOf(p, d, history)
		row.OpenConflicts = conflicts[strings.ToLower(p.Label)]
		row.DarkReasons = darkReasons[p.Label]
		if hv, err := HubStanding(ctx, s, st.Code, p.Label); err != nil {
			return rep, err
		} else if hv.Known {
			for _, x := range hv.Disputes {
				row.Hub = append(row.Hub, "disputed on the hub: "+x.Words())
			}
			for _, o := range hv.Overruled {
				row.Hub = append(row.Hub, o.Step+": this laptop recorded "+o.Mine+"; "+o.Why)
			}
		}
		rep.Rows = append(rep.Rows, row)
	}
	rep.Finish()
	return rep, nil
}

// pulledConflicts counts the hub's open conflicts on each position of a
// site as of the last sync, by lower-case label (none before a sync).
func pulledConflicts(ctx context.Context, s *site.Store, code string) (map[string]int, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT entity_id, COUNT(*) FROM sync_conflicts
		WHERE site = ? AND status = 'open' AND entity = 'position' GROUP BY entity_id`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[strings.ToLower(id)] += n
	}
	return out, rows.Err()
}

// Finish sorts the rows (label as people read it: P2 before P10), counts
// them (Count) and gives every list its empty value, so that both places
// write the same bytes for the same work.
func (r *Report) Finish() {
	sort.SliceStable(r.Rows, func(i, j int) bool { return site.LabelLess(r.Rows[i].Label, r.Rows[j].Label) })
	at, _ := time.Parse(time.RFC3339Nano, r.GeneratedAt)
	for i := range r.Rows {
		if c := r.Rows[i].Continuity; c != nil && !at.IsZero() {
			counted := c.At(at) // a position still dark counts to the report's time
			r.Rows[i].Continuity = &counted
		}
		if r.Rows[i].Engineers == nil {
			r.Rows[i].Engineers = []string{}
		}
	}
	if r.Findings == nil {
		r.Findings = []site.Finding{}
	}
	if r.Rows == nil {
		r.Rows = []ReportRow{}
	}
	r.Count()
}

// ReportColumns are the CSV report's columns, in order.
// Both the laptop's report and the hub's (`cutover hub report`, `report
// --from-hub`) write these columns, from rows made by ReportRowOf.
var ReportColumns = []string{"label", "location", "role", "plan", "status", "status_reason", "steps_done", "steps_total",
	"current_step", "attempts", "switch", "port", "extension", "legacy_model", "legacy_mac", "legacy_serial", "legacy_tag",
	"legacy_condition", "legacy_state", "disposition", "wtn_ref", "new_model", "new_serial", "new_mac", "new_tag",
	"new_state", "legacy_ddi", "ddi_state", "new_ddi", "legacy_ddi_surrendered", "signed_off_by", "engineers", "started_at", "finished_at",
	"last_at", "step_history", "unproven", "disputed", "resolved", "open_conflicts",
	"dark_minutes", "dark_target_minutes", "dark_over_target", "dark_reasons", "replaced"}

// Record is the row as CSV fields, in ReportColumns order; times in whole
// seconds (CSVTime), in the history lines too.
func (r ReportRow) Record() []string {
	lines := func(ls []string) string { return CSVTimes(strings.Join(ls, "; ")) }
	dm, dt, dover := "", "", ""
	if c := r.Continuity; c != nil {
		dm, dt, dover = itoa(c.Minutes()), itoa(int(c.Target/time.Minute)), strconv.FormatBool(c.Over())
	}
	return []string{r.Label, r.Location, string(r.Role), string(r.Plan), string(r.Status), r.StatusReason,
		itoa(r.StepsDone), itoa(r.StepsTotal), r.CurrentStep, itoa(r.Attempts), r.Switch, r.Port, r.Extension,
		r.LegacyModel, r.LegacyMAC, r.LegacySerial, r.LegacyTag, r.LegacyCondition, r.LegacyState, r.Disposition, r.WTNRef,
		r.NewModel, r.NewSerial, r.NewMAC, r.NewTag, r.NewState, r.LegacyDDI, string(r.DDIState), r.NewDDI,
		strconv.FormatBool(r.LegacyDDISurrendered), r.SignedOffBy, strings.Join(r.Engineers, "; "), CSVTime(r.StartedAt),
		CSVTime(r.FinishedAt), CSVTime(r.LastAt), lines(r.StepHistory), lines(r.Unproven), lines(r.Disputed), lines(r.Resolved),
		itoa(r.OpenConflicts), dm, dt, dover, strings.Join(r.DarkReasons, "; "), lines(r.Replaced)}
}

// HistoryLine sums up a step whose record is more than one plain result
// (a failure, a retry, a correction, an override), every result in order:
// "ptt_group: fail (alex 2026-11-25T09:30Z: station 3 hears nothing), then
// pass (alex 2026-11-25T09:41Z)". It is "" for a step recorded once.
func (s StepState) HistoryLine() string { return HistoryLine(s.Key, s.History) }

// UnprovenLine says, for a check that passed on facts confirmed by eye,
// which facts, who confirmed them when, and what they saw; "" otherwise.
func (s StepState) UnprovenLine() string {
	if s.Evidence == nil || !s.Evidence.Unproven() || s.Outcome != OutcomePass {
		return ""
	}
	return s.Key + ": " + strings.Join(s.Evidence.ByEye.Facts, ", ") + " not reported by the switch, confirmed by eye by " +
		s.Engineer + " " + s.At + " (" + s.Evidence.ByEye.Note + "), not proven"
}

// HistoryLine is the rule and format of StepState.HistoryLine for a step
// key and its results, oldest first, wherever they were read from (the
// laptop's step results, the ops the hub journaled): "" unless the step
// was failed, recorded more than once or overridden.
func HistoryLine(key string, tries []Try) string {
	if len(tries) == 0 || len(tries) == 1 && tries[0].Outcome != OutcomeFail && !tries[0].Override {
		return ""
	}
	var parts []string
	for _, t := range tries {
		what := string(t.Outcome)
		if t.Correction {
			what = "corrected"
		}
		detail := t.Engineer + " " + t.At
		if t.Attempt > 1 {
			detail += " attempt " + itoa(t.Attempt)
		}
		if t.Value != "" {
			detail += ": " + t.Value
			if t.Correction && t.Was != "" {
				detail += " (was " + t.Was + ")"
			}
		}
		if t.Override {
			detail += " [override]"
		}
		if t.Note != "" {
			detail += ": " + t.Note
		}
		parts = append(parts, what+" ("+detail+")")
	}
	return key + ": " + strings.Join(parts, ", then ")
}

func itoa(n int) string { return strconv.Itoa(n) }
