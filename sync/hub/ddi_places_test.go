package hub_test

import (
	"strings"
	"testing"
	"time"

	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// A Teams or new DDI recorded at two positions is a ddi_in_two_places
// conflict, shown in progress's needs-attention in words, and neither
// position's number stands meanwhile (issue 23, point 5).
func TestADDIInTwoPlacesNeedsAttention(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, conflictPlan)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		bob := h.Laptop("bob", wire.RoleEngineer, "KX")
		sync(t, alice, "KX")
		sync(t, bob, "KX")
		stepOp(t, alice, "P1", "teams_ddi", "+442032000077")
		stepOp(t, bob, "P2", "ddi", "+442032000077")
		sync(t, alice)
		sync(t, bob)
		p, err := h.Store.Progress(ctx, hub.Principal{User: "ada", Role: wire.RoleAdmin}, time.Now())
		hubtest.Must(t, err)
		var found bool
		for _, s := range p.Sites {
			for _, pr := range s.Problems {
				if pr.Conflict == "ddi_in_two_places" && strings.Contains(pr.Reason, "KX/P1") && strings.Contains(pr.Reason, "KX/P2") {
					found = true
				}
			}
		}
		if !found {
			t.Fatalf("progress does not show the DDI recorded at P1 and P2: %+v", p.Sites)
		}
		rep, err := h.Store.SiteReport(ctx, hub.Principal{User: "ada", Role: wire.RoleAdmin}, "KX")
		hubtest.Must(t, err)
		for _, r := range rep.Rows {
			if (r.Label == "P1" || r.Label == "P2") && (r.DDIState != "disputed" || r.OpenConflicts != 1) {
				t.Errorf("%s: numbers %s with %d open conflicts; want disputed with the one", r.Label, r.DDIState, r.OpenConflicts)
			}
		}
	})
}
