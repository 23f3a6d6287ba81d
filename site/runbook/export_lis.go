package runbook

import (
	"context"
	"fmt"
	"strings"

	"cutover/devices"
	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/export"
)

// ExportLIS is a site's Teams emergency locations from its latest
// discovery: every switch of the site with the chassis ID it advertises,
// and the access port of every position moving to Teams (every active
// position with allPorts) with the port ID the switch advertises for it,
// described by the site's address and the position's building, floor and
// room. What discovery did not read is a gap, never a guess.
func ExportLIS(ctx context.Context, s *site.Store, code string, allPorts bool) (export.LIS, error) {
	st, err := s.Site(ctx, code)
	if err != nil {
		return export.LIS{}, err
	}
	read, err := s.LLDPLocal(ctx, st.Code)
	if err != nil {
		return export.LIS{}, err
	}
	addrs, err := s.SwitchAddrs(ctx, st.Code)
	if err != nil {
		return export.LIS{}, err
	}
	aliases := map[string]string{}
	for _, a := range addrs {
		aliases[a.Switch] = a.Addr
	}
	verdicts, err := s.LatestVerdicts(ctx, st.Code)
	if err != nil {
		return export.LIS{}, err
	}
	ps, err := site.PositionRows(ctx, s.DB(), st.Code)
	if err != nil {
		return export.LIS{}, err
	}
	var positions []site.Position
	for _, ip := range ps {
		if ip.Position.Status != site.StatusWithdrawn {
			positions = append(positions, ip.Position)
		}
	}
	civic, err := s.CivicAddress(ctx, st.Code)
	if err != nil {
		return export.LIS{}, err
	}
	return BuildLIS(st, civic, positions, read, aliases, verdicts, allPorts), nil
}

