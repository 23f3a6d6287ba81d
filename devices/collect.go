package devices

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// OIDs read by a discovery (see ../shared/research/domain.md §1.1).
const (
	oidSysDescr    = "1.3.6.1.2.1.1.1.0"
	oidSysObjectID = "1.3.6.1.2.1.1.2.0"
	oidSysName     = "1.3.6.1.2.1.1.5.0"

	oidIfDescr  = "1.3.6.1.2.1.2.2.1.2"
	oidIfType   = "1.3.6.1.2.1.2.2.1.3"
	oidIfOper   = "1.3.6.1.2.1.2.2.1.8"
	oidIfName   = "1.3.6.1.2.1.31.1.1.1.1"
	oidIfAlias  = "1.3.6.1.2.1.31.1.1.1.18"
	oidCDPEntry = "1.3.6.1.4.1.9.9.23.1.2.1.1"
	oidLLDPRem  = "1.0.8802.1.1.2.1.4.1.1"
	oidLLDPMan  = "1.0.8802.1.1.2.1.4.2.1"
	oidLLDPLoc  = "1.0.8802.1.1.2.1.3.7.1"
	// oidLLDPLocSys is lldpLocalSystemData: .1.0 lldpLocChassisIdSubtype,
	// .2.0 lldpLocChassisId (LLDP-MIB, IEEE 802.1AB).
	oidLLDPLocSys = "1.0.8802.1.1.2.1.3"
	oidMED        = "1.0.8802.1.1.2.1.5.4795.1"
	oidMEDCaps    = oidMED + ".3.1.1"
	oidMEDPol     = oidMED + ".3.2.1"
	oidMEDInv     = oidMED + ".3.3.1"
	oidMEDPD      = oidMED + ".3.7.1"
	oidMEDLoc     = oidMED + ".2.1.1"

	oidBasePortIfIndex = "1.3.6.1.2.1.17.1.4.1.2"
	oidFdbPort         = "1.3.6.1.2.1.17.4.3.1.2"
	oidFdbStatus       = "1.3.6.1.2.1.17.4.3.1.3"
	oidQFdbPort        = "1.3.6.1.2.1.17.7.1.2.2.1.2"
	oidQFdbStatus      = "1.3.6.1.2.1.17.7.1.2.2.1.3"
	oidQVlanFdbID      = "1.3.6.1.2.1.17.7.1.4.2.1.3"
	oidQPvid           = "1.3.6.1.2.1.17.7.1.4.5.1.1"
	oidVmVlan          = "1.3.6.1.4.1.9.9.68.1.2.2.1.2"
	oidVmVoiceVlan     = "1.3.6.1.4.1.9.9.68.1.5.1.1.1"
	oidPseDetect       = "1.3.6.1.2.1.105.1.1.1.6"
	oidPseClass        = "1.3.6.1.2.1.105.1.1.1.10"
	oidMainPsePower    = "1.3.6.1.2.1.105.1.3.1.1.2" // pethMainPsePower, watts
	oidMainPseUsed     = "1.3.6.1.2.1.105.1.3.1.1.4" // pethMainPseConsumptionPower, watts
	oidCpeConsumption  = "1.3.6.1.4.1.9.9.402.1.2.1.9"
	oidCpeEntPhy       = "1.3.6.1.4.1.9.9.402.1.2.1.11"
	oidEntAlias        = "1.3.6.1.2.1.47.1.3.2.1.2"
)

type ifRow struct {
	name, descr, alias string
	typ, oper          int
}

type cdpRow struct {
	ifIndex, devIndex                       int
	addrType                                int64
	addr, version, deviceID, port, platform []byte
	caps                                    []byte
	hasCaps                                 bool
}

type policy struct{ app, vlan, tagged int }

