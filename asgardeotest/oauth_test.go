package asgardeotest_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// The seed guide's organizations, applications and user ("Manage OAuth2
// applications within organization").
const (
	guideOrgA      = "7e98b86f-63c7-41a1-8c56-c909a21a2615"
	guideOrgB      = "12d1c4d2-2bb1-443b-aa4a-68f98a40d7c6"
	guideClientA   = "7wYeybBGCVfLxPmS0z66WNMffyMa"
	guideSecretA   = "WYfwHUsbsEvwtqmDLuaxF_VCQJwa"
	guideClientB   = "fhErtAT2YF_M0Ek3AAYHLI8L25oa"
	guideSecretB   = "JirxvtfoecnrS8vBjM7ygOtSIXuCS_uK_9WEC7d1zPEa"
	guideCallback  = "https://bestcarmart.com/login"
	guideUser      = "Charlie"
	guidePassword  = "jG9A5KrX"
	guideScopes    = "openid internal_org_user_mgt_list read_stores"
	storesAPI      = "https://bestcarmart.com/stores"
	usersAPI       = "/o/scim2/Users"
	rotatingClient = "rotatingClientxxxxxxxxxxxxxx"
	rotatingSecret = "rotating-secret"
	pkceClient     = "pkcePublicClientxxxxxxxxxxxx"
	implicitClient = "implicitRootClientxxxxxxxxxx"
	implicitSecret = "implicit-secret"
	otherClientA   = "otherClientInOrgAxxxxxxxxxxx"
	otherSecretA   = "other-secret"
	charlieNewPass = "not-the-password"
)

type guide struct {
	srv  *asgardeotest.Server
	appA asgardeotest.Application
}

// newGuide seeds the seed guide's world: organization A with the
// authorization-code/password application 7wYe…, organization B with the
// client-credentials/password application fhEr…, the user Charlie in both
// with a role granting read_stores and internal_org_user_mgt_list.
func newGuide(t *testing.T) *guide {
	t.Helper()
	srv := asgardeotest.NewServer(t)
	must := func(err error) {
		t.Helper()
		require.NoError(t, err)
	}
	_, err := srv.AddOrganizationWithID(guideOrgA, "Best Car Mart East")
	must(err)
	_, err = srv.AddOrganizationWithID(guideOrgB, "Best Car Mart West")
	must(err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: storesAPI, Name: "Stores", Scopes: []string{"read_stores", "write_stores"}})
	must(err)
	authz := []asgardeotest.AuthorizedAPISpec{
		{Identifier: storesAPI, Scopes: []string{"read_stores"}},
		{Identifier: usersAPI, Scopes: []string{"internal_org_user_mgt_list"}},
	}
	appA, err := srv.AddApplication(asgardeotest.AppSpec{
		Organization: guideOrgA, Name: "bestcarmart-web", ClientID: guideClientA, ClientSecret: guideSecretA,
		GrantTypes:   []string{"authorization_code", "password", "refresh_token"},
		CallbackURLs: []string{guideCallback}, AuthorizedAPIs: authz,
	})
	must(err)
	appB, err := srv.AddApplication(asgardeotest.AppSpec{
		Organization: guideOrgB, Name: "bestcarmart-sync", ClientID: guideClientB, ClientSecret: guideSecretB,
		Template:   asgardeotest.TemplateM2M,
		GrantTypes: []string{"client_credentials", "password", "refresh_token"}, AuthorizedAPIs: authz,
	})
	must(err)
	rot, err := srv.AddApplication(asgardeotest.AppSpec{
		Organization: guideOrgA, Name: "rotating", ClientID: rotatingClient, ClientSecret: rotatingSecret,
		GrantTypes: []string{"password", "refresh_token"}, RenewRefreshToken: true, AuthorizedAPIs: authz,
	})
	must(err)
	pub, err := srv.AddApplication(asgardeotest.AppSpec{
		Organization: guideOrgA, Name: "spa", ClientID: pkceClient, PublicClient: true, PKCEMandatory: true,
		GrantTypes: []string{"authorization_code"}, CallbackURLs: []string{guideCallback}, AuthorizedAPIs: authz,
	})
	must(err)
	_, err = srv.AddApplication(asgardeotest.AppSpec{
		Organization: guideOrgA, Name: "other", ClientID: otherClientA, ClientSecret: otherSecretA,
		GrantTypes: []string{"password"}, AuthorizedAPIs: authz,
	})
	must(err)
	for _, org := range []string{guideOrgA, guideOrgB} {
		_, err = srv.AddUser(org, guideUser, guidePassword)
		must(err)
	}
	for _, a := range []asgardeotest.Application{appA, appB, rot, pub} {
		_, err = srv.AddRole(asgardeotest.RoleSpec{
			Organization: a.Organization, Name: "store-reader-" + a.Name, Application: a.ID,
			Permissions: []string{"read_stores", "internal_org_user_mgt_list"}, Users: []string{guideUser},
		})
		must(err)
	}
	return &guide{srv: srv, appA: appA}
}

