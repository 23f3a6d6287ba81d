package ui

import (
	"strings"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Acting on a discovery: a moved handset's port proposed as its planned
// one; an unexpected phone proposed as a new position (label, role, plan)
// or as not ours. The plan is the hub's: each is a proposal (an op) that
// the hub keeps for the supervisor, and the plan changes on every laptop
// once an admin accepts it.

type (
	// proposalsMsg carries a site's proposals, by key.
	proposalsMsg struct {
		code  string
		byKey map[string]site.Proposal
		err   error
	}
	// proposedMsg: a proposal was recorded.
	proposedMsg struct{ code string }
)

func loadProposalsCmd(sh *shared, code string) tea.Cmd {
	ctx, store := sh.ctx, sh.store
	return func() tea.Msg {
		ps, err := laptop.Proposals(ctx, store, code)
		m := map[string]site.Proposal{}
		for _, p := range ps {
			m[p.Key()] = p
		}
		return proposalsMsg{code: code, byKey: m, err: err}
	}
}

func proposeCmd(sh *shared, code string, p site.Proposal) tea.Cmd {
	ctx, store, engineer := sh.ctx, sh.store, sh.engineer
	return func() tea.Msg {
		if err := laptop.Propose(ctx, store, engineer, code, p); err != nil {
			return failed("proposing", err)
		}
		return tea.BatchMsg{
			func() tea.Msg { return proposedMsg{code} },
			changed(code),
			note("proposed: %s — kept for the supervisor; the plan changes when an admin accepts it", p.Words()),
		}
	}
}

type actKeys struct {
	Move, Add, NotOurs key.Binding
}

func newActKeys() actKeys {
	return actKeys{
		Move:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "propose this port as planned")),
		Add:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "propose as a new position")),
		NotOurs: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "propose as not ours")),
	}
}

// For lists the keys that act on it.
func (k actKeys) For(it recItem) []key.Binding {
	switch it.outcome {
	case site.OutcomeMoved:
		return []key.Binding{k.Move}
	case site.OutcomeUnexpected:
		return []key.Binding{k.Add, k.NotOurs}
	}
	return nil
}

// switchName is the inventory's name of the switch a phone was seen on
// (laptop.SwitchName).
func switchName(s *devices.Sighting, names map[string]string) string {
	return laptop.SwitchName(s, names)
}

func (k actKeys) do(sh *shared, code string, msg tea.KeyMsg, it recItem, names map[string]string) tea.Cmd {
	s := it.seen
	if s == nil {
		return nil
	}
	sw := switchName(s, names)
	switch {
	case it.outcome == site.OutcomeMoved && key.Matches(msg, k.Move) && it.expected != nil:
		return proposeCmd(sh, code, site.Proposal{Kind: site.ProposeMove, Label: it.expected.Label, Switch: sw,
			Port: s.Phone.Port, MAC: s.Phone.MAC})
	case it.outcome == site.OutcomeUnexpected && key.Matches(msg, k.NotOurs):
		// Asked first, never on one key: enter proposes it, esc leaves it.
		return sh.push(notOursForm(sh, code, site.Proposal{Kind: site.ProposeNotOurs, Switch: sw, Port: s.Phone.Port, MAC: s.Phone.MAC,
			Vendor: s.Phone.Vendor, Model: s.Phone.Model}))
	case it.outcome == site.OutcomeUnexpected && key.Matches(msg, k.Add):
		return sh.push(newPositionForm(sh, code, site.Proposal{Kind: site.ProposeAdd, Switch: sw, Port: s.Phone.Port,
			MAC: s.Phone.MAC, Vendor: s.Phone.Vendor, Model: s.Phone.Model}))
	}
	return nil
}

// newPositionForm asks for the new position's label, role and plan.
func newPositionForm(sh *shared, code string, p site.Proposal) *form {
	var roles, plans []string
	for _, r := range site.Roles {
		roles = append(roles, roleWord(r))
	}
	for _, pl := range site.Plans {
		plans = append(plans, planWord(pl))
	}
	f := newForm(sh, "New position for "+p.MAC, func(f *form) (tea.Cmd, error) {
		q := p
		q.Label, q.Note = f.value("label"), f.value("note")
		q.Role = string(site.Roles[indexOf(roles, f.value("role"))])
		q.Plan = string(site.Plans[indexOf(plans, f.value("plan"))])
		if q.Label == "" {
			return nil, errString("label: give the new position a label (as on the desk, e.g. HD-20)")
		}
		if err := q.Check(); err != nil {
			return nil, err
		}
		return proposeCmd(sh, code, q), nil
	}, "Seen on "+p.Switch+" "+p.Port+": "+strings.TrimSpace(p.Vendor+" "+p.Model)+".",
		"Proposed to the supervisor: the position joins the plan when an admin accepts it.")
	f.text("label", "", "e.g. HD-20", false)
	f.pick("role", roles, indexOf(site.Roles, site.RoleOther))
	f.pick("plan", plans, 0)
	f.text("note", "", "where it is, who uses it (optional)", false)
	return f
}

// notOursForm confirms a phone proposed as not ours, with what it is and
// an optional note; nothing is proposed until enter.
func notOursForm(sh *shared, code string, p site.Proposal) *form {
	f := newForm(sh, "Not ours: "+p.MAC, func(f *form) (tea.Cmd, error) {
		q := p
		q.Note = f.value("note")
		return proposeCmd(sh, code, q), nil
	}, "Seen on "+p.Switch+" "+p.Port+": "+strings.TrimSpace(p.Vendor+" "+p.Model)+".",
		"Enter proposes it as not ours (another organisation's phone, left out of the plan); the supervisor decides. Esc leaves it as it is.")
	f.text("note", "", "whose it is, if known (optional)", false)
	return f
}

// proposalMark is what a results line shows of a proposal made for it
// (laptop.ProposalMark).
func proposalMark(ps map[string]site.Proposal, it recItem) string {
	return laptop.ProposalMark(ps, it.evidence())
}
