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
// (changedMsg); a read that started before the drop is not kept.
type positionCache struct {
	mu      sync.Mutex
	lister  PositionLister
	entries map[string][]site.Position
	gen     map[string]int
}

func newPositionCache(l PositionLister) *positionCache {
	return &positionCache{lister: l, entries: map[string][]site.Position{}, gen: map[string]int{}}
}

// positions returns the site's positions, reading them when not cached.
// Callers must not modify the slice. Safe to call from Cmds.
func (c *positionCache) positions(ctx context.Context, code string) ([]site.Position, error) {
	k := strings.ToUpper(code)
	c.mu.Lock()
	ps, ok := c.entries[k]
	gen := c.gen[k]
	c.mu.Unlock()
	if ok {
		return ps, nil
	}
	ps, err := c.lister.Positions(ctx, code)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen[k] == gen {
		c.entries[k] = ps
	}
	c.mu.Unlock()
	return ps, nil
}

// drop forgets a site's positions.
func (c *positionCache) drop(code string) {
	k := strings.ToUpper(code)
	c.mu.Lock()
	delete(c.entries, k)
	c.gen[k]++
	c.mu.Unlock()
}
