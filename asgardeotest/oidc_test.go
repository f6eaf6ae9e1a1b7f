package asgardeotest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

const (
	oidcUser     = "alice"
	oidcPassword = "alice-password"
	oidcEmail    = "alice@example.com"
	oidcCallback = "https://app.example.com/callback"
	ordersAPI    = "https://orders.example.com"
)

// oidcWorld is one organization with a JWT application, an opaque
// application and a user with claims and a role granting read_orders.
type oidcWorld struct {
	srv    *asgardeotest.Server
	org    asgardeotest.Organization
	user   asgardeotest.User
	jwtApp asgardeotest.Application
	opaque asgardeotest.Application
}

func newOIDCWorld(t *testing.T, opts ...asgardeotest.Option) *oidcWorld {
	t.Helper()
	srv := asgardeotest.NewServer(t, opts...)
	org, err := srv.AddOrganization("Orders Inc")
	require.NoError(t, err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: ordersAPI, Name: "Orders", Scopes: []string{"read_orders"}})
	require.NoError(t, err)
	user, err := srv.AddUser(org.ID, oidcUser, oidcPassword)
	require.NoError(t, err)
	require.NoError(t, srv.SetUserClaim(org.ID, oidcUser, "http://wso2.org/claims/emailaddress", oidcEmail))
	require.NoError(t, srv.SetUserClaim(org.ID, oidcUser, "http://wso2.org/claims/identity/emailVerified", "true"))
	require.NoError(t, srv.SetUserClaim(org.ID, oidcUser, "http://wso2.org/claims/givenname", "Alice"))
	spec := func(name, typ string) asgardeotest.AppSpec {
		return asgardeotest.AppSpec{
			Organization: org.ID, Name: name, AccessTokenType: typ,
			GrantTypes:     []string{"authorization_code", "password", "refresh_token", "client_credentials"},
			CallbackURLs:   []string{oidcCallback},
			AuthorizedAPIs: []asgardeotest.AuthorizedAPISpec{{Identifier: ordersAPI, Scopes: []string{"read_orders"}}},
		}
	}
	jwtApp, err := srv.AddApplication(spec("jwt-app", "JWT"))
	require.NoError(t, err)
	opaque, err := srv.AddApplication(spec("opaque-app", "Default"))
	require.NoError(t, err)
	for _, a := range []asgardeotest.Application{jwtApp, opaque} {
		_, err = srv.AddRole(asgardeotest.RoleSpec{Organization: org.ID, Name: "reader-" + a.Name, Application: a.ID, Permissions: []string{"read_orders"}, Users: []string{oidcUser}})
		require.NoError(t, err)
	}
	return &oidcWorld{srv: srv, org: org, user: user, jwtApp: jwtApp, opaque: opaque}
}

func (w *oidcWorld) tokens(t *testing.T, a asgardeotest.Application) *asgardeo.AppTokens {
	t.Helper()
	o, err := w.srv.Client().Org(w.org.ID)
	require.NoError(t, err)
	return o.Tokens().ForApp(a.ClientID, a.ClientSecret, asgardeo.WithRedirectURL(oidcCallback))
}

// getJSON fetches a tenant-relative path and decodes its JSON body.
func getJSON(t *testing.T, srv *asgardeotest.Server, path string, out any) int {
	t.Helper()
	resp, err := srv.HTTPClient().Get(srv.TenantURL() + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil && resp.StatusCode == http.StatusOK {
		require.NoError(t, json.Unmarshal(body, out), string(body))
	}
	return resp.StatusCode
}

// jwtParts decodes the header and the payload of a compact JWT.
func jwtParts(t *testing.T, raw string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3, "not a compact JWS")
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, dst))
	}
	return header, claims
}

