package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"cutover/site"

	"github.com/spf13/pflag"
)

func init() {
	var siteCode, name, address, cease string
	register(&Command{
		Name:    "import",
		Args:    "FILE [--site CODE]",
		Summary: "load or update a site's inventory from a CSV or JSON file",
		Help: `Reads FILE (CSV or JSON, chosen by its extension or its first character), checks
every row, and writes all of it in one transaction, or nothing when any row is
wrong (every problem is printed with its line and column; exit status 2).

A site this laptop pulled from the hub is the hub's: its import is refused
(exit status 2); an admin loads it with 'cutover hub import'.

Re-importing a site updates planned attributes only. Status and field results
are never overwritten. Positions missing from the new file are withdrawn,
except those with field work on them, which are kept and listed.

CSV columns (any order): site, building, floor, room, label, role, plan,
legacy_vendor, legacy_model, mac, extension, ddi, switch, port, target_model,
critical (yes/no; blank: the role's default), max_dark_minutes (1-240; blank:
the default), notes. With --site the site column may be left out; in a file with several
sites, --site imports only that site's rows.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&siteCode, "site", "", "site `CODE` for a file without a site column, or the one site to take from a multi-site file")
			fs.StringVar(&name, "site-name", "", "set the site's `NAME`")
			fs.StringVar(&address, "site-address", "", "set the site's `ADDRESS`")
			fs.StringVar(&cease, "cease-date", "", "set the site's cease `DATE` (YYYY-MM-DD; default "+site.DefaultCeaseDate+")")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 1 {
				return usagef("want exactly one FILE, got %d arguments", fs.NArg())
			}
			if cease != "" {
				if _, err := time.Parse(time.DateOnly, cease); err != nil {
					return usagef("--cease-date %q: want YYYY-MM-DD", cease)
				}
			}
			file := fs.Arg(0)
			f, err := openInventory(file)
			if err != nil {
				return err
			}
			defer f.Close()
			return importReader(ctx, env, file, f, site.ParseOptions{Site: siteCode},
				site.SiteOverrides{Name: name, Address: address, CeaseDate: cease})
		},
	})
}

// openInventory opens an inventory file, refusing at once one that is
// larger than an inventory may be (the reading enforces it too, for pipes).
func openInventory(file string) (*os.File, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > site.MaxInventoryBytes {
		f.Close()
		return nil, &ExitError{Code: 2, Err: fmt.Errorf("%s is %d MiB; an inventory file may be at most %d MiB: split it by site",
			file, fi.Size()>>20, site.MaxInventoryBytes>>20)}
	}
	return f, nil
}

// readInventory reads an inventory file whole, within the size limit, for
// the commands that need its bytes.
func readInventory(file string) ([]byte, error) {
	f, err := openInventory(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, site.MaxInventoryBytes+1))
	if err == nil && len(data) > site.MaxInventoryBytes {
		return nil, &ExitError{Code: 2, Err: fmt.Errorf("%s is larger than %d MiB, the most an inventory file may be: split it by site",
			file, site.MaxInventoryBytes>>20)}
	}
	return data, err
}

func importReader(ctx context.Context, env *Env, file string, r io.Reader, opt site.ParseOptions, ov site.SiteOverrides) error {
	st, err := env.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	inv, results, err := st.ImportReader(ctx, env.Engineer, file, r, opt, ov)
	var probs site.Problems
	var hub *site.HubSiteError
	switch {
	case errors.As(err, &probs):
		fmt.Fprintln(env.Stderr, probs.Error())
		return errQuiet{code: 2}
	case errors.As(err, &hub):
		return &ExitError{Code: 2, Err: err}
	case errors.Is(err, site.ErrOverridesNeedOneSite):
		return usagef("%v", err)
	case err != nil && inv == nil:
		return &ExitError{Code: 2, Err: err} // the file could not be read as an inventory
	case err != nil:
		return err
	}
	printImport(env.Stdout, results, inv.Skipped, "")
	if ov.CeaseDate == "" {
		ceaseNotice(env, inv, func(code string) string {
			s, err := st.Site(ctx, code)
			if err != nil {
				return ""
			}
			return s.CeaseDate
		}, "cutover import FILE --site CODE --cease-date YYYY-MM-DD")
	}
	return nil
}

// ceaseNotice says, for the sites the file gave no cease date, which date
// was used and how to set it: the business case's date has passed, so
// progress would call such a site late. A file of many sites gets one line
// naming the first few, not a line per site.
func ceaseNotice(env *Env, inv *site.Inventory, stored func(code string) string, how string) {
	var codes []string
	for _, si := range inv.Sites {
		if si.CeaseDefault && stored(si.Site.Code) == site.DefaultCeaseDate {
			codes = append(codes, si.Site.Code)
		}
	}
	const named = 5
	switch {
	case len(codes) == 0:
		return
	case len(codes) <= named:
		for _, code := range codes {
			fmt.Fprintf(env.Stderr, "%s: the file gives no cease date, so the business case's %s was used (progress will call the site late if that has passed); to set it: %s\n",
				code, site.DefaultCeaseDate, strings.Replace(how, "CODE", code, 1))
		}
	default:
		fmt.Fprintf(env.Stderr, "%d sites (%s and %d more): the file gives no cease date, so the business case's %s was used (progress will call them late if that has passed); to set it, for each site: %s, or give cease_date in the JSON form\n",
			len(codes), strings.Join(codes[:named], ", "), len(codes)-named, site.DefaultCeaseDate, how)
	}
}

// parseInventoryFile reads and checks an inventory file; problems are
// printed and make exit status 2.
func parseInventoryFile(env *Env, file string, data []byte, opt site.ParseOptions) (*site.Inventory, error) {
	inv, err := site.ParseInventory(file, data, opt)
	var probs site.Problems
	if errors.As(err, &probs) {
		fmt.Fprintln(env.Stderr, probs.Error())
		return nil, errQuiet{code: 2}
	}
	if err != nil {
		return nil, &ExitError{Code: 2, Err: err}
	}
	return inv, nil
}

// printImport prints an import's counts per site; keptNote says what else
// happens to positions kept for their field work.
func printImport(w io.Writer, results []site.ImportResult, skipped int, keptNote string) {
	for _, r := range results {
		fmt.Fprintf(w, "%s: %d added, %d changed, %d unchanged, %d withdrawn", r.Site, r.Added, r.Changed, r.Unchanged, r.Withdrawn)
		if r.Reinstated > 0 {
			fmt.Fprintf(w, ", %d back in the plan", r.Reinstated)
		}
		fmt.Fprintln(w)
		if len(r.Schedule) > 0 {
			fmt.Fprintf(w, "  schedule changed: %s\n", strings.Join(r.Schedule, ", "))
		}
		if len(r.Kept) > 0 {
			fmt.Fprintf(w, "  %d position(s) left out of the new file were kept because field work has been done on them%s: %v\n",
				len(r.Kept), keptNote, r.Kept)
		}
	}
	if skipped > 0 {
		fmt.Fprintf(w, "%d row(s) for other sites skipped\n", skipped)
	}
	if n := schedulesChanged(results); n > 0 {
		fmt.Fprintf(w, "%d site schedule(s) changed\n", n)
	}
}

func schedulesChanged(results []site.ImportResult) int {
	n := 0
	for _, r := range results {
		if len(r.Schedule) > 0 {
			n++
		}
	}
	return n
}
