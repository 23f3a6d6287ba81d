// Package client is the laptop's side of sync: the credentials file, the
// HTTP client for the hub's /v1 API (TLS pinned to a private CA, gzip
// bodies, one token refresh on 401), the push/pull/snapshot engine that
// applies the hub's state to the local store in whole transactions, the
// status the TUI shows, and a background Loop.
//
// It follows ../shared/research/sync.md §4–5: ops are pushed from the hub's
// acknowledged sequence (so a hub restored from backup gets them again),
// pull cursors (epoch, ver) move only in the transaction that applies their
// rows, and a laptop's own unpushed status change is kept over the hub's
// until the hub has seen it (the write-checkpoint rule, simplified to
// "pending op on that entity").
package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"cutover/config"
	"cutover/internal/platform"
	"cutover/sync/wire"
)

// Credentials are what `cutover login` stores, in a file only its owner may
// read (mode 0600; on Windows an access list granting the user only),
// outside the site database.
type Credentials struct {
	Hub string `json:"hub"`
	// HubName is the hub's own name, one for all of its processes: a
	// process at another address answering with this name serves these
	// credentials (Adopt).
	HubName       string   `json:"hub_name,omitempty"`
	CACert        string   `json:"ca_cert,omitempty"` // PEM of the private CA
	User          string   `json:"user"`
	Role          string   `json:"role"`
	Sites         []string `json:"sites,omitempty"`
	ClientID      string   `json:"client_id"`
	RefreshToken  string   `json:"refresh_token"`
	AccessToken   string   `json:"access_token"`
	AccessExpires int64    `json:"access_expires"`
}

// CredentialsPath is hub-credentials.json next to the config file.
func CredentialsPath(configPath string, getenv func(string) string) string {
	if configPath == "" {
		configPath = config.DefaultPath(getenv)
	}
	return filepath.Join(filepath.Dir(configPath), "hub-credentials.json")
}

// ErrNotLoggedIn means there is no credentials file.
var ErrNotLoggedIn = errors.New("not logged in to a hub: run 'cutover login --hub URL --code CODE'")

// LoadCredentials reads the credentials file, refusing one others can read.
func LoadCredentials(path string) (*Credentials, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotLoggedIn
	}
	if err != nil {
		return nil, err
	}
	if err := config.CheckPrivate(path); err != nil {
		return nil, fmt.Errorf("credentials %s: %w", path, err)
	}
	var c Credentials
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("credentials %s: %w", path, err)
	}
	return &c, nil
}

// Save writes the credentials, private to the current user, atomically.
func (c *Credentials) Save(path string) error {
	if err := platform.MkdirPrivate(filepath.Dir(path)); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	return platform.WritePrivateFile(path, b)
}

// HTTPError is a non-2xx answer from the hub.
type HTTPError struct {
	Status int
	Body   wire.Error
}

func (e *HTTPError) Error() string {
	if e.Revoked() {
		return "an admin revoked this laptop's access to the hub: your work is kept on this laptop and nothing is lost; " +
			"ask an admin to let you back ('cutover hub user add NAME --reinstate' gives a new code), then run 'cutover login' with it"
	}
	if e.Body.Error != "" {
		return fmt.Sprintf("hub said %d: %s", e.Status, e.Body.Error)
	}
	return fmt.Sprintf("hub said %d %s", e.Status, http.StatusText(e.Status))
}

// Revoked reports whether the hub refused the laptop's token because an
// admin revoked it (or the hub saw it used from two places).
func (e *HTTPError) Revoked() bool {
	return e.Status == http.StatusUnauthorized && e.Body.Code == wire.CodeRevoked
}

// IsRevoked reports whether err is the hub saying this laptop's access
// was revoked.
func IsRevoked(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Revoked()
}

// NewHTTPClient builds the client used to reach the hub. With caPEM set,
// only certificates from that CA are trusted (the private CA); there is no
// way to skip verification. Plain http is allowed only to a loopback hub.
func NewHTTPClient(caPEM []byte) (*http.Client, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(caPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, errors.New("CA certificate: no PEM certificate found")
		}
		tc.RootCAs = pool
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Minute}, nil
}

// CheckHubURL accepts https URLs, and http only for a loopback hub.
func CheckHubURL(hub string) (string, error) {
	u, err := url.Parse(strings.TrimRight(hub, "/"))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("hub URL %q: want https://HOST[:PORT]", hub)
	}
	switch u.Scheme {
	case "https":
	case "http":
		h := u.Hostname()
		ip := net.ParseIP(h)
		if h != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "", fmt.Errorf("hub URL %q: plain http is allowed only to a hub on this machine; use https", hub)
		}
	default:
		return "", fmt.Errorf("hub URL %q: want https://HOST[:PORT]", hub)
	}
	return u.String(), nil
}

