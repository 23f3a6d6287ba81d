package site

import (
	"context"
	"strings"
)

// LLDPLocal returns, for every switch of a site that a discovery read, what
// the latest discovery in which it answered stored of its own LLDP
// identity: its chassis ID and the port ID of each port (Ports), in port
// order. Switch is the address read (as in the observations) and SysName
// its sysName; At is when it was read.
func (s *Store) LLDPLocal(ctx context.Context, code string) ([]SwitchLLDP, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT ds.switch, ds.sys_name, ds.chassis_id, ds.chassis_id_subtype, d.at, ds.discovery_id
		FROM discovery_switches ds JOIN discoveries d ON d.id = ds.discovery_id
		WHERE d.site = ? AND ds.error = '' AND ds.discovery_id = (SELECT MAX(x.discovery_id) FROM discovery_switches x
			JOIN discoveries dx ON dx.id = x.discovery_id WHERE dx.site = d.site AND x.switch = ds.switch AND x.error = '')
		ORDER BY ds.switch`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	var out []SwitchLLDP
	var ids []int64
	for rows.Next() {
		var sw SwitchLLDP
		var id int64
		if err := rows.Scan(&sw.Switch, &sw.SysName, &sw.ChassisID, &sw.ChassisIDSubtype, &sw.At, &id); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sw)
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		prow, err := s.r.QueryContext(ctx, `SELECT port, if_index, port_id, port_id_subtype FROM discovery_ports
			WHERE discovery_id = ? AND switch = ? ORDER BY if_index, port`, ids[i], out[i].Switch)
		if err != nil {
			return nil, err
		}
		for prow.Next() {
			var p ObservedPort
			if err := prow.Scan(&p.Port, &p.IfIndex, &p.PortID, &p.PortIDSubtype); err != nil {
				prow.Close()
				return nil, err
			}
			out[i].Ports = append(out[i].Ports, p)
		}
		prow.Close()
		if err := prow.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SwitchLLDP is one switch's own LLDP identity as a discovery stored it.
type SwitchLLDP struct {
	Switch, SysName  string
	ChassisID        string
	ChassisIDSubtype int
	At               string
	Ports            []ObservedPort
}
