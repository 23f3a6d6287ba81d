package hub

import (
	"cutover/sync/hub/rules"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"cutover/site/runbook"
)

// Claims: every derived position claims the handsets it holds (its legacy
// handset, wherever it went, and the new phone it has installed) and the
// numbers it was given (a new DDI, a Teams DDI). A handset or number claimed
// by two positions anywhere in the force is one conflict
// (serial_in_two_places, ddi_in_two_places) whose id follows from the key,
// and neither claim stands until an admin names the place that keeps it:
// exports and reports show both as disputed and no destructive export
// names the handset or number.

// claimKey is one handset or number; claim one position's claim on it.
type (
	claimKey = rules.Key
	claim    = rules.Claim
)

// writeClaims replaces a position's claims with what it claims now, and
// adds every key it claimed before or now to keys.
func writeClaims(t *tx, r posRef, d runbook.Derived, keys map[claimKey]bool) error {
	rows, err := t.query(`SELECT what, key FROM claims WHERE site = ? AND label_key = ? AND what <> 'ident'`, r.site, r.label)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k claimKey
		if err := rows.Scan(&k.What, &k.Key); err != nil {
			rows.Close()
			return err
		}
		keys[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM claims WHERE site = ? AND label_key = ?`, r.site, r.label); err != nil {
		return err
	}
	for k, c := range rules.Claims(d) {
		keys[k] = true
		if _, err := t.exec(`INSERT INTO claims (what, key, site, label_key, kind, by_user) VALUES (?, ?, ?, ?, ?, ?)`,
			k.What, k.Key, r.site, r.label, c.Kind, c.By); err != nil {
			return err
		}
	}
	// Each identifier of its handsets, so that an override can say where
	// else a serial, MAC or tag is known.
	hs := []struct {
		kind string
		h    *runbook.Handset
	}{{"legacy", d.Legacy}, {"new", d.New}}
	for i := range d.Replaced { // phones a reopened position's replacements took out
		hs = append(hs, struct {
			kind string
			h    *runbook.Handset
		}{"replaced", &d.Replaced[i]})
	}
	for _, h := range hs {
		if h.h == nil || h.h.Key == "" {
			continue
		}
		ids := map[string]string{"serial": h.h.Serial, "mac": h.h.MAC, "asset_tag": h.h.Tag}
		for _, f := range []string{"serial", "mac", "asset_tag"} {
			v := strings.ToUpper(strings.TrimSpace(ids[f]))
			if v == "" {
				continue
			}
			if _, err := t.exec(`INSERT INTO claims (what, key, site, label_key, kind, handset, state) VALUES ('ident', ?, ?, ?, ?, ?, ?)
				ON CONFLICT (what, key, site, label_key, kind) DO NOTHING`, f+":"+v, r.site, r.label, h.kind, h.h.Key, h.h.State); err != nil {
				return err
			}
		}
	}
	return nil
}

// identifiedElsewhere lists where else the hub knows an identifier of a
// handset (field serial, mac or asset_tag), other than as kind at place.
func identifiedElsewhere(t *tx, site, place, kind, field, value string) ([]string, error) {
	rows, err := t.query(`SELECT c.site, p.label, c.kind, c.handset, c.state FROM claims c
		JOIN positions p ON p.site = c.site AND p.label_key = c.label_key
		WHERE c.what = 'ident' AND c.key = ? ORDER BY c.site, c.label_key, c.kind LIMIT 20`,
		field+":"+strings.ToUpper(strings.TrimSpace(value)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s, label, k, handset, state string
		if err := rows.Scan(&s, &label, &k, &handset, &state); err != nil {
			return nil, err
		}
		if s == site && strings.EqualFold(label, place) && k == kind {
			continue // this very handset
		}
		out = append(out, fmt.Sprintf("%s %s: %s handset %s at %s/%s, %s", strings.ReplaceAll(field, "_", " "), value, k, handset, s, label, state))
	}
	return out, rows.Err()
}

// placesDetail is a two-places conflict's detail.
type placesDetail struct {
	Fact    string   `json:"fact"` // "places"
	Handset string   `json:"serial,omitempty"`
	Number  string   `json:"ddi,omitempty"`
	Places  []claim  `json:"places"`
	Choices []string `json:"choices"` // what a resolution may name: SITE/POSITION
}

// settleClaims opens, updates or settles the two-places conflict of every
// key in keys from the claims that stand on it now.
func (s *Store) settleClaims(t *tx, keys map[claimKey]bool, vers map[string]int64) error {
	list := make([]claimKey, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].What+list[i].Key < list[j].What+list[j].Key })
	for _, k := range list {
		places, err := claimsOn(t, k)
		if err != nil {
			return err
		}
		kind := kindSerialPlaces
		if k.What == "number" {
			kind = kindDDIPlaces
		}
		id := rules.ConflictID(k.What, k.Key)
		var status, detail, home, resolution string
		found := t.row(`SELECT status, detail, site, resolution FROM conflicts WHERE id = ?`, id).Scan(&status, &detail, &home, &resolution) == nil
		if len(places) < 2 {
			if found && status == "open" {
				if _, err := t.exec(`UPDATE conflicts SET status = 'resolved', resolution = ?, ver = ? WHERE id = ?`,
					settledByWork, siteVer(t, home, vers), id); err != nil {
					return err
				}
			}
			continue
		}
		det := placesDetail{Fact: "places", Places: places}
		if k.What == "number" {
			det.Number = k.Key
		} else {
			det.Handset = k.Key
		}
		for _, p := range places {
			det.Choices = append(det.Choices, p.Site+"/"+p.Label)
		}
		b, _ := json.Marshal(det)
		home = places[0].Site
		ver := siteVer(t, home, vers)
		switch {
		case !found:
			entity := "handset"
			if k.What == "number" {
				entity = "number"
			}
			if _, err := t.exec(`INSERT INTO conflicts (id, site, kind, entity, entity_id, fact, status, detail, opened_at, ver)
				VALUES (?, ?, ?, ?, ?, 'places', 'open', ?, '', ?)`, id, home, kind, entity, k.Key, string(b), ver); err != nil {
				return err
			}
		case status == "resolved" && resolution == settledByWork:
			// Claimed in two places again: the dispute is open again.
			if _, err := t.exec(`UPDATE conflicts SET status = 'open', resolution = '', detail = ?, site = ?, ver = ? WHERE id = ?`,
				string(b), home, ver, id); err != nil {
				return err
			}
		case detail != string(b):
			// The conflict lives at the first site that claims the key now.
			if _, err := t.exec(`UPDATE conflicts SET detail = ?, site = ?, ver = ? WHERE id = ?`, string(b), home, ver, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// settledByWork is the resolution of a two-places conflict that later work
// settled (a correction, a rollback): it opens again if the claims return.
const settledByWork = "settled by later work: claimed in one place now"

// claimsOn lists the positions that claim a key, in site and label order.
func claimsOn(t *tx, k claimKey) ([]claim, error) {
	rows, err := t.query(`SELECT c.site, p.label, c.kind, c.by_user FROM claims c JOIN positions p ON p.site = c.site AND p.label_key = c.label_key
		WHERE c.what = ? AND c.key = ? ORDER BY c.site, c.label_key, c.kind`, k.What, k.Key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []claim
	for rows.Next() {
		var c claim
		if err := rows.Scan(&c.Site, &c.Label, &c.Kind, &c.By); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func siteVer(t *tx, code string, vers map[string]int64) int64 {
	if v, ok := vers[code]; ok {
		return v
	}
	var v int64
	t.row(`SELECT ver FROM sites WHERE code = ?`, code).Scan(&v)
	return v
}

// verdicts says, for a site, which claims do not stand: by key, then by
// position (lower-case label), "disputed" (claimed elsewhere too, not
// settled) or "overruled" (an admin put it elsewhere).
type verdicts map[claimKey]map[string]string

func (v verdicts) of(what, key, label string) string {
	if key == "" {
		return ""
	}
	return v[claimKey{What: what, Key: key}][label]
}

// handset says where a derived position's handset stands: "" (it stands),
// "disputed" (its identity or fate is disputed, or it is claimed elsewhere
// too) or "overruled" (an admin put it elsewhere). Reports show the word;
// destructive exports leave out any handset that does not stand.
func (v verdicts) handset(h *runbook.Handset, label string) string {
	if h.Disputed {
		return disputedWord
	}
	return v.of("handset", h.Key, label)
}

// numbersDisputed says whether a derived position's numbers are disputed,
// or the number it was given is claimed elsewhere too: nothing is ceased.
func (v verdicts) numbersDisputed(n runbook.DerivedNumbers, label string) bool {
	return n.Disputed || v.of("number", n.TeamsDDI, label) != "" || (n.State == runbook.DDINew && v.of("number", n.DDI, label) != "")
}

// claimVerdicts reads the verdicts of every key claimed at a site in two
// places or more.
func claimVerdicts(t *tx, code string) (verdicts, error) {
	rows, err := t.query(`SELECT c.what, c.key, c.label_key FROM claims c WHERE c.site = ? AND c.what <> 'ident'
		AND (SELECT COUNT(*) FROM claims o WHERE o.what = c.what AND o.key = c.key) > 1`, code)
	if err != nil {
		return nil, err
	}
	out := verdicts{}
	for rows.Next() {
		var k claimKey
		var label string
		if err := rows.Scan(&k.What, &k.Key, &label); err != nil {
			rows.Close()
			return nil, err
		}
		if out[k] == nil {
			out[k] = map[string]string{}
		}
		out[k][label] = disputedWord
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, labels := range out {
		var status, value string
		if t.row(`SELECT status, resolution FROM conflicts WHERE id = ?`, rules.ConflictID(k.What, k.Key)).Scan(&status, &value) != nil ||
			status != "resolved" {
			continue
		}
		for label := range labels {
			if strings.Contains(strings.ToLower(value), "(value: "+strings.ToLower(code)+"/"+label+")") {
				labels[label] = ""
			} else if strings.Contains(value, "(value: ") {
				labels[label] = "overruled"
			}
		}
	}
	return out, nil
}

// derivedWords says a derived conflict's detail in words: the values, who
// and when ("" for another kind).
func derivedWords(kind, detail string) string {
	switch kind {
	case kindStepDiffers, kindOutcomeDiffers:
		var d disputeDetail
		if json.Unmarshal([]byte(detail), &d) != nil {
			return ""
		}
		return DisputeLine(runbook.Dispute{Fact: d.Fact, Attempt: d.Attempt, Branches: d.Branches})
	case kindSerialPlaces, kindDDIPlaces:
		var d placesDetail
		if json.Unmarshal([]byte(detail), &d) != nil {
			return ""
		}
		var at []string
		for _, p := range d.Places {
			at = append(at, fmt.Sprintf("%s/%s (%s, %s)", p.Site, p.Label, p.Kind, p.By))
		}
		return d.Handset + d.Number + " claimed at " + strings.Join(at, " and ")
	}
	return ""
}
