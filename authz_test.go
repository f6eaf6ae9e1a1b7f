package asgardeo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// The scopes of the story: the application is authorized to a, b and c of
// the orders API; d exists twice, once on the same API (not authorized) and
// once on another API the application is not authorized to.
const (
	scopeA, scopeB, scopeC = "orders:a", "orders:b", "orders:c"
	scopeSameAPID          = "orders:d"
	scopeOtherAPID         = "stock:d"
	storyCallback          = "https://portal.example.com/cb"
)

var storyRequested = strings.Join([]string{scopeA, scopeB, scopeC, scopeSameAPID, scopeOtherAPID}, " ")

// storyClient is an application's credentials as seen by the token endpoint
// of the organization.
type storyClient struct{ id, secret string }

// storyToken posts a token request to the organization's token endpoint and
// returns the granted scopes, sorted.
func storyToken(t *testing.T, srv *asgardeotest.Server, orgID string, c storyClient, form url.Values) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.TenantURL()+"/o/"+orgID+"/oauth2/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
		Error       string `json:"error"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Equal(t, http.StatusOK, resp.StatusCode, "token error %q", body.Error)
	require.NotEmpty(t, body.AccessToken)
	scopes := strings.Fields(body.Scope)
	slices.Sort(scopes)
	return scopes
}

// storyCode runs the authorization-code flow for username with the fake's
// programmatic login and returns the granted scopes, sorted.
func storyCode(t *testing.T, srv *asgardeotest.Server, orgID, username string, c storyClient) []string {
	t.Helper()
	require.NoError(t, srv.LoginAs(orgID, username))
	q := url.Values{"response_type": {"code"}, "client_id": {c.id}, "redirect_uri": {storyCallback}, "scope": {storyRequested}, "state": {"s1"}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(srv.TenantURL() + "/o/" + orgID + "/oauth2/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	code := loc.Query().Get("code")
	require.NotEmpty(t, code, "redirect %s", loc.Redacted())
	return storyToken(t, srv, orgID, c, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {storyCallback}})
}

// grants returns the scopes each grant yields for the user kim and for the
// application itself.
func storyGrants(t *testing.T, srv *asgardeotest.Server, orgID string, c storyClient) map[string][]string {
	t.Helper()
	return map[string][]string{
		"password": storyToken(t, srv, orgID, c, url.Values{"grant_type": {"password"}, "username": {"kim"}, "password": {"kim-pass-1"},
			"scope": {storyRequested}}),
		"authorization_code": storyCode(t, srv, orgID, "kim", c),
		"client_credentials": storyToken(t, srv, orgID, c, url.Values{"grant_type": {"client_credentials"}, "scope": {storyRequested}}),
	}
}

// TestAuthorizationStory follows an organization's authorization model
// (spec §5.1, §5.9) from the SDK's management calls to the scopes of the
// next token: a user grant yields requested ∩ authorized ∩ the user's role
// permissions; client credentials yield requested ∩ authorized; a shared
// application counts only shared roles, an organization's own application
// only organization-managed ones.
func TestAuthorizationStory(t *testing.T) {
	ctx := context.Background()
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("East")
	require.NoError(t, err)
	orders, err := srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "https://orders.example.com/api", Name: "Orders API",
		Scopes: []string{scopeA, scopeB, scopeC, scopeSameAPID}})
	require.NoError(t, err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "https://stock.example.com/api", Name: "Stock API",
		Scopes: []string{scopeOtherAPID}})
	require.NoError(t, err)
	kim, err := srv.AddUser(org.ID, "kim", "kim-pass-1")
	require.NoError(t, err)
	_, err = srv.AddUser(org.ID, "lee", "lee-pass-1")
	require.NoError(t, err)
	team, err := srv.AddGroup(org.ID, "night-shift", "kim", "lee")
	require.NoError(t, err)
	userGrants := []string{"authorization_code", "client_credentials", "password"}

	// An application of the organization whose roles are the organization's.
	portal, err := srv.AddApplication(asgardeotest.AppSpec{Organization: org.ID, Name: "orders-portal", Audience: "ORGANIZATION",
		GrantTypes: userGrants, CallbackURLs: []string{storyCallback}})
	require.NoError(t, err)
	// A root application shared with the organization, with a root role of
	// application audience that is shared into the organization.
	storefront, err := srv.AddApplication(asgardeotest.AppSpec{Name: "storefront", GrantTypes: userGrants, CallbackURLs: []string{storyCallback},
		AuthorizedAPIs: []asgardeotest.AuthorizedAPISpec{{Identifier: "https://orders.example.com/api", Scopes: []string{scopeA, scopeB, scopeC}}},
		SharedWith:     []string{org.ID}})
	require.NoError(t, err)
	_, err = srv.AddRole(asgardeotest.RoleSpec{Name: "store-clerk", Application: storefront.ID, Permissions: []string{scopeB}})
	require.NoError(t, err)
	// A shared application whose roles are the organization's: the
	// organization-managed role must not count for it either.
	kiosk, err := srv.AddApplication(asgardeotest.AppSpec{Name: "kiosk", GrantTypes: userGrants, CallbackURLs: []string{storyCallback}, Audience: "ORGANIZATION",
		AuthorizedAPIs: []asgardeotest.AuthorizedAPISpec{{Identifier: "https://orders.example.com/api", Scopes: []string{scopeA, scopeB, scopeC}}},
		SharedWith:     []string{org.ID}})
	require.NoError(t, err)

	o, err := srv.Client().Org(org.ID)
	require.NoError(t, err)
	// Everything below goes through the SDK: authorization, roles, members.
	require.NoError(t, o.Applications().AuthorizeAPI(ctx, portal.ID, orders.ID, asgardeo.PolicyRBAC, scopeA, scopeB, scopeC))
	orgRole, err := o.Roles().Create(ctx, &asgardeo.RoleSpec{DisplayName: "order-desk", Audience: asgardeo.OrganizationAudience(org.ID),
		Permissions: []string{scopeB, scopeC, scopeSameAPID, scopeOtherAPID}, Users: []string{kim.ID}})
	require.NoError(t, err)
	shared, err := o.Roles().List(ctx, &asgardeo.ListRolesOptions{Filter: asgardeo.Where("displayName", asgardeo.FilterEq, "store-clerk")})
	require.NoError(t, err)
	require.Len(t, shared.Resources, 1)
	sharedRole := shared.Resources[0]
	require.True(t, sharedRole.Shared())
	_, err = o.Roles().AddUsers(ctx, sharedRole.ID, kim.ID)
	require.NoError(t, err)

	apps := map[string]storyClient{
		"portal":     {portal.ClientID, portal.ClientSecret},
		"storefront": {storefront.ClientID, storefront.ClientSecret},
		"kiosk":      {kiosk.ClientID, kiosk.ClientSecret},
	}
	kioskWant := map[string][]string{"password": {}, "authorization_code": {}, "client_credentials": {scopeA, scopeB, scopeC}}
	none := []string{}
	steps := []struct {
		name   string
		change func(t *testing.T)
		want   map[string]map[string][]string // app → grant → scopes
	}{
		{
			name:   "start",
			change: func(*testing.T) {},
			want: map[string]map[string][]string{
				"portal":     {"password": {scopeB, scopeC}, "authorization_code": {scopeB, scopeC}, "client_credentials": {scopeA, scopeB, scopeC}},
				"storefront": {"password": {scopeB}, "authorization_code": {scopeB}, "client_credentials": {scopeA, scopeB, scopeC}},
				"kiosk":      kioskWant,
			},
		},
		{
			name: "kim leaves the organization role",
			change: func(t *testing.T) {
				_, err := o.Roles().RemoveUsers(ctx, orgRole.ID, kim.ID)
				require.NoError(t, err)
			},
			want: map[string]map[string][]string{
				"portal":     {"password": none, "authorization_code": none, "client_credentials": {scopeA, scopeB, scopeC}},
				"storefront": {"password": {scopeB}, "authorization_code": {scopeB}, "client_credentials": {scopeA, scopeB, scopeC}},
				"kiosk":      kioskWant,
			},
		},
		{
			name: "kim holds the organization role through a group",
			change: func(t *testing.T) {
				_, err := o.Roles().AddGroups(ctx, orgRole.ID, team.ID)
				require.NoError(t, err)
			},
			want: map[string]map[string][]string{
				"portal":     {"password": {scopeB, scopeC}, "authorization_code": {scopeB, scopeC}, "client_credentials": {scopeA, scopeB, scopeC}},
				"storefront": {"password": {scopeB}, "authorization_code": {scopeB}, "client_credentials": {scopeA, scopeB, scopeC}},
				"kiosk":      kioskWant,
			},
		},
		{
			name: "b is no longer authorized to the portal",
			change: func(t *testing.T) {
				require.NoError(t, o.Applications().UpdateAuthorizedAPI(ctx, portal.ID, orders.ID, nil, []string{scopeB}))
			},
			want: map[string]map[string][]string{
				"portal":     {"password": {scopeC}, "authorization_code": {scopeC}, "client_credentials": {scopeA, scopeC}},
				"storefront": {"password": {scopeB}, "authorization_code": {scopeB}, "client_credentials": {scopeA, scopeB, scopeC}},
				"kiosk":      kioskWant,
			},
		},
		{
			name: "kim leaves the shared role; the organization role does not count for the shared app",
			change: func(t *testing.T) {
				_, err := o.Roles().RemoveUsers(ctx, sharedRole.ID, kim.ID)
				require.NoError(t, err)
			},
			want: map[string]map[string][]string{
				"portal":     {"password": {scopeC}, "authorization_code": {scopeC}, "client_credentials": {scopeA, scopeC}},
				"storefront": {"password": none, "authorization_code": none, "client_credentials": {scopeA, scopeB, scopeC}},
				"kiosk":      kioskWant,
			},
		},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.change(t)
			for name, c := range apps {
				got := storyGrants(t, srv, org.ID, c)
				for grant, want := range step.want[name] {
					assert.Equal(t, want, got[grant], "%s, %s grant", name, grant)
				}
			}
		})
	}
}

// An application whose role audience is APPLICATION counts only the roles
// of that audience: the user's organization roles add nothing.
func TestAuthorizationApplicationAudienceCountsOnlyItsRoles(t *testing.T) {
	ctx := context.Background()
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("East")
	require.NoError(t, err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "https://orders.example.com/api", Scopes: []string{scopeA, scopeB, scopeC}})
	require.NoError(t, err)
	kim, err := srv.AddUser(org.ID, "kim", "kim-pass-1")
	require.NoError(t, err)
	portal, err := srv.AddApplication(asgardeotest.AppSpec{Organization: org.ID, Name: "orders-portal", GrantTypes: []string{"password"},
		AuthorizedAPIs: []asgardeotest.AuthorizedAPISpec{{Identifier: "https://orders.example.com/api", Scopes: []string{scopeA, scopeB, scopeC}}}})
	require.NoError(t, err)
	o, err := srv.Client().Org(org.ID)
	require.NoError(t, err)
	c := storyClient{portal.ClientID, portal.ClientSecret}
	password := url.Values{"grant_type": {"password"}, "username": {"kim"}, "password": {"kim-pass-1"}, "scope": {storyRequested}}

	_, err = o.Roles().Create(ctx, &asgardeo.RoleSpec{DisplayName: "desk", Permissions: []string{scopeA, scopeB, scopeC}, Users: []string{kim.ID}})
	require.NoError(t, err)
	assert.Empty(t, storyToken(t, srv, org.ID, c, password), "an organization role does not apply to an APPLICATION-audience app")

	appRole, err := o.Roles().Create(ctx, &asgardeo.RoleSpec{DisplayName: "desk", Audience: asgardeo.ApplicationAudience(portal.ID),
		Permissions: []string{scopeB}, Users: []string{kim.ID}})
	require.NoError(t, err)
	assert.Equal(t, []string{scopeB}, storyToken(t, srv, org.ID, c, password))

	require.NoError(t, o.Roles().Delete(ctx, appRole.ID))
	assert.Empty(t, storyToken(t, srv, org.ID, c, password), "a deleted role grants nothing")
}
