package asgardeo_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

const (
	verifyUser     = "victor"
	verifyPassword = "victor-password"
	verifyCallback = "https://app.example.com/cb"
)

type verifyWorld struct {
	srv    *asgardeotest.Server
	org    *asgardeo.Org
	app    asgardeotest.Application
	tokens *asgardeo.AppTokens
}

// newVerifyWorld seeds an organization with a JWT-token application
// authorized to read_things, and a user who holds read_things.
func newVerifyWorld(t *testing.T, opts ...asgardeotest.Option) *verifyWorld {
	t.Helper()
	srv := asgardeotest.NewServer(t, opts...)
	o, err := srv.AddOrganization("Verify Inc")
	require.NoError(t, err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "https://things.example.com", Scopes: []string{"read_things"}})
	require.NoError(t, err)
	_, err = srv.AddUser(o.ID, verifyUser, verifyPassword)
	require.NoError(t, err)
	app, err := srv.AddApplication(asgardeotest.AppSpec{
		Organization: o.ID, Name: "verified", AccessTokenType: "JWT",
		GrantTypes:     []string{"client_credentials", "password", "authorization_code"},
		CallbackURLs:   []string{verifyCallback},
		AuthorizedAPIs: []asgardeotest.AuthorizedAPISpec{{Identifier: "https://things.example.com", Scopes: []string{"read_things"}}},
	})
	require.NoError(t, err)
	_, err = srv.AddRole(asgardeotest.RoleSpec{Organization: o.ID, Name: "reader", Application: app.ID, Permissions: []string{"read_things"}, Users: []string{verifyUser}})
	require.NoError(t, err)
	c := srv.Client()
	t.Cleanup(c.Close)
	org, err := c.Org(o.ID)
	require.NoError(t, err)
	return &verifyWorld{srv: srv, org: org, app: app, tokens: org.Tokens().ForApp(app.ClientID, app.ClientSecret, asgardeo.WithRedirectURL(verifyCallback))}
}

func (w *verifyWorld) jwksFetches() int {
	return w.srv.Count(http.MethodGet, "/o/"+w.org.ID()+"/oauth2/jwks")
}

func (w *verifyWorld) appToken(t *testing.T) string {
	t.Helper()
	tok, err := w.tokens.ClientCredentials("read_things").Token()
	require.NoError(t, err)
	return tok.AccessToken
}

func (w *verifyWorld) verifier(t *testing.T, opts ...asgardeo.VerifierOption) *asgardeo.Verifier {
	t.Helper()
	v, err := w.tokens.Verifier(opts...)
	require.NoError(t, err)
	return v
}

// forgeryKey is an RSA key the fake never published.
var forgeryKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// forge signs claims with the forgery key under the given key ID.
func forge(t *testing.T, kid string, claims any) string {
	t.Helper()
	key, err := forgeryKey()
	require.NoError(t, err)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("at+jwt"))
	require.NoError(t, err)
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	require.NoError(t, err)
	return raw
}

// tokenParts decodes the header and claims of a compact JWT without verifying it.
func tokenParts(t *testing.T, raw string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3)
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, dst))
	}
	return header, claims
}

func TestVerifyMatchesIntrospection(t *testing.T) {
	w := newVerifyWorld(t)
	ctx := context.Background()
	v := w.verifier(t)
	for _, tc := range []struct {
		name  string
		token func() string
	}{
		{"application token", func() string { return w.appToken(t) }},
		{"user token", func() string {
			tok, err := w.tokens.Password(ctx, verifyUser, verifyPassword, "read_things")
			require.NoError(t, err)
			return tok.AccessToken
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.token()
			got, err := v.Verify(ctx, raw)
			require.NoError(t, err)
			want, err := w.tokens.Introspect(ctx, raw, asgardeo.AccessTokenHint)
			require.NoError(t, err)
			assert.True(t, got.Active)
			assert.Equal(t, want.Active, got.Active)
			assert.Equal(t, "JWT", got.TokenType)
			assert.Equal(t, want.TokenType, got.TokenType)
			assert.Equal(t, []string{"read_things"}, got.Scopes)
			assert.Equal(t, want.Scopes, got.Scopes)
			assert.Equal(t, want.ClientID, got.ClientID)
			assert.Equal(t, want.Audience, got.Audience)
			assert.Equal(t, want.AUT, got.AUT)
			assert.Equal(t, w.org.ID(), got.OrgID)
			assert.Equal(t, want.OrgID, got.OrgID)
			assert.True(t, want.ExpiresAt.Equal(got.ExpiresAt))
			assert.True(t, want.IssuedAt.Equal(got.IssuedAt))
			assert.Equal(t, w.org.Endpoints().Issuer, got.Issuer)
			assert.NotEmpty(t, got.JTI)
			assert.NotEmpty(t, got.Subject)
		})
	}
	assert.Equal(t, 1, w.jwksFetches(), "keys are cached between verifications")
}