// noRedirect is an HTTP client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type answer struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// post sends a form with optional Basic credentials (id, secret) to path,
// relative to the tenant.
func (g *guide) post(t *testing.T, path, id, secret string, form url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, g.srv.TenantURL()+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	if len(data) > 0 && data[0] == '{' {
		require.NoError(t, json.Unmarshal(data, &a.body), "body %s", data)
	}
	return a
}

func tokenPath(org string) string      { return "/o/" + org + "/oauth2/token" }
func introspectPath(org string) string { return "/o/" + org + "/oauth2/introspect" }
func revokePath(org string) string     { return "/o/" + org + "/oauth2/revoke" }

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (a answer) oauthError(t *testing.T, status int, code, desc string) {
	t.Helper()
	assert.Equal(t, status, a.status, "body %s", a.raw)
	assert.Equal(t, code, a.body["error"], "body %s", a.raw)
	if desc != "" {
		assert.Equal(t, desc, a.body["error_description"], "body %s", a.raw)
	}
}

func (g *guide) password(t *testing.T, org, id, secret, scope string) answer {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {guideUser}, "password": {guidePassword}}
	if scope != "" {
		form.Set("scope", scope)
	}
	a := g.post(t, tokenPath(org), id, secret, form)
	require.Equal(t, http.StatusOK, a.status, "body %s", a.raw)
	return a
}

func (g *guide) introspect(t *testing.T, org, id, secret, token string) map[string]any {
	t.Helper()
	a := g.post(t, introspectPath(org), id, secret, url.Values{"token": {token}})
	require.Equal(t, http.StatusOK, a.status, "body %s", a.raw)
	return a.body
}

// authorize runs the authorization request with query q and returns the
// redirect's query.
func (g *guide) authorize(t *testing.T, org string, q url.Values) url.Values {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, g.srv.TenantURL()+"/o/"+org+"/oauth2/authorize?"+q.Encode(), nil)
	require.NoError(t, err)
	a := do(t, req)
	require.Equal(t, http.StatusFound, a.status, "body %s", a.raw)
	loc, err := url.Parse(a.header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, guideCallback, loc.Scheme+"://"+loc.Host+loc.Path)
	return loc.Query()
}

func guideAuthorizeQuery() url.Values {
	return url.Values{"response_type": {"code"}, "redirect_uri": {guideCallback}, "client_id": {guideClientA}, "scope": {guideScopes}, "state": {"st-123"}}
}

func (g *guide) code(t *testing.T, q url.Values) string {
	t.Helper()
	require.NoError(t, g.srv.LoginAs(guideOrgA, guideUser))
	back := g.authorize(t, guideOrgA, q)
	require.NotEmpty(t, back.Get("code"), "redirect %v", back)
	return back.Get("code")
}

