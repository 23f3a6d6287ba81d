package runbook

import (
	"fmt"
	"strings"
	"time"

	"cutover/site"
)

// Criticality is whether a position is critical for continuity, its
// dark-time target, and where each came from, so that it can be shown.
type Criticality struct {
	Critical bool
	Target   time.Duration // 0 when not critical
	// CriticalSet is true when the inventory's critical column decided
	// (yes or no); TargetSet when its max_dark_minutes gave the target.
	CriticalSet, TargetSet bool
	// KeepsNoPhone is true when the inventory said critical=yes but the
	// plan keeps no physical phone (an import refuses this; a plan that
	// changed since may still give it).
	KeepsNoPhone bool
	role         site.Role
}

// CriticalityOf is the one rule of which positions are critical and for
// how long they may stay dark (issue 29). Only a position whose plan keeps a
// physical phone (a fixed or push-to-talk Avaya phone) can be critical: one
// planned for removal or a Teams number has no service to keep. Then the
// inventory's critical decides: no, not critical; yes, critical; blank, the
// role's default (front counter, custody suite, reception, door access and
// CT ops push-to-talk are critical). The target is the inventory's
// max_dark_minutes when given, else the role's default
// (site.RoleDarkTarget), else DarkTargetDefault.
func CriticalityOf(p site.Position) Criticality {
	c := Criticality{role: p.Role, CriticalSet: p.Critical != ""}
	roleTarget := site.RoleDarkTarget(p.Role)
	switch {
	case !site.KeepsPhone(p.Plan):
		c.KeepsNoPhone = p.Critical == site.CriticalYes
		return c
	case p.Critical == site.CriticalNo:
		return c
	case p.Critical == site.CriticalYes:
		c.Critical = true
	default:
		c.Critical = roleTarget > 0
	}
	if !c.Critical {
		return c
	}
	switch {
	case p.MaxDarkMinutes > 0:
		c.Target, c.TargetSet = time.Duration(p.MaxDarkMinutes)*time.Minute, true
	case roleTarget > 0:
		c.Target = roleTarget
	default:
		c.Target = DarkTargetDefault
	}
	return c
}

// TargetSource says where the target came from, in words: "set in the
// inventory", "custody suite default", or "default for a critical
// position" (a position made critical by the inventory whose role has no
// default of its own).
func (c Criticality) TargetSource() string {
	switch {
	case c.TargetSet:
		return "set in the inventory"
	case site.RoleDarkTarget(c.role) > 0:
		return strings.ReplaceAll(string(c.role), "_", " ") + " default"
	}
	return "default for a critical position"
}

// Words is the position's criticality in one line, in words (never in
// colour alone), as `cutover runbook` shows it: "Critical: yes · target 20
// min (set in the inventory)", "Critical: yes · target 15 min (custody
// suite default)", "Critical: no (set in the inventory)". It holds no text
// from the inventory but the role's name.
func (c Criticality) Words() string { return "Critical: " + c.Value() }

// Value is Words without its "Critical: ", for a screen that names the
// field beside it (the position's detail).
func (c Criticality) Value() string {
	switch {
	case c.KeepsNoPhone:
		return "no (set to yes in the inventory, but the plan keeps no physical phone)"
	case !c.Critical && c.CriticalSet:
		return "no (set in the inventory)"
	case !c.Critical:
		return "no"
	}
	w := fmt.Sprintf("yes · target %d min (%s", int(c.Target/time.Minute), c.TargetSource())
	if c.CriticalSet && site.RoleDarkTarget(c.role) == 0 {
		w += "; critical set in the inventory"
	}
	return w + ")"
}
