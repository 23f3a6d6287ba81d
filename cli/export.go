package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cutover/site/export"
	"cutover/site/runbook"
	"cutover/sync/hub"
	"cutover/sync/wire"

	"github.com/spf13/pflag"
)

func init() {
	var code, format, out string
	var allPorts bool
	register(&Command{
		Name:    "export",
		Args:    "--site CODE retire|install|numbers|teams-lis [--format F] [--out FILE|FOLDER] [--all-ports]",
		Summary: "what the platform teams need: retire and install lists, the numbers ledger, Teams emergency locations",
		Help: `Writes one export of the site from this laptop's database; every one is sorted
and has fixed columns, so the same work gives the same file.

  retire     every legacy handset taken off the site, for the legacy call
             managers: vendor, model, device name (Cisco SEP+MAC, Mitel the
             MAC), MAC, serial, tag, extension, DDI, position, removal time
             and engineer, disposition (store, WEEE with the waste transfer
             note, lost). --format cisco-bat writes the Cisco device names in
             the file Cisco Unified CM's Bulk Administration Tool takes to
             delete phones by device name (a custom file).
  install    every new Avaya phone in service: model, serial, MAC (from the
             verify step's LLDP-MED reading), tag, extension, DDI, position,
             PoE class, switch and port, voice VLAN, installed time and
             engineer; push-to-talk phones flagged with their group.
  numbers    the DDI ledger: every legacy extension and DDI and its fate
             (kept, replaced, teams, surrendered, withdrawn, pending) with who
             recorded it when; totals by fate; the DDIs to cease with the
             carrier; a DDI at two positions (of any site on this laptop) is
             a duplicate row.
  teams-lis  Teams emergency locations from the latest discovery: the site's
             civic address, one location per building/floor/room, each
             switch's LLDP chassis ID and the LLDP port ID of each port
             serving a position moving to Teams (every position with
             --all-ports). --format csv writes the load files into the
             folder --out names: civic-addresses.csv, locations.csv,
             switches.csv, ports.csv (headed by the Teams cmdlets' parameter
             names) and gaps.csv. --format ps1 writes one PowerShell script
             (pure ASCII, for Windows PowerShell 5.1 and 7) that looks up
             every LocationId before changing anything, and with
             -CreateLocations creates the civic address and locations.

Nothing is left out silently: what an export could not write (a Cisco
handset with no MAC, a port discovery did not read, a handset the hub's
record disputes) is listed on standard error, in the JSON, and with --out in
NAME.gaps.csv beside the file; the exit status is then 4.

Formats: csv (default) and json for every export; cisco-bat for retire; ps1
for teams-lis. The format follows the --out extension (.csv, .json, .ps1,
.txt for cisco-bat) when --format is not given. --out writes the file whole
or not at all.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&code, "site", "", "site `CODE`")
			fs.StringVar(&format, "format", "", "`FORMAT`: csv, json; cisco-bat (retire); ps1 (teams-lis)")
			fs.StringVar(&out, "out", "", "write to `FILE` instead of standard output")
			fs.BoolVar(&allPorts, "all-ports", false, "teams-lis: the port of every active position, not only those moving to Teams")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if code == "" {
				return usagef("--site is required")
			}
			if fs.NArg() != 1 {
				return usagef("want one export: retire, install, numbers or teams-lis")
			}
			kind, err := export.ParseKind(fs.Arg(0))
			if err != nil {
				return usagef("%v", err)
			}
			f, err := exportFormat(kind, format, out)
			if err != nil {
				return err
			}
			st, err := env.OpenExisting()
			if err != nil {
				return err
			}
			defer st.Close()
			code = strings.ToUpper(code)
			var buf bytes.Buffer
			var summary string
			var gaps []export.Gap
			var lis *export.LIS
			sites := []string{code}
			if kind == export.KindNumbers {
				// What the hub's record disputes or overruled is never handed
				// on from here as ceased; say so, by position.
				differs, err := runbook.HubDiffers(ctx, st, code)
				if err != nil {
					return err
				}
				if len(differs) > 0 {
					fmt.Fprintf(env.Stderr, "! marked disputed, because the hub's record differs (see 'cutover runbook'): %s\n",
						strings.Join(differs, ", "))
				}
			}
			switch kind {
			case export.KindRetire:
				var rows []export.Retire
				rows, gaps, err = runbook.ExportRetireGaps(ctx, st, code)
				if err != nil {
					return err
				}
				if err := export.WriteRetire(&buf, f, sites, rows, gaps); err != nil {
					return err
				}
				summary = fmt.Sprintf("%d legacy handsets to retire", len(rows))
			case export.KindInstall:
				rows, err := runbook.ExportInstall(ctx, st, code)
				if err != nil {
					return err
				}
				if err := export.WriteInstall(&buf, f, sites, rows, gaps); err != nil {
					return err
				}
				summary = fmt.Sprintf("%d Avaya phones in service", len(rows))
			case export.KindNumbers:
				n, err := runbook.ExportNumbers(ctx, st, code)
				if err != nil {
					return err
				}
				if err := export.WriteNumbers(&buf, f, sites, n, gaps); err != nil {
					return err
				}
				summary = numbersSummary(n)
			case export.KindTeamsLIS:
				l, err := runbook.ExportLIS(ctx, st, code, allPorts)
				if err != nil {
					return err
				}
				gaps, lis = l.Gaps, &l
				if f != "csv" {
					if err := export.WriteLIS(&buf, f, sites, l); err != nil {
						return err
					}
				}
				summary = fmt.Sprintf("%d switches, %d ports, %d gaps", len(l.Switches), len(l.Ports), len(l.Gaps))
			}
			what := fmt.Sprintf("%s export of %s (%s)", kind, code, summary)
			if lis != nil && f == "csv" {
				return writeLoadFiles(env, *lis, out, what)
			}
			return writeExportGaps(env, buf.Bytes(), out, what, kind, f, gaps)
		},
	})
}

// exitGaps is the exit status of an export that was written but could not
// write every row (see export.Gap).
const exitGaps = 4

// writeExportGaps writes an export, then its gaps: beside the file as
// NAME.gaps.csv with --out (and in the JSON), always counted and listed on
// standard error; with gaps the exit status is exitGaps.
func writeExportGaps(env *Env, data []byte, out, summary string, kind export.Kind, format string, gaps []export.Gap) error {
	if err := writeExport(env, data, out, summary); err != nil {
		return err
	}
	return reportGaps(env, out, kind, format, gaps)
}

// reportGaps says what an export could not write; nil when nothing.
func reportGaps(env *Env, out string, kind export.Kind, format string, gaps []export.Gap) error {
	if len(gaps) == 0 {
		return nil
	}
	where := ""
	if out != "" && (kind != export.KindTeamsLIS || format != "csv") {
		var b bytes.Buffer
		if err := export.WriteGaps(&b, gaps); err != nil {
			return err
		}
		path := gapsPath(out)
		if err := writeFileAtomic(path, b.Bytes()); err != nil {
			return err
		}
		where = "; listed in " + path
	}
	fmt.Fprintf(env.Stderr, "! %d row(s) of the %s export could not be written whole%s:\n", len(gaps), kind, where)
	for i, g := range gaps {
		if i == 20 {
			fmt.Fprintf(env.Stderr, "  … and %d more\n", len(gaps)-20)
			break
		}
		fmt.Fprintf(env.Stderr, "  %s\n", gapLine(g))
	}
	return errQuiet{code: exitGaps}
}

func gapLine(g export.Gap) string {
	where := g.Site + "/" + g.Position
	if g.Position == "" {
		where = g.Site + " switch " + g.Switch
	}
	return where + ": " + g.Reason
}

// gapsPath is where the gaps of an export written to out go: beside it,
// NAME.gaps.csv.
func gapsPath(out string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + ".gaps.csv"
}

// writeLoadFiles writes the teams-lis load files into the folder out
// (made if missing), each whole or not at all.
func writeLoadFiles(env *Env, l export.LIS, out, summary string) error {
	if out == "" {
		return usagef("teams-lis --format csv writes %s: give --out FOLDER", strings.Join(export.LISFileNames, ", "))
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	files, err := export.WriteLISFiles(l)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(out, f.Name), f.Data); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stderr, "%s written to %s (%s)\n", summary, out, strings.Join(export.LISFileNames, ", "))
	return reportGaps(env, out, export.KindTeamsLIS, "csv", l.Gaps)
}

// hubExport is `cutover hub export`: an export from the hub's store.
func hubExport(ctx context.Context, env *Env, store, kindName, code, format, out string, all, allPorts bool) error {
	kind, err := export.ParseKind(kindName)
	if err != nil {
		return usagef("%v", err)
	}
	if (code == "") == !all {
		return usagef("hub export needs --site CODE or --all")
	}
	f, err := exportFormat(kind, format, out)
	if err != nil {
		return err
	}
	st, err := env.openHub(ctx, store)
	if err != nil {
		return err
	}
	defer st.Close()
	var sites []string
	if code != "" {
		sites = []string{strings.ToUpper(code)}
	}
	e, err := st.Export(ctx, hub.Principal{User: env.Engineer, Role: wire.RoleAdmin}, kind, sites, allPorts)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s export of %s from the hub", kind, strings.Join(e.Sites, ", "))
	if kind == export.KindTeamsLIS && f == "csv" {
		return writeLoadFiles(env, e.LIS, out, what)
	}
	var buf bytes.Buffer
	if err := e.Write(&buf, f); err != nil {
		return err
	}
	return writeExportGaps(env, buf.Bytes(), out, what, kind, f, e.Gaps)
}

// exportFormat picks an export's format: --format, else the --out
// extension, else csv.
func exportFormat(kind export.Kind, format, out string) (string, error) {
	f := strings.ToLower(format)
	if f == "" {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".json":
			f = "json"
		case ".ps1":
			f = "ps1"
		case ".txt":
			f = "cisco-bat"
		default:
			f = "csv"
		}
	}
	if f == "powershell" {
		f = "ps1"
	}
	if err := kind.CheckFormat(f); err != nil {
		return "", usagef("%v", err)
	}
	return f, nil
}

func numbersSummary(n export.Numbers) string {
	var parts []string
	for _, f := range export.Fates {
		parts = append(parts, fmt.Sprintf("%s %d", f, n.Totals[f]))
	}
	s := strings.Join(parts, ", ") + fmt.Sprintf("; %d to cease with the carrier", len(n.Cease))
	if len(n.Duplicates) > 0 {
		s += fmt.Sprintf("; %d DDIs recorded twice", len(n.Duplicates))
	}
	return s
}

// writeExport writes an export to standard output, or whole to out with a
// line on standard error.
func writeExport(env *Env, data []byte, out, summary string) error {
	if out == "" {
		_, err := env.Stdout.Write(data)
		return err
	}
	if err := writeFileAtomic(out, data); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "%s written to %s\n", summary, out)
	return nil
}
