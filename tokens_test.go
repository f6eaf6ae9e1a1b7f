package asgardeo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

const (
	tokOrgID    = "7e98b86f-63c7-41a1-8c56-c909a21a2615"
	tokClient   = "7wYeybBGCVfLxPmS0z66WNMffyMa"
	tokSecret   = "WYfwHUsbsEvwtqmDLuaxF_VCQJwa"
	tokCallback = "https://bestcarmart.com/login"
	tokUser     = "Charlie"
	tokPassword = "jG9A5KrX"
	storesID    = "https://bestcarmart.com/stores"
)

// tokenWorld is a fake with the seed guide's organization, its web
// application (every user grant), an M2M application, a rotating-refresh
// application, a public PKCE client and the user Charlie, whose role grants
// read_stores and internal_org_user_mgt_list.
type tokenWorld struct {
	srv                *asgardeotest.Server
	c                  *asgardeo.Client
	org                *asgardeo.Org
	web, m2m, rot, spa asgardeotest.Application
}

func newTokenWorld(t *testing.T, opts ...asgardeo.Option) *tokenWorld {
	t.Helper()
	// A frozen clock: expiry follows Advance alone, however slow the machine.
	clock := asgardeotest.NewClock(time.Now())
	clock.Set(clock.Now())
	srv := asgardeotest.NewServer(t, asgardeotest.WithClock(clock))
	_, err := srv.AddOrganizationWithID(tokOrgID, "Best Car Mart East")
	require.NoError(t, err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: storesID, Name: "Stores", Scopes: []string{"read_stores", "write_stores"}})
	require.NoError(t, err)
	authz := []asgardeotest.AuthorizedAPISpec{
		{Identifier: storesID, Scopes: []string{"read_stores"}},
		{Identifier: "/o/scim2/Users", Scopes: []string{"internal_org_user_mgt_list"}},
	}
	add := func(spec asgardeotest.AppSpec) asgardeotest.Application {
		spec.AuthorizedAPIs = authz
		a, err := srv.AddApplication(spec)
		require.NoError(t, err)
		return a
	}
	w := &tokenWorld{srv: srv}
	w.web = add(asgardeotest.AppSpec{Organization: tokOrgID, Name: "web", ClientID: tokClient, ClientSecret: tokSecret,
		GrantTypes: []string{"authorization_code", "password", "refresh_token"}, CallbackURLs: []string{tokCallback}})
	w.m2m = add(asgardeotest.AppSpec{Organization: tokOrgID, Name: "m2m", Template: asgardeotest.TemplateM2M, GrantTypes: []string{"client_credentials"}})
	w.rot = add(asgardeotest.AppSpec{Organization: tokOrgID, Name: "rotating", GrantTypes: []string{"password", "refresh_token"}, RenewRefreshToken: true})
	w.spa = add(asgardeotest.AppSpec{Organization: tokOrgID, Name: "spa", PublicClient: true, PKCEMandatory: true,
		GrantTypes: []string{"authorization_code"}, CallbackURLs: []string{tokCallback}})
	_, err = srv.AddUser(tokOrgID, tokUser, tokPassword)
	require.NoError(t, err)
	for _, a := range []asgardeotest.Application{w.web, w.rot, w.spa} {
		_, err = srv.AddRole(asgardeotest.RoleSpec{Organization: tokOrgID, Name: "reader-" + a.Name, Application: a.ID,
			Permissions: []string{"read_stores", "internal_org_user_mgt_list"}, Users: []string{tokUser}})
		require.NoError(t, err)
	}
	w.c = srv.Client(append([]asgardeo.Option{asgardeo.WithRetry(3, 5*time.Millisecond)}, opts...)...)
	t.Cleanup(w.c.Close)
	w.org, err = w.c.Org(tokOrgID)
	require.NoError(t, err)
	return w
}

