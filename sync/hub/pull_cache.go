package hub

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
)

// Pull pages, encoded once for every laptop asking the same (issue 13).
// A page is fixed by its site, epoch, cursor and limit and by the site's
// version: until the next push commits, that version's rows do not
// change. So when a hundred laptops pull a busy site at once, one reads
// and encodes the page and the others get the same bytes; the cache is
// in process memory, bounded, and safe to lose (each process fills its
// own).

// pageCacheBytes bounds the encoded pages kept.
const pageCacheBytes = 32 << 20

type pageKey struct {
	site, epoch string
	ver, after  int64
	limit       int
}

type page struct {
	done chan struct{}
	body []byte
	err  error
}

type pageCache struct {
	mu    sync.Mutex
	m     map[pageKey]*page
	order []pageKey // oldest first
	bytes int
}

// PullPage is Pull's answer as the JSON the server sends.
func (s *Store) PullPage(ctx context.Context, p Principal, code, epoch string, after int64, limit int) ([]byte, error) {
	if !p.CanRead(code) {
		return nil, fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, code)
	}
	limit = pullLimit(limit)
	var ep string
	var cur int64
	err := s.r.QueryRowContext(ctx, s.rebind(`SELECT epoch, ver FROM sites WHERE code = ?`), code).Scan(&ep, &cur)
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("site %s: %w on the hub", code, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if epoch != ep || after > cur {
		return nil, ErrMustRefetch
	}
	key := pageKey{code, ep, cur, after, limit}
	c := &s.pages
	c.mu.Lock()
	if c.m == nil {
		c.m = map[pageKey]*page{}
	}
	pg := c.m[key]
	if pg == nil {
		pg = &page{done: make(chan struct{})}
		c.m[key] = pg
		c.mu.Unlock()
		resp, ver, err := s.pullAt(context.WithoutCancel(ctx), code, epoch, after, limit)
		if err == nil {
			pg.body, err = json.Marshal(resp)
			pg.body = append(pg.body, '\n')
		}
		pg.err = err
		c.mu.Lock()
		if err != nil || ver != cur {
			delete(c.m, key) // a push committed meanwhile: the page is good for these callers only
		} else {
			c.order = append(c.order, key)
			c.bytes += len(pg.body)
			for c.bytes > pageCacheBytes && len(c.order) > 1 {
				old := c.order[0]
				c.order = c.order[1:]
				if o := c.m[old]; o != nil {
					c.bytes -= len(o.body)
					delete(c.m, old)
				}
			}
		}
		c.mu.Unlock()
		close(pg.done)
	} else {
		c.mu.Unlock()
		select {
		case <-pg.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if pg.err != nil {
		return nil, pg.err
	}
	return pg.body, s.seen(ctx, p)
}
