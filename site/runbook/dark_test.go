package runbook

import (
	"math/rand"
	"testing"
	"time"

	"cutover/site"
)

// at is a time on the day of the tests, "10:04" or "10:04:30".
func at(t *testing.T, hm string) time.Time {
	t.Helper()
	layout := "15:04"
	if len(hm) > 5 {
		layout = "15:04:05"
	}
	c, err := time.Parse(layout, hm)
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, 12, 7, c.Hour(), c.Minute(), c.Second(), 0, time.UTC)
}

// darkEv is one recorded result: laptop, attempt, step, outcome, when.
type darkEv struct {
	laptop  string
	attempt int
	step    string
	outcome Outcome
	when    string
}

func darkEvidence(t *testing.T, es ...darkEv) []Evidence {
	var out []Evidence
	for i, e := range es {
		out = append(out, Evidence{Laptop: e.laptop, Seq: int64(i + 1), Attempt: e.attempt, Step: e.step, Outcome: e.outcome,
			By: "eng-" + e.laptop, At: at(t, e.when).Format(time.RFC3339)})
	}
	return out
}

func TestDarkTime(t *testing.T) {
	custody := site.Position{Site: "KX", Label: "CS-01", Role: site.RoleCustodySuite, Plan: site.PlanAvayaFixed, LegacyVendor: "cisco",
		LegacyModel: "CP-7945G", Extension: "1001", DDI: "+442072301001", TargetModel: "Avaya J179"}
	door := custody
	door.Label, door.Role = "DR-01", site.RoleDoorAccess
	hotDesk := custody
	hotDesk.Label, hotDesk.Role = "HD-01", site.RoleHotDesk
	counterRemoved := custody
	counterRemoved.Label, counterRemoved.Plan = "FC-09", site.PlanRemove
	P, F, S := OutcomePass, OutcomeFail, OutcomeSkip

	cases := []struct {
		name    string
		p       site.Position
		ev      []darkEv
		now     string
		periods int
		dark    string // Clock of the dark time
		level   DarkLevel
		darkNow bool
		words   string
	}{
		{"a hot desk is not critical: no dark time kept", hotDesk,
			[]darkEv{{"A", 1, "swap", P, "10:00"}}, "10:30", 0, "00:00", DarkWithin, false, ""},
		{"a front counter planned for removal keeps no service: not critical", counterRemoved,
			[]darkEv{{"A", 1, "remove", P, "10:00"}}, "10:30", 0, "00:00", DarkWithin, false, ""},
		{"a custody suite from the swap to verify and the first inbound call", custody,
			[]darkEv{{"A", 1, "precheck", P, "09:58"}, {"A", 1, "swap", P, "10:00"}, {"A", 1, "verify", P, "10:04"}, {"A", 1, "new_serial", P, "10:05"},
				{"A", 1, "call_in", P, "10:06"}, {"A", 1, "call_out", P, "10:07"}}, "12:00", 1, "06:00", DarkWithin, false, "was dark 06:00 of 15:00"},
		{"still dark counts up to now, with a warning past two thirds", custody,
			[]darkEv{{"A", 1, "swap", P, "10:00"}, {"A", 1, "verify", P, "10:04"}}, "10:11", 1, "11:00", DarkWarn, true,
			"⚠ dark 11:00 of 15:00 (past two thirds)"},
		{"past the target is an alarm", custody,
			[]darkEv{{"A", 1, "swap", P, "10:00"}}, "10:16:30", 1, "16:30", DarkOver, true, "✗ dark 16:30 of 15:00 (over the target)"},
		{"an inbound call that failed proves nothing; the one that passed does", custody,
			[]darkEv{{"A", 1, "swap", P, "10:00"}, {"A", 1, "verify", P, "10:03"}, {"A", 1, "call_in", F, "10:05"}, {"A", 1, "call_in", P, "10:21"}},
			"11:00", 1, "21:00", DarkOver, false, "✗ was dark 21:00 of 15:00 (over the target)"},
		{"a rollback ends it when the legacy handset is verified again", custody,
			[]darkEv{{"A", 1, "swap", P, "10:00"}, {"A", 1, "verify", F, "10:03"}, {"A", 1, "rb_reason", P, "10:04"},
				{"A", 1, "rb_reconnect", P, "10:06"}, {"A", 1, "rb_verify", P, "10:08"}}, "12:00", 1, "08:00", DarkWithin, false, "was dark 08:00 of 15:00"},
		{"a rollback and a second attempt are two periods, added up", custody,
			[]darkEv{{"A", 1, "swap", P, "10:00"}, {"A", 1, "rb_reason", P, "10:04"}, {"A", 1, "rb_reconnect", P, "10:06"}, {"A", 1, "rb_verify", P, "10:08"},
				{"A", 2, "precheck", P, "11:00"}, {"A", 2, "swap", P, "11:01"}, {"A", 2, "verify", P, "11:04"}, {"A", 2, "call_in", P, "11:06"}},
			"12:00", 2, "13:00", DarkWarn, false, "was dark 13:00 of 15:00"},
		{"a door-access phone has ten minutes", door,
			[]darkEv{{"A", 1, "swap", P, "10:00"}, {"A", 1, "verify", P, "10:09"}, {"A", 1, "call_in", P, "10:11"}}, "12:00", 1, "11:00", DarkOver, false,
			"✗ was dark 11:00 of 10:00 (over the target)"},
		{"two laptops: one swapped, the other proved it", custody,
			[]darkEv{{"A", 1, "swap", P, "10:00"}, {"B", 1, "verify", P, "10:03"}, {"B", 1, "call_in", P, "10:05"}}, "12:00", 1, "05:00", DarkWithin, false,
			"was dark 05:00 of 15:00"},
		{"an inbound call skipped where the runbook allowed it ends it with verify", custody,
			[]darkEv{{"A", 1, "swap", P, "10:00"}, {"A", 1, "verify", P, "10:03"}, {"A", 1, "call_in", S, "10:07"}}, "12:00", 1, "07:00", DarkWithin, false,
			"was dark 07:00 of 15:00"},
		{"no work, no dark time", custody, nil, "12:00", 0, "00:00", DarkWithin, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := darkEvidence(t, c.ev...)
			got := DarkTime(c.p, ev, at(t, c.now))
			eq(t, "periods", len(got.Periods), c.periods)
			eq(t, "dark", Clock(got.Dark), c.dark)
			eq(t, "level", got.Level(), c.level)
			eq(t, "dark now", got.DarkNow(), c.darkNow)
			eq(t, "words", got.Words(), c.words)
			// Whatever order the results arrive in, the same minutes.
			r := rand.New(rand.NewSource(1))
			for i := 0; i < 20; i++ {
				shuffled := append([]Evidence(nil), ev...)
				r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
				if again := DarkTime(c.p, shuffled, at(t, c.now)); again.Dark != got.Dark || len(again.Periods) != len(got.Periods) {
					t.Fatalf("in another order: %s in %d periods, want %s in %d", Clock(again.Dark), len(again.Periods), Clock(got.Dark), len(got.Periods))
				}
			}
		})
	}
}

