// Package platform holds what differs between Linux and Windows, each side
// in its own small file behind a build tag: where cutover's files go by
// default, how a file is made private to its owner and checked to be so
// (mode 0600 on Unix; on Windows an access list that grants the current user
// only), replacing a file atomically, and the signals that stop the program.
//
// The rules themselves (which folder wins, which access list is private
// enough, which failures of a replace are worth retrying) are plain
// functions in this file, so that the Linux tests cover the Windows rules
// too; the Windows files only read and write what those rules decide on.
package platform

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// WritePrivateFile replaces path with data atomically: a reader sees the old
// file or the new one, never half of either. The new file is private to the
// current user (see CreatePrivate) whatever its folder allows, and is synced
// before it takes the old one's place.
func WritePrivateFile(path string, data []byte) error {
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+hex.EncodeToString(rnd[:])+".tmp")
	f, err := CreatePrivate(tmp)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := ReplaceFile(tmp, path); err != nil {
		return err
	}
	done = true
	return nil
}

// --- Default folders --------------------------------------------------------

// unixConfigDir is $XDG_CONFIG_HOME/cutover, else ~/.config/cutover.
func unixConfigDir(getenv func(string) string) string {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "cutover")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "cutover")
	}
	return ""
}

// unixDataDir is $XDG_DATA_HOME/cutover, else ~/.local/share/cutover.
func unixDataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "cutover")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "cutover")
	}
	return "."
}

// windowsConfigDir is %APPDATA%\cutover (the roaming profile, as
// os.UserConfigDir), else %USERPROFILE%\AppData\Roaming\cutover.
func windowsConfigDir(getenv func(string) string) string {
	if d := getenv("APPDATA"); d != "" {
		return filepath.Join(d, "cutover")
	}
	if h := getenv("USERPROFILE"); h != "" {
		return filepath.Join(h, "AppData", "Roaming", "cutover")
	}
	return ""
}

// windowsDataDir is %LOCALAPPDATA%\cutover (this machine only, as
// os.UserCacheDir: a site database does not roam), else
// %USERPROFILE%\AppData\Local\cutover.
func windowsDataDir(getenv func(string) string) string {
	if d := getenv("LOCALAPPDATA"); d != "" {
		return filepath.Join(d, "cutover")
	}
	if h := getenv("USERPROFILE"); h != "" {
		return filepath.Join(h, "AppData", "Local", "cutover")
	}
	return "."
}

// --- Owner-only access lists (Windows) -------------------------------------

// ace is one entry of a Windows access list, as far as the privacy rule
// needs it.
type ace struct {
	allow       bool   // an entry that grants (any allow type), not one that denies
	inheritOnly bool   // applies to what the folder will hold, not to the file itself
	sid         string // S-1-…; "" when the entry's layout hides it
	name        string // DOMAIN\user for messages, when known
	mask        uint32
}

// Well-known SIDs that may hold rights on a private file: like root on
// Unix, LocalSystem and the Administrators group can take any file, so a
// grant to them exposes nothing that mode 0600 would hide.
const (
	sidSystem         = "S-1-5-18"
	sidAdministrators = "S-1-5-32-544"
)

// readOrChange is the rights that let someone read the content, change it,
// or change who may: FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA,
// WRITE_DAC, WRITE_OWNER, GENERIC_ALL, GENERIC_WRITE and GENERIC_READ.
const readOrChange = 0x1 | 0x2 | 0x4 | 0x40000 | 0x80000 | 0x10000000 | 0x40000000 | 0x80000000

// errNullDACL is a file with no access list at all: everyone may do
// anything with it.
var errNullDACL = errors.New("it has no access list, so everyone can read it")

// judgeACL says whether an access list keeps the file to me (my SID): no
// entry that applies to the file grants anyone else read or write rights.
// Deny entries never widen access, so they are not counted.
func judgeACL(entries []ace, null bool, me string) error {
	if null {
		return errNullDACL
	}
	var others []string
	for _, e := range entries {
		if !e.allow || e.inheritOnly || e.mask&readOrChange == 0 {
			continue
		}
		switch e.sid {
		case me, sidSystem, sidAdministrators:
			continue
		}
		who := e.name
		if who == "" {
			who = e.sid
		}
		if who == "" {
			who = "an entry cutover cannot read"
		}
		others = append(others, who)
	}
	switch len(others) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s can read or change it", others[0])
	}
	return fmt.Errorf("%s and %d others can read or change it", others[0], len(others)-1)
}

// --- Replacing a file ------------------------------------------------------

// retryTransient runs op until it succeeds, fails in a way transient does not
// accept, or has been tried attempts times, sleeping a little longer each
// time. On Windows a rename onto a file fails while another process (an
// antivirus scan, the search indexer, a backup) has it open without sharing
// delete; such holds usually end within a second.
func retryTransient(op func() error, transient func(error) bool, attempts int, sleep func(time.Duration)) error {
	wait := 10 * time.Millisecond
	var err error
	for i := 0; i < attempts; i++ {
		if err = op(); err == nil || !transient(err) {
			return err
		}
		if i < attempts-1 {
			sleep(wait)
			if wait < 320*time.Millisecond {
				wait *= 2
			}
		}
	}
	return err
}
