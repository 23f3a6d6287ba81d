package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

const goodHeader = "site,label,room,role,legacy_vendor,extension,notes\n"

// parseProblems parses a file that must be refused, and returns its
// problems as printed.
func parseProblems(t *testing.T, name, data string) string {
	t.Helper()
	inv, err := ParseInventory(name, []byte(data), ParseOptions{})
	var probs Problems
	if !errors.As(err, &probs) || inv != nil {
		t.Fatalf("%s: got inventory %v, error %v; want Problems", name, inv, err)
	}
	return probs.Error()
}

func wantNoRawControl(t *testing.T, what, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			t.Fatalf("%s holds raw byte 0x%02x: %q", what, c, s)
		}
	}
}

// TestControlCharactersAreRefusedWithTheirPlace: escape sequences and NUL
// in any field of a CSV or JSON inventory are refused with the file, line,
// column (CSV) or field (JSON) and the character, and the message itself
// carries none of them.
func TestControlCharactersAreRefusedWithTheirPlace(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"osc.csv", goodHeader + "KX,FC-01,Room\x1b]0;pwned\x07,front_counter,cisco,31001,\n",
			"osc.csv:2:3: room: character 5 is a control character (U+001B ESC)"},
		{"wipe.csv", goodHeader + "KX,FC-01,Front,front_counter,cisco,31001,\nKX,L\x1b[2J\x1b[HCLEARED,Back,front_counter,cisco,31002,\n",
			"wipe.csv:3:2: label: character 2 is a control character (U+001B ESC)"},
		{"nul.csv", goodHeader + "KX,FC\x0001,Front,front_counter,cisco,31001,\n",
			"nul.csv:2:2: label: character 3 is a control character (U+0000 NUL)"},
		{"c1.csv", goodHeader + "KX,FC-01,Front,front_counter,cisco,31001,a\u009b2Jb\n",
			"c1.csv:2:7: notes: character 2 is a control character (U+009B CSI)"},
		{"del.csv", goodHeader + "KX,FC-01,Front,front_counter,cisco\x7f,31001,\n",
			"del.csv:2:5: legacy_vendor: character 6 is a control character (U+007F DEL)"},
		{"newline.csv", goodHeader + "KX,\"FC\n01\",Front,front_counter,cisco,31001,\n",
			"newline.csv:2:2: label: character 3 is a control character (U+000A LF)"},
		{"bytes.csv", goodHeader + "KX,FC-01,Fr\xffont,front_counter,cisco,31001,\n",
			"bytes.csv:2:3: room: byte 3 is not UTF-8 text (0xff)"},
		{"nul.json", `{"site": {"code": "KX"}, "positions": [
  {"label": "FC-01", "role": "front_counter", "legacy_vendor": "cisco", "extension": "31001"},
  {"label": "FC\u000002", "role": "front_counter", "legacy_vendor": "cisco", "extension": "31002"}]}`,
			"nul.json:3: label: character 3 is a control character (U+0000 NUL)"},
		{"osc.json", `{"site": {"code": "KX", "name": "Kestrel\u001b]0;pwned\u0007"}, "positions": []}`,
			"osc.json: site.name: character 8 is a control character (U+001B ESC)"},
		{"room.json", "{\"positions\": [\n{\"site\": \"KX\", \"label\": \"A\", \"room\": \"R\\u001b[2J\", \"role\": \"front_counter\", \"legacy_vendor\": \"cisco\", \"extension\": \"31001\"}]}",
			"room.json:2: room: character 2 is a control character (U+001B ESC)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := parseProblems(t, c.name, c.data)
			if !strings.Contains(msg, c.want) {
				t.Errorf("want %q in:\n%s", c.want, msg)
			}
			wantNoRawControl(t, "the message", msg)
		})
	}
}

