package hub

// SetOpByOp makes the store apply every push op by op, each in its own
// SAVEPOINT, as a batched push does when it falls back.
func SetOpByOp(s *Store, on bool) { s.opByOp = on }

// SnapshotBuilds is how many snapshot files the store built.
func SnapshotBuilds(s *Store) int64 { return s.snapshotBuilds.Load() }

// Grouped is how many pushes were applied in a group commit of more than
// one push (SQLite's writer, PostgreSQL's per-site queues).
func Grouped(s *Store) int64 { return s.grouped.Load() }

// Held is how many pushes for a site this process holds (PostgreSQL): in
// the group being applied, and queued for the next.
func Held(s *Store, site string) int {
	s.sites.mu.Lock()
	defer s.sites.mu.Unlock()
	if q := s.sites.queues[site]; q != nil {
		return q.applying + len(q.jobs)
	}
	return 0
}
