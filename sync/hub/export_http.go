package hub

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"cutover/site/export"
)

// siteExport answers GET /v1/sites/{site}/export/{kind} and, for every
// site the caller may read, GET /v1/export/{kind} (`--all`):
// ?format=csv|json|cisco-bat|ps1 (default csv), ?all_ports=1 for
// teams-lis, and for teams-lis csv ?file= one of its load files
// (export.LISFileNames; ports.csv by default). The body is the file
// itself; the header X-Cutover-Export-Gaps counts the rows it could not
// write (export.Gap).
func (s *Server) siteExport(w http.ResponseWriter, r *http.Request) {
	kind, err := export.ParseKind(r.PathValue("kind"))
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "not_found", err.Error())
		return
	}
	format := strings.ToLower(r.URL.Query().Get("format"))
	if format == "" {
		format = "csv"
	}
	if err := kind.CheckFormat(format); err != nil {
		s.fail(w, r, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	var sites []string
	if code := r.PathValue("site"); code != "" {
		sites = []string{strings.ToUpper(code)}
	}
	e, err := s.Store.Export(r.Context(), principal(r), kind, sites, r.URL.Query().Get("all_ports") == "1")
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := e.WriteFile(&b, format, r.URL.Query().Get("file")); err != nil {
		s.fail(w, r, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	// What the export could not write is never silent: counted here, and
	// listed in the JSON, the teams-lis gaps.csv (?file=gaps.csv) and
	// script.
	w.Header().Set("X-Cutover-Export-Gaps", strconv.Itoa(len(e.Gaps)))
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case "json":
		w.Header().Set("Content-Type", "application/json")
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(b.Bytes())
}
