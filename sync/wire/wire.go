// Package wire holds the JSON shapes of the hub's HTTP API (/v1), shared by
// the hub (sync/hub) and the laptop's sync client (sync/client), so the two
// sides cannot drift apart.
package wire

import "encoding/json"

// Limits the hub enforces and the client respects.
const (
	// MaxPushOps is the most ops one push may carry.
	MaxPushOps = 500
	// MaxBody is the largest request body, counted after gunzip.
	MaxBody = 4 << 20
	// MaxPullLimit is the most rows one pull page may carry.
	MaxPullLimit = 5000
)

// Op outcomes inside a push response.
const (
	Applied  = "applied"
	Conflict = "conflict"
	Rejected = "rejected"
)

// Roles of hub users.
const (
	RoleEngineer   = "engineer"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Op is one field operation as pushed by a laptop.
type Op struct {
	Seq        int64           `json:"seq"`
	OpID       string          `json:"op_id"`
	Site       string          `json:"site"`
	Kind       string          `json:"kind"`
	Entity     string          `json:"entity"`
	EntityID   string          `json:"id"`
	Engineer   string          `json:"engineer"`
	ObservedAt string          `json:"observed_at"`
	Payload    json.RawMessage `json:"payload"`
}

// PushRequest is the body of POST /v1/sync/push.
type PushRequest struct {
	ClientID   string `json:"client_id"`
	Schema     int    `json:"schema,omitempty"`
	ClientTime string `json:"client_time,omitempty"`
	Ops        []Op   `json:"ops"`
}

// OpResult is the hub's verdict on one op.
type OpResult struct {
	Seq        int64  `json:"seq"`
	Outcome    string `json:"outcome"`
	SiteVer    int64  `json:"site_ver,omitempty"`
	Code       string `json:"code,omitempty"`
	Message    string `json:"message,omitempty"`
	ConflictID string `json:"conflict_id,omitempty"`
	Duplicate  bool   `json:"duplicate,omitempty"`
}

// PushResponse is the 200 answer to a push.
type PushResponse struct {
	AckedThrough int64            `json:"acked_through"`
	Results      []OpResult       `json:"results"`
	SiteVers     map[string]int64 `json:"site_vers"`
	ServerTime   string           `json:"server_time"`
}

// Change is one row of a site's state as the hub holds it. T names the
// table: "site", "position", "fact" or "conflict".
type Change struct {
	T   string          `json:"t"`
	ID  string          `json:"id"`
	Ver int64           `json:"ver"`
	Row json.RawMessage `json:"row"`
}

// PullResponse is the answer to GET /v1/sync/pull. A page always ends on a
// version boundary, so applying it leaves a consistent site.
type PullResponse struct {
	Site    string   `json:"site"`
	Epoch   string   `json:"epoch"`
	To      int64    `json:"to"`
	More    bool     `json:"more"`
	Changes []Change `json:"changes"`
}

// SnapshotInfo is the answer to GET /v1/sync/snapshot?site=S: where to
// download the site's state at version Ver (resumable with Range).
type SnapshotInfo struct {
	Site   string `json:"site"`
	Epoch  string `json:"epoch"`
	Ver    int64  `json:"ver"`
	URL    string `json:"url"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// EnrolRequest is the body of POST /v1/auth/enrol.
type EnrolRequest struct {
	Code     string `json:"code"`
	ClientID string `json:"client_id"`
	Host     string `json:"host,omitempty"`
}

// Tokens is the answer to enrolment and to a refresh.
type Tokens struct {
	User           string   `json:"user"`
	Role           string   `json:"role"`
	Sites          []string `json:"sites,omitempty"`
	ClientID       string   `json:"client_id"`
	RefreshToken   string   `json:"refresh_token,omitempty"`
	AccessToken    string   `json:"access_token"`
	AccessExpires  int64    `json:"access_expires"` // Unix seconds
	RefreshExpires int64    `json:"refresh_expires,omitempty"`
	// HubName is the hub's name, one for all of its processes (issue 26):
	// any process answering with the same name serves these tokens.
	HubName string `json:"hub_name,omitempty"`
	// ServerTime is the hub's clock when it issued these (Unix seconds), so
	// a laptop whose clock is off still knows how long its token lasts.
	ServerTime int64 `json:"server_time,omitempty"`
}

// RefreshRequest is the body of POST /v1/auth/refresh.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// Error is every non-2xx answer's body.
type Error struct {
	Error       string `json:"error"`
	Code        string `json:"code"`
	ExpectedSeq int64  `json:"expected_seq,omitempty"`
	MustRefetch bool   `json:"must_refetch,omitempty"`
}

// Error codes of a 401 the laptop acts on (issue 26).
const (
	// CodeRevoked: an admin revoked this laptop or its person. The laptop
	// keeps its work and asks the engineer to see an admin; it does not
	// retry, and the hub does not count it as a guess.
	CodeRevoked = "revoked"
	// CodeBadToken: a token the hub does not know (counted as a guess).
	CodeBadToken = "bad_token"
	// CodeRotated: a refresh token another process of this laptop rotated
	// moments ago; the laptop reads its saved login again.
	CodeRotated = "rotated"
)

// HeaderLocalSeq carries the laptop's highest op sequence on every
// request, so a hub that refuses a revoked laptop knows what it holds.
const HeaderLocalSeq = "X-Cutover-Local-Seq"

// Health is the answer to GET /v1/health.
type Health struct {
	OK         bool   `json:"ok"`
	Store      string `json:"store"`
	ServerTime string `json:"server_time"`
	HubName    string `json:"hub_name,omitempty"`
}

// Position is a position row in changes and snapshots.
type Position struct {
	Site         string `json:"site"`
	Label        string `json:"label"`
	Building     string `json:"building"`
	Floor        string `json:"floor"`
	Room         string `json:"room"`
	Role         string `json:"role"`
	Plan         string `json:"plan"`
	LegacyVendor string `json:"legacy_vendor"`
	LegacyModel  string `json:"legacy_model"`
	MAC          string `json:"mac"`
	Extension    string `json:"extension"`
	DDI          string `json:"ddi"`
	Switch       string `json:"switch"`
	Port         string `json:"port"`
	TargetModel  string `json:"target_model"`
	// Critical ("yes", "no" or "" for the role's default) and
	// MaxDarkMinutes (0: the default) are the inventory's criticality
	// (site.Position); left out when not set, as laptops before issue 29
	// knew neither.
	Critical       string `json:"critical,omitempty"`
	MaxDarkMinutes int    `json:"max_dark_minutes,omitempty"`
	Notes          string `json:"notes"`
	Status         string `json:"status"`
	StatusReason   string `json:"status_reason"`
	UpdatedAt      string `json:"updated_at"`
	UpdatedBy      string `json:"updated_by"`
}

// Site is a site row in changes and snapshots.
type Site struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Address   string `json:"address"`
	CeaseDate string `json:"cease_date"`
}

// Fact is one field-owned attribute of an entity (an observation, a step's
// state, an asset's disposition, a note), keyed by site, entity, id and attr.
type Fact struct {
	Site      string `json:"site"`
	Entity    string `json:"entity"`
	EntityID  string `json:"entity_id"`
	Attr      string `json:"attr"`
	Value     string `json:"value"`
	Disputed  bool   `json:"disputed,omitempty"`
	UpdatedBy string `json:"updated_by"`
	UpdatedAt string `json:"updated_at"`
}

// ConflictRecord is a conflict the hub opened for people to settle.
type ConflictRecord struct {
	ID         string          `json:"id"`
	Site       string          `json:"site"`
	Kind       string          `json:"kind"`
	Entity     string          `json:"entity"`
	EntityID   string          `json:"entity_id"`
	Status     string          `json:"status"` // open | resolved
	Detail     json.RawMessage `json:"detail"`
	OpenedAt   string          `json:"opened_at"`
	ResolvedBy string          `json:"resolved_by,omitempty"`
	Resolution string          `json:"resolution,omitempty"`
}
