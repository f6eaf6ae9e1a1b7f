package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebLoginWithPKCEStateAndIDToken(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	app, cleanup, err := setup(func(string) string { return "" }, "http://"+srv.Listener.Addr().String())
	require.NoError(t, err)
	defer cleanup()
	srv.Config.Handler = app
	srv.Start()
	defer srv.Close()

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}

	require.NoError(t, app.fake.LoginAs(demoOrg, "Charlie"))
	resp, err := browser.Get(srv.URL + "/login") // → fake authorize → callback
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), "Hello Charlie")
	assert.Contains(t, string(body), "Granted scopes: openid profile email read_stores")
	assert.Contains(t, string(body), "organization "+demoOrg)

	// Replaying the callback (same code, same cookie) fails: the login is single-use.
	resp, err = browser.Get(resp.Request.URL.String())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestCallbackRefusesAForeignState(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	app, cleanup, err := setup(func(string) string { return "" }, "http://"+srv.Listener.Addr().String())
	require.NoError(t, err)
	defer cleanup()
	srv.Config.Handler = app
	srv.Start()
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(srv.URL + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)

	// An attacker's callback with another state is refused.
	resp, err = browser.Get(srv.URL + "/callback?code=stolen&state=forged")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), "state")
}
