package laptop

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"cutover/assets"
	"cutover/internal/find"
	"cutover/site"
)

// A search of the register finds a handset by what an engineer reads on
// screen (its state in words, its position, its handset) and by the MAC a
// scanner reads, in any of its forms.
func TestRegisterSearchFindsWhatTheEngineerReads(t *testing.T) {
	a := assets.Asset{Kind: assets.KindLegacy, Vendor: "Mitel", Model: "5330e", Serial: "MT1234", Position: "FC-01",
		State: assets.StateWEEE, WTNRef: "WTN-77", MAC: "00:11:22:33:44:55"}
	key := SearchKey(a)
	for _, q := range []string{"weee disposal", "FC-01", "mitel 5330e", "wtn-77", "001122334455", "00-11-22-33-44-55", "legacy"} {
		if !find.Parse(q).Match(key) {
			t.Errorf("searching %q does not find %+v (key %q)", q, a, key)
		}
	}
	if find.Parse("installed").Match(key) {
		t.Errorf("searching installed finds a handset sent for WEEE disposal (key %q)", key)
	}
}

// The register of a site just imported holds no handsets yet; the stock
// issued to it is read with it, by model.
func TestRegisterReadsStockWithTheHandsets(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	if err := st.Write(ctx, "alex", func(tx *site.Tx) error {
		_, err := assets.IssueStock(ctx, tx, "KX", "J179", 5, false)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	r, err := ReadRegister(ctx, st, "KX")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Stock) != 1 || r.Stock[0].Issued != 5 {
		t.Fatalf("stock %+v; want 5 issued of one model", r.Stock)
	}
	held, err := HeldBy(ctx, st, "KX")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Assets) != 0 || len(held) != 0 {
		t.Fatalf("a site just imported holds %+v (by position %v); want none", r.Assets, held)
	}
}

func demoStore(t *testing.T) *site.Store {
	t.Helper()
	st, err := site.Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), "alex", inv, data, site.SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	return st
}
