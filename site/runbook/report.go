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
	LegacyCondition string   `json:"legacy_condition,omitempty"`
	NewModel        string   `json:"new_model"`
	NewSerial       string   `json:"new_serial"`
	NewMAC          string   `json:"new_mac"`
	NewTag          string   `json:"new_tag"`
	LegacyDDI       string   `json:"legacy_ddi"`
	DDIState        DDIState `json:"ddi_state"`
	NewDDI          string   `json:"new_ddi,omitempty"` // the Avaya DDI when new, or the Teams DDI
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
	MovedToTeams int         `json:"moved_to_teams"`
	Rows         []ReportRow `json:"positions"`
	// Findings is what the latest discovery found out of line with the
	// inventory (moved, missing, unexpected, leftover).
	Findings []site.Finding `json:"discovery_findings"`
	// FailedReads are the switches the latest discovery could not read
	// (their findings are from an earlier read).
	FailedReads []site.FailedRead `json:"discovery_failed_reads,omitempty"`
}

// Report builds a site's report from the store (withdrawn positions are
// listed too, so that nothing silently drops out of the handover).
func BuildReport(ctx context.Context, s *site.Store, code string, now time.Time) (Report, error) {
	st, err := s.Site(ctx, code)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Site: st, GeneratedAt: now.UTC().Format(time.RFC3339), ByStatus: map[site.Status]int{},
		ByPlan: map[site.Plan]int{}, Dispositions: map[string]int{}}
	if rep.DDIs, err = DDICounts(ctx, s, st.Code); err != nil {
		return rep, err
	}
	if rep.Stock, err = assets.Stock(ctx, s.DB(), st.Code); err != nil {
		return rep, err
	}
	if rep.Findings, err = s.Findings(ctx, st.Code); err != nil {
		return rep, err
	}
	if rep.FailedReads, err = s.LatestFailedReads(ctx, st.Code); err != nil {
		return rep, err
	}
	if rep.Findings == nil {
		rep.Findings = []site.Finding{}
	}
	all, err := assets.ForSite(ctx, s.DB(), st.Code)
	if err != nil {
		return rep, err
	}
	legacy, newer := map[string]assets.Asset{}, map[string]assets.Asset{}
	for _, a := range all { // ordered by id within a position: the newest wins
		if a.Kind == assets.KindLegacy {
			legacy[a.Position] = a
		} else {
			newer[a.Position] = a
		}
	}
	ps, err := site.PositionRows(ctx, s.DB(), st.Code)
	if err != nil {
		return rep, err
	}
	for _, ip := range ps {
		p := ip.Position
		pr, err := progressOf(ctx, s.DB(), ip.ID, p)
		if err != nil {
			return rep, err
		}
		nums, err := numbersOf(ctx, s.DB(), ip.ID, p)
		if err != nil {
			return rep, err
		}
		row := ReportRow{Label: p.Label, Location: p.Location(), Role: p.Role, Plan: p.Plan, Status: p.Status,
			StatusReason: p.StatusReason, StepsDone: pr.Done, StepsTotal: pr.Total, Attempts: len(pr.Attempts),
			Switch: p.Switch, Port: p.Port, Extension: p.Extension, LegacyModel: p.LegacyModel, LegacyMAC: p.MAC,
			LegacyDDI: p.DDI, DDIState: nums.State}
		if pr.Current != nil && pr.Mode != ModeNotStarted {
			row.CurrentStep = pr.Current.Key
		}
		switch nums.State {
		case DDINew:
			row.NewDDI = nums.DDI
		case DDITeams:
			row.NewDDI = nums.TeamsDDI
		}
		row.LegacyDDISurrendered = pr.Number.LegacySurrendered
		if row.LegacyDDISurrendered && p.Status != site.StatusWithdrawn {
			rep.DDIsSurrendered++
		}
		for _, stp := range append(append([]StepState{}, pr.Steps...), pr.Rollback...) {
			if l := stp.HistoryLine(); l != "" {
				row.StepHistory = append(row.StepHistory, l)
			}
			if l := stp.UnprovenLine(); l != "" {
				row.Unproven = append(row.Unproven, l)
			}
		}
		if a, ok := legacy[p.Label]; ok {
			row.LegacySerial, row.LegacyTag, row.LegacyCondition = a.Serial, a.AssetTag, a.Condition
			if a.MAC != "" {
				row.LegacyMAC = a.MAC
			}
			switch a.State {
			case assets.StateReturnedToStore, assets.StateWEEE, assets.StateLost:
				rep.Dispositions[string(a.State)]++
				row.Disposition, row.WTNRef = string(a.State), a.WTNRef
				if a.WTNRef != "" {
					row.Disposition += " " + a.WTNRef
				}
			default:
				// Still at the desk (a blocked or unfinished swap): no
				// disposition yet.
				row.LegacyState = string(a.State)
			}
		}
		if a, ok := newer[p.Label]; ok && a.State == assets.StateInstalled {
			row.NewModel, row.NewSerial, row.NewMAC, row.NewTag = a.Model, a.Serial, a.MAC, a.AssetTag
		}
		if n := len(pr.Attempts); n > 0 {
			row.StartedAt = pr.Attempts[0].StartedAt
			if p.Status == site.StatusDone {
				row.FinishedAt = pr.Attempts[n-1].EndedAt // a failed or blocked attempt did not finish the swap
			}
		}
		engs := map[string]bool{}
		for _, stp := range append(append([]StepState{}, pr.Steps...), pr.Rollback...) {
			if stp.Engineer != "" {
				engs[stp.Engineer] = true
			}
			if stp.At > row.LastAt {
				row.LastAt = stp.At
			}
			if stp.Field == FieldContact && stp.Outcome == OutcomePass {
				row.SignedOffBy = stp.Value
			}
		}
		for e := range engs {
			row.Engineers = append(row.Engineers, e)
		}
		sort.Strings(row.Engineers)
		if row.Engineers == nil {
			row.Engineers = []string{}
		}
		rep.ByStatus[p.Status]++
		if p.Status != site.StatusWithdrawn {
			rep.Active++
			rep.ByPlan[p.Plan]++
			if p.Status == site.StatusDone {
				rep.Done++
			}
			if MovedToTeams(p.Plan, p.Status) {
				rep.MovedToTeams++
			}
		}
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
	return rep, nil
}

