package ui

// The supervisors' progress TUI (`cutover progress`): the same root model,
// theme, keys, renderer and status line as the field TUI, over screens that
// read the hub's GET /v1/progress and, for a site's positions, its snapshot.
// Everything that talks to the hub runs inside a tea.Cmd through
// sync/client; nothing here touches a local site database.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"cutover/site"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"cutover/sync/client"
	"cutover/sync/wire"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// ProgressOptions are what the progress TUI runs with.
type ProgressOptions struct {
	// Client reaches the hub with the saved login's credentials.
	Client  *client.Client
	NoColor bool
	Theme   Theme
	Mouse   bool
	In      io.Reader
	Out     io.Writer
	Now     func() time.Time
	// PartDir holds a site's snapshot while it downloads (default: the
	// system's temporary folder); the file is removed once read.
	PartDir string
}

// refreshEvery is how often the progress screens ask the hub again.
const refreshEvery = 60 * time.Second

// RunProgress opens the progress TUI and returns when the user quits.
func RunProgress(ctx context.Context, opt ProgressOptions) error {
	if opt.Client == nil {
		return errors.New("progress: no hub client")
	}
	if opt.Out == nil {
		opt.Out = os.Stdout
	}
	if opt.In == nil {
		opt.In = os.Stdin
	}
	m := newProgressRoot(ctx, opt, newThemedRenderer(opt.Out, opt.NoColor, opt.Theme))
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithAltScreen(), tea.WithInput(opt.In), tea.WithOutput(opt.Out)}
	if opt.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	return runProgram(m, popts)
}

// newProgressRoot is the field TUI's root (routing, help, status line,
// too-small screen) with the progress overview as its bottom screen. The
// title line names the hub user and role.
func newProgressRoot(ctx context.Context, opt ProgressOptions, r *lipgloss.Renderer) *root {
	cr := opt.Client.Credentials()
	m := newRoot(ctx, Options{Engineer: cr.User + " · " + cr.Role, Now: opt.Now}, r)
	hub := &progressHub{c: opt.Client, partDir: opt.PartDir, spin: spinner.New(spinner.WithSpinner(spinner.Line))}
	m.stack = []screen{newProgressScreen(m.sh, hub)}
	return m
}

// progressHub is what the progress screens share: the client, and the
// figures last fetched (the overview screen owns fetching; the site
// screens read the same figures, so a refresh reaches them too).
type progressHub struct {
	c       *client.Client
	partDir string
	spin    spinner.Model

	p       wire.Progress
	loaded  bool      // p holds an answer
	loading bool      // a fetch is on its way
	at      time.Time // when p arrived (our clock)
	err     error     // the last fetch's failure, until one succeeds
	errAt   time.Time
	seq     int // the auto-refresh timer's generation
}

// site returns the figures of one site from the last answer.
func (h *progressHub) site(code string) (wire.SiteProgress, bool) {
	for _, s := range h.p.Sites {
		if s.Code == code {
			return s, true
		}
	}
	return wire.SiteProgress{}, false
}

// Messages of the progress screens.
type (
	// hubProgressMsg carries the hub's answer to GET /v1/progress.
	hubProgressMsg struct {
		p   wire.Progress
		err error
		at  time.Time
	}
	// progressTickMsg asks for the periodic refresh of generation seq.
	progressTickMsg struct{ seq int }
	// hubPositionsMsg carries a site's positions from its hub snapshot.
	hubPositionsMsg struct {
		code string
		ps   []wire.Position
		err  error
	}
)

// fetchProgress starts a fetch of the figures (with the spinner).
func (h *progressHub) fetch(sh *shared) tea.Cmd {
	h.loading = true
	ctx, c, now := sh.ctx, h.c, sh.now
	get := func() tea.Msg {
		p, err := c.Progress(ctx)
		return hubProgressMsg{p: p, err: err, at: now()}
	}
	return tea.Batch(get, sh.spin(h.spin))
}

// tick arms the next automatic refresh, when animating (tests drive
// progressTickMsg themselves).
func (h *progressHub) tick(sh *shared) tea.Cmd {
	if !sh.animate {
		return nil
	}
	h.seq++
	seq := h.seq
	return tea.Tick(refreshEvery, func(time.Time) tea.Msg { return progressTickMsg{seq} })
}

// fetchPositionsCmd reads a site's positions from its snapshot on the hub.
func fetchPositionsCmd(sh *shared, h *progressHub, code string) tea.Cmd {
	ctx, c, dir := sh.ctx, h.c, h.partDir
	return func() tea.Msg {
		ps, err := snapshotPositions(ctx, c, dir, code)
		return hubPositionsMsg{code: code, ps: ps, err: err}
	}
}

// snapshotPositions downloads a site's snapshot (gzip NDJSON: a header line,
// then one wire.Change a line) into a temporary file, checks it against the
// announced SHA-256 and returns its position rows. Nothing is stored.
func snapshotPositions(ctx context.Context, c *client.Client, dir, code string) ([]wire.Position, error) {
	info, err := c.Snapshot(ctx, code)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".cutover-progress-"+code+"-*.part")
	if err != nil {
		return nil, err
	}
	part := f.Name()
	f.Close()
	defer os.Remove(part)
	body, err := c.Download(ctx, info, part)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != info.SHA256 {
		return nil, fmt.Errorf("snapshot of %s: checksum mismatch", code)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("snapshot of %s: %w", code, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var ps []wire.Position
	for first := true; sc.Scan(); first = false {
		if first { // the header: site, epoch, version
			continue
		}
		var ch wire.Change
		if err := json.Unmarshal(sc.Bytes(), &ch); err != nil {
			return nil, fmt.Errorf("snapshot of %s: %w", code, err)
		}
		if ch.T != "position" {
			continue
		}
		var p wire.Position
		if err := json.Unmarshal(ch.Row, &p); err != nil {
			return nil, fmt.Errorf("snapshot of %s: position %s: %w", code, ch.ID, err)
		}
		ps = append(ps, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("snapshot of %s: %w", code, err)
	}
	sort.SliceStable(ps, func(i, j int) bool { return site.LabelLess(ps[i].Label, ps[j].Label) })
	return ps, nil
}
