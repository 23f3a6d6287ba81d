package laptop

import (
	"context"
	"strings"

	"cutover/assets"
	"cutover/internal/find"
	"cutover/site"
)

// Register is a site's equipment register as an engineer reads it: every
// legacy handset taken out and every Avaya phone put in, by position then
// kind, and the site's Avaya stock by model.
type Register struct {
	Assets []assets.Asset
	Stock  []assets.StockLine
}

// ReadRegister reads a site's register and its stock.
func ReadRegister(ctx context.Context, st *site.Store, code string) (Register, error) {
	items, err := assets.ForSite(ctx, st.DB(), code)
	if err != nil {
		return Register{}, err
	}
	stock, err := Stock(ctx, st, code)
	if err != nil {
		return Register{}, err
	}
	return Register{Assets: items, Stock: stock}, nil
}

// Stock is a site's Avaya stock by model: every model issued or installed
// there, with what is on hand.
func Stock(ctx context.Context, st *site.Store, code string) ([]assets.StockLine, error) {
	return assets.Stock(ctx, st.DB(), code)
}

// HeldBy is the register by position: the handsets and phones each
// position holds or held (assets at no position are left out).
func HeldBy(ctx context.Context, st *site.Store, code string) (map[string][]assets.Asset, error) {
	items, err := assets.ForSite(ctx, st.DB(), code)
	if err != nil {
		return nil, err
	}
	held := make(map[string][]assets.Asset, len(items))
	for _, a := range items {
		if a.Position != "" {
			held[a.Position] = append(held[a.Position], a)
		}
	}
	return held, nil
}

// SearchKey is what a search of the register matches for an asset: every
// column an engineer reads (kind, handset, serial, tag, position, state,
// WEEE reference, condition) and the MAC a scanner may read.
func SearchKey(it assets.Asset) string {
	var k find.Key
	k.Text(string(it.Kind), it.Vendor, it.Model, strings.TrimSpace(it.Vendor+" "+it.Model), it.Serial, it.AssetTag, it.Position,
		string(it.State), it.State.Words(), strings.ReplaceAll(string(it.State), "_", " "), it.WTNRef, it.Condition)
	k.MAC(it.MAC)
	return k.String()
}