func TestDiscoveryListsTheOrganizationEndpoints(t *testing.T) {
	w := newOIDCWorld(t)
	o, err := w.srv.Client().Org(w.org.ID)
	require.NoError(t, err)
	ep := o.Endpoints()

	var doc map[string]any
	require.Equal(t, http.StatusOK, getJSON(t, w.srv, "/o/"+w.org.ID+"/oauth2/token/.well-known/openid-configuration", &doc))
	assert.Equal(t, ep.Issuer, doc["issuer"])
	assert.Equal(t, ep.Authorize, doc["authorization_endpoint"])
	assert.Equal(t, ep.Token, doc["token_endpoint"])
	assert.Equal(t, ep.UserInfo, doc["userinfo_endpoint"])
	assert.Equal(t, ep.JWKS, doc["jwks_uri"])
	assert.Equal(t, ep.Introspect, doc["introspection_endpoint"])
	assert.Equal(t, ep.Revoke, doc["revocation_endpoint"])
	assert.Equal(t, []any{"S256", "plain"}, doc["code_challenge_methods_supported"])
	assert.Equal(t, []any{"RS256"}, doc["id_token_signing_alg_values_supported"])
	assert.Equal(t, []any{"code"}, doc["response_types_supported"])
	assert.Equal(t, []any{"public"}, doc["subject_types_supported"])
	assert.Equal(t, []any{"client_secret_basic", "client_secret_post"}, doc["token_endpoint_auth_methods_supported"])
	assert.Contains(t, doc["scopes_supported"], "openid")
	assert.Contains(t, doc["claims_supported"], "email")
	assert.NotContains(t, doc["grant_types_supported"], "organization_switch", "organization switching happens at the root")

	var root map[string]any
	require.Equal(t, http.StatusOK, getJSON(t, w.srv, "/oauth2/token/.well-known/openid-configuration", &root))
	assert.Equal(t, w.srv.TenantURL()+"/oauth2/token", root["issuer"])
	assert.Equal(t, ep.RootToken, root["token_endpoint"])
	assert.Contains(t, root["grant_types_supported"], "organization_switch")

	assert.Equal(t, http.StatusBadRequest, getJSON(t, w.srv, "/o/00000000-0000-4000-8000-000000000000/oauth2/token/.well-known/openid-configuration", nil))
}

// go-oidc, a standard OpenID Connect library, discovers the organization
// from its issuer and accepts the fake's ID token and its at_hash.
func TestGoOIDCAcceptsTheIDToken(t *testing.T) {
	w := newOIDCWorld(t)
	ctx := oidc.ClientContext(context.Background(), w.srv.HTTPClient())
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	o, err := w.srv.Client().Org(w.org.ID)
	require.NoError(t, err)

	provider, err := oidc.NewProvider(ctx, o.Endpoints().Issuer)
	require.NoError(t, err)
	tok, err := w.tokens(t, w.opaque).Password(ctx, oidcUser, oidcPassword, "openid", "email", "read_orders")
	require.NoError(t, err)
	raw := asgardeo.IDToken(tok)
	require.NotEmpty(t, raw, "openid granted in a user flow yields an id_token")

	// go-oidc checks issuer, audience, expiry and signature on its own
	// clock: the fake's clock follows the wall clock here.
	idt, err := provider.Verifier(&oidc.Config{ClientID: w.opaque.ClientID}).Verify(ctx, raw)
	require.NoError(t, err)
	assert.Equal(t, w.user.ID, idt.Subject)
	require.NoError(t, idt.VerifyAccessToken(tok.AccessToken))
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		GivenName     string `json:"given_name"`
		OrgID         string `json:"org_id"`
		AZP           string `json:"azp"`
	}
	require.NoError(t, idt.Claims(&claims))
	assert.Equal(t, oidcEmail, claims.Email)
	assert.True(t, claims.EmailVerified)
	assert.Empty(t, claims.GivenName, "profile was not requested")
	assert.Equal(t, w.org.ID, claims.OrgID)
	assert.Equal(t, w.opaque.ClientID, claims.AZP)

	// go-oidc's userinfo call with the access token.
	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok.AccessToken}))
	require.NoError(t, err)
	assert.Equal(t, w.user.ID, info.Subject)
	assert.Equal(t, oidcEmail, info.Email)

	// Without openid, no ID token.
	tok, err = w.tokens(t, w.opaque).Password(ctx, oidcUser, oidcPassword, "read_orders")
	require.NoError(t, err)
	assert.Empty(t, asgardeo.IDToken(tok))
}

