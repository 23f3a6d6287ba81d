package site

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"cutover/internal/safetext"
)

// Proposal kinds: what an engineer who acted on a discovery asks the
// supervisor to change in the plan (the hub's), never a change made on the
// laptop's own authority.
const (
	// ProposeMove: a moved handset's seen port becomes its planned one.
	ProposeMove = "move"
	// ProposeAdd: an unexpected phone becomes a position of the plan.
	ProposeAdd = "add"
	// ProposeNotOurs: an unexpected phone is not ours (another force's,
	// a supplier's): discovery stops flagging it.
	ProposeNotOurs = "not_ours"
)

// Proposal states.
const (
	ProposalProposed = "proposed" // waiting for the supervisor
	ProposalAccepted = "accepted" // applied to the plan on the hub
	ProposalDeclined = "declined" // the plan stands
)

// ProposalKind is the op kind that carries a proposal to the hub, which
// keeps it as a plan_discrepancy conflict for an admin to accept or decline.
const ProposalKind = "plan.proposal.v1"

// Proposal is one plan change an engineer proposes after a discovery.
type Proposal struct {
	Kind   string `json:"proposal"`
	Label  string `json:"label,omitempty"`  // move: the position; add: the new position's label
	Switch string `json:"switch,omitempty"` // the switch the phone was seen on (its inventory name)
	Port   string `json:"port,omitempty"`
	MAC    string `json:"mac,omitempty"`
	Role   string `json:"role,omitempty"` // add
	Plan   string `json:"plan,omitempty"` // add
	Vendor string `json:"vendor,omitempty"`
	Model  string `json:"model,omitempty"`
	Note   string `json:"note,omitempty"`
	// State and By are kept with the proposal as laptops and the hub
	// store it; they are not sent in the op.
	State string `json:"state,omitempty"`
	By    string `json:"by,omitempty"`
}

// Key is the proposal's entity id: one proposal per position moved, one
// per phone (by MAC) added or disowned; a later one replaces it.
func (p Proposal) Key() string {
	if p.Kind == ProposeMove {
		return "position:" + strings.ToLower(p.Label)
	}
	return "phone:" + p.MAC
}

// Check validates and normalises a proposal (the MAC in colon form, the
// role and plan as words); its errors name the field at fault.
func (p *Proposal) Check() error {
	for _, f := range []struct{ name, v string }{{"label", p.Label}, {"switch", p.Switch}, {"port", p.Port},
		{"vendor", p.Vendor}, {"model", p.Model}} {
		if err := safetext.Check(f.v, false); err != nil {
			return fmt.Errorf("proposal %s: %v", f.name, err)
		}
		if len([]rune(f.v)) > 200 {
			return fmt.Errorf("proposal %s: at most 200 characters", f.name)
		}
	}
	if err := safetext.Check(p.Note, true); err != nil {
		return fmt.Errorf("proposal note: %v", err)
	}
	p.Label, p.Switch, p.Port = strings.TrimSpace(p.Label), strings.TrimSpace(p.Switch), strings.TrimSpace(p.Port)
	if p.MAC != "" || p.Kind != ProposeMove {
		m, err := NormaliseMAC(p.MAC)
		if err != nil {
			return fmt.Errorf("proposal mac: %v", err)
		}
		p.MAC = m
	}
	switch p.Kind {
	case ProposeMove:
		if p.Label == "" {
			return errors.New("a move proposal names the position")
		}
		if p.Switch == "" || p.Port == "" {
			return errors.New("a move proposal needs the switch and port the handset was seen on")
		}
	case ProposeAdd:
		if p.Label == "" {
			return errors.New("a new position needs a label")
		}
		r, err := ParseRole(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(p.Role)), " ", "_"))
		if err != nil {
			return fmt.Errorf("new position %s: %v", p.Label, err)
		}
		pl, err := ParsePlan(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(p.Plan)), " ", "_"))
		if err != nil {
			return fmt.Errorf("new position %s: %v", p.Label, err)
		}
		p.Role, p.Plan = string(r), string(pl)
	case ProposeNotOurs:
	default:
		return fmt.Errorf("proposal %q: want move, add or not_ours", safetext.Clip(p.Kind, 20))
	}
	return nil
}

// Words describes the proposal for people.
func (p Proposal) Words() string {
	where := strings.TrimSpace(p.Switch + " " + p.Port)
	switch p.Kind {
	case ProposeMove:
		return fmt.Sprintf("plan %s on %s (where its handset was seen)", p.Label, where)
	case ProposeAdd:
		return fmt.Sprintf("add position %s (%s, %s) for the phone %s on %s", p.Label, strings.ReplaceAll(p.Role, "_", " "),
			strings.ReplaceAll(p.Plan, "_", " "), p.MAC, where)
	case ProposeNotOurs:
		return fmt.Sprintf("the phone %s on %s is not ours", p.MAC, where)
	}
	return p.Kind
}

// LegacyVendorOf maps a vendor as a switch reports it to a plan's legacy
// vendor word.
func LegacyVendorOf(seen string) Vendor {
	s := strings.ToLower(seen)
	switch {
	case strings.Contains(s, "cisco"):
		return VendorCisco
	case strings.Contains(s, "mitel"):
		return VendorMitel
	}
	return VendorOther
}

// Proposals reads the proposals a site's laptop holds (its own, and their
// states as the hub last said), in the order they were made: the one
// reader for the screens (laptop.Proposals) and discovery (what is not
// ours) alike.
func Proposals(ctx context.Context, q Querier, code string) ([]Proposal, error) {
	rows, err := q.QueryContext(ctx, `SELECT value FROM sync_facts WHERE site = ? AND entity = 'proposal' AND attr = 'proposal'
		ORDER BY entity_id`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		var p Proposal
		if json.Unmarshal([]byte(v), &p) == nil && p.Kind != "" {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}
