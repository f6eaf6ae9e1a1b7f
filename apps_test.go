package asgardeo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

const appsPath = "/o/api/server/v1/applications"

// appsFixture starts a fake with one organization and returns the
// organization as the root admin application manages it.
func appsFixture(t *testing.T) (*asgardeotest.Server, asgardeotest.Organization, *asgardeo.Org) {
	t.Helper()
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("East")
	require.NoError(t, err)
	o, err := srv.Client().Org(org.ID)
	require.NoError(t, err)
	return srv, org, o
}

// requireAPIError asserts err is an *asgardeo.Error with status and code.
func requireAppError(t *testing.T, err error, status int, code string) *asgardeo.Error {
	t.Helper()
	var apiErr *asgardeo.Error
	require.True(t, errors.As(err, &apiErr), "want *asgardeo.Error, got %T: %v", err, err)
	assert.Equal(t, status, apiErr.StatusCode, "status of %v", err)
	assert.Equal(t, code, apiErr.Code, "code of %v", err)
	return apiErr
}

// tokenScopes gets a client-credentials token at the organization's token
// endpoint with raw HTTP and returns the status and granted scopes.
func clientCredentialsScopes(t *testing.T, srv *asgardeotest.Server, orgID, clientID, secret string, scopes ...string) (int, []string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(scopes, " ")}}
	req, err := http.NewRequest(http.MethodPost, srv.TenantURL()+"/o/"+orgID+"/oauth2/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, strings.Fields(body.Scope)
}

func TestApplicationStoryM2MAuthorizedToBusinessAPI(t *testing.T) {
	srv, org, o := appsFixture(t)
	ctx := context.Background()
	stores, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "stores_api", Scopes: []string{"read_stores", "write_stores", "delete_stores"}})
	require.NoError(t, err)

	app, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("inventory-sync"))
	require.NoError(t, err)
	require.NotEmpty(t, app.ID)
	require.NotEmpty(t, app.ClientID)
	require.NotEmpty(t, app.ClientSecret)
	assert.Equal(t, 1, srv.Count(http.MethodPost, appsPath))

	require.NoError(t, o.Applications().AuthorizeAPI(ctx, app.ID, stores.ID, asgardeo.PolicyRBAC, "read_stores", "write_stores"))

	tok, err := o.Tokens().ForApp(app.ClientID, app.ClientSecret).ClientCredentials("read_stores", "write_stores", "delete_stores").Token()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"read_stores", "write_stores"}, asgardeo.GrantedScopes(tok))

	status, scopes := clientCredentialsScopes(t, srv, org.ID, app.ClientID, app.ClientSecret, "read_stores", "write_stores", "delete_stores")
	require.Equal(t, http.StatusOK, status)
	assert.ElementsMatch(t, []string{"read_stores", "write_stores"}, scopes)
}

func TestApplicationCreateStandardBased(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	spec := asgardeo.NewStandardBasedApplication("orders portal", "https://orders.example.com/callback")
	spec.Description = "Portal for tenant orders"
	app, err := o.Applications().Create(ctx, spec)
	require.NoError(t, err)
	assert.Equal(t, asgardeo.TemplateStandardBased, app.TemplateID)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", app, app, app), app.ClientSecret)

	got, err := o.Applications().Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, "orders portal", got.Name)
	assert.Equal(t, "Portal for tenant orders", got.Description)
	assert.Equal(t, app.ClientID, got.ClientID)
	assert.Equal(t, asgardeo.AudienceApplication, got.AssociatedRoles.AllowedAudience)
	assert.False(t, got.Fragment())
	require.Len(t, got.InboundProtocols, 1)
	assert.Equal(t, "oauth2", got.InboundProtocols[0].Type)
	assert.Equal(t, asgardeo.SequenceDefault, got.AuthenticationSequence.Type)
	assert.Equal(t, asgardeo.DialectLocal, got.ClaimConfiguration.Dialect)

	cfg, err := o.Applications().GetOIDC(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"authorization_code", "refresh_token"}, cfg.GrantTypes)
	assert.Equal(t, []string{"https://orders.example.com/callback"}, cfg.CallbackURLs)
	assert.True(t, cfg.PKCE.Mandatory)
	assert.Equal(t, "ACTIVE", cfg.State)
	assert.Equal(t, app.ClientSecret, cfg.ClientSecret)

	for _, e := range srv.Journal() {
		assert.NotContains(t, e.Body, app.ClientSecret, "the journal masks secrets")
	}
}

func TestApplicationCreateValidatesBeforeTheNetwork(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	twoCallbacks := asgardeo.NewStandardBasedApplication("web", "https://a.example/cb")
	twoCallbacks.InboundProtocolConfiguration.OIDC.CallbackURLs = append(twoCallbacks.InboundProtocolConfiguration.OIDC.CallbackURLs, "https://b.example/cb")
	implicit := asgardeo.NewM2MApplication("implicit")
	implicit.InboundProtocolConfiguration.OIDC.GrantTypes = []string{"implicit"}
	for name, spec := range map[string]*asgardeo.ApplicationSpec{
		"empty name":       asgardeo.NewM2MApplication(""),
		"bad name":         asgardeo.NewM2MApplication("bad/name"),
		"code no callback": asgardeo.NewStandardBasedApplication("web", ""),
		"two callbacks":    twoCallbacks,
		"implicit grant":   implicit,
		"nil":              nil,
	} {
		_, err := o.Applications().Create(ctx, spec)
		assert.ErrorIs(t, err, asgardeo.ErrInvalidInput, name)
	}
	_, err := o.Applications().Get(ctx, "")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
	assert.ErrorIs(t, o.Applications().Update(ctx, "id", &asgardeo.ApplicationPatch{Name: new("a  b")}), asgardeo.ErrInvalidInput)
	assert.ErrorIs(t, o.Applications().Update(ctx, "id", nil), asgardeo.ErrInvalidInput)
	_, err = o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Limit: -1})
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
	assert.Zero(t, srv.Count("", appsPath), "nothing reached the application API")
}

