package asgardeotest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// sinkWriter is a reusable http.ResponseWriter, so that the handler
// benchmarks measure the fake and not a recorder.
type sinkWriter struct {
	h      http.Header
	status int
	n      int
	body   []byte
	keep   bool
}

func (w *sinkWriter) Header() http.Header { return w.h }
func (w *sinkWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}

func (w *sinkWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	if w.keep {
		w.body = append(w.body, b...)
	}
	return len(b), nil
}

func (w *sinkWriter) reset() {
	clear(w.h)
	w.status, w.n, w.body = 0, 0, w.body[:0]
}

// formRequest builds a POST of form with HTTP Basic credentials; the body
// is rewound before each use.
type formRequest struct {
	req  *http.Request
	body *strings.Reader
	raw  string
}

func newFormRequest(b *testing.B, u, id, secret string, form url.Values) *formRequest {
	b.Helper()
	raw := form.Encode()
	body := strings.NewReader(raw)
	req, err := http.NewRequest(http.MethodPost, u, body)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	return &formRequest{req: req, body: body, raw: raw}
}

// next returns a fresh request for the next iteration: handlers consume the
// body and may parse the form into the request.
func (f *formRequest) next() *http.Request {
	f.body.Reset(f.raw)
	r := *f.req
	r.Body = readCloser{f.body}
	r.ContentLength = int64(len(f.raw))
	return &r
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func serveBench(b *testing.B, srv *asgardeotest.Server, f *formRequest) {
	w := &sinkWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		srv.ServeHTTP(w, f.next())
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkServeClientCredentials is one client-credentials request (opaque
// token) through the fake's handler, without the network.
func BenchmarkServeClientCredentials(b *testing.B) {
	srv := asgardeotest.NewServer(b)
	app, err := srv.AddApplication(asgardeotest.AppSpec{Name: "bench", GrantTypes: []string{"client_credentials"}})
	if err != nil {
		b.Fatal(err)
	}
	serveBench(b, srv, newFormRequest(b, srv.TenantURL()+"/oauth2/token", app.ClientID, app.ClientSecret, url.Values{"grant_type": {"client_credentials"}}))
}

// BenchmarkServeClientCredentialsJWT is the same with RS256 JWT access tokens.
func BenchmarkServeClientCredentialsJWT(b *testing.B) {
	srv := asgardeotest.NewServer(b)
	app, err := srv.AddApplication(asgardeotest.AppSpec{Name: "bench", GrantTypes: []string{"client_credentials"}, AccessTokenType: "JWT"})
	if err != nil {
		b.Fatal(err)
	}
	serveBench(b, srv, newFormRequest(b, srv.TenantURL()+"/oauth2/token", app.ClientID, app.ClientSecret, url.Values{"grant_type": {"client_credentials"}}))
}

// BenchmarkServeIntrospect is one introspection of an active opaque token.
func BenchmarkServeIntrospect(b *testing.B) {
	srv := asgardeotest.NewServer(b)
	app, err := srv.AddApplication(asgardeotest.AppSpec{Name: "bench", GrantTypes: []string{"client_credentials"}})
	if err != nil {
		b.Fatal(err)
	}
	tokReq := newFormRequest(b, srv.TenantURL()+"/oauth2/token", app.ClientID, app.ClientSecret, url.Values{"grant_type": {"client_credentials"}})
	w := &sinkWriter{h: http.Header{}, keep: true}
	srv.ServeHTTP(w, tokReq.next())
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(w.body, &tr); err != nil || tr.AccessToken == "" {
		b.Fatalf("token: %s %v", w.body, err)
	}
	serveBench(b, srv, newFormRequest(b, srv.TenantURL()+"/oauth2/introspect", app.ClientID, app.ClientSecret,
		url.Values{"token": {tr.AccessToken}, "token_type_hint": {"access_token"}}))
}

// BenchmarkNewServerFirstAnswer is NewServer until the first answer over
// loopback.
func BenchmarkNewServerFirstAnswer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		srv, err := asgardeotest.Start()
		if err != nil {
			b.Fatal(err)
		}
		resp, err := srv.HTTPClient().Get(srv.TenantURL() + "/oauth2/jwks")
		if err != nil {
			b.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
		srv.Close()
	}
}

// scaleWorld is a fake holding n applications in one organization and n
// API resources, for the paging benchmarks.
type scaleWorld struct {
	srv    *asgardeotest.Server
	bearer string
}

func newScaleWorld(b *testing.B, n int) *scaleWorld {
	b.Helper()
	srv := asgardeotest.NewServer(b)
	o, err := srv.AddOrganization("scale")
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		if _, err := srv.AddApplication(asgardeotest.AppSpec{Organization: o.ID, Name: "app-" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
		if _, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "https://api/" + strconv.Itoa(i), Name: "api-" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
	}
	bearer, err := srv.IssueToken(o.ID, "internal_org_application_mgt_view", "internal_org_api_resource_view")
	if err != nil {
		b.Fatal(err)
	}
	return &scaleWorld{srv: srv, bearer: bearer}
}

func (sw *scaleWorld) get(b *testing.B, path string) {
	req, err := http.NewRequest(http.MethodGet, sw.srv.TenantURL()+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+sw.bearer)
	w := &sinkWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		r := *req
		r.Body = http.NoBody // as net/http gives a server handler
		sw.srv.ServeHTTP(w, &r)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkListPage lists a page of 30 at the start and at the end of
// 100,000 applications and 100,000 API resources: the time must not
// depend on the position.
func BenchmarkListPage(b *testing.B) {
	const n = 100_000
	sw := newScaleWorld(b, n)
	b.Run("applications/offset=0", func(b *testing.B) {
		sw.get(b, "/o/api/server/v1/applications?limit=30&offset=0")
	})
	b.Run("applications/offset=99000", func(b *testing.B) {
		sw.get(b, "/o/api/server/v1/applications?limit=30&offset=99000")
	})
	b.Run("api-resources/first", func(b *testing.B) {
		sw.get(b, "/o/api/server/v1/api-resources?limit=30")
	})
	b.Run("api-resources/after=99000", func(b *testing.B) {
		// Cursors are the store's sequence numbers, base64 of the decimal.
		sw.get(b, "/o/api/server/v1/api-resources?limit=30&after="+cursorAfter(sw, 99_000))
	})
}

// cursorAfter finds the cursor of the API resource at position i by
// following the list's own links, from a page that starts near it.
func cursorAfter(sw *scaleWorld, i int) string {
	req, _ := http.NewRequest(http.MethodGet, sw.srv.TenantURL()+"/o/api/server/v1/api-resources?limit="+strconv.Itoa(i), nil)
	req.Header.Set("Authorization", "Bearer "+sw.bearer)
	req.Body = http.NoBody
	w := &sinkWriter{h: http.Header{}, keep: true}
	sw.srv.ServeHTTP(w, req)
	var body struct {
		Links []struct{ Href, Rel string } `json:"links"`
	}
	_ = json.Unmarshal(w.body, &body)
	for _, l := range body.Links {
		if l.Rel == "next" {
			if u, err := url.Parse(l.Href); err == nil {
				return url.QueryEscape(u.Query().Get("after"))
			}
		}
	}
	return ""
}

// BenchmarkAddApplication seeds applications into an organization that
// already holds many: the cost must not grow with their number.
func BenchmarkAddApplication(b *testing.B) {
	srv := asgardeotest.NewServer(b)
	o, err := srv.AddOrganization("seed")
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := srv.AddApplication(asgardeotest.AppSpec{Organization: o.ID, Name: "app-" + strconv.Itoa(i)}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