func (g *guide) exchange(t *testing.T, code string, extra url.Values) answer {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {guideCallback}}
	for k, v := range extra {
		form[k] = v
	}
	return g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, form)
}

func TestSeedGuidePasswordGrant(t *testing.T) {
	g := newGuide(t)
	a := g.password(t, guideOrgA, guideClientA, guideSecretA, "")
	assert.Equal(t, []string{"access_token", "expires_in", "refresh_token", "token_type"}, keys(a.body))
	assert.Equal(t, "Bearer", a.body["token_type"])
	assert.Equal(t, float64(3600), a.body["expires_in"])
	assert.Equal(t, "no-store", a.header.Get("Cache-Control"))
	assert.Equal(t, "no-cache", a.header.Get("Pragma"))

	withScope := g.password(t, guideOrgA, guideClientA, guideSecretA, "internal_org_user_mgt_list read_stores write_stores")
	assert.Equal(t, "internal_org_user_mgt_list read_stores", withScope.body["scope"], "write_stores is not authorized: dropped silently")
}

func TestSeedGuideClientCredentialsGrant(t *testing.T) {
	g := newGuide(t)
	a := g.post(t, tokenPath(guideOrgB), guideClientB, guideSecretB, url.Values{"grant_type": {"client_credentials"}})
	require.Equal(t, http.StatusOK, a.status, a.raw)
	assert.Equal(t, []string{"access_token", "expires_in", "token_type"}, keys(a.body))
	assert.Equal(t, float64(3600), a.body["expires_in"])

	scoped := g.post(t, tokenPath(guideOrgB), guideClientB, guideSecretB, url.Values{"grant_type": {"client_credentials"}, "scope": {"openid read_stores write_stores"}})
	require.Equal(t, http.StatusOK, scoped.status, scoped.raw)
	assert.Equal(t, "read_stores", scoped.body["scope"])
	assert.NotContains(t, scoped.body, "refresh_token")
}

func TestSeedGuideAuthorizationCodeGrant(t *testing.T) {
	g := newGuide(t)
	require.NoError(t, g.srv.LoginAs(guideOrgA, guideUser))
	back := g.authorize(t, guideOrgA, guideAuthorizeQuery())
	assert.Equal(t, "st-123", back.Get("state"))
	assert.NotEmpty(t, back.Get("session_state"))
	code := back.Get("code")
	require.Len(t, code, 36, "a UUID-like code")

	a := g.exchange(t, code, nil)
	require.Equal(t, http.StatusOK, a.status, a.raw)
	for _, k := range []string{"access_token", "refresh_token", "scope", "token_type", "expires_in"} {
		assert.Contains(t, a.body, k)
	}
	assert.Equal(t, guideScopes, a.body["scope"])
	assert.Equal(t, "Bearer", a.body["token_type"])
	assert.Equal(t, float64(3600), a.body["expires_in"])
}

func TestSeedGuideIntrospection(t *testing.T) {
	g := newGuide(t)
	tok := g.password(t, guideOrgB, guideClientB, guideSecretB, "openid internal_org_user_mgt_list")
	in := g.introspect(t, guideOrgB, guideClientB, guideSecretB, tok.body["access_token"].(string))
	assert.Equal(t, []string{"active", "aud", "aut", "client_id", "exp", "iat", "nbf", "org_id", "scope", "token_type", "username"}, keys(in))
	assert.Equal(t, true, in["active"])
	assert.Equal(t, "Bearer", in["token_type"])
	assert.Equal(t, guideClientB, in["client_id"])
	assert.Equal(t, guideClientB, in["aud"])
	assert.Equal(t, "APPLICATION_USER", in["aut"])
	assert.Equal(t, "Charlie@"+guideOrgB, in["username"])
	assert.Equal(t, guideOrgB, in["org_id"])
	assert.Equal(t, "openid internal_org_user_mgt_list", in["scope"])
	assert.Equal(t, in["iat"], in["nbf"])
	assert.Equal(t, float64(3600), in["exp"].(float64)-in["iat"].(float64))
	assert.Equal(t, float64(g.srv.Clock().Now().Unix()), in["iat"])

	cc := g.post(t, tokenPath(guideOrgB), guideClientB, guideSecretB, url.Values{"grant_type": {"client_credentials"}})
	app := g.introspect(t, guideOrgB, guideClientB, guideSecretB, cc.body["access_token"].(string))
	assert.Equal(t, "APPLICATION", app["aut"])
	assert.NotContains(t, app, "username")
	assert.NotContains(t, app, "scope", "no scope granted: member omitted")
}

