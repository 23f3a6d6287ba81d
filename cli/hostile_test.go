package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/site"
	"cutover/site/runbook"
)

// Text as an attacker would plant it: a window title, a screen wipe, a
// colour, HTML and a spreadsheet formula.
const (
	evilRoom   = "Room\x1b]0;pwned\x07"
	evilLabel  = "L\x1b[2J\x1b[HCLEARED"
	evilReason = "\x1b[31mred\x1b[0m\u009b2J"
	evilNote   = "<script>alert(1)</script>"
	evilFormul = `=HYPERLINK("http://evil.example/","click")`
)

// noRawControl fails when out holds a control byte other than tab and
// newline: what a terminal would obey.
func noRawControl(t *testing.T, what, out string) {
	t.Helper()
	for i := 0; i < len(out); i++ {
		if c := out[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			j := max(0, i-30)
			t.Fatalf("%s: raw byte 0x%02x at %d: %q", what, c, i, out[j:min(len(out), i+30)])
		}
	}
	if strings.Contains(out, "\u009b") || strings.Contains(out, "\u009d") {
		t.Fatalf("%s: a raw C1 control: %q", what, out)
	}
}

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportRefusesNULWithItsPlace: a NUL in a label used to import with
// exit 0; it is refused, exit 2, with file, line and column, in CSV and
// JSON, and nothing is written.
func TestImportRefusesNULWithItsPlace(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	csvFile := writeFile(t, "nul.csv", "site,label,role,legacy_vendor,extension\nKX,FC-01,front_counter,cisco,31001\nKX,FC\x0002,front_counter,cisco,31002\n")
	code, out, errOut := runCLI(t, db, "import", csvFile)
	if code != 2 || !strings.Contains(errOut, "nul.csv:3:2: label: character 3 is a control character (U+0000 NUL)") || out != "" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	jsonFile := writeFile(t, "osc.json", "{\"site\": {\"code\": \"KX\"}, \"positions\": [\n"+
		`{"label": "FC-01", "room": "Room\u001b]0;pwned\u0007", "role": "front_counter", "legacy_vendor": "cisco", "extension": "31001"}]}`)
	code, _, errOut = runCLI(t, db, "import", jsonFile)
	if code != 2 || !strings.Contains(errOut, "osc.json:2: room: character 5 is a control character (U+001B ESC)") {
		t.Fatalf("exit %d\nstderr %q", code, errOut)
	}
	noRawControl(t, "stderr", errOut)
	if _, out, _ := runCLI(t, db, "sites"); !strings.Contains(out, "No sites yet") {
		t.Errorf("a refused import left sites:\n%s", out)
	}
}

// TestImportOfAHugeLineIsBounded: a header line far over the limit is
// refused with its line, and the message quotes only its start.
func TestImportOfAHugeLineIsBounded(t *testing.T) {
	huge := writeFile(t, "huge.csv", "label,role,legacy_vendor,extension,"+strings.Repeat("x", 3<<20)+"\n")
	code, out, errOut := runCLI(t, filepath.Join(t.TempDir(), "c.db"), "import", huge)
	if code != 2 || out != "" || !strings.Contains(errOut, "huge.csv:1: this line is longer than 64 KiB") || len(errOut) > 400 {
		t.Fatalf("exit %d, %d bytes on stderr: %.500q", code, len(errOut), errOut)
	}
}

