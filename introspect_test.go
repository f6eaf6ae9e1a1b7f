package asgardeo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
)

func TestIntrospectUserToken(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web)
	ctx := context.Background()
	tok, err := app.Password(ctx, tokUser, tokPassword, "openid", "internal_org_user_mgt_list")
	require.NoError(t, err)
	now := w.srv.Clock().Now()

	in, err := app.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.True(t, in.Active)
	assert.Equal(t, []string{"openid", "internal_org_user_mgt_list"}, in.Scopes)
	assert.Equal(t, tokClient, in.ClientID)
	assert.Equal(t, []string{tokClient}, in.Audience)
	assert.Equal(t, "APPLICATION_USER", in.AUT)
	assert.Equal(t, "Charlie@"+tokOrgID, in.Username)
	assert.Equal(t, tokOrgID, in.OrgID)
	assert.Equal(t, "Bearer", in.TokenType)
	assert.Equal(t, now.Unix(), in.IssuedAt.Unix())
	assert.Equal(t, now.Unix(), in.NotBefore.Unix())
	assert.Equal(t, now.Add(time.Hour).Unix(), in.ExpiresAt.Unix())
	assert.Equal(t, true, in.Extra["active"])
	assert.Equal(t, "APPLICATION_USER", in.Extra["aut"])

	rt, err := app.Introspect(ctx, tok.RefreshToken, asgardeo.RefreshTokenHint)
	require.NoError(t, err)
	assert.True(t, rt.Active)
	assert.Equal(t, now.Add(24*time.Hour).Unix(), rt.ExpiresAt.Unix())

	assert.Equal(t, 2, w.srv.Count(http.MethodPost, "/o/"+tokOrgID+"/oauth2/introspect"))
}

func TestIntrospectApplicationToken(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.m2m)
	tok, err := app.ClientCredentials().Token()
	require.NoError(t, err)
	in, err := app.Introspect(context.Background(), tok.AccessToken, asgardeo.NoHint)
	require.NoError(t, err)
	assert.True(t, in.Active)
	assert.Equal(t, "APPLICATION", in.AUT)
	assert.Empty(t, in.Username)
	assert.Empty(t, in.Scopes)
}

func TestIntrospectInactiveIsNotAnError(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.m2m)
	ctx := context.Background()

	in, err := app.Introspect(ctx, "never-issued", asgardeo.NoHint)
	require.NoError(t, err)
	assert.False(t, in.Active)
	assert.Equal(t, map[string]any{"active": false}, in.Extra)

	ts := app.ClientCredentials()
	tok, err := ts.Token()
	require.NoError(t, err)
	w.srv.Clock().Advance(time.Hour)
	in, err = app.Introspect(ctx, tok.AccessToken, asgardeo.NoHint)
	require.NoError(t, err)
	assert.False(t, in.Active, "expired on the server's clock")
	fresh, err := ts.Token()
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, fresh.AccessToken, "the cached source, on the same clock, fetched anew")
	in, err = app.Introspect(ctx, fresh.AccessToken, asgardeo.NoHint)
	require.NoError(t, err)
	assert.True(t, in.Active)
}

func TestIntrospectErrors(t *testing.T) {
	w := newTokenWorld(t)
	ctx := context.Background()
	_, err := w.org.Tokens().ForApp(w.m2m.ClientID, "wrong-secret-xyz").Introspect(ctx, "t", asgardeo.NoHint)
	assert.ErrorIs(t, err, asgardeo.ErrInvalidClient)
	assert.NotContains(t, err.Error(), "wrong-secret-xyz")

	_, err = w.app(w.m2m).Introspect(ctx, " ", asgardeo.NoHint)
	assert.ErrorIs(t, err, asgardeo.ErrInvalidInput)
	assert.Equal(t, 1, w.srv.Count(http.MethodPost, "/o/"+tokOrgID+"/oauth2/introspect"), "an empty token is refused before the network")
}

