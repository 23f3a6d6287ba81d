package runbook

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"cutover/site"
)

var deriveHistories = flag.Int("derive.histories", 2000, "generated histories for TestDeriveProperties")

// genEvidence is what 1-4 laptops record at one position: visits of their
// own (each a new attempt after what the laptop knew), steps passed and
// failed, corrections, rollbacks before and after the handset is out.
func genEvidence(r *rand.Rand, p site.Position) ([]Evidence, []Resolution) {
	rb := RunbookFor(p)
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	value := func(s Step) string {
		switch s.Field {
		case FieldLegacySerial:
			return pick("FCHA001", "FCHB001")
		case FieldLegacyTag:
			return pick("MPS-1", "MPS-2")
		case FieldCondition:
			return pick("good", "worn")
		case FieldNewSerial:
			return pick("23WZ1", "23WZ2")
		case FieldNewTag:
			return pick("AVT-1", "AVT-2")
		case FieldDDI:
			return pick("keep", "+442030009001")
		case FieldTeamsDDI:
			return pick("+442030004001", "+442030004002")
		case FieldDisposition:
			return pick("returned_to_store", "weee_disposal WTN-1", "lost")
		case FieldContact:
			return "Sgt Jones"
		case FieldReopen:
			return pick("phone dead", "no dial tone")
		}
		return ""
	}
	var ev []Evidence
	clock := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	laptops := 1 + r.IntN(4)
	attempts := map[int]int{}
	for l := 0; l < laptops; l++ {
		seq := int64(0)
		rec := func(e Evidence) {
			seq++
			clock = clock.Add(time.Duration(1+r.IntN(300)) * time.Second)
			e.Laptop, e.Seq, e.By, e.At = fmt.Sprint("laptop-", l), seq, fmt.Sprint("eng", l), clock.Format(time.RFC3339)
			ev = append(ev, e)
		}
		finished := false
		for v := 1 + r.IntN(3); v > 0; v-- {
			attempts[l] += 1 + r.IntN(2) // a laptop that pulled may start after another's attempt
			a := attempts[l]
			rb := rb
			if finished && reopens(p) && r.IntN(2) == 0 {
				rb = AttemptRunbook(p, true) // the phone is replaced: the position is reopened
			}
			finished = false
			stop := len(rb.Steps)
			if r.IntN(3) == 0 {
				stop = 1 + r.IntN(len(rb.Steps))
			}
			physical := false
			for i, s := range rb.Steps[:stop] {
				if s.Kind == StepConfirm && r.IntN(5) == 0 {
					rec(Evidence{Attempt: a, Step: s.Key, Outcome: OutcomeFail, Note: "no answer"})
				}
				v := value(s)
				rec(Evidence{Attempt: a, Step: s.Key, Outcome: OutcomePass, Value: v})
				if s.Kind == StepInput && s.Field != FieldContact && r.IntN(6) == 0 {
					rec(Evidence{Attempt: a, Step: s.Key, Outcome: OutcomePass, Value: value(s), Was: v, Correction: true, Note: "typo"})
				}
				physical = physical || s.Physical
				if i == stop-1 && i < len(rb.Steps)-1 && s.Field != FieldDisposition && r.IntN(3) == 0 {
					rec(Evidence{Attempt: a, Step: "rb_reason", Outcome: OutcomePass, Value: pick("blocked: no access", "failed: no PoE")})
					if physical {
						for _, s := range rb.Rollback[1:] {
							rec(Evidence{Attempt: a, Step: s.Key, Outcome: OutcomePass})
						}
					}
				}
				finished = i == len(rb.Steps)-1
			}
		}
	}
	var res []Resolution
	if r.IntN(2) == 0 {
		d := Derive(p, ev, nil)
		for i, x := range d.Disputes {
			v := x.Branches[r.IntN(len(x.Branches))].Value
			if x.Fact == FactOutcome {
				v = pick(OutcomeChoices...)
			}
			res = append(res, Resolution{ID: fmt.Sprint("r", i), Fact: x.Fact, Attempt: x.Attempt, Value: v, By: "ada",
				At: "2026-12-07T12:00:00Z"})
		}
	}
	return ev, res
}

