package ui

// The wizard's list of steps. A step's title too long for the column
// wraps under itself, whole; when the steps do not all fit, the list shows
// whole steps around the one in focus and says how many steps are hidden
// above and below (steps, not screen lines).

import (
	"fmt"
	"strings"
)

// listBlock is what the list shows as one piece: a step's lines, or a
// heading (Runbook, Rollback), which is not counted as a step.
type listBlock struct {
	lines []string
	step  bool
}

func (z *wizard) stepList(w, h int) string {
	st := z.sh.st
	due := z.due()
	rows := z.rows()
	blocks := []listBlock{{lines: []string{st.Header.Render("Runbook")}}}
	focus := 0
	for i, s := range rows {
		if i == len(z.pr.Steps) {
			blocks = append(blocks, listBlock{lines: []string{"", st.Header.Render("Rollback")}})
		}
		n := i + 1
		if i >= len(z.pr.Steps) {
			n = i - len(z.pr.Steps) + 1
		}
		isDue := due != nil && due.Key == s.Key
		pointer := " "
		if z.cursor == i && z.looked() != nil {
			pointer = st.Accent.Render("›")
			focus = len(blocks)
		} else if isDue && z.looked() == nil {
			focus = len(blocks)
		}
		b := listBlock{step: true}
		for j, part := range wrapWords(s.Title, w-7) {
			line := fmt.Sprintf("%s%s %2d %s", pointer, stepMark(st, *s, isDue), n, part)
			if j > 0 {
				line = strings.Repeat(" ", 7) + part
			}
			if isDue || z.cursor == i {
				line = st.Bold.Render(line)
			}
			b.lines = append(b.lines, line)
		}
		blocks = append(blocks, b)
	}
	return strings.Join(fitBlocks(st, blocks, focus, h), "\n")
}

// fitBlocks is the blocks that fit in h lines around the one in focus,
// whole, with a line above and below saying how many steps are hidden
// there.
func fitBlocks(st *styles, blocks []listBlock, focus, h int) []string {
	steps := func(bs []listBlock) int {
		n := 0
		for _, b := range bs {
			if b.step {
				n++
			}
		}
		return n
	}
	all := 0
	for _, b := range blocks {
		all += len(b.lines)
	}
	if all <= h || h < 3 || len(blocks) == 0 {
		var out []string
		for _, b := range blocks {
			out = append(out, b.lines...)
		}
		return out
	}
	focus = clamp(focus, 0, len(blocks)-1)
	// used is the lines blocks[a:b] take, with a marker for each side
	// that hides a step.
	used := func(a, b int) int {
		n := 0
		for _, x := range blocks[a:b] {
			n += len(x.lines)
		}
		if steps(blocks[:a]) > 0 {
			n++
		}
		if steps(blocks[b:]) > 0 {
			n++
		}
		return n
	}
	a, b := focus, focus+1
	for grew := true; grew; {
		grew = false
		if b < len(blocks) && used(a, b+1) <= h {
			b, grew = b+1, true
		}
		if a > 0 && used(a-1, b) <= h {
			a, grew = a-1, true
		}
	}
	var out []string
	if n := steps(blocks[:a]); n > 0 {
		out = append(out, st.Faint.Render("  ↑ "+moreSteps(n)))
	}
	for _, x := range blocks[a:b] {
		out = append(out, x.lines...)
	}
	if len(out) > h { // one step taller than the list: its first lines
		out = out[:h]
	}
	if n := steps(blocks[b:]); n > 0 {
		if len(out) >= h {
			out = out[:h-1]
		}
		out = append(out, st.Faint.Render("  ↓ "+moreSteps(n)))
	}
	return out
}

// moreSteps is "1 more step", "5 more steps".
func moreSteps(n int) string {
	if n == 1 {
		return "1 more step"
	}
	return fmt.Sprintf("%d more steps", n)
}
