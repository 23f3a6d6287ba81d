package wire

import "fmt"

// MayResolve is the one rule for who may settle a conflict of a kind, used
// by the hub before it applies a resolution and by the laptop before it
// records one (so that a resolution the hub would refuse is never queued):
// admins settle any conflict; engineers settle disputed observations at
// their own sites; supervisors read and settle nothing.
func MayResolve(role, kind string) error {
	switch {
	case role == RoleAdmin:
		return nil
	case role == RoleEngineer && kind == "disputed_observation":
		return nil
	case role == RoleSupervisor:
		return fmt.Errorf("a supervisor reads every site but settles no conflict: ask an admin ('cutover hub conflicts resolve' on the hub)")
	}
	return fmt.Errorf("only an admin may resolve a %s conflict: ask an admin ('cutover hub conflicts resolve' on the hub)", kind)
}
