package swap

import (
	"context"

	"cutover/laptop"
)

// The demo's simulated switches live in laptop (laptop.DemoSwitches); these
// forwards remain only for sync/hub's export test, which another engineer
// owns, and go once it calls laptop.

// Deprecated: DemoCommunity is laptop.DemoCommunity.
const DemoCommunity = laptop.DemoCommunity

// Deprecated: DemoSwitches is laptop.DemoSwitches.
type DemoSwitches = laptop.DemoSwitches

// Deprecated: StartDemoSwitches is laptop.StartDemoSwitches.
func StartDemoSwitches(ctx context.Context, inventoryJSON []byte) (*DemoSwitches, error) {
	return laptop.StartDemoSwitches(ctx, inventoryJSON)
}
