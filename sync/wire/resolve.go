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

// ShortID is how a conflict's id is shown where space is short: its last 8
// characters, random in every id the hub makes (a UUIDv7's first characters
// are its time, the same for conflicts opened in the same minute).
func ShortID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[len(id)-8:]
}

// MatchesID says whether what a person typed names a conflict id: the whole
// id, or 8 or more of its first or last characters.
func MatchesID(id, typed string) bool {
	if id == typed {
		return true
	}
	return len(typed) >= 8 && (len(typed) <= len(id)) && (id[:len(typed)] == typed || id[len(id)-len(typed):] == typed)
}
