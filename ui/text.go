package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// pad cuts or pads s to exactly w terminal cells (an ellipsis marks a cut).
func pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-n)
}

// cut shortens s to at most w cells.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// fitLines cuts or pads a block to exactly h lines of at most w cells, so a
// screen never pushes the status line off the bottom.
func fitLines(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = cut(l, w)
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// clamp keeps v within [lo, hi].
// wrapWords breaks s into lines of at most w cells at spaces; a word longer
// than w is cut.
func wrapWords(s string, w int) []string {
	w = max(w, 4)
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case widthOf(line)+1+widthOf(word) <= w:
			line += " " + word
		default:
			out = append(out, cut(line, w))
			line = word
		}
	}
	return append(out, cut(line, w))
}

func clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

func itoa(n int) string { return strconv.Itoa(n) }

// lipglossCenter centres s in w cells.
func lipglossCenter(w int, s string) string {
	n := ansi.StringWidth(s)
	if n >= w {
		return s
	}
	return strings.Repeat(" ", (w-n)/2) + s
}

// widthOf is s's width in cells, escape codes not counted.
func widthOf(s string) int { return ansi.StringWidth(s) }
