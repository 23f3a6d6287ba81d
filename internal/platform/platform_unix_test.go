//go:build !windows

package platform

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestUnixModes(t *testing.T) {
	old := syscall.Umask(0) // the modes must not depend on the umask
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "a", "cutover")
	if err := MkdirPrivate(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode %04o, want 0700", fi.Mode().Perm())
	}
	path := filepath.Join(dir, "cutover.db")
	f, err := CreatePrivate(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %04o, want 0600", fi.Mode().Perm())
	}
	if err := CheckPrivate(path); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o660, 0o604} {
		os.Chmod(path, mode)
		err := CheckPrivate(path)
		if err == nil || !strings.Contains(err.Error(), "readable only by you") || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Fatalf("mode %04o: %v, want a refusal saying how to fix it", mode, err)
		}
	}
	// Replacing a world-readable file leaves a private one.
	if err := WritePrivateFile(path, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("after WritePrivateFile: mode %04o, want 0600", fi.Mode().Perm())
	}
}

func TestReplaceWhileHeldOpen(t *testing.T) {
	dir := t.TempDir()
	to, from := filepath.Join(dir, "f"), filepath.Join(dir, "f.tmp")
	os.WriteFile(to, []byte("old"), 0o600)
	os.WriteFile(from, []byte("new"), 0o600)
	held, err := os.Open(to)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := ReplaceFile(from, to); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(to); string(b) != "new" {
		t.Fatalf("%q", b)
	}
}
