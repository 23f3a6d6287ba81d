package site

import (
	"context"
	"sort"
	"strings"
)

// Finding is one thing the latest discovery of a site found out of line
// with the inventory: a position whose phone was seen on another port
// (moved) or not seen at all (missing), a phone nobody listed
// (unexpected), or a legacy handset recorded as taken out but still seen
// (leftover). The handover lists them in a section of their own.
type Finding struct {
	Kind    string `json:"kind"`            // moved, missing, unexpected, leftover
	Label   string `json:"label,omitempty"` // the position ("" for an unexpected phone)
	Switch  string `json:"switch,omitempty"`
	SysName string `json:"sys_name,omitempty"`
	Port    string `json:"port,omitempty"`
	MAC     string `json:"mac,omitempty"`
	Vendor  string `json:"vendor,omitempty"`
	Model   string `json:"model,omitempty"`
	At      string `json:"at"`
	// Older is set when a later discovery could not read the switch: the
	// finding is from the latest read that could, at At.
	Older bool `json:"older,omitempty"`
}

// Kinds of finding.
const (
	FindingMoved      = OutcomeMoved
	FindingMissing    = OutcomeMissing
	FindingUnexpected = OutcomeUnexpected
	FindingLeftover   = "leftover"
)

// Findings lists what the latest discovery of each position (moved,
// missing) and the site's latest discovery run (unexpected phones,
// leftover handsets) found, by kind and then label or port.
func (s *Store) Findings(ctx context.Context, code string) ([]Finding, error) {
	code = strings.ToUpper(code)
	vs, err := s.LatestVerdicts(ctx, code)
	if err != nil {
		return nil, err
	}
	// The switch's name where a moved phone was seen (verdicts keep the
	// address it was read at).
	names := map[string][2]string{}
	nrows, err := s.r.QueryContext(ctx, `SELECT p.label, o.sys_name, o.vendor, o.model FROM observations o JOIN positions p ON p.id = o.position_id
		WHERE o.site = ? AND o.outcome = 'moved' ORDER BY o.id`, code)
	if err != nil {
		return nil, err
	}
	for nrows.Next() {
		var label, sys, vendor, model string
		if err := nrows.Scan(&label, &sys, &vendor, &model); err != nil {
			nrows.Close()
			return nil, err
		}
		names[label] = [2]string{sys, strings.TrimSpace(vendor + " " + model)}
	}
	nrows.Close()
	if err := nrows.Err(); err != nil {
		return nil, err
	}
	// A position finished since (done, or withdrawn) is never missing.
	finished := map[string]bool{}
	frows, err := s.r.QueryContext(ctx, `SELECT label FROM positions WHERE site = ? AND status IN (?, ?)`, code, StatusDone, StatusWithdrawn)
	if err != nil {
		return nil, err
	}
	for frows.Next() {
		var l string
		if err := frows.Scan(&l); err != nil {
			frows.Close()
			return nil, err
		}
		finished[l] = true
	}
	frows.Close()
	if err := frows.Err(); err != nil {
		return nil, err
	}
	var out []Finding
	for _, v := range vs {
		if v.Outcome == OutcomeMissing && finished[v.Label] {
			continue
		}
		if v.Outcome == OutcomeMoved || v.Outcome == OutcomeMissing {
			f := Finding{Kind: v.Outcome, Label: v.Label, Switch: v.Switch, Port: v.Port, MAC: v.MAC, At: v.At, Older: v.Older}
			if v.Outcome == OutcomeMoved {
				f.SysName, f.Model = names[v.Label][0], names[v.Label][1]
			}
			out = append(out, f)
		}
	}
	// A leftover is stored as an unexpected phone that names the
	// position whose handset it is.
	rows, err := s.r.QueryContext(ctx, `SELECT coalesce(p.label, ''), o.switch, o.sys_name, o.port, o.mac, o.vendor, o.model, o.at
		FROM observations o LEFT JOIN positions p ON p.id = o.position_id
		WHERE o.site = ? AND o.outcome = 'unexpected'
		AND o.discovery_id = (`+latestGoodRead+`)`, code, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.Label, &f.Switch, &f.SysName, &f.Port, &f.MAC, &f.Vendor, &f.Model, &f.At); err != nil {
			return nil, err
		}
		f.Kind = FindingUnexpected
		if f.Label != "" {
			f.Kind = FindingLeftover
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	order := map[string]int{FindingMoved: 0, FindingMissing: 1, FindingLeftover: 2, FindingUnexpected: 3}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if order[a.Kind] != order[b.Kind] {
			return order[a.Kind] < order[b.Kind]
		}
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.Switch+" "+a.Port < b.Switch+" "+b.Port
	})
	return out, nil
}

// FailedRead is a switch the site's latest discovery could not read.
type FailedRead struct {
	Switch string `json:"switch"` // the inventory's name when it has an address recorded, else as read
	Error  string `json:"error"`
	At     string `json:"at"`
}

// LatestFailedReads lists the switches the site's latest discovery could
// not read: their findings are from an earlier read (Finding.Older).
func (s *Store) LatestFailedReads(ctx context.Context, code string) ([]FailedRead, error) {
	code = strings.ToUpper(code)
	rows, err := s.r.QueryContext(ctx, `SELECT coalesce((SELECT a.switch FROM switch_addresses a WHERE a.site = d.site AND lower(a.addr) = lower(ds.switch) LIMIT 1), ds.switch),
		ds.error, d.at FROM discovery_switches ds JOIN discoveries d ON d.id = ds.discovery_id
		WHERE d.id = (SELECT MAX(id) FROM discoveries WHERE site = ?) AND ds.error <> '' ORDER BY ds.switch`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FailedRead
	for rows.Next() {
		var f FailedRead
		if err := rows.Scan(&f.Switch, &f.Error, &f.At); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
