package site

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Discovery outcomes for observed phones and planned positions.
const (
	OutcomeMatched    = "matched"
	OutcomeMoved      = "moved"
	OutcomeUnexpected = "unexpected"
	OutcomeMissing    = "missing"
	OutcomeUnchecked  = "unchecked"
)

// ObservedPhone is one phone seen by a discovery. Label and Outcome tie it
// to a planned position (Outcome matched or moved) or not (unexpected).
type ObservedPhone struct {
	Switch, SysName, Port                string
	IfIndex                              int
	MAC, IP, Name, Vendor, Model, Serial string
	Firmware                             string
	VoiceVLAN, AccessVLAN                int
	PoEClass, PoEMW                      *int
	Sources, Evidence                    []string
	Label                                string
	Outcome                              string
}

// ObservedSwitch is one switch read by a discovery; Error is "" when it
// answered. It must never hold a secret (devices redacts its errors).
type ObservedSwitch struct {
	Switch, SysName, Error string
	// ChassisID and ChassisIDSubtype are the switch's own LLDP chassis ID
	// (lldpLocChassisId, display form) and its subtype; "" and 0 when not
	// read. Ports has the LLDP port ID each port advertises.
	ChassisID        string
	ChassisIDSubtype int
	Ports            []ObservedPort
}

// ObservedPort is the LLDP port ID (lldpLocPortId, display form) and
// subtype a switch advertises for one of its ports.
type ObservedPort struct {
	Port          string // ifName
	IfIndex       int
	PortID        string
	PortIDSubtype int
}

// Verdict is a discovery's verdict on one planned position. For moved
// positions Switch and Port say where the phone was seen.
type Verdict struct {
	Label   string `json:"label"`
	Outcome string `json:"outcome"`
	Switch  string `json:"observed_switch,omitempty"`
	Port    string `json:"observed_port,omitempty"`
	MAC     string `json:"observed_mac,omitempty"`
	At      string `json:"at,omitempty"`
	// Older is set when a later discovery could not check the position
	// (its switch was not read): the verdict is from the latest one that
	// did, and At says when.
	Older bool `json:"older,omitempty"`
}

// Discovery is what one `cutover discover --site` run stores.
type Discovery struct {
	Site     string
	Switches []ObservedSwitch
	Phones   []ObservedPhone
	Verdicts []Verdict
}