// Client talks to one hub with one laptop's credentials.
type Client struct {
	HTTP *http.Client
	// Save persists refreshed tokens (atomically: Credentials.Save); nil
	// keeps them in memory only. The refresh token rotates on every
	// refresh, so the new one is saved before it is used.
	Save func(*Credentials) error
	// Load, if set, reads the saved credentials again before a refresh: a
	// laptop's other process (the TUI's loop, 'cutover sync') may have
	// rotated the refresh token already, and using the old one would look
	// to the hub like a copy.
	Load func() (*Credentials, error)

	mu        gosync.Mutex
	refreshMu gosync.Mutex // one refresh at a time: the token rotates
	creds     *Credentials
	localSeq  atomic.Int64
}

// SetLocalSeq tells the client the laptop's highest op sequence; it goes
// with every request (wire.HeaderLocalSeq), so a hub that refuses a revoked
// laptop knows it holds work.
func (c *Client) SetLocalSeq(seq int64) { c.localSeq.Store(seq) }

// New returns a client for creds. httpc may be nil (built from the CA).
func New(creds *Credentials, httpc *http.Client) (*Client, error) {
	if httpc == nil {
		var err error
		if httpc, err = NewHTTPClient([]byte(creds.CACert)); err != nil {
			return nil, err
		}
	}
	return &Client{HTTP: httpc, creds: creds}, nil
}

// Credentials returns a copy of the current credentials.
func (c *Client) Credentials() Credentials {
	c.mu.Lock()
	defer c.mu.Unlock()
	return *c.creds
}

// Enrol redeems an enrolment code at hub for this laptop's client id.
func Enrol(ctx context.Context, httpc *http.Client, hub, code, clientID, host string) (*Credentials, error) {
	c := &Client{HTTP: httpc, creds: &Credentials{Hub: hub}}
	var t wire.Tokens
	if err := c.call(ctx, http.MethodPost, "/v1/auth/enrol", wire.EnrolRequest{Code: code, ClientID: clientID, Host: host}, &t, false); err != nil {
		return nil, err
	}
	return &Credentials{Hub: hub, HubName: t.HubName, User: t.User, Role: t.Role, Sites: t.Sites, ClientID: t.ClientID,
		RefreshToken: t.RefreshToken, AccessToken: t.AccessToken, AccessExpires: localExpiry(t)}, nil
}

// localExpiry is when an access token runs out by this laptop's clock: its
// life by the hub's clock, from now. A laptop whose clock is off does not
// then refresh on every request (each refresh rotates the refresh token).
func localExpiry(t wire.Tokens) int64 {
	if t.ServerTime <= 0 {
		return t.AccessExpires
	}
	return time.Now().Unix() + (t.AccessExpires - t.ServerTime)
}

// Push sends one batch of ops.
func (c *Client) Push(ctx context.Context, req wire.PushRequest) (wire.PushResponse, error) {
	var out wire.PushResponse
	return out, c.call(ctx, http.MethodPost, "/v1/sync/push", req, &out, true)
}

// Pull asks for a site's changes after a version.
func (c *Client) Pull(ctx context.Context, site, epoch string, after int64, limit int) (wire.PullResponse, error) {
	var out wire.PullResponse
	q := url.Values{"site": {site}, "epoch": {epoch}, "after": {fmt.Sprint(after)}, "limit": {fmt.Sprint(limit)}}
	return out, c.call(ctx, http.MethodGet, "/v1/sync/pull?"+q.Encode(), nil, &out, true)
}

// Snapshot asks where the site's current snapshot is.
func (c *Client) Snapshot(ctx context.Context, site string) (wire.SnapshotInfo, error) {
	var out wire.SnapshotInfo
	return out, c.call(ctx, http.MethodGet, "/v1/sync/snapshot?site="+url.QueryEscape(site), nil, &out, true)
}

// Progress fetches the supervisors' figures (an engineer's own sites only).
func (c *Client) Progress(ctx context.Context) (wire.Progress, error) {
	var out wire.Progress
	return out, c.call(ctx, http.MethodGet, "/v1/progress", nil, &out, true)
}

// SiteReport fetches what the hub knows of a site's cutover, a row per
// position.
func (c *Client) SiteReport(ctx context.Context, site string) (wire.SiteReport, error) {
	var out wire.SiteReport
	return out, c.call(ctx, http.MethodGet, "/v1/sites/"+url.PathEscape(site)+"/report", nil, &out, true)
}

