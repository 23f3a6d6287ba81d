package runbook

import (
	"context"
	"strings"

	"cutover/assets"
	"cutover/site"
	"cutover/site/export"
)

// exportPosition is what the exports read of one position.
type exportPosition struct {
	id   int64
	p    site.Position
	pr   Progress
	nums Numbers
}

// exportPositions reads the positions of a site that want says the export
// needs (by label), with their runbook progress.
func exportPositions(ctx context.Context, s *site.Store, code string, want func(label string) bool) ([]exportPosition, error) {
	ps, err := site.PositionRows(ctx, s.DB(), code)
	if err != nil {
		return nil, err
	}
	out := make([]exportPosition, 0, len(ps))
	for _, ip := range ps {
		if !want(ip.Position.Label) {
			continue
		}
		pr, err := progressOf(ctx, s.DB(), ip.ID, ip.Position)
		if err != nil {
			return nil, err
		}
		out = append(out, exportPosition{id: ip.ID, p: ip.Position, pr: pr, nums: pr.Numbers})
	}
	return out, nil
}

// takenOut is the step that took the legacy handset out, by the one rule
// (Derived.TakenOut): in an earlier attempt when this one reopened the
// position to replace its phone.
func (e exportPosition) takenOut() *DerivedStep {
	return Derive(e.p, e.pr.Results, nil).TakenOut
}

// ExportRetire lists every legacy handset taken off a site: in the
// register as removed, returned to store, WEEE or lost (a rollback that
// reconnected it puts it back in service, off the list).
func ExportRetire(ctx context.Context, s *site.Store, code string) ([]export.Retire, error) {
	rows, _, err := ExportRetireGaps(ctx, s, code)
	return rows, err
}