type lldpRow struct {
	key                        RemKey
	chSub, ptSub               int64
	ch, pt                     []byte
	portDesc, sysName, sysDesc string
	capsEn, capsSup            uint16
	hasCapsEn, hasCapsSup      bool
	manAddrs                   []string
	medClass                   int
	policies                   []policy
	inv                        [7]string // hw, fw, sw, serial, mfg, model, asset
	pdPowerDeciW               int
}

type locPort struct {
	sub  int64
	id   []byte
	desc string
}

type fdbEntry struct {
	mac      string
	basePort int
	status   int
	vlan     int // 0 when unknown
	ifIndex  int // resolved later
}

type fdbKey struct {
	mac  string
	vlan int
}

type pseRow struct {
	detect, class, entPhy int
	mw                    int // -1 unknown
}

// raw is everything read from one switch, before interpretation.
type raw struct {
	sysDescr, sysName, sysObjectID string
	ifs                            map[int]*ifRow
	cdp                            map[[2]int]*cdpRow
	lldp                           map[[2]int64]*lldpRow
	locPorts                       map[int]*locPort
	locChassisSub                  int64  // lldpLocChassisIdSubtype; 0 when not read
	locChassis                     []byte // lldpLocChassisId as sent
	locVoiceVLAN                   map[int]int
	basePort                       map[int]int
	fdb                            []fdbEntry
	fdbIdx                         map[fdbKey]int
	vlanOfFdbID                    map[int]int
	pvid                           map[int]int
	vmVlan, vmVoice                map[int]int
	pse                            map[[2]int]*pseRow
	pseMain                        map[int]*[2]int // group → power, consumption (W); -1 unknown
	entAlias                       map[int]int
	warnings                       []string
}

func newRaw() *raw {
	return &raw{ifs: map[int]*ifRow{}, cdp: map[[2]int]*cdpRow{}, lldp: map[[2]int64]*lldpRow{},
		locPorts: map[int]*locPort{}, locVoiceVLAN: map[int]int{}, basePort: map[int]int{},
		vlanOfFdbID: map[int]int{}, pvid: map[int]int{}, vmVlan: map[int]int{}, vmVoice: map[int]int{},
		pse: map[[2]int]*pseRow{}, pseMain: map[int]*[2]int{}, entAlias: map[int]int{}, fdbIdx: map[fdbKey]int{}}
}

func (r *raw) isCisco() bool { return strings.HasPrefix(r.sysObjectID, "1.3.6.1.4.1.9.") }

// walkInto runs one multi-column walk and feeds the handlers; a value that
// cannot be decoded becomes a warning naming its OID.
func (s *session) walkInto(ctx context.Context, r *raw, what string, hs []handler) error {
	return s.walkHandlers(ctx, r, what, false, hs)
}

// walkProbe is walkInto for an instance that may not exist (a VLAN
// context): a timeout before its first answer is an error, and does not
// lower max-repetitions.
func (s *session) walkProbe(ctx context.Context, r *raw, what string, hs []handler) error {
	return s.walkHandlers(ctx, r, what, true, hs)
}

func (s *session) walkHandlers(ctx context.Context, r *raw, what string, probe bool, hs []handler) error {
	roots := make([]string, len(hs))
	for i, h := range hs {
		roots[i] = h.oid
	}
	return s.walk(ctx, what, roots, probe, func(col int, sub []uint32, v gosnmp.SnmpPDU) {
		if err := hs[col].fn(r, sub, v); err != nil {
			r.warnings = append(r.warnings, fmt.Sprintf("%s.%s: %v", hs[col].oid, joinOID(sub), err))
		}
	})
}

func joinOID(sub []uint32) string {
	s := make([]string, len(sub))
	for i, v := range sub {
		s[i] = strconv.FormatUint(uint64(v), 10)
	}
	return strings.Join(s, ".")
}

