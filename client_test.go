package asgardeo

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo/internal/transport"
)

// Test hooks: the external test package (asgardeo_test), which can use the
// fake, reaches the one request path through these. They exist only in the
// test binary.

// DoForTest sends one unauthenticated JSON request through the client's one
// request path (c.do) and decodes a success body into out. The retry class
// comes from ctx (transport.WithClass) or from the method.
func (c *Client) DoForTest(ctx context.Context, method, rawURL string, body, out any) (int, error) {
	res, err := c.do(ctx, apiRequest{method: method, url: rawURL, body: body, kind: kindREST}, out)
	if err != nil {
		return 0, err
	}
	return res.StatusCode, nil
}

// PostFormForTest sends an OAuth2 form post through c.postForm.
func (c *Client) PostFormForTest(ctx context.Context, endpoint string, form url.Values, clientID, clientSecret string, class transport.Class) (int, []byte, error) {
	res, err := c.postForm(ctx, endpoint, form, clientID, secret(clientSecret), class)
	if err != nil {
		return 0, nil, err
	}
	return res.StatusCode, res.Body, nil
}

// TenantURLForTest exposes c.tenantURL.
func (c *Client) TenantURLForTest(parts ...string) string { return c.tenantURL(parts...) }

// CallForTest sends an authenticated management call of the organization:
// path holds already-escaped segments under /o/api/server/v1.
func (o *Org) CallForTest(ctx context.Context, method string, path []string, body, out any) (int, error) {
	res, err := o.call(ctx, apiRequest{method: method, url: o.mgmtURL(path...), body: body, kind: kindREST}, out)
	if err != nil {
		return 0, err
	}
	return res.StatusCode, nil
}

// CredentialsForTest returns the client's root credentials (a value, so
// that printing it shows its fields), or nil.
func (c *Client) CredentialsForTest() any {
	if c.rootCreds == nil {
		return nil
	}
	return *c.rootCreds
}

// testServer is an httptest server counting its requests.
type testServer struct {
	*httptest.Server
	hits atomic.Int32
}

func newTestServer(t *testing.T, h http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func newTestClient(t *testing.T, baseURL string, opts ...Option) *Client {
	t.Helper()
	c, err := New("bestcarmart", append([]Option{WithBaseURL(baseURL), WithRetry(3, time.Millisecond)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

const testOrgID = "7e98b86f-63c7-41a1-8c56-c909a21a2615"

type failingSource struct{ calls atomic.Int32 }

func (f *failingSource) Token() (*oauth2.Token, error) {
	f.calls.Add(1)
	return nil, errors.New("token source is down")
}

func TestDoWithFailingTokenSourceSendsNothing(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{}`) })
	src := &failingSource{}
	c := newTestClient(t, srv.URL, WithTokenSource(src))
	org, err := c.Org(testOrgID)
	require.NoError(t, err)

	var out map[string]any
	_, err = org.CallForTest(context.Background(), http.MethodGet, []string{"applications"}, nil, &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "token source is down")
	assert.Equal(t, int32(1), src.calls.Load())
	assert.Equal(t, int32(0), srv.hits.Load(), "an unauthenticated request must never be sent")
}

func TestDoSendsBearerFromTokenSource(t *testing.T) {
	var auth, ua, accept string
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		auth, ua, accept = r.Header.Get("Authorization"), r.Header.Get("User-Agent"), r.Header.Get("Accept")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	c := newTestClient(t, srv.URL, WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "org-token"})), WithUserAgent("inventory-sync/2.1"))
	org, err := c.Org(testOrgID)
	require.NoError(t, err)
	var out struct{ OK bool }
	status, err := org.CallForTest(context.Background(), http.MethodGet, []string{"applications"}, nil, &out)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.True(t, out.OK)
	assert.Equal(t, "Bearer org-token", auth)
	assert.Equal(t, "application/json", accept)
	assert.Regexp(t, `^asgardeo-go/`+regexp.QuoteMeta(Version)+` \(go[0-9][^)]*\) inventory-sync/2\.1$`, ua)
	assert.Equal(t, "asgardeo-go/"+Version+" ("+runtime.Version()+") inventory-sync/2.1", ua)
}

func TestUserAgentWithoutSuffix(t *testing.T) {
	var ua string
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) { ua = r.Header.Get("User-Agent") })
	c := newTestClient(t, srv.URL)
	_, err := c.DoForTest(context.Background(), http.MethodDelete, srv.URL+"/x", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "asgardeo-go/"+Version+" ("+runtime.Version()+")", ua)
}

func TestDoBoundsResponseBody(t *testing.T) {
	big := strings.Repeat("x", 10<<20)
	for _, status := range []int{http.StatusOK, http.StatusInternalServerError} {
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"padding":"`+big+`"}`)
		})
		c := newTestClient(t, srv.URL, WithoutRetry())
		var out map[string]any
		_, err := c.DoForTest(context.Background(), http.MethodGet, srv.URL+"/big", nil, &out)
		require.Error(t, err)
		var me *MalformedError
		require.ErrorAs(t, err, &me, "status %d", status)
		assert.ErrorIs(t, err, ErrMalformed)
		assert.Equal(t, status, me.StatusCode)
		assert.LessOrEqual(t, len(me.Snippet), maxSnippet+len("…"), "the error keeps a bounded snippet")
		assert.Less(t, len(err.Error()), 1024)
		assert.Nil(t, out)
	}
}

