package hub

import (
	"strings"

	"cutover/assets"
)

// An override (an engineer who recorded a serial, MAC or tag the laptop's
// register knew elsewhere) is kept as evidence like any step and raised for
// the supervisor as a conflict of its own. One handset, one place is the
// derivation's (claims.go).

// overrideKinds are the op kinds that may carry "override": true.
var overrideKinds = map[string]bool{KindStep: true, KindCorrect: true, KindInstall: true, KindRelabel: true}

// identitySteps are the steps whose value names a handset: the register
// field and the kind of handset.
var identitySteps = map[string][2]string{"legacy_serial": {"serial", "legacy"}, "legacy_tag": {"asset_tag", "legacy"},
	"new_serial": {"serial", "new"}, "new_tag": {"asset_tag", "new"}}

// raiseOverride opens an identity_override conflict for an op the engineer
// recorded with an override: a serial, MAC or tag their laptop's register
// knew elsewhere, recorded anyway with a note. The op stands (it was
// applied by its own rule); the conflict names the handset, where else the
// hub knows it and the engineer's note, for a supervisor to settle. The
// ops one override writes (the step's result, the install or relabel that
// follows) share one conflict per handset kind and position.
func (a *applyCtx) raiseOverride() error {
	if !overrideKinds[a.op.Kind] {
		return nil
	}
	var p struct {
		Override bool   `json:"override"`
		Step     string `json:"step"`
		Value    string `json:"value"`
		Note     string `json:"note"`
		Reason   string `json:"reason"`
		Was      string `json:"was"`
		handset
	}
	if !a.decode(&p) || !p.Override {
		return nil
	}
	ids := map[string]string{}
	kind, place, note := p.Kind, strings.TrimSpace(p.Position), p.Note
	switch a.op.Kind {
	case KindStep, KindCorrect:
		f, ok := identitySteps[p.Step]
		if !ok || strings.TrimSpace(p.Value) == "" {
			return nil // no handset named: nothing to raise
		}
		ids[f[0]], kind, place = p.Value, f[1], a.op.EntityID
		if a.op.Kind == KindCorrect {
			note = p.Reason
		}
	default:
		ids["serial"], ids["mac"], ids["asset_tag"] = p.Serial, p.MAC, p.AssetTag
	}
	key := assets.HandsetKey(ids["serial"], ids["mac"], ids["asset_tag"])
	if key == "" || place == "" {
		return nil
	}
	elsewhere, err := a.knownElsewhere(kind, place, key, ids)
	if err != nil {
		return err
	}
	detail := map[string]any{"handset": key, "kind": kind, "known_elsewhere": elsewhere, "note": note,
		"engineer": a.op.Engineer, "op_kind": a.op.Kind}
	if p.Step != "" {
		detail["step"], detail["value"] = p.Step, p.Value
	}
	if p.Was != "" {
		detail["was"] = p.Was
	}
	prev := a.conflictID
	if err := a.openConflict("identity_override", "position", place, "identity:"+kind, detail); err != nil {
		return err
	}
	if prev != "" {
		a.conflictID = prev // the op's own rule's conflict names it
	}
	if a.code == "" {
		a.code, a.msg = "identity_override", "recorded with an override: raised for the supervisor"
	}
	return nil
}

// knownElsewhere lists where the hub knows a handset's serial, MAC or tag
// other than as this handset (kind at place), from what every derived
// position claims (claims.go), at most 20.
func (a *applyCtx) knownElsewhere(kind, place, key string, ids map[string]string) ([]string, error) {
	out := []string{}
	for _, field := range []string{"serial", "mac", "asset_tag"} {
		v := strings.TrimSpace(ids[field])
		if v == "" {
			continue
		}
		more, err := identifiedElsewhere(a.t, a.op.Site, place, kind, field, v)
		if err != nil {
			return nil, err
		}
		for _, m := range more {
			if len(out) < 20 {
				out = append(out, m)
			}
		}
	}
	return out, nil
}
