package ui

import (
	"context"
	"strings"
	"sync"

	"cutover/site"
)

// positionCache keeps each site's positions as last read, so the dashboard
// and the position list (and a return to either) cost one read of a large
// site, not one each. A site's entry is dropped when its data changes
// (changedMsg); a read that started before the drop is not kept. A read
// asked for while the same one is under way (the list opened while the
// dashboard preloads it) waits for it rather than reading again.
type positionCache struct {
	mu       sync.Mutex
	lister   PositionLister
	entries  map[string][]site.Position
	gen      map[string]int
	inflight map[string]chan struct{}
}

func newPositionCache(l PositionLister) *positionCache {
	return &positionCache{lister: l, entries: map[string][]site.Position{}, gen: map[string]int{},
		inflight: map[string]chan struct{}{}}
}

// positions returns the site's positions, reading them when not cached.
// Callers must not modify the slice. Safe to call from Cmds.
func (c *positionCache) positions(ctx context.Context, code string) ([]site.Position, error) {
	k := strings.ToUpper(code)
	c.mu.Lock()
	for {
		if ps, ok := c.entries[k]; ok {
			c.mu.Unlock()
			return ps, nil
		}
		wait, busy := c.inflight[k]
		if !busy {
			break
		}
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		c.mu.Lock()
	}
	gen := c.gen[k]
	done := make(chan struct{})
	c.inflight[k] = done
	c.mu.Unlock()
	ps, err := c.lister.Positions(ctx, code)
	c.mu.Lock()
	if err == nil && c.gen[k] == gen {
		c.entries[k] = ps
	}
	delete(c.inflight, k)
	close(done)
	c.mu.Unlock()
	return ps, err
}

// drop forgets a site's positions.
func (c *positionCache) drop(code string) {
	k := strings.ToUpper(code)
	c.mu.Lock()
	delete(c.entries, k)
	c.gen[k]++
	c.mu.Unlock()
}
