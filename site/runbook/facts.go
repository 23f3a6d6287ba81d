package runbook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cutover/internal/phonemodel"
	"cutover/site"
)

// The facts of a port reading that a switch may not report at all.
const (
	FactLink      = "link"
	FactPoE       = "PoE"
	FactVoiceVLAN = "voice VLAN"
	// FactModel is the legacy handset's model, needed to know it when the
	// inventory gives no MAC and the handset does not say its model.
	FactModel = "handset model"
)

// Where a fact was read when not from the switch's own MIB.
const (
	FromLLDPMED  = "lldp-med"  // the phone's own LLDP-MED TLV, as the switch relays it
	FromMACTable = "mac-table" // the VLAN the switch learned the phone's MAC on
)

// ByEye is the engineer's confirmation, by looking, of the facts a switch
// does not report: recorded with the step, never taken as proven.
type ByEye struct {
	Facts []string `json:"facts"`
	Note  string   `json:"note"`
}

// ErrNotReported is wrapped by the error for a check that found no
// problem but needs the engineer to confirm by eye what the switch does
// not report: nothing is recorded until they do.
var ErrNotReported = errors.New("the switch does not report everything this check needs")

// Reported reports whether the switch reported a fact.
func (r PortReading) Reported(fact string) bool { return !slices.Contains(r.NotReported, fact) }

// NeedsEye reports whether the observation found nothing wrong but lists
// facts the switch did not report and no one has confirmed by eye.
func (o Observation) NeedsEye() bool {
	return !o.OK && o.Error == "" && len(o.Problems) == 0 && len(o.Unreported) > 0 && o.ByEye == nil
}

// Unproven reports whether the check passed on facts partly confirmed by
// eye rather than read from the switch.
func (o Observation) Unproven() bool { return o.OK && o.ByEye != nil }

// ConfirmByEye records the engineer's confirmation of the facts the switch
// did not report, with their note saying what they saw: the check then
// passes, confirmed by eye, not proven. It is refused when the check found
// a problem (only facts the switch reported can fail a check, and those
// cannot be overridden by eye), when there is nothing to confirm, and
// without a note.
func ConfirmByEye(o *Observation, note string) error {
	note = strings.TrimSpace(note)
	switch {
	case o.Error != "" || len(o.Problems) > 0:
		return fmt.Errorf("%w: the check failed on what the switch reported (%s); that cannot be confirmed by eye", ErrStepRule, o.Summary)
	case len(o.Unreported) == 0:
		return fmt.Errorf("%w: the switch reported everything this check needs: nothing to confirm by eye", ErrStepRule)
	case note == "":
		return fmt.Errorf("%w: a confirmation by eye needs a note saying what you saw (e.g. \"PoE light on, phone on VLAN 110 in its menu\")", ErrStepRule)
	case len(note) > MaxNote:
		return fmt.Errorf("%w: the note is longer than %d bytes", ErrBadInput, MaxNote)
	}
	o.ByEye = &ByEye{Facts: slices.Clone(o.Unreported), Note: note}
	o.OK = true
	o.Summary = o.seen + "; confirmed by eye, not proven: " + strings.Join(o.Unreported, ", ") + " (" + note + ")"
	return nil
}

// unreported is how a fact the switch does not report reads in a summary.
func unreported(fact string) string { return fact + " not reported by this switch" }