func TestApplicationCreateErrors(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	_, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("orders"))
	require.NoError(t, err)

	_, err = o.Applications().Create(ctx, asgardeo.NewM2MApplication("Orders"))
	requireAppError(t, err, http.StatusConflict, "APP-60007")
	assert.ErrorIs(t, err, asgardeo.ErrConflict)

	_, err = o.Applications().Create(ctx, asgardeo.NewM2MApplication("wso2carbon-local-sp"))
	requireAppError(t, err, http.StatusConflict, "APP-60007")

	for _, reserved := range []string{"Console", "My Account"} {
		_, err = o.Applications().Create(ctx, asgardeo.NewM2MApplication(reserved))
		requireAppError(t, err, http.StatusBadRequest, "APP-60515")
	}

	dupClient := asgardeo.NewM2MApplication("dup-client")
	dupClient.InboundProtocolConfiguration.OIDC.ClientID = srv.Admin().ClientID
	_, err = o.Applications().Create(ctx, dupClient)
	requireAppError(t, err, http.StatusConflict, "APP-60009")

	origins := asgardeo.NewStandardBasedApplication("origins", "https://a.example/cb")
	origins.InboundProtocolConfiguration.OIDC.AllowedOrigins = []string{"not an origin"}
	_, err = o.Applications().Create(ctx, origins)
	requireAppError(t, err, http.StatusBadRequest, "APP-60001")

	// What the SDK refuses itself, the fake refuses too.
	tok, err := srv.IssueToken(o.ID(), "internal_org_application_mgt_create")
	require.NoError(t, err)
	base := srv.TenantURL() + appsPath
	for _, tc := range []struct {
		name, url, body string
		status          int
		code            string
	}{
		{"bad name", base, `{"name":"bad/name"}`, 400, "APP-60001"},
		{"blank name", base, `{"name":"  "}`, 400, "APP-60001"},
		{"grant", base, `{"name":"g","inboundProtocolConfiguration":{"oidc":{"grantTypes":["implicit"]}}}`, 400, "APP-60001"},
		{"no callback", base, `{"name":"c","inboundProtocolConfiguration":{"oidc":{"grantTypes":["authorization_code"]}}}`, 400, "APP-60001"},
		{"two callbacks", base, `{"name":"c","inboundProtocolConfiguration":{"oidc":{"grantTypes":["authorization_code"],"callbackURLs":["https://a/cb","https://b/cb"]}}}`, 501, "APP-65501"},
		{"no grants", base, `{"name":"c","inboundProtocolConfiguration":{"oidc":{}}}`, 400, "UE-10000"},
		{"template query", base + "?template=m2m-application", `{"name":"t"}`, 501, "APP-65501"},
		{"malformed", base, `{"name":`, 400, "UE-10000"},
		{"template id", base, `{"name":"t","templateId":"mobile-application"}`, 400, "APP-60001"},
	} {
		status, body := rawMgmtCall(t, http.MethodPost, tc.url, tok, tc.body)
		assert.Equal(t, tc.status, status, tc.name)
		assert.Contains(t, string(body), `"code":"`+tc.code+`"`, tc.name)
	}

	list, err := o.Applications().List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalResults, "only orders and the shared admin application exist")
}

func TestApplicationCreateIsNotRepeated(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	h := srv.InjectFault(asgardeotest.Fault{Method: http.MethodPost, Path: appsPath, DropAfter: true})
	_, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("once"))
	require.Error(t, err)
	assert.Equal(t, 1, h.Fired())
	assert.Equal(t, 1, srv.Count(http.MethodPost, appsPath), "a POST that may have been processed is not sent again")

	list, err := o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Filter: asgardeo.AppFilterName.Eq("once")})
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalResults, "exactly one application was created")
}

func TestApplicationGetNotFoundAndOtherOrganizations(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	_, err := o.Applications().Get(ctx, "1b6a8f7e-0000-4000-8000-000000000000")
	requireAppError(t, err, http.StatusNotFound, "APP-60006")
	assert.ErrorIs(t, err, asgardeo.ErrNotFound)

	west, err := srv.AddOrganization("West")
	require.NoError(t, err)
	ow, err := srv.Client().Org(west.ID)
	require.NoError(t, err)
	westApp, err := ow.Applications().Create(ctx, asgardeo.NewM2MApplication("west-only"))
	require.NoError(t, err)

	_, err = o.Applications().Get(ctx, westApp.ID)
	requireAppError(t, err, http.StatusNotFound, "APP-60006")
	err = o.Applications().Delete(ctx, westApp.ID)
	requireAppError(t, err, http.StatusNotFound, "APP-60006")
	err = o.Applications().Update(ctx, westApp.ID, &asgardeo.ApplicationPatch{Description: new("x")})
	requireAppError(t, err, http.StatusNotFound, "APP-60006")
	_, err = o.Applications().GetOIDC(ctx, westApp.ID)
	requireAppError(t, err, http.StatusNotFound, "APP-60006")

	got, err := ow.Applications().Get(ctx, westApp.ID)
	require.NoError(t, err)
	assert.Equal(t, "west-only", got.Name, "the other organization's application is untouched")
}

