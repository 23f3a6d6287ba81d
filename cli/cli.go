// Package cli owns cutover's command line: the global flags, the
// subcommands (one file each) and how errors become exit statuses.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"cutover/config"
	"cutover/internal/platform"
	"cutover/internal/safetext"
	"cutover/internal/storeerr"
	"cutover/internal/version"
	"cutover/site"
	"cutover/ui"

	"github.com/spf13/pflag"
)

// Env is what a command runs with: its streams, the global settings and the
// program's surroundings, all replaceable in tests.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
	// DemoFS holds the bundled demo site (testdata/demo), embedded by main.
	DemoFS fs.FS

	// Global flags.
	DBPath     string
	Engineer   string
	ConfigPath string
	NoColor    bool
	Theme      string // auto, light or dark: the TUI's colours
	Mouse      bool

	Config *config.Config
}

// Command is one subcommand.
type Command struct {
	Name    string
	Args    string // synopsis of the arguments, e.g. "FILE [--site CODE]"
	Summary string // one line for `cutover --help`
	Help    string // longer text for `cutover NAME --help`
	Hidden  bool
	// Terminal is set for commands that may run a full-screen UI on
	// standard output, which escapes what it draws itself; every other
	// command's output goes through a safetext.Writer.
	Terminal bool
	// Flags adds the command's own flags; may be nil.
	Flags func(fs *pflag.FlagSet)
	Run   func(ctx context.Context, env *Env, fs *pflag.FlagSet) error
}

var commands = map[string]*Command{}

// commandOrder is the order of `cutover --help`; commands not listed follow
// in alphabetical order.
var commandOrder = []string{"demo", "import", "sites", "status", "discover", "runbook", "step", "report",
	"login", "pull", "sync", "conflicts", "serve", "hub", "progress", "simswitch"}

func register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// UsageError is a mistake in how a command was called: exit status 2.
type UsageError struct {
	Msg string
	err error // what it wraps, when made with %w
}

func (e UsageError) Error() string { return e.Msg }
func (e UsageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return UsageError{Msg: err.Error(), err: errors.Unwrap(err)}
}

// ExitError carries a specific exit status.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// errQuiet is an ExitError whose message has already been printed.
type errQuiet struct{ code int }

func (e errQuiet) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// NewEnv is the environment of a real run.
func NewEnv(demo fs.FS) *Env {
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now, DemoFS: demo}
}

func (env *Env) addGlobalFlags(fs *pflag.FlagSet) {
	fs.StringVar(&env.DBPath, "db", env.DBPath, "site database `PATH` (default "+filepath.Join(platform.DataDirHelp, "cutover.db")+")")
	fs.StringVar(&env.Engineer, "engineer", env.Engineer, "your `NAME`, recorded on every change (default: config file, else $USER)")
	fs.StringVar(&env.ConfigPath, "config", env.ConfigPath, "settings `FILE` (default "+filepath.Join(platform.ConfigDirHelp, "config.json")+")")
	fs.BoolVar(&env.NoColor, "no-color", env.NoColor, "no colour in the terminal (also NO_COLOR)")
	fs.StringVar(&env.Theme, "theme", env.Theme, "the TUI's colours: `auto` (ask the terminal), light or dark (default: config \"theme\", else auto)")
	fs.BoolVar(&env.Mouse, "mouse", env.Mouse, "let the mouse click and scroll in the TUI")
}

