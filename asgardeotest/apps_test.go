package asgardeotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

const appsPath = "/o/api/server/v1/applications"

type appsEnv struct {
	srv   *asgardeotest.Server
	org   asgardeotest.Organization
	token string // every application-management scope
}

func newAppsEnv(t *testing.T) *appsEnv {
	t.Helper()
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("East")
	require.NoError(t, err)
	tok, err := srv.IssueToken(org.ID,
		"internal_org_application_mgt_view", "internal_org_application_mgt_create", "internal_org_application_mgt_update",
		"internal_org_application_mgt_delete", "internal_org_application_mgt_client_secret_view",
		"internal_org_application_mgt_client_secret_create", "internal_org_application_business_api_update")
	require.NoError(t, err)
	return &appsEnv{srv: srv, org: org, token: tok}
}

// call sends a request under /t/{root} with the env's token (or tok when
// given) and returns the response with its body read.
func (e *appsEnv) call(t *testing.T, method, path, body string, tok ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.TenantURL()+path, rd)
	require.NoError(t, err)
	bearer := e.token
	if len(tok) > 0 {
		bearer = tok[0]
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, data
}

// create creates an application and returns its ID from Location.
func (e *appsEnv) create(t *testing.T, body string) string {
	t.Helper()
	resp, data := e.call(t, http.MethodPost, appsPath, body)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(data))
	loc := resp.Header.Get("Location")
	prefix := e.srv.TenantURL() + appsPath + "/"
	require.True(t, strings.HasPrefix(loc, prefix), "absolute Location: %s", loc)
	return strings.TrimPrefix(loc, prefix)
}

func decodeAppsBody[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(data, &v), string(data))
	return v
}