// ReportColumns are the CSV report's columns, in order.
var ReportColumns = []string{"label", "location", "role", "plan", "status", "status_reason", "steps_done", "steps_total",
	"current_step", "attempts", "switch", "port", "extension", "legacy_model", "legacy_mac", "legacy_serial", "legacy_tag",
	"new_model", "new_serial", "new_mac", "new_tag", "legacy_ddi", "ddi_state", "new_ddi", "disposition", "signed_off_by",
	"engineers", "started_at", "finished_at", "last_at", "legacy_ddi_surrendered", "step_history", "legacy_condition", "wtn_ref",
	"legacy_state"}

// Record is the row as CSV fields, in ReportColumns order.
func (r ReportRow) Record() []string {
	return []string{r.Label, r.Location, string(r.Role), string(r.Plan), string(r.Status), r.StatusReason,
		itoa(r.StepsDone), itoa(r.StepsTotal), r.CurrentStep, itoa(r.Attempts), r.Switch, r.Port, r.Extension,
		r.LegacyModel, r.LegacyMAC, r.LegacySerial, r.LegacyTag, r.NewModel, r.NewSerial, r.NewMAC, r.NewTag,
		r.LegacyDDI, string(r.DDIState), r.NewDDI, r.Disposition, r.SignedOffBy, strings.Join(r.Engineers, "; "),
		r.StartedAt, r.FinishedAt, r.LastAt, strconv.FormatBool(r.LegacyDDISurrendered), strings.Join(r.StepHistory, "; "),
		r.LegacyCondition, r.WTNRef, r.LegacyState}
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
