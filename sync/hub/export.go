package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"cutover/site"
	"cutover/site/export"
	"cutover/site/runbook"
)

// Exports from the central inventory: the same rows and rules as a
// laptop's `cutover export` (package export), from what every laptop
// pushed: the plan's positions, the facts the ops set (numbers, handsets
// and where the legacy ones went), the journal (when the handset was
// swapped and by whom, what the verify step read, the switches' LLDP
// identity from switch.lldp.v1). Duplicate DDIs are checked across every
// site on the hub.

// Export is one export of one or more sites.
type Export struct {
	Kind    export.Kind
	Sites   []string
	Retire  []export.Retire
	Install []export.Install
	Numbers export.Numbers
	LIS     export.LIS
	// Withheld names the positions (SITE/LABEL) whose handset this export
	// leaves out because its identity, removal or fate is disputed.
	Withheld []string
	// Gaps are the rows the export could not write, or wrote without what
	// its loader needs, and why (the withheld handsets among them).
	Gaps []export.Gap
}

// Write writes the export in format (see export.Kind.Formats).
func (e Export) Write(w io.Writer, format string) error {
	return e.WriteFile(w, format, "")
}

// WriteFile is Write choosing, for teams-lis csv, which load file
// (export.LISFileNames; "" for ports.csv).
func (e Export) WriteFile(w io.Writer, format, file string) error {
	switch e.Kind {
	case export.KindRetire:
		return export.WriteRetire(w, format, e.Sites, e.Retire, e.Gaps)
	case export.KindInstall:
		return export.WriteInstall(w, format, e.Sites, e.Install, e.Gaps)
	case export.KindNumbers:
		return export.WriteNumbers(w, format, e.Sites, e.Numbers, e.Gaps)
	}
	return export.WriteLISFile(w, format, file, e.Sites, e.LIS)
}

// hubPosition is a position as the export reads it from the hub.
type hubPosition struct {
	site.Position
	numbers  runbook.Numbers
	recorded bool
	// numbersDisputed: the numbers' standing is disputed; nothing is
	// ceased with the carrier meanwhile.
	numbersDisputed bool
	attempt         int
	steps           map[string]exportTry // the latest result of each step in the latest attempt
	legacy          *hubHandset
	installed       *hubHandset
	// takenOut is the step that took the legacy handset out (Derived.TakenOut).
	takenOut *runbook.DerivedStep
	// observedPort is the port discovery saw the position's phone on when
	// it was not the planned one (the position.observe.v1 fact).
	observedPort string
}

type exportTry struct {
	outcome, value, note, engineer, at string
	evidence                           *runbook.Observation
}

type hubHandset struct {
	rec                handset
	model, vendor      string
	state, disposition string
	wtn                string
	// standing is "" when the handset's place and fate stand, else
	// "disputed" or "overruled": no destructive export names it.
	standing string
}

// Export builds an export of the sites named (every site p may read when
// sites is empty: --all).
func (s *Store) Export(ctx context.Context, p Principal, kind export.Kind, sites []string, allPorts bool) (Export, error) {
	e := Export{Kind: kind}
	err := s.read(ctx, func(t *tx) error {
		all, err := hubSites(t)
		if err != nil {
			return err
		}
		if len(sites) == 0 {
			for _, c := range all {
				if p.CanRead(c.Code) {
					e.Sites = append(e.Sites, c.Code)
				}
			}
		} else {
			known := map[string]bool{}
			for _, c := range all {
				known[c.Code] = true
			}
			for _, c := range sites {
				c = strings.ToUpper(c)
				if !known[c] {
					return fmt.Errorf("site %s: %w on the hub", c, ErrNotFound)
				}
				if !p.CanRead(c) {
					return fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, c)
				}
				e.Sites = append(e.Sites, c)
			}
		}
		sort.Strings(e.Sites)
		byCode := map[string]site.Site{}
		for _, c := range all {
			byCode[c.Code] = c
		}
		if kind == export.KindNumbers {
			return s.exportNumbers(t, p, &e, all)
		}
		e.LIS = export.LIS{Addresses: []export.CivicAddress{}, Switches: []export.LISSwitch{}, Ports: []export.LISPort{}, Gaps: []export.LISGap{}}
		e.Gaps = []export.Gap{}
		for _, code := range e.Sites {
			ps, err := exportHubPositions(t, code)
			if err != nil {
				return err
			}
			switch kind {
			case export.KindRetire:
				rows := retireRows(ps)
				e.Retire = append(e.Retire, rows...)
				e.Gaps = append(e.Gaps, export.RetireGaps(rows)...)
				e.Withheld = append(e.Withheld, withheld(ps, func(hp *hubPosition) *hubHandset { return hp.legacy })...)
			case export.KindInstall:
				e.Install = append(e.Install, installRows(ps)...)
				e.Withheld = append(e.Withheld, withheld(ps, func(hp *hubPosition) *hubHandset { return hp.installed })...)
			case export.KindTeamsLIS:
				l, err := hubLIS(t, byCode[code], ps, allPorts)
				if err != nil {
					return err
				}
				e.LIS.Addresses = append(e.LIS.Addresses, l.Addresses...)
				e.LIS.Switches = append(e.LIS.Switches, l.Switches...)
				e.LIS.Ports = append(e.LIS.Ports, l.Ports...)
				e.LIS.Gaps = append(e.LIS.Gaps, l.Gaps...)
				e.Gaps = append(e.Gaps, l.Gaps...)
			}
		}
		for _, w := range e.Withheld {
			code, label, _ := strings.Cut(w, "/")
			e.Gaps = append(e.Gaps, export.Gap{Site: code, Position: label,
				Reason: "left out: the hub's record of its handset is disputed or overruled (cutover hub conflicts)"})
		}
		export.SortGaps(e.Gaps)
		return nil
	})
	return e, err
}

