package ui

import (
	"fmt"
	"time"

	"cutover/internal/safetext"

	tea "github.com/charmbracelet/bubbletea"
)

// The wizard's keys when no prompt is open or a result is being recorded:
// what makes sure a scan or a burst of typing never acts as commands.

// burstWindow is how soon after a printable key another must come for the
// two to be one burst (a barcode scanner types a character every few
// milliseconds; a person, every 100 or more).
const burstWindow = 40 * time.Millisecond

// heldKeyMsg ends the burst window of a held key.
type heldKeyMsg struct{ seq int }

// commandKey takes a key pressed with no prompt open. A printable key is
// held for the burst window first, so that a scan made on a step that
// takes no value is never read as commands (f, s, b…) or its Enter as a
// confirmation.
func (z *wizard) commandKey(msg tea.KeyMsg) tea.Cmd {
	printable := msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace
	switch {
	case printable && len(msg.Runes) > 1:
		// Several characters in one read: a scan or a paste, never keys.
		z.held = append(z.held, msg)
		return z.refuseBurst()
	case printable:
		z.held = append(z.held, msg)
		z.holdSeq++
		seq := z.holdSeq
		return tea.Tick(burstWindow, func(time.Time) tea.Msg { return heldKeyMsg{seq} })
	case len(z.held) > 0 && msg.Type == tea.KeyEnter:
		return z.refuseBurst()
	case len(z.held) > 0:
		cmd := z.releaseHeld()
		return tea.Batch(cmd, z.stepKey(msg))
	}
	return z.stepKey(msg)
}

// releaseHeld acts on the held keys once the burst window is over: one
// key alone is a command; more are text typed with no prompt open.
func (z *wizard) releaseHeld() tea.Cmd {
	held := z.held
	z.held = nil
	if len(held) == 1 && len(held[0].Runes) <= 1 {
		return z.stepKey(held[0])
	}
	z.held = held
	return z.refuseBurst()
}

// refuseBurst refuses what was typed or scanned where no value is asked
// for: nothing is recorded, and until esc or Enter more typing is ignored.
func (z *wizard) refuseBurst() tea.Cmd {
	var text []rune
	for _, k := range z.held {
		text = append(text, k.Runes...)
		if k.Type == tea.KeySpace && len(k.Runes) == 0 {
			text = append(text, ' ')
		}
	}
	z.held = nil
	z.lastErr = fmt.Sprintf("%s was typed or scanned, but this step takes no value: nothing was recorded, and no key of it was taken as a command",
		safetext.Quote(string(text), 60))
	return z.ask(promptRefused, z.due())
}

// holdAhead keeps what is typed while a result is being recorded, for the
// prompt that opens next.
func (z *wizard) holdAhead(msg tea.KeyMsg) {
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace, tea.KeyBackspace, tea.KeyEnter:
		if len(z.ahead) < 256 {
			z.ahead = append(z.ahead, msg)
		}
	}
}

// replay gives the keys typed while recording to the prompt now open; with
// no prompt open they are dropped, and the engineer is told.
func (z *wizard) replay(ahead []tea.KeyMsg) tea.Cmd {
	if len(ahead) == 0 {
		return nil
	}
	if z.prompt == promptNone {
		return note("%d key(s) typed while recording were ignored", len(ahead))
	}
	var cmds []tea.Cmd
	z.replaying = true
	defer func() { z.replaying = false }()
	for i, k := range ahead {
		if z.busy != "" { // an Enter among them started another record
			z.ahead = append(z.ahead, ahead[i:]...)
			break
		}
		cmds = append(cmds, z.promptKey(k))
	}
	return tea.Batch(cmds...)
}
