package safetext

import (
	"io"
	"sync"
	"unicode/utf8"
)

// Writer passes text on to a terminal with every control character but
// tab and newline escaped as Terminal does, whatever the writes' sizes (a
// character or a CRLF split between two writes is held back until it is
// whole). Commands that print stored text write through one, so that
// text no renderer escaped still cannot drive the terminal.
type Writer struct {
	mu    sync.Mutex
	w     io.Writer
	carry []byte
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it on; it reports len(p) when the write
// succeeded.
func (t *Writer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	data := p
	if len(t.carry) > 0 {
		data = append(t.carry, p...)
		t.carry = nil
	}
	cut := len(data)
	if cut > 0 && data[cut-1] == '\r' {
		cut-- // a CR whose LF may come next
	} else {
		for i := cut - 1; i >= 0 && i >= cut-utf8.UTFMax+1; i-- {
			if utf8.RuneStart(data[i]) {
				if !utf8.FullRune(data[i:]) {
					cut = i
				}
				break
			}
		}
	}
	t.carry = append(t.carry, data[cut:]...)
	if _, err := io.WriteString(t.w, Terminal(string(data[:cut]), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what a last write left incomplete, escaped.
func (t *Writer) Flush() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.carry) == 0 {
		return nil
	}
	s := Terminal(string(t.carry), true)
	t.carry = nil
	_, err := io.WriteString(t.w, s)
	return err
}
