package site

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parse(t *testing.T, name, csv string, opt ParseOptions) (*Inventory, []byte) {
	t.Helper()
	inv, err := ParseInventory(name, []byte(csv), opt)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return inv, []byte(csv)
}

const planV1 = `site,label,role,legacy_vendor,extension,mac,room,ddi
KX,FC-01,front_counter,cisco,31001,00:1e:13:00:00:01,Front counter,020 7230 0001
KX,CS-01,custody_suite,cisco,31002,00:1e:13:00:00:02,Custody,020 7230 0002
KX,HD-01,hot_desk,mitel,31003,08:00:0f:00:00:03,Hot desks,
KX,HD-02,hot_desk,mitel,31004,08:00:0f:00:00:04,Hot desks,
KX,PE-01,personal,cisco,31005,00:1e:13:00:00:05,CID,020 7230 0005
`

// planV2 changes CS-01's room, drops HD-01 (no field work) and PE-01 (field
// work done), adds MR-01, and keeps FC-01 and HD-02 as they were.
const planV2 = `site,label,role,legacy_vendor,extension,mac,room,ddi
KX,FC-01,front_counter,cisco,31001,00:1e:13:00:00:01,Front counter,020 7230 0001
KX,CS-01,custody_suite,cisco,31002,00:1e:13:00:00:02,Custody suite cell corridor,020 7230 0002
KX,HD-02,hot_desk,mitel,31004,08:00:0f:00:00:04,Hot desks,
KX,MR-01,meeting_room,cisco,31006,00:1e:13:00:00:06,Room 1,
`

func TestReimportUpdatesPlanOnly(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	inv, data := parse(t, "v1.csv", planV1, ParseOptions{})
	res, err := st.Import(ctx, "alice", inv, data, SiteOverrides{Name: "Kestrel Cross"})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Added != 5 {
		t.Fatalf("first import: %+v", res[0])
	}
	// Field work: CS-01 in progress then blocked; PE-01 done.
	for _, m := range []struct {
		label  string
		to     Status
		reason string
	}{{"CS-01", StatusInProgress, ""}, {"CS-01", StatusBlocked, "cell corridor locked down"},
		{"PE-01", StatusInProgress, ""}, {"PE-01", StatusDone, ""}} {
		if err := st.SetStatus(ctx, "bob", "KX", m.label, m.to, m.reason); err != nil {
			t.Fatal(err)
		}
	}

	inv, data = parse(t, "v2.csv", planV2, ParseOptions{})
	res, err = st.Import(ctx, "carol", inv, data, SiteOverrides{})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Added != 1 || r.Changed != 1 || r.Unchanged != 2 || r.Withdrawn != 1 || len(r.Kept) != 1 || r.Kept[0] != "PE-01" {
		t.Errorf("re-import result %+v; want 1 added, 1 changed, 2 unchanged, 1 withdrawn, PE-01 kept", r)
	}
	cs, _ := st.Position(ctx, "KX", "cs-01")
	if cs.Room != "Custody suite cell corridor" || cs.Status != StatusBlocked || cs.StatusReason != "cell corridor locked down" {
		t.Errorf("CS-01 after re-import: %+v (plan must update, status and reason must stay)", cs)
	}
	if hd, _ := st.Position(ctx, "KX", "HD-01"); hd.Status != StatusWithdrawn {
		t.Errorf("HD-01 status %s; want withdrawn", hd.Status)
	}
	if pe, _ := st.Position(ctx, "KX", "PE-01"); pe.Status != StatusDone {
		t.Errorf("PE-01 status %s; done work must never be withdrawn", pe.Status)
	}
	s, _ := st.Site(ctx, "KX")
	if s.Name != "Kestrel Cross" || s.CeaseDate != DefaultCeaseDate {
		t.Errorf("site %+v: a CSV re-import must keep the stored name and cease date", s)
	}
	hist, _ := st.History(ctx, "KX", "HD-01")
	if len(hist) != 1 || hist[0].Engineer != "carol" || hist[0].To != StatusWithdrawn || !strings.Contains(hist[0].Reason, "v2.csv") {
		t.Errorf("HD-01 history %+v", hist)
	}

	// Back to v1: HD-01 returns to the plan; MR-01 goes.
	inv, data = parse(t, "v1.csv", planV1, ParseOptions{})
	res, err = st.Import(ctx, "carol", inv, data, SiteOverrides{})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.Reinstated != 1 || r.Withdrawn != 1 || r.Added != 0 {
		t.Errorf("third import %+v; want 1 reinstated, 1 withdrawn", r)
	}
	if hd, _ := st.Position(ctx, "KX", "HD-01"); hd.Status != StatusPlanned {
		t.Errorf("HD-01 status %s; want planned again", hd.Status)
	}

	// Every change is in the op log with its engineer.
	var ops, byCarol int
	st.DB().QueryRow(`SELECT count(*), sum(engineer = 'carol') FROM oplog`).Scan(&ops, &byCarol)
	if ops < 8 || byCarol < 4 {
		t.Errorf("op log has %d ops (%d by carol); want every change logged", ops, byCarol)
	}
}