func (w *tokenWorld) app(a asgardeotest.Application, opts ...asgardeo.AppOption) *asgardeo.AppTokens {
	return w.org.Tokens().ForApp(a.ClientID, a.ClientSecret, opts...)
}

func oauthErr(t *testing.T, err error) *asgardeo.OAuthError {
	t.Helper()
	var oe *asgardeo.OAuthError
	require.ErrorAs(t, err, &oe)
	return oe
}

func TestClientCredentialsOneRequestForThousandCallers(t *testing.T) {
	w := newTokenWorld(t)
	ts := w.app(w.m2m).ClientCredentials("read_stores", "write_stores")
	const n = 1000
	toks := make([]*oauth2.Token, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			toks[i], errs[i] = ts.Token()
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, toks[0].AccessToken, toks[i].AccessToken)
	}
	assert.Equal(t, 1, w.srv.CountGrant("client_credentials"))
	assert.Equal(t, []string{"read_stores"}, asgardeo.GrantedScopes(toks[0]), "write_stores is not authorized")
	assert.Empty(t, toks[0].RefreshToken)

	// Cached until the margin before expiry, on the fake's clock.
	w.srv.Clock().Advance(time.Hour - asgardeo.DefaultExpiryMargin - time.Second)
	again, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, toks[0].AccessToken, again.AccessToken)
	assert.Equal(t, 1, w.srv.CountGrant("client_credentials"))

	w.srv.Clock().Advance(2 * time.Second)
	fresh, err := ts.Token()
	require.NoError(t, err)
	assert.NotEqual(t, toks[0].AccessToken, fresh.AccessToken)
	assert.Equal(t, 2, w.srv.CountGrant("client_credentials"))
}

func TestClientCredentialsSameScopesShareSource(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.m2m)
	a, err := app.ClientCredentials("read_stores").Token()
	require.NoError(t, err)
	b, err := app.ClientCredentials("read_stores").Token()
	require.NoError(t, err)
	assert.Equal(t, a.AccessToken, b.AccessToken)
	c, err := app.ClientCredentials().Token()
	require.NoError(t, err)
	assert.NotEqual(t, a.AccessToken, c.AccessToken)
	assert.Empty(t, asgardeo.GrantedScopes(c), "no scope requested: none granted")
	assert.Equal(t, 2, w.srv.CountGrant("client_credentials"))
}

func TestClientCredentialsFailedFetchThenRetry(t *testing.T) {
	w := newTokenWorld(t)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", GrantType: "client_credentials",
		Status: http.StatusBadRequest, Body: `{"error":"invalid_scope","error_description":"Invalid Scope!"}`})
	ts := w.app(w.m2m).ClientCredentials("read_stores")
	_, err := ts.Token()
	assert.ErrorIs(t, err, asgardeo.ErrInvalidScope)
	assert.Equal(t, "Invalid Scope!", oauthErr(t, err).Description)
	tok, err := ts.Token()
	require.NoError(t, err, "the next call tries again")
	assert.NotEmpty(t, tok.AccessToken)
	assert.Equal(t, 2, w.srv.CountGrant("client_credentials"))
}

func TestClientCredentialsRetriedOn503(t *testing.T) {
	w := newTokenWorld(t)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", GrantType: "client_credentials", Status: http.StatusServiceUnavailable})
	tok, err := w.app(w.m2m).ClientCredentials().Token()
	require.NoError(t, err)
	assert.NotEmpty(t, tok.AccessToken)
	assert.Equal(t, 2, w.srv.CountGrant("client_credentials"))
}

func TestServerErrorIsTypedAndRetried(t *testing.T) {
	w := newTokenWorld(t)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", Times: 3, Status: http.StatusInternalServerError,
		Body: `{"error":"server_error","error_description":"Internal Server Error."}`})
	_, err := w.app(w.m2m).ClientCredentials().Token()
	assert.ErrorIs(t, err, asgardeo.ErrServer)
	oe := oauthErr(t, err)
	assert.Equal(t, http.StatusInternalServerError, oe.StatusCode)
	assert.Equal(t, "server_error", oe.Code)
	assert.Equal(t, 3, w.srv.CountGrant("client_credentials"), "three attempts in all")
}

