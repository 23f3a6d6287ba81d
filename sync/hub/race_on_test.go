//go:build race

package hub_test

// raceEnabled: the race detector slows every memory access several times,
// so load tests scale their attack down (never their bounds).
const raceEnabled = true
