package site

import (
	"fmt"
	"strings"
	"time"
)

// A position's criticality as the inventory may set it (issue 29): the
// critical column says whether a police station can be without it during
// its swap, and max_dark_minutes the longest it may stay dark. Blank keeps
// the role's default. The rule that reads them is runbook.CriticalFor;
// what is here is only what the inventory's checks need to know too.

// The values of Position.Critical.
const (
	CriticalYes = "yes"
	CriticalNo  = "no"
)

// MaxDarkMinutesLimit is the largest max_dark_minutes an inventory may
// give: four hours, past which a position is not being kept in service.
const MaxDarkMinutesLimit = 240

// Dark-time targets by role: the most a critical position may stay out of
// service during its swap when the inventory does not say.
const (
	DarkTargetDefault = 15 * time.Minute // front counter, custody suite, reception
	DarkTargetShort   = 10 * time.Minute // door access, CT ops push-to-talk
)

// KeepsPhone reports whether a plan keeps a physical phone at the
// position (a fixed or push-to-talk Avaya phone): only such a position
// has a service to keep, and so can be critical.
func KeepsPhone(pl Plan) bool { return pl == PlanAvayaFixed || pl == PlanAvayaPTT }

// RoleDarkTarget is the dark-time target of a role that is critical by
// default, or 0 for a role that is not.
func RoleDarkTarget(r Role) time.Duration {
	switch r {
	case RoleFrontCounter, RoleCustodySuite, RoleReception:
		return DarkTargetDefault
	case RoleDoorAccess, RoleCTOpsPTT:
		return DarkTargetShort
	}
	return 0
}

// ParseCritical normalises an inventory's critical value: "" (the role's
// default), or yes or no, also written true/false or y/n in any case.
func ParseCritical(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return "", nil
	case "yes", "y", "true":
		return CriticalYes, nil
	case "no", "n", "false":
		return CriticalNo, nil
	}
	return "", fmt.Errorf("bad value %s: want yes or no (or leave it blank for the role's default)", quote(v))
}

// ParseMaxDarkMinutes reads an inventory's max_dark_minutes: 0 when blank
// (the default), else a whole number of minutes from 1 to
// MaxDarkMinutesLimit, written in plain digits.
func ParseMaxDarkMinutes(v string) (int, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return 0, nil
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad value %s: want a whole number of minutes from 1 to %d", quote(v), MaxDarkMinutesLimit)
		}
		n = n*10 + int(c-'0')
		if n > MaxDarkMinutesLimit {
			break
		}
	}
	if n < 1 || n > MaxDarkMinutesLimit {
		return 0, fmt.Errorf("%s minutes is out of range: want a whole number from 1 to %d", quote(s), MaxDarkMinutesLimit)
	}
	return n, nil
}

// checkCritical refuses, through bad, a critical and max_dark_minutes
// that do not fit the position's role and plan: critical=yes where the
// plan keeps no phone, and a target for a position that is not critical.
func checkCritical(p Position, bad func(f int, format string, args ...any)) {
	if p.Critical == CriticalYes && p.Plan != "" && !KeepsPhone(p.Plan) {
		bad(fCritical, "critical is yes but plan %s keeps no physical phone: only %s and %s positions can be critical",
			p.Plan, PlanAvayaFixed, PlanAvayaPTT)
	}
	if p.MaxDarkMinutes == 0 {
		return
	}
	switch {
	case p.Critical == CriticalNo:
		bad(fMaxDarkMinutes, "max_dark_minutes is given but critical is no: leave one of them blank")
	case p.Critical == "" && p.Plan != "" && !KeepsPhone(p.Plan):
		bad(fMaxDarkMinutes, "max_dark_minutes is given but plan %s keeps no physical phone, so the position has no service to keep: leave max_dark_minutes blank",
			p.Plan)
	case p.Critical == "" && p.Role != "" && p.Plan != "" && RoleDarkTarget(p.Role) == 0:
		bad(fMaxDarkMinutes, "max_dark_minutes is given but the position is not critical (role %s, plan %s): set critical to yes, or leave max_dark_minutes blank",
			p.Role, p.Plan)
	}
}
