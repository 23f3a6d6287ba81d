package swap

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"cutover/devices"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/client"
)

// DiscoverSite reads a site's switches over SNMP, reconciles what they show
// with the site's inventory (matched, moved, unexpected, missing, unchecked)
// and stores it as timed observations, in one transaction. switches are
// inventory names or addresses; none means every switch in the inventory.
// Inventory names are read at the addresses recorded for the site
// (`cutover step --switch-addr`, or the demo's switches). This is the one
// path behind `cutover discover --site` and the TUI's discovery screen.
func DiscoverSite(ctx context.Context, st *site.Store, engineer, code string, switches []string,
	creds devices.Credentials, o devices.Options) ([]devices.SwitchResult, devices.Reconciliation, error) {
	var rec devices.Reconciliation
	positions, err := st.Positions(ctx, code)
	if err != nil {
		return nil, rec, err
	}
	addrs, err := st.SwitchAddrs(ctx, code)
	if err != nil {
		return nil, rec, err
	}
	aliases := map[string]string{}
	for _, a := range addrs {
		aliases[a.Switch] = a.Addr
	}
	if len(switches) == 0 {
		switches = InventorySwitches(positions, aliases)
		if len(switches) == 0 {
			return nil, rec, fmt.Errorf("site %s has no switches in its inventory", code)
		}
	}
	targets := make([]devices.Target, len(switches))
	for i, s := range switches {
		if a, ok := aliases[s]; ok {
			s = a
		}
		targets[i] = devices.Target{Address: s, Creds: creds}
	}
	expect, err := runbook.SiteExpectations(ctx, st, code)
	if err != nil {
		return nil, rec, err
	}
	notOurs, err := client.NotOurs(ctx, st, code)
	if err != nil {
		return nil, rec, err
	}
	results := devices.Discover(ctx, targets, o)
	rec = ReconcileSite(positions, expect, results, aliases)
	rec.Unexpected = withoutNotOurs(rec.Unexpected, notOurs)
	if _, err := st.SaveDiscovery(ctx, engineer, DiscoveryRecord(code, results, rec)); err != nil {
		return results, rec, fmt.Errorf("storing the discovery: %w", err)
	}
	return results, rec, nil
}

// withoutNotOurs drops the phones marked (or proposed) as not ours.
func withoutNotOurs(seen []devices.Sighting, notOurs map[string]bool) []devices.Sighting {
	out := seen[:0:0]
	for _, s := range seen {
		if !notOurs[strings.ToLower(s.Phone.MAC)] {
			out = append(out, s)
		}
	}
	return out
}

// InventorySwitches lists the distinct switches of the active positions, at
// their recorded addresses.
func InventorySwitches(positions []site.Position, aliases map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range positions {
		if p.Switch == "" || p.Status == site.StatusWithdrawn {
			continue
		}
		addr := p.Switch
		if a, ok := aliases[p.Switch]; ok {
			addr = a
		}
		if !seen[strings.ToLower(addr)] {
			seen[strings.ToLower(addr)] = true
			out = append(out, addr)
		}
	}
	sort.Strings(out)
	return out
}