func TestClientCredentialsWrongSecret(t *testing.T) {
	w := newTokenWorld(t)
	_, err := w.org.Tokens().ForApp(w.m2m.ClientID, "not-the-secret").ClientCredentials().Token()
	assert.ErrorIs(t, err, asgardeo.ErrInvalidClient)
	assert.ErrorIs(t, err, asgardeo.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "not-the-secret")
	assert.Equal(t, 1, w.srv.CountGrant("client_credentials"), "a 401 is not retried")
}

func TestPasswordGrant(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web)
	ctx := context.Background()

	tok, err := app.Password(ctx, tokUser, tokPassword)
	require.NoError(t, err)
	assert.Empty(t, asgardeo.GrantedScopes(tok), "no scope requested: none granted")
	assert.NotEmpty(t, tok.RefreshToken)
	assert.Equal(t, w.srv.Clock().Now().Add(time.Hour).Unix(), tok.Expiry.Unix(), "expiry on the client's clock")

	tok, err = app.Password(ctx, tokUser, tokPassword, "read_stores", "write_stores", "internal_org_user_mgt_list")
	require.NoError(t, err)
	assert.Equal(t, []string{"read_stores", "internal_org_user_mgt_list"}, asgardeo.GrantedScopes(tok))

	_, err = app.Password(ctx, tokUser, "wrong-password-123")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidGrant)
	oe := oauthErr(t, err)
	assert.Equal(t, "Authentication failed for Charlie", oe.Description)
	assert.NotContains(t, err.Error(), "wrong-password-123")

	_, err = app.Password(ctx, "", tokPassword)
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)

	_, err = w.app(w.m2m).Password(ctx, tokUser, tokPassword)
	assert.ErrorIs(t, err, asgardeo.ErrUnauthorizedClient)
	assert.Equal(t, 4, w.srv.CountGrant("password"), "the empty username sent nothing")
}

func TestPasswordRetriedOn503(t *testing.T) {
	w := newTokenWorld(t)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", GrantType: "password", Status: http.StatusServiceUnavailable})
	_, err := w.app(w.web).Password(context.Background(), tokUser, tokPassword)
	require.NoError(t, err)
	assert.Equal(t, 2, w.srv.CountGrant("password"))
}

// follow requests authURL without following the redirect and returns the
// redirect's query.
func follow(t *testing.T, authURL string) url.Values {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(hc.CloseIdleConnections)
	resp, err := hc.Get(authURL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, tokCallback, loc.Scheme+"://"+loc.Host+loc.Path)
	return loc.Query()
}

func TestAuthorizationCodeFlow(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web, asgardeo.WithRedirectURL(tokCallback))
	ctx := context.Background()

	authURL, verifier := app.AuthCodeURL("state-42", []string{"openid", "read_stores", "write_stores"}, asgardeo.WithNonce("n-0S6"))
	require.NotEmpty(t, verifier)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	assert.Equal(t, "/t/"+w.srv.RootOrganization()+"/o/"+tokOrgID+"/oauth2/authorize", u.Path)
	q := u.Query()
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, tokClient, q.Get("client_id"))
	assert.Equal(t, tokCallback, q.Get("redirect_uri"))
	assert.Equal(t, "S256", q.Get("code_challenge_method"))
	assert.Equal(t, oauth2.S256ChallengeFromVerifier(verifier), q.Get("code_challenge"))
	assert.Equal(t, "n-0S6", q.Get("nonce"))
	assert.Equal(t, "openid read_stores write_stores", q.Get("scope"))

	require.NoError(t, w.srv.LoginAs(tokOrgID, tokUser))
	code, err := asgardeo.CheckCallback(follow(t, authURL), "state-42")
	require.NoError(t, err)

	tok, err := app.Exchange(ctx, code, verifier)
	require.NoError(t, err)
	assert.Equal(t, []string{"openid", "read_stores"}, asgardeo.GrantedScopes(tok))
	assert.NotEmpty(t, tok.RefreshToken)

	_, err = app.Exchange(ctx, code, verifier)
	assert.ErrorIs(t, err, asgardeo.ErrInvalidGrant)
	assert.Equal(t, "Inactive authorization code received from token request", oauthErr(t, err).Description)
	assert.NotContains(t, err.Error(), code)
	in, err := app.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.False(t, in.Active, "a replayed code revokes its tokens")
}

