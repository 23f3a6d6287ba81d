package wire

// PlanCount is done and remaining positions under one plan.
type PlanCount struct {
	Done      int `json:"done"`
	Remaining int `json:"remaining"`
}

// DayCount is positions done on one day.
type DayCount struct {
	Day  string `json:"day"` // YYYY-MM-DD
	Done int    `json:"done"`
}

// Problem is a failed or blocked position with its reason.
type Problem struct {
	Label  string `json:"label"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// Figures are the counts the business case tracks, for one site or the
// whole force.
type Figures struct {
	Positions     int                  `json:"positions"` // not withdrawn
	Done          int                  `json:"done"`
	Remaining     int                  `json:"remaining"`
	ByPlan        map[string]PlanCount `json:"by_plan"`
	Failed        int                  `json:"failed"`
	Blocked       int                  `json:"blocked"`
	OpenConflicts int                  `json:"open_conflicts"`
	// PhysicalExtensions is the physical phones there will be when the
	// remaining work is done plus the legacy ones still in place: from c20,000
	// towards c5,000.
	PhysicalExtensionsRemaining int        `json:"physical_extensions_remaining"`
	MovedToTeams                int        `json:"moved_to_teams"`
	DDIsSurrendered             int        `json:"ddis_surrendered"`
	HandsetsReturned            int        `json:"handsets_returned"`
	HandsetsWEEE                int        `json:"handsets_weee"`
	HandsetsLost                int        `json:"handsets_lost"` // recorded as lost (with a note why)
	RatePerDay                  float64    `json:"rate_per_day_14d"`
	DonePerDay                  []DayCount `json:"done_per_day"`
}

// SiteProgress is one site's progress and projection.
type SiteProgress struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	CeaseDate string `json:"cease_date"`
	Figures
	// ProjectedFinish is today plus remaining / rate; empty when nothing
	// was done in the last 14 days and work remains.
	ProjectedFinish string    `json:"projected_finish,omitempty"`
	WillMiss        bool      `json:"will_miss_cease_date"`
	DaysLate        int       `json:"days_late,omitempty"`
	Problems        []Problem `json:"problems"`
}

// EngineerSync is when an engineer's laptops last reached the hub.
type EngineerSync struct {
	User     string `json:"user"`
	Role     string `json:"role"`
	LastSync string `json:"last_sync,omitempty"`
}

// Progress is the answer to GET /v1/progress.
type Progress struct {
	GeneratedAt string         `json:"generated_at"`
	Today       string         `json:"today"`
	Force       Figures        `json:"force"`
	Sites       []SiteProgress `json:"sites"` // sites that will miss their cease date first
	Engineers   []EngineerSync `json:"engineers"`
}