// TestNotesKeepLineBreaksAndLocationsFoldThem: a note may run over lines;
// a room wrapped in its spreadsheet cell becomes one line; tabs are text.
func TestNotesKeepLineBreaksAndLocationsFoldThem(t *testing.T) {
	inv, err := ParseInventory("ok.csv", []byte(goodHeader+"KX,FC-01,\"CID\r\noffice\",front_counter,cisco,31001,\"left\r\nof the door\tby the window\"\n"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := inv.Sites[0].Positions[0]
	if p.Room != "CID office" || p.Notes != "left\nof the door\tby the window" {
		t.Errorf("room %q, notes %q", p.Room, p.Notes)
	}
}

// TestHostileImportWritesNothing: a NUL in the last row of a file whose
// first rows are already being written leaves the database as it was.
func TestHostileImportWritesNothing(t *testing.T) {
	st := openTestStore(t)
	var b strings.Builder
	b.WriteString(goodHeader)
	for i := range 500 {
		b.WriteString(fmt.Sprintf("KX,P%d,Front,front_counter,cisco,%d,\n", i, 10000+i))
	}
	b.WriteString("KX,P\x00,Front,front_counter,cisco,39999,\n")
	_, _, err := st.ImportReader(context.Background(), "alice", "late.csv", strings.NewReader(b.String()), ParseOptions{}, SiteOverrides{})
	var probs Problems
	if !errors.As(err, &probs) || !strings.Contains(probs.Error(), "late.csv:502:2: label: character 2 is a control character (U+0000 NUL)") {
		t.Fatalf("got %v", err)
	}
	if sums, err := st.Summaries(context.Background(), "", time.Now()); err != nil || len(sums) != 0 {
		t.Errorf("after a refused import: %v sites, %v", sums, err)
	}
}

// endless is a reader of head then rows for ever: row(i) for i = 0, 1, …
type endless struct {
	head string
	row  func(i int) string
	buf  string
	i    int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if e.buf == "" {
			if e.head != "" {
				e.buf, e.head = e.head, ""
			} else {
				e.buf = e.row(e.i)
				e.i++
			}
		}
		c := copy(p[n:], e.buf)
		n += c
		e.buf = e.buf[c:]
	}
	return n, nil
}

func repeat(s string) func(int) string { return func(int) string { return s } }

// readLimited reads r as an inventory and returns the one problem, and
// how many bytes were allocated doing so.
func readLimited(t *testing.T, name string, r io.Reader) (string, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	inv, err := ReadInventory(name, r, ParseOptions{})
	runtime.ReadMemStats(&after)
	var probs Problems
	if !errors.As(err, &probs) || inv != nil {
		t.Fatalf("got inventory %v, error %v; want Problems", inv, err)
	}
	msg := probs.Error()
	wantNoRawControl(t, "the message", msg)
	return msg, after.TotalAlloc - before.TotalAlloc
}

// TestHugeLinesAreRefusedEarly: a header line or a row that never ends is
// refused once it passes MaxLineBytes, having read and held no more than a
// small multiple of that, and the message quotes only its start.
func TestHugeLinesAreRefusedEarly(t *testing.T) {
	cases := []struct {
		name string
		r    io.Reader
		want string
	}{
		{"header.csv", &endless{head: "site,label,role,legacy_vendor,extension,", row: repeat("x")},
			`header.csv:1: this line is longer than 64 KiB, the most an inventory line may be (it starts "site,label,role,legacy_vendor,extension,"…)`},
		{"row.csv", &endless{head: goodHeader + "KX,P1,\"", row: repeat("\x1b[2J")},
			`row.csv:2: this line is longer than 64 KiB, the most an inventory line may be (it starts "KX,P1,\"\x1b[2J\x1b[2J\x1b[2J\x1b[2J\x1b[2J\x1b[2J\x1b[2J\x1b[2J\x1b"…)`},
		{"value.json", &endless{head: "{\"positions\": [\n{\"label\": \"", row: repeat("y")},
			`value.json:2: this value is longer than 64 KiB`},
		{"many.csv", &endless{head: "site,label,role,legacy_vendor,extension\n", row: func(i int) string {
			return fmt.Sprintf("S%d,P%d,front_counter,cisco,%d\n", i%1000, i/1000, 1000+i/1000)
		}},
			"more than 200000 rows, the most an inventory may have"},
		{"big.csv", &endless{head: goodHeader, row: func(i int) string {
			return fmt.Sprintf("KX,P%d,,front_counter,cisco,%d,%s\n", i, 1000+i, strings.Repeat("n", 480))
		}},
			"the file is larger than 32 MiB, the most an inventory may be"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg, alloc := readLimited(t, c.name, c.r)
			if !strings.Contains(msg, c.want) {
				t.Errorf("want %q in:\n%.600s", c.want, msg)
			}
			if c.name == "header.csv" || c.name == "row.csv" || c.name == "value.json" {
				if len(msg) > 400 {
					t.Errorf("the message is %d bytes long:\n%.600s", len(msg), msg)
				}
				if alloc > 8*MaxLineBytes {
					t.Errorf("refusing the line allocated %d KiB; want at most %d", alloc>>10, 8*MaxLineBytes>>10)
				}
			}
		})
	}
}

// TestTooManyColumns: a header of thousands of columns is one problem, not
// one per column.
func TestTooManyColumns(t *testing.T) {
	msg := parseProblems(t, "wide.csv", "site,label,role,legacy_vendor,extension"+strings.Repeat(",ab", 10_000)+"\nKX,P1,front_counter,cisco,3001\n")
	if !strings.Contains(msg, "1 problem(s)") || !strings.Contains(msg, "wide.csv:1: the header has 10005 columns; an inventory has at most 64") {
		t.Errorf("%.400s", msg)
	}
}

// TestLongValuesAreQuotedShort: an error about a long value quotes only its
// start.
func TestLongValuesAreQuotedShort(t *testing.T) {
	long := strings.Repeat("Z", 450)
	msg := parseProblems(t, "long.csv", goodHeader+"KX,A,R,front_counter,"+long+",31001,\nKX,B,R,"+long+",cisco,31002,\nKX,"+long+",R,front_counter,cisco,31003,\nKX,"+long+",R,front_counter,cisco,31004,\n")
	for _, l := range strings.Split(msg, "\n")[1:] {
		if len(l) > 300 {
			t.Errorf("problem of %d bytes: %.400s", len(l), l)
		}
	}
	if !strings.Contains(msg, `long.csv:5:2: label: label "ZZZZ`) || !strings.Contains(msg, `"… is already used at line 4`) {
		t.Errorf("%s", msg)
	}
}
