package client_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	hubtest.Must(t, err)
	hubtest.Must(t, os.WriteFile(to, b, 0o600))
}

// TestHubRestoredFromBackup: the hub loses its latest work to a restore;
// laptops notice (new epoch, lower acknowledged sequence), download their
// sites again and push what the backup lost, and nothing is duplicated.
func TestHubRestoredFromBackup(t *testing.T) {
	spec := hubtest.SQLiteSpec(t)
	path := strings.TrimPrefix(spec, "sqlite:")
	h := hubtest.Start(t, spec)
	inv := h.Plan("KX", 20)
	a := h.Laptop("alice", wire.RoleEngineer, "KX")
	syncOK(t, a, "KX")
	for i := 1; i <= 5; i++ {
		move(t, a, "KX", hubtest.Label(inv, i), site.StatusDiscovered)
	}
	syncOK(t, a)
	h.Stop()
	backup := filepath.Join(t.TempDir(), "backup.db")
	copyFile(t, path, backup)
	h.Restart()
	a.Repoint(h.URL)
	for i := 6; i <= 10; i++ {
		move(t, a, "KX", hubtest.Label(inv, i), site.StatusDiscovered)
	}
	syncOK(t, a)
	// Disaster: the hub goes back to the backup, losing ops 6-10.
	h.Stop()
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	copyFile(t, backup, path)
	h.Restart()
	if _, err := h.Store.RotateEpochs(ctx); err != nil {
		t.Fatal(err)
	}
	a.Repoint(h.URL)
	rep := syncOK(t, a)
	if rep.Snapshots != 1 {
		t.Fatalf("after the restore: %+v, want a fresh snapshot", rep)
	}
	if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != 10 {
		t.Fatalf("journal has %d ops after the re-push, want 10", n)
	}
	if n := h.Count(`SELECT COUNT(*) FROM positions WHERE status = 'discovered'`); n != 10 {
		t.Fatalf("hub has %d discovered, want 10", n)
	}
	ps, _ := a.Store.Positions(ctx, "KX")
	n := 0
	for _, p := range ps {
		if p.Status == site.StatusDiscovered {
			n++
		}
	}
	if n != 10 {
		t.Fatalf("laptop shows %d discovered, want 10", n)
	}
}

// TestSnapshotDownloadResumes: a cut download continues from where it
// stopped (Range), and a stale partial file is replaced, not trusted.
func TestSnapshotDownloadResumes(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		h.Plan("KX", 500)
		a := h.Laptop("alice", wire.RoleEngineer, "KX")
		info, err := a.Syncer.Client.Snapshot(ctx, "KX")
		hubtest.Must(t, err)
		full, err := a.Syncer.Client.Download(ctx, info, filepath.Join(t.TempDir(), "whole.part"))
		hubtest.Must(t, err)
		half := filepath.Join(t.TempDir(), "half.part")
		hubtest.Must(t, os.WriteFile(half, full[:len(full)/2], 0o600))
		var ranged string
		next := a.Transport
		a.Transport = hubtest.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Header.Get("Range") != "" {
				ranged = r.Header.Get("Range")
			}
			return next.RoundTrip(r)
		})
		got, err := a.Syncer.Client.Download(ctx, info, half)
		hubtest.Must(t, err)
		if string(got) != string(full) || !strings.HasPrefix(ranged, "bytes=") {
			t.Fatalf("resumed download differs or did not use Range (%q)", ranged)
		}
		// The Syncer verifies the checksum, so a corrupt partial file is
		// thrown away and fetched again.
		a.Syncer.PartDir = t.TempDir()
		part := filepath.Join(a.Syncer.PartDir, fmt.Sprintf(".snapshot-KX-%s-%d.part", info.Epoch, info.Ver))
		hubtest.Must(t, os.WriteFile(part, []byte("garbage"), 0o600))
		if _, err := a.Syncer.Sync(ctx, "KX"); err == nil || !strings.Contains(err.Error(), "checksum") {
			t.Fatalf("corrupt partial file: %v, want a checksum error", err)
		}
		rep := syncOK(t, a, "KX")
		if rep.Snapshots != 1 || rep.Pulled != 501 {
			t.Fatalf("after the checksum error: %+v", rep)
		}
		st, _ := client.ReadStatus(ctx, a.Store)
		if st.LastError != "" {
			t.Fatalf("last error not cleared: %s", st.LastError)
		}
	})
}