// TestFlagsAndSettingsRefuseControlCharacters: --engineer, --note and the
// config file's engineer name are checked before anything runs.
func TestFlagsAndSettingsRefuseControlCharacters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, e := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %s", e)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--engineer", "eve\x1b]0;pwned\x07", "status"}, "--engineer: character 4 is a control character (U+001B ESC)"},
		{[]string{"status", "--engineer", "eve\x00"}, "--engineer: character 4 is a control character (U+0000 NUL)"},
		{[]string{"step", "--site", "KX", "--position", "FC-01", "--step", "legacy_serial", "--result", "skip", "--note", "a\x1b[2Jb"},
			"--note: character 2 is a control character (U+001B ESC)"},
		{[]string{"step", "--site", "KX", "--position", "FC-01", "--step", "legacy_serial", "--result", "pass", "--value", "FCH\u009b1"},
			"--value: character 4 is a control character (U+009B CSI)"},
		{[]string{"step", "--site", "KX", "--position", "FC\x7f01", "--step", "legacy_serial", "--result", "pass"},
			"--position: character 3 is a control character (U+007F DEL)"},
		{[]string{"conflicts", "resolve", "12345678", "--resolution", "ok\x07"}, "--resolution: character 3 is a control character (U+0007 BEL)"},
		{[]string{"import", "x.csv", "--site-name", "K\x1bX"}, "--site-name: character 2 is a control character (U+001B ESC)"},
	} {
		code, out, errOut := runCLI(t, db, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.want)
		}
		noRawControl(t, "stderr", errOut)
	}
	// A note may run over two lines: the flag check lets it through.
	code, out, errOut := runCLI(t, db, "step", "--site", "KX", "--position", "FC-01", "--step", "legacy_serial", "--result", "skip", "--note", "label gone\nfrom the handset")
	if strings.Contains(errOut, "--note") {
		t.Errorf("a two-line note: exit %d %s %s", code, out, errOut)
	}

	var outb, errb bytes.Buffer
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "cfg"), 0o700)
	cfg := filepath.Join(home, "cfg", "config.json")
	os.WriteFile(cfg, []byte(`{"engineer": "eve\u001b]0;pwned\u0007"}`), 0o600)
	env := &Env{Stdin: strings.NewReader(""), Stdout: &outb, Stderr: &errb, Getenv: func(k string) string {
		return map[string]string{"HOME": home}[k]
	}}
	code = Run(context.Background(), env, []string{"--config", cfg, "--db", db, "status"})
	if code == 0 || !strings.Contains(errb.String(), `config `+cfg+`: "engineer": character 4 is a control character (U+001B ESC)`) {
		t.Errorf("config engineer: exit %d %q", code, errb.String())
	}
	noRawControl(t, "stderr", errb.String())
}

