package site

import "testing"

// The next position to do: after the one left, by the list's order, on
// today's list when there is one, round to the start; never a done or
// withdrawn one, nor the one left.
func TestNextDue(t *testing.T) {
	ps := []Position{{Label: "A", Status: StatusDone}, {Label: "B"}, {Label: "C", Status: StatusWithdrawn},
		{Label: "D", Status: StatusFailed}, {Label: "E"}}
	cases := []struct {
		day  []string
		from string
		want string
	}{
		{nil, "B", "D"},                // a failed one is still to do
		{nil, "E", "B"},                // round to the start, past the done one
		{[]string{"e", "A"}, "B", "E"}, // today's list, by the list's order
		{[]string{"E"}, "E", ""},       // nothing left on today's list
		{[]string{"A", "C"}, "X", ""},  // done and withdrawn are not to do
		{nil, "Z", "B"},                // from a position not in the list
	}
	for _, c := range cases {
		p, ok := NextDue(ps, c.day, c.from)
		if got := map[bool]string{true: p.Label}[ok]; got != c.want {
			t.Errorf("NextDue(day %v, from %s) = %q, want %q", c.day, c.from, got, c.want)
		}
	}
}
