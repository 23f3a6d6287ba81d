package hubtest

import (
	"testing"

	"cutover/internal/fieldtest"
	"cutover/site"
	"cutover/site/runbook"
)

// Work records a position's runbook on a laptop as an engineer would
// (fieldtest.Do), up to and including the step through ("" for all of it).
func Work(t testing.TB, st *site.Store, engineer, code, label, through string, values map[string]string) runbook.Progress {
	t.Helper()
	pr, err := fieldtest.Do(st, engineer, code, label, through, values)
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

// Do is fieldtest.Do, for goroutines.
func Do(st *site.Store, engineer, code, label, through string, values map[string]string) (runbook.Progress, error) {
	return fieldtest.Do(st, engineer, code, label, through, values)
}

// RollBack rolls a position back on a laptop (fieldtest.RollBack).
func RollBack(t testing.TB, st *site.Store, engineer, code, label, reason string) runbook.Progress {
	t.Helper()
	pr, err := fieldtest.RollBack(st, engineer, code, label, reason)
	if err != nil {
		t.Fatal(err)
	}
	return pr
}
