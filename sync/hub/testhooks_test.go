package hub

// SetOpByOp makes the store apply every push op by op, each in its own
// SAVEPOINT, as a batched push does when it falls back.
func SetOpByOp(s *Store, on bool) { s.opByOp = on }

// SnapshotBuilds is how many snapshot files the store built.
func SnapshotBuilds(s *Store) int64 { return s.snapshotBuilds.Load() }

// Grouped is how many pushes the SQLite writer applied in a group commit
// of more than one push.
func Grouped(s *Store) int64 { return s.grouped.Load() }