func TestApplicationListPagingAndAll(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	want := []string{srv.Admin().Name}
	for i := 1; i <= 7; i++ {
		name := fmt.Sprintf("app-%02d", i)
		_, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication(name))
		require.NoError(t, err)
		want = append(want, name)
	}

	first, err := o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Limit: 3})
	require.NoError(t, err)
	assert.Equal(t, 8, first.TotalResults)
	assert.Equal(t, 1, first.StartIndex)
	assert.Equal(t, 3, first.Count)
	require.Len(t, first.Applications, 3)
	assert.True(t, first.Applications[0].Fragment(), "the shared admin application is listed as a fragment")
	assert.False(t, first.Applications[1].Fragment())
	assert.Equal(t, []string{"next"}, rels(first.Links))

	mid, err := o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Limit: 3, Offset: 3})
	require.NoError(t, err)
	assert.Equal(t, 4, mid.StartIndex)
	assert.Equal(t, []string{"next", "previous"}, rels(mid.Links))
	assert.Equal(t, "app-03", mid.Applications[0].Name)

	last, err := o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Limit: 3, Offset: 6})
	require.NoError(t, err)
	assert.Equal(t, 2, last.Count)
	assert.Equal(t, []string{"previous"}, rels(last.Links))

	srv.ResetJournal()
	var names []string
	for a, err := range o.Applications().All(ctx, &asgardeo.ListApplicationsOptions{Limit: 3}) {
		require.NoError(t, err)
		names = append(names, a.Name)
	}
	assert.Equal(t, want, names)
	assert.Equal(t, 3, srv.Count(http.MethodGet, appsPath), "one call per page")

	// Breaking out of the loop stops fetching.
	srv.ResetJournal()
	for range o.Applications().All(ctx, &asgardeo.ListApplicationsOptions{Limit: 2}) {
		break
	}
	assert.Equal(t, 1, srv.Count(http.MethodGet, appsPath))

	// The default page holds 30; more than 100 is clamped.
	page, err := o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Limit: 500})
	require.NoError(t, err)
	assert.Equal(t, 8, page.Count)
}

func rels(links []asgardeo.Link) []string {
	var out []string
	for _, l := range links {
		out = append(out, l.Rel)
	}
	return out
}

func TestApplicationListFilterAndAttributes(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	apps := map[string]*asgardeo.Application{}
	for _, name := range []string{"orders portal", "orders-m2m", "billing", `quote"d`} {
		var spec *asgardeo.ApplicationSpec
		if strings.Contains(name, " ") {
			spec = asgardeo.NewStandardBasedApplication(name, "https://x.example/cb")
		} else {
			spec = asgardeo.NewM2MApplication(strings.ReplaceAll(name, `"`, ""))
		}
		app, err := o.Applications().Create(ctx, spec)
		require.NoError(t, err)
		apps[name] = app
	}
	list := func(opts *asgardeo.ListApplicationsOptions) []string {
		t.Helper()
		page, err := o.Applications().List(ctx, opts)
		require.NoError(t, err)
		var out []string
		for _, a := range page.Applications {
			out = append(out, a.Name)
		}
		return out
	}
	assert.Equal(t, []string{"orders portal"}, list(&asgardeo.ListApplicationsOptions{Filter: asgardeo.AppFilterName.Eq("orders portal")}))
	assert.Equal(t, []string{"orders portal", "orders-m2m"}, list(&asgardeo.ListApplicationsOptions{Filter: asgardeo.AppFilterName.StartsWith("ORDERS")}))
	assert.Equal(t, []string{"orders-m2m", "billing"}, list(&asgardeo.ListApplicationsOptions{
		Filter: asgardeo.AppFilterName.EndsWith("m2m").Or(asgardeo.AppFilterName.Contains("bill")),
	}))
	// (orders* or billing) and *portal: distributing keeps the meaning.
	assert.Equal(t, []string{"orders portal"}, list(&asgardeo.ListApplicationsOptions{
		Filter: asgardeo.AppFilterName.StartsWith("orders").Or(asgardeo.AppFilterName.Eq("billing")).And(asgardeo.AppFilterName.EndsWith("portal")),
	}))
	assert.Empty(t, list(&asgardeo.ListApplicationsOptions{
		Filter: asgardeo.AppFilterName.StartsWith("bill").And(asgardeo.AppFilterName.EndsWith("m2m")),
	}), "every condition of an and must hold")
	// A value that looks like filter syntax is only a value.
	assert.Empty(t, list(&asgardeo.ListApplicationsOptions{Filter: asgardeo.AppFilterName.Eq(`x" or name co "o`)}))

	page, err := o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Filter: asgardeo.AppFilterClientID.Eq(apps["billing"].ClientID)})
	require.NoError(t, err)
	require.Len(t, page.Applications, 1)
	assert.Equal(t, apps["billing"].ClientID, page.Applications[0].ClientID, "filtering by client ID shows it")

	page, err = o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Attributes: []string{"templateId", "clientId", "advancedConfigurations"}})
	require.NoError(t, err)
	for _, a := range page.Applications {
		assert.NotEmpty(t, a.TemplateID, a.Name)
		assert.NotEmpty(t, a.ClientID, a.Name)
		require.NotNil(t, a.AdvancedConfigurations, a.Name)
		assert.NotNil(t, a.AdvancedConfigurations.SkipLoginConsent, a.Name)
	}

	_, err = o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Attributes: []string{"secret"}})
	requireAppError(t, err, http.StatusBadRequest, "APP-60505")

	tok, err := srv.IssueToken(o.ID(), "internal_org_application_mgt_view")
	require.NoError(t, err)
	for _, tc := range []struct {
		query  string
		status int
		code   string
	}{
		{"filter=" + url.QueryEscape("description eq x"), 400, "APP-60004"},
		{"filter=" + url.QueryEscape("name gt x"), 400, "APP-60004"},
		{"filter=" + url.QueryEscape("name eq"), 400, "APP-60004"},
		{"filter=" + url.QueryEscape(`name eq "open`), 400, "APP-60004"},
		{"sortBy=name", 501, "APP-65002"},
		{"sortOrder=ASC", 501, "APP-65002"},
	} {
		status, body := rawMgmtCall(t, http.MethodGet, srv.TenantURL()+appsPath+"?"+tc.query, tok, "")
		assert.Equal(t, tc.status, status, tc.query)
		assert.Contains(t, string(body), `"code":"`+tc.code+`"`, tc.query)
	}
	_, err = o.Applications().List(ctx, &asgardeo.ListApplicationsOptions{Filter: asgardeo.AppFilterName.Eq("line\nbreak")})
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
}