// refresh swaps the refresh token for a new access token and a new refresh
// token, and saves both before anything else uses them. seen is the access
// token the caller found wanting: if another refresh (in this process or,
// through Load, another) replaced it meanwhile, that one is used instead.
func (c *Client) refresh(ctx context.Context, seen string) error {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	if c.Load != nil {
		if disk, err := c.Load(); err == nil && disk.ClientID == c.Credentials().ClientID && disk.RefreshToken != "" {
			c.mu.Lock()
			if disk.RefreshToken != c.creds.RefreshToken {
				c.creds.RefreshToken = disk.RefreshToken
				c.creds.AccessToken, c.creds.AccessExpires = disk.AccessToken, disk.AccessExpires
			}
			c.mu.Unlock()
		}
	}
	c.mu.Lock()
	rt, cur, exp := c.creds.RefreshToken, c.creds.AccessToken, c.creds.AccessExpires
	c.mu.Unlock()
	if cur != seen && cur != "" && time.Now().Unix() < exp-30 {
		return nil // someone else refreshed already
	}
	var t wire.Tokens
	if err := c.call(ctx, http.MethodPost, "/v1/auth/refresh", wire.RefreshRequest{RefreshToken: rt}, &t, false); err != nil {
		var he *HTTPError
		if errors.As(err, &he) && he.Body.Code == wire.CodeRotated && c.Load != nil {
			// Another process of this laptop rotated it moments ago and
			// saved the new one: use that.
			if disk, lerr := c.Load(); lerr == nil && disk.RefreshToken != rt && disk.ClientID == c.Credentials().ClientID {
				c.mu.Lock()
				c.creds.RefreshToken, c.creds.AccessToken, c.creds.AccessExpires = disk.RefreshToken, disk.AccessToken, disk.AccessExpires
				c.mu.Unlock()
				return nil
			}
		}
		return err
	}
	c.mu.Lock()
	c.creds.AccessToken, c.creds.AccessExpires = t.AccessToken, localExpiry(t)
	if t.RefreshToken != "" {
		c.creds.RefreshToken = t.RefreshToken
	}
	if t.HubName != "" {
		c.creds.HubName = t.HubName
	}
	c.creds.Role, c.creds.Sites = t.Role, t.Sites
	cp := *c.creds
	c.mu.Unlock()
	if c.Save != nil {
		return c.Save(&cp)
	}
	return nil
}

// call does one request; with auth, an expired access token is refreshed
// once and the request retried once.
func (c *Client) call(ctx context.Context, method, path string, in, out any, auth bool) error {
	if auth {
		c.mu.Lock()
		tok := c.creds.AccessToken
		expired := tok == "" || time.Now().Unix() > c.creds.AccessExpires-30
		c.mu.Unlock()
		if expired {
			if err := c.refresh(ctx, tok); err != nil {
				return err
			}
		}
	}
	c.mu.Lock()
	sent := c.creds.AccessToken
	c.mu.Unlock()
	err := c.once(ctx, method, path, in, out, auth)
	var he *HTTPError
	if auth && errors.As(err, &he) && he.Status == http.StatusUnauthorized && !he.Revoked() {
		if rerr := c.refresh(ctx, sent); rerr != nil {
			return rerr
		}
		err = c.once(ctx, method, path, in, out, auth)
	}
	return err
}

func (c *Client) once(ctx context.Context, method, path string, in, out any, auth bool) error {
	c.mu.Lock()
	hub, tok := c.creds.Hub, c.creds.AccessToken
	c.mu.Unlock()
	var body io.Reader
	if in != nil {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if err := json.NewEncoder(zw).Encode(in); err != nil {
			return err
		}
		zw.Close()
		body = &buf
	}
	req, err := http.NewRequestWithContext(ctx, method, hub+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set(wire.HeaderLocalSeq, strconv.FormatInt(c.localSeq.Load(), 10))
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("hub %s: %w", hub, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("hub %s: reading the answer: %w", hub, err)
	}
	if resp.StatusCode/100 != 2 {
		he := &HTTPError{Status: resp.StatusCode}
		json.Unmarshal(data, &he.Body)
		return he
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("hub %s: answer is not the expected JSON: %w", hub, err)
	}
	return nil
}

// Download fetches url into the file at part, resuming from what part
// already holds (Range + If-Range on the ETag), and returns the whole body.
func (c *Client) Download(ctx context.Context, info wire.SnapshotInfo, part string) ([]byte, error) {
	c.mu.Lock()
	hub, tok := c.creds.Hub, c.creds.AccessToken
	c.mu.Unlock()
	f, err := platform.CreatePrivate(part)
	if errors.Is(err, fs.ErrExist) { // resume what an earlier try fetched
		f, err = os.OpenFile(part, os.O_RDWR, 0)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, err
	}
	if have < info.Size {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, hub+info.URL, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		if have > 0 {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
			req.Header.Set("If-Range", `"`+info.SHA256+`"`)
		}
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return nil, fmt.Errorf("snapshot download: %w", err)
		}
		defer resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			if err := f.Truncate(0); err != nil {
				return nil, err
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
		case http.StatusPartialContent:
		default:
			he := &HTTPError{Status: resp.StatusCode}
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
			json.Unmarshal(b, &he.Body)
			return nil, he
		}
		if _, err := io.Copy(f, resp.Body); err != nil {
			f.Sync()
			return nil, fmt.Errorf("snapshot download cut off (it resumes next time): %w", err)
		}
		if err := f.Sync(); err != nil {
			return nil, err
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}
