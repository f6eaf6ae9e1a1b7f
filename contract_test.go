//go:build contract

package asgardeo_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// The contract tests assert what the SDK relies on from Asgardeo. They run
// against the fake by default and against a real tenant when
// ASGARDEO_BASE_URL, ASGARDEO_ROOT_ORG, ASGARDEO_ORG_ID, ASGARDEO_CLIENT_ID
// and ASGARDEO_CLIENT_SECRET are set (a root application shared with the
// organization, with client_credentials, organization_switch and the
// internal_org_* scopes of asgardeo.ManagementScopes).
// ASGARDEO_API_IDENTIFIER names a business API resource with at least two
// scopes (default stores_api). Run: go test -tags contract -run Contract .
//
// Everything a test creates is deleted when it ends.

// contractOrg returns the organization to test against.
func contractOrg(t *testing.T) (*asgardeo.Org, string) {
	t.Helper()
	api := os.Getenv("ASGARDEO_API_IDENTIFIER")
	if api == "" {
		api = "stores_api"
	}
	if base := os.Getenv("ASGARDEO_BASE_URL"); base != "" {
		c, err := asgardeo.New(os.Getenv("ASGARDEO_ROOT_ORG"), asgardeo.WithBaseURL(base),
			asgardeo.WithCredentials(os.Getenv("ASGARDEO_CLIENT_ID"), os.Getenv("ASGARDEO_CLIENT_SECRET")))
		require.NoError(t, err)
		t.Cleanup(c.Close)
		org, err := c.Org(os.Getenv("ASGARDEO_ORG_ID"))
		require.NoError(t, err)
		return org, api
	}
	srv := asgardeotest.NewServer(t)
	east, err := srv.AddOrganization("Contract Org")
	require.NoError(t, err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: api, Scopes: []string{"read_stores", "write_stores", "delete_stores"}})
	require.NoError(t, err)
	c := srv.Client()
	t.Cleanup(c.Close)
	org, err := c.Org(east.ID)
	require.NoError(t, err)
	return org, api
}

func contractName(prefix string) string {
	return prefix + "-" + time.Now().UTC().Format("20060102-150405.000")
}

func TestContractApplicationLifecycleAndScopes(t *testing.T) {
	org, apiIdentifier := contractOrg(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	apps := org.Applications()

	app, err := apps.Create(ctx, asgardeo.NewM2MApplication(contractName("contract-m2m")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = apps.Delete(context.Background(), app.ID) })
	require.True(t, asgardeo.IsUUID(app.ID), "the ID comes from Location: %q", app.ID)
	require.NotEmpty(t, app.ClientID)
	require.NotEmpty(t, app.ClientSecret)

	// The same name again is a conflict.
	_, err = apps.Create(ctx, asgardeo.NewM2MApplication(app.Name))
	require.ErrorIs(t, err, asgardeo.ErrConflict)

	var api *asgardeo.APIResource
	for r, err := range org.APIResources().All(ctx, &asgardeo.ListAPIResourcesOptions{Filter: asgardeo.Where("identifier", asgardeo.FilterEq, apiIdentifier)}) {
		require.NoError(t, err)
		api = r
	}
	require.NotNil(t, api, "API resource %q is inherited", apiIdentifier)
	scopes, err := org.APIResources().Scopes(ctx, api.ID)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(scopes), 2)
	authorized := []string{scopes[0].Name}
	require.NoError(t, apps.AuthorizeAPI(ctx, app.ID, api.ID, asgardeo.PolicyRBAC, authorized...))

	got, err := apps.AuthorizedAPIs(ctx, app.ID)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, api.ID, got[0].ID)

	// A token asked for every scope carries the authorized one only.
	var all []string
	for _, sc := range scopes {
		all = append(all, sc.Name)
	}
	tokens := org.Tokens().ForApp(app.ClientID, app.ClientSecret)
	tok, err := tokens.ClientCredentials(all...).Token()
	require.NoError(t, err)
	assert.Equal(t, authorized, asgardeo.GrantedScopes(tok))
	assert.Empty(t, tok.RefreshToken, "client credentials never returns a refresh token")

	info, err := tokens.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.True(t, info.Active)
	assert.Equal(t, "APPLICATION", info.AUT)
	assert.Equal(t, org.ID(), info.OrgID)
	assert.True(t, slices.Equal(authorized, info.Scopes))

	require.NoError(t, tokens.Revoke(ctx, tok.AccessToken, asgardeo.AccessTokenHint))
	info, err = tokens.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.False(t, info.Active)

	// A grant the application does not have is unauthorized_client.
	_, err = tokens.Password(ctx, "nobody", "wrong", all[0])
	require.ErrorIs(t, err, asgardeo.ErrUnauthorizedClient)

	require.NoError(t, apps.Delete(ctx, app.ID))
	_, err = apps.Get(ctx, app.ID)
	require.ErrorIs(t, err, asgardeo.ErrNotFound)
}

func TestContractRoles(t *testing.T) {
	org, _ := contractOrg(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	role, err := org.Roles().Create(ctx, &asgardeo.RoleSpec{
		DisplayName: contractName("contract-role"),
		Audience:    asgardeo.OrganizationAudience(org.ID()),
		Permissions: []string{"internal_org_application_mgt_view"},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = org.Roles().Delete(context.Background(), role.ID) })
	assert.False(t, role.Shared())

	_, err = org.Roles().Create(ctx, &asgardeo.RoleSpec{DisplayName: role.DisplayName, Audience: asgardeo.OrganizationAudience(org.ID())})
	require.ErrorIs(t, err, asgardeo.ErrConflict)

	renamed, err := org.Roles().Rename(ctx, role.ID, role.DisplayName+"-renamed")
	require.NoError(t, err)
	assert.Equal(t, role.DisplayName+"-renamed", renamed.DisplayName)

	require.NoError(t, org.Roles().Delete(ctx, role.ID))
	_, err = org.Roles().Get(ctx, role.ID)
	var se *asgardeo.SCIMError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 404, se.StatusCode)
}
