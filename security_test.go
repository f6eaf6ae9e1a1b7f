package asgardeo_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// TestPlainHTTPOnlyOnLoopback: https everywhere; http only on a loopback
// host, or with the loudly named WithInsecurePlainHTTP.
func TestPlainHTTPOnlyOnLoopback(t *testing.T) {
	for _, tc := range []struct {
		base     string
		insecure bool
		ok       bool
	}{
		{"https://api.asgardeo.io", false, true},
		{"http://api.asgardeo.io", false, false},
		{"http://api.asgardeo.io", true, true},
		{"http://127.0.0.1:8080", false, true},
		{"http://127.9.9.9", false, true},
		{"http://[::1]:8080", false, true},
		{"http://localhost:8080", false, true},
		{"http://localhost.evil.example", false, false},
		{"http://10.0.0.1", false, false},
		{"ftp://api.asgardeo.io", false, false},
		{"https://user:pass@api.asgardeo.io", false, false},
	} {
		opts := []asgardeo.Option{asgardeo.WithBaseURL(tc.base)}
		if tc.insecure {
			opts = append(opts, asgardeo.WithInsecurePlainHTTP())
		}
		_, err := asgardeo.New("bestcarmart", opts...)
		assert.Equal(t, tc.ok, err == nil, "%s insecure=%t: %v", tc.base, tc.insecure, err)
		if err != nil {
			assert.NotContains(t, err.Error(), "pass@", "the error repeats no credential")
		}
	}
}

