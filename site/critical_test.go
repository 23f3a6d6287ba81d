package site

import (
	"context"
	"errors"
	"strings"
	"testing"
)

const critHeader = "site,label,role,plan,legacy_vendor,extension,critical,max_dark_minutes\n"

// Both inventory forms take critical and max_dark_minutes, normalising
// critical to yes or no; blank leaves the role's default.
func TestInventoryTakesCriticalAndTarget(t *testing.T) {
	csv := critHeader +
		"KX,Custody 1,custody_suite,,cisco,3101,,20\n" +
		"KX,Front desk,front_counter,,cisco,3102,NO,\n" +
		"KX,Duty office,hot_desk,avaya_fixed,cisco,3103,True,30\n" +
		"KX,Gate,door_access,,cisco,3104, y ,\n" +
		"KX,Desk 9,hot_desk,,cisco,3105,,\n"
	json := `{"site": {"code": "KX"}, "positions": [
		{"label": "Custody 1", "role": "custody_suite", "legacy_vendor": "cisco", "extension": "3101", "max_dark_minutes": 20},
		{"label": "Front desk", "role": "front_counter", "legacy_vendor": "cisco", "extension": "3102", "critical": false},
		{"label": "Duty office", "role": "hot_desk", "plan": "avaya_fixed", "legacy_vendor": "cisco", "extension": "3103",
		 "critical": "true", "max_dark_minutes": "30"},
		{"label": "Gate", "role": "door_access", "legacy_vendor": "cisco", "extension": "3104", "critical": "Y"},
		{"label": "Desk 9", "role": "hot_desk", "legacy_vendor": "cisco", "extension": "3105", "critical": null}]}`
	want := []struct {
		crit string
		mins int
	}{{"", 20}, {"no", 0}, {"yes", 30}, {"yes", 0}, {"", 0}}
	for name, data := range map[string]string{"crit.csv": csv, "crit.json": json} {
		t.Run(name, func(t *testing.T) {
			inv, err := ParseInventory(name, []byte(data), ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ps := inv.Sites[0].Positions
			if len(ps) != len(want) {
				t.Fatalf("%d positions; want %d", len(ps), len(want))
			}
			for i, w := range want {
				if ps[i].Critical != w.crit || ps[i].MaxDarkMinutes != w.mins {
					t.Errorf("%s: critical %q, max_dark_minutes %d; want %q, %d", ps[i].Label, ps[i].Critical,
						ps[i].MaxDarkMinutes, w.crit, w.mins)
				}
			}
		})
	}
}

// Each refusal names the file, line, column (CSV) and field, and says why.
func TestInventoryRefusesBadCriticality(t *testing.T) {
	cases := []struct {
		name, row, want string
	}{
		{"not a number", "KX,Custody 1,custody_suite,,cisco,3101,,twenty",
			`crit.csv:2:8: max_dark_minutes: bad value "twenty": want a whole number of minutes from 1 to 240`},
		{"a fraction", "KX,Custody 1,custody_suite,,cisco,3101,,12.5", `crit.csv:2:8: max_dark_minutes: bad value "12.5"`},
		{"a sign", "KX,Custody 1,custody_suite,,cisco,3101,,-5", `crit.csv:2:8: max_dark_minutes: bad value "-5"`},
		{"zero", "KX,Custody 1,custody_suite,,cisco,3101,,0", `crit.csv:2:8: max_dark_minutes: "0" minutes is out of range`},
		{"too long", "KX,Custody 1,custody_suite,,cisco,3101,,241", `crit.csv:2:8: max_dark_minutes: "241" minutes is out of range`},
		{"huge", "KX,Custody 1,custody_suite,,cisco,3101,,99999999999999999999999", `crit.csv:2:8: max_dark_minutes: "99999999999999999999999" minutes is out of range`},
		{"not yes or no", "KX,Custody 1,custody_suite,,cisco,3101,maybe,", `crit.csv:2:7: critical: bad value "maybe": want yes or no`},
		{"yes where no phone is kept", "KX,Front desk,front_counter,teams_ddi,cisco,3101,yes,",
			"crit.csv:2:7: critical: critical is yes but plan teams_ddi keeps no physical phone: only avaya_fixed and avaya_ptt positions can be critical"},
		{"a target with no", "KX,Custody 1,custody_suite,,cisco,3101,no,20",
			"crit.csv:2:8: max_dark_minutes: max_dark_minutes is given but critical is no"},
		{"a target on a position not critical", "KX,Desk 9,hot_desk,avaya_fixed,cisco,3101,,20",
			"crit.csv:2:8: max_dark_minutes: max_dark_minutes is given but the position is not critical (role hot_desk, plan avaya_fixed)"},
		{"a target on a critical role with no phone", "KX,Custody 1,custody_suite,remove,cisco,3101,,20",
			"crit.csv:2:8: max_dark_minutes: max_dark_minutes is given but plan remove keeps no physical phone, so the position has no service to keep: leave max_dark_minutes blank"},
		{"a target on a Teams move: no advice that cannot be followed", "KX,Desk 3,personal,teams_ddi,cisco,3103,,30",
			"crit.csv:2:8: max_dark_minutes: max_dark_minutes is given but plan teams_ddi keeps no physical phone, so the position has no service to keep: leave max_dark_minutes blank"},
		{"a control character", "KX,Custody 1,custody_suite,,cisco,3101,\"ye\x1bs\",", "crit.csv:2:7: critical:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseInventory("crit.csv", []byte(critHeader+c.row+"\n"), ParseOptions{})
			var probs Problems
			if !errors.As(err, &probs) {
				t.Fatalf("err %v; want Problems", err)
			}
			if len(probs) != 1 || !strings.Contains(probs[0].Error(), c.want) {
				t.Errorf("problems:\n%v\nwant one saying %q", probs, c.want)
			}
		})
	}
	_, err := ParseInventory("crit.json", []byte(`{"site": {"code": "KX"}, "positions": [
		{"label": "Desk 9", "role": "hot_desk", "legacy_vendor": "cisco", "extension": "3105", "max_dark_minutes": 20}]}`), ParseOptions{})
	if want := "crit.json:2: max_dark_minutes: max_dark_minutes is given but plan remove keeps no physical phone"; err == nil ||
		!strings.Contains(err.Error(), want) {
		t.Errorf("JSON: got %v; want %q", err, want)
	}
}