func TestApplicationUpdate(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	app, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("orders"))
	require.NoError(t, err)
	spec := asgardeo.NewM2MApplication("billing")
	spec.Description = "to be cleared"
	_, err = o.Applications().Create(ctx, spec)
	require.NoError(t, err)

	require.NoError(t, o.Applications().Update(ctx, app.ID, &asgardeo.ApplicationPatch{
		Name: new("orders v2"), Description: new("Orders"), ApplicationEnabled: new(false), AccessURL: new("https://orders.example.com"),
	}))
	got, err := o.Applications().Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, "orders v2", got.Name)
	assert.Equal(t, "Orders", got.Description)
	assert.Equal(t, "https://orders.example.com", got.AccessURL)
	require.NotNil(t, got.ApplicationEnabled)
	assert.False(t, *got.ApplicationEnabled, "false can be sent")

	require.NoError(t, o.Applications().Update(ctx, app.ID, &asgardeo.ApplicationPatch{Description: new("")}))
	got, err = o.Applications().Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Description, `"" can be sent`)
	assert.Equal(t, "orders v2", got.Name, "absent members are unchanged")

	requireAppError(t, o.Applications().Update(ctx, app.ID, &asgardeo.ApplicationPatch{Name: new("billing")}), http.StatusConflict, "APP-60007")
	requireAppError(t, o.Applications().Update(ctx, app.ID, &asgardeo.ApplicationPatch{Name: new("Console")}), http.StatusBadRequest, "APP-60516")
	requireAppError(t, o.Applications().Update(ctx, app.ID, &asgardeo.ApplicationPatch{Name: new("wso2carbon-local-sp")}), http.StatusForbidden, "APP-60008")
	requireAppError(t, o.Applications().Update(ctx, "7b1d6c62-0000-4000-8000-000000000000", &asgardeo.ApplicationPatch{Name: new("x")}), http.StatusNotFound, "APP-60006")

	fragment := sharedAdminApp(t, o)
	err = o.Applications().Update(ctx, fragment.ID, &asgardeo.ApplicationPatch{Name: new("renamed")})
	requireAppError(t, err, http.StatusBadRequest, "APP-60001")

	tok, err := srv.IssueToken(o.ID(), "internal_org_application_mgt_update")
	require.NoError(t, err)
	status, body := rawMgmtCall(t, http.MethodPatch, srv.TenantURL()+appsPath+"/"+app.ID, tok, `{"name":`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), `"UE-10000"`)
}

// sharedAdminApp returns the root admin application as it is listed in the
// organization (a fragment).
func sharedAdminApp(t *testing.T, o *asgardeo.Org) *asgardeo.ApplicationSummary {
	t.Helper()
	for a, err := range o.Applications().All(context.Background(), nil) {
		require.NoError(t, err)
		if a.Fragment() {
			return a
		}
	}
	t.Fatal("no shared application listed")
	return nil
}

func TestApplicationDeleteRevokesTokens(t *testing.T) {
	srv, org, o := appsFixture(t)
	ctx := context.Background()
	app, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("ops-bot"))
	require.NoError(t, err)
	mgmtAPI := findAPIResource(t, o, "/o/api/server/v1/applications")
	require.NoError(t, o.Applications().AuthorizeAPI(ctx, app.ID, mgmtAPI, "", "internal_org_application_mgt_view"))

	// The application's own token can read the application API...
	tok, err := o.Tokens().ForApp(app.ClientID, app.ClientSecret).ClientCredentials("internal_org_application_mgt_view").Token()
	require.NoError(t, err)
	status, _ := rawMgmtCall(t, http.MethodGet, srv.TenantURL()+appsPath, tok.AccessToken, "")
	require.Equal(t, http.StatusOK, status)

	require.NoError(t, o.Applications().Delete(ctx, app.ID))

	// ...and stops working once the application is gone, as do its credentials.
	status, _ = rawMgmtCall(t, http.MethodGet, srv.TenantURL()+appsPath, tok.AccessToken, "")
	assert.Equal(t, http.StatusUnauthorized, status)
	status, _ = clientCredentialsScopes(t, srv, org.ID, app.ClientID, app.ClientSecret)
	assert.Equal(t, http.StatusUnauthorized, status)
	_, err = o.Applications().Get(ctx, app.ID)
	requireAppError(t, err, http.StatusNotFound, "APP-60006")

	err = o.Applications().Delete(ctx, app.ID)
	assert.ErrorIs(t, err, asgardeo.ErrNotFound)

	err = o.Applications().Delete(ctx, sharedAdminApp(t, o).ID)
	requireAppError(t, err, http.StatusBadRequest, "APP-60001")
}

// findAPIResource returns the ID of the API resource with identifier.
func findAPIResource(t *testing.T, o *asgardeo.Org, identifier string) string {
	t.Helper()
	for r, err := range o.APIResources().All(context.Background(), &asgardeo.ListAPIResourcesOptions{
		Filter: asgardeo.Where("identifier", asgardeo.FilterEq, identifier),
	}) {
		require.NoError(t, err)
		if r.Identifier == identifier {
			return r.ID
		}
	}
	t.Fatalf("no API resource %s", identifier)
	return ""
}

