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
	refuse := func(why string) error {
		return fmt.Errorf("the saved login is for %s, not %s (%s): run 'cutover login --hub %s --code CODE' to use that hub",
			cur.Hub, url, why, url)
	}
	if cur.HubName == "" {
		return refuse("the login does not name its hub")
	}
	name, err := HubName(ctx, c.HTTP, url)
	if err != nil {
		return refuse(err.Error())
	}
	if name != cur.HubName {
		return refuse(fmt.Sprintf("it is hub %q, not %q", name, cur.HubName))
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
