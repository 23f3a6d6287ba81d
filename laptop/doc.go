// Package laptop owns the laptop's use cases: what a site needs attention
// for, the register as an engineer reads it, proposals and local conflicts.
// The TUI (ui) and the CLI (cli) both call it, so each use case has one
// home and neither front end holds SQL. It also holds the demo's simulated
// switches, which supply the swap runner's hooks.
package laptop
