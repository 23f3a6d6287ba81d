package site

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"cutover/internal/invgen"
)

// TestImportChild is the child process of TestKillMidImport: it imports the
// file it is given and says when it starts.
func TestImportChild(t *testing.T) {
	db, file := os.Getenv("CUTOVER_KILL_DB"), os.Getenv("CUTOVER_KILL_CSV")
	if db == "" {
		t.Skip("child process of TestKillMidImport only")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("importing")
	// As `cutover import` does: rows are written while the file is read.
	if _, _, err := st.ImportFile(context.Background(), "child", file, data, ParseOptions{}, SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	fmt.Println("imported")
	time.Sleep(time.Minute) // wait for the kill
}

// TestKillMidImport sends SIGKILL to a process importing 20,000 positions at
// different moments: the database must then hold all of the import or none
// of it, and pass SQLite's integrity check.
func TestKillMidImport(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "force.csv")
	var buf bytes.Buffer
	if err := invgen.WriteCSV(&buf, invgen.Options{Sites: 200, PerSite: 100, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csv, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var none, all int
	for i, delay := range []time.Duration{0, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond,
		20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond, 160 * time.Millisecond, 400 * time.Millisecond} {
		db := filepath.Join(dir, fmt.Sprintf("kill%d.db", i))
		cmd := exec.Command(os.Args[0], "-test.run=^TestImportChild$", "-test.v")
		cmd.Env = append(os.Environ(), "CUTOVER_KILL_DB="+db, "CUTOVER_KILL_CSV="+csv)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		started := false
		for sc.Scan() {
			if sc.Text() == "importing" {
				started = true
				break
			}
		}
		if !started {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child never started importing")
		}
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		go func() { // drain what the child printed before it died
			for sc.Scan() {
			}
		}()
		cmd.Wait()

		st, err := Open(db)
		if err != nil {
			t.Fatalf("kill after %v: reopen: %v", delay, err)
		}
		var positions, sites, ops int
		st.DB().QueryRow(`SELECT count(*) FROM positions`).Scan(&positions)
		st.DB().QueryRow(`SELECT count(*) FROM sites`).Scan(&sites)
		st.DB().QueryRow(`SELECT count(*) FROM oplog`).Scan(&ops)
		if err := st.IntegrityCheck(context.Background()); err != nil {
			t.Errorf("kill after %v: %v", delay, err)
		}
		st.Close()
		switch {
		case positions == 0 && sites == 0 && ops == 0:
			none++
		case positions == 20000 && sites == 200 && ops == 200:
			all++
		default:
			t.Errorf("kill after %v: partial import: %d positions, %d sites, %d ops", delay, positions, sites, ops)
		}
	}
	t.Logf("kills: %d left nothing, %d left the whole import", none, all)
	if none == 0 {
		t.Error("no kill landed during the import; the test proved nothing")
	}
}