func TestAuthorizationCodeWrongVerifier(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web, asgardeo.WithRedirectURL(tokCallback))
	authURL, _ := app.AuthCodeURL("s", []string{"read_stores"})
	require.NoError(t, w.srv.LoginAs(tokOrgID, tokUser))
	code, err := asgardeo.CheckCallback(follow(t, authURL), "s")
	require.NoError(t, err)
	_, err = app.Exchange(context.Background(), code, oauth2.GenerateVerifier())
	assert.ErrorIs(t, err, asgardeo.ErrInvalidGrant)
	assert.Equal(t, "PKCE validation failed", oauthErr(t, err).Description)
}

func TestPublicClientCodeFlowSendsClientIDInForm(t *testing.T) {
	w := newTokenWorld(t)
	app := w.org.Tokens().ForApp(w.spa.ClientID, "", asgardeo.WithRedirectURL(tokCallback))
	authURL, verifier := app.AuthCodeURL("s", []string{"read_stores"})
	require.NoError(t, w.srv.LoginAs(tokOrgID, tokUser))
	code, err := asgardeo.CheckCallback(follow(t, authURL), "s")
	require.NoError(t, err)
	tok, err := app.Exchange(context.Background(), code, verifier)
	require.NoError(t, err)
	assert.Equal(t, []string{"read_stores"}, asgardeo.GrantedScopes(tok))
	var found bool
	for _, e := range w.srv.Journal() {
		if e.GrantType == "authorization_code" {
			found = true
			assert.Equal(t, w.spa.ClientID, e.Form.Get("client_id"))
			assert.Empty(t, e.Form.Get("client_secret"))
		}
	}
	assert.True(t, found)
}

func TestExchangeNeverRetriedAfterReachingServer(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web, asgardeo.WithRedirectURL(tokCallback))
	authURL, verifier := app.AuthCodeURL("s", nil)
	require.NoError(t, w.srv.LoginAs(tokOrgID, tokUser))
	code, err := asgardeo.CheckCallback(follow(t, authURL), "s")
	require.NoError(t, err)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", GrantType: "authorization_code", Status: http.StatusServiceUnavailable, Times: 3})
	_, err = app.Exchange(context.Background(), code, verifier)
	assert.ErrorIs(t, err, asgardeo.ErrServer)
	assert.Equal(t, 1, w.srv.CountGrant("authorization_code"))
}

func TestCheckCallback(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web, asgardeo.WithRedirectURL(tokCallback))
	authURL, _ := app.AuthCodeURL("s-1", nil)

	w.srv.DenyConsent()
	_, err := asgardeo.CheckCallback(follow(t, authURL), "s-1")
	assert.ErrorIs(t, err, asgardeo.ErrAccessDenied)
	assert.Equal(t, "access_denied", oauthErr(t, err).Code)

	// With no login queued and prompt=none, the fake cannot show its login page.
	silent, _ := app.AuthCodeURL("s-1", nil, asgardeo.WithPrompt("none"))
	_, err = asgardeo.CheckCallback(follow(t, silent), "s-1")
	assert.Equal(t, "login_required", oauthErr(t, err).Code)

	require.NoError(t, w.srv.LoginAs(tokOrgID, tokUser))
	_, err = asgardeo.CheckCallback(follow(t, authURL), "another-state")
	assert.ErrorIs(t, err, asgardeo.ErrStateMismatch)

	_, err = asgardeo.CheckCallback(url.Values{"state": {"x"}}, "x")
	assert.ErrorIs(t, err, asgardeo.ErrMalformed)
	_, err = asgardeo.CheckCallback(url.Values{"code": {"c"}}, "")
	assert.ErrorIs(t, err, asgardeo.ErrStateMismatch, "an empty expected state never matches")
}