func TestSeedGuideRevocation(t *testing.T) {
	g := newGuide(t)
	tok := g.password(t, guideOrgB, guideClientB, guideSecretB, "")
	access, refresh := tok.body["access_token"].(string), tok.body["refresh_token"].(string)
	a := g.post(t, revokePath(guideOrgB), guideClientB, guideSecretB, url.Values{"token": {access}, "token_type_hint": {"access_token"}})
	assert.Equal(t, http.StatusOK, a.status)
	assert.Empty(t, a.raw)
	assert.Equal(t, "0", a.header.Get("Content-Length"))
	assert.Equal(t, "application/json", a.header.Get("Content-Type"))
	assert.Equal(t, "no-store", a.header.Get("Cache-Control"))

	in := g.post(t, introspectPath(guideOrgB), guideClientB, guideSecretB, url.Values{"token": {access}})
	assert.JSONEq(t, `{"active":false}`, in.raw)
	assert.Equal(t, false, g.introspect(t, guideOrgB, guideClientB, guideSecretB, refresh)["active"], "the pair dies together")
	again := g.post(t, tokenPath(guideOrgB), guideClientB, guideSecretB, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	again.oauthError(t, http.StatusBadRequest, "invalid_grant", "")
}

// TestTokenEndpointErrors covers spec §6.3's table, row by row.
func TestTokenEndpointErrors(t *testing.T) {
	g := newGuide(t)
	pw := url.Values{"grant_type": {"password"}, "username": {guideUser}, "password": {guidePassword}}
	with := func(v url.Values, kv ...string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = append([]string(nil), vs...)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}

	t.Run("bad client credentials", func(t *testing.T) {
		a := g.post(t, tokenPath(guideOrgA), guideClientA, "wrong", pw)
		a.oauthError(t, http.StatusUnauthorized, "invalid_client", "Client credentials are invalid.")
		assert.NotEmpty(t, a.header.Get("WWW-Authenticate"))
		unknown := g.post(t, tokenPath(guideOrgA), "nobody", "x", pw)
		unknown.oauthError(t, http.StatusUnauthorized, "invalid_client", "Client credentials are invalid.")
	})
	t.Run("missing grant_type", func(t *testing.T) {
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, url.Values{}).
			oauthError(t, http.StatusBadRequest, "invalid_request", "Missing grant_type parameter value")
	})
	t.Run("unknown grant_type", func(t *testing.T) {
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, url.Values{"grant_type": {"magic"}}).
			oauthError(t, http.StatusBadRequest, "invalid_request", "Unsupported grant_type value")
	})
	t.Run("grant not registered on the app", func(t *testing.T) {
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, url.Values{"grant_type": {"client_credentials"}}).
			oauthError(t, http.StatusBadRequest, "unauthorized_client", "The authenticated client is not authorized to use this authorization grant type")
	})
	t.Run("grant handler not available", func(t *testing.T) {
		_, err := g.srv.AddApplication(asgardeotest.AppSpec{Name: "legacy-spa", ClientID: implicitClient, ClientSecret: implicitSecret,
			GrantTypes: []string{"implicit"}, CallbackURLs: []string{guideCallback}})
		require.NoError(t, err)
		g.post(t, "/oauth2/token", implicitClient, implicitSecret, url.Values{"grant_type": {"implicit"}}).
			oauthError(t, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type : implicit, is used.")
	})
	t.Run("wrong password or unknown user", func(t *testing.T) {
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, with(pw, "password", charlieNewPass)).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Authentication failed for Charlie")
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, with(pw, "username", "Mallory")).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Authentication failed for Mallory")
	})
	t.Run("unknown auth code", func(t *testing.T) {
		g.exchange(t, "111c6b23-e395-4263-8792-87dc5db3c8a9", nil).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Invalid authorization code received from token request")
	})
	t.Run("reused auth code revokes its tokens", func(t *testing.T) {
		code := g.code(t, guideAuthorizeQuery())
		first := g.exchange(t, code, nil)
		require.Equal(t, http.StatusOK, first.status, first.raw)
		g.exchange(t, code, nil).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Inactive authorization code received from token request")
		assert.Equal(t, false, g.introspect(t, guideOrgA, guideClientA, guideSecretA, first.body["access_token"].(string))["active"])
		assert.Equal(t, false, g.introspect(t, guideOrgA, guideClientA, guideSecretA, first.body["refresh_token"].(string))["active"])
	})
	t.Run("expired auth code", func(t *testing.T) {
		code := g.code(t, guideAuthorizeQuery())
		g.srv.Clock().Advance(301 * time.Second)
		g.exchange(t, code, nil).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Expired or Revoked authorization code received from token request")
	})
	t.Run("redirect_uri mismatch", func(t *testing.T) {
		code := g.code(t, guideAuthorizeQuery())
		g.exchange(t, code, url.Values{"redirect_uri": {"https://evil.example/login"}}).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Callback url mismatch")
	})
	t.Run("PKCE failure", func(t *testing.T) {
		verifier := strings.Repeat("v", 43)
		sum := sha256.Sum256([]byte(verifier))
		q := guideAuthorizeQuery()
		q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		q.Set("code_challenge_method", "S256")
		code := g.code(t, q)
		g.exchange(t, code, url.Values{"code_verifier": {strings.Repeat("w", 43)}}).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "PKCE validation failed")
		ok := g.exchange(t, code, url.Values{"code_verifier": {verifier}})
		assert.Equal(t, http.StatusOK, ok.status, "a failed verifier does not burn the code: %s", ok.raw)
	})
	t.Run("invalid refresh token", func(t *testing.T) {
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"13bcbd1d-a4bb-33da-9274-d2c1a1f17d97"}}).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Invalid refresh token value in the request")
	})
	t.Run("expired refresh token", func(t *testing.T) {
		tok := g.password(t, guideOrgA, guideClientA, guideSecretA, "")
		g.srv.Clock().Advance(86400 * time.Second)
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.body["refresh_token"].(string)}}).
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Refresh token is expired.")
	})
	t.Run("scope validator rejects", func(t *testing.T) {
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, with(pw, "scope", `read_stores "quoted"`)).
			oauthError(t, http.StatusBadRequest, "invalid_scope", "Invalid Scope!")
	})
	t.Run("repeated parameters", func(t *testing.T) {
		form := with(pw)
		form.Add("scope", "read_stores")
		form.Add("scope", "openid")
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, form).
			oauthError(t, http.StatusBadRequest, "invalid_request", "Invalid request with repeated parameters.")
	})
	t.Run("multiple client authentication methods", func(t *testing.T) {
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, with(pw, "client_id", guideClientA, "client_secret", guideSecretA)).
			oauthError(t, http.StatusBadRequest, "invalid_request", "The client MUST NOT use more than one authentication method in each")
	})
	t.Run("server error", func(t *testing.T) {
		g.srv.InjectFault(asgardeotest.Fault{Path: tokenPath(guideOrgA), Status: http.StatusInternalServerError,
			Body: `{"error":"server_error","error_description":"Internal Server Error."}`})
		g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, pw).
			oauthError(t, http.StatusInternalServerError, "server_error", "Internal Server Error.")
	})
}

