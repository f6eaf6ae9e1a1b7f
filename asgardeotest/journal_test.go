package asgardeotest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

func TestJournalRecordsRequestsWithSecretsMasked(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	hc := fxHTTPClient(t)
	admin := srv.Admin()
	before := srv.Clock().Now()

	// Credentials in the form body.
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {admin.ClientID}, "client_secret": {admin.ClientSecret}, "scope": {"internal_org_application_mgt_view"}}
	r := fxSend(t, hc, http.MethodPost, srv.TenantURL()+"/oauth2/token", "", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusOK, r.status, r.raw)
	issued := r.body["access_token"].(string)

	// Basic credentials, a token in the form, a secret in the query string
	// and a JSON body with a secret member.
	fxToken(t, hc, srv, "/oauth2/token", admin.ClientID, "wrong-"+admin.ClientSecret, url.Values{"grant_type": {"client_credentials"}, "token": {issued}})
	fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath+"?access_token="+issued+"&limit=5", "", nil)
	fxSend(t, hc, http.MethodPost, srv.TenantURL()+fxAppsPath, issued,
		strings.NewReader(`{"name":"orders","inboundProtocolConfiguration":{"oidc":{"clientSecret":"json-secret-value","grantTypes":["client_credentials"]}},"password":"json-password-value"}`),
		"Content-Type", "application/json")

	j := srv.Journal()
	require.Len(t, j, 4)
	first := j[0]
	assert.Equal(t, http.MethodPost, first.Method)
	assert.Equal(t, "/t/bestcarmart/oauth2/token", first.Path)
	assert.Equal(t, "client_credentials", first.GrantType)
	assert.Equal(t, admin.ClientID, first.ClientID)
	assert.Equal(t, http.StatusOK, first.Status)
	assert.Equal(t, "REDACTED", first.Form.Get("client_secret"))
	assert.Equal(t, "internal_org_application_mgt_view", first.Form.Get("scope"))
	assert.False(t, first.Time.Before(before))

	second := j[1]
	assert.Equal(t, admin.ClientID, second.ClientID, "the client ID of Basic credentials is kept")
	assert.Equal(t, http.StatusUnauthorized, second.Status)
	assert.Equal(t, "REDACTED", second.Form.Get("token"))

	third := j[2]
	assert.Equal(t, http.MethodGet, third.Method)
	assert.Equal(t, "/t/bestcarmart"+fxAppsPath, third.Path)
	assert.Contains(t, third.Query, "limit=5")
	assert.Contains(t, third.Query, "access_token=REDACTED")
	assert.Equal(t, http.StatusUnauthorized, third.Status)

	fourth := j[3]
	assert.Contains(t, fourth.Body, `"name":"orders"`)
	assert.Contains(t, fourth.Body, `"clientSecret":"REDACTED"`)
	assert.Contains(t, fourth.Body, `"password":"REDACTED"`)

	all := fmt.Sprintf("%+v", j)
	for _, secret := range []string{admin.ClientSecret, issued, "json-secret-value", "json-password-value"} {
		assert.NotContains(t, all, secret)
	}
}

func TestJournalCounts(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("Best Car Mart Colombo")
	require.NoError(t, err)
	hc := fxHTTPClient(t)
	tok := fxSwitchedToken(t, hc, srv, org.ID, "internal_org_application_mgt_view")
	for range 3 {
		fxSend(t, hc, http.MethodGet, srv.TenantURL()+fxAppsPath, tok, nil)
	}
	fxSend(t, hc, http.MethodDelete, srv.TenantURL()+fxAppsPath+"/x", tok, nil)

	assert.Equal(t, 2, srv.Count(http.MethodPost, "/oauth2/token"))
	assert.Equal(t, 2, srv.Count(http.MethodPost, "/t/bestcarmart/oauth2/token"), "a full path works too")
	assert.Equal(t, 2, srv.Count("", "/oauth2/token"), `"" is any method`)
	assert.Equal(t, 3, srv.Count(http.MethodGet, fxAppsPath))
	assert.Equal(t, 0, srv.Count(http.MethodPost, fxAppsPath))
	assert.Equal(t, 1, srv.Count("", fxAppsPath+"/x"))
	assert.Equal(t, 1, srv.CountGrant("client_credentials"))
	assert.Equal(t, 1, srv.CountGrant("organization_switch"))
	assert.Equal(t, 0, srv.CountGrant("password"))
	assert.Equal(t, 6, srv.Requests())
	assert.Len(t, srv.Journal(), 6)

	srv.ResetJournal()
	assert.Equal(t, 0, srv.Requests())
	assert.Empty(t, srv.Journal())
	assert.Equal(t, 0, srv.Count(http.MethodGet, fxAppsPath))
	assert.Equal(t, 0, srv.CountGrant("client_credentials"))
}

func TestJournalIsACopy(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	hc := fxHTTPClient(t)
	fxSend(t, hc, http.MethodGet, srv.TenantURL()+"/nothing", "", nil)
	j := srv.Journal()
	require.Len(t, j, 1)
	j[0].Path = "changed"
	assert.Equal(t, "/t/bestcarmart/nothing", srv.Journal()[0].Path)
}
