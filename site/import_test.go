package site

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutover/internal/invgen"
)

func inventoryFile(t *testing.T, name string) (string, []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "inventory", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

func openTestStore(t *testing.T) *Store {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "cutover.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func importFile(t *testing.T, st *Store, name string, opt ParseOptions) []ImportResult {
	t.Helper()
	path, data := inventoryFile(t, name)
	inv, err := ParseInventory(path, data, opt)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	res, err := st.Import(context.Background(), "alice", inv, data, SiteOverrides{})
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return res
}

func TestParseGoodFiles(t *testing.T) {
	_, data := inventoryFile(t, "good_crlf.csv")
	inv, err := ParseInventory("good_crlf.csv", data, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ps := inv.Sites[0].Positions
	if len(ps) != 3 {
		t.Fatalf("got %d positions; want 3", len(ps))
	}
	if ps[0].Notes != `Counter, left "A" side` {
		t.Errorf("quoted notes = %q", ps[0].Notes)
	}
	if ps[1].Room != "CID office room 2" { // a hand-wrapped cell: the line break is folded
		t.Errorf("multi-line room = %q", ps[1].Room)
	}
	if ps[1].MAC != "00:1e:13:8c:9b:31" || ps[1].DDI != "+442072301004" || ps[1].Plan != PlanTeamsDDI {
		t.Errorf("normalised position = %+v", ps[1])
	}
	if ps[2].MAC != "08:00:0f:6a:10:0b" || ps[2].Plan != PlanRemove || ps[2].Port != "3" {
		t.Errorf("position 3 = %+v", ps[2])
	}

	_, data = inventoryFile(t, "good_bom.csv")
	if _, err := ParseInventory("good_bom.csv", data, ParseOptions{}); err == nil {
		t.Error("a file without a site column and no --site: want an error")
	}
	inv, err = ParseInventory("good_bom.csv", data, ParseOptions{Site: "lb"})
	if err != nil {
		t.Fatal(err)
	}
	if got := inv.Sites[0]; got.Site.Code != "LB" || len(got.Positions) != 2 || got.Positions[0].MAC != "00:1e:13:8c:9b:40" {
		t.Errorf("BOM file parsed as %+v", got)
	}
}

func TestMalformedFilesAreRejected(t *testing.T) {
	cases := []struct {
		file string
		want []string // substrings, each must appear in one problem
	}{
		{"unknown_role.csv", []string{"unknown_role.csv:2:6: role: unknown role \"front_desk\""}},
		{"unknown_plan.csv", []string{":2:7: plan: unknown plan \"avaya\""}},
		{"unknown_vendor.csv", []string{":2:8: legacy_vendor: unknown legacy_vendor \"nortel\""}},
		{"bad_mac.csv", []string{":2:10: mac: bad MAC address"}},
		{"bad_ddi.csv", []string{":2:12: ddi: bad DDI \"020 7230 123\""}},
		{"bad_extension.csv", []string{":2:11: extension: bad extension \"31a06\""}},
		{"missing_fields.csv", []string{":2:2: label: missing label", ":3:6: role: missing role"}},
		{"duplicates.csv", []string{":3:10: mac: mac \"001E138C9B30\" is already used at line 2",
			":4:11: extension: extension \"31006\" is already used at line 2",
			":5:12: ddi: ddi \"02072301003\" is already used at line 2"}},
		{"unknown_column.csv", []string{":1:6: unknown column \"colour\" (known columns: site, building"}},
		{"short_row.csv", []string{":3: row has 11 fields but the header has 16"}},
		{"unterminated_quote.csv", []string{"unterminated_quote.csv:2:", "CSV:"}},
		{"other_without_plan.csv", []string{":2:7: plan: role \"other\" has no default plan"}},
		{"bad_mac.json", []string{"bad_mac.json:3: mac: bad MAC address \"nonsense\""}},
		{"truncated.json", []string{"truncated.json", "JSON:"}},
		{"empty.csv", []string{"empty.csv:1: the file is empty"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			st := openTestStore(t)
			importFile(t, st, "good_crlf.csv", ParseOptions{})
			before := dump(t, st)
			path, data := inventoryFile(t, filepath.Join("bad", c.file))
			inv, err := ParseInventory(path, data, ParseOptions{})
			var probs Problems
			if !errors.As(err, &probs) {
				t.Fatalf("got inventory %v, err %v; want Problems", inv, err)
			}
			msg := probs.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("problems do not mention %q:\n%s", w, msg)
				}
			}
			if inv != nil {
				t.Error("a rejected file still returned an inventory")
			}
			if after := dump(t, st); !bytes.Equal(before, after) {
				t.Error("database changed by a rejected import")
			}
		})
	}
}