// legacyOnPort finds the position's legacy handset among the phones on
// its port: by MAC when the inventory has one, else by vendor and model
// (phonemodel). problem says why none is; eye names a fact that could not
// be read (the handset does not say its model) for the engineer to
// confirm, with the phone it would be.
func legacyOnPort(p site.Position, phones []SeenPhone) (ph *SeenPhone, problem, eye string) {
	if p.MAC != "" {
		if ph := findPhone(phones, p.MAC); ph != nil {
			return ph, "", ""
		}
		if len(phones) == 0 {
			return nil, "no handset seen on the port (inventory says " + p.MAC + ")", ""
		}
		return nil, fmt.Sprintf("the handset on the port is %s, not the inventory's %s", describeSeen(phones[0]), p.MAC), ""
	}
	planned := strings.TrimSpace(string(p.LegacyVendor) + " " + p.LegacyModel)
	if len(phones) == 0 {
		return nil, "no handset seen on the port (inventory says " + orDash(planned) + ", no MAC)", ""
	}
	var unknownModel *SeenPhone
	for i := range phones {
		s := &phones[i]
		if p.LegacyVendor != "" && p.LegacyVendor != site.VendorOther && s.Vendor != string(p.LegacyVendor) {
			continue
		}
		if strings.TrimSpace(p.LegacyModel) == "" {
			return s, "", "" // the inventory names the vendor only
		}
		same, ok := phonemodel.Same(p.LegacyModel, s.Model)
		if same {
			return s, "", ""
		}
		if !ok && unknownModel == nil {
			unknownModel = s
		}
	}
	if unknownModel != nil {
		return unknownModel, "", FactModel
	}
	return nil, fmt.Sprintf("the handset on the port is %s; the inventory plans a %s here (no MAC in the inventory)",
		describeSeen(phones[0]), orDash(planned)), ""
}

func poeWords(r PortReading, p site.Position, need int) string {
	if !r.Reported(FactPoE) {
		return unreported(FactPoE)
	}
	poe := "PoE " + PoEStateWords(r.PoEDetection)
	if r.PoEFrom == FromLLDPMED {
		poe = "PoE (the phone asks for power over LLDP-MED"
		if r.PoEMW != nil {
			poe += fmt.Sprintf(": %.1f W", float64(*r.PoEMW)/1000)
		}
		poe += ")"
	}
	if r.PoEClass != nil {
		poe += fmt.Sprintf(" class %d", *r.PoEClass)
	}
	if need > 0 {
		poe += fmt.Sprintf(" (%s needs class %d)", shortModel(p), need)
	}
	if spare, ok := poeSpareMW(r); ok {
		poe += fmt.Sprintf(", %.0f W of the switch's %d W budget free", float64(spare)/1000, *r.PoEBudgetW)
	}
	return poe
}

func vlanWords(r PortReading) string {
	switch {
	case !r.Reported(FactVoiceVLAN):
		return unreported(FactVoiceVLAN)
	case r.VoiceVLANFrom == FromLLDPMED:
		return fmt.Sprintf("voice VLAN %d (the phone's LLDP-MED network policy)", r.VoiceVLAN)
	case r.VoiceVLANFrom == FromMACTable:
		return fmt.Sprintf("voice VLAN %d (the phone's MAC learned on it)", r.VoiceVLAN)
	}
	return fmt.Sprintf("voice VLAN %d", r.VoiceVLAN)
}

func matchWords(p site.Position, ph SeenPhone, modelUnknown bool) string {
	switch {
	case p.MAC != "":
		return describeSeen(ph) + " matches the inventory"
	case modelUnknown:
		return describeSeen(ph) + " is a " + string(p.LegacyVendor) + " handset; the switch does not show its model (inventory: " + orDash(p.LegacyModel) + ", no MAC)"
	case strings.TrimSpace(p.LegacyModel) == "":
		return describeSeen(ph) + " matches the inventory's vendor (no MAC or model in the inventory)"
	}
	return describeSeen(ph) + " matches the inventory's " + p.LegacyModel + " (by model; no MAC in the inventory)"
}

// seenLegacy is the legacy handset a passed pre-check found on the port,
// or nil: what gives a handset the inventory lists without a MAC (or one
// whose label cannot be read) its identity. The one rule, used by the
// laptop's register and by Derive, here and at the hub.
func seenLegacy(outcome Outcome, ev *Observation) *SeenPhone {
	if outcome != OutcomePass || ev == nil || ev.Phone == nil {
		return nil
	}
	return ev.Phone
}