// TestTLS12EvenWithUserTransport: a user's *http.Transport that allows TLS
// 1.0 is cloned with TLS 1.2 as its minimum, so a server that speaks only
// TLS 1.1 is refused; the user's transport itself is left as it was.
func TestTLS12EvenWithUserTransport(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{}`))
	}))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	srv.Config.ErrorLog = newDiscardLog()
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	weak := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10}}
	defer weak.CloseIdleConnections()

	// The transport as the user configured it does reach the server...
	resp, err := (&http.Client{Transport: weak}).Get(srv.URL)
	if err != nil {
		t.Skipf("this Go refuses TLS 1.1 even when asked: %v", err)
	}
	resp.Body.Close()
	require.Equal(t, int32(1), hits.Load())

	// ...the SDK with the same transport does not.
	c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL(srv.URL), asgardeo.WithHTTPClient(&http.Client{Transport: weak}),
		asgardeo.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})), asgardeo.WithoutRetry())
	require.NoError(t, err)
	defer c.Close()
	_, err = c.DoForTest(context.Background(), http.MethodGet, srv.URL+"/t/bestcarmart/o/api/server/v1/applications", nil, nil)
	var te *asgardeo.TransportError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, err.Error(), "protocol version")
	assert.Equal(t, int32(1), hits.Load(), "the SDK's request never reached the handler")
	assert.Equal(t, uint16(tls.VersionTLS10), weak.TLSClientConfig.MinVersion, "the user's transport is not changed")
}

// TestRedirectsAreNotFollowed: a 307 to another host is returned as an
// error; neither the bearer token, nor the client's Basic credentials, nor
// a form with a password reaches the other host.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		_, _ = w.Write([]byte(`{"access_token":"stolen","active":true}`))
	}))
	defer other.Close()
	otherURL, err := url.Parse(other.URL)
	require.NoError(t, err)
	var redirected atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		redirected.Add(1)
		http.Redirect(w, r, "http://localhost:"+otherURL.Port()+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()

	c, err := asgardeo.New("bestcarmart", asgardeo.WithBaseURL(srv.URL), asgardeo.WithoutRetry(),
		asgardeo.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "bearer-token"})))
	require.NoError(t, err)
	defer c.Close()
	org, err := c.Org(tokOrgID)
	require.NoError(t, err)
	app := org.Tokens().ForApp("client", "client-secret")
	ctx := context.Background()

	_, err = org.Applications().Get(ctx, "5b0c3e1a-1111-4000-8000-000000000000")
	assert.Error(t, err, "management GET")
	_, err = org.Applications().Create(ctx, asgardeo.NewM2MApplication("inventory-sync"))
	assert.Error(t, err, "management POST")
	_, err = app.Password(ctx, "kim", "user-password")
	assert.Error(t, err, "password grant (x/oauth2)")
	_, err = app.ClientCredentials().Token()
	assert.Error(t, err, "client credentials (x/oauth2)")
	_, err = app.Introspect(ctx, "some-token", asgardeo.AccessTokenHint)
	assert.Error(t, err, "introspection (form post)")
	var e *asgardeo.OAuthError
	if assert.ErrorAs(t, err, &e) {
		assert.Equal(t, http.StatusTemporaryRedirect, e.StatusCode)
	}
	assert.Equal(t, int32(5), redirected.Load())
	assert.Zero(t, elsewhere.Load(), "nothing followed the redirect")
}

// TestResponseBodiesAreBounded: an error body of 10 MB is read only up to
// the limit and becomes a typed error with a short snippet.
func TestResponseBodiesAreBounded(t *testing.T) {
	srv := asgardeotest.NewServer(t)
	o, err := srv.AddOrganizationWithID(tokOrgID, "East")
	require.NoError(t, err)
	c := srv.Client(asgardeo.WithoutRetry())
	defer c.Close()
	org, err := c.Org(o.ID)
	require.NoError(t, err)
	srv.InjectFault(asgardeotest.Fault{Method: http.MethodGet, Path: "/o/api/server/v1/applications", Status: http.StatusInternalServerError,
		Body: strings.Repeat("x", 10<<20), ContentType: "text/plain"})
	_, err = org.Applications().List(context.Background(), nil)
	require.ErrorIs(t, err, asgardeo.ErrMalformed)
	assert.Less(t, len(err.Error()), 2048, "the error keeps a snippet, not the body")
}

// TestAuthCodeHelpersCheckStateAndPKCE: the authorization URL always
// carries an S256 challenge of a fresh verifier; a callback with another
// state is refused before its code is looked at; a code exchanged without
// its verifier is refused by the server.
func TestAuthCodeHelpersCheckStateAndPKCE(t *testing.T) {
	w := newTokenWorld(t)
	app := w.org.Tokens().ForApp(w.spa.ClientID, "", asgardeo.WithRedirectURL(tokCallback))
	u1, v1 := app.AuthCodeURL("state-1", []string{"read_stores"})
	u2, v2 := app.AuthCodeURL("state-1", []string{"read_stores"})
	assert.NotEqual(t, v1, v2, "a fresh verifier every time")
	assert.GreaterOrEqual(t, len(v1), 43)
	q, err := url.Parse(u1)
	require.NoError(t, err)
	assert.Equal(t, "S256", q.Query().Get("code_challenge_method"))
	assert.Equal(t, oauth2.S256ChallengeFromVerifier(v1), q.Query().Get("code_challenge"))
	assert.NotContains(t, u1+u2, v1, "the verifier never travels in the URL")

	require.NoError(t, w.srv.LoginAs(tokOrgID, tokUser))
	callback := follow(t, u1)
	_, err = asgardeo.CheckCallback(callback, "state-2")
	assert.ErrorIs(t, err, asgardeo.ErrStateMismatch)
	_, err = asgardeo.CheckCallback(callback, "")
	assert.ErrorIs(t, err, asgardeo.ErrStateMismatch, "an empty expected state never matches")
	forged := url.Values{"code": {"attacker-code"}}
	_, err = asgardeo.CheckCallback(forged, "state-1")
	assert.ErrorIs(t, err, asgardeo.ErrStateMismatch, "a callback without state")

	code, err := asgardeo.CheckCallback(callback, "state-1")
	require.NoError(t, err)
	_, err = app.Exchange(context.Background(), code, "")
	assert.ErrorIs(t, err, asgardeo.ErrInvalidGrant, "no verifier, no token")
}

// TestSecretsNeverLeakFullFlow runs every grant, introspection,
// revocation, management calls that return client secrets, and failures
// with retries, logging at debug level; then searches the logs, every
// error, the fake's journal and the printed values of every type that
// holds a secret for every secret that crossed the wire.
func TestSecretsNeverLeakFullFlow(t *testing.T) {
	var logs syncBuffer
	wire := &wireSecrets{next: http.DefaultTransport.(*http.Transport).Clone(), seen: map[string]bool{}}
	t.Cleanup(wire.next.(*http.Transport).CloseIdleConnections)
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w := newTokenWorld(t, asgardeo.WithLogger(logger), asgardeo.WithHTTPClient(&http.Client{Transport: wire}))
	ctx := context.Background()
	var errs []error
	record := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var printed []any

	// Every grant.
	m2m := w.app(w.m2m)
	cc, err := m2m.ClientCredentials("read_stores").Token()
	require.NoError(t, err)
	web := w.app(w.web, asgardeo.WithRedirectURL(tokCallback))
	pw, err := web.Password(ctx, tokUser, tokPassword, "openid", "read_stores")
	require.NoError(t, err)
	authURL, verifier := web.AuthCodeURL("st-secret-state", []string{"openid"})
	require.NoError(t, w.srv.LoginAs(tokOrgID, tokUser))
	code, err := asgardeo.CheckCallback(follow(t, authURL), "st-secret-state")
	require.NoError(t, err)
	ac, err := web.Exchange(ctx, code, verifier)
	require.NoError(t, err)
	rot := w.app(w.rot)
	first, err := rot.Password(ctx, tokUser, tokPassword)
	require.NoError(t, err)
	second, err := rot.Refresh(ctx, first.RefreshToken)
	require.NoError(t, err)
	admin := w.c.Tokens().ForApp(w.srv.Admin().ClientID, w.srv.Admin().ClientSecret)
	switched, err := admin.OrganizationSwitch(admin.ClientCredentials(), tokOrgID).Token()
	require.NoError(t, err)
	in, err := web.Introspect(ctx, pw.AccessToken, asgardeo.AccessTokenHint)
	require.NoError(t, err)
	require.NoError(t, web.Revoke(ctx, pw.RefreshToken, asgardeo.RefreshTokenHint))
	printed = append(printed, m2m, web, admin, in, *in)

	// Management calls that carry secrets.
	apps := w.org.Applications()
	created, err := apps.Create(ctx, asgardeo.NewM2MApplication("leak-check"))
	require.NoError(t, err)
	require.NotEmpty(t, created.ClientSecret)
	oidc, err := apps.GetOIDC(ctx, created.ID)
	require.NoError(t, err)
	regenerated, err := apps.RegenerateSecret(ctx, created.ID)
	require.NoError(t, err)
	require.NotEqual(t, oidc.ClientSecret, regenerated.ClientSecret)
	printed = append(printed, created, *created, oidc, *oidc, regenerated, *regenerated, []asgardeo.Application{*created})

	// Failures: wrong credentials, replays, theft detection, retries, drops.
	_, err = web.Password(ctx, tokUser, "wrong-"+tokPassword)
	record(err)
	_, err = web.Exchange(ctx, code, verifier)
	record(err)
	_, err = rot.Refresh(ctx, first.RefreshToken)
	record(err)
	_, err = w.org.Tokens().ForApp(w.m2m.ClientID, "wrong-"+w.m2m.ClientSecret).ClientCredentials().Token()
	record(err)
	_, err = w.org.Tokens().ForApp(created.ClientID, oidc.ClientSecret).ClientCredentials().Token()
	record(err)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", Status: http.StatusServiceUnavailable, Times: 3})
	_, err = web.Password(ctx, tokUser, tokPassword)
	record(err)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", GrantType: "refresh_token", DropAfter: true})
	_, err = rot.Refresh(ctx, second.RefreshToken)
	record(err)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/introspect", Status: http.StatusOK, Body: `{"active":"yes","token":"` + ac.AccessToken + `"}`})
	_, err = web.Introspect(ctx, ac.AccessToken, asgardeo.NoHint)
	record(err)
	w.srv.InjectFault(asgardeotest.Fault{Method: http.MethodGet, Path: "/o/api/server/v1/applications/*", Status: http.StatusOK, Body: `{"clientId":"x","clientSecret":"` + regenerated.ClientSecret})
	_, err = apps.GetOIDC(ctx, created.ID)
	record(err)
	w.srv.InjectFault(asgardeotest.Fault{Path: "/o/" + tokOrgID + "/oauth2/token", GrantType: "client_credentials", Status: http.StatusOK, Body: `{"access_token":"` + cc.AccessToken})
	_, err = w.app(w.m2m).ClientCredentials("other").Token()
	record(err)
	require.Len(t, errs, 10)

	secrets := append(wire.list(), tokPassword, tokSecret, w.m2m.ClientSecret, w.srv.Admin().ClientSecret, code, verifier,
		created.ClientSecret, oidc.ClientSecret, regenerated.ClientSecret,
		cc.AccessToken, pw.AccessToken, pw.RefreshToken, ac.AccessToken, ac.RefreshToken, asgardeo.IDToken(ac),
		first.RefreshToken, second.RefreshToken, second.AccessToken, switched.AccessToken)
	var places []string
	add := func(what, s string) { places = append(places, what+": "+s) }
	add("client log", logs.String())
	for i, err := range errs {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			add(fmt.Sprintf("error %d %s", i, verb), fmt.Sprintf(verb, err))
		}
	}
	for i, v := range printed {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			add(fmt.Sprintf("value %d (%T) %s", i, v, verb), fmt.Sprintf(verb, v))
		}
	}
	for _, e := range w.srv.Journal() {
		add("journal", fmt.Sprintf("%+v", e))
	}
	journal, err := json.Marshal(w.srv.Journal())
	require.NoError(t, err)
	add("journal json", string(journal))

	require.Contains(t, logs.String(), "level=DEBUG")
	require.Contains(t, logs.String(), "retrying")
	for _, s := range secrets {
		if len(s) < 6 {
			continue
		}
		for _, p := range places {
			if strings.Contains(p, s) {
				t.Errorf("secret %.6s… leaked in %.300s", s, p)
			}
		}
	}
}

