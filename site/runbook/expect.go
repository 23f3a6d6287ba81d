package runbook

import (
	"context"
	"strings"

	"cutover/assets"
	"cutover/site"
)

// PortExpectation is what a position's port should show now, from what its
// swap has recorded: discovery judges the switch against it.
type PortExpectation struct {
	Label string
	// Legacy: the legacy handset, by the inventory's MAC.
	Legacy bool
	// NewMAC: the new phone, by the MAC recorded for it; NewAvaya: a new
	// Avaya phone whose MAC is not recorded yet (any Avaya phone on the
	// port will do).
	NewMAC   string
	NewAvaya bool
	// LegacyGone: the legacy handset has been unplugged for good (so, if
	// seen anywhere, it is a leftover of this position).
	LegacyGone bool
}

// Nothing reports that no phone should be on the port (a removal done).
func (e PortExpectation) Nothing() bool { return !e.Legacy && e.NewMAC == "" && !e.NewAvaya }

// ExpectOnPort says what the port should show: from the moment the swap
// (or removal) step is recorded the legacy handset is expected gone and,
// for an Avaya plan, the new phone is expected (by the MAC the register or
// the verify step recorded, else any Avaya phone), until a rollback's
// reconnect puts the legacy handset back. newMAC is the new phone's MAC in
// the register, if any.
func ExpectOnPort(pr Progress, newMAC string) PortExpectation {
	e := PortExpectation{Label: pr.Position.Label}
	unplugged := false
	for _, s := range pr.Steps {
		if s.Physical && s.Passed() {
			unplugged = true
		}
	}
	open := pr.Mode == ModeSwap || pr.Mode == ModeRollback
	if !open && pr.Position.Status != site.StatusDone {
		unplugged = false // failed or blocked: rolled back, the handset is back
	}
	if rb, ok := pr.Step("rb_reconnect"); ok && rb.Passed() && open {
		unplugged = false
	}
	if !unplugged {
		e.Legacy = true
		return e
	}
	e.LegacyGone = true
	if pr.Position.Plan != site.PlanAvayaFixed && pr.Position.Plan != site.PlanAvayaPTT {
		return e
	}
	e.NewMAC = newMAC
	if e.NewMAC == "" {
		for _, s := range pr.Steps {
			if s.Check == CheckNewPhone && s.Evidence != nil && s.Evidence.Phone != nil && s.Evidence.Phone.MAC != "" {
				e.NewMAC = s.Evidence.Phone.MAC
			}
		}
	}
	e.NewAvaya = e.NewMAC == ""
	return e
}

// SiteExpectations gives ExpectOnPort for every active position of a site,
// by lower-case label.
func SiteExpectations(ctx context.Context, s *site.Store, code string) (map[string]PortExpectation, error) {
	ps, err := site.PositionRows(ctx, s.DB(), code)
	if err != nil {
		return nil, err
	}
	register, err := assets.ForSite(ctx, s.DB(), code)
	if err != nil {
		return nil, err
	}
	installed := map[string]string{}
	for _, a := range register {
		if a.Kind == assets.KindNew && a.State == assets.StateInstalled && a.Position != "" && a.MAC != "" {
			installed[strings.ToLower(a.Position)] = a.MAC
		}
	}
	out := map[string]PortExpectation{}
	for _, r := range ps {
		if r.Status == site.StatusWithdrawn {
			continue
		}
		pr, err := progressOf(ctx, s.DB(), r.ID, r.Position)
		if err != nil {
			return nil, err
		}
		out[strings.ToLower(r.Label)] = ExpectOnPort(pr, installed[strings.ToLower(r.Label)])
	}
	return out, nil
}