// legacyIdentity fills what the inventory and the scans left empty of a
// legacy handset's MAC and serial from the handset the pre-check saw.
func legacyIdentity(mac, serial string, seen *SeenPhone) (string, string) {
	if seen == nil {
		return mac, serial
	}
	if mac == "" {
		mac = seen.MAC
	}
	if serial == "" {
		serial = seen.Serial
	}
	return mac, serial
}

// seenLegacyInProgress is seenLegacy for the current attempt's steps.
func seenLegacyInProgress(pr Progress) *SeenPhone {
	for _, st := range pr.Steps {
		if st.Check == CheckPortReady {
			if ph := seenLegacy(st.Outcome, st.Evidence); ph != nil {
				return ph
			}
		}
	}
	return nil
}

// lldpTTL is how long a switch keeps an LLDP or CDP neighbour it no longer
// hears when the port stays up (a phone behind a desk switch or a PC's
// bridge): the sender's TTL, 120 s by default (180 s for CDP's holdtime).
const lldpTTL = "120 s (CDP: 180 s)"

// lingerHint explains a phone still listed only from LLDP or CDP: the
// switch may keep the entry after the device has gone.
func lingerHint(p SeenPhone) string {
	if slices.Contains(p.Sources, "fdb") || len(p.Sources) == 0 {
		return ""
	}
	return " (seen by " + strings.Join(p.Sources, "+") + " only: if it was unplugged and the port stayed up, the switch keeps it listed up to its time to live, " +
		lldpTTL + " by default; wait that long and run the check again before rolling back)"
}

// ErrMayLinger is wrapped by the error for a gone check, made with
// swap.Input.Wait, that still sees a phone the switch may only be keeping
// until its LLDP or CDP entry expires: nothing is recorded, and the caller
// checks again later.
var ErrMayLinger = errors.New("the switch may still be keeping the old neighbour")

// MayLinger reports, for a failed gone check, whether every phone still
// on the port is known only from LLDP or CDP (no MAC learned there), so the
// switch may be keeping an entry for a device that has left, and for how
// long at most: 120 s for LLDP's default TTL, 180 s for CDP's holdtime.
func (o Observation) MayLinger() (time.Duration, bool) {
	if o.Check != CheckLegacyGone || o.OK || o.Error != "" || o.Reading == nil || len(o.Reading.Phones) == 0 {
		return 0, false
	}
	ttl := 120 * time.Second
	for _, p := range o.Reading.Phones {
		if len(p.Sources) == 0 || slices.Contains(p.Sources, "fdb") {
			return 0, false
		}
		if slices.Contains(p.Sources, "cdp") {
			ttl = 180 * time.Second
		}
	}
	return ttl, true
}

// UnprovenChecks lists, per position of a site (withdrawn ones aside),
// the checks whose latest result in the current attempt passed on facts
// confirmed by eye: "precheck: PoE, voice VLAN by eye". The dashboard
// lists them as unproven.
func UnprovenChecks(ctx context.Context, s *site.Store, code string) (map[string][]string, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT p.label, r.step_key, r.evidence FROM step_results r JOIN positions p ON p.id = r.position_id
		WHERE p.site = ? AND p.status <> 'withdrawn' AND r.outcome = 'pass' AND r.evidence LIKE '%"by_eye":%'
		AND r.id = (SELECT MAX(r2.id) FROM step_results r2 WHERE r2.position_id = r.position_id AND r2.step_key = r.step_key)
		AND r.attempt = (SELECT MAX(a.attempt) FROM swap_attempts a WHERE a.position_id = r.position_id)
		ORDER BY p.label, r.id`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var label, key, ev string
		if err := rows.Scan(&label, &key, &ev); err != nil {
			return nil, err
		}
		var o Observation
		if json.Unmarshal([]byte(ev), &o) != nil || !o.Unproven() {
			continue
		}
		out[label] = append(out[label], key+": "+strings.Join(o.ByEye.Facts, ", ")+" by eye")
	}
	return out, rows.Err()
}