func TestFakeAppCreateAnswersEmptyWithLocation(t *testing.T) {
	e := newAppsEnv(t)
	resp, data := e.call(t, http.MethodPost, appsPath, `{"name":"m2m","templateId":"m2m-application",
		"inboundProtocolConfiguration":{"oidc":{"grantTypes":["client_credentials"]}}}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Empty(t, data, "201 has an empty body")
	id := strings.TrimPrefix(resp.Header.Get("Location"), e.srv.TenantURL()+appsPath+"/")

	resp, data = e.call(t, http.MethodGet, appsPath+"/"+id, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	app := decodeAppsBody[map[string]any](t, data)
	assert.Equal(t, id, app["id"])
	assert.NotContains(t, string(data), "clientSecret", "credentials only through the OIDC settings")

	// The secret needs its own scope.
	viewOnly, err := e.srv.IssueToken(e.org.ID, "internal_org_application_mgt_view")
	require.NoError(t, err)
	_, data = e.call(t, http.MethodGet, appsPath+"/"+id+"/inbound-protocols/oidc", "", viewOnly)
	assert.NotContains(t, string(data), "clientSecret")
	_, data = e.call(t, http.MethodGet, appsPath+"/"+id+"/inbound-protocols/oidc", "")
	assert.NotEmpty(t, decodeAppsBody[map[string]any](t, data)["clientSecret"])
}

func TestFakeAppInboundProtocols(t *testing.T) {
	e := newAppsEnv(t)
	id := e.create(t, `{"name":"web","inboundProtocolConfiguration":{"oidc":{"grantTypes":["client_credentials"],
		"hybridFlow":{"enable":false},"accessToken":{"type":"JWT","bindingType":"cookie"}}}}`)

	resp, data := e.call(t, http.MethodGet, appsPath+"/meta/inbound-protocols", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `[{"name":"oidc","displayName":"OpenID Connect"}]`, string(data))

	resp, data = e.call(t, http.MethodGet, appsPath+"/"+id+"/inbound-protocols/", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	list := decodeAppsBody[[]map[string]string](t, data)
	require.Len(t, list, 1)
	assert.Equal(t, "oauth2", list[0]["type"])
	assert.Equal(t, "/t/"+e.srv.RootOrganization()+appsPath+"/"+id+"/inbound-protocols/oidc", list[0]["self"])

	// Members the fake does not interpret are kept and echoed.
	_, data = e.call(t, http.MethodGet, appsPath+"/"+id+"/inbound-protocols/oidc", "")
	cfg := decodeAppsBody[map[string]any](t, data)
	assert.Equal(t, map[string]any{"enable": false}, cfg["hybridFlow"])
	at := cfg["accessToken"].(map[string]any)
	assert.Equal(t, "JWT", at["type"])
	assert.Equal(t, "cookie", at["bindingType"])
	assert.EqualValues(t, 3600, at["applicationAccessTokenExpiryInSeconds"])
	clientID := cfg["clientId"].(string)
	secret := cfg["clientSecret"].(string)

	resp, _ = e.call(t, http.MethodDelete, appsPath+"/"+id+"/inbound-protocols/oidc", "")
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, data = e.call(t, http.MethodGet, appsPath+"/"+id+"/inbound-protocols/oidc", "")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, string(data), `"APP-60502"`)
	_, data = e.call(t, http.MethodGet, appsPath+"/"+id+"/inbound-protocols/", "")
	assert.JSONEq(t, `[]`, string(data))

	// The client is gone with its inbound settings.
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequest(http.MethodPost, e.srv.TenantURL()+"/o/"+e.org.ID+"/oauth2/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	tr, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	tr.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, tr.StatusCode)

	resp, _ = e.call(t, http.MethodDelete, appsPath+"/0c7a5a52-0000-4000-8000-000000000000/inbound-protocols/oidc", "")
	assert.Equal(t, http.StatusNoContent, resp.StatusCode, "204 also for an unknown application")
	resp, _ = e.call(t, http.MethodGet, appsPath+"/0c7a5a52-0000-4000-8000-000000000000/inbound-protocols/", "")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestFakeAppListLinksAndPrecedence(t *testing.T) {
	e := newAppsEnv(t)
	for _, name := range []string{"alpha", "beta", "gamma", "delta"} {
		e.create(t, `{"name":"`+name+`"}`)
	}
	filter := url.QueryEscape(`name eq alpha or name sw "g" and name ew a`)
	resp, data := e.call(t, http.MethodGet, appsPath+"?limit=1&offset=1&filter="+filter, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	page := decodeAppsBody[struct {
		TotalResults, StartIndex, Count int
		Applications                    []struct{ Name string }
		Links                           []struct{ Href, Rel string }
	}](t, data)
	assert.Equal(t, 2, page.TotalResults, "alpha, and gamma (g… and …a); and binds tighter than or")
	assert.Equal(t, 2, page.StartIndex)
	require.Len(t, page.Applications, 1)
	assert.Equal(t, "gamma", page.Applications[0].Name)
	require.Len(t, page.Links, 1)
	assert.Equal(t, "previous", page.Links[0].Rel)
	assert.Equal(t, "/t/"+e.srv.RootOrganization()+appsPath+"?offset=0&limit=1&filter="+filter, page.Links[0].Href)

	_, data = e.call(t, http.MethodGet, appsPath+"?filter="+url.QueryEscape(`name sw "be" and name ew "ta" or name eq delta`), "")
	names := decodeAppsBody[struct{ Applications []struct{ Name string } }](t, data)
	assert.Equal(t, []struct{ Name string }{{"beta"}, {"delta"}}, names.Applications)

	resp, data = e.call(t, http.MethodGet, appsPath+"?limit=x", "")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, string(data))
}

func TestFakeAppGateway(t *testing.T) {
	e := newAppsEnv(t)
	resp, data := e.call(t, http.MethodGet, appsPath, "", "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, string(data), `"code":401`)

	rootTok, err := e.srv.IssueToken("", "internal_org_application_mgt_view")
	require.NoError(t, err)
	resp, _ = e.call(t, http.MethodGet, appsPath, "", rootTok)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a root token has no organization")

	createOnly, err := e.srv.IssueToken(e.org.ID, "internal_org_application_mgt_create")
	require.NoError(t, err)
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, appsPath},
		{http.MethodDelete, appsPath + "/x"},
		{http.MethodPatch, appsPath + "/x"},
		{http.MethodPut, appsPath + "/x/inbound-protocols/oidc"},
		{http.MethodPost, appsPath + "/x/inbound-protocols/oidc/regenerate-secret"},
		{http.MethodGet, appsPath + "/x/authorized-apis"},
		{http.MethodPost, appsPath + "/x/authorized-apis"},
	} {
		resp, data := e.call(t, tc.method, tc.path, "{}", createOnly)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s %s", tc.method, tc.path)
		assert.Contains(t, string(data), `"code":403`)
	}
}

func TestFakeAppDeleteRemovesItsRoles(t *testing.T) {
	e := newAppsEnv(t)
	id := e.create(t, `{"name":"with-roles","associatedRoles":{"allowedAudience":"APPLICATION","roles":[]}}`)
	role, err := e.srv.AddRole(asgardeotest.RoleSpec{Organization: e.org.ID, Name: "editor", Application: id})
	require.NoError(t, err)
	resp, _ := e.call(t, http.MethodPatch, appsPath+"/"+id, `{"associatedRoles":{"allowedAudience":"APPLICATION","roles":[{"id":"`+role.ID+`"}]}}`)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = e.srv.AddUser(e.org.ID, "ann", "pw-Ann-1")
	require.NoError(t, err)
	require.NoError(t, e.srv.AssignRole(e.org.ID, "editor", "ann"))

	resp, _ = e.call(t, http.MethodDelete, appsPath+"/"+id, "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Error(t, e.srv.AssignRole(e.org.ID, "editor", "ann"), "the role went with its application")

	// A new application of the same name starts clean.
	id2 := e.create(t, `{"name":"with-roles","associatedRoles":{"allowedAudience":"APPLICATION","roles":[]}}`)
	_, data := e.call(t, http.MethodGet, appsPath+"/"+id2, "")
	assert.JSONEq(t, `{"allowedAudience":"APPLICATION"}`, string(mustField(t, data, "associatedRoles")))
}

func mustField(t *testing.T, data []byte, name string) json.RawMessage {
	t.Helper()
	m := decodeAppsBody[map[string]json.RawMessage](t, data)
	require.Contains(t, m, name)
	return m[name]
}
