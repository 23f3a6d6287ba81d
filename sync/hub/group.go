package hub

import (
	"context"
	"errors"
	"time"

	"cutover/sync/wire"
)

// Group commit on SQLite (issue 13). SQLite has one writer, and every
// commit waits for the disk (synchronous=FULL); a hundred laptops pushing
// at once queued one fsync each. Pushes now go to one writer loop, which
// takes every push waiting when it is free and applies them in one
// transaction, each push in a SAVEPOINT of its own: a push that fails
// (a sequence gap, a store error) is rolled back alone and answered as it
// would have been; the others commit together, with one wait for the disk.
// A failed commit fails them all, and nothing of any of them is written.
// PostgreSQL needs none of this: its pushes run side by side, each site
// behind its own row lock, and concurrent commits share WAL flushes.

// maxGroupOps bounds the ops one group commit applies.
const maxGroupOps = 5000

var errClosed = errors.New("hub store: closed")

type pushJob struct {
	ctx    context.Context
	p      Principal
	req    wire.PushRequest
	checks map[int64]opCheck
	now    time.Time
	resp   *wire.PushResponse
	err    error
	done   chan struct{}
}

// startWriter starts the SQLite writer loop.
func (s *Store) startWriter() {
	s.wq = make(chan *pushJob) // unbuffered: a push waiting is a sender blocked here
	s.quit = make(chan struct{})
	s.loopDone = make(chan struct{})
	go s.writerLoop()
}

// stopWriter ends the loop after the group it is applying.
func (s *Store) stopWriter() {
	if s.quit != nil {
		close(s.quit)
		<-s.loopDone
	}
}

// queuePush hands a push to the writer loop and waits for its answer.
func (s *Store) queuePush(ctx context.Context, j *pushJob) error {
	j.ctx, j.done = ctx, make(chan struct{})
	select {
	case s.wq <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return errClosed
	}
	<-j.done
	return j.err
}

func (s *Store) writerLoop() {
	defer close(s.loopDone)
	for {
		var j *pushJob
		select {
		case j = <-s.wq:
		case <-s.quit:
			return
		}
		group, ops := []*pushJob{j}, len(j.req.Ops)
	gather:
		for ops < maxGroupOps {
			select {
			case j := <-s.wq:
				group = append(group, j)
				ops += len(j.req.Ops)
			default:
				break gather
			}
		}
		if len(group) > 1 {
			s.grouped.Add(int64(len(group)))
		}
		s.applyGroup(group)
		for _, j := range group {
			close(j.done)
		}
	}
}

// applyGroup applies the pushes of a group in one transaction.
func (s *Store) applyGroup(group []*pushJob) {
	err := s.write(context.Background(), func(t *tx) error {
		for _, j := range group {
			j.err = nil
			if j.err = j.ctx.Err(); j.err != nil {
				continue // the laptop gave up waiting: it sends the push again
			}
			if _, err := t.exec(`SAVEPOINT push`); err != nil {
				return err
			}
			// The statements run under the group's context, not the
			// laptop's: SQLite rolls back the whole transaction when a
			// statement is interrupted, which would lose the others' work.
			err := errUnbatched
			if !s.opByOp {
				err = s.push(t, j.p, j.req, j.checks, j.now, true, j.resp)
			}
			if errors.Is(err, errUnbatched) {
				if _, err := t.exec(`ROLLBACK TO SAVEPOINT push`); err != nil {
					return err
				}
				err = s.push(t, j.p, j.req, j.checks, j.now, false, j.resp)
			}
			if err != nil {
				j.err = err
				if _, rerr := t.exec(`ROLLBACK TO SAVEPOINT push`); rerr != nil {
					return rerr
				}
				if abortsPush(err) {
					return err // a full disk: nothing of the group can be written
				}
			}
			if _, err := t.exec(`RELEASE SAVEPOINT push`); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, j := range group {
			if j.err == nil {
				j.err = err
			}
		}
	}
}