func TestAuthCodeURLWithoutPKCE(t *testing.T) {
	w := newTokenWorld(t)
	authURL, verifier := w.app(w.web).AuthCodeURL("s", nil, asgardeo.WithoutPKCE(), asgardeo.WithAuthParam("code_challenge", "forged"), asgardeo.WithPrompt("login"))
	assert.Empty(t, verifier)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	assert.Empty(t, u.Query().Get("code_challenge"), "reserved parameters cannot be set")
	assert.Equal(t, "login", u.Query().Get("prompt"))
	assert.Empty(t, u.Query().Get("redirect_uri"))
}

func TestRefreshKeepsRefreshTokenWithoutRotation(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web)
	ctx := context.Background()
	tok, err := app.Password(ctx, tokUser, tokPassword, "read_stores", "internal_org_user_mgt_list")
	require.NoError(t, err)
	next, err := app.Refresh(ctx, tok.RefreshToken)
	require.NoError(t, err)
	assert.Equal(t, tok.RefreshToken, next.RefreshToken)
	assert.NotEqual(t, tok.AccessToken, next.AccessToken)
	assert.Equal(t, []string{"read_stores", "internal_org_user_mgt_list"}, asgardeo.GrantedScopes(next))

	_, err = app.Refresh(ctx, "no-such-refresh-token")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidGrant)
	assert.NotContains(t, err.Error(), "no-such-refresh-token")
}

func TestRefreshSourceRotatesOnceForConcurrentCallers(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.rot)
	ctx := context.Background()
	tok, err := app.Password(ctx, tokUser, tokPassword, "read_stores")
	require.NoError(t, err)

	var mu sync.Mutex
	var seen []*oauth2.Token
	ts := app.RefreshSource(tok, func(nt *oauth2.Token) {
		mu.Lock()
		seen = append(seen, nt)
		mu.Unlock()
	})
	first, err := ts.Token()
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, first.AccessToken, "the given token is used while valid")
	assert.Equal(t, 0, w.srv.CountGrant("refresh_token"))

	w.srv.Clock().Advance(time.Hour)
	const n = 50
	toks := make([]*oauth2.Token, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			toks[i], err = ts.Token()
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, w.srv.CountGrant("refresh_token"))
	require.Len(t, seen, 1)
	rotated := seen[0]
	assert.NotEqual(t, tok.RefreshToken, rotated.RefreshToken, "the server rotated the refresh token")
	for _, x := range toks {
		assert.Equal(t, rotated.AccessToken, x.AccessToken)
	}
	assert.Equal(t, []string{"read_stores"}, asgardeo.GrantedScopes(rotated))

	// The next refresh uses the rotated refresh token.
	w.srv.Clock().Advance(time.Hour)
	third, err := ts.Token()
	require.NoError(t, err)
	assert.NotEqual(t, rotated.AccessToken, third.AccessToken)
	assert.Equal(t, 2, w.srv.CountGrant("refresh_token"))
	require.Len(t, seen, 2)
	in, err := app.Introspect(ctx, third.AccessToken, asgardeo.NoHint)
	require.NoError(t, err)
	assert.True(t, in.Active)
}

