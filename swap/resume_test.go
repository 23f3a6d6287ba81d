package swap

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"cutover/site"
	"cutover/site/runbook"
)

// TestResumeAfterKill records steps in a child process, kills it with
// SIGKILL between two steps, and checks that every step it reported as
// recorded is in the database and that another engineer resumes at the
// next step.
func TestResumeAfterKill(t *testing.T) {
	if os.Getenv("CUTOVER_STEP_CHILD") != "" {
		stepChild()
		return
	}
	r := newRig(t)
	db := r.st.Path()
	r.st.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeAfterKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CUTOVER_STEP_CHILD=1", "CUTOVER_STEP_DB="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var recorded []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if k, ok := strings.CutPrefix(sc.Text(), "recorded "); ok {
			recorded = append(recorded, k)
			if len(recorded) == 3 {
				break
			}
		}
	}
	cmd.Process.Kill() // SIGKILL: no deferred cleanup runs
	cmd.Wait()
	if len(recorded) != 3 {
		t.Fatalf("child recorded %v before it was killed", recorded)
	}
	st, err := site.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	pr, err := runbook.Steps(context.Background(), st, "KX", "PE-02")
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range recorded {
		s := pr.Steps[i]
		if s.Key != k || s.Outcome != runbook.OutcomePass || s.Engineer != "eng-child" || s.At == "" {
			t.Fatalf("step %d after the kill: %+v (child said %s)", i, s, k)
		}
	}
	// The child may have committed a fourth step just before the kill; the
	// resume point is whatever follows the last committed step.
	next := len(recorded)
	if pr.Steps[next].Outcome != "" {
		next++
	}
	if pr.Current == nil || pr.Current.Key != pr.Steps[next].Key || pr.Position.Status != site.StatusInProgress {
		t.Fatalf("resume point %+v, want %s", pr.Current, pr.Steps[next].Key)
	}
	run := &Runner{Store: st}
	rec, err := run.Record(context.Background(), "eng-b", "KX", "PE-02", pr.Current.Key, answer("PE-02", pr.Current.Key))
	if err != nil || rec.Outcome != runbook.OutcomePass {
		t.Fatalf("another engineer resuming: %v %+v", err, rec)
	}
}

// stepChild records PE-02's first steps one by one, saying so after each
// commit, and then waits to be killed.
func stepChild() {
	st, err := site.Open(os.Getenv("CUTOVER_STEP_DB"))
	if err != nil {
		os.Exit(2)
	}
	run := &Runner{Store: st}
	for _, k := range []string{"teams_ddi", "surrender", "legacy_serial", "legacy_tag", "legacy_condition"} {
		if _, err := run.Record(context.Background(), "eng-child", "KX", "PE-02", k, answer("PE-02", k)); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("recorded " + k + "\n")
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Minute)
	os.Exit(0)
}
