package hub_test

// Invisible formatting characters (issue 26, point 3): bidi controls and
// zero-width characters pushed past the laptop's checks are refused by the
// hub naming the character and its position, and the inventory import
// refuses them with the line and column; neither store ever holds one.

import (
	"errors"
	"strings"
	"testing"

	"cutover/site"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

func TestHostileBidiAndInvisibleCharacters(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 3)
		mallory := h.Laptop("mallory", wire.RoleEngineer, "KX")
		m := &raw{t: t, l: mallory}
		p1 := hubtest.Label(inv, 1)
		ops := []wire.Op{
			m.op("note.add.v1", "position", p1, `{"text":"port \u202eDEKCOLB"}`),
			m.op("position.status.v1", "position", p1+"\u2066", `{"to":"in_progress"}`),
			m.op("note.add.v1", "position", p1, `{"text":"x"}`),
			m.op("note.add.v1", "position", p1, `{"text":"zero\u200bwidth"}`),
			m.op("note.add.v1", "position", p1, `{"text":"BOM \ufeff here"}`),
			m.op("note.add.v1", "position", p1, `{"text":"family 👨\u200d👩\u200d👧 on site"}`),
		}
		ops[2].Engineer = "\u202enimda"
		res := m.push(ops...)
		for i, want := range []string{"character 6", "U+2066", "U+202E RIGHT-TO-LEFT OVERRIDE", "U+200B", "U+FEFF"} {
			if res[i].Outcome != wire.Rejected || !strings.Contains(res[i].Message, want) || !strings.Contains(res[i].Message, "invisible formatting character") {
				t.Errorf("op %d: %+v, want rejected naming %q", i+1, res[i], want)
			}
		}
		wantOutcome(t, res[5], wire.Applied, "", "")
		// The store holds none of them: no fact, no journal payload.
		for _, c := range []string{"\u202e", "\u2066", "\u200b", "\ufeff"} {
			if n := h.Count(`SELECT COUNT(*) FROM facts WHERE value LIKE ? OR entity_id LIKE ?`, "%"+c+"%", "%"+c+"%"); n != 0 {
				t.Errorf("the store holds %d facts with U+%04X", n, []rune(c)[0])
			}
			if n := h.Count(`SELECT COUNT(*) FROM positions WHERE label LIKE ? OR updated_label LIKE ?`, "%"+c+"%", "%"+c+"%"); n != 0 {
				t.Errorf("the store holds %d positions with U+%04X", n, []rune(c)[0])
			}
		}
		// The laptop pulls the emoji note back as it was written.
		sync(t, mallory, "KX")
		var n int
		hubtest.Must(t, mallory.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_facts WHERE value LIKE ?`, "%👨\u200d👩\u200d👧%").Scan(&n))
		if n != 1 {
			t.Errorf("the laptop holds %d copies of the emoji note, want 1", n)
		}
		// The inventory import behind 'cutover hub import' refuses a label
		// that reads as another, with the line and column.
		p := inv.Sites[0].Positions[0]
		p.Label = "\u202eNIMDA"
		_, err := site.ParseInventory("bidi.csv", onePositionCSV(p), site.ParseOptions{})
		var probs site.Problems
		if !errors.As(err, &probs) || !strings.Contains(err.Error(), "bidi.csv:2:") || !strings.Contains(err.Error(), "U+202E") {
			t.Fatalf("inventory with a bidi override in a label: %v", err)
		}
		p = inv.Sites[0].Positions[0]
		p.Room = "Front \u2067counter"
		if _, err := site.ParseInventory("bidi.csv", onePositionCSV(p), site.ParseOptions{}); err == nil || !strings.Contains(err.Error(), "U+2067") {
			t.Fatalf("inventory with a bidi isolate in a room: %v", err)
		}
	})
}