func TestVerifyOpaqueTokenIsNotJWT(t *testing.T) {
	w := newVerifyWorld(t)
	_, err := w.verifier(t).Verify(context.Background(), "3fa1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b")
	require.ErrorIs(t, err, asgardeo.ErrNotJWT)
	assert.Contains(t, err.Error(), "introspect")
	assert.Equal(t, 0, w.jwksFetches(), "an opaque token needs no keys")
}

func TestVerifyRejects(t *testing.T) {
	w := newVerifyWorld(t)
	ctx := context.Background()
	raw := w.appToken(t)
	v := w.verifier(t)
	_, err := v.Verify(ctx, raw)
	require.NoError(t, err)
	header, claims := tokenParts(t, raw)
	kid := header["kid"].(string)

	other, err := w.srv.AddOrganization("Other Inc")
	require.NoError(t, err)
	otherOrg, err := w.srv.Client().Org(other.ID)
	require.NoError(t, err)
	otherVerifier, err := otherOrg.Verifier()
	require.NoError(t, err)
	wrongAudience := w.verifier(t, asgardeo.WithAudience("someone-else"))
	idTok, err := w.tokens.Password(ctx, verifyUser, verifyPassword, "openid")
	require.NoError(t, err)

	parts := strings.Split(raw, ".")
	claims["scope"] = "read_things write_things"
	tampered, err := json.Marshal(claims)
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		v   *asgardeo.Verifier
		raw string
	}{
		"forged signature under a published kid": {v, forge(t, kid, claims)},
		"tampered claims":                        {v, parts[0] + "." + base64.RawURLEncoding.EncodeToString(tampered) + "." + parts[2]},
		"another audience":                       {wrongAudience, raw},
		"another organization's issuer":          {otherVerifier, raw},
		"an ID token as access token":            {v, asgardeo.IDToken(idTok)},
		"garbage with two dots":                  {v, "a.b.c"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.v.Verify(ctx, tc.raw)
			require.ErrorIs(t, err, asgardeo.ErrInvalidToken)
			assert.NotContains(t, err.Error(), tc.raw, "the token is not put in the error")
		})
	}

	w.srv.Clock().Advance(time.Hour + asgardeo.DefaultLeeway + time.Second)
	_, err = v.Verify(ctx, raw)
	assert.ErrorIs(t, err, asgardeo.ErrTokenExpired)
	assert.ErrorIs(t, err, asgardeo.ErrInvalidToken)
}

// A JWT access token stops verifying once its key has left the JWKS:
// RotateKeys keeps the old key for the grace period, after which the
// verifier's key cache expires and the refetched JWKS no longer holds it.
func TestVerifyAfterKeyRotation(t *testing.T) {
	w := newVerifyWorld(t, asgardeotest.WithKeyGracePeriod(10*time.Minute))
	ctx := context.Background()
	v := w.verifier(t)
	old := w.appToken(t)
	_, err := v.Verify(ctx, old)
	require.NoError(t, err)

	w.srv.RotateKeys()
	w.srv.Clock().Advance(2 * time.Minute)
	fresh, err := w.tokens.Password(ctx, verifyUser, verifyPassword, "read_things")
	require.NoError(t, err)
	oldHeader, _ := tokenParts(t, old)
	newHeader, _ := tokenParts(t, fresh.AccessToken)
	require.NotEqual(t, oldHeader["kid"], newHeader["kid"], "tokens after the rotation use the new key")
	_, err = v.Verify(ctx, fresh.AccessToken)
	require.NoError(t, err, "an unknown kid refetches the JWKS")
	assert.Equal(t, 2, w.jwksFetches())
	_, err = v.Verify(ctx, old)
	require.NoError(t, err, "the old key is published during the grace period")

	w.srv.Clock().Advance(asgardeo.DefaultJWKSMaxAge)
	_, err = v.Verify(ctx, old)
	require.ErrorIs(t, err, asgardeo.ErrInvalidToken)
	assert.NotErrorIs(t, err, asgardeo.ErrTokenExpired, "the token is still within its lifetime")
	_, err = v.Verify(ctx, fresh.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, 3, w.jwksFetches())
}

