package client

import (
	"context"
	"net/http"
	"net/url"

	"cutover/site/runbook"
)

// HandoverReport fetches a site's report as the hub knows it, in the rows
// of the laptop's own report (runbook.Report), for the one writer to write.
func (c *Client) HandoverReport(ctx context.Context, site string) (runbook.Report, error) {
	var out runbook.Report
	return out, c.call(ctx, http.MethodGet, "/v1/sites/"+url.PathEscape(site)+"/report?form=handover", nil, &out, true)
}