// The inventory's criticality is part of the plan: a re-import that
// changes a target is a change, stored, and one that does not is not.
func TestReimportChangingTheTargetIsAChange(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	imp := func(mins string) ImportResult {
		t.Helper()
		data := []byte(critHeader + "KX,Custody 1,custody_suite,,cisco,3101,," + mins + "\nKX,Desk 9,hot_desk,,cisco,3105,,\n")
		inv, err := ParseInventory("crit.csv", data, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.Import(ctx, "alice", inv, data, SiteOverrides{})
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}
	if r := imp("20"); r.Added != 2 {
		t.Fatalf("first import: %+v", r)
	}
	if r := imp("20"); r.Changed != 0 || r.Unchanged != 2 {
		t.Errorf("same file again: %+v; want nothing changed", r)
	}
	if r := imp("25"); r.Changed != 1 || r.Unchanged != 1 {
		t.Errorf("target 20 → 25: %+v; want one change", r)
	}
	p, err := st.Position(ctx, "KX", "Custody 1")
	if err != nil {
		t.Fatal(err)
	}
	if p.MaxDarkMinutes != 25 || p.Critical != "" {
		t.Errorf("stored critical %q, max_dark_minutes %d; want \"\", 25", p.Critical, p.MaxDarkMinutes)
	}
	if r := imp(""); r.Changed != 1 {
		t.Errorf("target 25 → blank: %+v; want one change", r)
	}
}
