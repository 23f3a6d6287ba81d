package site

import "strings"

// Words is the role as people say it: "custody suite", "CT ops PTT".
func (r Role) Words() string {
	if r == RoleCTOpsPTT {
		return "CT ops PTT"
	}
	return strings.ReplaceAll(string(r), "_", " ")
}

// Words is the plan as people say it: "Avaya fixed", "Teams DDI".
func (p Plan) Words() string {
	switch p {
	case PlanAvayaFixed:
		return "Avaya fixed"
	case PlanAvayaPTT:
		return "Avaya PTT"
	case PlanAvayaSoft:
		return "Avaya soft phone"
	case PlanTeamsDDI:
		return "Teams DDI"
	}
	return strings.ReplaceAll(string(p), "_", " ")
}

// Words is the status as people say it: "in progress".
func (s Status) Words() string { return strings.ReplaceAll(string(s), "_", " ") }
