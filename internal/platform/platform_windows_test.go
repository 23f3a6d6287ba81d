//go:build windows

package platform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

// setDACL gives path the access list in sddl (e.g. "D:P(A;;FA;;;WD)").
func setDACL(t *testing.T, path, sddl string) {
	t.Helper()
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil && sddl != "D:NO_ACCESS_CONTROL" {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
}

func TestWindowsACL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cutover")
	if err := MkdirPrivate(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.json")
	f, err := CreatePrivate(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := CheckPrivate(path); err != nil {
		t.Fatalf("made by CreatePrivate: %v", err)
	}
	// A file made by another program (Notepad) in the private folder
	// inherits the folder's one entry, as SQLite's -wal and -shm do.
	other := filepath.Join(dir, "cutover.db-wal")
	if err := os.WriteFile(other, []byte("x"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := CheckPrivate(other); err != nil {
		t.Fatalf("made in the private folder: %v", err)
	}
	for _, sddl := range []string{"D:P(A;;FA;;;WD)", "D:P(A;;FR;;;BU)", "D:NO_ACCESS_CONTROL"} {
		setDACL(t, path, sddl)
		err := CheckPrivate(path)
		if err == nil || !strings.Contains(err.Error(), "readable only by you") || !strings.Contains(err.Error(), "icacls") {
			t.Fatalf("%s: %v, want a refusal saying how to fix it", sddl, err)
		}
	}
	// WritePrivateFile over the exposed file leaves a private one.
	if err := WritePrivateFile(path, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if err := CheckPrivate(path); err != nil {
		t.Fatalf("after WritePrivateFile: %v", err)
	}
}

// A file held open without sharing delete cannot be replaced; the error
// says so once the retries are spent, and the replace works once it is
// closed.
func TestWindowsReplaceHeldOpen(t *testing.T) {
	dir := t.TempDir()
	to, from := filepath.Join(dir, "report.md"), filepath.Join(dir, "report.md.tmp")
	os.WriteFile(to, []byte("old"), 0o644)
	os.WriteFile(from, []byte("new"), 0o644)
	held, err := os.Open(to)
	if err != nil {
		t.Fatal(err)
	}
	err = ReplaceFile(from, to)
	held.Close()
	if err == nil || !strings.Contains(err.Error(), "another program") {
		t.Fatalf("replacing a file held open: %v, want the 'another program' hint", err)
	}
	if err := ReplaceFile(from, to); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(to); string(b) != "new" {
		t.Fatalf("%q", b)
	}
}