// TestSecretTypesPrintRedacted: the SDK's values that hold a secret print
// without it in every verb, also inside other values.
func TestSecretTypesPrintRedacted(t *testing.T) {
	const s = "s3cr3t-value-that-must-not-print"
	app := asgardeo.Application{ID: "id-1", Name: "a", ClientID: "cid", ClientSecret: s}
	cfg := asgardeo.OIDCConfig{ClientID: "cid", ClientSecret: s, GrantTypes: []string{"client_credentials"}}
	c, err := asgardeo.New("bestcarmart", asgardeo.WithCredentials("cid", s))
	require.NoError(t, err)
	defer c.Close()
	org, err := c.Org(tokOrgID)
	require.NoError(t, err)
	tokens := org.Tokens().ForApp("cid", s)
	values := []any{app, &app, cfg, &cfg, tokens, c, org, *org,
		struct{ A asgardeo.Application }{app}, map[string]asgardeo.OIDCConfig{"k": cfg}, []*asgardeo.Application{&app}}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, s, "%T %s", v, verb)
			assert.NotContains(t, out, fmt.Sprintf("%x", s), "%T %s", v, verb)
		}
	}
	assert.Contains(t, fmt.Sprint(app), "cid", "printing still shows what is not secret")
}

func newDiscardLog() *log.Logger { return log.New(io.Discard, "", 0) }
