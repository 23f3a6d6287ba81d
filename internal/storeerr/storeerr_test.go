package storeerr

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiskFullFromRealErrors(t *testing.T) {
	// SQLite refusing to grow the file: SQLITE_FULL, as on a full disk.
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	db.QueryRow(`PRAGMA page_count`).Scan(&pages)
	db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages))
	_, err = db.Exec(`INSERT INTO t VALUES (?)`, strings.Repeat("x", 1<<20))
	if !DiskFull(fmt.Errorf("push: %w", err)) {
		t.Errorf("SQLite past its size: %v, want DiskFull", err)
	}
	// The kernel's ENOSPC, from /dev/full.
	if f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0); err == nil {
		_, werr := f.Write([]byte("x"))
		f.Close()
		if !DiskFull(werr) {
			t.Errorf("write to /dev/full: %v, want DiskFull", werr)
		}
	}
	// Other errors are not.
	_, err = db.Exec(`SELECT * FROM no_such_table`)
	if err == nil || DiskFull(err) || DiskFull(errors.New("disk")) || DiskFull(nil) {
		t.Errorf("an ordinary error counted as a full disk: %v", err)
	}
}
