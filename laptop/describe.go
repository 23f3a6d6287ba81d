package laptop

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"cutover/site"
	"cutover/sync/wire"
)

// Described is a conflict in words: a one-line summary, the facts behind
// it, whether an engineer may settle it, and the values a resolution may
// name (the first is the one standing).
type Described struct {
	Title   string   `json:"title"`
	Lines   []string `json:"lines,omitempty"`
	Settle  bool     `json:"settle"`           // an engineer may resolve it (disputed observations); an admin may resolve any
	Values  []string `json:"values,omitempty"` // values a resolution may give, when it takes one
	Hint    string   `json:"hint,omitempty"`   // what resolving does, in words
	Subject string   `json:"subject"`          // the position (or phone, handset) it is about
}

// Describe turns a conflict's kind and detail into words, never raw JSON:
// what `cutover conflicts` and the TUI show.
func Describe(c Conflict) Described {
	var d map[string]any
	json.Unmarshal(c.Detail, &d)
	str := func(k string) string { return anyText(d[k]) }
	by := str("engineer")
	out := Described{Subject: c.EntityID}
	on := c.Entity + " " + c.EntityID
	if c.Entity == "position" {
		on = c.EntityID
	}
	switch c.Kind {
	case "disputed_observation":
		vals := strings2(d["values"])
		out.Title = fmt.Sprintf("%s: two engineers saw different %s", on, words(str("attr")))
		if len(vals) == 2 {
			out.Lines = append(out.Lines, fmt.Sprintf("standing: %s", vals[0]), fmt.Sprintf("%s saw: %s", orSomeone(by), vals[1]))
		}
		out.Values = vals
		out.Hint = "resolve with the value that is right (re-check on site); none keeps the standing one"
	case "disposition_differs":
		vals := strings2(d["values"])
		out.Title = fmt.Sprintf("handset %s: two dispositions recorded", c.EntityID)
		if len(vals) == 2 {
			out.Lines = append(out.Lines, "standing: "+words(vals[0]), orSomeone(by)+" recorded: "+words(vals[1]))
		}
		out.Values = []string{"returned_to_store", "weee_disposal", "lost"}
		out.Hint = "an admin names where the handset went"
	case "step_result_differs", "outcome_differs":
		if bs, ok := d["branches"].([]any); ok { // derived by the hub from every laptop's work
			what := "how attempt " + str("attempt") + " ended"
			if c.Kind == "step_result_differs" {
				what = "step " + words(str("step"))
			}
			out.Title = fmt.Sprintf("%s: %s recorded differently", on, what)
			for _, b := range bs {
				m, _ := b.(map[string]any)
				who := anyText(m["by"])
				if l := anyText(m["label"]); l != "" {
					who += " (laptop: " + l + ")"
				}
				v := anyText(m["value"])
				if c.Kind == "outcome_differs" {
					v = words(anyText(m["outcome"]))
				}
				out.Lines = append(out.Lines, fmt.Sprintf("%s: %s at %s", who, v, anyText(m["at"])))
			}
			out.Values = strings2(d["choices"])
			out.Hint = "nothing stands until an admin names the value (or, for an attempt, done, rolled_back or the person) that does"
			if c.Kind == "outcome_differs" {
				out.Hint = "the rollback stands meanwhile (nothing is taken off a platform); an admin names what happened: done, rolled_back, or the person whose work stands"
			}
			break
		}
		step := str("step")
		out.Title = fmt.Sprintf("%s: step %s recorded two ways", on, words(step))
		if f, ok := d["first"].(map[string]any); ok {
			out.Lines = append(out.Lines, "standing: "+stepWords(f))
		}
		if s, ok := d["second"].(map[string]any); ok {
			out.Lines = append(out.Lines, orSomeone(by)+" recorded: "+stepWords(s))
		}
		if cr, ok := d["correction"].(map[string]any); ok {
			out.Lines = append(out.Lines, fmt.Sprintf("%s corrected %s to %s", orSomeone(by), anyText(cr["was"]), anyText(cr["value"])))
		}
		if cl := str("claimed"); cl != "" {
			out.Lines = append(out.Lines, orSomeone(by)+" recorded the handset "+cl)
		}
		out.Hint = "an admin gives the value that stands; none keeps the first"
	case "identity_override":
		out.Title = fmt.Sprintf("%s: handset %s recorded with an override", on, str("handset"))
		if n := str("note"); n != "" {
			out.Lines = append(out.Lines, "why: "+n)
		}
		if w := strings2(d["known_elsewhere"]); len(w) > 0 {
			out.Lines = append(out.Lines, "also known at: "+strings.Join(w, ", "))
		} else if k := anyText(d["known_elsewhere"]); k != "" {
			out.Lines = append(out.Lines, "also known at: "+k)
		}
		out.Hint = "an admin accepts the override (a wrong identity is corrected in the runbook)"
	case "position_has_other_handset":
		out.Title = fmt.Sprintf("%s: two %s handsets installed", on, str("kind"))
		out.Lines = append(out.Lines, "standing: "+str("installed"), orSomeone(by)+" installed: "+str("claimed"))
		out.Values = []string{str("installed"), str("claimed")}
		out.Hint = "an admin names the handset that is there"
	case "serial_in_two_places", "ddi_in_two_places":
		if ps, ok := d["places"].([]any); ok { // derived by the hub from every position's claims
			what := "handset " + str("serial")
			if c.Kind == "ddi_in_two_places" {
				what = "number " + site.FormatDDI(str("ddi"))
			}
			out.Title = fmt.Sprintf("%s recorded in %d places", what, len(ps))
			for _, p := range ps {
				m, _ := p.(map[string]any)
				out.Lines = append(out.Lines, fmt.Sprintf("%s/%s (%s, %s)", anyText(m["site"]), anyText(m["position"]), words(anyText(m["kind"])),
					orSomeone(anyText(m["by"]))))
			}
			out.Values = strings2(d["choices"])
			out.Hint = "it stands at neither place until an admin names the one that keeps it (SITE/POSITION)"
			break
		}
		out.Title = fmt.Sprintf("handset %s recorded in two places", str("serial"))
		out.Lines = append(out.Lines, "bound to: "+str("bound_to"), orSomeone(by)+" installed it at: "+str("claimed_by"))
		out.Values = []string{str("bound_to"), str("claimed_by")}
		out.Hint = "an admin names the place where the handset is"
	case "plan_discrepancy":
		if raw, ok := d["proposal"]; ok {
			b, _ := json.Marshal(raw)
			var p site.Proposal
			json.Unmarshal(b, &p)
			out.Title = fmt.Sprintf("%s proposes: %s", orSomeone(by), p.Words())
			if p.Note != "" {
				out.Lines = append(out.Lines, "note: "+p.Note)
			}
			out.Values = []string{"accept"}
			out.Hint = "an admin accepts it (value accept: the plan changes) or declines it (no value: the plan stands)"
			if p.Kind != site.ProposeMove {
				out.Subject = p.MAC
			}
			break
		}
		out.Title = fmt.Sprintf("%s: %s seen differs from the plan", on, words(str("attr")))
		out.Lines = append(out.Lines, "plan: "+str("plan"), orSomeone(by)+" saw: "+str("observed"))
		out.Hint = "the plan is the hub's: an admin changes it with 'cutover hub import', or accepts a proposal"
	case "plan_dropped_with_work":
		out.Title = fmt.Sprintf("%s: dropped from the plan (%s) but has field work (%s)", on, str("file"), words(str("status")))
		out.Hint = "an admin decides whether the position stays"
	case "withdrawn_after_work":
		out.Title = fmt.Sprintf("%s: work recorded (%s) on a withdrawn position", on, words(str("status")))
		out.Hint = "an admin decides whether the position comes back into the plan"
	default:
		out.Title = fmt.Sprintf("%s: %s", on, words(c.Kind))
		for _, k := range sortedDetailKeys(d) {
			out.Lines = append(out.Lines, words(k)+": "+anyText(d[k]))
		}
	}
	out.Settle = wire.MayResolve(wire.RoleEngineer, c.Kind) == nil // the one rule
	if n, ok := d["later"].([]any); ok && len(n) > 0 {
		out.Lines = append(out.Lines, fmt.Sprintf("disputed %d more time(s) since", len(n)))
	}
	return out
}

func sortedDetailKeys(d map[string]any) []string {
	var out []string
	for k := range d {
		switch k {
		case "op_id", "later", "later_not_listed", "record", "fact", "laptop_label":
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func stepWords(m map[string]any) string {
	s := words(anyText(m["outcome"]))
	if v := anyText(m["value"]); v != "" {
		s += " " + v
	}
	if n := anyText(m["note"]); n != "" {
		s += " (" + n + ")"
	}
	return s
}

func orSomeone(s string) string {
	if s == "" {
		return "an engineer"
	}
	return s
}

// words turns a stored word (weee_disposal, legacy_serial) into words.
func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func strings2(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		out = append(out, anyText(x))
	}
	return out
}

// anyText is a detail value as text: strings as they are, numbers and
// anything else in their JSON form.
func anyText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		return strings.Join(strings2(x), ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}
