package asgardeotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

const fxAppsPath = "/o/api/server/v1/applications"

// httpClient is a plain client: no retries, so every request is one attempt.
func fxHTTPClient(t *testing.T) *http.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

type fxReply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func fxSend(t *testing.T, hc *http.Client, method, u, bearer string, body io.Reader, header ...string) fxReply {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	require.NoError(t, err)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := fxReply{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	_ = json.Unmarshal(data, &r.body)
	return r
}

// token asks the token endpoint at path (relative to the tenant) for a token.
func fxToken(t *testing.T, hc *http.Client, srv *asgardeotest.Server, path, clientID, secret string, form url.Values) fxReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.TenantURL()+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	r := fxReply{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	require.NoError(t, json.Unmarshal(data, &r.body), "token endpoint body %q", data)
	return r
}

// switchedToken gets an organization-switched token for orgID the way the
// SDK does: client credentials of the admin application at the root, then
// organization_switch.
func fxSwitchedToken(t *testing.T, hc *http.Client, srv *asgardeotest.Server, orgID string, scopes ...string) string {
	t.Helper()
	admin := srv.Admin()
	root := fxToken(t, hc, srv, "/oauth2/token", admin.ClientID, admin.ClientSecret, url.Values{"grant_type": {"client_credentials"}})
	require.Equal(t, http.StatusOK, root.status, root.raw)
	sw := fxToken(t, hc, srv, "/oauth2/token", admin.ClientID, admin.ClientSecret, url.Values{
		"grant_type": {"organization_switch"}, "token": {root.body["access_token"].(string)},
		"switching_organization": {orgID}, "scope": {strings.Join(scopes, " ")},
	})
	require.Equal(t, http.StatusOK, sw.status, sw.raw)
	return sw.body["access_token"].(string)
}

func TestNewServerURL(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	assert.False(t, strings.HasSuffix(srv.URL, "/"), "URL has no trailing slash")
	assert.Equal(t, srv.URL+"/t/"+asgardeotest.DefaultRootOrganization, srv.TenantURL())
	assert.Equal(t, asgardeotest.DefaultRootOrganization, srv.RootOrganization())
	assert.True(t, asgardeo.IsUUID(srv.RootOrganizationID()))

	other := asgardeotest.NewServer(t, asgardeotest.WithRootOrganization("acme"))
	assert.Equal(t, other.URL+"/t/acme", other.TenantURL())
	assert.NotEqual(t, srv.URL, other.URL)
}

func TestStartRejectsBadOptions(t *testing.T) {
	for name, opt := range map[string]asgardeotest.Option{
		"empty root":    asgardeotest.WithRootOrganization(""),
		"slash in root": asgardeotest.WithRootOrganization("a/b"),
		"nil clock":     asgardeotest.WithClock(nil),
		"bad address":   asgardeotest.WithAddr("not-an-address"),
	} {
		srv, err := asgardeotest.Start(opt)
		assert.Error(t, err, name)
		assert.Nil(t, srv, name)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	srv, err := asgardeotest.Start()
	require.NoError(t, err)
	srv.Close()
	srv.Close()
	_, err = http.Get(srv.URL + "/t/bestcarmart/oauth2/token")
	assert.Error(t, err, "a closed server refuses connections")
}

func TestUnknownPathsAnswer404InTheRightShape(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	hc := fxHTTPClient(t)
	for _, p := range []string{
		srv.TenantURL() + "/o/api/server/v1/no-such-api",
		srv.TenantURL() + "/api/server/v1/nothing/here",
		srv.URL + "/t/other-root/o/api/server/v1/applications",
		srv.URL + "/",
	} {
		r := fxSend(t, hc, http.MethodGet, p, "", nil)
		assert.Equal(t, http.StatusNotFound, r.status, p)
		assert.Equal(t, "application/json", r.header.Get("Content-Type"), p)
		assert.Equal(t, "UE-10000", r.body["code"], "REST shape with a string code: %s", r.raw)
		assert.NotEmpty(t, r.body["message"], p)
		assert.True(t, asgardeo.IsUUID(r.body["traceId"].(string)), p)
	}
	for _, p := range []string{srv.TenantURL() + "/o/scim2/NoSuchResource", srv.TenantURL() + "/scim2/Nothing"} {
		r := fxSend(t, hc, http.MethodGet, p, "", nil)
		assert.Equal(t, http.StatusNotFound, r.status, p)
		assert.Equal(t, "application/scim+json", r.header.Get("Content-Type"), p)
		assert.Equal(t, []any{"urn:ietf:params:scim:api:messages:2.0:Error"}, r.body["schemas"], r.raw)
		assert.Equal(t, "404", r.body["status"], "SCIM status is a string: %s", r.raw)
		assert.NotEmpty(t, r.body["detail"])
	}
}

func TestGatewayAnswers401And403(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("Best Car Mart Colombo")
	require.NoError(t, err)
	hc := fxHTTPClient(t)
	u := srv.TenantURL() + fxAppsPath

	noScope, err := srv.IssueToken(org.ID)
	require.NoError(t, err)
	admin := srv.Admin()
	rootTok := fxToken(t, hc, srv, "/oauth2/token", admin.ClientID, admin.ClientSecret, url.Values{"grant_type": {"client_credentials"}}).body["access_token"].(string)

	for name, c := range map[string]struct {
		bearer string
		header []string
		status int
	}{
		"no token":            {"", nil, 401},
		"unknown token":       {"6f1c3a2e-0000-4000-8000-000000000000", nil, 401},
		"basic instead":       {"", []string{"Authorization", "Basic YTpi"}, 401},
		"token without scope": {noScope, nil, 403},
		"root token, no org":  {rootTok, nil, 403},
	} {
		r := fxSend(t, hc, http.MethodGet, u, c.bearer, nil, c.header...)
		assert.Equal(t, c.status, r.status, name)
		assert.Equal(t, float64(c.status), r.body["code"], "%s: the gateway's code is a number: %s", name, r.raw)
		assert.NotEmpty(t, r.body["description"], name)
		if c.status == 401 {
			assert.NotEmpty(t, r.header.Get("WWW-Authenticate"), name)
		}
	}

	// The same refusal on an organization SCIM path is in the SCIM shape.
	r := fxSend(t, hc, http.MethodGet, srv.TenantURL()+"/o/scim2/v2/Roles", "", nil)
	assert.Equal(t, 401, r.status)
	assert.Equal(t, []any{"urn:ietf:params:scim:api:messages:2.0:Error"}, r.body["schemas"], r.raw)
}

// TestClockExpiresTokens: advancing the fake's clock past a token's lifetime
// makes the gateway refuse it, without sleeping.
func TestClockExpiresTokens(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("Best Car Mart Colombo")
	require.NoError(t, err)
	hc := fxHTTPClient(t)
	tok := fxSwitchedToken(t, hc, srv, org.ID, "internal_org_application_mgt_view")

	r := fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath, tok, nil)
	require.Equal(t, http.StatusOK, r.status, r.raw)

	srv.Clock().Advance(59 * time.Minute)
	r = fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath, tok, nil)
	assert.Equal(t, http.StatusOK, r.status, "valid until its expiry: %s", r.raw)

	srv.Clock().Advance(2 * time.Hour)
	r = fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath, tok, nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, r.raw)
	assert.Equal(t, float64(401), r.body["code"])
}

