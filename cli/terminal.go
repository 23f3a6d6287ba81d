package cli

import (
	"fmt"

	"cutover/ui"

	"github.com/charmbracelet/x/term"
)

// fdTerminal reports whether v is a file that is a terminal (not a pipe, a
// file or /dev/null).
func fdTerminal(v any) bool {
	f, ok := v.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}

// needTerminal is the check a command makes before it opens a TUI: without
// a terminal on standard input and output it says so in one line on
// standard error and exits with status 2, having written nothing to
// standard output (no alternate screen, no background query, no hidden
// cursor left behind).
func (env *Env) needTerminal(name, instead string) error {
	in, out := fdTerminal(env.Stdin), fdTerminal(env.Stdout)
	if in && out {
		return nil
	}
	what := "standard input and output are not terminals"
	switch {
	case in:
		what = "standard output is not a terminal"
	case out:
		what = "standard input is not a terminal"
	}
	cmd := "cutover"
	if name != "" {
		cmd += " " + name
	}
	fmt.Fprintf(env.Stderr, "%s: not a terminal: %s, and the TUI needs one%s\n", cmd, what, instead)
	return errQuiet{2}
}

// theme is the --theme setting (or the config's), checked at start.
func (env *Env) theme() ui.Theme {
	t, _ := ui.ParseTheme(env.Theme)
	return t
}
