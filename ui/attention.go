package ui

import (
	"context"
	"time"

	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"

	tea "github.com/charmbracelet/bubbletea"
)

// attItem is one open problem on the dashboard (laptop.Attention), with
// what enter opens: the position, the discovery result (its evidence,
// where it can be acted on), or the conflicts.
type attItem struct {
	kind  laptop.Kind
	glyph string
	label string
	text  string
	rec   *recItem            // opens the evidence
	names map[string]string   // for the evidence: switch addresses → names
	dark  *runbook.Continuity // a critical position dark now: its timer counts as the screen is drawn
}

func attItemOf(it laptop.Item) attItem {
	a := attItem{kind: it.Kind, glyph: it.Glyph, label: it.Label, text: it.Text, names: it.Names, dark: it.Dark}
	if e := it.Evidence; e != nil {
		a.rec = &recItem{outcome: e.Outcome, expected: e.Expected, seen: e.Seen}
	}
	return a
}

// evidence is the discovery result a results line shows.
func (it recItem) evidence() laptop.Evidence {
	return laptop.Evidence{Outcome: it.outcome, Expected: it.expected, Seen: it.seen}
}

// words is the item's text at now: a dark position's timer counts up.
func (a attItem) words(now time.Time) string {
	return laptop.Item{Text: a.text, Dark: a.dark}.Words(now)
}

func (a attItem) open(sh *shared, code string) screen {
	switch {
	case a.kind == laptop.InConflict:
		return newConflictsScreen(sh, code)
	case a.rec != nil:
		return newEvidence(sh, code, *a.rec, a.names)
	case a.label != "":
		return newDetail(sh, code, a.label)
	}
	return nil
}

// loadAttention gathers every open problem of a site (laptop.Attention).
// Only the positions with a problem are read, not the whole site: the list
// of every position is read after the first frame (loadDashCmd).
func loadAttention(ctx context.Context, sh *shared, code string) ([]attItem, map[string]site.Verdict, error) {
	items, vs, err := laptop.Attention(ctx, sh.store, code, sh.wall())
	if err != nil {
		return nil, nil, err
	}
	out := make([]attItem, 0, len(items))
	for _, it := range items {
		out = append(out, attItemOf(it))
	}
	return out, vs, nil
}

func loadAttentionCmd(sh *shared, code string) tea.Cmd {
	ctx := sh.ctx
	return func() tea.Msg {
		items, vs, err := loadAttention(ctx, sh, code)
		return attentionMsg{code: code, items: items, verdicts: vs, err: err}
	}
}