func TestPasswordGrantResolvesUserInEndpointOrg(t *testing.T) {
	g := newGuide(t)
	_, err := g.srv.AddUser(guideOrgB, "Dana", "dana-pass")
	require.NoError(t, err)
	g.post(t, tokenPath(guideOrgA), guideClientA, guideSecretA, url.Values{"grant_type": {"password"}, "username": {"Dana"}, "password": {"dana-pass"}}).
		oauthError(t, http.StatusBadRequest, "invalid_grant", "Authentication failed for Dana")
}

func TestRefreshTokenGrant(t *testing.T) {
	g := newGuide(t)
	refresh := func(id, secret, rt, scope string) answer {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
		if scope != "" {
			form.Set("scope", scope)
		}
		return g.post(t, tokenPath(guideOrgA), id, secret, form)
	}

	t.Run("same refresh token without rotation", func(t *testing.T) {
		tok := g.password(t, guideOrgA, guideClientA, guideSecretA, "read_stores internal_org_user_mgt_list")
		rt := tok.body["refresh_token"].(string)
		a := refresh(guideClientA, guideSecretA, rt, "")
		require.Equal(t, http.StatusOK, a.status, a.raw)
		assert.Equal(t, rt, a.body["refresh_token"])
		assert.NotEqual(t, tok.body["access_token"], a.body["access_token"])
		assert.Equal(t, "read_stores internal_org_user_mgt_list", a.body["scope"], "no scope requested: the original scopes")
		assert.Equal(t, false, g.introspect(t, guideOrgA, guideClientA, guideSecretA, tok.body["access_token"].(string))["active"], "the previous access token is replaced")

		narrowed := refresh(guideClientA, guideSecretA, rt, "read_stores write_stores")
		require.Equal(t, http.StatusOK, narrowed.status, narrowed.raw)
		assert.Equal(t, "read_stores", narrowed.body["scope"], "requested ∩ original")
	})
	t.Run("rotation and reuse detection", func(t *testing.T) {
		tok := g.password(t, guideOrgA, rotatingClient, rotatingSecret, "read_stores")
		rt1 := tok.body["refresh_token"].(string)
		a := refresh(rotatingClient, rotatingSecret, rt1, "")
		require.Equal(t, http.StatusOK, a.status, a.raw)
		rt2 := a.body["refresh_token"].(string)
		assert.NotEqual(t, rt1, rt2)

		refresh(rotatingClient, rotatingSecret, rt1, "").oauthError(t, http.StatusBadRequest, "invalid_grant", "Invalid refresh token value in the request")
		assert.Equal(t, false, g.introspect(t, guideOrgA, rotatingClient, rotatingSecret, a.body["access_token"].(string))["active"], "reuse revokes the family")
		refresh(rotatingClient, rotatingSecret, rt2, "").oauthError(t, http.StatusBadRequest, "invalid_grant", "")
	})
	t.Run("another client's refresh token", func(t *testing.T) {
		tok := g.password(t, guideOrgA, guideClientA, guideSecretA, "")
		refresh(rotatingClient, rotatingSecret, tok.body["refresh_token"].(string), "").
			oauthError(t, http.StatusBadRequest, "invalid_grant", "Invalid refresh token value in the request")
	})
	t.Run("refresh grant not enabled", func(t *testing.T) {
		refresh(otherClientA, otherSecretA, "whatever", "").oauthError(t, http.StatusBadRequest, "unauthorized_client", "")
		tok := g.password(t, guideOrgA, otherClientA, otherSecretA, "")
		assert.NotContains(t, tok.body, "refresh_token", "no refresh_token grant: no refresh token")
	})
}

