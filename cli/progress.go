package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"cutover/internal/safetext"
	"cutover/sync/client"
	"cutover/sync/wire"
	"cutover/ui"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/pflag"
)

func init() {
	var asJSON bool
	var format, hubURL string
	register(&Command{
		Name:     "progress",
		Terminal: true,
		Args:     "[--hub URL] [--json | --format csv]",
		Summary:  "progress across every site, from the hub (supervisors)",
		Help: `Asks the hub this laptop is logged in to for the figures supervisors follow:
per site and for the force, positions done and remaining by plan, failed and
blocked positions with their reasons, open conflicts, physical extensions
remaining, positions moved to Teams, DDIs surrendered, handsets returned or
sent to WEEE disposal, the rate of the last 14 days and the projected finish
against each site's cease date (sites that will miss it first), and when each
engineer last synced. Engineers see their own sites only.

In a terminal it opens a TUI: every site with a progress bar (the ones that
will miss their cease date first), the force-wide figures and a chart of
positions done per day, each engineer's last sync; enter opens a site (its
figures, chart, failed and blocked positions with their reasons), p its
positions as the hub holds them (read-only). r refreshes; it also refreshes
every minute. When the output is not a terminal it prints the figures as text.

--json prints the hub's document as it is; --format csv prints one row per
site. --hub asks that hub, with the saved login when it is for that hub.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&hubURL, "hub", "", "the hub's `URL` (default: the hub you logged in to)")
			fs.BoolVar(&asJSON, "json", false, "print the figures as JSON")
			fs.StringVar(&format, "format", "", "`FORMAT`: csv (one row per site)")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 {
				return usagef("takes no arguments")
			}
			if format != "" && format != "csv" {
				return usagef("--format %q: only csv", format)
			}
			tui := !asJSON && format == "" && isTerminal(env.Stdout)
			if tui {
				// Standard output is a terminal: the TUI also needs one on
				// standard input.
				if err := env.needTerminal("progress", "; --json or --format csv print the figures"); err != nil {
					return err
				}
			}
			c, err := env.hubClient(hubURL)
			if err != nil {
				return err
			}
			if tui {
				return ui.RunProgress(ctx, ui.ProgressOptions{Client: c, NoColor: env.NoColor, Theme: env.theme(), Mouse: env.Mouse,
					In: env.Stdin, Out: env.Stdout, Now: env.Now})
			}
			p, err := c.Progress(ctx)
			if err != nil {
				return err
			}
			out := safetext.NewWriter(env.Stdout) // not the TUI: escaped as other commands' output is
			defer out.Flush()
			switch {
			case asJSON:
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(p)
			case format == "csv":
				return progressCSV(out, p)
			}
			return progressText(out, p)
		},
	})
}

// hubClient is a client of the hub this laptop is logged in to. With hubURL set,
// the login must be for that hub: the credentials are never sent elsewhere.
func (env *Env) hubClient(hubURL string) (*client.Client, error) {
	path := client.CredentialsPath(env.ConfigPath, env.Getenv)
	want := ""
	if hubURL != "" {
		u, err := client.CheckHubURL(hubURL)
		if err != nil {
			return nil, UsageError{Msg: err.Error()}
		}
		want = u
	}
	creds, err := client.LoadCredentials(path)
	if errors.Is(err, client.ErrNotLoggedIn) && want != "" {
		return nil, fmt.Errorf("not logged in to %s: run 'cutover login --hub %s --code CODE'", want, want)
	}
	if err != nil {
		return nil, err
	}
	c, err := client.New(creds, nil)
	if err != nil {
		return nil, err
	}
	c.Save = func(cr *client.Credentials) error { return cr.Save(path) }
	c.Load = func() (*client.Credentials, error) { return client.LoadCredentials(path) }
	if want != "" {
		// Another address serves these credentials only if it answers with
		// the hub's name (one for all its processes); nothing is sent first.
		if have, err := client.CheckHubURL(creds.Hub); err != nil || have != want {
			if err := c.Adopt(context.Background(), want); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// isTerminal reports whether w is a terminal (not a pipe or a file).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

var planOrder = []string{"avaya_fixed", "avaya_ptt", "avaya_soft", "teams_ddi", "remove"}

func progressCSV(w io.Writer, p wire.Progress) error {
	cw := csv.NewWriter(w)
	head := []string{"site", "name", "cease_date", "positions", "done", "remaining"}
	for _, pl := range planOrder {
		head = append(head, pl+"_done", pl+"_remaining")
	}
	head = append(head, "failed", "blocked", "open_conflicts", "physical_extensions_remaining", "moved_to_teams",
		"ddis_surrendered", "handsets_returned", "handsets_weee", "handsets_lost", "rate_per_day_14d", "projected_finish", "will_miss_cease_date", "days_late",
		"rate_days", "days_to_cease", "needed_per_day", "discrepancies", "start_date", "wave", "verdict", "verdict_words",
		"critical_dark", "critical_dark_now", "dark_worst_minutes", "dark_median_minutes", "dark_over_target")
	cw.Write(head)
	for _, s := range p.Sites {
		row := []string{s.Code, s.Name, s.CeaseDate, itoa(s.Positions), itoa(s.Done), itoa(s.Remaining)}
		for _, pl := range planOrder {
			row = append(row, itoa(s.ByPlan[pl].Done), itoa(s.ByPlan[pl].Remaining))
		}
		row = append(row, itoa(s.Failed), itoa(s.Blocked), itoa(s.OpenConflicts), itoa(s.PhysicalExtensionsRemaining),
			itoa(s.MovedToTeams), itoa(s.DDIsSurrendered), itoa(s.HandsetsReturned), itoa(s.HandsetsWEEE),
			itoa(s.HandsetsLost), fmt.Sprintf("%.2f", s.RatePerDay), s.ProjectedFinish, fmt.Sprint(s.WillMiss), itoa(s.DaysLate),
			itoa(s.RateDays), itoa(s.DaysToCease), fmt.Sprintf("%.2f", s.NeededPerDay), itoa(s.Discrepancies),
			s.StartDate, s.Wave, s.Verdict.Kind, s.Verdict.Words)
		if c := s.Continuity; c != nil {
			row = append(row, itoa(c.Positions), itoa(c.DarkNow), itoa(c.WorstMinutes), itoa(c.MedianMinutes), itoa(c.OverTarget))
		} else {
			row = append(row, "0", "0", "", "", "0")
		}
		for i, f := range row {
			row[i] = safetext.CSVCell(f)
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func itoa(n int) string { return fmt.Sprint(n) }

func progressText(w io.Writer, p wire.Progress) error {
	f := p.Force
	fmt.Fprintf(w, "Force: %d of %d done, %d remaining; %s\n", f.Done, f.Positions, f.Remaining, f.RateWords(p.Today))
	fmt.Fprintf(w, "  physical extensions remaining %d, moved to Teams %d, DDIs surrendered %d, handsets returned %d, WEEE %d, lost %d\n",
		f.PhysicalExtensionsRemaining, f.MovedToTeams, f.DDIsSurrendered, f.HandsetsReturned, f.HandsetsWEEE, f.HandsetsLost)
	fmt.Fprintf(w, "  failed %d, blocked %d, open conflicts %d\n", f.Failed, f.Blocked, f.OpenConflicts)
	if c := p.ForceContinuity; c != nil {
		fmt.Fprintf(w, "  continuity: %s\n", c.Words)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tDONE\tREMAINING\tRATE/DAY\tFINISH\tCEASE\tVERDICT\tPROBLEMS")
	for _, s := range p.Sites {
		late := s.Verdict.Mark() + " " + s.Verdict.Words
		finish := s.ProjectedFinish
		if finish == "" {
			finish = "-"
		}
		var probs []string
		for _, pr := range s.Problems {
			what := pr.Status
			if what == "" {
				what = pr.Kind
			}
			probs = append(probs, strings.TrimSpace(pr.Label+" "+what))
		}
		if c := s.Continuity; c != nil {
			probs = append(probs, c.Words)
		}
		fmt.Fprintf(tw, "%s\t%d/%d\t%d\t%.1f\t%s\t%s\t%s\t%s\n", s.Code, s.Done, s.Positions, s.Remaining, s.RatePerDay,
			finish, s.CeaseDate, late, strings.Join(probs, ", "))
	}
	tw.Flush()
	if len(p.Engineers) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "PERSON\tROLE\tLAST SYNC")
		for _, e := range p.Engineers {
			last := e.LastSync
			if last == "" {
				last = "never"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", e.User, e.Role, last)
		}
		tw.Flush()
	}
	return nil
}
