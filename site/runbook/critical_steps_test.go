package runbook

import (
	"strings"
	"testing"

	"cutover/site"
)

// A critical position's swap runbook tells who must know before the swap
// and once the inbound call proves the new phone, and offers to stage the
// new phone on a spare port first (issue 29, point 4).
func TestContinuityStepsOfACriticalSwap(t *testing.T) {
	keys := func(steps []Step) string {
		var k []string
		for _, s := range steps {
			k = append(k, s.Key)
		}
		return strings.Join(k, " ")
	}
	custody := site.Position{Label: "CS-01", Role: site.RoleCustodySuite, Plan: site.PlanAvayaFixed, DDI: "+442072301001", Switch: "sw1", Port: "Gi1/0/1", TargetModel: "Avaya J179"}
	got := keys(avayaSteps(custody))
	if !strings.Contains(got, "legacy_condition told_before stage swap verify") || !strings.Contains(got, "call_in told_after call_out") {
		t.Errorf("custody suite steps: %s", got)
	}
	steps := avayaSteps(custody)
	for _, s := range steps {
		if s.Key == "told_before" && !strings.Contains(s.Title+s.Instructions, "custody sergeant") || s.Key == "stage" && (!s.Skippable || s.Check != CheckStaged) {
			t.Errorf("step %s: %+v", s.Key, s)
		}
	}
	hot := custody
	hot.Role = site.RoleHotDesk
	if got := keys(avayaSteps(hot)); strings.Contains(got, "told") || strings.Contains(got, "stage") {
		t.Errorf("a hot desk is not critical, but its runbook has %s", got)
	}
}

func TestSparePort(t *testing.T) {
	p := site.Position{Label: "CS-01", Port: "Gi1/0/1"}
	for _, c := range []struct {
		port string
		ok   bool
	}{{"Gi1/0/24", true}, {"ge5", true}, {"", false}, {"gi1/0/1", false}, {"Gi1/0/2 ; rm", false}, {"Gi1/0/2\u202e", false}, {strings.Repeat("x", 65), false}} {
		if err := SparePort(p, c.port); (err == nil) != c.ok {
			t.Errorf("SparePort(%q) = %v, want ok %v", c.port, err, c.ok)
		}
	}
}

func TestVerifyFindsThePhoneStaged(t *testing.T) {
	staged := StepState{Outcome: OutcomePass, Evidence: &Observation{Check: CheckStaged, OK: true,
		Phone: &SeenPhone{Vendor: "avaya", Serial: "22WZ5150B1A7"}, Reading: &PortReading{Port: "ge5"}}}
	same := Observation{Check: CheckNewPhone, OK: true, Phone: &SeenPhone{Vendor: "avaya", Serial: "22WZ5150B1A7"}}
	SameAsStaged(&same, staged)
	if !same.OK {
		t.Errorf("the phone staged fails verify: %+v", same)
	}
	other := Observation{Check: CheckNewPhone, OK: true, Phone: &SeenPhone{Vendor: "avaya", Serial: "22WZ5150C9F2"}}
	SameAsStaged(&other, staged)
	if other.OK || other.Summary != "the phone on the port (serial 22WZ5150C9F2) is not the one staged on ge5 (serial 22WZ5150B1A7)" {
		t.Errorf("another phone passes verify: %+v", other)
	}
	skipped := StepState{Outcome: OutcomeSkip}
	unstaged := Observation{Check: CheckNewPhone, OK: true, Phone: &SeenPhone{Vendor: "avaya", Serial: "22WZ5150C9F2"}}
	SameAsStaged(&unstaged, skipped)
	if !unstaged.OK {
		t.Error("a skipped staging fails verify")
	}
}