func TestAuthorizeEndpoint(t *testing.T) {
	g := newGuide(t)
	get := func(org string, q url.Values) answer {
		req, err := http.NewRequest(http.MethodGet, g.srv.TenantURL()+"/o/"+org+"/oauth2/authorize?"+q.Encode(), nil)
		require.NoError(t, err)
		return do(t, req)
	}
	t.Run("unknown client is an error page", func(t *testing.T) {
		q := guideAuthorizeQuery()
		q.Set("client_id", "nobody")
		a := get(guideOrgA, q)
		assert.Equal(t, http.StatusBadRequest, a.status)
		assert.Empty(t, a.header.Get("Location"))
		assert.Contains(t, a.header.Get("Content-Type"), "text/html")
	})
	t.Run("unregistered redirect is an error page", func(t *testing.T) {
		q := guideAuthorizeQuery()
		q.Set("redirect_uri", guideCallback+"/../evil")
		a := get(guideOrgA, q)
		assert.Equal(t, http.StatusBadRequest, a.status)
		assert.Empty(t, a.header.Get("Location"))
	})
	t.Run("no login queued, prompt=none", func(t *testing.T) {
		q := guideAuthorizeQuery()
		q.Set("prompt", "none")
		back := g.authorize(t, guideOrgA, q)
		assert.Equal(t, "login_required", back.Get("error"))
		assert.Equal(t, "st-123", back.Get("state"))
		assert.Empty(t, back.Get("code"))
	})
	t.Run("consent denied", func(t *testing.T) {
		g.srv.DenyConsent()
		back := g.authorize(t, guideOrgA, guideAuthorizeQuery())
		assert.Equal(t, "access_denied", back.Get("error"))
		assert.Equal(t, "st-123", back.Get("state"))
	})
	t.Run("user of another organization", func(t *testing.T) {
		require.NoError(t, g.srv.LoginAs(guideOrgB, guideUser))
		back := g.authorize(t, guideOrgA, guideAuthorizeQuery())
		assert.Equal(t, "access_denied", back.Get("error"))
	})
	t.Run("PKCE mandatory", func(t *testing.T) {
		q := guideAuthorizeQuery()
		q.Set("client_id", pkceClient)
		back := g.authorize(t, guideOrgA, q)
		assert.Equal(t, "invalid_request", back.Get("error"))
		q.Set("code_challenge", strings.Repeat("a", 43))
		q.Set("code_challenge_method", "plain")
		assert.Equal(t, "invalid_request", g.authorize(t, guideOrgA, q).Get("error"), "plain is not allowed")
	})
	t.Run("public client code flow", func(t *testing.T) {
		verifier := strings.Repeat("x", 50)
		sum := sha256.Sum256([]byte(verifier))
		q := guideAuthorizeQuery()
		q.Set("client_id", pkceClient)
		q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		q.Set("code_challenge_method", "S256")
		code := g.code(t, q)
		a := g.post(t, tokenPath(guideOrgA), "", "", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {guideCallback}, "client_id": {pkceClient}, "code_verifier": {verifier}})
		require.Equal(t, http.StatusOK, a.status, a.raw)
		assert.Equal(t, guideScopes, a.body["scope"])
	})
	t.Run("application without a callback gets an error page", func(t *testing.T) {
		q := guideAuthorizeQuery()
		q.Set("client_id", otherClientA)
		req, err := http.NewRequest(http.MethodGet, g.srv.TenantURL()+"/o/"+guideOrgA+"/oauth2/authorize?"+q.Encode(), nil)
		require.NoError(t, err)
		a := do(t, req)
		assert.Equal(t, http.StatusBadRequest, a.status, "no callback registered: error page")
	})
}

