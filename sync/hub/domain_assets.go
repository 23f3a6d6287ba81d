package hub

// The handsets a laptop's ops name. The hub no longer applies a laptop's
// handset ops (asset.install.v1, asset.state.v1, asset.dispose.v1,
// asset.relabel.v1): each position's handsets are derived from its steps
// (derive.go, claims.go). An op that carries "override": true still raises
// an identity_override conflict for the supervisor (domain_identity.go),
// reading the handset it names with this type.

// handset is the part of an asset op's payload the rules read.
type handset struct {
	Kind     string `json:"kind"`
	Serial   string `json:"serial"`
	MAC      string `json:"mac"`
	AssetTag string `json:"asset_tag"`
	Position string `json:"position"`
	To       string `json:"to"`
	WTNRef   string `json:"wtn_ref"`
}
