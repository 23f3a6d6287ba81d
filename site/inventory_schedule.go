package site

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cutover/internal/safetext"
)

// A site's schedule in the inventory forms (issue 27): its planned start
// date, its cease date and the wave it belongs to. The JSON form gives them
// in "site"; a CSV gives them as columns whose value is the same on every
// row of a site (or blank on some rows); `hub import --start-date
// --cease-date --wave` gives them to every site the file leaves without.

// ScheduleColumns are the CSV columns of a site's schedule.
var ScheduleColumns = []string{"start_date", "cease_date", "wave"}

// maxWave is the longest wave name.
const maxWave = 40

func isScheduleColumn(name string) bool {
	for _, c := range ScheduleColumns {
		if c == name {
			return true
		}
	}
	return false
}

// scheduleSeen is where a CSV first gave a schedule field of a site.
type scheduleSeen struct {
	value string
	line  int
}

// Schedule is the schedule the command line gives every site of a file
// that does not give its own; "" leaves a field as the file has it.
type Schedule struct {
	StartDate, CeaseDate, Wave string
}

// Check refuses a schedule that is not dates and a plain wave name.
func (s Schedule) Check() error {
	for _, f := range []struct{ name, v string }{{"--start-date", s.StartDate}, {"--cease-date", s.CeaseDate}} {
		if f.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, f.v); err != nil {
			return &Problem{Field: f.name, Msg: "bad date " + quote(f.v) + ": want YYYY-MM-DD"}
		}
	}
	if msg := checkWave(s.Wave); msg != "" {
		return &Problem{Field: "--wave", Msg: msg}
	}
	if s.StartDate != "" && s.CeaseDate != "" && s.StartDate > s.CeaseDate {
		return &Problem{Field: "--start-date", Msg: "the start date " + s.StartDate + " is after the cease date " + s.CeaseDate}
	}
	return nil
}

// ApplySchedule gives every site of the inventory that has no start date,
// cease date or wave of its own the one in d.
func (inv *Inventory) ApplySchedule(d Schedule) {
	for i := range inv.Sites {
		si := &inv.Sites[i]
		if si.Site.StartDate == "" {
			si.Site.StartDate = d.StartDate
		}
		if si.CeaseDefault && d.CeaseDate != "" {
			si.Site.CeaseDate, si.CeaseDefault = d.CeaseDate, false
		}
		if si.Site.Wave == "" {
			si.Site.Wave = d.Wave
		}
	}
}

func checkWave(w string) string {
	if err := safetext.Check(w, false); err != nil {
		return err.Error()
	}
	if n := utf8.RuneCountInString(w); n > maxWave {
		return "a wave name is at most " + itoa(maxWave) + " characters; this one is " + itoa(n)
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }

// scheduleRow takes a CSV row's schedule values for its site: each must be
// a good value and the same as any other row of the site gives.
func (b *builder) scheduleRow(line int, rawCode string, rec []string, cols map[int]string) {
	code := strings.TrimSpace(rawCode)
	if code == "" {
		code = b.opt.Site
	}
	code, err := ValidateSiteCode(code)
	if err != nil || (b.opt.Site != "" && code != b.opt.Site) {
		return // addRow said why, or the row is for another site
	}
	acc := b.site(code)
	for i, name := range cols {
		v := strings.TrimSpace(rec[i])
		if v == "" {
			continue
		}
		if !b.scheduleValue(line, i+1, name, name, v) {
			continue
		}
		if acc.sched == nil {
			acc.sched = map[string]scheduleSeen{}
		}
		if first, ok := acc.sched[name]; ok {
			if first.value != v {
				b.problem(line, i+1, name, "%s differs from %s given at line %d for site %s: a site has one %s",
					quote(v), quote(first.value), first.line, code, name)
			}
			continue
		}
		acc.sched[name] = scheduleSeen{v, line}
		b.setSchedule(acc, name, v)
	}
}

// scheduleValue checks one value of schedule field name, as a problem
// about field at line and col.
func (b *builder) scheduleValue(line, col int, name, field, v string) bool {
	if name == "wave" {
		if msg := checkWave(v); msg != "" {
			b.problem(line, col, field, "%s", msg)
			return false
		}
		return true
	}
	if err := safetext.Check(v, false); err != nil {
		b.problem(line, col, field, "%v", err)
		return false
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		b.problem(line, col, field, "bad date %s: want YYYY-MM-DD", quote(v))
		return false
	}
	return true
}

func (b *builder) setSchedule(acc *siteAcc, name, v string) {
	s := &acc.inv.Site
	switch name {
	case "start_date":
		s.StartDate = v
	case "cease_date":
		s.CeaseDate, acc.inv.CeaseDefault = v, false
	case "wave":
		s.Wave = v
	}
}

// checkSchedules refuses a site that would start after its cease date.
func (b *builder) checkSchedules() {
	for _, code := range b.order {
		si := b.sites[code].inv
		if s := si.Site; s.StartDate != "" && !si.CeaseDefault && s.StartDate > s.CeaseDate {
			b.problem(0, 0, "start_date", "site %s starts %s, after its cease date %s", s.Code, s.StartDate, s.CeaseDate)
		}
	}
}

// jsonSchedule takes the schedule of a JSON form's "site" object.
func (b *builder) jsonSchedule(acc *siteAcc, in *Site) {
	for _, f := range []struct{ name, v string }{{"start_date", in.StartDate}, {"wave", in.Wave}} {
		v := strings.TrimSpace(f.v)
		if v == "" {
			continue
		}
		if b.scheduleValue(0, 0, f.name, "site."+f.name, v) {
			b.setSchedule(acc, f.name, v)
		}
	}
}
