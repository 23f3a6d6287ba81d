package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"cutover/internal/safetext"
)

// The limits of an inventory file, in one place (the README lists them).
// A force of 20,000 positions exports as about 2.5 MB of CSV with lines of
// about 120 bytes; the limits leave room for ten times that and refuse
// anything bigger before it is held in memory.
const (
	// MaxInventoryBytes is the largest inventory file accepted.
	MaxInventoryBytes = 32 << 20
	// MaxLineBytes is the longest CSV record (a line, with the line
	// breaks of a quoted note) or JSON position object. Sixteen fields of
	// maxField characters, quoted, fit in it.
	MaxLineBytes = 64 << 10
	// MaxColumns is the most columns a CSV header may have.
	MaxColumns = 64
	// MaxRows is the most rows (CSV records or JSON positions) in a file.
	MaxRows = 200_000
	// maxField is the longest value any inventory field may hold.
	maxField = 500
	// maxProblemsKept is how many problems one file collects before it
	// stops counting.
	maxProblemsKept = 10_000
	// quoteChars is how much of a value an error message quotes.
	quoteChars = 60
)

// quote is a value as an error message shows it: quoted, escaped, and cut
// to quoteChars characters.
func quote(s string) string { return safetext.Quote(s, quoteChars) }

// limitError is an inventory file over one of the limits, found while it
// is read; Line is where the offending line or value starts.
type limitError struct {
	Line  int
	Msg   string
	Start string // the first characters of the line, for the message
}

func (e *limitError) Error() string {
	if e.Start == "" {
		return e.Msg
	}
	return fmt.Sprintf("%s (it starts %s)", e.Msg, safetext.Quote(e.Start, 40))
}

// inputReader reads an inventory file once, as the parser asks for it:
// it hashes what it reads, numbers lines, and stops with a limitError as
// soon as the file, a CSV record or a JSON value grows past its limit, so
// that no more than about MaxLineBytes of a hostile line is ever held.
type inputReader struct {
	r    io.Reader
	sum  hash.Hash
	json bool

	n       int64 // bytes read so far
	skipped int64 // bytes read but not given to the parser (a BOM)
	line    int   // line of the next byte, from 1
	err     error
	newNL   []int64 // JSON: offsets of newlines not yet passed by lineAt
	nlLine  int     // JSON: the line after lastNL
	lastNL  int64   // JSON: offset of the newline before nlLine

	// The current CSV record or JSON value.
	recLine  int
	recBytes int
	start    []byte
	inQuote  bool // CSV: inside a quoted field
	inString bool // JSON: inside a string
	escaped  bool // JSON: after a backslash in a string
	depth    int  // JSON: nesting of objects and arrays
	kinds    [3]byte
	inElem   bool  // JSON: inside an element of the array at depth 2
	elems    []int // JSON: lines where elements of that array start
}

func newInputReader(r io.Reader) *inputReader {
	return &inputReader{r: r, sum: sha256.New(), line: 1, nlLine: 1, lastNL: -1, recLine: 1}
}

// SHA256 is the hash of everything read so far.
func (in *inputReader) SHA256() string { return hex.EncodeToString(in.sum.Sum(nil)) }

func (in *inputReader) Read(p []byte) (int, error) {
	if in.err != nil {
		return 0, in.err
	}
	n, err := in.r.Read(p)
	for i := 0; i < n; i++ {
		if lerr := in.scan(p[i]); lerr != nil {
			in.err = lerr
			in.sum.Write(p[:i])
			return i, lerr
		}
	}
	in.sum.Write(p[:n])
	return n, err
}

// scan follows one byte: where records and values begin and end, and how
// long they have grown.
func (in *inputReader) scan(c byte) error {
	in.n++
	if in.n > MaxInventoryBytes {
		return &limitError{Line: in.line, Msg: fmt.Sprintf("the file is larger than %d MiB, the most an inventory may be: split it by site", MaxInventoryBytes>>20)}
	}
	end := false // c ends a record (CSV) or sits between values (JSON)
	if in.json {
		switch {
		case in.escaped:
			in.escaped = false
		case in.inString:
			in.escaped = c == '\\'
			in.inString = c != '"'
		case c == '"':
			in.inString = true
			in.element()
		case c == '{' || c == '[':
			in.element()
			in.depth++
			if in.depth == 2 {
				in.kinds[2], in.inElem = c, false
			}
			end = in.depth <= 2
		case c == '}' || c == ']':
			in.depth--
			end = in.depth <= 2
		case c == ',':
			if in.depth == 2 {
				in.inElem = false
			}
			end = in.depth <= 2
		case c == ':':
			end = in.depth <= 2
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			in.element() // a number, true, false or null
		}
	} else {
		switch {
		case c == '"':
			in.inQuote = !in.inQuote
		case c == '\n' && !in.inQuote:
			end = true
		}
	}
	if c == '\n' {
		in.line++
		if in.json {
			in.newNL = append(in.newNL, in.n-1)
		}
	}
	if end {
		in.recBytes, in.start, in.recLine = 0, in.start[:0], in.line
		return nil
	}
	in.recBytes++
	if len(in.start) == 0 && (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
		in.recLine = in.line // not started yet
	} else if len(in.start) < 48 {
		in.start = append(in.start, c)
	}
	if in.recBytes > MaxLineBytes {
		what := "line"
		if in.json {
			what = "value"
		}
		return &limitError{Line: in.recLine, Start: string(in.start),
			Msg: fmt.Sprintf("this %s is longer than %d KiB, the most an inventory %s may be", what, MaxLineBytes>>10, what)}
	}
	return nil
}

// element notes where an element of the array at depth 2 (the positions)
// starts.
func (in *inputReader) element() {
	if in.depth == 2 && in.kinds[2] == '[' && !in.inElem {
		in.inElem = true
		in.elems = append(in.elems, in.line)
	}
}

// elementLine is the line where the next element of the positions array
// starts, in the order the decoder takes them.
func (in *inputReader) elementLine() int {
	if len(in.elems) == 0 {
		return in.line
	}
	l := in.elems[0]
	in.elems = in.elems[1:]
	return l
}

// lineAt is the line and column of byte offset off, for offsets given in
// increasing order (as a JSON decoder reports them).
func (in *inputReader) lineAt(off int64) (int, int) {
	for len(in.newNL) > 0 && in.newNL[0] < off {
		in.lastNL = in.newNL[0]
		in.newNL = in.newNL[1:]
		in.nlLine++
	}
	return in.nlLine, int(off - in.lastNL)
}
