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

// CodeClockNotBelieved marks an op applied with the hub's receive time in
// place of the laptop's, whose clock was out of the sane window (before
// the site's first import less a day, or more than a day ahead of the
// hub). The laptop's time stays in the journal beside it.
const CodeClockNotBelieved = "clock_not_believed"
