// Package site owns a police station's cutover inventory: the site, its
// positions (one legacy endpoint each), the plan and status of every position,
// and the local SQLite store that keeps field work safe on the laptop.
package site

import (
	"fmt"
	"strings"
	"time"
)

// DefaultCeaseDate is the date by which every legacy phone must be gone, from
// the business case (paragraph 15: "ceased on 31 May 2024"). A site may
// override it.
const DefaultCeaseDate = "2024-05-31"

// Role is what a position is for.
type Role string

// The roles a position can have.
const (
	RoleFrontCounter Role = "front_counter"
	RoleCustodySuite Role = "custody_suite"
	RoleReception    Role = "reception"
	RoleDoorAccess   Role = "door_access"
	RoleCTOpsPTT     Role = "ct_ops_ptt"
	RoleHotDesk      Role = "hot_desk"
	RoleMeetingRoom  Role = "meeting_room"
	RolePersonal     Role = "personal"
	RoleOther        Role = "other"
)

// Roles lists every role in display order.
var Roles = []Role{RoleFrontCounter, RoleCustodySuite, RoleReception, RoleDoorAccess,
	RoleCTOpsPTT, RoleHotDesk, RoleMeetingRoom, RolePersonal, RoleOther}

// Plan is what happens to a position.
type Plan string

// The plans.
const (
	PlanAvayaFixed Plan = "avaya_fixed" // a fixed phone on the Avaya/MCVP platform
	PlanAvayaPTT   Plan = "avaya_ptt"   // an Avaya push-to-talk phone
	// PlanAvayaSoft: the handset goes and the user keeps the extension and
	// DDI on the Avaya soft-phone client (business case item 15).
	PlanAvayaSoft Plan = "avaya_soft"
	PlanTeamsDDI  Plan = "teams_ddi" // the user moves to a Teams direct-dial number
	PlanRemove    Plan = "remove"    // no replacement
)

// Plans lists every plan in display order.
var Plans = []Plan{PlanAvayaFixed, PlanAvayaPTT, PlanAvayaSoft, PlanTeamsDDI, PlanRemove}

// Vendor is the maker family of a legacy handset.
type Vendor string

// The legacy vendors.
const (
	VendorCisco Vendor = "cisco"
	VendorMitel Vendor = "mitel"
	VendorOther Vendor = "other"
)

// Vendors lists every legacy vendor.
var Vendors = []Vendor{VendorCisco, VendorMitel, VendorOther}

// Status is where a position is in its cutover.
type Status string

// The statuses. planned → discovered → in_progress → done | failed | blocked;
// withdrawn when the plan drops the position.
const (
	StatusPlanned    Status = "planned"
	StatusDiscovered Status = "discovered"
	StatusInProgress Status = "in_progress"
	StatusDone       Status = "done"
	StatusFailed     Status = "failed"
	StatusBlocked    Status = "blocked"
	StatusWithdrawn  Status = "withdrawn"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusPlanned, StatusDiscovered, StatusInProgress, StatusDone,
	StatusFailed, StatusBlocked, StatusWithdrawn}

// Symbol is a one-character mark for the status, so that a status is never
// shown by colour alone.
func (s Status) Symbol() string {
	switch s {
	case StatusPlanned:
		return "○"
	case StatusDiscovered:
		return "◎"
	case StatusInProgress:
		return "◐"
	case StatusDone:
		return "●"
	case StatusFailed:
		return "✗"
	case StatusBlocked:
		return "■"
	case StatusWithdrawn:
		return "–"
	}
	return "?"
}

// HasFieldWork reports whether a position in this status has had work done
// on site (and so must never be deleted or silently withdrawn).
func (s Status) HasFieldWork() bool {
	switch s {
	case StatusInProgress, StatusDone, StatusFailed, StatusBlocked:
		return true
	}
	return false
}

// CanMove reports whether a position may go from status s to status to.
func (s Status) CanMove(to Status) bool {
	if s == to {
		return false
	}
	switch to {
	case StatusWithdrawn:
		return !s.HasFieldWork()
	case StatusPlanned:
		return s == StatusWithdrawn || s == StatusDiscovered
	case StatusDiscovered:
		return s == StatusPlanned
	case StatusInProgress:
		return s == StatusPlanned || s == StatusDiscovered || s == StatusFailed || s == StatusBlocked
	case StatusDone, StatusFailed, StatusBlocked:
		return s == StatusInProgress
	}
	return false
}

