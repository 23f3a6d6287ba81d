package hub

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"cutover/internal/storeerr"
)

// createPrivate creates a new SQLite hub file readable by its owner only
// (SQLite would use 0644): it holds people, token hashes and every site's
// layout. SQLite gives its -wal and -shm files the same mode. An existing
// file keeps the mode its owner gave it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
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

// openError words a failure to open or migrate the store: a full disk says
// so (the migration is one transaction, so nothing was lost).
func openError(what string, err error) error {
	if storeerr.DiskFull(err) {
		return fmt.Errorf("%s: %s (%w)", what, storeerr.DiskFullMessage, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
