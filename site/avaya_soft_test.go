package site

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// The avaya_soft plan is accepted by a database migrated from before it,
// and the other CHECKs still hold.
func TestAvayaSoftPlanAfterMigration(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv, err := ParseInventory("s.csv", []byte("site,label,role,plan,legacy_vendor,extension\nKX,SP-01,personal,avaya_soft,cisco,4100\n"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Import(ctx, "alex", inv, nil, SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	p, err := st.Position(ctx, "KX", "SP-01")
	if err != nil || p.Plan != PlanAvayaSoft {
		t.Fatalf("%+v %v", p, err)
	}
	err = st.Write(ctx, "alex", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE positions SET plan = 'avaya_hard' WHERE label = 'SP-01'`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "CHECK") {
		t.Fatalf("an unknown plan was stored: %v", err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// A laptop's database written before avaya_soft (schema 6, with a position
// on it) takes the new plan after it is opened by this cutover.
func TestAvayaSoftMigratesAnOlderDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", dsn(path, "_foreign_keys=on"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:6] {
		if _, err := db.Exec(m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
	}
	if _, err := db.Exec(`PRAGMA user_version = 6`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO sites (code, name, address, cease_date, created_at, updated_at, updated_by) VALUES ('KX','KX','','2027-03-31','t','t','x')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO positions (site, label, role, plan, legacy_vendor, created_at, updated_at, updated_by)
		VALUES ('KX','P1','personal','avaya_soft','cisco','t','t','x')`); err == nil {
		t.Fatal("schema 6 took avaya_soft: the test proves nothing")
	}
	db.Close()
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	err = st.Write(ctx, "alex", func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO positions (site, label, role, plan, legacy_vendor, created_at, updated_at, updated_by)
			VALUES ('KX','P1','personal','avaya_soft','cisco','t','t','x')`)
		return err
	})
	if err != nil {
		t.Fatalf("after the migration: %v", err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}
