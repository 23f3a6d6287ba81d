package hub

import (
	"errors"
	"fmt"
	"io/fs"

	"cutover/internal/platform"
	"cutover/internal/storeerr"
)

// createPrivate creates a new SQLite hub file readable by its owner only
// (SQLite would use 0644): it holds people, token hashes and every site's
// layout. SQLite gives its -wal and -shm files the same mode (on Windows
// they inherit the folder's access list, which MkdirPrivate made private).
// An existing file keeps the protection its owner gave it.
func createPrivate(path string) error {
	f, err := platform.CreatePrivate(path)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		if storeerr.DiskFull(err) {
			return fmt.Errorf("hub store %s: %s", path, storeerr.DiskFullMessage)
		}
		return fmt.Errorf("hub store: %w", err)
	}
	return f.Close()
}

// mkdirPrivate makes the store's folder, when missing, private to its owner
// (0700; on Windows an access list for the current user only, which the
// -wal and -shm files inherit).
func mkdirPrivate(dir string) error { return platform.MkdirPrivate(dir) }

// openError words a failure to open or migrate the store: a full disk says
// so (the migration is one transaction, so nothing was lost).
func openError(what string, err error) error {
	if storeerr.DiskFull(err) {
		return fmt.Errorf("%s: %s (%w)", what, storeerr.DiskFullMessage, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