// ExportRetireGaps is ExportRetire with its gaps: the handsets it left out
// because the hub's record does not hold them as taken out, and those it
// lists without a device name (export.RetireGaps).
func ExportRetireGaps(ctx context.Context, s *site.Store, code string) ([]export.Retire, []export.Gap, error) {
	st, err := s.Site(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	all, err := assets.ForSite(ctx, s.DB(), st.Code)
	if err != nil {
		return nil, nil, err
	}
	legacy := map[string]assets.Asset{}
	for _, a := range all { // ordered by id within a position: the newest wins
		if a.Kind == assets.KindLegacy {
			legacy[a.Position] = a
		}
	}
	ps, err := exportPositions(ctx, s, st.Code, func(l string) bool { _, ok := legacy[l]; return ok })
	if err != nil {
		return nil, nil, err
	}
	hub, err := HubStates(ctx, s, st.Code)
	if err != nil {
		return nil, nil, err
	}
	var out []export.Retire
	var gaps []export.Gap
	for _, e := range ps {
		a, ok := legacy[e.p.Label]
		if !ok || (a.State != assets.StateRemoved && !a.State.Disposed()) {
			continue
		}
		if d, known := hub[strings.ToLower(e.p.Label)]; known && !hubTookOut(d) {
			// The hub's record does not hold this handset as taken out:
			// nothing to delete from here.
			gaps = append(gaps, export.Gap{Site: st.Code, Position: e.p.Label,
				Reason: "left out: this laptop recorded the legacy handset taken out, but the hub's record differs (see 'cutover runbook')"})
			continue
		}
		mac := a.MAC
		if mac == "" {
			mac = e.p.MAC
		}
		r := export.Retire{Site: st.Code, Position: e.p.Label, Building: e.p.Building, Floor: e.p.Floor, Room: e.p.Room,
			Vendor: string(e.p.LegacyVendor), Model: firstOf(a.Model, e.p.LegacyModel), DeviceName: export.DeviceName(string(e.p.LegacyVendor), mac),
			MAC: mac, Serial: a.Serial, AssetTag: a.AssetTag, Extension: e.p.Extension, DDI: e.p.DDI,
			Disposition: string(a.State), WTNRef: a.WTNRef}
		if o := e.takenOut(); o != nil {
			r.RemovedAt, r.RemovedBy = o.At, Who(o.By, o.Label)
		}
		out = append(out, r)
	}
	export.SortRows(out, func(r export.Retire) (string, string) { return r.Site, r.Position })
	gaps = append(gaps, export.RetireGaps(out)...)
	export.SortGaps(gaps)
	return out, gaps, nil
}

// ExportInstall lists every new Avaya phone in service at a site (the
// register's installed phones), with what the verify step read of it.
func ExportInstall(ctx context.Context, s *site.Store, code string) ([]export.Install, error) {
	st, err := s.Site(ctx, code)
	if err != nil {
		return nil, err
	}
	all, err := assets.ForSite(ctx, s.DB(), st.Code)
	if err != nil {
		return nil, err
	}
	newer := map[string]assets.Asset{}
	for _, a := range all {
		if a.Kind == assets.KindNew {
			newer[a.Position] = a
		}
	}
	ps, err := exportPositions(ctx, s, st.Code, func(l string) bool { return newer[l].State == assets.StateInstalled })
	if err != nil {
		return nil, err
	}
	var out []export.Install
	for _, e := range ps {
		a, ok := newer[e.p.Label]
		if !ok || a.State != assets.StateInstalled {
			continue
		}
		now := NumberOf(e.p, e.nums)
		r := export.Install{Site: st.Code, Position: e.p.Label, Building: e.p.Building, Floor: e.p.Floor, Room: e.p.Room,
			Plan: string(e.p.Plan), Model: a.Model, Serial: a.Serial, MAC: a.MAC, AssetTag: a.AssetTag, Extension: e.p.Extension,
			DDI: now.DDI, Switch: e.p.Switch, Port: e.p.Port, PTT: e.p.Plan == site.PlanAvayaPTT}
		for _, stp := range e.pr.Steps {
			switch {
			case stp.Check == CheckNewPhone && stp.Evidence != nil:
				if ph := stp.Evidence.Phone; ph != nil && ph.MAC != "" {
					r.MAC = ph.MAC
				}
				if rd := stp.Evidence.Reading; rd != nil {
					r.PoEClass, r.VoiceVLAN = rd.PoEClass, rd.VoiceVLAN
					if rd.Port != "" {
						r.Port = rd.Port
					}
				}
			case stp.Physical && stp.Passed():
				r.InstalledAt, r.InstalledBy = stp.At, stp.Engineer
			case stp.Key == "ptt_group" && stp.Passed():
				r.PTTGroup = firstOf(stp.Value, stp.Note)
			}
		}
		out = append(out, r)
	}
	export.SortRows(out, func(r export.Install) (string, string) { return r.Site, r.Position })
	return out, nil
}

// ExportNumbers is a site's DDI ledger. Duplicates are checked across every
// site on this laptop (the hub checks the force).
func ExportNumbers(ctx context.Context, s *site.Store, code string) (export.Numbers, error) {
	st, err := s.Site(ctx, code)
	if err != nil {
		return export.Numbers{}, err
	}
	sites, err := s.Sites(ctx)
	if err != nil {
		return export.Numbers{}, err
	}
	var rows []export.Number
	var uses []export.Use
	status := map[string]site.Status{} // by position label, this site's
	hub := map[string]map[string]Derived{}
	for _, other := range sites {
		if hub[other.Code], err = HubStates(ctx, s, other.Code); err != nil {
			return export.Numbers{}, err
		}
	}
	for _, other := range sites {
		ps, err := site.PositionRows(ctx, s.DB(), other.Code)
		if err != nil {
			return export.Numbers{}, err
		}
		for _, ip := range ps {
			nums, err := numbersOf(ctx, s.DB(), ip.ID, ip.Position)
			if err != nil {
				return export.Numbers{}, err
			}
			row := NumberRow(ip.Position, nums)
			if d, known := hub[other.Code][strings.ToLower(ip.Position.Label)]; known && hubNumbersDiffer(d, nums) {
				row.Fate, row.NewDDI, row.TeamsDDI = export.FateDisputed, "", "" // nothing is ceased on this laptop's word
			}
			uses = append(uses, NumberUses(row)...)
			if other.Code == st.Code {
				rows = append(rows, row)
				status[row.Position] = ip.Position.Status
			}
		}
	}
	return export.BuildNumbers(rows, func(r export.Number) bool {
		return LedgerCeases(r, status[r.Position])
	}, uses), nil
}

// NumberRow is a position's ledger row from where its numbers stand.
func NumberRow(p site.Position, n Numbers) export.Number {
	fate, extFate := export.NumberFate(p.Status == site.StatusWithdrawn, string(n.State), n.ExtState, n.At != "")
	r := export.Number{Site: p.Site, Position: p.Label, Extension: p.Extension, ExtensionFate: extFate, LegacyDDI: p.DDI,
		Fate: fate, TeamsDDI: n.TeamsDDI, At: n.At, By: n.By}
	if n.State == DDINew {
		r.NewDDI = n.DDI
	}
	return r
}

// NumberUses are the numbers a ledger row keeps in use: the legacy DDI
// while it is kept or nothing is recorded, the new DDI, the Teams DDI.
func NumberUses(r export.Number) []export.Use {
	var out []export.Use
	add := func(ddi, what string) {
		if ddi != "" {
			out = append(out, export.Use{DDI: ddi, Site: r.Site, Position: r.Position, What: what})
		}
	}
	switch r.Fate {
	case export.FateWithdrawn:
		return nil
	case export.FateKept, export.FatePending, export.FateDisputed:
		add(r.LegacyDDI, "legacy DDI")
	}
	add(r.NewDDI, "new DDI")
	add(r.TeamsDDI, "Teams DDI")
	return out
}

// LedgerCeases is CeasesWithCarrier for a ledger row whose position
// stands at status (the laptop's and the hub's numbers export both ask
// it): a withdrawn or disputed row ceases nothing.
func LedgerCeases(r export.Number, status site.Status) bool {
	return r.Fate != export.FateWithdrawn && CeasesWithCarrier(r.LegacyDDI, fateState(r.Fate), extStateOf(r.ExtensionFate), status)
}

func fateState(f string) DDIState {
	switch f {
	case export.FateKept:
		return DDIKept
	case export.FateReplaced:
		return DDINew
	case export.FateTeams:
		return DDITeams
	case export.FateSurrendered:
		return DDISurrendered
	}
	return DDIPending
}

func extStateOf(f string) string {
	if f == export.FatePending {
		return ""
	}
	return f
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// HubStates reads the hub's derived state of a site's positions, as last
// pulled, by lower-case label (none on a laptop that has never synced).
func HubStates(ctx context.Context, s *site.Store, code string) (map[string]Derived, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT entity_id, value FROM sync_facts WHERE site = ? AND entity = 'position' AND attr = 'state'`,
		strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Derived{}
	for rows.Next() {
		var label, value string
		if err := rows.Scan(&label, &value); err != nil {
			return nil, err
		}
		if d, ok := parseHubState(value); ok {
			out[strings.ToLower(label)] = d
		}
	}
	return out, rows.Err()
}

// hubTookOut says whether the hub's record holds the legacy handset as taken
// out, undisputed: only then may a laptop's export list it for deletion.
func hubTookOut(d Derived) bool {
	h := d.Legacy
	return h != nil && !h.Disputed && !d.OutcomeDisputed() && h.State != string(assets.StateInstalled)
}

// hubNumbersDiffer says whether the hub's record of a position's numbers is
// disputed or other than this laptop's.
func hubNumbersDiffer(d Derived, n Numbers) bool {
	h := d.Numbers
	return h.Disputed || d.OutcomeDisputed() || h.State != n.State || h.ExtState != n.ExtState || h.TeamsDDI != n.TeamsDDI ||
		(h.State == DDINew && h.DDI != n.DDI)
}

// HubDiffers lists a site's positions whose exports here leave out or mark
// disputed what this laptop recorded, because the hub's record differs.
func HubDiffers(ctx context.Context, s *site.Store, code string) ([]string, error) {
	hub, err := HubStates(ctx, s, code)
	if err != nil || len(hub) == 0 {
		return nil, err
	}
	ps, err := site.PositionRows(ctx, s.DB(), strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ip := range ps {
		d, ok := hub[strings.ToLower(ip.Position.Label)]
		if !ok {
			continue
		}
		nums, err := numbersOf(ctx, s.DB(), ip.ID, ip.Position)
		if err != nil {
			return nil, err
		}
		a, held, err := assets.AtPosition(ctx, s.DB(), ip.ID, assets.KindLegacy)
		if err != nil {
			return nil, err
		}
		out0 := held && (a.State == assets.StateRemoved || a.State.Disposed())
		if hubNumbersDiffer(d, nums) || out0 && !hubTookOut(d) {
			out = append(out, ip.Position.Label)
		}
	}
	return out, nil
}
