package site

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// storeFile makes a real database holding planV1 and closes it.
func storeFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cutover.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	inv, data := parse(t, "v1.csv", planV1, ParseOptions{})
	if _, err := st.Import(context.Background(), "alice", inv, data, SiteOverrides{Name: "Kestrel Cross"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetStatus(context.Background(), "alice", "KX", "CS-01", StatusInProgress, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// A file marked read-only (chmod 0444) opens for reading: what it holds
// can be read, every write is refused with the reason, and nothing is
// written to it or left beside it.
func TestReadOnlyFileOpensForReading(t *testing.T) {
	ctx := context.Background()
	path := storeFile(t)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	st, err := Open(path)
	if err != nil {
		t.Fatalf("open a read-only database: %v", err)
	}
	if why := st.ReadOnly(); !strings.Contains(why, "read-only (permissions 0444)") {
		t.Errorf("ReadOnly() = %q", why)
	}
	ps, err := st.Positions(ctx, "KX")
	if err != nil || len(ps) != 5 {
		t.Fatalf("read positions: %d, %v", len(ps), err)
	}
	err = st.SetStatus(ctx, "bob", "KX", "CS-01", StatusBlocked, "locked down")
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "nothing can be recorded") {
		t.Errorf("write to a read-only database: %v", err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Errorf("integrity check of a read-only database: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the read-only file changed")
	}
	for _, extra := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + extra); err == nil {
			t.Errorf("%s left beside a read-only database", filepath.Base(path+extra))
		}
	}
}

// A database with a damaged page is refused at open with what SQLite found
// and the steps to recover, and left as it was.
func TestDamagedDatabaseIsRefusedAtOpen(t *testing.T) {
	path := storeFile(t)
	db, err := sql.Open("sqlite3", dsn(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	var pageSize, root int
	db.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	if err := db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = 'positions'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Garbage over the positions table's page, as a failing disk or a
	// half-copied file leaves it.
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5, 0x17}, pageSize/2), int64((root-1)*pageSize)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before, _ := os.ReadFile(path)
	_, err = Open(path)
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("open a damaged database: %v, want ErrDamaged", err)
	}
	for _, want := range []string{path + " failed SQLite's check", "keep the file", "never delete it",
		"cutover --db " + path + " pull --site CODE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q:\n%v", want, err)
		}
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the damaged file was written to")
	}
}