// ReconcileSite judges the active positions against what the switches
// showed, by what each one's swap has recorded (runbook.ExpectOnPort): a
// position past its swap expects its new phone (by MAC, or any Avaya phone
// on the port until its MAC is recorded) and never its legacy handset, so
// it is not missing for lacking it; a removal done expects nothing, and its
// legacy handset seen anywhere is a leftover of that position.
func ReconcileSite(positions []site.Position, expect map[string]runbook.PortExpectation, results []devices.SwitchResult, aliases map[string]string) devices.Reconciliation {
	var exp, gone []devices.Expected
	for _, p := range positions {
		if p.Status == site.StatusWithdrawn {
			continue
		}
		e, ok := expect[strings.ToLower(p.Label)]
		if !ok {
			e = runbook.PortExpectation{Label: p.Label, Legacy: true}
		}
		if e.LegacyGone && p.MAC != "" {
			gone = append(gone, devices.Expected{Label: p.Label, MAC: p.MAC})
		}
		switch {
		case e.Legacy:
			exp = append(exp, devices.Expected{Label: p.Label, MAC: p.MAC, Switch: p.Switch, Port: p.Port})
		case e.NewMAC != "":
			exp = append(exp, devices.Expected{Label: p.Label, MAC: e.NewMAC, Switch: p.Switch, Port: p.Port})
		case e.NewAvaya:
			exp = append(exp, devices.Expected{Label: p.Label, Switch: p.Switch, Port: p.Port, Vendor: "avaya"})
		}
	}
	return devices.ReconcileGone(exp, gone, results, aliases)
}

func observed(s devices.Sighting, label, outcome string) site.ObservedPhone {
	p := s.Phone
	return site.ObservedPhone{Switch: s.Switch, SysName: s.SysName, Port: p.Port, IfIndex: p.IfIndex, MAC: p.MAC, IP: p.IP,
		Name: p.Name, Vendor: p.Vendor, Model: p.Model, Serial: p.Serial, Firmware: p.Firmware, VoiceVLAN: p.VoiceVLAN,
		AccessVLAN: p.AccessVLAN, PoEClass: p.PoEClass, PoEMW: p.PoEMW, Sources: p.Sources, Evidence: p.Evidence,
		Label: label, Outcome: outcome}
}

// DiscoveryRecord is what the store keeps of one discovery: every phone
// seen and a verdict per position.
func DiscoveryRecord(code string, results []devices.SwitchResult, r devices.Reconciliation) site.Discovery {
	d := site.Discovery{Site: code}
	for _, res := range results {
		sw := site.ObservedSwitch{Switch: res.Switch, SysName: res.SysName, Error: res.Error,
			ChassisID: res.LLDPChassisID, ChassisIDSubtype: res.LLDPChassisIDSubtype}
		for _, p := range res.Ports {
			if p.LLDPPortID != "" {
				sw.Ports = append(sw.Ports, site.ObservedPort{Port: p.Name, IfIndex: p.IfIndex, PortID: p.LLDPPortID, PortIDSubtype: p.LLDPPortIDSubtype})
			}
		}
		d.Switches = append(d.Switches, sw)
	}
	for _, m := range r.Matched {
		d.Phones = append(d.Phones, observed(m.Seen, m.Expected.Label, site.OutcomeMatched))
		d.Verdicts = append(d.Verdicts, site.Verdict{Label: m.Expected.Label, Outcome: site.OutcomeMatched,
			Switch: m.Seen.Switch, Port: m.Seen.Phone.Port, MAC: m.Seen.Phone.MAC})
	}
	for _, m := range r.Moved {
		d.Phones = append(d.Phones, observed(m.Seen, m.Expected.Label, site.OutcomeMoved))
		d.Verdicts = append(d.Verdicts, site.Verdict{Label: m.Expected.Label, Outcome: site.OutcomeMoved,
			Switch: m.Seen.Switch, Port: m.Seen.Phone.Port, MAC: m.Seen.Phone.MAC})
	}
	for _, s := range r.Unexpected {
		d.Phones = append(d.Phones, observed(s, "", site.OutcomeUnexpected))
	}
	for _, l := range r.Leftover {
		d.Phones = append(d.Phones, observed(l.Seen, l.Label, site.OutcomeUnexpected))
	}
	for _, e := range r.Missing {
		d.Verdicts = append(d.Verdicts, site.Verdict{Label: e.Label, Outcome: site.OutcomeMissing})
	}
	for _, e := range r.Unchecked {
		d.Verdicts = append(d.Verdicts, site.Verdict{Label: e.Label, Outcome: site.OutcomeUnchecked})
	}
	return d
}