func TestDuplicatesAcrossSitesAreAllowed(t *testing.T) {
	// LB,FC-01 in duplicates.csv reuses KX's MAC and extension: that's fine, only
	// the four KX problems are reported.
	path, data := inventoryFile(t, "bad/duplicates.csv")
	_, err := ParseInventory(path, data, ParseOptions{})
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 3 {
		t.Fatalf("got %v; want exactly 3 problems", err)
	}
}

func TestManyProblemsAreCounted(t *testing.T) {
	var b strings.Builder
	b.WriteString("site,label,role,legacy_vendor,extension\n")
	for i := 0; i < 150; i++ {
		b.WriteString("KX,P,front_counter,cisco,1\n")
	}
	_, err := ParseInventory("many.csv", []byte(b.String()), ParseOptions{})
	msg := err.Error()
	if !strings.Contains(msg, "299 problem(s)") || !strings.Contains(msg, "… and 199 more") {
		t.Errorf("summary of 299 problems: %s", msg[:200])
	}
	if n := strings.Count(msg, "\n  many.csv"); n != 100 {
		t.Errorf("printed %d problems; want 100", n)
	}
}

// dump returns the database's content in a stable text form, for
// byte-for-byte comparison.
func dump(t *testing.T, st *Store) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, table := range []string{"sites", "positions", "status_history", "imports", "oplog"} {
		rows, err := st.DB().Query("SELECT * FROM " + table + " ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			b.WriteString(table)
			for _, v := range vals {
				b.WriteString("|")
				switch v := v.(type) {
				case []byte:
					b.Write(v)
				default:
					b.WriteString(strings.TrimSpace(strings.ReplaceAll(fmtAny(v), "\n", `\n`)))
				}
			}
			b.WriteString("\n")
		}
		rows.Close()
	}
	return b.Bytes()
}

func fmtAny(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return v
	case int64:
		return time.Duration(v).String()
	}
	return "?"
}

// TestImportFileStreamsButStaysAllOrNothing: rows of new sites are written
// while the file is read, so a problem on the last line must still leave
// the database exactly as it was.
func TestImportFileStreamsButStaysAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	importFile(t, st, "good_crlf.csv", ParseOptions{})
	before := dump(t, st)

	var good bytes.Buffer
	if err := invgen.WriteCSV(&good, invgen.Options{Sites: 3, PerSite: 700, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	bad := append(append([]byte{}, good.Bytes()...), []byte("S003,Main,1,Room,P9999,front_desk,,cisco,,,123456,,,,,,,\n")...)
	_, _, err := st.ImportFile(ctx, "alice", "late.csv", bad, ParseOptions{}, SiteOverrides{})
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 1 || probs[0].Line != 2102 || probs[0].Field != "role" {
		t.Fatalf("late bad row: %v", err)
	}
	if after := dump(t, st); !bytes.Equal(before, after) {
		t.Fatal("a refused file left rows behind")
	}

	// The same file without the bad row goes in whole, and a re-import of
	// it (existing sites: not streamed) changes nothing.
	inv, res, err := st.ImportFile(ctx, "alice", "good.csv", good.Bytes(), ParseOptions{}, SiteOverrides{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Sites) != 3 || len(res) != 3 || res[0].Added != 700 || res[2].Added != 700 {
		t.Fatalf("streamed import: %+v", res)
	}
	_, res, err = st.ImportFile(ctx, "bob", "good.csv", good.Bytes(), ParseOptions{}, SiteOverrides{})
	if err != nil || res[1].Unchanged != 700 || res[1].Added != 0 {
		t.Fatalf("re-import: %+v %v", res, err)
	}
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM positions WHERE site LIKE 'S00%'`).Scan(&n)
	if n != 2100 {
		t.Errorf("%d positions; want 2100", n)
	}
	// The enumeration CHECKs are back on for every other writer.
	err = st.Write(ctx, "alice", func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE positions SET status = 'lost' WHERE label = 'P0001'`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "CHECK") {
		t.Errorf("a bad status after an import was not refused: %v", err)
	}
	// Site details on the command line need a single site.
	if _, _, err := st.ImportFile(ctx, "alice", "good.csv", good.Bytes(), ParseOptions{}, SiteOverrides{Name: "X"}); !errors.Is(err, ErrOverridesNeedOneSite) {
		t.Errorf("overrides for 3 sites: %v", err)
	}
}
