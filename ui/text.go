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

// wrapTo breaks s (one line or more) at spaces into lines of at most w
// cells, a word longer than w broken where it must; a line that fits is
// kept as it is.
func wrapTo(s string, w int) string {
	if w <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	var out []string
	for _, l := range lines {
		if widthOf(l) <= w {
			out = append(out, l)
			continue
		}
		for _, part := range strings.Split(ansi.Wrap(l, w, " "), "\n") {
			out = append(out, strings.TrimRight(part, " "))
		}
	}
	return strings.Join(out, "\n")
}

// wrapParts joins parts with sep into lines of at most w cells, breaking
// between parts (a part wider than w is wrapped by itself).
func wrapParts(parts []string, sep string, w int) string {
	var lines []string
	line := ""
	for _, p := range parts {
		switch {
		case line == "":
			line = p
		case widthOf(line+sep+p) <= w:
			line += sep + p
		default:
			lines = append(lines, wrapTo(line, w))
			line = p
		}
	}
	return strings.Join(append(lines, wrapTo(line, w)), "\n")
}
