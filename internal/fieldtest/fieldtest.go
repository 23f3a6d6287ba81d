// Package fieldtest records a position's runbook the way an engineer does,
// through runbook.Record with plausible values, for the tests of every
// package that needs real field work behind it (the hub believes steps,
// not statuses).
package fieldtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"

	"cutover/site"
	"cutover/site/runbook"
)

// Do records a position's runbook on a laptop as an engineer would, one
// step at a time through runbook.Record (the rules, the register and the
// op log as in the field), from the step due up to and including through
// ("" for the whole runbook). Input steps take values[step key], else a
// value made from the site and label (a serial, a tag, a Teams DDI unique
// to the position); automatic steps record a passing check, the verify
// step seeing an Avaya phone whose serial is the new serial's value.
func Do(st *site.Store, engineer, code, label, through string, values map[string]string) (runbook.Progress, error) {
	ctx := context.Background()
	for {
		pr, err := runbook.Steps(ctx, st, code, label)
		if err != nil {
			return pr, err
		}
		if pr.Mode == runbook.ModeFinished && pr.Position.Status == site.StatusDone {
			return pr, nil
		}
		cur := pr.Current
		if pr.Mode == runbook.ModeFinished || pr.Mode == runbook.ModeNotStarted {
			cur = &runbook.StepState{Step: pr.Runbook.Steps[0]}
		}
		if cur == nil {
			return pr, nil
		}
		res := StepResult(code, label, cur.Step, values)
		pr, err = runbook.Record(ctx, st, engineer, code, label, cur.Key, res)
		if err != nil {
			return pr, fmt.Errorf("%s %s/%s step %s: %w", engineer, code, label, cur.Key, err)
		}
		if cur.Key == through || pr.Current == nil {
			return pr, nil
		}
	}
}

// RollBack rolls a position back on a laptop: the reason ("blocked: …" or
// "failed: …"), then the reconnect and its check when the handset was out.
func RollBack(st *site.Store, engineer, code, label, reason string) (runbook.Progress, error) {
	ctx := context.Background()
	pr, err := runbook.Record(ctx, st, engineer, code, label, "rb_reason", runbook.Result{Outcome: runbook.OutcomePass, Value: reason})
	for err == nil && pr.Mode == runbook.ModeRollback && pr.Current != nil {
		pr, err = runbook.Record(ctx, st, engineer, code, label, pr.Current.Key, StepResult(code, label, pr.Current.Step, nil))
	}
	return pr, err
}

// StepResult is the passing result Work records for a step.
func StepResult(code, label string, s runbook.Step, values map[string]string) runbook.Result {
	id := ident(code, label)
	v, given := values[s.Key]
	def := map[runbook.Field]string{
		runbook.FieldLegacySerial: "FCH" + id, runbook.FieldLegacyTag: "MPS-" + id, runbook.FieldCondition: "good",
		runbook.FieldNewSerial: "AVX" + id, runbook.FieldNewTag: "AVT-" + id, runbook.FieldDDI: "keep",
		runbook.FieldTeamsDDI: TeamsDDI(code, label), runbook.FieldDisposition: "store", runbook.FieldContact: "Sgt Jones", runbook.FieldTold: "PS Morgan",
		runbook.FieldPTTGroup: "CT OPS 1",
	}
	if !given || v == "" {
		v = def[s.Field]
	}
	res := runbook.Result{Outcome: runbook.OutcomePass, Value: v}
	if s.Kind == runbook.StepAuto {
		res.Value = ""
		res.Observation = &runbook.Observation{Check: s.Check, OK: true, Summary: "as the test's switch shows"}
		if s.Check == runbook.CheckNewPhone {
			serial := values["new_serial"]
			if serial == "" {
				serial = def[runbook.FieldNewSerial]
			}
			res.Observation.Phone = &runbook.SeenPhone{Vendor: "avaya", Model: "J179", Serial: serial,
				MAC: fmt.Sprintf("c8:1f:ea:%02x:%02x:%02x", hash(id)>>16&0xff, hash(id)>>8&0xff, hash(id)&0xff), Telephone: true}
		}
	}
	return res
}

// TeamsDDI is a Teams number unique to a position, for tests.
func TeamsDDI(code, label string) string {
	return fmt.Sprintf("+44203%07d", hash(ident(code, label))%10000000)
}

func ident(code, label string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code + label) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