func TestRefreshNeverRetriedAfterReachingServer(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.rot)
	tok, err := app.Password(context.Background(), tokUser, tokPassword)
	require.NoError(t, err)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", GrantType: "refresh_token", Status: http.StatusBadGateway, Times: 3})
	_, err = app.Refresh(context.Background(), tok.RefreshToken)
	assert.ErrorIs(t, err, asgardeo.ErrServer)
	assert.Equal(t, 1, w.srv.CountGrant("refresh_token"))
}

func TestOrganizationSwitchFromRootClientCredentials(t *testing.T) {
	w := newTokenWorld(t)
	admin := w.c.Tokens().ForApp(w.srv.Admin().ClientID, w.srv.Admin().ClientSecret)
	root := admin.ClientCredentials()
	ts := admin.OrganizationSwitch(root, tokOrgID, "internal_org_application_mgt_view", "internal_org_role_mgt_view", "internal_user_mgt_list")

	const n = 200
	toks := make([]*oauth2.Token, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			toks[i], err = ts.Token()
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, w.srv.CountGrant("client_credentials"))
	assert.Equal(t, 1, w.srv.CountGrant("organization_switch"))
	assert.Equal(t, 2, w.srv.Count(http.MethodPost, "/oauth2/token"), "both grants at the root token endpoint")
	assert.Equal(t, 0, w.srv.Count(http.MethodPost, "/o/"+tokOrgID+"/oauth2/token"))
	for _, x := range toks {
		assert.Equal(t, toks[0].AccessToken, x.AccessToken)
	}
	assert.Equal(t, []string{"internal_org_application_mgt_view", "internal_org_role_mgt_view"}, asgardeo.GrantedScopes(toks[0]),
		"internal_* scopes that are not internal_org_* are dropped")

	in, err := admin.Introspect(context.Background(), toks[0].AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.True(t, in.Active)
	assert.Equal(t, tokOrgID, in.OrgID, "the switched token is bound to the organization")
	assert.Equal(t, "APPLICATION", in.AUT)

	_, err = admin.OrganizationSwitch(root, "not-a-uuid").Token()
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
}

func TestManagementCallsFetchTokensOnce(t *testing.T) {
	w := newTokenWorld(t)
	const n = 100
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The route may not exist: only the token traffic matters here.
			_, _ = w.org.CallForTest(context.Background(), http.MethodGet, []string{"applications"}, nil, nil)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, w.srv.CountGrant("client_credentials"))
	assert.Equal(t, 1, w.srv.CountGrant("organization_switch"))

	// Past expiry on the shared clock both tokens are fetched anew, once.
	w.srv.Clock().Advance(time.Hour)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = w.org.CallForTest(context.Background(), http.MethodGet, []string{"applications"}, nil, nil)
		}()
	}
	wg.Wait()
	assert.Equal(t, 2, w.srv.CountGrant("client_credentials"))
	assert.Equal(t, 2, w.srv.CountGrant("organization_switch"))
}

func TestAppTokensNeverPrintsSecret(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, app)
		assert.NotContains(t, out, tokSecret, verb)
		assert.Contains(t, out, tokClient, verb)
	}
	err := fmt.Errorf("wrapped: %v", app)
	assert.NotContains(t, err.Error(), tokSecret)
}

func TestEmptyClientIDIsInvalidInput(t *testing.T) {
	w := newTokenWorld(t)
	app := w.org.Tokens().ForApp("", "x")
	_, err := app.ClientCredentials().Token()
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
	_, err = app.Exchange(context.Background(), "code", "")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
	_, err = w.app(w.web).Exchange(context.Background(), "", "")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
	_, err = w.app(w.web).Refresh(context.Background(), "")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
	var nilCtx context.Context
	_, err = w.app(w.web).Password(nilCtx, tokUser, tokPassword)
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
	assert.Equal(t, 0, w.srv.Requests())
}

func TestCanceledContext(t *testing.T) {
	w := newTokenWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := w.app(w.web).Password(ctx, tokUser, tokPassword)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	assert.False(t, strings.Contains(err.Error(), tokPassword))
}
