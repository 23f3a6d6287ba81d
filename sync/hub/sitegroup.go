package hub

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
)

// Group commit per site on PostgreSQL (issue 13). A push locks its site's
// row for the whole of its transaction, so pushes to one site run one at a
// time whatever we do. Before, each waited for that row lock inside a
// connection of its own: ten laptops of one site held ten of the pool's
// connections doing nothing, pushes to other sites waited for a free
// connection (and database/sql hands a freed connection to a random
// waiter), and every push paid a commit. Now a push of one site's ops
// joins its site's queue in this process; one goroutine per busy site
// takes every push waiting and applies them in one transaction, each in a
// SAVEPOINT of its own (applyGroup, as SQLite's writer does), in the order
// they came. A site uses one connection at a time in each process, other
// sites never wait behind it, and a queue of pushes pays one commit.
// Across hub processes the site row lock still orders the groups.

// siteQueue is one site's pushes waiting in this process.
type siteQueue struct {
	jobs     []*pushJob
	applying int // pushes taken into the group being applied now
}

// siteGroups is the per-site queues of a PostgreSQL store.
type siteGroups struct {
	mu     sync.Mutex
	queues map[string]*siteQueue // a site is here while its drainer runs
	wg     sync.WaitGroup
	closed bool
}

// pushSite queues a push whose ops are all of one site and waits for its
// answer.
func (s *Store) pushSite(ctx context.Context, site string, j *pushJob) error {
	g := &s.sites
	j.ctx, j.done = ctx, make(chan struct{})
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errClosed
	}
	if g.queues == nil {
		g.queues = map[string]*siteQueue{}
	}
	q, busy := g.queues[site]
	if !busy {
		q = &siteQueue{}
		g.queues[site] = q
	}
	q.jobs = append(q.jobs, j)
	if !busy {
		g.wg.Add(1)
		go s.drainSite(site, q)
	}
	g.mu.Unlock()
	<-j.done
	return j.err
}

// drainSite applies the site's waiting pushes, a group at a time, until
// none is left.
func (s *Store) drainSite(site string, q *siteQueue) {
	g := &s.sites
	defer g.wg.Done()
	for {
		g.mu.Lock()
		q.applying = 0
		n, ops := 0, 0
		for n < len(q.jobs) && (n == 0 || ops+len(q.jobs[n].req.Ops) <= maxGroupOps) {
			ops += len(q.jobs[n].req.Ops)
			n++
		}
		if n == 0 {
			delete(g.queues, site)
			g.mu.Unlock()
			return
		}
		group := append([]*pushJob(nil), q.jobs[:n]...)
		q.jobs = q.jobs[n:]
		q.applying = n
		g.mu.Unlock()

		if len(group) > 1 {
			s.grouped.Add(int64(len(group)))
		}
		s.applyGroup(group)
		// PostgreSQL may end a transaction that waits on another in a
		// cycle (a laptop with a push to each of two sites at once holds
		// its client row in both). Such a push, or a whole group, is
		// tried again alone, where it cannot be part of a cycle of ours.
		for _, j := range group {
			if retryAlone(j.err) {
				j.err = s.pushAlone(context.Background(), j)
			}
			close(j.done)
		}
	}
}

// stopSites waits for the drainers; pushes after it are refused.
func (s *Store) stopSites() {
	s.sites.mu.Lock()
	s.sites.closed = true
	s.sites.mu.Unlock()
	s.sites.wg.Wait()
}

// retryAlone says whether PostgreSQL gave up on the transaction for a
// reason that trying again cannot repeat: a deadlock or a serialization
// failure.
func retryAlone(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// oneSite is the site every op of the push names, or "" when they name
// more than one (or none).
func oneSite(j *pushJob) string {
	site := ""
	for _, op := range j.req.Ops {
		if site != "" && op.Site != site {
			return ""
		}
		site = op.Site
	}
	return site
}
