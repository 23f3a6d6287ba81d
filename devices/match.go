package devices

// SwitchMatches reports whether an inventory switch name (kx-sw1, an
// address) names the switch read at address with sysName, by the rules
// reconciliation uses (a recorded alias, the address or host, the sysName
// with or without its domain).
func SwitchMatches(name, address, sysName string, aliases map[string]string) bool {
	return switchMatches(name, address, sysName, aliases)
}
