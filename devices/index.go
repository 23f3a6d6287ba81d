package devices

import (
	"fmt"
	"net/netip"
)

// Index parsers: each takes the sub-identifiers after a column OID.

// RemKey identifies an LLDP remote row. TimeMark is kept but never used for
// joins (agents disagree on it between tables). LocalPort is -1 when the
// agent's index has no local port (MikroTik's single-component index).
type RemKey struct {
	TimeMark  uint32
	LocalPort int
	RemIndex  uint32
}

// JoinKey is the key rows are joined on: (local port, remote index).
func (k RemKey) JoinKey() [2]int64 { return [2]int64{int64(k.LocalPort), int64(k.RemIndex)} }

// ParseRemIndex parses an lldpRemTable index. Standard agents send three
// components (timeMark.localPortNum.remIndex); TP-Link sends two
// (localPortNum.remIndex); MikroTik sends one (remIndex).
func ParseRemIndex(sub []uint32) (RemKey, error) {
	switch len(sub) {
	case 3:
		return RemKey{TimeMark: sub[0], LocalPort: portNum(sub[1]), RemIndex: sub[2]}, nil
	case 2:
		return RemKey{LocalPort: portNum(sub[0]), RemIndex: sub[1]}, nil
	case 1:
		return RemKey{LocalPort: -1, RemIndex: sub[0]}, nil
	}
	return RemKey{}, fmt.Errorf("LLDP remote index has %d components, want 1 to 3", len(sub))
}

func portNum(v uint32) int {
	if v > 1<<31-1 {
		return -1
	}
	return int(v)
}

// ParseManAddrIndex parses an lldpRemManAddrTable index:
// timeMark.localPort.remIndex.addrSubtype[.len].addr... The address is in
// the index, with or without its length prefix. Only IPv4 and IPv6 are
// decoded; other families return ip "".
func ParseManAddrIndex(sub []uint32) (RemKey, string, error) {
	if len(sub) < 5 {
		return RemKey{}, "", fmt.Errorf("LLDP management address index has %d components, want at least 5", len(sub))
	}
	k, _ := ParseRemIndex(sub[:3])
	family, rest := sub[3], sub[4:]
	if len(rest) > 1 && int(rest[0]) == len(rest)-1 {
		rest = rest[1:]
	}
	b := make([]byte, len(rest))
	for i, v := range rest {
		if v > 255 {
			return k, "", fmt.Errorf("LLDP management address octet %d is %d", i, v)
		}
		b[i] = byte(v)
	}
	switch {
	case family == 1 && len(b) == 4:
		return k, netip.AddrFrom4([4]byte(b)).String(), nil
	case family == 2 && len(b) == 16:
		return k, netip.AddrFrom16([16]byte(b)).String(), nil
	}
	return k, "", nil
}

// Media policy application types (LldpXMedPolicyAppType BITS).
const (
	AppVoice          = 1
	AppVoiceSignaling = 2
)

// ParseMedPolicyIndex parses an lldpXMedRemMediaPolicyTable index: the
// remote key plus the application type, which is a BITS value in the index
// (length-prefixed octets, e.g. "1.64" = voice) or, on some agents, the
// plain enumeration number.
func ParseMedPolicyIndex(sub []uint32) (RemKey, int, error) {
	if len(sub) < 4 {
		return RemKey{}, 0, fmt.Errorf("LLDP-MED policy index has %d components, want at least 4", len(sub))
	}
	k, _ := ParseRemIndex(sub[:3])
	rest := sub[3:]
	if len(rest) == 1 {
		return k, int(min(rest[0], 255)), nil
	}
	if int(rest[0]) != len(rest)-1 {
		return k, 0, fmt.Errorf("LLDP-MED policy application type has bad length %d", rest[0])
	}
	for i, v := range rest[1:] {
		for bit := 0; bit < 8; bit++ {
			if v&(0x80>>bit) != 0 {
				return k, i*8 + bit, nil
			}
		}
	}
	return k, 0, nil
}

// ParseMACIndex reads a MAC address encoded as 6 sub-identifiers
// (dot1dTpFdbAddress in the dot1dTpFdbTable index).
func ParseMACIndex(sub []uint32) (string, error) {
	if len(sub) != 6 {
		return "", fmt.Errorf("MAC index has %d components, want 6", len(sub))
	}
	b := make([]byte, 6)
	for i, v := range sub {
		if v > 255 {
			return "", fmt.Errorf("MAC index octet %d is %d", i, v)
		}
		b[i] = byte(v)
	}
	return hexColon(b), nil
}

// ParseQFdbIndex parses a dot1qTpFdbTable index: fdbId.MAC.
func ParseQFdbIndex(sub []uint32) (fdbID int, mac string, err error) {
	if len(sub) != 7 {
		return 0, "", fmt.Errorf("Q-BRIDGE FDB index has %d components, want 7", len(sub))
	}
	mac, err = ParseMACIndex(sub[1:])
	return int(min(sub[0], 1<<31-1)), mac, err
}

// ParsePair parses a two-component index (cdpCacheTable ifIndex.devIndex,
// pethPsePortTable group.port).
func ParsePair(sub []uint32) (int, int, error) {
	if len(sub) != 2 {
		return 0, 0, fmt.Errorf("index has %d components, want 2", len(sub))
	}
	return int(min(sub[0], 1<<31-1)), int(min(sub[1], 1<<31-1)), nil
}

// ParseSingle parses a one-component index (ifIndex, dot1dBasePort).
func ParseSingle(sub []uint32) (int, error) {
	if len(sub) != 1 {
		return 0, fmt.Errorf("index has %d components, want 1", len(sub))
	}
	return int(min(sub[0], 1<<31-1)), nil
}
