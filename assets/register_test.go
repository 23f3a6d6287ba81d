package assets_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/assets"
	"cutover/site"
)

func demoStore(t *testing.T) *site.Store {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "demo", "kx.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), "setup", inv, data, site.SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	return st
}

func posID(t *testing.T, st *site.Store, label string) int64 {
	var id int64
	if err := st.DB().QueryRow(`SELECT id FROM positions WHERE label = ?`, label).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func install(st *site.Store, a assets.Asset, id int64, label string) (assets.Asset, error) {
	var out assets.Asset
	err := st.Write(context.Background(), "eng", func(tx *site.Tx) error {
		var err error
		out, err = assets.Install(context.Background(), tx, a, id, label, "")
		return err
	})
	return out, err
}

func TestSerialMACAndTagInstalledInOnePlaceOnly(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	first := assets.Asset{Kind: assets.KindNew, Vendor: "avaya", Model: "J179", Serial: "23WZ00000001",
		MAC: "00:1b:4f:00:00:01", AssetTag: "MPS-000001", Site: "KX"}
	if _, err := install(st, first, posID(t, st, "FC-01"), "FC-01"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		mod  func(*assets.Asset)
		want string
	}{
		{"serial", func(a *assets.Asset) { a.MAC, a.AssetTag = "00:1b:4f:00:00:02", "MPS-000002" }, "serial 23WZ00000001"},
		{"MAC", func(a *assets.Asset) { a.Serial, a.AssetTag = "23WZ00000002", "MPS-000002" }, "MAC 00:1b:4f:00:00:01"},
		{"asset tag", func(a *assets.Asset) { a.Serial, a.MAC = "23WZ00000002", "00:1b:4f:00:00:02" }, "asset tag MPS-000001"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := first
			c.mod(&a)
			_, err := install(st, a, posID(t, st, "FC-02"), "FC-02")
			if !errors.Is(err, assets.ErrInUse) {
				t.Fatalf("second install: %v", err)
			}
			for _, w := range []string{c.want, "site KX position FC-01", "Front counter"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not say %q", err, w)
				}
			}
			// A legacy handset with the same identity is refused too.
			a.Kind = assets.KindLegacy
			if _, err := install(st, a, posID(t, st, "CS-01"), "CS-01"); !errors.Is(err, assets.ErrInUse) {
				t.Fatalf("legacy with a used %s: %v", c.name, err)
			}
		})
	}
	as, err := assets.ForSite(ctx, st.DB(), "KX")
	if err != nil || len(as) != 1 {
		t.Fatalf("refused installs must write nothing: %d assets, %v", len(as), err)
	}
	// Once removed (rolled back), the phone may be installed elsewhere, and
	// it is the same register entry.
	err = st.Write(ctx, "eng", func(tx *site.Tx) error {
		_, err := assets.Move(ctx, tx, as[0].ID, assets.StateRemoved, "rollback", "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := install(st, first, posID(t, st, "FC-02"), "FC-02")
	if err != nil || moved.ID != as[0].ID || moved.Position != "FC-02" {
		t.Fatalf("reinstall: %+v %v", moved, err)
	}
	h, err := assets.History(ctx, st.DB(), moved.ID)
	if err != nil || len(h) != 3 || h[0].To != assets.StateInstalled || h[1].To != assets.StateRemoved || h[2].Position != "FC-02" {
		t.Fatalf("history: %+v %v", h, err)
	}
}

func TestLegacyDispositionRules(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	a, err := install(st, assets.Asset{Kind: assets.KindLegacy, Vendor: "cisco", Model: "7941", Serial: "FCH1111AAAA",
		MAC: "00:1e:13:8c:90:07", Site: "KX"}, posID(t, st, "FC-01"), "FC-01")
	if err != nil {
		t.Fatal(err)
	}
	move := func(to assets.State, wtn string) error {
		return st.Write(ctx, "eng", func(tx *site.Tx) error {
			_, err := assets.Move(ctx, tx, a.ID, to, "", wtn)
			return err
		})
	}
	if err := move(assets.StateWEEE, "WTN-1"); err == nil {
		t.Fatal("an installed handset cannot go straight to WEEE")
	}
	if err := move(assets.StateRemoved, ""); err != nil {
		t.Fatal(err)
	}
	if err := move(assets.StateWEEE, "  "); !errors.Is(err, assets.ErrBadValue) || !strings.Contains(err.Error(), "waste transfer note") {
		t.Fatalf("WEEE without a note reference: %v", err)
	}
	if err := move(assets.StateWEEE, "WTN-2026-7"); err != nil {
		t.Fatal(err)
	}
	if err := move(assets.StateReturnedToStore, ""); err == nil {
		t.Fatal("a disposed handset cannot come back to stores")
	}
	var ops int
	st.DB().QueryRow(`SELECT count(*) FROM oplog WHERE kind = 'asset.dispose.v1'`).Scan(&ops)
	if ops != 1 {
		t.Fatalf("dispose ops: %d", ops)
	}
}

func TestScannedValuesAreTrimmedAndChecked(t *testing.T) {
	if s, err := assets.NormaliseSerial("  fch1234abcd\r\n"); err != nil || s != "FCH1234ABCD" {
		t.Fatalf("%q %v", s, err)
	}
	for _, bad := range []string{"", "ab", "FCH1234 FCH5678", "FCH#1234", strings.Repeat("A", 31)} {
		if _, err := assets.NormaliseSerial(bad); !errors.Is(err, assets.ErrBadValue) {
			t.Errorf("serial %q accepted", bad)
		}
	}
	if s, err := assets.NormaliseAssetTag("mps-00042\n"); err != nil || s != "MPS-00042" {
		t.Fatalf("%q %v", s, err)
	}
	if m, err := assets.NormaliseModel("Avaya j179"); err != nil || m != "J179" {
		t.Fatalf("%q %v", m, err)
	}
}