func TestClock(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	c := asgardeotest.NewClock(start)
	now := c.Now()
	assert.False(t, now.Before(start))
	assert.Less(t, now.Sub(start), time.Minute, "the clock starts at start and follows the wall clock")
	c.Advance(time.Hour)
	assert.GreaterOrEqual(t, c.Now().Sub(start), time.Hour)

	frozen := time.Date(2031, 6, 1, 0, 0, 0, 0, time.UTC)
	c.Set(frozen)
	assert.Equal(t, frozen, c.Now())
	assert.Equal(t, frozen, c.Now(), "a set clock stays")
	c.Advance(90 * time.Second)
	assert.Equal(t, frozen.Add(90*time.Second), c.Now())

	shared := asgardeotest.NewClock(start)
	a := asgardeotest.NewServer(t, asgardeotest.WithClock(shared))
	b := asgardeotest.NewServer(t, asgardeotest.WithClock(shared))
	assert.Same(t, a.Clock(), b.Clock())
}

// TestServerClientWorksEndToEnd: srv.Client is configured for the fake
// (base URL, admin credentials, shared clock).
func TestServerClientWorksEndToEnd(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("Best Car Mart Colombo")
	require.NoError(t, err)
	c := srv.Client(asgardeo.WithUserAgent("fake-test"))
	t.Cleanup(c.Close)
	assert.Equal(t, srv.URL, c.BaseURL())
	assert.Equal(t, srv.RootOrganization(), c.RootOrganization())
	o, err := c.Org(org.ID)
	require.NoError(t, err)
	assert.Equal(t, srv.TenantURL()+"/o/"+org.ID+"/oauth2/token", o.Endpoints().Token)
	assert.Equal(t, srv.TenantURL()+"/oauth2/token", o.Endpoints().RootToken)
}

// TestConcurrentRequestsAreSafe hits the fake from many goroutines; with
// -race this checks the fake's locking.
func TestConcurrentRequestsAreSafe(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("Best Car Mart Colombo")
	require.NoError(t, err)
	hc := fxHTTPClient(t)
	tok := fxSwitchedToken(t, hc, srv, org.ID, "internal_org_application_mgt_view")
	var wg sync.WaitGroup
	statuses := make(chan int, 30)
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, srv.TenantURL()+fxAppsPath, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := hc.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		assert.Equal(t, http.StatusOK, s)
	}
	assert.Equal(t, 30, srv.Count(http.MethodGet, fxAppsPath))
}

// TestEscapedIDUnderNonASCIIRoot: an ID with an escaped slash stays one
// path segment when the root organization's name is not ASCII (its escaped
// form is longer than its decoded one).
func TestEscapedIDUnderNonASCIIRoot(t *testing.T) {
	srv := asgardeotest.NewServer(t, asgardeotest.WithRootOrganization("bücher"))
	org, err := srv.AddOrganization("Filiale")
	require.NoError(t, err)
	tok, err := srv.IssueToken(org.ID, "internal_org_application_mgt_view")
	require.NoError(t, err)
	hc := fxHTTPClient(t)
	r := fxSend(t, hc, http.MethodGet, srv.URL+"/t/b%C3%BCcher"+fxAppsPath+"/a%2Fb", tok, nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "APP-60006", r.body["code"], "routed to the application endpoint: %s", r.raw)
}