func hubSites(t *tx) ([]site.Site, error) {
	rows, err := t.query(`SELECT code, name, address, cease_date FROM sites ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []site.Site
	for rows.Next() {
		var st site.Site
		if err := rows.Scan(&st.Code, &st.Name, &st.Address, &st.CeaseDate); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// exportHubPositions reads a site's positions with their derived state
// (derive.go): the numbers, the standing steps of the latest attempt and
// the handsets, each marked disputed where its standing is.
func exportHubPositions(t *tx, code string) ([]*hubPosition, error) {
	rows, err := t.query(`SELECT label, building, floor, room, role, plan, legacy_vendor, legacy_model, mac, extension, ddi,
		switch, port, target_model, status, planned_critical, max_dark_minutes FROM positions WHERE site = ?`, code)
	if err != nil {
		return nil, err
	}
	byLabel := map[string]*hubPosition{}
	var out []*hubPosition
	for rows.Next() {
		hp := &hubPosition{steps: map[string]exportTry{}}
		q := &hp.Position
		if err := rows.Scan(&q.Label, &q.Building, &q.Floor, &q.Room, &q.Role, &q.Plan, &q.LegacyVendor, &q.LegacyModel, &q.MAC,
			&q.Extension, &q.DDI, &q.Switch, &q.Port, &q.TargetModel, &q.Status, &q.Critical, &q.MaxDarkMinutes); err != nil {
			rows.Close()
			return nil, err
		}
		q.Site = code
		byLabel[strings.ToLower(q.Label)] = hp
		out = append(out, hp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	states, err := derivedSite(t, code)
	if err != nil {
		return nil, err
	}
	verdict, err := claimVerdicts(t, code)
	if err != nil {
		return nil, err
	}
	for key, hp := range byLabel {
		d, ok := states[key]
		if !ok {
			d = runbook.Derive(hp.Position, nil, nil)
		}
		hp.numbers, hp.recorded, hp.attempt, hp.takenOut = d.Numbers.Numbers, d.Numbers.At != "", d.Attempt, d.TakenOut
		hp.numbersDisputed = verdict.numbersDisputed(d.Numbers, key)
		for _, st := range d.Steps {
			hp.steps[st.Key] = exportTry{outcome: string(st.Outcome), value: st.Value, note: st.Note,
				engineer: runbook.Who(st.By, st.Label), at: st.At, evidence: st.Evidence}
		}
		if h := d.Legacy; h != nil {
			hh := &hubHandset{rec: handset{Kind: "legacy", Serial: h.Serial, MAC: h.MAC, AssetTag: h.Tag, Position: hp.Label},
				model: h.Model, vendor: string(hp.LegacyVendor), state: h.State, wtn: h.WTNRef}
			switch h.State {
			case "returned_to_store", "weee_disposal", "lost":
				hh.disposition = h.State
			}
			hh.standing = verdict.handset(h, key)
			hp.legacy = hh
		}
		if h := d.New; h != nil && h.State == "installed" {
			hh := &hubHandset{rec: handset{Kind: "new", Serial: h.Serial, MAC: h.MAC, AssetTag: h.Tag, Position: hp.Label},
				model: h.Model, vendor: "avaya", state: h.State}
			hh.standing = verdict.handset(h, key)
			hp.installed = hh
		}
	}
	// Where discovery saw a position's phone, when not the planned port.
	frows, err := t.query(`SELECT entity_id, value FROM facts WHERE site = ? AND entity = 'position' AND attr = 'port'`, code)
	if err != nil {
		return nil, err
	}
	defer frows.Close()
	for frows.Next() {
		var id, value string
		if err := frows.Scan(&id, &value); err != nil {
			return nil, err
		}
		if hp := byLabel[strings.ToLower(id)]; hp != nil {
			hp.observedPort = value
		}
	}
	return out, frows.Err()
}

// physical is the passed step of the latest attempt where the phone on
// the jack was put there: the swap, or a reopened position's replacement.
func (hp *hubPosition) physical() (exportTry, bool) {
	for _, key := range []string{"swap", "remove", runbook.StepReplace} {
		if tr, ok := hp.steps[key]; ok && (tr.outcome == "pass" || tr.outcome == "skip") {
			return tr, true
		}
	}
	return exportTry{}, false
}

func retireRows(ps []*hubPosition) []export.Retire {
	var out []export.Retire
	for _, hp := range ps {
		h := hp.legacy
		if h == nil || h.standing != "" || (h.state != "removed" && h.disposition == "" && h.state != "returned_to_store" && h.state != "weee_disposal" && h.state != "lost") {
			continue
		}
		p := hp.Position
		mac := h.rec.MAC
		if mac == "" {
			mac = p.MAC
		}
		disp := h.disposition
		if disp == "" {
			disp = h.state
		}
		r := export.Retire{Site: p.Site, Position: p.Label, Building: p.Building, Floor: p.Floor, Room: p.Room, Vendor: string(p.LegacyVendor),
			Model: firstNonBlank(h.model, p.LegacyModel), DeviceName: export.DeviceName(string(p.LegacyVendor), mac), MAC: mac,
			Serial: h.rec.Serial, AssetTag: h.rec.AssetTag, Extension: p.Extension, DDI: p.DDI, Disposition: disp, WTNRef: h.wtn}
		if o := hp.takenOut; o != nil {
			r.RemovedAt, r.RemovedBy = o.At, runbook.Who(o.By, o.Label)
		}
		out = append(out, r)
	}
	export.SortRows(out, func(r export.Retire) (string, string) { return r.Site, r.Position })
	return out
}

func installRows(ps []*hubPosition) []export.Install {
	var out []export.Install
	for _, hp := range ps {
		h := hp.installed
		if h == nil || h.standing != "" {
			continue // a disputed phone is in no platform's file: the reports show it
		}
		p := hp.Position
		r := export.Install{Site: p.Site, Position: p.Label, Building: p.Building, Floor: p.Floor, Room: p.Room, Plan: string(p.Plan),
			Model: h.model, Serial: h.rec.Serial, MAC: h.rec.MAC, AssetTag: h.rec.AssetTag, Extension: p.Extension,
			DDI: runbook.NumberOf(p, hp.numbers).DDI, Switch: p.Switch, Port: p.Port, PTT: p.Plan == site.PlanAvayaPTT}
		if v, ok := hp.steps["verify"]; ok && v.evidence != nil {
			if ph := v.evidence.Phone; ph != nil && ph.MAC != "" {
				r.MAC = ph.MAC
			}
			if rd := v.evidence.Reading; rd != nil {
				r.PoEClass, r.VoiceVLAN = rd.PoEClass, rd.VoiceVLAN
				if rd.Port != "" {
					r.Port = rd.Port
				}
			}
		}
		if tr, ok := hp.physical(); ok {
			r.InstalledAt, r.InstalledBy = tr.at, tr.engineer
		}
		if g, ok := hp.steps["ptt_group"]; ok && (g.outcome == "pass" || g.outcome == "skip") {
			r.PTTGroup = firstNonBlank(g.value, g.note)
		}
		out = append(out, r)
	}
	export.SortRows(out, func(r export.Install) (string, string) { return r.Site, r.Position })
	return out
}

// exportNumbers is the ledger of e.Sites, with duplicates checked across
// every site on the hub (a place at a site p may not read is not named).
func (s *Store) exportNumbers(t *tx, p Principal, e *Export, all []site.Site) error {
	want := map[string]bool{}
	for _, c := range e.Sites {
		want[c] = true
	}
	var rows []export.Number
	var uses []export.Use
	status := map[[2]string]site.Status{} // by site and position
	for _, st := range all {
		ps, err := exportHubPositions(t, st.Code)
		if err != nil {
			return err
		}
		for _, hp := range ps {
			n := hp.numbers
			if !hp.recorded {
				n.At = ""
			}
			row := runbook.NumberRow(hp.Position, n)
			if hp.numbersDisputed {
				row.Fate, row.NewDDI, row.TeamsDDI = export.FateDisputed, "", ""
			}
			for _, u := range runbook.NumberUses(row) {
				if !p.CanRead(u.Site) {
					u.Site, u.Position = "another site", "a position"
				}
				uses = append(uses, u)
			}
			if want[st.Code] {
				rows = append(rows, row)
				status[[2]string{row.Site, row.Position}] = hp.Position.Status
			}
		}
	}
	e.Numbers = export.BuildNumbers(rows, func(r export.Number) bool {
		return runbook.LedgerCeases(r, status[[2]string{r.Site, r.Position}]) // the laptop's rule
	}, uses)
	return nil
}

// hubLIS builds a site's Teams emergency locations from the latest
// switch.lldp.v1 of each switch in the journal.
func hubLIS(t *tx, st site.Site, ps []*hubPosition, allPorts bool) (export.LIS, error) {
	rows, err := t.query(`SELECT kind, entity_id, observed_at, payload FROM op_journal WHERE site = ?
		AND kind IN ('switch.lldp.v1', 'switch.addr.v1') AND outcome <> 'rejected' ORDER BY site_ver, client_id, client_seq`, st.Code)
	if err != nil {
		return export.LIS{}, err
	}
	defer rows.Close()
	latest := map[string]site.SwitchLLDP{}
	aliases := map[string]string{}
	var order []string
	for rows.Next() {
		var kind, id, at, payload string
		if err := rows.Scan(&kind, &id, &at, &payload); err != nil {
			return export.LIS{}, err
		}
		if kind == "switch.addr.v1" { // where a laptop reads an inventory switch
			var a struct{ Addr string }
			if json.Unmarshal([]byte(payload), &a) == nil && a.Addr != "" {
				aliases[id] = a.Addr
			}
			continue
		}
		var p struct {
			Switch    string `json:"switch"`
			SysName   string `json:"sys_name"`
			Chassis   string `json:"chassis_id"`
			ChassisST int    `json:"chassis_id_subtype"`
			Ports     []struct {
				Port    string `json:"port"`
				IfIndex int    `json:"if_index"`
				PortID  string `json:"port_id"`
				Subtype int    `json:"port_id_subtype"`
			} `json:"ports"`
		}
		if json.Unmarshal([]byte(payload), &p) != nil {
			continue
		}
		sw := site.SwitchLLDP{Switch: p.Switch, SysName: p.SysName, ChassisID: p.Chassis, ChassisIDSubtype: p.ChassisST, At: at}
		for _, q := range p.Ports {
			sw.Ports = append(sw.Ports, site.ObservedPort{Port: q.Port, IfIndex: q.IfIndex, PortID: q.PortID, PortIDSubtype: q.Subtype})
		}
		if _, ok := latest[id]; !ok {
			order = append(order, id)
		}
		latest[id] = sw
	}
	if err := rows.Err(); err != nil {
		return export.LIS{}, err
	}
	sort.Strings(order)
	read := make([]site.SwitchLLDP, 0, len(order))
	for _, id := range order {
		read = append(read, latest[id])
	}
	var positions []site.Position
	verdicts := map[string]site.Verdict{}
	for _, hp := range ps {
		if hp.Status != site.StatusWithdrawn {
			positions = append(positions, hp.Position)
		}
		if hp.observedPort != "" && hp.observedPort != hp.Port {
			verdicts[hp.Label] = site.Verdict{Label: hp.Label, Outcome: site.OutcomeMoved, Port: hp.observedPort}
		}
	}
	civic, err := civicOf(t, st.Code)
	if err != nil {
		return export.LIS{}, err
	}
	return runbook.BuildLIS(st, civic, positions, read, aliases, verdicts, allPorts), nil
}

func firstNonBlank(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// withheld lists the positions whose handset (picked by which) an export
// leaves out because its standing is disputed or overruled, in label order.
func withheld(ps []*hubPosition, which func(*hubPosition) *hubHandset) []string {
	var out []string
	for _, hp := range ps {
		if h := which(hp); h != nil && h.standing != "" {
			out = append(out, hp.Site+"/"+hp.Label)
		}
	}
	sort.Slice(out, func(i, j int) bool { return site.LabelLess(out[i], out[j]) })
	return out
}