func TestDoRejectsMalformedSuccessBodies(t *testing.T) {
	type app struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	bodies := map[string]string{
		"empty":      "",
		"whitespace": "  \n",
		"garbage":    "not json at all",
		"truncated":  `{"id":"a1","name":"or`,
		"html":       "<html><body>Service Unavailable</body></html>",
		"trailing":   `{"id":"a1"} {"id":"a2"}`,
		"wrong type": `{"id":42}`,
		"array":      `["a1"]`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, body)
			})
			c := newTestClient(t, srv.URL)
			var out app
			status, err := c.DoForTest(context.Background(), http.MethodGet, srv.URL+"/app", nil, &out)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrMalformed)
			var me *MalformedError
			require.ErrorAs(t, err, &me)
			assert.Equal(t, http.StatusOK, me.StatusCode)
			assert.Equal(t, 0, status)
			assert.Equal(t, int32(1), srv.hits.Load(), "a 2xx is never retried")
		})
	}
}

func TestDoDecodesJSONBodyAndSendsJSON(t *testing.T) {
	var gotCT string
	var gotBody map[string]any
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotCT = r.Header.Get("Content-Type")
		_ = json.NewDecoder(r.Body).Decode(&gotBody)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"a1"}`)
	})
	c := newTestClient(t, srv.URL)
	var out struct{ ID string }
	status, err := c.DoForTest(context.Background(), http.MethodPost, srv.URL+"/apps", map[string]string{"name": "orders"}, &out)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, status)
	assert.Equal(t, "a1", out.ID)
	assert.Equal(t, "application/json", gotCT)
	assert.Equal(t, map[string]any{"name": "orders"}, gotBody)
}

func TestDoExpectedStatuses(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	c := newTestClient(t, srv.URL)
	_, err := c.do(context.Background(), apiRequest{method: http.MethodDelete, url: srv.URL + "/x", expect: []int{http.StatusNoContent}}, nil)
	var e *Error
	require.ErrorAs(t, err, &e, "a 2xx outside expect is an error")
	assert.Equal(t, http.StatusAccepted, e.StatusCode)
	res, err := c.do(context.Background(), apiRequest{method: http.MethodDelete, url: srv.URL + "/x", expect: []int{http.StatusAccepted}}, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, res.StatusCode)
}

func TestDoNilContext(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {})
	c := newTestClient(t, srv.URL)
	//lint:ignore SA1012 the nil context is the point of the test
	_, err := c.DoForTest(nil, http.MethodGet, srv.URL, nil, nil)
	require.Error(t, err)
	assert.Equal(t, int32(0), srv.hits.Load())
}

func TestDoTransportErrorUnwraps(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	addr := srv.URL
	srv.Close() // nothing listens there any more
	c := newTestClient(t, addr, WithRetry(2, time.Millisecond))
	_, err := c.DoForTest(context.Background(), http.MethodGet, addr+"/x?access_token=leak", nil, nil)
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, http.MethodGet, te.Method)
	assert.NotContains(t, err.Error(), "leak")
	assert.True(t, transport.IsDialError(err), "the cause is reachable: %v", err)
}

func TestWithTimeoutBoundsCall(t *testing.T) {
	release := make(chan struct{})
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := newTestClient(t, srv.URL, WithTimeout(50*time.Millisecond), WithoutRetry())
	_, err := c.DoForTest(context.Background(), http.MethodGet, srv.URL+"/slow", nil, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var te *TransportError
	assert.ErrorAs(t, err, &te)
}

func TestOrgRejectsNonUUIDWithoutRequest(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {})
	c := newTestClient(t, srv.URL, WithCredentials("id", "secret"))
	for _, id := range []string{"", "not-a-uuid", "../7e98b86f-63c7-41a1-8c56-c909a21a2615", "7e98b86f-63c7-41a1-8c56-c909a21a261", "7e98b86f63c741a18c56c909a21a2615", "7e98b86f-63c7-41a1-8c56-c909a21a2615/x", "7e98b86f-63c7-41a1-8c56-c909a21a261g"} {
		o, err := c.Org(id)
		require.ErrorIs(t, err, ErrInvalidInput, "%q", id)
		assert.Nil(t, o)
	}
	assert.Equal(t, int32(0), srv.hits.Load())

	o, err := c.Org(strings.ToUpper(testOrgID))
	require.NoError(t, err)
	assert.Equal(t, testOrgID, o.ID(), "IDs are normalised to lower case")
	assert.Same(t, c, o.Client())
}

func TestEndpoints(t *testing.T) {
	c, err := New("bestcarmart", WithBaseURL("https://api.asgardeo.test/prefix/"))
	require.NoError(t, err)
	o, err := c.Org(testOrgID)
	require.NoError(t, err)
	base := "https://api.asgardeo.test/prefix/t/bestcarmart"
	assert.Equal(t, Endpoints{
		Authorize:  base + "/o/" + testOrgID + "/oauth2/authorize",
		Token:      base + "/o/" + testOrgID + "/oauth2/token",
		Introspect: base + "/o/" + testOrgID + "/oauth2/introspect",
		Revoke:     base + "/o/" + testOrgID + "/oauth2/revoke",
		JWKS:       base + "/o/" + testOrgID + "/oauth2/jwks",
		UserInfo:   base + "/o/" + testOrgID + "/oauth2/userinfo",
		Discovery:  base + "/o/" + testOrgID + "/oauth2/token/.well-known/openid-configuration",
		Issuer:     base + "/o/" + testOrgID + "/oauth2/token",
		Management: base + "/o/api/server/v1",
		SCIM:       base + "/o/scim2",
		RootToken:  base + "/oauth2/token",
	}, o.Endpoints())
	assert.Equal(t, "https://api.asgardeo.test/prefix", c.BaseURL())
	assert.Equal(t, "bestcarmart", c.RootOrganization())
}

func TestNoCredentials(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {})
	c := newTestClient(t, srv.URL)
	o, err := c.Org(testOrgID)
	require.NoError(t, err)
	_, err = o.CallForTest(context.Background(), http.MethodGet, []string{"applications"}, nil, nil)
	require.ErrorIs(t, err, ErrNoCredentials)
	assert.Equal(t, int32(0), srv.hits.Load())
}

func TestLastSegment(t *testing.T) {
	for in, want := range map[string]string{
		"https://h/t/r/o/api/server/v1/applications/abc":      "abc",
		"https://h/t/r/o/api/server/v1/applications/abc/":     "abc",
		"/o/api/server/v1/applications/abc?x=1":               "abc",
		"https://h/t/r/o/scim2/v2/Roles/4f1e#frag":            "4f1e",
		"https://h/t/r/o/api/server/v1/api-resources/a%2Fb/x": "x",
	} {
		got, err := lastSegment(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "/", "?x=1"} {
		_, err := lastSegment(in)
		assert.ErrorIs(t, err, ErrMalformed, in)
	}
}

// fakeAsgardeo is a minimal token endpoint plus one management endpoint,
// enough to exercise the organization-switched token of o.call.
type fakeAsgardeo struct {
	*testServer
	mu     sync.Mutex
	grants map[string]int
	issued atomic.Int32
}

func newFakeAsgardeo(t *testing.T) *fakeAsgardeo {
	f := &fakeAsgardeo{grants: map[string]int{}}
	valid := sync.Map{} // access token -> org ID ("" for root)
	f.testServer = newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/t/bestcarmart/oauth2/token":
			_ = r.ParseForm()
			id, secret, _ := r.BasicAuth()
			if id != "root-app" || secret != "root-secret" {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"error":"invalid_client","error_description":"Client credentials are invalid."}`)
				return
			}
			grant := r.PostForm.Get("grant_type")
			f.mu.Lock()
			f.grants[grant]++
			f.mu.Unlock()
			org := ""
			if grant == "organization_switch" {
				if v, ok := valid.Load(r.PostForm.Get("token")); !ok || v != "" {
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, `{"error":"invalid_grant","error_description":"Invalid token received."}`)
					return
				}
				org = r.PostForm.Get("switching_organization")
			}
			tok := grant + "-" + string(rune('a'+f.issued.Add(1)))
			valid.Store(tok, org)
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600, "scope": r.PostForm.Get("scope")})
		case "/t/bestcarmart/o/api/server/v1/applications":
			tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if v, ok := valid.Load(tok); !ok || v != testOrgID {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"code":401,"message":"Unauthorized","description":"Authorization failure.","traceId":"t1"}`)
				return
			}
			_, _ = io.WriteString(w, `{"totalResults":0,"applications":[]}`)
		default:
			http.NotFound(w, r)
		}
	})
	return f
}

func (f *fakeAsgardeo) grant(g string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.grants[g]
}

func TestOrgCallSwitchesOnceForConcurrentCalls(t *testing.T) {
	f := newFakeAsgardeo(t)
	c := newTestClient(t, f.URL, WithCredentials("root-app", "root-secret"))
	o, err := c.Org(testOrgID)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out map[string]any
			_, err := o.CallForTest(context.Background(), http.MethodGet, []string{"applications"}, nil, &out)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.grant("client_credentials"))
	assert.Equal(t, 1, f.grant("organization_switch"))
}

func TestOrgCallWrongSecretIsInvalidClient(t *testing.T) {
	f := newFakeAsgardeo(t)
	c := newTestClient(t, f.URL, WithCredentials("root-app", "wrong-secret"))
	o, err := c.Org(testOrgID)
	require.NoError(t, err)
	_, err = o.CallForTest(context.Background(), http.MethodGet, []string{"applications"}, nil, nil)
	var oe *OAuthError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "invalid_client", oe.Code)
	assert.Equal(t, http.StatusUnauthorized, oe.StatusCode)
	assert.ErrorIs(t, err, ErrInvalidClient)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.NotContains(t, err.Error(), "wrong-secret")
}
