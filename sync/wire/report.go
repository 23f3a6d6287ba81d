package wire

// ReportRow is one position as the hub knows it: the plan, the field status,
// the steps of the latest attempt, the handsets and the numbers.
type ReportRow struct {
	Label         string `json:"label"`
	Location      string `json:"location"`
	Role          string `json:"role"`
	Plan          string `json:"plan"`
	Status        string `json:"status"`
	Reason        string `json:"reason,omitempty"`
	Attempt       int    `json:"attempt,omitempty"`
	StepsDone     int    `json:"steps_done"`
	Extension     string `json:"extension"`
	DDI           string `json:"ddi,omitempty"`       // planned (legacy) DDI, E.164
	DDIState      string `json:"ddi_state,omitempty"` // as recorded: kept, new, teams, surrendered, none
	NewDDI        string `json:"new_ddi,omitempty"`
	TeamsDDI      string `json:"teams_ddi,omitempty"`
	LegacyMAC     string `json:"legacy_mac,omitempty"`
	LegacySerial  string `json:"legacy_serial,omitempty"`
	LegacyState   string `json:"legacy_state,omitempty"`
	Disposition   string `json:"disposition,omitempty"` // returned_to_store, weee_disposal, lost
	WTNRef        string `json:"wtn_ref,omitempty"`
	TargetModel   string `json:"target_model,omitempty"`
	NewModel      string `json:"new_model,omitempty"`
	NewSerial     string `json:"new_serial,omitempty"`
	NewMAC        string `json:"new_mac,omitempty"`
	NewAssetTag   string `json:"new_asset_tag,omitempty"`
	NewState      string `json:"new_state,omitempty"`
	OpenConflicts int    `json:"open_conflicts"`
	Engineer      string `json:"engineer"` // the person, with the laptop's label beside it if different
	User          string `json:"user"`     // the authenticated person who last changed the status
	LaptopLabel   string `json:"laptop_label,omitempty"`
	UpdatedAt     string `json:"updated_at"`
}

// SiteReport is the answer to GET /v1/sites/{site}/report.
type SiteReport struct {
	Site      string      `json:"site"`
	Name      string      `json:"name"`
	CeaseDate string      `json:"cease_date"`
	Rows      []ReportRow `json:"positions"`
}