// A pre-check that reads the port down shows the handset already out of
// service: the position is dark from then, not from the swap.
func TestDarkFromAPortReadDown(t *testing.T) {
	p := site.Position{Site: "KX", Label: "FC-01", Role: site.RoleFrontCounter, Plan: site.PlanAvayaFixed, DDI: "+442072301001", TargetModel: "Avaya J179"}
	ev := darkEvidence(t, darkEv{"A", 1, "precheck", OutcomeFail, "09:50"}, darkEv{"A", 1, "rb_reason", OutcomePass, "09:51"})
	ev[0].Evidence = &Observation{Check: CheckPortReady, Reading: &PortReading{LinkUp: false}}
	ev = append(ev, darkEvidence(t, darkEv{"A", 2, "precheck", OutcomePass, "10:00"}, darkEv{"A", 2, "swap", OutcomePass, "10:01"},
		darkEv{"A", 2, "verify", OutcomePass, "10:04"}, darkEv{"A", 2, "call_in", OutcomePass, "10:05"})...)
	got := DarkTime(p, ev, at(t, "12:00"))
	eq(t, "dark", Clock(got.Dark), "15:00")
	eq(t, "began", got.Periods[0].Began, "its port read down at the precheck")

	// A switch that does not report the link proves nothing either way.
	ev[0].Evidence.Reading.NotReported = []string{FactLink}
	got = DarkTime(p, ev, at(t, "12:00"))
	eq(t, "dark when the link is not reported", Clock(got.Dark), "04:00")
}

// BenchmarkDarkTime: a critical position's dark time from a day's results
// of two laptops (two attempts, 40 results).
func BenchmarkDarkTime(b *testing.B) {
	p := site.Position{Site: "KX", Label: "CS-01", Role: site.RoleCustodySuite, Plan: site.PlanAvayaFixed, DDI: "+442072301001", TargetModel: "Avaya J179"}
	var ev []Evidence
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for i, k := range []string{"precheck", "legacy_serial", "legacy_tag", "legacy_condition", "told_before", "stage", "swap", "verify",
		"new_serial", "new_tag", "ddi", "call_in", "told_after", "call_out", "call_internal", "recording", "call_logging", "label", "disposition", "signoff"} {
		for l, laptop := range []string{"A", "B"} {
			ev = append(ev, Evidence{Laptop: laptop, Seq: int64(i), Attempt: 1 + l, Step: k, Outcome: OutcomePass, By: "eng",
				At: t0.Add(time.Duration(l*60+i) * time.Minute).Format(time.RFC3339)})
		}
	}
	now := t0.Add(3 * time.Hour)
	b.ResetTimer()
	for range b.N {
		DarkTime(p, ev, now)
	}
}