// DefaultPlan is the plan a role takes when the inventory leaves it blank.
// RoleOther has no default: the inventory must say.
func DefaultPlan(r Role) (Plan, bool) {
	switch r {
	case RoleFrontCounter, RoleCustodySuite, RoleReception, RoleDoorAccess:
		return PlanAvayaFixed, true
	case RoleCTOpsPTT:
		return PlanAvayaPTT, true
	case RolePersonal:
		return PlanTeamsDDI, true
	case RoleHotDesk, RoleMeetingRoom:
		return PlanRemove, true
	}
	return "", false
}

// Site is one police station (or other building group) being cut over.
type Site struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Address   string `json:"address"`
	CeaseDate string `json:"cease_date"` // YYYY-MM-DD

	// The schedule beside the cease date (issue 27): the planned start
	// (YYYY-MM-DD) and the wave the site belongs to; "" when not given.
	StartDate string `json:"start_date,omitempty"`
	Wave      string `json:"wave,omitempty"`
}

// DaysLeft is the number of whole days from today to the cease date;
// negative once the date has passed.
func (s Site) DaysLeft(today time.Time) int {
	d, err := time.Parse(time.DateOnly, s.CeaseDate)
	if err != nil {
		return 0
	}
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	return int(d.Sub(t).Hours() / 24)
}

// Position is one legacy endpoint at a site and what is planned for it.
// The planned attributes come from the inventory; Status and the field
// results are owned by the engineers on site.
type Position struct {
	Site         string `json:"site"`
	Label        string `json:"label"`
	Building     string `json:"building"`
	Floor        string `json:"floor"`
	Room         string `json:"room"`
	Role         Role   `json:"role"`
	Plan         Plan   `json:"plan"`
	LegacyVendor Vendor `json:"legacy_vendor"`
	LegacyModel  string `json:"legacy_model"`
	MAC          string `json:"mac"`
	Extension    string `json:"extension"`
	DDI          string `json:"ddi"`
	Switch       string `json:"switch"`
	Port         string `json:"port"`
	TargetModel  string `json:"target_model"`
	// Critical is "yes" or "no" when the inventory sets whether the
	// position is critical for continuity, "" for its role's default;
	// MaxDarkMinutes its dark-time target when the inventory sets one
	// (0: the default). runbook.CriticalFor reads them.
	Critical       string `json:"critical,omitempty"`
	MaxDarkMinutes int    `json:"max_dark_minutes,omitempty"`
	Notes          string `json:"notes"`

	Status       Status `json:"status"`
	StatusReason string `json:"status_reason,omitempty"`
	UpdatedAt    string `json:"updated_at,omitempty"`
	UpdatedBy    string `json:"updated_by,omitempty"`
}

// Location is the position's place in words: building, floor and room.
func (p Position) Location() string {
	parts := make([]string, 0, 3)
	for _, s := range []string{p.Building, p.Floor, p.Room} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " / ")
}

// plannedEqual reports whether two positions have the same planned
// attributes (everything the inventory file sets).
func plannedEqual(a, b Position) bool {
	return a.Building == b.Building && a.Floor == b.Floor && a.Room == b.Room &&
		a.Role == b.Role && a.Plan == b.Plan && a.LegacyVendor == b.LegacyVendor &&
		a.LegacyModel == b.LegacyModel && a.MAC == b.MAC && a.Extension == b.Extension &&
		a.DDI == b.DDI && a.Switch == b.Switch && a.Port == b.Port &&
		a.TargetModel == b.TargetModel && a.Notes == b.Notes &&
		a.Critical == b.Critical && a.MaxDarkMinutes == b.MaxDarkMinutes
}

// StatusChange is one entry in a position's status history.
type StatusChange struct {
	At       string `json:"at"`
	Engineer string `json:"engineer"`
	From     Status `json:"from"`
	To       Status `json:"to"`
	Reason   string `json:"reason,omitempty"`
}

func parseEnum[T ~string](v string, all []T, what string) (T, error) {
	for _, a := range all {
		if string(a) == v {
			return a, nil
		}
	}
	names := make([]string, len(all))
	for i, a := range all {
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown %s %s (known: %s)", what, quote(v), strings.Join(names, ", "))
}

// ParseRole, ParsePlan, ParseVendor and ParseStatus check a value against the
// known names.
func ParseRole(v string) (Role, error)     { return parseEnum(v, Roles, "role") }
func ParsePlan(v string) (Plan, error)     { return parseEnum(v, Plans, "plan") }
func ParseVendor(v string) (Vendor, error) { return parseEnum(v, Vendors, "legacy_vendor") }
func ParseStatus(v string) (Status, error) { return parseEnum(v, Statuses, "status") }