// Run runs cutover with the given arguments (without the program name) and
// returns the exit status.
func Run(ctx context.Context, env *Env, args []string) int {
	top := pflag.NewFlagSet("cutover", pflag.ContinueOnError)
	top.SetOutput(io.Discard)
	top.SetInterspersed(false)
	env.addGlobalFlags(top)
	help := top.BoolP("help", "h", false, "show this help")
	showVersion := top.Bool("version", false, "print the version and exit")
	// `cutover --site KX` opens the TUI on that site, as `cutover tui --site KX`.
	tuiSite := top.String("site", "", "open the TUI on this site `CODE`")
	// …and takes the SNMP credential flags of `cutover discover`.
	var topCreds snmpCredFlags
	topCreds.add(top)
	if err := top.Parse(args); err != nil {
		fmt.Fprintf(env.Stderr, "cutover: %v\nRun 'cutover --help' for usage.\n", err)
		return 2
	}
	if err := checkFlags(top); err != nil {
		fmt.Fprintf(env.Stderr, "cutover: %v\n", err)
		return 2
	}
	rest := top.Args()
	if *help || (len(rest) > 0 && rest[0] == "help" && len(rest) == 1) {
		env.printHelp(env.Stdout)
		return 0
	}
	// The version needs no settings: it answers even with a broken config.
	if *showVersion || (len(rest) == 1 && rest[0] == "version") {
		fmt.Fprintln(env.Stdout, version.Get())
		return 0
	}
	name := "tui"
	var snmpArgs []string
	top.Visit(func(f *pflag.Flag) {
		if isSNMPFlag(f.Name) {
			snmpArgs = append(snmpArgs, "--"+f.Name+"="+f.Value.String())
		}
	})
	if len(rest) == 0 {
		if *tuiSite != "" {
			rest = []string{"--site", *tuiSite}
		}
		rest = append(rest, snmpArgs...)
	} else if *tuiSite != "" {
		fmt.Fprintf(env.Stderr, "cutover: --site goes after the command: cutover %s --site %s\n", rest[0], *tuiSite)
		return 2
	} else if len(snmpArgs) > 0 {
		fmt.Fprintf(env.Stderr, "cutover: the SNMP credential flags go after the command: cutover %s --community …\n", rest[0])
		return 2
	}
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
		if name == "help" {
			name, rest = rest[0], []string{"--help"}
		}
	}
	cmd := commands[name]
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "cutover: unknown command %s\nRun 'cutover --help' for the list of commands.\n", safetext.Quote(name, 40))
		return 2
	}
	fs := pflag.NewFlagSet("cutover "+name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	if cmd.Flags != nil {
		cmd.Flags(fs)
	}
	env.addGlobalFlags(fs)
	cmdHelp := fs.BoolP("help", "h", false, "show help for this command")
	if err := fs.Parse(rest); err != nil {
		fmt.Fprintf(env.Stderr, "cutover %s: %v\nRun 'cutover %s --help' for usage.\n", name, safetext.Clip(err.Error(), 200), name)
		return 2
	}
	if err := checkFlags(fs); err != nil {
		fmt.Fprintf(env.Stderr, "cutover %s: %v\n", name, err)
		return 2
	}
	if *cmdHelp {
		env.printCommandHelp(env.Stdout, cmd, fs)
		return 0
	}
	if _, err := ui.ParseTheme(env.Theme); err != nil {
		fmt.Fprintf(env.Stderr, "cutover %s: --%v\n", name, err)
		return 2
	}
	if err := env.loadSettings(); err != nil {
		fmt.Fprintf(env.Stderr, "cutover: %v\n", err)
		return 1
	}
	// Nothing stored, nor any error text from a hub or a switch, may drive
	// the terminal: what the command prints is escaped on the way out.
	stdout, stderr := env.Stdout, env.Stderr
	defer func() { env.Stdout, env.Stderr = stdout, stderr }()
	errw := safetext.NewWriter(stderr)
	env.Stderr = errw
	defer errw.Flush()
	if !cmd.Terminal {
		outw := safetext.NewWriter(stdout)
		env.Stdout = outw
		defer outw.Flush()
	}
	err := cmd.Run(ctx, env, fs)
	return env.exitStatus(name, err)
}

func (env *Env) exitStatus(name string, err error) int {
	if err == nil {
		return 0
	}
	var q errQuiet
	if errors.As(err, &q) {
		return q.code
	}
	if errors.Is(err, ui.ErrInterrupted) {
		return 130 // Ctrl+C, as a shell reports a program stopped by SIGINT
	}
	var ue UsageError
	if errors.As(err, &ue) {
		fmt.Fprintf(env.Stderr, "cutover %s: %s\nRun 'cutover %s --help' for usage.\n", name, ue.Msg, name)
		return 2
	}
	code := 1
	var ee *ExitError
	if errors.As(err, &ee) {
		code = ee.Code
		if ee.Err == nil {
			return code
		}
	}
	if storeerr.DiskFull(err) && !strings.Contains(err.Error(), storeerr.DiskFullMessage) {
		fmt.Fprintf(env.Stderr, "cutover %s: %s (%v)\n", name, storeerr.DiskFullMessage, err)
		return code
	}
	fmt.Fprintf(env.Stderr, "cutover %s: %v\n", name, err)
	return code
}

