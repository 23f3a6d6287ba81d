package wire

import "testing"

func TestConflictIDsPeopleType(t *testing.T) {
	a, b := "019af3c2-7b10-7e55-9c2e-3b5d1f0a77c1", "019af3c2-7b55-70aa-8d11-4e6f2a9b0c3d" // opened in the same minute
	if ShortID(a) == ShortID(b) {
		t.Fatalf("short ids of two conflicts of one minute are the same: %s", ShortID(a))
	}
	for _, c := range []struct {
		typed string
		a, b  bool
	}{{a, true, false}, {ShortID(a), true, false}, {"019af3c2", true, true}, {"019af3c2-7b10", true, false}, {"0a77c1", false, false},
		{"", false, false}} {
		if MatchesID(a, c.typed) != c.a || MatchesID(b, c.typed) != c.b {
			t.Errorf("%q: matches %v %v, want %v %v", c.typed, MatchesID(a, c.typed), MatchesID(b, c.typed), c.a, c.b)
		}
	}
	for _, c := range []struct{ role, kind string }{{RoleAdmin, "outcome_differs"}, {RoleEngineer, "disputed_observation"}} {
		if err := MayResolve(c.role, c.kind); err != nil {
			t.Errorf("%s may resolve %s: %v", c.role, c.kind, err)
		}
	}
	for _, c := range []struct{ role, kind string }{{RoleEngineer, "serial_in_two_places"}, {RoleSupervisor, "disputed_observation"}, {"", "x"}} {
		if err := MayResolve(c.role, c.kind); err == nil {
			t.Errorf("%q may resolve %s", c.role, c.kind)
		}
	}
}
