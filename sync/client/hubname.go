package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// HubName asks the hub at url for its name (GET /v1/health): one name for
// every process serving the same hub database.
func HubName(ctx context.Context, httpc *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/health", nil)
	if err != nil {
		return "", err
	}
	resp, err := httpc.Do(req)
	if err != nil {
		return "", fmt.Errorf("hub %s: %w", url, err)
	}
	defer resp.Body.Close()
	var h struct {
		HubName string `json:"hub_name"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&h); err != nil || h.HubName == "" {
		return "", fmt.Errorf("hub %s did not say its name (%s)", url, resp.Status)
	}
	return h.HubName, nil
}

// Adopt moves the client to the hub process at url when that process
// serves the hub these credentials name (same HubName), and saves the new
// address; the tokens go nowhere before the name matches. Any other hub is
// refused: the laptop logs in there with a code of its own.
func (c *Client) Adopt(ctx context.Context, url string) error {
	cur := c.Credentials()
	if cur.Hub == url {
		return nil
	}
	name, err := HubName(ctx, c.HTTP, url)
	if err != nil {
		return err
	}
	if cur.HubName == "" || name != cur.HubName {
		return fmt.Errorf("the hub at %s is %q, not the hub this laptop logged in to (%s at %s): run 'cutover login --hub %s --code CODE' to use it",
			url, name, orUnnamed(cur.HubName), cur.Hub, url)
	}
	c.mu.Lock()
	c.creds.Hub = url
	cp := *c.creds
	c.mu.Unlock()
	if c.Save != nil {
		return c.Save(&cp)
	}
	return nil
}

func orUnnamed(n string) string {
	if n == "" {
		return "a hub that gave no name"
	}
	return fmt.Sprintf("%q", n)
}
