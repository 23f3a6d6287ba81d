// Package rules holds the hub's rules that need no store: how each op kind
// is treated, when a laptop's clock is believed, the ids and details of the
// conflicts the derivation owns, and what handsets and numbers a derived
// position claims. The derivation itself is runbook.Derive, the laptop's own
// rule; package hub runs these against its store.
package rules

import (
	"strings"
	"time"

	"cutover/site/runbook"

	"github.com/google/uuid"
)

// Class is how the hub treats an op kind.
type Class string

// The classes.
const (
	// Evidence is kept in the journal, and the position is derived again
	// from all of it (step results, corrections, resolutions).
	Evidence Class = "evidence"
	// Derived ops follow from evidence on the laptop; the hub keeps them in
	// the journal and they set nothing.
	Derived Class = "derived"
	// Fact kinds set a fact of their own (observations, notes, reopened
	// steps, proposals, discovery's and an admin's statuses).
	Fact Class = "fact"
	// Plan kinds change a site's plan: an admin's alone.
	Plan Class = "plan"
	// Journal kinds are kept in the journal only (stock, switch addresses,
	// discovery summaries, a newer laptop's kinds).
	Journal Class = "journal"
)

var classes = map[string]Class{
	"step.result.v1": Evidence, "step.correction.v1": Evidence, "conflict.resolve.v1": Evidence,
	"number.ddi.v1": Derived, "asset.install.v1": Derived, "asset.relabel.v1": Derived, "asset.state.v1": Derived,
	"asset.dispose.v1":    Derived,
	"position.observe.v1": Fact, "step.reopen.v1": Fact, "note.add.v1": Fact, "plan.proposal.v1": Fact,
	"site.import.v1": Plan, "position.plan_dropped.v1": Plan,
}

// KindClass says how the hub treats an op of kind; position.status.v1 is
// StatusClass's.
func KindClass(kind string) Class {
	if c, ok := classes[kind]; ok {
		return c
	}
	for _, p := range []string{"site.plan.", "position.plan.", "position.add.", "position.withdraw.", "position.planned."} {
		if strings.HasPrefix(kind, p) {
			return Plan
		}
	}
	if kind == "position.status.v1" {
		return Fact
	}
	return Journal
}

// StatusClass says how a position.status.v1 to a status is treated: a field
// status (in progress, done, failed, blocked) follows from the steps and is
// derived; discovered, withdrawn and planned are facts of their own.
func StatusClass(to string) Class {
	switch to {
	case "in_progress", "done", "failed", "blocked":
		return Derived
	}
	return Fact
}

// ClockWindow is how far a laptop's clock is believed: from a day before the
// site's first import to a day after the hub's own clock.
const ClockWindow = 24 * time.Hour

// Believed is the time a figure uses for an op: the laptop's (observed),
// when it is within the window, else the hub's receive time; and whether
// the laptop's was believed.
func Believed(observed string, received int64, siteStart string) (at string, believed bool) {
	rec := time.Unix(received, 0).UTC()
	t, err := time.Parse(time.RFC3339Nano, observed)
	lo := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if s, err := time.Parse(time.RFC3339Nano, siteStart); err == nil {
		lo = s.Add(-ClockWindow)
	}
	if err != nil || t.Before(lo) || t.After(rec.Add(ClockWindow)) {
		return rec.Format(time.RFC3339), false
	}
	return t.UTC().Format(time.RFC3339Nano), true
}

// conflictSpace makes derived conflict ids: the same dispute always has the
// same id, on every hub and in every order.
var conflictSpace = uuid.MustParse("6f1c1e1a-5d3b-4c7e-9a55-0c07e2b0a001")

// ConflictID is the id of the conflict about the fact named by parts.
func ConflictID(parts ...string) string {
	return uuid.NewSHA1(conflictSpace, []byte(strings.Join(parts, "\x00"))).String()
}

// Key is one handset (what "handset", key its serial, else MAC, else tag)
// or one number (what "number", key its E.164).
type Key struct{ What, Key string }

// Claim is one position's claim on a key.
type Claim struct {
	Site  string `json:"site"`
	Label string `json:"position"`
	Kind  string `json:"kind"` // legacy, new, ddi, teams
	By    string `json:"by,omitempty"`
}

// Claims lists what a derived position claims: its legacy handset wherever
// it went, the new phone it has installed, and a new or Teams DDI.
func Claims(d runbook.Derived) map[Key]Claim {
	out := map[Key]Claim{}
	if h := d.Legacy; h != nil && h.Key != "" {
		out[Key{"handset", h.Key}] = Claim{Kind: "legacy", By: h.MovedBy}
	}
	if h := d.New; h != nil && h.Key != "" && h.State == "installed" {
		out[Key{"handset", h.Key}] = Claim{Kind: "new", By: h.MovedBy}
	}
	n := d.Numbers
	switch {
	case n.State == runbook.DDITeams && n.TeamsDDI != "":
		out[Key{"number", n.TeamsDDI}] = Claim{Kind: "teams", By: n.By}
	case n.State == runbook.DDINew && n.DDI != "":
		out[Key{"number", n.DDI}] = Claim{Kind: "ddi", By: n.By}
	}
	return out
}