func (env *Env) loadSettings() error {
	if env.ConfigPath == "" {
		env.ConfigPath = config.DefaultPath(env.Getenv)
	}
	cfg, err := config.Load(env.ConfigPath)
	if err != nil {
		return err
	}
	env.Config = cfg
	if env.Engineer == "" {
		env.Engineer = cfg.Engineer
	}
	if env.Engineer == "" {
		env.Engineer = env.Getenv("USER")
	}
	if env.Engineer == "" {
		env.Engineer = env.Getenv("LOGNAME")
	}
	if env.Engineer == "" {
		env.Engineer = env.Getenv("USERNAME") // Windows; user.Current would say DOMAIN\name
	}
	if env.Engineer == "" {
		if u, err := user.Current(); err == nil {
			env.Engineer = u.Username
		}
	}
	if err := safetext.Check(env.Engineer, false); err != nil {
		return fmt.Errorf("the engineer name %s (from the config file or $USER): %v; give --engineer NAME", safetext.Quote(env.Engineer, 40), err)
	}
	if env.Theme == "" {
		env.Theme = cfg.Theme
	}
	if env.Getenv("NO_COLOR") != "" {
		env.NoColor = true
	}
	if env.DBPath == "" {
		env.DBPath = filepath.Join(config.DefaultDataDir(env.Getenv), "cutover.db")
	}
	return nil
}

// multiLineFlags may hold a line break; no flag may hold any other control
// character.
var multiLineFlags = map[string]bool{"note": true, "resolution": true}

// checkFlags refuses a flag value with a control character (an escape
// sequence pasted into --engineer or --note would reach every laptop's
// screen after a sync), naming the flag and the character. The Enter a
// barcode scanner sends after a value is not counted.
func checkFlags(fs *pflag.FlagSet) error {
	var bad error
	fs.Visit(func(f *pflag.Flag) {
		vals := []string{f.Value.String()}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			vals = sv.GetSlice()
		}
		for _, v := range vals {
			if err := safetext.Check(strings.TrimRight(v, "\r\n"), multiLineFlags[f.Name]); err != nil && bad == nil {
				bad = fmt.Errorf("--%s: %v", f.Name, err)
			}
		}
	})
	return bad
}

// OpenStore opens the site database named by --db.
func (env *Env) OpenStore() (*site.Store, error) {
	st, err := site.Open(env.DBPath)
	if err != nil {
		return nil, err
	}
	if env.Now != nil {
		st.Now = env.Now
	}
	return st, nil
}

// OpenExisting opens the site database named by --db for a command that
// only reads it: a path with no database says so, instead of creating an
// empty one there (a mistyped --db would otherwise report "no sites").
func (env *Env) OpenExisting() (*site.Store, error) {
	if _, err := os.Stat(env.DBPath); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s: check --db (nothing was created there); a new site starts with 'cutover import'", env.DBPath)
	}
	return env.OpenStore()
}

func (env *Env) printHelp(w io.Writer) {
	fmt.Fprintf(w, "cutover: swap legacy desk phones for Avaya or Teams, position by position, on site.\n\n")
	fmt.Fprintf(w, "Usage:\n  cutover [global flags] COMMAND [flags] [args]\n  cutover [--site CODE]   open the field TUI on the default database (on that site)\n\nCommands:\n")
	for _, c := range orderedCommands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.Name, c.Summary)
	}
	fs := pflag.NewFlagSet("cutover", pflag.ContinueOnError)
	var e Env
	e.addGlobalFlags(fs)
	fmt.Fprintf(w, "\nGlobal flags:\n%s", fs.FlagUsages())
	tf := pflag.NewFlagSet("cutover", pflag.ContinueOnError)
	tf.String("site", "", "open the TUI on this site `CODE`")
	var creds snmpCredFlags
	creds.add(tf)
	fmt.Fprintf(w, "\nTUI flags (plain 'cutover', or 'cutover tui'; without credentials the discovery screen asks):\n%s", tf.FlagUsages())
	fmt.Fprintf(w, "\nRun 'cutover COMMAND --help' for a command's own flags.\n")
}

func orderedCommands() []*Command {
	var out []*Command
	seen := map[string]bool{}
	for _, n := range commandOrder {
		if c := commands[n]; c != nil && !c.Hidden {
			out = append(out, c)
			seen[n] = true
		}
	}
	var rest []*Command
	for n, c := range commands {
		if !seen[n] && !c.Hidden {
			rest = append(rest, c)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].Name < rest[j].Name })
	return append(out, rest...)
}

func (env *Env) printCommandHelp(w io.Writer, c *Command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "cutover %s: %s\n\nUsage:\n  cutover %s %s\n", c.Name, c.Summary, c.Name, c.Args)
	if c.Help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Help))
	}
	fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
}
