package runbook

import (
	"testing"
	"time"

	"cutover/site"
)

// The inventory's critical and max_dark_minutes steer CriticalFor: no
// makes a position not critical, yes makes it critical where its plan
// keeps a phone, and max_dark_minutes replaces the role's target.
func TestCriticalForReadsTheInventory(t *testing.T) {
	pos := func(role site.Role, plan site.Plan, crit string, mins int) site.Position {
		return site.Position{Label: "P", Role: role, Plan: plan, Critical: crit, MaxDarkMinutes: mins}
	}
	cases := []struct {
		name   string
		p      site.Position
		crit   bool
		target time.Duration
		words  string
	}{
		{"custody suite by its role", pos(site.RoleCustodySuite, site.PlanAvayaFixed, "", 0), true, 15 * time.Minute,
			"Critical: yes · target 15 min (custody suite default)"},
		{"door access by its role", pos(site.RoleDoorAccess, site.PlanAvayaFixed, "", 0), true, 10 * time.Minute,
			"Critical: yes · target 10 min (door access default)"},
		{"a role's target overridden", pos(site.RoleCustodySuite, site.PlanAvayaFixed, "", 20), true, 20 * time.Minute,
			"Critical: yes · target 20 min (set in the inventory)"},
		{"yes keeps the role's target", pos(site.RoleCTOpsPTT, site.PlanAvayaPTT, "yes", 0), true, 10 * time.Minute,
			"Critical: yes · target 10 min (ct ops ptt default)"},
		{"no on a critical role", pos(site.RoleFrontCounter, site.PlanAvayaFixed, "no", 0), false, 0,
			"Critical: no (set in the inventory)"},
		{"yes on a hot desk takes the default target", pos(site.RoleHotDesk, site.PlanAvayaFixed, "yes", 0), true, 15 * time.Minute,
			"Critical: yes · target 15 min (default for a critical position; critical set in the inventory)"},
		{"yes on a hot desk with its own target", pos(site.RolePersonal, site.PlanAvayaPTT, "yes", 45), true, 45 * time.Minute,
			"Critical: yes · target 45 min (set in the inventory; critical set in the inventory)"},
		{"a hot desk by its role", pos(site.RoleHotDesk, site.PlanAvayaFixed, "", 0), false, 0, "Critical: no"},
		{"yes where the plan keeps no phone", pos(site.RoleReception, site.PlanTeamsDDI, "yes", 0), false, 0,
			"Critical: no (set to yes in the inventory, but the plan keeps no physical phone)"},
		{"a custody suite planned for removal", pos(site.RoleCustodySuite, site.PlanRemove, "", 0), false, 0, "Critical: no"},
		{"minutes on a position that is not critical count for nothing", pos(site.RoleHotDesk, site.PlanAvayaFixed, "", 30), false, 0,
			"Critical: no"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			crit, target := CriticalFor(c.p)
			if crit != c.crit || target != c.target {
				t.Errorf("CriticalFor = %v, %v; want %v, %v", crit, target, c.crit, c.target)
			}
			if w := CriticalityOf(c.p).Words(); w != c.words {
				t.Errorf("Words = %q\n          want %q", w, c.words)
			}
		})
	}
}

// A position's dark time is graded against the target the inventory set.
func TestDarkTimeUsesTheInventoryTarget(t *testing.T) {
	p := site.Position{Label: "Custody 1", Role: site.RoleCustodySuite, Plan: site.PlanAvayaFixed, MaxDarkMinutes: 20}
	at := func(m int) string {
		return time.Date(2026, 3, 2, 10, m, 0, 0, time.UTC).Format(time.RFC3339Nano)
	}
	ev := []Evidence{{Step: "swap", Outcome: OutcomePass, Attempt: 1, At: at(0), By: "amy"}}
	c := DarkTime(p, ev, time.Date(2026, 3, 2, 10, 17, 0, 0, time.UTC))
	if c.Target != 20*time.Minute {
		t.Fatalf("target %v; want 20m", c.Target)
	}
	if c.Over() || c.Level() != DarkWarn {
		t.Errorf("17 minutes dark of 20: level %v; want past two thirds, not over", c.Level())
	}
}
