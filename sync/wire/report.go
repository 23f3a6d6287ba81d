package wire

// ReportRow is one position as the hub knows it: the plan, the field status,
// the steps of the latest attempt, the handsets and the numbers.
type ReportRow struct {
	Label        string `json:"label"`
	Location     string `json:"location"`
	Role         string `json:"role"`
	Plan         string `json:"plan"`
	Status       string `json:"status"`
	Reason       string `json:"reason,omitempty"`
	Attempt      int    `json:"attempt,omitempty"`
	StepsDone    int    `json:"steps_done"`  // by runbook.CountSteps, as the laptop's report counts them
	StepsTotal   int    `json:"steps_total"` // the steps of the position's runbook
	Extension    string `json:"extension"`
	DDI          string `json:"ddi,omitempty"`       // planned (legacy) DDI, E.164
	DDIState     string `json:"ddi_state,omitempty"` // as recorded: kept, new, teams, surrendered, none
	NewDDI       string `json:"new_ddi,omitempty"`
	TeamsDDI     string `json:"teams_ddi,omitempty"`
	LegacyMAC    string `json:"legacy_mac,omitempty"`
	LegacySerial string `json:"legacy_serial,omitempty"`
	LegacyState  string `json:"legacy_state,omitempty"`
	Disposition  string `json:"disposition,omitempty"` // returned_to_store, weee_disposal, lost
	WTNRef       string `json:"wtn_ref,omitempty"`
	TargetModel  string `json:"target_model,omitempty"`
	// Critical and MaxDarkMinutes are the inventory's criticality
	// (site.Position), for the runbook the row's steps are counted by.
	Critical       string `json:"critical,omitempty"`
	MaxDarkMinutes int    `json:"max_dark_minutes,omitempty"`
	NewModel       string `json:"new_model,omitempty"`
	NewSerial      string `json:"new_serial,omitempty"`
	NewMAC         string `json:"new_mac,omitempty"`
	NewAssetTag    string `json:"new_asset_tag,omitempty"`
	NewState       string `json:"new_state,omitempty"`
	OpenConflicts  int    `json:"open_conflicts"`
	Engineer       string `json:"engineer"` // the person, with the laptop's label beside it if different
	User           string `json:"user"`     // the authenticated person who last changed the status
	LaptopLabel    string `json:"laptop_label,omitempty"`
	UpdatedAt      string `json:"updated_at"`
	// LegacyDDISurrendered is runbook.SurrendersLegacyDDI for the
	// position, from where its numbers stand.
	LegacyDDISurrendered bool `json:"legacy_ddi_surrendered"`
	// StepHistory has a line for every step that was failed, tried again,
	// corrected or overridden, each result in order, in the words of the
	// laptop's report (runbook.HistoryLine); History has those results.
	StepHistory []string `json:"step_history,omitempty"`
	// Disputed says each open dispute of the position in words (what, who,
	// when, which values); a disputed value shows as "disputed".
	Disputed []string `json:"disputed,omitempty"`
	// Unproven has a line for every SNMP check passed on facts the switch
	// does not report, confirmed by eye (not proven), as the laptop's report.
	Unproven []string  `json:"unproven,omitempty"`
	History  []StepTry `json:"history,omitempty"`
	// Reopened is set when the latest attempt reopened the done position
	// to replace its phone (its steps are that runbook's); Replaced says
	// why, and each phone taken off the jack since and where it went.
	Reopened bool     `json:"reopened,omitempty"`
	Replaced []string `json:"replaced,omitempty"`
}

// StepTry is one result recorded for a step, as the hub journaled it: a
// step.result.v1 or a step.correction.v1 (Correction, with the value it
// replaced in Was and its reason in Note).
type StepTry struct {
	Step       string `json:"step"`
	Attempt    int    `json:"attempt"`
	Outcome    string `json:"outcome"`
	Value      string `json:"value,omitempty"`
	Note       string `json:"note,omitempty"`
	Engineer   string `json:"engineer"`
	At         string `json:"at"`
	Correction bool   `json:"correction,omitempty"`
	Was        string `json:"was,omitempty"`
	Override   bool   `json:"override,omitempty"`
}

// ReportTotals are a site report's figures, by the same rules as the
// laptop's report and the hub's progress (withdrawn positions left out).
type ReportTotals struct {
	Positions       int            `json:"positions"`
	Done            int            `json:"done"`
	ByStatus        map[string]int `json:"by_status"`
	DDIs            map[string]int `json:"ddis"` // by DDI state: pending, kept, new, teams, surrendered, none
	DDIsSurrendered int            `json:"ddis_surrendered"`
	MovedToTeams    int            `json:"moved_to_teams"`
}

// SiteReport is the answer to GET /v1/sites/{site}/report.
type SiteReport struct {
	Site      string       `json:"site"`
	Name      string       `json:"name"`
	CeaseDate string       `json:"cease_date"`
	Totals    ReportTotals `json:"totals"`
	Rows      []ReportRow  `json:"positions"`
}
