package asgardeotest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/asgardeo-go/asgardeo/internal/transport"
)

// maxJournalEntries bounds the entries kept; counts are kept for every request.
const maxJournalEntries = 10000

// Entry is one request the fake served. Secrets are masked: form fields such
// as client_secret, password, code, token and refresh_token, JSON members
// whose name contains "secret" or "password", and the Authorization header
// (only the client ID of Basic credentials is kept).
type Entry struct {
	Time      time.Time
	Method    string
	Path      string // the full path, /t/{root}/...
	Query     string // masked
	Form      url.Values
	Body      string // masked JSON body, when the request had one
	GrantType string
	ClientID  string
	Status    int

	recorded bool   // finish has run: a dropped connection records early
	rawForm  string // the form body, parsed and masked into Form by Journal
}

type journal struct {
	mu      sync.Mutex
	entries []Entry
	counts  map[countKey]int // by method and path; method "" counts any
	grants  map[string]int   // by grant_type
	total   int
}

// countKey keys the request counts without building a string per request.
type countKey struct{ method, path string }

// begin fills e for request r.
func (j *journal) begin(e *Entry, r *http.Request, now time.Time) {
	*e = Entry{Time: now, Method: r.Method, Path: r.URL.Path}
	if r.URL.RawQuery != "" {
		e.Query = transport.RedactForm(r.URL.Query()).Encode()
	}
	if id, _, ok := r.BasicAuth(); ok {
		if unq, err := url.QueryUnescape(id); err == nil {
			id = unq
		}
		e.ClientID = id
	}
}

// formContentType is the one Content-Type whose body captureBody parses
// without the MIME parser; any other value takes the general path.
const formContentType = "application/x-www-form-urlencoded"

// bodyReader gives a captured body back to the handler.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

// captureBody reads the body (already bounded) so it can be journaled, and
// puts it back for the handler. A well-formed form body of a request
// without a query string is parsed once, here, for the journal and for the
// handler: it becomes r.PostForm and r.Form, as r.ParseForm would make
// them, so the handler's ParseForm does not parse it again.
func (e *Entry) captureBody(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	br := &bodyReader{}
	br.Reset(data)
	r.Body = br
	ct := r.Header.Get("Content-Type")
	mt := ct
	if ct != formContentType {
		mt, _, _ = mime.ParseMediaType(ct)
	}
	switch {
	case mt == formContentType:
		raw := string(data)
		form, err := url.ParseQuery(raw)
		if err != nil {
			return nil
		}
		e.GrantType = form.Get("grant_type")
		if e.ClientID == "" {
			e.ClientID = form.Get("client_id")
		}
		// The journal keeps the body, which the form's values mostly share,
		// rather than the form's map: masking waits for Journal.
		e.rawForm = raw
		if ct == formContentType && r.URL.RawQuery == "" && r.PostForm == nil && r.Form == nil &&
			(r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) {
			r.PostForm = form
			r.Form = form
		}
	case len(data) > 0:
		e.Body = maskJSON(data)
	}
	return nil
}

// maskJSON masks secret members of a JSON body; a body that is not JSON is
// recorded by size only.
func maskJSON(data []byte) string {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "(non-JSON body)"
	}
	v = maskValue(v)
	out, _ := json.Marshal(v)
	return string(out)
}

func maskValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "secret") || strings.Contains(lk, "password") {
				x[k] = "REDACTED"
				continue
			}
			x[k] = maskValue(val)
		}
	case []any:
		for i := range x {
			x[i] = maskValue(x[i])
		}
	}
	return v
}

// finish records e once; later calls for the same entry do nothing.
func (j *journal) finish(e *Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if e.recorded {
		return
	}
	e.recorded = true
	if j.counts == nil {
		j.counts = map[countKey]int{}
		j.grants = map[string]int{}
	}
	j.total++
	j.counts[countKey{e.Method, e.Path}]++
	j.counts[countKey{"", e.Path}]++
	if e.GrantType != "" {
		j.grants[e.GrantType]++
	}
	if len(j.entries) >= maxJournalEntries {
		j.entries = append(j.entries[:0], j.entries[len(j.entries)/2:]...)
	}
	j.entries = append(j.entries, *e)
}

// Journal returns the requests served so far, oldest first (at most the
// last 10,000; the counts cover every request).
func (s *Server) Journal() []Entry {
	s.journal.mu.Lock()
	out := append([]Entry(nil), s.journal.entries...)
	s.journal.mu.Unlock()
	for i := range out {
		if out[i].rawForm != "" {
			form, _ := url.ParseQuery(out[i].rawForm) // parsed once already
			out[i].Form = transport.RedactForm(form)
			out[i].rawForm = ""
		}
	}
	return out
}

// Count returns how many requests were served for path, with method ("" for
// any). path is relative to the tenant, such as "/oauth2/token" or
// "/o/api/server/v1/applications", or a full path starting with "/t/".
func (s *Server) Count(method, path string) int {
	if !strings.HasPrefix(path, "/t/") {
		path = "/t/" + s.store.rootName + path
	}
	s.journal.mu.Lock()
	defer s.journal.mu.Unlock()
	return s.journal.counts[countKey{method, path}]
}

// CountGrant returns how many token requests carried grant_type g.
func (s *Server) CountGrant(g string) int {
	s.journal.mu.Lock()
	defer s.journal.mu.Unlock()
	return s.journal.grants[g]
}

// Requests returns the total number of requests served.
func (s *Server) Requests() int {
	s.journal.mu.Lock()
	defer s.journal.mu.Unlock()
	return s.journal.total
}

// ResetJournal forgets the journal and its counts.
func (s *Server) ResetJournal() {
	s.journal.mu.Lock()
	defer s.journal.mu.Unlock()
	s.journal.entries, s.journal.counts, s.journal.grants, s.journal.total = nil, nil, nil, 0
}
