//go:build !windows

package platform

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ConfigDirHelp and DataDirHelp name the default folders in help text.
const (
	ConfigDirHelp = "$XDG_CONFIG_HOME/cutover"
	DataDirHelp   = "$XDG_DATA_HOME/cutover"
)

// StopSignals end a command cleanly: Ctrl+C, kill, and the terminal closing.
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// ConfigDir is the folder of the settings file: $XDG_CONFIG_HOME/cutover,
// else ~/.config/cutover ("" when neither is known).
func ConfigDir(getenv func(string) string) string { return unixConfigDir(getenv) }

// DataDir is the folder of the site database: $XDG_DATA_HOME/cutover, else
// ~/.local/share/cutover, else the current folder.
func DataDir(getenv func(string) string) string { return unixDataDir(getenv) }

// MkdirPrivate makes dir and any missing parents with mode 0700.
func MkdirPrivate(dir string) error { return os.MkdirAll(dir, 0o700) }

// CreatePrivate creates a new file, which must not exist yet, with mode 0600.
func CreatePrivate(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
}

// CheckPrivate refuses a file that anyone but its owner can read or write.
func CheckPrivate(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("mode is %04o, so others can read it; it must be readable only by you, mode 0600 (run: chmod 600 %s)",
			st.Mode().Perm(), path)
	}
	return nil
}

// ReplaceFile renames from onto to, replacing it atomically, and syncs the
// folder so that the rename survives a power cut.
func ReplaceFile(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(to)); err == nil {
		d.Sync() // best effort: some filesystems cannot sync a folder
		d.Close()
	}
	return nil
}

// CanWrite says whether this process may write path (a file or a folder),
// without writing anything: nil, or why not (syscall.EROFS on a read-only
// disk).
func CanWrite(path string) error { return syscall.Access(path, 2 /* W_OK */) }