func TestApplicationOIDCSettings(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	app, err := o.Applications().Create(ctx, asgardeo.NewStandardBasedApplication("web", "https://web.example.com/cb"))
	require.NoError(t, err)

	cfg, err := o.Applications().GetOIDC(ctx, app.ID)
	require.NoError(t, err)
	cfg.GrantTypes = []string{"authorization_code", "refresh_token", "password"}
	cfg.CallbackURLs = []string{"regexp=(https://web.example.com/cb|https://web2.example.com/cb)"}
	cfg.RefreshToken = &asgardeo.RefreshTokenConfig{ExpiryInSeconds: 7200, RenewRefreshToken: true}
	cfg.ClientSecret = ""
	require.NoError(t, o.Applications().UpdateOIDC(ctx, app.ID, cfg))

	got, err := o.Applications().GetOIDC(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, cfg.GrantTypes, got.GrantTypes)
	assert.Equal(t, cfg.CallbackURLs, got.CallbackURLs)
	assert.Equal(t, int64(7200), got.RefreshToken.ExpiryInSeconds)
	assert.True(t, got.RefreshToken.RenewRefreshToken)
	assert.Equal(t, app.ClientID, got.ClientID)
	assert.Equal(t, app.ClientSecret, got.ClientSecret, "the secret is not changed by PUT")
	assert.Equal(t, "client_secret_basic", got.ClientAuthentication.TokenEndpointAuthMethod)

	bad := *got
	bad.GrantTypes = []string{"authorization_code"}
	bad.CallbackURLs = nil
	assert.ErrorIs(t, o.Applications().UpdateOIDC(ctx, app.ID, &bad), asgardeo.ErrInvalidInput)
	bad.GrantTypes = []string{"organization_switch"}
	assert.ErrorIs(t, o.Applications().UpdateOIDC(ctx, app.ID, &bad), asgardeo.ErrInvalidInput)

	changed := *got
	changed.ClientID = "another-client"
	requireAppError(t, o.Applications().UpdateOIDC(ctx, app.ID, &changed), http.StatusBadRequest, "APP-60001")

	// Without the client_secret_view scope, the secret is hidden.
	viewer := scopedOrg(t, srv, o.ID(), "internal_org_application_mgt_view")
	hidden, err := viewer.Applications().GetOIDC(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, app.ClientID, hidden.ClientID)
	assert.Empty(t, hidden.ClientSecret)

	// A shared application has no OIDC settings in the organization.
	fragment := sharedAdminApp(t, o)
	_, err = o.Applications().GetOIDC(ctx, fragment.ID)
	requireAppError(t, err, http.StatusNotFound, "APP-60502")
	requireAppError(t, o.Applications().UpdateOIDC(ctx, fragment.ID, got), http.StatusBadRequest, "APP-60001")

	tok, err := srv.IssueToken(o.ID(), "internal_org_application_mgt_update")
	require.NoError(t, err)
	oidcURL := srv.TenantURL() + appsPath + "/" + app.ID + "/inbound-protocols/oidc"
	for _, tc := range []struct {
		body   string
		status int
		code   string
	}{
		{`{"grantTypes":["client_credentials","implicit"]}`, 400, "APP-60001"},
		{`{"grantTypes":["authorization_code"]}`, 400, "APP-60001"},
		{`{"grantTypes":["authorization_code"],"callbackURLs":["https://a/cb","https://b/cb"]}`, 501, "APP-65501"},
		{`{"callbackURLs":["https://a/cb"]}`, 400, "UE-10000"},
		{`[`, 400, "UE-10000"},
	} {
		status, body := rawMgmtCall(t, http.MethodPut, oidcURL, tok, tc.body)
		assert.Equal(t, tc.status, status, tc.body)
		assert.Contains(t, string(body), `"code":"`+tc.code+`"`, tc.body)
	}
}

func TestApplicationRegenerateSecret(t *testing.T) {
	srv, org, o := appsFixture(t)
	ctx := context.Background()
	stores, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "stores_api", Scopes: []string{"read_stores"}})
	require.NoError(t, err)
	app, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("rotating"))
	require.NoError(t, err)
	require.NoError(t, o.Applications().AuthorizeAPI(ctx, app.ID, stores.ID, "", "read_stores"))
	mgmtAPI := findAPIResource(t, o, "/o/api/server/v1/applications")
	require.NoError(t, o.Applications().AuthorizeAPI(ctx, app.ID, mgmtAPI, "", "internal_org_application_mgt_view"))
	old, err := o.Tokens().ForApp(app.ClientID, app.ClientSecret).ClientCredentials("internal_org_application_mgt_view").Token()
	require.NoError(t, err)

	srv.ResetJournal()
	cfg, err := o.Applications().RegenerateSecret(ctx, app.ID)
	require.NoError(t, err)
	assert.NotEmpty(t, cfg.ClientSecret)
	assert.NotEqual(t, app.ClientSecret, cfg.ClientSecret)
	assert.Equal(t, app.ClientID, cfg.ClientID)
	assert.Equal(t, "ACTIVE", cfg.State)
	assert.Equal(t, 1, srv.Count(http.MethodPost, appsPath+"/"+app.ID+"/inbound-protocols/oidc/regenerate-secret"))

	status, _ := clientCredentialsScopes(t, srv, org.ID, app.ClientID, app.ClientSecret, "read_stores")
	assert.Equal(t, http.StatusUnauthorized, status, "the old secret stops working")
	status, scopes := clientCredentialsScopes(t, srv, org.ID, app.ClientID, cfg.ClientSecret, "read_stores")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, []string{"read_stores"}, scopes)
	status, _ = rawMgmtCall(t, http.MethodGet, srv.TenantURL()+appsPath, old.AccessToken, "")
	assert.Equal(t, http.StatusUnauthorized, status, "tokens issued before are revoked")

	_, err = o.Applications().RegenerateSecret(ctx, sharedAdminApp(t, o).ID)
	requireAppError(t, err, http.StatusBadRequest, "APP-60001")
	_, err = o.Applications().RegenerateSecret(ctx, "7b1d6c62-0000-4000-8000-000000000000")
	requireAppError(t, err, http.StatusNotFound, "APP-60006")
}