// SaveDiscovery stores a discovery in one transaction: the run, its
// switches, every observed phone, and a verdict per position. Positions
// still planned that were matched or moved become discovered. The op log
// gets one entry with the counts and verdicts.
func (s *Store) SaveDiscovery(ctx context.Context, engineer string, d Discovery) (int64, error) {
	code := strings.ToUpper(d.Site)
	var id int64
	err := s.Write(ctx, engineer, func(tx *Tx) error {
		if _, ok, err := getSite(ctx, tx, code); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("site %s: %w", code, ErrNotFound)
		}
		failed := 0
		for _, sw := range d.Switches {
			if sw.Error != "" {
				failed++
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO discoveries (site, at, engineer, switches, failed) VALUES (?,?,?,?,?)`,
			code, tx.Now, tx.Engineer, len(d.Switches), failed)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, sw := range d.Switches {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO discovery_switches (discovery_id, switch, sys_name, error,
				chassis_id, chassis_id_subtype) VALUES (?,?,?,?,?,?)`,
				id, sw.Switch, sw.SysName, sw.Error, sw.ChassisID, sw.ChassisIDSubtype); err != nil {
				return err
			}
			ports := []map[string]any{}
			for _, p := range sw.Ports {
				if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO discovery_ports (discovery_id, switch, port, if_index,
					port_id, port_id_subtype) VALUES (?,?,?,?,?,?)`, id, sw.Switch, p.Port, p.IfIndex, p.PortID, p.PortIDSubtype); err != nil {
					return err
				}
				ports = append(ports, map[string]any{"port": p.Port, "if_index": p.IfIndex, "port_id": p.PortID, "port_id_subtype": p.PortIDSubtype})
			}
			if sw.Error == "" && (sw.ChassisID != "" || len(ports) > 0) {
				// The hub's teams-lis export reads it from its journal.
				if err := tx.Op(code, "switch.lldp.v1", "switch", sw.Switch, map[string]any{"discovery": id, "switch": sw.Switch,
					"sys_name": sw.SysName, "chassis_id": sw.ChassisID, "chassis_id_subtype": sw.ChassisIDSubtype, "ports": ports}); err != nil {
					return err
				}
			}
		}
		posID := func(label string) (int64, error) {
			var pid int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM positions WHERE site = ? AND label = ? COLLATE NOCASE`, code, label).Scan(&pid)
			if err == sql.ErrNoRows {
				return 0, fmt.Errorf("position %s at site %s: %w", label, code, ErrNotFound)
			}
			return pid, err
		}
		for _, p := range d.Phones {
			var pid any
			if p.Label != "" {
				n, err := posID(p.Label)
				if err != nil {
					return err
				}
				pid = n
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO observations (discovery_id, site, at, switch, sys_name, port, if_index,
				mac, ip, name, vendor, model, serial, firmware, voice_vlan, access_vlan, poe_class, poe_mw, sources, evidence,
				position_id, outcome) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				id, code, tx.Now, p.Switch, p.SysName, p.Port, p.IfIndex, p.MAC, p.IP, p.Name, p.Vendor, p.Model, p.Serial,
				p.Firmware, p.VoiceVLAN, p.AccessVLAN, intOrNull(p.PoEClass), intOrNull(p.PoEMW),
				strings.Join(p.Sources, ","), strings.Join(p.Evidence, ","), pid, p.Outcome); err != nil {
				return fmt.Errorf("observation of %s on %s %s: %w", p.MAC, p.Switch, p.Port, err)
			}
		}
		counts := map[string]int{}
		for _, v := range d.Verdicts {
			pid, err := posID(v.Label)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO position_verdicts (discovery_id, position_id, outcome, observed_switch,
				observed_port, observed_mac, at, engineer) VALUES (?,?,?,?,?,?,?,?)`,
				id, pid, v.Outcome, v.Switch, v.Port, v.MAC, tx.Now, tx.Engineer); err != nil {
				return fmt.Errorf("verdict for %s: %w", v.Label, err)
			}
			counts[v.Outcome]++
			if v.Outcome == OutcomeMoved && v.Port != "" {
				// What the switch shows beats the plan: the hub records the
				// observed port and flags the plan for the supervisor.
				if err := tx.Op(code, "position.observe.v1", "position", v.Label,
					map[string]string{"attr": "port", "value": v.Port}); err != nil {
					return err
				}
			}
			if v.Outcome == OutcomeMatched || v.Outcome == OutcomeMoved {
				var st Status
				if err := tx.QueryRowContext(ctx, `SELECT status FROM positions WHERE id = ?`, pid).Scan(&st); err != nil {
					return err
				}
				if st == StatusPlanned {
					if err := tx.SetStatus(ctx, code, v.Label, StatusDiscovered, "seen by discovery"); err != nil {
						return err
					}
				}
			}
		}
		for _, p := range d.Phones {
			if p.Outcome == OutcomeUnexpected {
				counts[OutcomeUnexpected]++
			}
		}
		return tx.Op(code, "discovery.v1", "site", code, map[string]any{
			"discovery": id, "switches": len(d.Switches), "failed": failed, "phones": len(d.Phones),
			"counts": counts, "verdicts": d.Verdicts,
		})
	})
	return id, err
}

func intOrNull(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// LatestVerdicts returns, for each position of a site that a discovery has
// judged, the latest verdict, keyed by label.
func (s *Store) LatestVerdicts(ctx context.Context, code string) (map[string]Verdict, error) {
	// The latest verdict that checked the position: a discovery that
	// could not read its switch (wrong community, no answer) does not wipe
	// what an earlier one found; the verdict is then marked older.
	rows, err := s.r.QueryContext(ctx, `SELECT p.label, v.outcome, v.observed_switch, v.observed_port, v.observed_mac, v.at,
		v.discovery_id < (SELECT MAX(v3.discovery_id) FROM position_verdicts v3 WHERE v3.position_id = v.position_id)
		FROM position_verdicts v JOIN positions p ON p.id = v.position_id
		WHERE p.site = ? AND v.discovery_id = coalesce(
			(SELECT MAX(v2.discovery_id) FROM position_verdicts v2 WHERE v2.position_id = v.position_id AND v2.outcome <> 'unchecked'),
			(SELECT MAX(v2.discovery_id) FROM position_verdicts v2 WHERE v2.position_id = v.position_id))
		ORDER BY p.label`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Verdict{}
	for rows.Next() {
		var v Verdict
		if err := rows.Scan(&v.Label, &v.Outcome, &v.Switch, &v.Port, &v.MAC, &v.At, &v.Older); err != nil {
			return nil, err
		}
		out[v.Label] = v
	}
	return out, rows.Err()
}

// latestGoodRead is the latest discovery of site ? that read switch
// o.switch without an error.
const latestGoodRead = `SELECT MAX(ds.discovery_id) FROM discovery_switches ds JOIN discoveries d ON d.id = ds.discovery_id
	WHERE d.site = ? AND ds.switch = o.switch AND ds.error = ''`

// LastSeen returns the most recent observation of a MAC at a site, and
// false when it was never seen.
func (s *Store) LastSeen(ctx context.Context, code, mac string) (ObservedPhone, string, bool, error) {
	var p ObservedPhone
	var at, sources, evidence string
	var class, mw sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT switch, sys_name, port, if_index, mac, ip, name, vendor, model, serial, firmware,
		voice_vlan, access_vlan, poe_class, poe_mw, sources, evidence, outcome, at
		FROM observations WHERE site = ? AND mac = ? ORDER BY id DESC LIMIT 1`, strings.ToUpper(code), strings.ToLower(mac)).
		Scan(&p.Switch, &p.SysName, &p.Port, &p.IfIndex, &p.MAC, &p.IP, &p.Name, &p.Vendor, &p.Model, &p.Serial, &p.Firmware,
			&p.VoiceVLAN, &p.AccessVLAN, &class, &mw, &sources, &evidence, &p.Outcome, &at)
	if err == sql.ErrNoRows {
		return p, "", false, nil
	}
	if err != nil {
		return p, "", false, err
	}
	if class.Valid {
		c := int(class.Int64)
		p.PoEClass = &c
	}
	if mw.Valid {
		m := int(mw.Int64)
		p.PoEMW = &m
	}
	if sources != "" {
		p.Sources = strings.Split(sources, ",")
	}
	if evidence != "" {
		p.Evidence = strings.Split(evidence, ",")
	}
	return p, at, true, nil
}

// LatestUnexpected lists the phones that no position plans, as the latest
// discovery that read each switch saw them (a later read that failed does
// not wipe them): unexpected phones (Label "") and leftovers (a legacy
// handset recorded as taken out, still seen: Label is its position).
func (s *Store) LatestUnexpected(ctx context.Context, code string) ([]ObservedPhone, error) {
	code = strings.ToUpper(code)
	rows, err := s.r.QueryContext(ctx, `SELECT o.switch, o.sys_name, o.port, o.if_index, o.mac, o.ip, o.name, o.vendor, o.model,
		o.serial, o.firmware, o.voice_vlan, o.access_vlan, o.poe_class, o.poe_mw, o.sources, o.evidence, o.outcome,
		COALESCE(p.label, '') FROM observations o LEFT JOIN positions p ON p.id = o.position_id
		WHERE o.site = ? AND o.outcome = ? AND o.discovery_id = (`+latestGoodRead+`)
		ORDER BY o.switch, o.port, o.mac`, code, OutcomeUnexpected, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ObservedPhone
	for rows.Next() {
		var p ObservedPhone
		var sources, evidence string
		var class, mw sql.NullInt64
		if err := rows.Scan(&p.Switch, &p.SysName, &p.Port, &p.IfIndex, &p.MAC, &p.IP, &p.Name, &p.Vendor, &p.Model, &p.Serial,
			&p.Firmware, &p.VoiceVLAN, &p.AccessVLAN, &class, &mw, &sources, &evidence, &p.Outcome, &p.Label); err != nil {
			return nil, err
		}
		if class.Valid {
			c := int(class.Int64)
			p.PoEClass = &c
		}
		if mw.Valid {
			m := int(mw.Int64)
			p.PoEMW = &m
		}
		if sources != "" {
			p.Sources = strings.Split(sources, ",")
		}
		if evidence != "" {
			p.Evidence = strings.Split(evidence, ",")
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
