package simswitch

import (
	"fmt"
)

//go:generate go run ./cmd/genfixtures -inventory ../../testdata/demo/kx.json -out ../../testdata/switches

// SwappedName is the file name stem of the "after swap" fixture of kx-sw1.
const SwappedName = "kx-sw1-swapped"

// DemoFixtures renders the demo site's switches as .snmprec files, keyed by
// file name: "<switch>.snmprec" plus "<switch>@<vlan>.snmprec" for each
// Cisco per-VLAN view, and the same for SwappedName (kx-sw1 after the
// DemoSwaps). The community of each file is its name without ".snmprec".
func DemoFixtures(inventoryJSON []byte) (map[string][]byte, error) {
	specs, err := DemoSpecs(inventoryJSON)
	if err != nil {
		return nil, err
	}
	after, err := DemoAfterSwap(specs[0])
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	add := func(stem string, s *Spec) error {
		for _, v := range append([]int{0}, s.FDBVLANs()...) {
			name := stem + ".snmprec"
			if v > 0 {
				name = fmt.Sprintf("%s@%d.snmprec", stem, v)
			}
			b, err := s.Snmprec(v)
			if err != nil {
				return err
			}
			out[name] = b
		}
		return nil
	}
	for i := range specs {
		if err := add(specs[i].SysName, &specs[i]); err != nil {
			return nil, err
		}
	}
	if err := add(SwappedName, &after); err != nil {
		return nil, err
	}
	return out, nil
}