func TestJWTAccessTokens(t *testing.T) {
	w := newOIDCWorld(t)
	ctx := context.Background()
	tokens := w.tokens(t, w.jwtApp)

	app, err := tokens.ClientCredentials("read_orders").Token()
	require.NoError(t, err)
	header, claims := jwtParts(t, app.AccessToken)
	assert.Equal(t, "at+jwt", header["typ"])
	assert.Equal(t, "RS256", header["alg"])
	var jwks jose.JSONWebKeySet
	require.Equal(t, http.StatusOK, getJSON(t, w.srv, "/o/"+w.org.ID+"/oauth2/jwks", &jwks))
	require.Len(t, jwks.Key(header["kid"].(string)), 1, "kid names a published key")
	o, err := w.srv.Client().Org(w.org.ID)
	require.NoError(t, err)
	assert.Equal(t, o.Endpoints().Issuer, claims["iss"])
	assert.Equal(t, w.jwtApp.ClientID, claims["sub"], "an application token's subject is the client")
	assert.Equal(t, w.jwtApp.ClientID, claims["aud"])
	assert.Equal(t, w.jwtApp.ClientID, claims["azp"])
	assert.Equal(t, w.jwtApp.ClientID, claims["client_id"])
	assert.Equal(t, "read_orders", claims["scope"])
	assert.Equal(t, "APPLICATION", claims["aut"])
	assert.Equal(t, w.org.ID, claims["org_id"])
	assert.NotEmpty(t, claims["jti"])
	assert.Equal(t, claims["iat"], claims["nbf"])
	assert.InDelta(t, 3600, claims["exp"].(float64)-claims["iat"].(float64), 0)

	user, err := tokens.Password(ctx, oidcUser, oidcPassword, "openid", "read_orders")
	require.NoError(t, err)
	_, claims = jwtParts(t, user.AccessToken)
	assert.Equal(t, w.user.ID, claims["sub"])
	assert.Equal(t, "APPLICATION_USER", claims["aut"])
	assert.Equal(t, "openid read_orders", claims["scope"])

	// Introspection and revocation treat JWTs like opaque tokens.
	in, err := tokens.Introspect(ctx, user.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.True(t, in.Active)
	assert.Equal(t, "JWT", in.TokenType)
	assert.Equal(t, []string{"openid", "read_orders"}, in.Scopes)
	require.NoError(t, tokens.Revoke(ctx, user.AccessToken, asgardeo.AccessTokenHint))
	in, err = tokens.Introspect(ctx, user.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.False(t, in.Active)

	// The opaque application keeps opaque tokens.
	opaque, err := w.tokens(t, w.opaque).ClientCredentials("read_orders").Token()
	require.NoError(t, err)
	assert.NotContains(t, opaque.AccessToken, ".")
}

func TestIDTokenClaims(t *testing.T) {
	w := newOIDCWorld(t)
	tok, err := w.tokens(t, w.jwtApp).Password(context.Background(), oidcUser, oidcPassword, "openid", "profile")
	require.NoError(t, err)
	header, claims := jwtParts(t, asgardeo.IDToken(tok))
	assert.Equal(t, "JWT", header["typ"])
	assert.Equal(t, "Alice", claims["given_name"])
	assert.Equal(t, oidcUser, claims["username"])
	assert.NotContains(t, claims, "email", "email was not requested")
	assert.NotContains(t, claims, "nonce", "no nonce was sent")
	for _, c := range []string{"iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "at_hash", "org_id"} {
		assert.Contains(t, claims, c)
	}
}

func TestUserInfo(t *testing.T) {
	w := newOIDCWorld(t)
	ctx := context.Background()
	path := "/o/" + w.org.ID + "/oauth2/userinfo"
	call := func(token string) (int, map[string]any, http.Header) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, w.srv.TenantURL()+path, nil)
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := w.srv.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		return resp.StatusCode, body, resp.Header
	}

	tok, err := w.tokens(t, w.opaque).Password(ctx, oidcUser, oidcPassword, "openid", "email", "profile")
	require.NoError(t, err)
	status, body, _ := call(tok.AccessToken)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{
		"sub": w.user.ID, "email": oidcEmail, "email_verified": true, "given_name": "Alice", "username": oidcUser,
	}, body)

	noOpenID, err := w.tokens(t, w.opaque).Password(ctx, oidcUser, oidcPassword, "email")
	require.NoError(t, err)
	appToken, err := w.tokens(t, w.opaque).ClientCredentials("openid", "read_orders").Token()
	require.NoError(t, err)
	for name, token := range map[string]string{
		"no token": "", "unknown token": "nope", "token without openid": noOpenID.AccessToken,
		"application token": appToken.AccessToken,
	} {
		status, body, h := call(token)
		assert.Equal(t, http.StatusUnauthorized, status, name)
		assert.Equal(t, "invalid_token", body["error"], name)
		assert.Contains(t, h.Get("WWW-Authenticate"), `error="invalid_token"`, name)
	}

	// A token of this organization is not accepted at another's endpoint.
	other, err := w.srv.AddOrganization("Elsewhere")
	require.NoError(t, err)
	path = "/o/" + other.ID + "/oauth2/userinfo"
	status, _, _ = call(tok.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status)

	// Expired tokens are refused.
	path = "/o/" + w.org.ID + "/oauth2/userinfo"
	w.srv.Clock().Advance(2 * time.Hour)
	status, _, _ = call(tok.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status)
}