func TestIntrospectionEndpoint(t *testing.T) {
	g := newGuide(t)
	tok := g.password(t, guideOrgA, guideClientA, guideSecretA, "read_stores")
	access := tok.body["access_token"].(string)

	t.Run("client authentication required", func(t *testing.T) {
		g.post(t, introspectPath(guideOrgA), "", "", url.Values{"token": {access}}).
			oauthError(t, http.StatusUnauthorized, "invalid_client", "")
		g.post(t, introspectPath(guideOrgA), guideClientA, "wrong", url.Values{"token": {access}}).
			oauthError(t, http.StatusUnauthorized, "invalid_client", "")
	})
	t.Run("form credentials", func(t *testing.T) {
		a := g.post(t, introspectPath(guideOrgA), "", "", url.Values{"token": {access}, "client_id": {guideClientA}, "client_secret": {guideSecretA}})
		assert.Equal(t, true, a.body["active"], a.raw)
	})
	t.Run("missing token", func(t *testing.T) {
		a := g.post(t, introspectPath(guideOrgA), guideClientA, guideSecretA, url.Values{})
		assert.Equal(t, http.StatusBadRequest, a.status)
		assert.JSONEq(t, `{"error":"Invalid input"}`, a.raw)
	})
	t.Run("unknown token", func(t *testing.T) {
		a := g.post(t, introspectPath(guideOrgA), guideClientA, guideSecretA, url.Values{"token": {"nope"}})
		assert.Equal(t, http.StatusOK, a.status)
		assert.JSONEq(t, `{"active":false}`, a.raw)
	})
	t.Run("refresh token with hint", func(t *testing.T) {
		a := g.post(t, introspectPath(guideOrgA), guideClientA, guideSecretA, url.Values{"token": {tok.body["refresh_token"].(string)}, "token_type_hint": {"refresh_token"}})
		assert.Equal(t, true, a.body["active"], a.raw)
		assert.Equal(t, float64(86400), a.body["exp"].(float64)-a.body["iat"].(float64))
	})
	t.Run("expired on the clock", func(t *testing.T) {
		g.srv.Clock().Advance(3600 * time.Second)
		a := g.post(t, introspectPath(guideOrgA), guideClientA, guideSecretA, url.Values{"token": {access}})
		assert.JSONEq(t, `{"active":false}`, a.raw)
	})
}

