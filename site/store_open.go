package site

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"cutover/internal/platform"
	"cutover/internal/storeerr"

	"github.com/mattn/go-sqlite3"
)

// Opening a database that is not plainly a good, writable one: a file this
// process may not write is opened for reading; a damaged one is refused
// with the steps to recover; one newer than this cutover is left alone.

// ErrReadOnly is returned by Write on a database opened for reading only.
var ErrReadOnly = errors.New("database is read-only")

// ErrDamaged is returned by Open when SQLite's own check finds the file
// damaged (PRAGMA quick_check, or a page it cannot read).
var ErrDamaged = errors.New("database is damaged")

// ReadOnly says why the database is open for reading only ("" when it can
// be written): the file's permissions, the folder's, or the disk's.
func (s *Store) ReadOnly() string { return s.readOnly }

// ReadOnlyError is the refusal every write gets on a read-only database,
// naming the file and why it cannot be written.
func (s *Store) ReadOnlyError() error {
	return fmt.Errorf("%w: %s %s, so nothing can be recorded (reports and status still work); to record, use a database you may write (copy the file, or fix its permissions)",
		ErrReadOnly, s.path, s.readOnly)
}

// readOnlyReason says why path cannot be written by this process, or "".
// A file whose permissions give nobody write access (chmod 0444) counts as
// read-only even for root, who could write it anyway: someone marked it
// so. SQLite in WAL mode also writes beside the file (-wal and -shm), so
// the folder must be writable too.
func readOnlyReason(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	switch {
	case fi.Mode().Perm()&0o222 == 0:
		return fmt.Sprintf("is read-only (permissions %04o)", fi.Mode().Perm())
	case errors.Is(platform.CanWrite(path), syscall.EROFS):
		return "is on a read-only disk"
	case platform.CanWrite(path) != nil:
		return fmt.Sprintf("cannot be written by this user (permissions %04o)", fi.Mode().Perm())
	case platform.CanWrite(filepath.Dir(path)) != nil:
		return "is in a folder this user cannot write (SQLite needs to write its -wal and -shm files beside it)"
	}
	return ""
}

// checkFile reads an existing database without writing to it: the schema
// version (a newer one is refused, untouched) and SQLite's quick check of
// every page. It returns the DSN parameters that read it, for a read-only
// open: a read-only file is read as immutable (no locks, no -shm file
// beside it, which a read-only folder could not hold), which is safe only
// when no -wal file holds changes not yet copied into it; otherwise SQLite
// must be able to write the -shm file.
func checkFile(path string, known int, readOnly bool) (string, error) {
	params := "mode=ro&_busy_timeout=10000"
	fi, werr := os.Stat(path + "-wal")
	pendingWAL := werr == nil && fi.Size() > 0
	if readOnly && !pendingWAL {
		// Nothing waits in a -wal file: read the file as it is, without
		// the locks and -shm file that would be left beside it.
		params = "mode=ro&immutable=1"
	}
	v, err := schemaVersion(path, params)
	if err != nil && readOnly && pendingWAL && cannotReadShared(err) {
		return "", fmt.Errorf("database %s cannot be opened for reading: its %s-wal file holds changes not yet written into it, and SQLite needs to write beside it to read them; open it once where the folder is writable", path, filepath.Base(path))
	}
	if err != nil {
		switch {
		case storeerr.DiskFull(err):
			return "", fmt.Errorf("database %s: %s (%w)", path, storeerr.DiskFullMessage, err)
		case corrupt(err):
			return "", damaged(path, err.Error())
		}
		return "", fmt.Errorf("database %s cannot be read as SQLite: %w", path, err)
	}
	if v > known {
		return "", fmt.Errorf("%w: %s has schema version %d but this cutover knows only up to %d; upgrade cutover (the file was not modified)",
			ErrNewerSchema, path, v, known)
	}
	if err := quickCheck(path, params); err != nil {
		return "", err
	}
	return params, nil
}

func schemaVersion(path, params string) (int, error) {
	db, err := sql.Open("sqlite3", dsn(path, params))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var v int
	err = db.QueryRow("PRAGMA user_version").Scan(&v)
	return v, err
}

// quickCheck runs PRAGMA quick_check: every page read and every b-tree's
// structure checked (not the indexes against their tables, which
// integrity_check adds at several times the cost).
func quickCheck(path, params string) error {
	db, err := sql.Open("sqlite3", dsn(path, params))
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA quick_check(5)")
	if err != nil {
		if corrupt(err) {
			return damaged(path, err.Error())
		}
		return fmt.Errorf("database %s: quick check: %w", path, err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return damaged(path, err.Error())
		}
		if line != "ok" {
			found = append(found, line)
		}
	}
	if err := rows.Err(); err != nil {
		return damaged(path, err.Error())
	}
	if len(found) > 0 {
		return damaged(path, strings.Join(found, "; "))
	}
	return nil
}

// damaged is ErrDamaged with what SQLite found and the steps to recover:
// the work lives on the hub; the file is kept, since it may hold work not
// yet synced.
func damaged(path, found string) error {
	aside := path + ".damaged-" + time.Now().Format("20060102")
	return fmt.Errorf(`%w: %s failed SQLite's check (%s). Nothing was written to it. To carry on:
  1. keep the file: move it aside (mv %s %s), never delete it: work recorded since the last sync is only in it;
  2. make a new database in its place from the hub, for each site you work on: cutover --db %s pull --site CODE
     (on a laptop logged in to the hub; the new database syncs as a new laptop);
  3. give the old file to whoever supports cutover, to recover what the hub does not have`,
		ErrDamaged, path, found, path, aside, path)
}

func corrupt(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrCorrupt
}

// cannotReadShared reports an error SQLite gives when it may not create or
// write the -shm file that reading a WAL database needs.
func cannotReadShared(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrReadonly || se.Code == sqlite3.ErrCantOpen)
}

// openReadOnly opens a database for reading only: no writer connection, and
// a schema older than this cutover's is refused (upgrading it is a write).
func openReadOnly(path, params, why string, ms []migration) (*Store, error) {
	newest := ms[len(ms)-1].Version
	r, err := sql.Open("sqlite3", dsn(path, params+"&_foreign_keys=on&_query_only=true"))
	if err != nil {
		return nil, err
	}
	r.SetMaxOpenConns(4)
	var v int
	if err := r.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		r.Close()
		return nil, fmt.Errorf("database %s cannot be read as SQLite: %w", path, err)
	}
	if v < newest {
		r.Close()
		return nil, fmt.Errorf("database %s %s and was written by an older cutover (schema %d, this one reads %d): its schema must be brought up to date, which writes to it; open it once where it can be written",
			path, why, v, newest)
	}
	return &Store{path: path, r: r, readOnly: why, Now: time.Now}, nil
}
