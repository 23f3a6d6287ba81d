package ui

import (
	"fmt"
	"strings"

	"cutover/site/runbook"
)

// recordedFacts is every fact recorded on site for a position, from its
// runbook's standing results, in the order a person reads them: the legacy
// handset taken out, the new phone put in, where the handset went, and the
// numbers now and before. Each is [name, value]; none when nothing was
// recorded yet.
func recordedFacts(pr runbook.Progress) [][2]string {
	var out [][2]string
	add := func(name, v string) {
		if strings.TrimSpace(v) != "" {
			out = append(out, [2]string{name, v})
		}
	}
	val := func(key string) string {
		s, ok := pr.Step(key)
		if !ok || s.Outcome != runbook.OutcomePass {
			return ""
		}
		return s.Value
	}
	// The legacy handset and where it went, by the one rule (Derive): a
	// position reopened since keeps them from the attempt that swapped it.
	d := runbook.Derive(pr.Position, pr.Results, nil)
	if h := d.Legacy; h != nil {
		add("Legacy serial", h.Serial)
		add("Legacy tag", h.Tag)
		add("Condition", h.Condition)
	}
	if v, ok := pr.Step("verify"); ok && v.Evidence != nil && v.Evidence.Phone != nil {
		ph := v.Evidence.Phone
		add("New phone", strings.TrimSpace(ph.Vendor+" "+ph.Model))
		add("New MAC", ph.MAC)
		port := strings.TrimSpace(pr.Position.Switch + " " + pr.Position.Port) // as planned, unless the switch said
		if r := v.Evidence.Reading; r != nil {
			port = strings.TrimSpace(r.Switch + " " + r.Port)
			if r.PoE {
				port += " · PoE " + runbook.PoEStateWords(r.PoEDetection)
				if r.PoEClass != nil {
					port += fmt.Sprintf(" class %d", *r.PoEClass)
				}
			}
		}
		add("New on port", port)
	}
	add("New serial", val("new_serial"))
	add("New tag", val("new_tag"))
	add("PTT group", val("ptt_group"))
	if h := d.Legacy; h != nil {
		switch h.State {
		case "returned_to_store", "weee_disposal", "lost":
			w := strings.ReplaceAll(h.State, "_", " ")
			if h.WTNRef != "" {
				w += ", waste transfer note " + h.WTNRef
			}
			add("Legacy disposition", w)
		}
	}
	for _, l := range runbook.ReplacedLines(d) {
		add("Replaced", l)
	}
	add("Signed off by", val("signoff"))
	if n := pr.Number; pr.Attempt > 0 {
		now := n.String()
		if now == "" {
			now = "none"
		}
		add("Number now", now)
		if n.Old != "" {
			add("Number before", ddiText(n.Old))
		}
	}
	return out
}
