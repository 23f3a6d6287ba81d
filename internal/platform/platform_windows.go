//go:build windows

package platform

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// ConfigDirHelp and DataDirHelp name the default folders in help text.
const (
	ConfigDirHelp = `%APPDATA%\cutover`
	DataDirHelp   = `%LOCALAPPDATA%\cutover`
)

// StopSignals end a command cleanly. Go delivers Ctrl+C and Ctrl+Break as
// os.Interrupt, and closing the console window, logging off and shutting
// down as SIGTERM (the process then has a few seconds before Windows ends it).
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// ConfigDir is the folder of the settings file: %APPDATA%\cutover.
func ConfigDir(getenv func(string) string) string { return windowsConfigDir(getenv) }

// DataDir is the folder of the site database: %LOCALAPPDATA%\cutover.
func DataDir(getenv func(string) string) string { return windowsDataDir(getenv) }

// currentUser is the SID of the user this process runs as.
func currentUser() (*windows.SID, error) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("who is the current user: %w", err)
	}
	return tu.User.Sid, nil
}

// privateAttrs is a protected access list (nothing inherited from the
// folder) with one entry: full control for the current user. A folder's
// entry is inherited by what is made in it, so SQLite's -wal and -shm files,
// which it creates itself, are private too.
func privateAttrs(folder bool) (*windows.SecurityAttributes, error) {
	sid, err := currentUser()
	if err != nil {
		return nil, err
	}
	inherit := ""
	if folder {
		inherit = "OICI"
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;" + inherit + ";FA;;;" + sid.String() + ")")
	if err != nil {
		return nil, fmt.Errorf("owner-only access list: %w", err)
	}
	sa := &windows.SecurityAttributes{SecurityDescriptor: sd}
	sa.Length = uint32(unsafe.Sizeof(*sa))
	return sa, nil
}

// MkdirPrivate makes dir, when it is missing, with an access list that
// grants the current user only; missing parents are made as Windows would.
// A folder that exists is left as it is.
func MkdirPrivate(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := os.MkdirAll(parent, 0o700); err != nil {
			return err
		}
	}
	sa, err := privateAttrs(true)
	if err != nil {
		return err
	}
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return err
	}
	if err := windows.CreateDirectory(p, sa); err != nil && !errors.Is(err, fs.ErrExist) {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	return nil
}

// CreatePrivate creates a new file, which must not exist yet, with an access
// list that grants the current user only (whatever its folder would give).
func CreatePrivate(path string) (*os.File, error) {
	sa, err := privateAttrs(false)
	if err != nil {
		return nil, err
	}
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, sa, windows.CREATE_NEW, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// CheckPrivate refuses a file whose access list lets anyone but the current
// user (or LocalSystem and Administrators, who can take any file) read or
// change it.
func CheckPrivate(path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	me, err := currentUser()
	if err != nil {
		return err
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("reading who may open it: %w", err)
	}
	entries, null, err := readDACL(sd)
	if err != nil {
		return err
	}
	if err := judgeACL(entries, null, me.String()); err != nil {
		who := me.String()
		if acct, dom, _, err := me.LookupAccount(""); err == nil {
			who = dom + `\` + acct
		}
		return fmt.Errorf("%v; it must be readable only by you (run: icacls \"%s\" /inheritance:r /grant:r \"%s:F\")", err, path, who)
	}
	return nil
}

// readDACL lists the entries of a security descriptor's access list; null
// is a missing list (everyone may do anything).
func readDACL(sd *windows.SECURITY_DESCRIPTOR) (entries []ace, null bool, err error) {
	dacl, _, err := sd.DACL()
	if errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) || (err == nil && dacl == nil) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading who may open it: %w", err)
	}
	for i := uint32(0); i < uint32(dacl.AceCount); i++ {
		var a *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &a); err != nil {
			return nil, false, fmt.Errorf("reading who may open it: %w", err)
		}
		e := ace{mask: uint32(a.Mask), inheritOnly: a.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0}
		switch a.Header.AceType {
		case windows.ACCESS_DENIED_ACE_TYPE, 0x06, 0x0A, 0x0C: // denied, denied object, denied callback (object)
			continue
		case windows.ACCESS_ALLOWED_ACE_TYPE, 0x09: // allowed, allowed callback: the SID follows the mask
			sid := (*windows.SID)(unsafe.Pointer(&a.SidStart))
			e.sid = sid.String()
			if acct, dom, _, err := sid.LookupAccount(""); err == nil {
				e.name = dom + `\` + acct
			}
		}
		// Any other type (allowed object, compound) is counted as a grant to
		// someone cutover cannot name.
		e.allow = true
		entries = append(entries, e)
	}
	return entries, false, nil
}

// ReplaceFile renames from onto to, replacing it atomically and writing
// through to the disk. While another process holds to open (an antivirus
// scan, the indexer) Windows refuses; that is retried for about two
// seconds, then the error says what to do.
func ReplaceFile(from, to string) error {
	f, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	t, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	err = retryTransient(func() error {
		return windows.MoveFileEx(f, t, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
	}, heldOpen, 10, time.Sleep)
	if err == nil {
		return nil
	}
	if heldOpen(err) {
		return &os.LinkError{Op: "replace", Old: from, New: to,
			Err: fmt.Errorf("%w (is another program holding %s open? close it and try again)", err, filepath.Base(to))}
	}
	return &os.LinkError{Op: "replace", Old: from, New: to, Err: err}
}

// heldOpen is a failure of MoveFileEx while another process has the file
// open.
func heldOpen(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION) ||
		errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

// CanWrite says whether this process may write path (a file or a folder):
// nil, or why not (syscall.EROFS on a write-protected disk). A file is
// opened for writing and closed, which changes nothing; a folder is probed
// with a file made and removed at once.
func CanWrite(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		var f *os.File
		if f, err = os.CreateTemp(path, ".cutover-probe-*"); err == nil {
			f.Close()
			os.Remove(f.Name())
		}
	} else {
		var f *os.File
		if f, err = os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
	}
	if errors.Is(err, windows.ERROR_WRITE_PROTECT) {
		return syscall.EROFS
	}
	return err
}
