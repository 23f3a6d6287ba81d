package simswitch

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
)

// client returns a gosnmp v2c session to the agent.
func client(t *testing.T, a *Agent, community string) *gosnmp.GoSNMP {
	t.Helper()
	g := &gosnmp.GoSNMP{
		Target: "127.0.0.1", Port: uint16(a.Addr().Port), Community: community,
		Version: gosnmp.Version2c, Timeout: 2 * time.Second, Retries: 1, MaxOids: 60,
	}
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Conn.Close() })
	return g
}

func testMIB(t *testing.T) *MIB {
	t.Helper()
	var recs []Record
	recs = append(recs, Record{MustOID("1.3.6.1.2.1.1.1.0"), Str("test switch")},
		Record{MustOID("1.3.6.1.2.1.1.2.0"), OIDValue(MustOID("1.3.6.1.4.1.9.1.1208"))},
		Record{MustOID("1.3.6.1.2.1.1.3.0"), Ticks(12345)},
		Record{MustOID("1.0.8802.1.1.2.1.3.3.0"), Str("lldp-local")})
	for i := 1; i <= 300; i++ {
		recs = append(recs, Record{MustOID(fmt.Sprintf("1.3.6.1.2.1.2.2.1.2.%d", i)), Str(fmt.Sprintf("GigabitEthernet1/0/%d", i))},
			Record{MustOID(fmt.Sprintf("1.3.6.1.2.1.2.2.1.10.%d", i)), Counter(uint32(i) * 1000)},
			Record{MustOID(fmt.Sprintf("1.3.6.1.2.1.31.1.1.1.6.%d", i)), Value{Type: Counter64, Uint: 1 << 40}})
	}
	m, err := NewMIB(recs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGoSNMPGetGetNextGetBulk(t *testing.T) {
	a := serve(t, map[string]*MIB{"public": testMIB(t)})
	g := client(t, a, "public")

	r, err := g.Get([]string{".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.1.2.0", ".1.3.6.1.2.1.1.1.5", ".1.3.6.1.4.1.9.0"})
	if err != nil {
		t.Fatal(err)
	}
	if v := string(r.Variables[0].Value.([]byte)); v != "test switch" {
		t.Errorf("sysDescr = %q", v)
	}
	if v := r.Variables[1].Value.(string); v != ".1.3.6.1.4.1.9.1.1208" {
		t.Errorf("sysObjectID = %q", v)
	}
	if r.Variables[2].Type != gosnmp.NoSuchInstance || r.Variables[3].Type != gosnmp.NoSuchObject {
		t.Errorf("exceptions: %v %v", r.Variables[2].Type, r.Variables[3].Type)
	}

	// GETNEXT crosses from 1.0.8802 (LLDP, before internet) to 1.3.6.
	r, err = g.GetNext([]string{".1.0", ".1.3.6.1.2.1.1.3.0", ".1.3.6.1.2.1.31.1.1.1.6.300"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Variables[0].Name != ".1.0.8802.1.1.2.1.3.3.0" || r.Variables[1].Name != ".1.3.6.1.2.1.2.2.1.2.1" {
		t.Errorf("GETNEXT names %s, %s", r.Variables[0].Name, r.Variables[1].Name)
	}
	if r.Variables[2].Type != gosnmp.EndOfMibView {
		t.Errorf("GETNEXT past the end = %v, want endOfMibView", r.Variables[2].Type)
	}

	// GETBULK: one non-repeater and max-repetitions honoured.
	r, err = g.GetBulk([]string{".1.3.6.1.2.1.1.1.0", ".1.3.6.1.2.1.2.2.1.2", ".1.3.6.1.2.1.2.2.1.10"}, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Variables) != 1+2*7 {
		t.Fatalf("GETBULK returned %d varbinds, want 15", len(r.Variables))
	}
	if r.Variables[0].Name != ".1.3.6.1.2.1.1.2.0" || r.Variables[1].Name != ".1.3.6.1.2.1.2.2.1.2.1" ||
		r.Variables[2].Name != ".1.3.6.1.2.1.2.2.1.10.1" || r.Variables[14].Name != ".1.3.6.1.2.1.2.2.1.10.7" {
		t.Errorf("GETBULK order wrong: %s %s %s … %s", r.Variables[0].Name, r.Variables[1].Name, r.Variables[2].Name, r.Variables[14].Name)
	}
	if v := gosnmp.ToBigInt(r.Variables[14].Value).Int64(); v != 7000 {
		t.Errorf("Counter32 = %d", v)
	}

	// A large max-repetitions is truncated to fit the message size.
	r, err = g.GetBulk([]string{".1.3.6.1.2.1.2.2.1.2"}, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.Variables); n == 0 || n >= 500 {
		t.Errorf("GETBULK 500 reps returned %d varbinds, want a truncated non-empty list", n)
	}

	// GETBULK at the end of the MIB gives endOfMibView.
	r, err = g.GetBulk([]string{".1.3.6.1.2.1.31.1.1.1.6.299"}, 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Variables) < 2 || r.Variables[1].Type != gosnmp.EndOfMibView {
		t.Errorf("GETBULK at the end: %+v", r.Variables)
	}
	if gosnmp.ToBigInt(r.Variables[0].Value).Uint64() != 1<<40 {
		t.Errorf("Counter64 = %v", r.Variables[0].Value)
	}

	// A full walk sees every record in order.
	all, err := g.BulkWalkAll(".1.0")
	if err != nil {
		t.Fatal(err)
	}
	rest, err := g.BulkWalkAll(".1.3")
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, rest...)
	if len(all) != testMIB(t).Len() {
		t.Errorf("walk returned %d records, want %d", len(all), testMIB(t).Len())
	}
}

func TestWrongCommunityGetsNoAnswer(t *testing.T) {
	a := serve(t, map[string]*MIB{"public": testMIB(t)})
	g := client(t, a, "private")
	g.Timeout, g.Retries = 300*time.Millisecond, 0
	if _, err := g.Get([]string{".1.3.6.1.2.1.1.1.0"}); err == nil {
		t.Fatal("wrong community was answered")
	}
	if a.Requests() != 0 || a.Dropped() == 0 {
		t.Errorf("served %d dropped %d", a.Requests(), a.Dropped())
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:161", "[::]:0", "nonsense"} {
		if _, err := Listen(context.Background(), addr, nil); err == nil {
			t.Errorf("Listen(%q) accepted a non-loopback address", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "127.0.0.2:0", "localhost:0"} {
		if err := CheckLoopback(addr); err != nil {
			t.Errorf("CheckLoopback(%q): %v", addr, err)
		}
	}
}

func TestContextStopsAgent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	a, err := Listen(ctx, "127.0.0.1:0", map[string]*MIB{"public": testMIB(t)})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-a.done:
	case <-time.After(2 * time.Second):
		t.Fatal("agent still running after context cancel")
	}
	a.Close() // idempotent
}

// TestSetNeighbourDuringWalks swaps a phone while walks run: every walk
// sees either the old or the new phone in CDP/LLDP, never a torn state.
func TestSetNeighbourDuringWalks(t *testing.T) {
	specs := demoSpecs(t)
	sw, err := Start(context.Background(), "127.0.0.1:0", "public", specs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	old := *specs[0].Ports[0].Neighbour
	avaya := AvayaPhone("Avaya J179", "22WZ51000101", "00:1b:4f:41:01:01")

	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &gosnmp.GoSNMP{Target: "127.0.0.1", Port: uint16(sw.Addr().Port), Community: "public",
				Version: gosnmp.Version2c, Timeout: 2 * time.Second, Retries: 2, MaxRepetitions: 20}
			if err := g.Connect(); err != nil {
				errs <- err
				return
			}
			defer g.Conn.Close()
			for {
				select {
				case <-stop:
					return
				default:
				}
				pdus, err := g.BulkWalkAll(".1.3.6.1.4.1.9.9.23.1.2.1.1.6")
				if err != nil {
					errs <- err
					return
				}
				if len(pdus) != 24+1 && len(pdus) != 23+1 {
					errs <- fmt.Errorf("walk saw %d CDP device IDs", len(pdus))
					return
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		if i%2 == 0 {
			err = sw.SetNeighbour("Gi1/0/1", &avaya)
		} else {
			err = sw.SetNeighbour("Gi1/0/1", &old)
		}
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := sw.ClearNeighbour("Gi1/0/1"); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := sw.SetNeighbour("Gi9/9/9", &avaya); err == nil || !strings.Contains(err.Error(), "Gi9/9/9") {
		t.Errorf("unknown port: %v", err)
	}
}