func TestPositionsAreNeverDeleted(t *testing.T) {
	st := openTestStore(t)
	inv, data := parse(t, "v1.csv", planV1, ParseOptions{})
	if _, err := st.Import(context.Background(), "alice", inv, data, SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	err := st.Write(context.Background(), "alice", func(tx *Tx) error {
		_, err := tx.Exec(`DELETE FROM positions WHERE label = 'FC-01'`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "never deleted") {
		t.Errorf("delete of a position: %v; want refused", err)
	}
}

func TestSetStatusRules(t *testing.T) {
	ctx := context.Background()
	st := openTestStore(t)
	inv, data := parse(t, "v1.csv", planV1, ParseOptions{})
	st.Import(ctx, "alice", inv, data, SiteOverrides{})
	if err := st.SetStatus(ctx, "bob", "KX", "FC-01", StatusDone, ""); err == nil {
		t.Error("planned → done allowed; want refused")
	}
	st.SetStatus(ctx, "bob", "KX", "FC-01", StatusInProgress, "")
	if err := st.SetStatus(ctx, "bob", "KX", "FC-01", StatusFailed, " "); err == nil {
		t.Error("failed without a reason allowed")
	}
	if err := st.SetStatus(ctx, "bob", "KX", "NOPE", StatusInProgress, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown position: %v", err)
	}
	if err := st.SetStatus(ctx, "", "KX", "FC-01", StatusDone, ""); err == nil || !strings.Contains(err.Error(), "engineer") {
		t.Errorf("a change without an engineer: %v", err)
	}
}

func TestMigrateFromEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var v int
	st.DB().QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() || v < 1 {
		t.Errorf("user_version %d; want %d", v, SchemaVersion())
	}
	var mode string
	st.DB().QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode %s; want wal", mode)
	}
	for _, table := range []string{"sites", "positions", "status_history", "imports", "oplog"} {
		var n int
		if err := st.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Error(err)
	}
	st.Close()
	// Opening again applies nothing and keeps the data.
	st2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st2.Close()
}

func TestNewDatabaseIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "new.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, p := range []string{path, filepath.Dir(path)} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, %v; want private to its owner", p, fi.Mode().Perm(), err)
		}
	}
}

func TestNewerSchemaIsRefusedUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec("CREATE TABLE x (a); PRAGMA user_version = 999")
	db.Close()
	before, _ := os.ReadFile(path)
	_, err = Open(path)
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "999") || !strings.Contains(err.Error(), "not modified") {
		t.Fatalf("open newer database: %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("the newer database file was modified")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("a WAL file was created beside the newer database")
	}
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(path, []byte("this is not sqlite, just a text file that is long enough to have a header......"), 0o600)
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("open junk: %v; want an error naming the file", err)
	}
}