// A flood of tokens with unknown key IDs costs at most one JWKS request per
// refresh interval.
func TestVerifyUnknownKeyIDsDoNotFloodTheJWKS(t *testing.T) {
	w := newVerifyWorld(t)
	ctx := context.Background()
	v := w.verifier(t)
	_, claims := tokenParts(t, w.appToken(t))
	flood := func() {
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				_, err := v.Verify(ctx, forge(t, "forged-"+strconv.Itoa(i), claims))
				assert.ErrorIs(t, err, asgardeo.ErrInvalidToken)
			})
		}
		wg.Wait()
	}
	flood()
	assert.Equal(t, 1, w.jwksFetches())
	flood()
	assert.Equal(t, 1, w.jwksFetches(), "no refetch within the refresh interval")
	w.srv.Clock().Advance(asgardeo.DefaultJWKSRefreshInterval)
	flood()
	assert.Equal(t, 2, w.jwksFetches(), "one refetch per interval")
}

// authorize runs the authorization request of a queued programmatic login
// and returns the callback query.
func authorize(t *testing.T, srv *asgardeotest.Server, authURL string) url.Values {
	t.Helper()
	hc := srv.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Get(authURL)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return loc.Query()
}

func TestVerifyIDToken(t *testing.T) {
	w := newVerifyWorld(t)
	ctx := context.Background()
	require.NoError(t, w.srv.LoginAs(w.org.ID(), verifyUser))
	authURL, verifier := w.tokens.AuthCodeURL("st", []string{"openid", "read_things"}, asgardeo.WithNonce("n-0S6_WzA2Mj"))
	code, err := asgardeo.CheckCallback(authorize(t, w.srv, authURL), "st")
	require.NoError(t, err)
	tok, err := w.tokens.Exchange(ctx, code, verifier)
	require.NoError(t, err)
	raw := asgardeo.IDToken(tok)
	v := w.verifier(t)

	idt, err := v.VerifyIDToken(ctx, raw, "n-0S6_WzA2Mj")
	require.NoError(t, err)
	assert.Equal(t, w.org.Endpoints().Issuer, idt.Issuer)
	assert.Equal(t, []string{w.app.ClientID}, idt.Audience)
	assert.Equal(t, w.app.ClientID, idt.AuthorizedParty)
	assert.Equal(t, w.org.ID(), idt.OrgID)
	assert.Equal(t, "n-0S6_WzA2Mj", idt.Nonce)
	assert.False(t, idt.AuthTime.IsZero())
	require.NoError(t, idt.VerifyAccessToken(tok.AccessToken))
	assert.ErrorIs(t, idt.VerifyAccessToken(w.appToken(t)), asgardeo.ErrInvalidToken)

	_, err = v.VerifyIDToken(ctx, raw, "another-nonce")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidToken)
	_, err = v.VerifyIDToken(ctx, raw, "")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidToken, "a nonce the caller did not expect")
	_, err = v.VerifyIDToken(ctx, tok.AccessToken, "n-0S6_WzA2Mj")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidToken, "an access token is not an ID token")
	_, err = w.verifier(t, asgardeo.WithAudience("someone-else")).VerifyIDToken(ctx, raw, "n-0S6_WzA2Mj")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidToken)

	noAudience, err := w.org.Verifier()
	require.NoError(t, err)
	_, err = noAudience.VerifyIDToken(ctx, raw, "n-0S6_WzA2Mj")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)

	w.srv.Clock().Advance(time.Hour + time.Minute)
	_, err = v.VerifyIDToken(ctx, raw, "n-0S6_WzA2Mj")
	assert.ErrorIs(t, err, asgardeo.ErrTokenExpired)
}

func TestVerifierOptions(t *testing.T) {
	w := newVerifyWorld(t)
	for name, opt := range map[string]asgardeo.VerifierOption{
		"negative leeway":  asgardeo.WithLeeway(-time.Second),
		"huge leeway":      asgardeo.WithLeeway(time.Hour),
		"zero interval":    asgardeo.WithJWKSRefreshInterval(0),
		"zero max age":     asgardeo.WithJWKSMaxAge(0),
		"max age < period": asgardeo.WithJWKSMaxAge(time.Second),
		"empty audience":   asgardeo.WithAudience(" "),
	} {
		_, err := w.org.Verifier(opt)
		assert.ErrorIs(t, err, asgardeo.ErrInvalidInput, name)
	}
	_, err := w.org.Tokens().ForApp("", "").Verifier()
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
}
