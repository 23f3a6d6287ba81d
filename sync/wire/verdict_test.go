package wire

import (
	"testing"
)

// The verdict rule, case by case: the first rows are what progress got
// wrong before issue 27 (every not-started site "LATE", a site with 59
// done today "stalled").
func TestJudgeSaysWhereASiteStands(t *testing.T) {
	const today = "2026-12-07"
	work := func(days ...DayCount) []DayCount { return days }
	cases := []struct {
		name  string
		s     Schedule
		kind  string
		words string
		late  int
	}{
		{"S041 before: not started, cease 119 days away, was LATE 0 d",
			Schedule{StartDate: "2027-02-03", CeaseDate: "2027-04-05", Positions: 100, Remaining: 100},
			VerdictNotStarted, "not started (starts 3 Feb 2027)", 0},
		{"not started with no start date, cease 14 months away",
			Schedule{CeaseDate: "2028-02-01", Positions: 80, Remaining: 80},
			VerdictNotStarted, "not started (no start date)", 0},
		{"59 of 100 done today, started today: was stalled; 59 a day finishes tomorrow",
			Schedule{CeaseDate: "2027-03-31", Positions: 100, Remaining: 41, FirstDone: today, LastDone: today,
				DonePerDay: work(DayCount{today, 59})},
			VerdictOnTrack, "on track", 0},
		{"its start date passed, nothing done",
			Schedule{StartDate: "2026-12-01", CeaseDate: "2027-03-31", Positions: 50, Remaining: 50},
			VerdictDueToStart, "due to start", 0},
		{"its start date is today, nothing done",
			Schedule{StartDate: today, CeaseDate: "2027-03-31", Positions: 50, Remaining: 50},
			VerdictDueToStart, "due to start", 0},
		{"due to start and the cease date in 6 days",
			Schedule{StartDate: "2026-11-01", CeaseDate: "2026-12-13", Positions: 5, Remaining: 5},
			VerdictAtRisk, "at risk (nothing done, 6 days to the cease date)", 0},
		{"not started before its start date, though the cease date is near",
			Schedule{StartDate: "2026-12-10", CeaseDate: "2026-12-13", Positions: 5, Remaining: 5},
			VerdictNotStarted, "not started (starts 10 Dec)", 0},
		{"nothing done and the cease date passed 7 days ago",
			Schedule{StartDate: "2026-10-01", CeaseDate: "2026-11-30", Positions: 50, Remaining: 50},
			VerdictLate, "late by 7 days", 7},
		{"the rate is over the 3 days worked, not 14: 30 done at 10 a day, 40 left, 4 days to go of 10",
			Schedule{CeaseDate: "2026-12-17", Positions: 70, Remaining: 40, FirstDone: "2026-12-05", LastDone: today,
				DonePerDay: work(DayCount{"2026-12-05", 10}, DayCount{"2026-12-06", 10}, DayCount{today, 10})},
			VerdictOnTrack, "on track", 0},
		{"1 a day, 20 left, cease in 10 days: late by 10",
			Schedule{CeaseDate: "2026-12-17", Positions: 34, Remaining: 20, FirstDone: "2026-11-01", LastDone: today,
				DonePerDay: work(DayCount{"2026-11-24", 7}, DayCount{"2026-12-01", 7})},
			VerdictLate, "late by 10 days", 10},
		{"finishing in 9 of 10 days left: at risk",
			Schedule{CeaseDate: "2026-12-17", Positions: 40, Remaining: 18, FirstDone: "2026-11-01", LastDone: today,
				DonePerDay: work(DayCount{"2026-11-30", 14}, DayCount{today, 14})},
			VerdictAtRisk, "at risk (1 day in hand)", 0},
		{"started, nothing done for 20 days",
			Schedule{CeaseDate: "2027-06-30", Positions: 40, Remaining: 30, FirstDone: "2026-10-01", LastDone: "2026-11-17",
				DonePerDay: work(DayCount{"2026-11-17", 10})},
			VerdictStalled, "stalled (nothing done for 20 days)", 0},
		{"nothing done for 13 days is not stalled yet",
			Schedule{CeaseDate: "2027-06-30", Positions: 40, Remaining: 30, FirstDone: "2026-10-01", LastDone: "2026-11-24",
				DonePerDay: work(DayCount{"2026-11-24", 10})},
			VerdictOnTrack, "on track", 0},
		{"all done", Schedule{CeaseDate: "2026-01-01", Positions: 10, FirstDone: "2025-12-01", LastDone: "2025-12-02"},
			VerdictDone, "done", 0},
		{"no positions", Schedule{CeaseDate: "2027-01-01"}, VerdictNoPositions, "no positions planned", 0},
	}
	for _, c := range cases {
		c.s.Today = today
		v := Judge(c.s)
		if v.Kind != c.kind || v.Words != c.words || v.DaysLate != c.late {
			t.Errorf("%s:\n got %s %q late %d (%s)\nwant %s %q late %d", c.name, v.Kind, v.Words, v.DaysLate, v.Why, c.kind, c.words, c.late)
		}
	}
}

// The rate is never over days before the first position was done.
func TestJudgeRateIsOverDaysWorked(t *testing.T) {
	v := Judge(Schedule{Today: "2026-12-07", CeaseDate: "2027-06-30", Positions: 100, Remaining: 94,
		FirstDone: "2026-12-06", LastDone: "2026-12-07", DonePerDay: []DayCount{{"2026-12-06", 2}, {"2026-12-07", 4}}})
	if v.RateDays != 2 || v.RatePerDay != 3 {
		t.Fatalf("rate %v over %d days, want 3 over 2", v.RatePerDay, v.RateDays)
	}
	v = Judge(Schedule{Today: "2026-12-07", CeaseDate: "2027-06-30", Positions: 100, Remaining: 72,
		FirstDone: "2026-01-06", LastDone: "2026-12-07", DonePerDay: []DayCount{{"2026-11-01", 100}, {"2026-12-07", 28}}})
	if v.RateDays != RateWindow || v.RatePerDay != 2 {
		t.Fatalf("rate %v over %d days, want 2 over the last 14", v.RatePerDay, v.RateDays)
	}
}

// Triage puts the latest first, then stalled, at risk, due to start.
func TestVerdictLessIsTriageOrder(t *testing.T) {
	vs := []Verdict{{Kind: VerdictDone}, {Kind: VerdictOnTrack}, {Kind: VerdictLate, DaysLate: 3}, {Kind: VerdictDueToStart},
		{Kind: VerdictLate, DaysLate: 30}, {Kind: VerdictStalled}, {Kind: VerdictNotStarted}, {Kind: VerdictAtRisk}}
	want := []string{"late30", "late3", "stalled", "at_risk", "due_to_start", "on_track", "not_started", "done"}
	for i := range vs {
		for j := i + 1; j < len(vs); j++ {
			if VerdictLess(vs[j], vs[i]) {
				vs[i], vs[j] = vs[j], vs[i]
			}
		}
	}
	for i, v := range vs {
		got := v.Kind
		if v.Kind == VerdictLate {
			got += map[int]string{3: "3", 30: "30"}[v.DaysLate]
		}
		if got != want[i] {
			t.Fatalf("order %d: %s, want %s", i, got, want[i])
		}
	}
}
