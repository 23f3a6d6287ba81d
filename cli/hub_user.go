package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"cutover/internal/safetext"
	"cutover/sync/hub"
)

type userOpts struct {
	role, sites, laptop string
	reinstate, web      bool
}

// hubUser runs `cutover hub user add|revoke|list`.
func hubUser(ctx context.Context, env *Env, store string, args []string, o userOpts) error {
	switch {
	case len(args) == 2 && args[0] == "add":
		if o.role == "" {
			return usagef("user add needs --role engineer|supervisor|admin")
		}
		st, err := env.openHub(ctx, store)
		if err != nil {
			return err
		}
		defer st.Close()
		add := st.AddUser
		if o.reinstate {
			add = st.Reinstate
		}
		code, err := add(ctx, args[1], o.role, strings.Split(o.sites, ","))
		if err != nil {
			return &ExitError{Code: 2, Err: err}
		}
		if o.reinstate {
			fmt.Fprintf(env.Stdout, "%s is reinstated; their old logins stay revoked.\n", args[1])
		}
		if o.web {
			fmt.Fprintf(env.Stdout, "%s (%s) can now sign in to the hub's web page once with this code, valid 24 hours:\n\n  %s\n\n", args[1], o.role, code)
			fmt.Fprintln(env.Stdout, "In a browser: open https://HUB/ and type the code.")
			return nil
		}
		fmt.Fprintf(env.Stdout, "%s (%s) can now enrol one laptop with this code, valid 24 hours:\n\n  %s\n\n", args[1], o.role, code)
		fmt.Fprintf(env.Stdout, "On the laptop: cutover login --hub https://HUB --code %s --ca-cert CA.pem\n", code)
		fmt.Fprintln(env.Stdout, "Or, instead, in a browser: open https://HUB/ and sign in to the web page with it (it works once).")
		return nil
	case len(args) == 2 && args[0] == "revoke":
		st, err := env.openHub(ctx, store)
		if err != nil {
			return err
		}
		defer st.Close()
		if o.laptop != "" {
			err = st.RevokeLaptop(ctx, args[1], o.laptop)
		} else {
			err = st.RevokeUser(ctx, args[1])
		}
		if errors.Is(err, hub.ErrNoUser) {
			return &ExitError{Code: 2, Err: err}
		}
		if err != nil {
			return err
		}
		if o.laptop != "" {
			fmt.Fprintf(env.Stdout, "%s's laptop %s revoked: its tokens are refused from now on; %s's other laptops go on\n", args[1], o.laptop, args[1])
		} else {
			fmt.Fprintf(env.Stdout, "%s revoked: every token they held is refused from now on\n", args[1])
		}
		fmt.Fprintln(env.Stdout, "Work on a revoked laptop stays on it; 'cutover hub user list' shows what the hub knows it holds.")
		return nil
	case len(args) == 1 && args[0] == "list":
		st, err := env.openHub(ctx, store)
		if err != nil {
			return err
		}
		defer st.Close()
		us, err := st.Users(ctx)
		if err != nil {
			return err
		}
		return writeUsers(safetext.NewWriter(env.Stdout), us)
	}
	return usagef("unknown hub command %q: want user add NAME, user revoke NAME [--laptop ID] or user list", "user "+strings.Join(args, " "))
}

func writeUsers(w *safetext.Writer, us []hub.User) error {
	defer w.Flush()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSITES\tLAPTOPS\tREVOKED")
	for _, u := range us {
		rev := ""
		if u.Revoked {
			rev = "revoked"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", u.Name, u.Role, strings.Join(u.Sites, ","), u.Clients, rev)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var lines []string
	for _, u := range us {
		for _, l := range u.Laptops {
			seen := "never"
			if l.LastSeen > 0 {
				seen = time.Unix(l.LastSeen, 0).UTC().Format("2006-01-02 15:04 UTC")
			}
			state := "active"
			if l.Revoked {
				state = "revoked"
			}
			work := "nothing the hub knows of"
			if n := l.Unsent(); n > 0 {
				work = fmt.Sprintf("%d op(s) not received (laptop holds up to %d, tried %s)", n, l.LocalSeq,
					time.Unix(l.RefusedAt, 0).UTC().Format("2006-01-02 15:04 UTC"))
			}
			lines = append(lines, fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%d\t%s\n", u.Name, l.ClientID, l.Host, state, seen, l.LastSeq, work))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nLaptops (as far as the hub knows):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLAPTOP\tHOST\tSTATE\tLAST SEEN\tLAST ACKED\tUNSENT WORK")
	for _, l := range lines {
		fmt.Fprint(tw, l)
	}
	return tw.Flush()
}