// collect reads everything from one switch.
func collect(ctx context.Context, s *session) (*raw, error) {
	r := newRaw()
	sys, err := s.get(ctx, []string{oidSysDescr, oidSysObjectID, oidSysName})
	if err != nil {
		return r, err
	}
	if v, ok := sys[oidSysDescr]; ok {
		r.sysDescr = lldpText(v)
	}
	if v, ok := sys[oidSysName]; ok {
		r.sysName = lldpText(v)
	}
	if v, ok := sys[oidSysObjectID]; ok {
		if str, ok := v.Value.(string); ok {
			r.sysObjectID = strings.TrimPrefix(str, ".")
		}
	}
	// The base tables are most of a read; the per-VLAN bridge tables the rest.
	report := s.progress
	if report != nil {
		s.progress = func(done, total int) { report(done*85/max(total, 1), 100) }
	}
	if err := s.walkInto(ctx, r, "the interface, neighbour, bridge and PoE tables", baseHandlers); err != nil {
		return r, err
	}
	s.progress = nil
	if report != nil {
		report(85, 100)
	}
	for i := range r.fdb {
		if r.fdb[i].vlan <= -2 {
			fdbID := -2 - r.fdb[i].vlan
			if v, ok := r.vlanOfFdbID[fdbID]; ok {
				r.fdb[i].vlan = v
			} else {
				r.fdb[i].vlan = fdbID // commonly FDB id = VLAN id
			}
		}
		r.fdb[i].ifIndex = resolveBasePort(r.basePort, r.ifs, r.fdb[i].basePort)
	}
	if r.isCisco() {
		if err := collectVLANFDB(ctx, s, r); err != nil {
			return r, err
		}
	}
	if report != nil {
		report(100, 100)
	}
	return r, nil
}

func resolveBasePort(m map[int]int, ifs map[int]*ifRow, bp int) int {
	if ifi, ok := m[bp]; ok {
		return ifi
	}
	if _, ok := ifs[bp]; ok {
		return bp
	}
	return 0
}

// collectVLANFDB reads the per-VLAN bridge tables of a Catalyst, only for
// the voice VLANs and the access VLANs of ports that carry a voice VLAN or
// a CDP/LLDP neighbour. Two VLAN instances in a row that do not answer mean
// community indexing is not allowed for us: the rest are skipped.
func collectVLANFDB(ctx context.Context, s *session, r *raw) error {
	want := map[int]bool{}
	ports := map[int]bool{}
	for _, c := range r.cdp {
		ports[c.ifIndex] = true
	}
	for ifi, v := range r.vmVoice {
		if v >= 1 && v <= 4094 {
			want[v] = true
			ports[ifi] = true
		}
	}
	for ifi, v := range r.vmVlan {
		if ports[ifi] && v >= 1 && v <= 4094 {
			want[v] = true
		}
	}
	var vlans []int
	for v := range want {
		if v < 1002 || v > 1005 {
			vlans = append(vlans, v)
		}
	}
	sort.Ints(vlans)
	misses := 0
	for _, vlan := range vlans {
		vr := newRaw()
		vr.ifs = r.ifs
		err := s.inVLAN(vlan, func() error {
			return s.walkProbe(ctx, vr, fmt.Sprintf("the bridge table of VLAN %d", vlan),
				[]handler{{oidBasePortIfIndex, basePortHandler}, {oidFdbPort, fdbHandler(false, true)}, {oidFdbStatus, fdbHandler(false, false)}})
		})
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			s.warnf("switch %s: VLAN %d bridge table not readable (%v)", s.addr, vlan, trimSwitch(err))
			if misses++; misses >= 2 {
				s.warnf("switch %s: per-VLAN bridge tables skipped after two failures", s.addr)
				return nil
			}
			continue
		}
		misses = 0
		r.warnings = append(r.warnings, vr.warnings...)
		for _, e := range vr.fdb {
			e.vlan = vlan
			e.ifIndex = resolveBasePort(vr.basePort, r.ifs, e.basePort)
			r.fdb = append(r.fdb, e)
		}
	}
	return nil
}

func trimSwitch(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "switch ") {
		return s[i+2:]
	}
	return s
}