// plantHostile stores hostile text as the hub would deliver it, past the
// import's checks: a site name, a failed position's room, reason and notes,
// and a position whose label wipes the screen.
func plantHostile(t *testing.T, db string) {
	t.Helper()
	st, err := site.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	err = st.Write(ctx, "hub", func(tx *site.Tx) error {
		if err := tx.ApplyHubSite(ctx, site.Site{Code: "KX", Name: "Kestrel\x1b]0;pwned\x07", Address: evilNote, CeaseDate: "2027-03-31"}); err != nil {
			return err
		}
		_, p, err := site.FindPosition(ctx, tx, "KX", "FC-01")
		if err != nil {
			return err
		}
		p.Room, p.Notes, p.Building = evilRoom, evilNote, evilFormul
		p.Status, p.StatusReason, p.UpdatedBy = site.StatusFailed, evilReason, "eve\x1b[2J"
		if err := tx.ApplyHubPosition(ctx, p, false); err != nil {
			return err
		}
		p.Label, p.Extension, p.MAC, p.DDI = evilLabel, "39999", "", ""
		p.Status, p.StatusReason = site.StatusBlocked, evilReason
		if err := tx.ApplyHubPosition(ctx, p, false); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_conflicts (id, site, kind, entity, entity_id, status, detail, opened_at, ver)
			VALUES ('c1234567890', 'KX', 'serial_twice\x1b[2J', 'position', ?, 'open', '{"why":"\u001b]0;x\u0007"}', '2026-11-25T12:00:00Z', 1)`, evilLabel)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRenderersEscapeStoredText: whatever is stored, no command prints a
// byte a terminal would obey; the markdown report shows <script> as text
// and the CSV report never starts a cell with a formula.
func TestRenderersEscapeStoredText(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, e := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %s", e)
	}
	plantHostile(t, db)
	outputs := map[string]string{}
	for _, args := range [][]string{
		{"report", "--site", "KX", "--format", "markdown"},
		{"report", "--site", "KX", "--format", "csv"},
		{"report", "--site", "KX", "--format", "json"},
		{"runbook", "--site", "KX", "--position", "FC-01"},
		{"runbook", "--site", "KX", "--position", "FC-01", "--json"},
		{"status", "--site", "KX"},
		{"sites"},
		{"conflicts"},
		{"conflicts", "--json"},
	} {
		code, out, errOut := runCLI(t, db, args...)
		if code != 0 {
			t.Fatalf("%q: exit %d %s", args, code, errOut)
		}
		noRawControl(t, strings.Join(args, " "), out+errOut)
		outputs[strings.Join(args, " ")] = out
	}
	md := outputs["report --site KX --format markdown"]
	if strings.Contains(md, "<script") || !strings.Contains(md, "&lt;script&gt;") {
		t.Errorf("markdown report passes HTML through:\n%s", md)
	}
	if !strings.Contains(md, `Room\\x1b\]0;pwned\\x07`) || !strings.Contains(md, `L\\x1b\[2J\\x1b\[HCLEARED`) {
		t.Errorf("markdown report does not show the escapes:\n%s", md)
	}
	recs, err := csv.NewReader(strings.NewReader(outputs["report --site KX --format csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for _, f := range rec {
			if f != "" && strings.ContainsRune("=+-@", rune(f[0])) && !strings.HasPrefix(f, "+44") && !strings.HasPrefix(f, "-") {
				t.Errorf("CSV cell %q could run as a formula", f)
			}
		}
	}
	if !strings.Contains(outputs["report --site KX --format csv"], `'=HYPERLINK(`) {
		t.Error("the formula in the CSV report is not guarded")
	}
	if rb := outputs["runbook --site KX --position FC-01"]; !strings.Contains(rb, `Room\x1b]0;pwned\x07`) || !strings.Contains(rb, `\x1b[31mred`) {
		t.Errorf("runbook:\n%s", rb)
	}
	if c := outputs["conflicts"]; !strings.Contains(c, `serial_twice\x1b[2J`) || !strings.Contains(c, `L\x1b[2J\x1b[HCLEARED`) {
		t.Errorf("conflicts:\n%s", c)
	}
}

// TestReportWriterEscapes: the one writer of `cutover report`, `cutover
// hub report` and `cutover report --from-hub`, given a report as the hub
// sends it.
func TestReportWriterEscapes(t *testing.T) {
	rep := runbook.Report{Site: site.Site{Code: "KX", Name: "Kestrel\x1b]0;pwned\x07", CeaseDate: "2027-03-31"}, Rows: []runbook.ReportRow{{
		Label: evilLabel, Location: evilRoom, Role: "front_counter", Plan: "avaya_fixed", Status: "failed", StatusReason: evilNote,
		LegacySerial: evilFormul, Disposition: "+cmd|' /C calc'!A0", Engineers: []string{"eve\x07"}, Extension: "31001", LegacyDDI: "+442072301001",
		Disputed: []string{evilNote},
	}}}
	rep.Finish()
	for _, f := range []string{"csv", "markdown", "json"} {
		var b bytes.Buffer
		if err := writeReport(&b, rep, f, f == "csv"); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		noRawControl(t, f, out)
		switch f {
		case "markdown":
			if strings.Contains(out, "<script") {
				t.Errorf("markdown passes HTML through:\n%s", out)
			}
		case "csv":
			if !strings.HasPrefix(out, "\ufeff") {
				t.Errorf("--excel: no byte-order mark")
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range recs[1] {
				if f != "" && strings.ContainsRune("=+@", rune(f[0])) && f != "+442072301001" {
					t.Errorf("CSV cell %q could run as a formula", f)
				}
			}
		}
	}
}