func TestRevoke(t *testing.T) {
	w := newTokenWorld(t)
	app := w.app(w.web)
	ctx := context.Background()
	tok, err := app.Password(ctx, tokUser, tokPassword)
	require.NoError(t, err)

	err = w.app(w.rot).Revoke(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	assert.ErrorIs(t, err, asgardeo.ErrUnauthorizedClient, "another client's token")
	assert.NotContains(t, err.Error(), tok.AccessToken)

	require.NoError(t, app.Revoke(ctx, tok.RefreshToken, asgardeo.RefreshTokenHint))
	in, err := app.Introspect(ctx, tok.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	assert.False(t, in.Active, "revoking the refresh token revokes its access token")
	_, err = app.Refresh(ctx, tok.RefreshToken)
	assert.ErrorIs(t, err, asgardeo.ErrInvalidGrant)

	require.NoError(t, app.Revoke(ctx, "never-issued", asgardeo.NoHint), "unknown tokens revoke fine")
	assert.ErrorIs(t, app.Revoke(ctx, "", asgardeo.NoHint), asgardeo.ErrInvalidInput)
}

func TestRevokeSwitchedToken(t *testing.T) {
	w := newTokenWorld(t)
	admin := w.c.Tokens().ForApp(w.srv.Admin().ClientID, w.srv.Admin().ClientSecret)
	ts := admin.OrganizationSwitch(admin.ClientCredentials(), tokOrgID, "internal_org_application_mgt_view")
	tok, err := ts.Token()
	require.NoError(t, err)
	require.NoError(t, admin.Revoke(context.Background(), tok.AccessToken, asgardeo.AccessTokenHint))
	in, err := admin.Introspect(context.Background(), tok.AccessToken, asgardeo.NoHint)
	require.NoError(t, err)
	assert.False(t, in.Active)
}

// introspectionServer answers every introspection with body.
func introspectionServer(t *testing.T, body string) *asgardeo.AppTokens {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL(ts.URL))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	org, err := c.Org(tokOrgID)
	require.NoError(t, err)
	return org.Tokens().ForApp("client", "secret")
}

func TestIntrospectWireVariants(t *testing.T) {
	app := introspectionServer(t, `{"active":true,"aud":["a","b"],"scope":"x y","exp":"1739256983","iat":1739253383.5,"sub":"u-1","iss":"https://issuer","jti":"j-1","org_name":"East","custom":{"k":1}}`)
	in, err := app.Introspect(context.Background(), "t", asgardeo.NoHint)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, in.Audience)
	assert.Equal(t, []string{"x", "y"}, in.Scopes)
	assert.Equal(t, time.Unix(1739256983, 0), in.ExpiresAt)
	assert.Equal(t, time.Unix(1739253383, 5e8), in.IssuedAt)
	assert.True(t, in.NotBefore.IsZero())
	assert.Equal(t, "u-1", in.Subject)
	assert.Equal(t, "https://issuer", in.Issuer)
	assert.Equal(t, "j-1", in.JTI)
	assert.Equal(t, "East", in.OrgName)
	assert.Equal(t, map[string]any{"k": float64(1)}, in.Extra["custom"])
}

func TestIntrospectMalformedAnswers(t *testing.T) {
	for name, body := range map[string]string{
		"no active":        `{"scope":"x"}`,
		"active not bool":  `{"active":"true"}`,
		"aud wrong type":   `{"active":true,"aud":5}`,
		"exp wrong type":   `{"active":true,"exp":true}`,
		"client_id number": `{"active":true,"client_id":7}`,
		"not json":         `<html>`,
		"trailing data":    `{"active":false} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := introspectionServer(t, body).Introspect(context.Background(), "t", asgardeo.NoHint)
			assert.ErrorIs(t, err, asgardeo.ErrMalformed)
			var me *asgardeo.MalformedError
			assert.ErrorAs(t, err, &me)
		})
	}
}

func TestRevokeAcceptsEmptyBody(t *testing.T) {
	var got []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		got = append(got, r.PostForm.Get("token"), r.PostForm.Get("token_type_hint"))
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(ts.Close)
	c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL(ts.URL))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	org, err := c.Org(tokOrgID)
	require.NoError(t, err)
	require.NoError(t, org.Tokens().ForApp("client", "secret").Revoke(context.Background(), "tok", asgardeo.RefreshTokenHint))
	assert.Equal(t, []string{"tok", "refresh_token"}, got)
}