func TestApplicationScopeChecks(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	stores, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "stores_api", Scopes: []string{"read_stores"}})
	require.NoError(t, err)
	app, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("guarded"))
	require.NoError(t, err)

	viewer := scopedOrg(t, srv, o.ID(), "internal_org_application_mgt_view").Applications()
	_, err = viewer.Get(ctx, app.ID)
	require.NoError(t, err, "view is enough to read")
	forbidden := map[string]error{}
	_, forbidden["create"] = viewer.Create(ctx, asgardeo.NewM2MApplication("nope"))
	forbidden["update"] = viewer.Update(ctx, app.ID, &asgardeo.ApplicationPatch{Description: new("x")})
	forbidden["delete"] = viewer.Delete(ctx, app.ID)
	_, forbidden["regenerate"] = viewer.RegenerateSecret(ctx, app.ID)
	forbidden["put oidc"] = viewer.UpdateOIDC(ctx, app.ID, &asgardeo.OIDCConfig{GrantTypes: []string{"client_credentials"}})
	forbidden["authorize"] = viewer.AuthorizeAPI(ctx, app.ID, stores.ID, "", "read_stores")
	for name, err := range forbidden {
		assert.ErrorIs(t, err, asgardeo.ErrForbidden, name)
		requireAppError(t, err, http.StatusForbidden, "403")
	}

	// The update scope alone does not authorize APIs: each API type needs its own.
	updater := scopedOrg(t, srv, o.ID(), "internal_org_application_mgt_update", "internal_org_application_internal_api_update").Applications()
	err = updater.AuthorizeAPI(ctx, app.ID, stores.ID, "", "read_stores")
	requireAppError(t, err, http.StatusForbidden, "APP-60520")
	business := scopedOrg(t, srv, o.ID(), "internal_org_application_mgt_update", "internal_org_application_business_api_update").Applications()
	require.NoError(t, business.AuthorizeAPI(ctx, app.ID, stores.ID, "", "read_stores"))
	mgmtAPI := findAPIResource(t, o, "/o/api/server/v1/applications")
	err = business.AuthorizeAPI(ctx, app.ID, mgmtAPI, "", "internal_org_application_mgt_view")
	requireAppError(t, err, http.StatusForbidden, "APP-60520")
	require.NoError(t, updater.AuthorizeAPI(ctx, app.ID, mgmtAPI, "", "internal_org_application_mgt_view"))
	requireAppError(t, updater.RevokeAPI(ctx, app.ID, stores.ID), http.StatusForbidden, "APP-60520")
	requireAppError(t, updater.UpdateAuthorizedAPI(ctx, app.ID, stores.ID, nil, []string{"read_stores"}), http.StatusForbidden, "APP-60520")
}

func TestApplicationAuthorizedAPIs(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	stores, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "stores_api", Name: "Stores API", Scopes: []string{"read_stores", "write_stores", "delete_stores"}})
	require.NoError(t, err)
	open, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "open_api", Scopes: []string{"open_read"}, NoAuthorization: true})
	require.NoError(t, err)
	app, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("consumer"))
	require.NoError(t, err)

	list, err := o.Applications().AuthorizedAPIs(ctx, app.ID)
	require.NoError(t, err)
	assert.Empty(t, list)

	require.NoError(t, o.Applications().AuthorizeAPI(ctx, app.ID, stores.ID, "", "read_stores"))
	require.NoError(t, o.Applications().AuthorizeAPI(ctx, app.ID, open.ID, "no policy", "open_read"))
	list, err = o.Applications().AuthorizedAPIs(ctx, app.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, stores.ID, list[0].ID)
	assert.Equal(t, "stores_api", list[0].Identifier)
	assert.Equal(t, "Stores API", list[0].DisplayName)
	assert.Equal(t, "RBAC", list[0].PolicyID)
	assert.Equal(t, "BUSINESS", list[0].Type)
	assert.Equal(t, []string{"read_stores"}, scopeNames(list[0].AuthorizedScopes))
	assert.Equal(t, "NO POLICY", list[1].PolicyID)

	// A scope in both lists is removed; one already granted is ignored.
	require.NoError(t, o.Applications().UpdateAuthorizedAPI(ctx, app.ID, stores.ID,
		[]string{"write_stores", "delete_stores", "read_stores"}, []string{"delete_stores"}))
	list, err = o.Applications().AuthorizedAPIs(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"read_stores", "write_stores"}, scopeNames(list[0].AuthorizedScopes))

	unknownAPI := "6f2a1c0e-0000-4000-8000-000000000000"
	requireAppError(t, o.Applications().AuthorizeAPI(ctx, app.ID, unknownAPI, "", "x"), http.StatusBadRequest, "APP-60507")
	requireAppError(t, o.Applications().AuthorizeAPI(ctx, app.ID, stores.ID, "", "read_stores"), http.StatusConflict, "APP-60509")
	requireAppError(t, o.Applications().UpdateAuthorizedAPI(ctx, app.ID, stores.ID, []string{"fly"}, nil), http.StatusBadRequest, "APP-60508")

	other, err := o.Applications().Create(ctx, asgardeo.NewM2MApplication("other"))
	require.NoError(t, err)
	requireAppError(t, o.Applications().AuthorizeAPI(ctx, other.ID, stores.ID, "", "read_stores", "fly"), http.StatusBadRequest, "APP-60508")
	requireAppError(t, o.Applications().AuthorizeAPI(ctx, other.ID, stores.ID, "ABAC", "read_stores"), http.StatusBadRequest, "APP-60511")
	requireAppError(t, o.Applications().AuthorizeAPI(ctx, other.ID, stores.ID, asgardeo.PolicyNone, "read_stores"), http.StatusBadRequest, "APP-60512")
	requireAppError(t, o.Applications().UpdateAuthorizedAPI(ctx, other.ID, stores.ID, []string{"read_stores"}, nil), http.StatusBadRequest, "APP-60510")
	requireAppError(t, o.Applications().AuthorizeAPI(ctx, "7b1d6c62-0000-4000-8000-000000000000", stores.ID, "", "read_stores"), http.StatusNotFound, "APP-60006")
	requireAppError(t, o.Applications().AuthorizeAPI(ctx, sharedAdminApp(t, o).ID, stores.ID, "", "read_stores"), http.StatusBadRequest, "APP-60001")

	require.NoError(t, o.Applications().RevokeAPI(ctx, app.ID, stores.ID))
	list, err = o.Applications().AuthorizedAPIs(ctx, app.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, open.ID, list[0].ID)
	_, err = o.Applications().AuthorizedAPIs(ctx, "7b1d6c62-0000-4000-8000-000000000000")
	requireAppError(t, err, http.StatusNotFound, "APP-60006")

	// The shared admin application lists the APIs it is authorized to in the root.
	adminAPIs, err := o.Applications().AuthorizedAPIs(ctx, sharedAdminApp(t, o).ID)
	require.NoError(t, err)
	assert.NotEmpty(t, adminAPIs)
}

