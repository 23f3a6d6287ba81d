// Package notify sends a hub's short messages to a webhook (a Teams
// channel's incoming webhook, or anything that takes a JSON POST) when a
// position is blocked or fails, a conflict opens, or a site's verdict turns
// to at risk, late or stalled: at most one message per site per hour,
// carrying everything that happened there since the last. It watches the
// hub's progress (sync/hub) the way a supervisor would, so the figures and
// the verdicts are the hub's own; it owns only what is new and when to say it.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"cutover/internal/safetext"
	"cutover/sync/hub"
	"cutover/sync/wire"
)

// PerSite is the least time between two messages about one site.
const PerSite = time.Hour

// Notifier watches a hub and posts to a webhook.
type Notifier struct {
	Store *hub.Store
	URL   string
	// Client posts the messages (default: one with a 10-second timeout).
	Client *http.Client
	// Every is how often the hub is looked at (default a minute).
	Every time.Duration
	// Now is the clock (default: the store's).
	Now func() time.Time
	Log *log.Logger

	mu      sync.Mutex
	seen    map[string]siteState // what was known of each site at the last look
	pending map[string][]string  // what happened at a site not yet said
	sent    map[string]time.Time // when each site was last the subject of a message
	started bool
}

type siteState struct {
	verdict  string
	problems map[string]bool
}

// CheckURL refuses a webhook address that is not http or https.
func CheckURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return fmt.Errorf("webhook %q: want an http or https URL", safetext.Clip(u, 80))
	}
	return nil
}

// Run looks at the hub every Every until ctx ends.
func (n *Notifier) Run(ctx context.Context) {
	every := n.Every
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := n.Check(ctx); err != nil && ctx.Err() == nil && n.Log != nil {
			n.Log.Printf("notify: %v", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Check looks at the hub once: the first look learns how things stand and
// says nothing; later ones note what is new, and post for each site with
// news whose last message is at least PerSite old.
func (n *Notifier) Check(ctx context.Context) error {
	now := n.now()
	p, err := n.Store.Progress(ctx, hub.Principal{User: "notify", Role: wire.RoleSupervisor}, now)
	if err != nil {
		return err
	}
	n.mu.Lock()
	if n.seen == nil {
		n.seen, n.pending, n.sent = map[string]siteState{}, map[string][]string{}, map[string]time.Time{}
	}
	for _, sp := range p.Sites {
		st := siteState{verdict: sp.Verdict.Kind, problems: map[string]bool{}}
		before, known := n.seen[sp.Code]
		for _, pr := range sp.Problems {
			if pr.Kind != wire.ProblemFailed && pr.Kind != wire.ProblemBlocked && pr.Kind != wire.ProblemConflict &&
				pr.Kind != wire.ProblemDiscrepancy {
				continue
			}
			key := pr.Kind + "\x00" + pr.Label + "\x00" + pr.Reason
			st.problems[key] = true
			if n.started && !before.problems[key] {
				n.pending[sp.Code] = append(n.pending[sp.Code], problemWords(pr))
			}
		}
		if n.started && sp.Verdict.Attention() && (!known || before.verdict != sp.Verdict.Kind) {
			n.pending[sp.Code] = append(n.pending[sp.Code], "now "+sp.Verdict.Words)
		}
		n.seen[sp.Code] = st
	}
	n.started = true
	var due []string
	for code, news := range n.pending {
		if len(news) > 0 && now.Sub(n.sent[code]) >= PerSite {
			due = append(due, code)
		}
	}
	sort.Strings(due)
	msgs := map[string][]string{}
	for _, code := range due {
		msgs[code], n.pending[code] = n.pending[code], nil
		n.sent[code] = now
	}
	n.mu.Unlock()
	for _, code := range due {
		if err := n.post(ctx, code, msgs[code]); err != nil {
			return err
		}
	}
	return nil
}

func problemWords(pr wire.Problem) string {
	what := pr.Kind
	switch pr.Kind {
	case wire.ProblemFailed:
		what = "failed"
	case wire.ProblemBlocked:
		what = "blocked"
	case wire.ProblemConflict, wire.ProblemDiscrepancy:
		what = "conflict opened"
	}
	if pr.Label != "" {
		what = pr.Label + " " + what
	}
	return what + ": " + pr.Reason
}

// post sends one site's news as {"text": …}, the form a Teams incoming
// webhook takes.
func (n *Notifier) post(ctx context.Context, code string, news []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "cutover: site %s", safetext.Line(code))
	for _, s := range news {
		b.WriteString("\n- ")
		b.WriteString(safetext.Clip(safetext.Line(s), 300))
	}
	body, _ := json.Marshal(map[string]string{"text": b.String()})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	c := n.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook for site %s: %w", code, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook for site %s: %s", code, resp.Status)
	}
	return nil
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return n.Store.Now()
}
