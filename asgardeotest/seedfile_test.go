package asgardeotest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func TestDemoSeedLoadsAndIsUsable(t *testing.T) {
	srv := asgardeotest.NewServer(t, asgardeotest.WithSeed(asgardeotest.DemoSeed()))
	assert.Equal(t, "bestcarmart", srv.RootOrganization())

	// The root admin-portal application of the seed switches into the organization.
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"internal_org_application_mgt_view"}}
	tok := postToken(t, srv.TenantURL()+"/oauth2/token", "rootAdminClient", "rootAdminSecret", form)
	require.Equal(t, "internal_org_application_mgt_view", tok["scope"])

	form = url.Values{
		"grant_type": {"organization_switch"}, "token": {tok["access_token"].(string)},
		"switching_organization": {"7e98b86f-63c7-41a1-8c56-c909a21a2615"},
		"scope":                  {"internal_org_application_mgt_view internal_org_user_mgt_list"},
	}
	switched := postToken(t, srv.TenantURL()+"/oauth2/token", "rootAdminClient", "rootAdminSecret", form)
	assert.Equal(t, "internal_org_application_mgt_view", switched["scope"], "admin-portal is not authorized to the users API")
}

func postToken(t *testing.T, endpoint, id, secret string, form url.Values) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

func TestSeedRootOrganizationNamesTheServer(t *testing.T) {
	seed, err := asgardeotest.ParseSeed([]byte(`{"rootOrganization":"acme"}`))
	require.NoError(t, err)
	srv := asgardeotest.NewServer(t, asgardeotest.WithSeed(seed))
	assert.Equal(t, "acme", srv.RootOrganization())
	assert.True(t, strings.HasSuffix(srv.TenantURL(), "/t/acme"))
}

func TestInvalidSeedsSayWhereAndWhy(t *testing.T) {
	org := "7e98b86f-63c7-41a1-8c56-c909a21a2615"
	cases := []struct {
		name, body, field, reason string
		line                      int
	}{
		{"syntax", "{\n\"organizations\": [\n  {\"id\": ,}\n]}", "", "invalid character", 3},
		{"type", "{\n\"users\": [{\"username\": 7}]}", "users.username", "want string", 2},
		{"unknown field", `{"organisations": []}`, "", `unknown field "organisations"`, 0},
		{"org id", `{"organizations":[{"id":"x","name":"n"}]}`, "organizations[0].id", "not a UUID", 0},
		{"user org", `{"users":[{"organization":"` + org + `","username":"a","password":"b"}]}`, "users[0].organization", "unknown organization", 0},
		{"grant", `{"applications":[{"name":"a","grantTypes":["implicit"]}]}`, "applications[0].grantTypes[0]", "implicit", 0},
		{"callback", `{"applications":[{"name":"a","grantTypes":["authorization_code"]}]}`, "applications[0].callbackURLs", "callback", 0},
		{"scope", `{"apiResources":[{"identifier":"x","scopes":["a"]}],"applications":[{"name":"a","grantTypes":["client_credentials"],"authorizedAPIs":[{"identifier":"x","scopes":["b"]}]}]}`,
			"applications[0].authorizedAPIs[0].scopes[0]", `no scope "b"`, 0},
		{"permission", `{"roles":[{"name":"r","audience":{"type":"organization"},"permissions":["nope"]}]}`, "roles[0].permissions[0]", "unknown scope", 0},
		{"shared org app", `{"organizations":[{"id":"` + org + `","name":"o"}],"applications":[{"organization":"` + org + `","name":"a","grantTypes":["client_credentials"],"sharedWith":["` + org + `"]}]}`,
			"applications[0].sharedWith[0]", "only root applications", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "seed.json")
			require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o600))
			_, err := asgardeotest.LoadSeedFile(path)
			var se *asgardeotest.SeedError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, path, se.Path)
			assert.Equal(t, tc.field, se.Field)
			assert.Contains(t, se.Reason, tc.reason)
			assert.Equal(t, tc.line, se.Line)
			assert.Contains(t, err.Error(), path)
		})
	}
}