func scopeNames(scopes []asgardeo.AuthorizedScope) []string {
	var out []string
	for _, s := range scopes {
		out = append(out, s.Name)
	}
	return out
}

// lastPatchBody returns the JSON body of the last PATCH the fake served.
func lastPatchBody(t *testing.T, srv *asgardeotest.Server) string {
	t.Helper()
	j := srv.Journal()
	for i := len(j) - 1; i >= 0; i-- {
		if j[i].Method == http.MethodPatch {
			return j[i].Body
		}
	}
	t.Fatal("no PATCH in the journal")
	return ""
}

func TestApplicationEditHelpers(t *testing.T) {
	srv, org, o := appsFixture(t)
	ctx := context.Background()
	apps := o.Applications()
	app, err := apps.Create(ctx, asgardeo.NewStandardBasedApplication("portal", "https://portal.example.com/cb"))
	require.NoError(t, err)

	// User attributes: the requested-claim list is resent whole.
	require.NoError(t, apps.RequireClaim(ctx, app.ID, "http://wso2.org/claims/username"))
	require.NoError(t, apps.RequireClaim(ctx, app.ID, "http://wso2.org/claims/emailaddress"))
	assert.JSONEq(t, `{"claimConfiguration":{"dialect":"LOCAL","requestedClaims":[
		{"claim":{"uri":"http://wso2.org/claims/username"},"mandatory":true},
		{"claim":{"uri":"http://wso2.org/claims/emailaddress"},"mandatory":true}]}}`, lastPatchBody(t, srv))
	got, err := apps.Get(ctx, app.ID)
	require.NoError(t, err)
	require.Len(t, got.ClaimConfiguration.RequestedClaims, 2)
	assert.Equal(t, "http://wso2.org/claims/emailaddress", got.ClaimConfiguration.RequestedClaims[1].Claim.URI)
	assert.True(t, got.ClaimConfiguration.RequestedClaims[1].Mandatory)
	requireAppError(t, apps.RequireClaim(ctx, app.ID, "urn:not-a-local-claim"), http.StatusBadRequest, "APP-60001")

	// Login flow: the default flow becomes basic then TOTP.
	require.NoError(t, apps.AddLoginStep(ctx, app.ID, asgardeo.LocalAuthenticator(asgardeo.AuthenticatorTOTP)))
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	seq := got.AuthenticationSequence
	assert.Equal(t, asgardeo.SequenceUserDefined, seq.Type)
	require.Len(t, seq.Steps, 2)
	assert.Equal(t, []asgardeo.AuthenticatorOption{asgardeo.LocalAuthenticator(asgardeo.AuthenticatorBasic)}, seq.Steps[0].Options)
	assert.Equal(t, []asgardeo.AuthenticatorOption{asgardeo.LocalAuthenticator(asgardeo.AuthenticatorTOTP)}, seq.Steps[1].Options)
	assert.Equal(t, 2, seq.Steps[1].ID)
	require.NoError(t, apps.SetLoginFlow(ctx, app.ID, asgardeo.NewLoginFlow(asgardeo.LocalAuthenticator(asgardeo.AuthenticatorIdentifier)).
		Then(asgardeo.LocalAuthenticator(asgardeo.AuthenticatorBasic), asgardeo.LocalAuthenticator(asgardeo.AuthenticatorPasskey))))
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Len(t, got.AuthenticationSequence.Steps, 2)
	assert.Len(t, got.AuthenticationSequence.Steps[1].Options, 2)

	// Role audience: ORGANIZATION in one call; while there, roles are refused.
	require.NoError(t, apps.SetRoleAudience(ctx, app.ID, asgardeo.AudienceOrganization))
	assert.JSONEq(t, `{"associatedRoles":{"allowedAudience":"ORGANIZATION"}}`, lastPatchBody(t, srv))
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, asgardeo.AudienceOrganization, got.AssociatedRoles.AllowedAudience)
	role, err := srv.AddRole(asgardeotest.RoleSpec{Organization: org.ID, Name: "portal-viewer", Application: app.ID})
	require.NoError(t, err)
	requireAppError(t, apps.SetRoles(ctx, app.ID, role.ID), http.StatusForbidden, "APP-60008")
	require.NoError(t, apps.SetRoleAudience(ctx, app.ID, asgardeo.AudienceApplication))
	assert.JSONEq(t, `{"associatedRoles":{"allowedAudience":"APPLICATION","roles":[]}}`, lastPatchBody(t, srv))
	require.NoError(t, apps.SetRoles(ctx, app.ID, role.ID))
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, asgardeo.AudienceApplication, got.AssociatedRoles.AllowedAudience)
	assert.Equal(t, []asgardeo.RoleRef{{ID: role.ID, Name: "portal-viewer"}}, got.AssociatedRoles.Roles)
	requireAppError(t, apps.SetRoles(ctx, app.ID, "9d3e2c1b-0000-4000-8000-000000000000"), http.StatusBadRequest, "APP-60001")
	assert.ErrorIs(t, apps.SetRoleAudience(ctx, app.ID, "application"), asgardeo.ErrInvalidInput)

	// Advanced settings: member by member.
	require.NoError(t, apps.SkipLoginConsent(ctx, app.ID, true))
	assert.JSONEq(t, `{"advancedConfigurations":{"skipLoginConsent":true}}`, lastPatchBody(t, srv))
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	require.NotNil(t, got.AdvancedConfigurations.SkipLoginConsent)
	assert.True(t, *got.AdvancedConfigurations.SkipLoginConsent)
	require.NoError(t, apps.Update(ctx, app.ID, &asgardeo.ApplicationPatch{AdvancedConfigurations: &asgardeo.AdvancedConfigurations{SkipLogoutConsent: new(true)}}))
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.True(t, *got.AdvancedConfigurations.SkipLoginConsent, "members not sent are unchanged")
	assert.True(t, *got.AdvancedConfigurations.SkipLogoutConsent)
	require.NoError(t, apps.SkipLoginConsent(ctx, app.ID, false))
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.False(t, *got.AdvancedConfigurations.SkipLoginConsent)
}

