package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestStamped(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "cutover", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "GOOS", Value: "windows"}, {Key: "GOARCH", Value: "amd64"},
			{Key: "vcs.revision", Value: "ffffffffffffffffffffffffffffffffffffffff"}, {Key: "vcs.modified", Value: "true"}}}
	in := get("v1.2.0", "4f2a9c1e03bd5d0e0d1e2f3a4b5c6d7e8f901234", "2026-03-01T10:00:00Z", bi)
	want := "cutover v1.2.0 (commit 4f2a9c1e03bd, built 2026-03-01T10:00:00Z, go1.26.8 windows/amd64)"
	if got := in.String(); got != want {
		t.Fatalf("%s\nwant %s", got, want)
	}
}

func TestFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "cutover", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-02-02T02:02:02Z"},
			{Key: "vcs.modified", Value: "true"}}}
	got := get("", "", "", bi).String()
	want := "cutover devel (commit 0123456789ab with uncommitted changes, committed 2026-02-02T02:02:02Z, go1.26.8 linux/arm64)"
	if got != want {
		t.Fatalf("%s\nwant %s", got, want)
	}
	bi.Main.Version = "v1.3.0"
	bi.Settings = nil
	if got := get("", "", "", bi).String(); !strings.HasPrefix(got, "cutover v1.3.0 (commit unknown, go1.26.8 ") {
		t.Fatalf("go install cutover@v1.3.0: %s", got)
	}
	if got := get("", "", "", nil).String(); !strings.HasPrefix(got, "cutover devel (commit unknown, go") {
		t.Fatalf("no build info: %s", got)
	}
}
