package hub

// SetOpByOp makes the store apply every push op by op, each in its own
// SAVEPOINT, as a batched push does when it falls back.
func SetOpByOp(s *Store, on bool) { s.opByOp = on }

// SnapshotBuilds is how many snapshot files the store built.
func SnapshotBuilds(s *Store) int64 { return s.snapshotBuilds.Load() }
