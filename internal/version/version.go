// Package version says which cutover this is: the version, commit and build
// date that scripts/release.sh stamps with -ldflags -X, or, for a binary
// built without them (go build, go install, go run), what the Go toolchain
// recorded about the module and its VCS checkout.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Stamped at build time:
//
//	go build -ldflags "-X cutover/internal/version.version=v1.2.0
//	  -X cutover/internal/version.commit=$(git rev-parse HEAD)
//	  -X cutover/internal/version.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
var (
	version string
	commit  string
	date    string
)

// Info is what a binary knows about its own build.
type Info struct {
	Version  string // v1.2.0, a module pseudo-version, or "devel"
	Commit   string // the full commit hash, "" when unknown
	Modified bool   // built from a checkout with uncommitted changes
	Date     string // when it was built (stamped) or committed (from VCS)
	Stamped  bool   // Date is the build date from -ldflags
	Go       string // the Go toolchain, e.g. go1.26.8
	Platform string // GOOS/GOARCH
}

// Get reads this binary's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return get(version, commit, date, bi)
}

// get fills an Info from the stamped values, falling back to the build info.
func get(version, commit, date string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Commit: commit, Date: date, Stamped: date != "",
		Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		if in.Version == "" {
			in.Version = "devel"
		}
		return in
	}
	if bi.GoVersion != "" {
		in.Go = bi.GoVersion
	}
	var vcsTime string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if in.Commit == "" {
				in.Commit = s.Value
			}
		case "vcs.time":
			vcsTime = s.Value
		case "vcs.modified":
			if commit == "" { // a stamped commit speaks for itself
				in.Modified = s.Value == "true"
			}
		case "GOOS":
			in.Platform = s.Value + in.Platform[strings.Index(in.Platform, "/"):]
		case "GOARCH":
			in.Platform = in.Platform[:strings.Index(in.Platform, "/")+1] + s.Value
		}
	}
	if in.Version == "" {
		in.Version = bi.Main.Version
		if in.Version == "" || in.Version == "(devel)" {
			in.Version = "devel"
		}
	}
	if in.Date == "" {
		in.Date = vcsTime
	}
	return in
}

// String is the one line `cutover version` prints, e.g.
// "cutover v1.2.0 (commit 4f2a9c1e03bd, built 2026-03-01T10:00:00Z, go1.26.8 windows/amd64)".
func (in Info) String() string {
	var parts []string
	switch c := in.Commit; {
	case c == "":
		parts = append(parts, "commit unknown")
	case len(c) > 12:
		parts = append(parts, "commit "+c[:12])
	default:
		parts = append(parts, "commit "+c)
	}
	if in.Modified {
		parts[0] += " with uncommitted changes"
	}
	if in.Date != "" {
		if in.Stamped {
			parts = append(parts, "built "+in.Date)
		} else {
			parts = append(parts, "committed "+in.Date)
		}
	}
	parts = append(parts, in.Go+" "+in.Platform)
	return fmt.Sprintf("cutover %s (%s)", in.Version, strings.Join(parts, ", "))
}