func TestApplicationEditErrors(t *testing.T) {
	srv, _, o := appsFixture(t)
	ctx := context.Background()
	apps := o.Applications()
	app, err := apps.Create(ctx, asgardeo.NewStandardBasedApplication("portal", "https://portal.example.com/cb"))
	require.NoError(t, err)
	patch := func(p *asgardeo.ApplicationPatch) error { return apps.Update(ctx, app.ID, p) }

	requireAppError(t, patch(&asgardeo.ApplicationPatch{AdvancedConfigurations: &asgardeo.AdvancedConfigurations{
		AdditionalSpProperties: []asgardeo.SPProperty{{Name: "x", Value: "y"}}}}), http.StatusBadRequest, "APP-60506")
	requireAppError(t, patch(&asgardeo.ApplicationPatch{AdvancedConfigurations: &asgardeo.AdvancedConfigurations{
		DiscoverableByEndUsers: new(true)}}), http.StatusBadRequest, "APP-60001")
	requireAppError(t, patch(&asgardeo.ApplicationPatch{ClaimConfiguration: &asgardeo.ClaimConfiguration{
		Subject: &asgardeo.SubjectClaimConfig{MappedLocalSubjectMandatory: new(true)}}}), http.StatusBadRequest, "APP-60513")
	requireAppError(t, patch(&asgardeo.ApplicationPatch{AuthenticationSequence: &asgardeo.AuthenticationSequence{
		Type: asgardeo.SequenceUserDefined}}), http.StatusBadRequest, "APP-60001")
	gap := &asgardeo.AuthenticationSequence{Type: asgardeo.SequenceUserDefined, Steps: []asgardeo.AuthenticationStep{
		{ID: 1, Options: []asgardeo.AuthenticatorOption{asgardeo.LocalAuthenticator(asgardeo.AuthenticatorBasic)}},
		{ID: 3, Options: []asgardeo.AuthenticatorOption{asgardeo.LocalAuthenticator(asgardeo.AuthenticatorTOTP)}}}}
	apiErr := requireAppError(t, patch(&asgardeo.ApplicationPatch{AuthenticationSequence: gap}), http.StatusBadRequest, "APP-60001")
	assert.Contains(t, apiErr.Description, "consecutive")
	apiErr = requireAppError(t, apps.AddLoginStep(ctx, app.ID, asgardeo.LocalAuthenticator("basic")), http.StatusBadRequest, "APP-60001")
	assert.Contains(t, apiErr.Description, "Authenticator basic is not available")
	requireAppError(t, apps.AddLoginStep(ctx, app.ID, asgardeo.AuthenticatorOption{IDP: "Google", Authenticator: "GoogleOIDCAuthenticator"}), http.StatusBadRequest, "APP-60001")
	scripted := &asgardeo.AuthenticationSequence{Type: asgardeo.SequenceUserDefined, Script: "var onLoginRequest = function(context) {};",
		Steps: []asgardeo.AuthenticationStep{{ID: 1, Options: []asgardeo.AuthenticatorOption{asgardeo.LocalAuthenticator(asgardeo.AuthenticatorBasic)}}}}
	requireAppError(t, patch(&asgardeo.ApplicationPatch{AuthenticationSequence: scripted}), http.StatusForbidden, "APP-60520")

	got, err := apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, asgardeo.SequenceDefault, got.AuthenticationSequence.Type, "failed patches change nothing")
	assert.False(t, *got.AdvancedConfigurations.DiscoverableByEndUsers)

	tok, err := srv.IssueToken(o.ID(), "internal_org_application_mgt_update")
	require.NoError(t, err)
	appURL := srv.TenantURL() + appsPath + "/" + app.ID
	for _, tc := range []struct {
		body   string
		status int
		code   string
	}{
		{`{"associatedRoles":{"allowedAudience":null}}`, 400, "UE-10000"},
		{`{"associatedRoles":{"allowedAudience":"APPLICATION","roles":[{"name":"x"}]}}`, 400, "UE-10000"},
		{`{"claimConfiguration":{"requestedClaims":[{"mandatory":true}]}}`, 400, "UE-10000"},
		{`{"authenticationSequence":{"type":"USER_DEFINED","steps":[{"id":0,"options":[{"idp":"LOCAL","authenticator":"totp"}]}]}}`, 400, "UE-10000"},
		{`{"authenticationSequence":{"type":"USER_DEFINED","steps":[{"id":1,"options":[]}]}}`, 400, "UE-10000"},
		{`{"inboundProtocolConfiguration":{"oidc":{"grantTypes":["password"]}}}`, 400, "APP-60001"},
	} {
		status, body := rawMgmtCall(t, http.MethodPatch, appURL, tok, tc.body)
		assert.Equal(t, tc.status, status, tc.body)
		assert.Contains(t, string(body), `"code":"`+tc.code+`"`, tc.body)
	}

	// Leaving out allowedAudience means ORGANIZATION (the model default).
	status, _ := rawMgmtCall(t, http.MethodPatch, appURL, tok, `{"associatedRoles":{}}`)
	require.Equal(t, http.StatusOK, status)
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, asgardeo.AudienceOrganization, got.AssociatedRoles.AllowedAudience)

	// A type left out means DEFAULT: a custom flow reverts.
	require.NoError(t, apps.AddLoginStep(ctx, app.ID, asgardeo.LocalAuthenticator(asgardeo.AuthenticatorTOTP)))
	status, _ = rawMgmtCall(t, http.MethodPatch, appURL, tok, `{"authenticationSequence":{"steps":[]}}`)
	require.Equal(t, http.StatusOK, status)
	got, err = apps.Get(ctx, app.ID)
	require.NoError(t, err)
	assert.Equal(t, asgardeo.SequenceDefault, got.AuthenticationSequence.Type)
	assert.Len(t, got.AuthenticationSequence.Steps, 1)
}
