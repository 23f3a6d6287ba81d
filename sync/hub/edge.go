package hub

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// The hub's edge: what every request passes before a handler looks at it.
// It gives the request an id (X-Request-Id, in every log line), bounds the
// requests served at once and the body bytes they hold together (503 with
// Retry-After beyond either), and reads JSON bodies as a stream within
// their limit.

type reqInfoKey struct{}

// reqInfo is what the edge knows of a request.
type reqInfo struct {
	id   string
	addr string       // the client's address (see clientAddr)
	held atomic.Int64 // body bytes this request holds against BodyMemory
}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{id: "-", addr: r.RemoteAddr}
}

// edge is the outermost handler.
func (s *Server) edge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		ri := &reqInfo{id: hex.EncodeToString(b), addr: s.clientAddr(r)}
		w.Header().Set("X-Request-Id", ri.id)
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		select {
		case s.slots <- struct{}{}:
		default:
			if n := s.busy.Add(1); n == 1 || n%100 == 0 {
				s.logf("req=%s %s %s from %s: 503, %d requests in flight already (%d refused so far)",
					ri.id, r.Method, r.URL.Path, ri.addr, s.lim.MaxInFlight, n)
			}
			s.tooBusy(w, r, "the hub is serving as many requests as it takes")
			return
		}
		defer func() {
			s.held.Add(-ri.held.Load())
			<-s.slots
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) tooBusy(w http.ResponseWriter, r *http.Request, why string) {
	w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfterBusy.Seconds())))
	w.Header().Set("Connection", "close")
	s.writeJSON(w, http.StatusServiceUnavailable, errBody(r, "busy", why+"; nothing was written, try again shortly"))
}

// InFlight is how many requests the hub is serving now.
func (s *Server) InFlight() int { return len(s.slots) }

// BodyBytesHeld is how many body bytes the requests in flight hold.
func (s *Server) BodyBytesHeld() int64 { return s.held.Load() }

// notRouted answers a path no route has (404) or a method the path does
// not take (405 with Allow).
func (s *Server) notRouted(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if m == r.Method {
				continue
			}
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.fail(w, r, http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("%s takes %s, not %s", r.URL.Path, strings.Join(allow, " or "), clipLog(r.Method, 16)))
			return
		}
		s.fail(w, r, http.StatusNotFound, "not_found", fmt.Sprintf("no such endpoint: %s %s", clipLog(r.Method, 16), clipLog(r.URL.Path, 80)))
	}
}

var (
	errTooLarge = errors.New("body too large")
	errBusy     = errors.New("hub holds too many body bytes")
)

// capReader fails with errTooLarge once more than n bytes come through.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > c.n+1 {
		p = p[:c.n+1]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n < 0 {
		return n, errTooLarge
	}
	return n, err
}

// heldReader counts the bytes read against the hub's BodyMemory.
type heldReader struct {
	s  *Server
	ri *reqInfo
	r  io.Reader
}

func (h *heldReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if n > 0 {
		h.ri.held.Add(int64(n))
		if h.s.held.Add(int64(n)) > h.s.lim.BodyMemory {
			return n, errBusy
		}
	}
	return n, err
}

// readJSON decodes a JSON body of at most limit bytes (after gunzip; a
// gzip body, Content-Encoding: gzip, is bounded before and after) into v,
// as a stream: nothing is buffered beyond what the decoder needs. It
// writes the 4xx/503 itself and returns false on any problem.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any, limit int64) bool {
	if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
		s.fail(w, r, http.StatusUnsupportedMediaType, "bad_content_type",
			fmt.Sprintf("Content-Type %q: this endpoint takes application/json", clipLog(ct, 64)))
		return false
	}
	tooLarge := func() bool {
		w.Header().Set("Connection", "close") // the rest of the body is not read
		s.fail(w, r, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body is larger than %d bytes (after gunzip); send fewer ops per push", limit))
		return false
	}
	if r.ContentLength > limit {
		return tooLarge()
	}
	var body io.Reader = http.MaxBytesReader(w, r.Body, limit)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooLarge()
			}
			s.fail(w, r, http.StatusBadRequest, "bad_gzip", "body says gzip but is not: "+err.Error())
			return false
		}
		defer zr.Close()
		body = zr
	default:
		s.fail(w, r, http.StatusUnsupportedMediaType, "bad_encoding", fmt.Sprintf("Content-Encoding %q: only gzip is accepted", clipLog(enc, 32)))
		return false
	}
	dec := json.NewDecoder(&heldReader{s: s, ri: info(r), r: &capReader{r: body, n: limit}})
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = terr
			if err == nil || isSyntax(err) {
				s.fail(w, r, http.StatusBadRequest, "bad_json", "body has data after its JSON value")
				return false
			}
		}
	}
	var mbe *http.MaxBytesError
	var corrupt flate.CorruptInputError
	switch {
	case err == nil:
		return true
	case errors.Is(err, errTooLarge), errors.As(err, &mbe):
		return tooLarge()
	case errors.Is(err, errBusy):
		s.tooBusy(w, r, "the hub holds as many request bytes as it takes")
		return false
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		s.fail(w, r, http.StatusBadRequest, "bad_gzip", "the gzip body is corrupt: "+err.Error())
		return false
	case errors.Is(err, io.ErrUnexpectedEOF) && !isSyntax(err):
		s.fail(w, r, http.StatusBadRequest, "bad_json", "body is not the JSON this endpoint takes: it ends early")
		return false
	}
	s.fail(w, r, http.StatusBadRequest, "bad_json", "body is not the JSON this endpoint takes: "+clipLog(err.Error(), 200))
	return false
}

func isSyntax(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te)
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// clipLog makes client text safe to log or echo: at most n bytes, control
// characters and invalid UTF-8 escaped.
func clipLog(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}