// BuildLIS is ExportLIS's rule over what was read.
func BuildLIS(st site.Site, civic site.CivicAddress, positions []site.Position, read []site.SwitchLLDP, aliases map[string]string,
	verdicts map[string]site.Verdict, allPorts bool) export.LIS {
	l := export.LIS{Addresses: []export.CivicAddress{CivicAddressOf(st, civic)}, Switches: []export.LISSwitch{}, Ports: []export.LISPort{}, Gaps: []export.LISGap{}}
	find := func(name string) *site.SwitchLLDP {
		for i := range read {
			if devices.SwitchMatches(name, read[i].Switch, read[i].SysName, aliases) {
				return &read[i]
			}
		}
		return nil
	}
	describe := func(loc string) string {
		parts := []string{}
		for _, p := range []string{st.Name, st.Address, loc} {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		return strings.Join(parts, "; ")
	}
	// Switches, in name order, located at the building their positions
	// share (else the site).
	buildings := map[string]map[string]bool{}
	var names []string
	for _, p := range positions {
		if p.Switch == "" {
			continue
		}
		if buildings[p.Switch] == nil {
			buildings[p.Switch] = map[string]bool{}
			names = append(names, p.Switch)
		}
		buildings[p.Switch][p.Building] = true
	}
	export.SortRows(names, func(n string) (string, string) { return "", n })
	for _, n := range names {
		b := ""
		if len(buildings[n]) == 1 {
			for k := range buildings[n] {
				b = k
			}
		}
		r := find(n)
		switch {
		case r == nil:
			l.Gaps = append(l.Gaps, export.LISGap{Site: st.Code, Switch: n, Reason: "switch not read by discovery"})
		case r.ChassisID == "":
			l.Gaps = append(l.Gaps, export.LISGap{Site: st.Code, Switch: n, Reason: "the switch gave no LLDP chassis ID (lldpLocChassisId)"})
		case !export.PlainID(export.TeamsID(r.ChassisID, r.ChassisIDSubtype, true)):
			l.Gaps = append(l.Gaps, export.LISGap{Site: st.Code, Switch: n, Reason: notPlain("chassis ID", r.ChassisID)})
		default:
			place := export.Place{Site: st.Code, Building: b}
			l.Switches = append(l.Switches, export.LISSwitch{Site: st.Code, Switch: n, ChassisID: export.TeamsID(r.ChassisID, r.ChassisIDSubtype, true),
				ChassisIDSubtype: r.ChassisIDSubtype, Place: place, Description: describe(place.Words())})
		}
	}
	// Ports of the positions asked for, in label order.
	sorted := append([]site.Position{}, positions...)
	export.SortRows(sorted, func(p site.Position) (string, string) { return p.Site, p.Label })
	byKey := map[string]int{}
	for _, p := range sorted {
		if !allPorts && p.Plan != site.PlanTeamsDDI {
			continue
		}
		port := p.Port
		if v, ok := verdicts[p.Label]; ok && v.Outcome == site.OutcomeMoved && v.Port != "" {
			port = v.Port // where discovery saw the phone beats the plan
		}
		gap := func(why string) {
			l.Gaps = append(l.Gaps, export.LISGap{Site: st.Code, Position: p.Label, Switch: p.Switch, Port: port, Reason: why})
		}
		if p.Switch == "" || port == "" {
			gap("the inventory names no switch and port")
			continue
		}
		r := find(p.Switch)
		if r == nil {
			gap("switch not read by discovery")
			continue
		}
		if r.ChassisID == "" {
			gap("the switch gave no LLDP chassis ID (lldpLocChassisId)")
			continue
		}
		var op *site.ObservedPort
		for i := range r.Ports {
			if devices.SamePort(port, r.Ports[i].Port) {
				op = &r.Ports[i]
				break
			}
		}
		if op == nil || op.PortID == "" {
			gap(fmt.Sprintf("discovery read no LLDP port ID (lldpLocPortId) for port %s", port))
			continue
		}
		place := export.Place{Site: st.Code, Building: p.Building, Floor: p.Floor, Room: p.Room}
		chassis, portID := export.TeamsID(r.ChassisID, r.ChassisIDSubtype, true), export.TeamsID(op.PortID, op.PortIDSubtype, false)
		if !export.PlainID(chassis) {
			gap(notPlain("chassis ID", r.ChassisID))
			continue
		}
		if !export.PlainID(portID) {
			gap(notPlain("port ID", op.PortID))
			continue
		}
		if i, ok := byKey[chassis+"\x00"+portID]; ok {
			if !l.Ports[i].Place.Same(place) {
				gap(fmt.Sprintf("shares port %s with %s, which is at another location (%s)", port, l.Ports[i].Position, l.Ports[i].Place.Words()))
				continue
			}
			l.Ports[i].Position += "; " + p.Label
			continue
		}
		byKey[chassis+"\x00"+portID] = len(l.Ports)
		l.Ports = append(l.Ports, export.LISPort{Site: st.Code, Position: p.Label, Switch: p.Switch, Port: op.Port, ChassisID: chassis,
			PortID: portID, PortIDSubtype: op.PortIDSubtype, Place: place,
			Description: describe(p.Location())})
	}
	return l
}

// notPlain says why an LLDP identifier is a gap: the cmdlets must get it
// exactly, and it is not a plain identifier (export.PlainID).
func notPlain(what, id string) string {
	return fmt.Sprintf("the switch advertises the %s %q, which is not a plain identifier (letters, digits, / . _ : - and spaces): set it by hand", what, safetext.Clip(id, 40))
}

// CivicAddressOf is a site's address in the fields the Teams civic address
// takes (New-CsOnlineLisCivicAddress): the structured address the
// inventory gave, the site's name as the company, its address line as the
// description.
func CivicAddressOf(st site.Site, c site.CivicAddress) export.CivicAddress {
	return export.CivicAddress{Site: st.Code, CompanyName: st.Name, HouseNumber: c.HouseNumber, StreetName: c.Street, City: c.City,
		PostalCode: c.Postcode, CountryOrRegion: c.Country, Latitude: c.Latitude, Longitude: c.Longitude, Description: st.Address}
}