// TestDeriveProperties: for thousands of generated histories at a position
// of every plan, the derived state is the same for every order of the
// evidence, and it keeps the invariants the hub and both reports rely on.
func TestDeriveProperties(t *testing.T) {
	positions := []site.Position{fixedPos, teamsPos,
		{Site: "KX", Label: "HD-01", Role: site.RoleHotDesk, Plan: site.PlanRemove, LegacyVendor: "mitel", MAC: "08000f6a1004", Extension: "1004", DDI: "+442072301004"},
		{Site: "KX", Label: "PT-01", Role: site.RoleCTOpsPTT, Plan: site.PlanAvayaPTT, LegacyVendor: "cisco", Extension: "1005", DDI: "+442072301005", TargetModel: "Avaya J189"},
		{Site: "KX", Label: "SP-01", Role: site.RolePersonal, Plan: site.PlanAvayaSoft, LegacyVendor: "cisco", Extension: "1006"},
	}
	n := *deriveHistories
	if testing.Short() {
		n = 300
	}
	start := time.Now()
	disputed, done, reopened := 0, 0, 0
	for i := 0; i < n; i++ {
		r := rand.New(rand.NewPCG(uint64(i), 7))
		p := positions[i%len(positions)]
		ev, res := genEvidence(r, p)
		d := Derive(p, ev, res)
		want, _ := json.Marshal(d)
		for k := 0; k < 4; k++ {
			shuffled := append([]Evidence(nil), ev...)
			r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			rs := append([]Resolution(nil), res...)
			r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
			if got, _ := json.Marshal(Derive(p, shuffled, rs)); string(got) != string(want) {
				t.Fatalf("history %d: another order gave another state:\n got %s\nwant %s", i, got, want)
			}
		}
		if d.Disputed() {
			disputed++
		}
		if d.Status == site.StatusDone {
			done++
		}
		if d.Reopened {
			reopened++
		}
		checkDerived(t, i, p, d)
	}
	t.Logf("%d histories × 5 orders in %s: %d done, %d with an open dispute, %d reopened to replace the phone", n,
		time.Since(start).Round(time.Millisecond), done, disputed, reopened)
}

func checkDerived(t *testing.T, i int, p site.Position, d Derived) {
	t.Helper()
	fail := func(format string, args ...any) {
		b, _ := json.Marshal(d)
		t.Fatalf("history %d (%s): %s\n%s", i, p.Plan, fmt.Sprintf(format, args...), b)
	}
	rolled := d.Status == site.StatusFailed || d.Status == site.StatusBlocked
	if d.Reopened { // a replacement rolled back gives back no number and no legacy handset
		rolled = false
	}
	for _, h := range d.Replaced {
		if h.State == "installed" {
			fail("a phone taken off the jack reads installed")
		}
	}
	if d.Reopened && d.Status == site.StatusDone && !d.Disputed() && (d.New == nil || d.New.State != "installed") {
		fail("a replacement done with no phone on the jack")
	}
	switch {
	case d.Status == site.StatusDone && d.Done != d.Total:
		fail("done with %d of %d steps", d.Done, d.Total)
	case d.Status == site.StatusDone && d.OutcomeDisputed():
		fail("done while its outcome is disputed")
	case rolled && (d.Numbers.State != DDIPending && d.Numbers.State != DDINone || d.Numbers.ExtState != ""):
		fail("rolled back, numbers %+v", d.Numbers)
	case rolled && d.Legacy != nil && d.Legacy.State != "installed":
		fail("rolled back, legacy handset %s", d.Legacy.State)
	case rolled && d.New != nil && d.New.State == "installed":
		fail("rolled back, new phone still installed")
	case d.Numbers.State == DDITeams && d.Numbers.TeamsDDI == "":
		fail("teams with no Teams DDI")
	case d.Numbers.Disputed && SurrendersLegacyDDI(p.DDI, d.Numbers.State, d.Numbers.ExtState):
		fail("a disputed number counts as surrendered")
	}
	if h := d.Legacy; h != nil {
		switch h.State {
		case "returned_to_store", "weee_disposal", "lost":
			if d.Reopened {
				break // its disposition is in the attempt the position was swapped in
			}
			disp := d.Step("disposition")
			dd, err := ParseDisposition(disp.Value)
			if disp.Disputed || err != nil || string(dd.State) != h.State {
				fail("legacy handset %s but the disposition step stands %+v", h.State, disp)
			}
		}
	}
}

// BenchmarkDerive is one position's derivation from what four laptops
// recorded there (the hub runs it for every position a push touches).
func BenchmarkDerive(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var ev []Evidence
	var res []Resolution
	for len(ev) < 60 {
		ev, res = genEvidence(r, fixedPos)
	}
	b.ReportMetric(float64(len(ev)), "evidence")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Derive(fixedPos, ev, res)
	}
}
