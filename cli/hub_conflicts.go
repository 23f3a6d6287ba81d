package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"cutover/laptop"
	"cutover/sync/hub"
	"cutover/sync/wire"
)

// hubConflictFlags are the flags of 'cutover hub conflicts'.
type hubConflictFlags struct {
	json              bool
	resolution, value string
}

// hubConflicts lists the hub's conflicts, or settles one, on its store:
// the same words as a laptop's 'cutover conflicts' (laptop.Describe).
func hubConflicts(ctx context.Context, env *Env, store string, args []string, code string, all bool, f hubConflictFlags) error {
	st, err := env.openHub(ctx, store)
	if err != nil {
		return err
	}
	defer st.Close()
	admin := hub.Principal{User: env.Engineer, Role: wire.RoleAdmin}
	if len(args) > 0 {
		if args[0] != "resolve" || len(args) != 2 {
			return usagef("want: hub conflicts resolve ID --resolution TEXT [--value V]")
		}
		if strings.TrimSpace(f.resolution) == "" {
			return usagef("resolve needs --resolution TEXT")
		}
		id, err := st.FindConflict(ctx, admin, code, args[1])
		if err != nil {
			return &ExitError{Code: 2, Err: err}
		}
		r, err := st.ResolveConflict(ctx, env.Engineer, id, f.resolution, f.value)
		if err != nil {
			var bad *hub.BadRequestError
			if errors.As(err, &bad) || errors.Is(err, hub.ErrNotFound) {
				return &ExitError{Code: 2, Err: err}
			}
			return err
		}
		if r.Outcome == wire.Rejected {
			return &ExitError{Code: 2, Err: fmt.Errorf("conflict %s not resolved: %s", id, r.Message)}
		}
		fmt.Fprintf(env.Stdout, "conflict %s resolved; the positions it touched are derived again, and laptops get it on their next sync\n", id)
		return nil
	}
	cs, err := st.Conflicts(ctx, admin, code, all)
	if err != nil {
		return err
	}
	if f.json {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		type described struct {
			wire.ConflictRecord
			Words laptop.Described `json:"words"`
		}
		out := make([]described, 0, len(cs))
		for _, c := range cs {
			out = append(out, described{c, laptop.Describe(asConflict(c))})
		}
		return enc.Encode(map[string]any{"conflicts": out})
	}
	if len(cs) == 0 {
		fmt.Fprintln(env.Stdout, "No open conflicts on the hub.")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSITE\tKIND\tSTATUS\tWHAT")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", wire.ShortID(c.ID), c.Site, c.Kind, c.Status, conflictWhat(asConflict(c)))
	}
	return tw.Flush()
}

func asConflict(c wire.ConflictRecord) laptop.Conflict {
	return laptop.Conflict{ID: c.ID, Site: c.Site, Kind: c.Kind, Entity: c.Entity, EntityID: c.EntityID, Status: c.Status,
		Detail: c.Detail, OpenedAt: c.OpenedAt, ResolvedBy: c.ResolvedBy, Resolution: c.Resolution}
}

// conflictWhat is a conflict in words for the laptop's and the hub's
// lists alike: what it is, its facts, the values a resolution may name, and
// what resolving does (or who resolved it and how).
func conflictWhat(c laptop.Conflict) string {
	d := laptop.Describe(c)
	what := d.Title
	if len(d.Lines) > 0 {
		what += " — " + strings.Join(d.Lines, "; ")
	}
	if len(d.Values) > 0 {
		what += " (values: " + strings.Join(d.Values, ", ") + ")"
	}
	if c.Status == "resolved" {
		what += " — resolved by " + c.ResolvedBy + ": " + c.Resolution
	} else if d.Hint != "" {
		what += " — " + d.Hint
	}
	return what
}