func TestRevocationEndpoint(t *testing.T) {
	g := newGuide(t)
	t.Run("refresh token revokes the pair", func(t *testing.T) {
		tok := g.password(t, guideOrgA, guideClientA, guideSecretA, "")
		a := g.post(t, revokePath(guideOrgA), guideClientA, guideSecretA, url.Values{"token": {tok.body["refresh_token"].(string)}, "token_type_hint": {"refresh_token"}})
		assert.Equal(t, http.StatusOK, a.status)
		assert.Equal(t, false, g.introspect(t, guideOrgA, guideClientA, guideSecretA, tok.body["access_token"].(string))["active"])
	})
	t.Run("another client's token", func(t *testing.T) {
		tok := g.password(t, guideOrgA, guideClientA, guideSecretA, "")
		g.post(t, revokePath(guideOrgA), otherClientA, otherSecretA, url.Values{"token": {tok.body["access_token"].(string)}}).
			oauthError(t, http.StatusUnauthorized, "unauthorized_client", "Client Authentication failed.")
		assert.Equal(t, true, g.introspect(t, guideOrgA, guideClientA, guideSecretA, tok.body["access_token"].(string))["active"])
	})
	t.Run("missing token", func(t *testing.T) {
		g.post(t, revokePath(guideOrgA), guideClientA, guideSecretA, url.Values{}).
			oauthError(t, http.StatusBadRequest, "invalid_request", "Invalid revocation request")
	})
	t.Run("unknown token", func(t *testing.T) {
		a := g.post(t, revokePath(guideOrgA), guideClientA, guideSecretA, url.Values{"token": {"never-issued"}})
		assert.Equal(t, http.StatusOK, a.status)
		assert.Empty(t, a.raw)
	})
	t.Run("bad client", func(t *testing.T) {
		a := g.post(t, revokePath(guideOrgA), guideClientA, "wrong", url.Values{"token": {"x"}})
		a.oauthError(t, http.StatusUnauthorized, "invalid_client", "Client Authentication failed.")
		assert.NotEmpty(t, a.header.Get("WWW-Authenticate"))
	})
}
