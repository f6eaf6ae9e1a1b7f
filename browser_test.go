package asgardeo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// findChromium returns the path of a Chromium or Chrome binary, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowserAuthorizationCodeFlow drives a real headless Chromium through
// the fake's login page: a wrong password shows an error, the right one
// leads to the consent page, and Allow lands on the application's loopback
// redirect URI with a code, which the SDK exchanges; the ID token verifies
// and carries the nonce, and the scopes are the requested ones the user
// holds.
func TestBrowserAuthorizationCodeFlow(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("no chromium, chromium-browser or google-chrome on PATH: browser test skipped")
	}

	callbacks := make(chan url.Values, 1)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		select {
		case callbacks <- r.URL.Query():
		default:
		}
		_, _ = w.Write([]byte("signed in"))
	}))
	defer app.Close()
	redirectURI := app.URL + "/callback"

	srv := asgardeotest.NewServer(t)
	org, err := srv.AddOrganization("Browser Inc")
	require.NoError(t, err)
	_, err = srv.AddAPIResource(asgardeotest.APIResourceSpec{Identifier: "https://shop.example.com", Scopes: []string{"read_orders", "write_orders"}})
	require.NoError(t, err)
	_, err = srv.AddUser(org.ID, "bob", "bob-password")
	require.NoError(t, err)
	require.NoError(t, srv.SetUserClaim(org.ID, "bob", "http://wso2.org/claims/emailaddress", "bob@example.com"))
	seeded, err := srv.AddApplication(asgardeotest.AppSpec{
		Organization: org.ID, Name: "shop", GrantTypes: []string{"authorization_code", "refresh_token"},
		CallbackURLs:   []string{redirectURI},
		AuthorizedAPIs: []asgardeotest.AuthorizedAPISpec{{Identifier: "https://shop.example.com", Scopes: []string{"read_orders", "write_orders"}}},
	})
	require.NoError(t, err)
	_, err = srv.AddRole(asgardeotest.RoleSpec{Organization: org.ID, Name: "shopper", Application: seeded.ID, Permissions: []string{"read_orders"}, Users: []string{"bob"}})
	require.NoError(t, err)

	c := srv.Client()
	defer c.Close()
	o, err := c.Org(org.ID)
	require.NoError(t, err)
	tokens := o.Tokens().ForApp(seeded.ClientID, seeded.ClientSecret, asgardeo.WithRedirectURL(redirectURI))
	authURL, verifier := tokens.AuthCodeURL("browser-state", []string{"openid", "email", "read_orders", "write_orders"}, asgardeo.WithNonce("browser-nonce"))

	// Everything the browser does is bounded: the whole run, and each step.
	runCtx, cancelRun := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancelRun()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(runCtx,
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx); err != nil {
		t.Skipf("chromium %s did not start: %v", chromium, err)
	}
	// step runs one step of the flow, bounded on its own; the browser stays
	// bound to browserCtx.
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browserCtx, 20*time.Second)
		defer cancel()
		require.NoError(t, chromedp.Do(ctx, actions...), name)
	}
	text := func(id string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(browserCtx, 20*time.Second)
		defer cancel()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		require.NoError(t, err, "text of #%s", id)
		return s
	}

	step("open the login page and type a wrong password",
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "bob"),
		chromedp.SendKeys(chromedp.ID("password"), "not-bobs-password"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	assert.Contains(t, text("error"), "Login failed")

	step("sign in with the right password",
		chromedp.SendKeys(chromedp.ID("username"), "bob"),
		chromedp.SendKeys(chromedp.ID("password"), "bob-password"),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.ID("allow")),
	)
	assert.Contains(t, text("scopes"), "read_orders")

	step("consent", chromedp.Click(chromedp.ID("allow")))
	var query url.Values
	select {
	case query = <-callbacks:
	case <-time.After(20 * time.Second):
		t.Fatal("the browser did not reach the redirect URI")
	}
	code, err := asgardeo.CheckCallback(query, "browser-state")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := tokens.Exchange(ctx, code, verifier)
	require.NoError(t, err)
	assert.Equal(t, []string{"openid", "email", "read_orders"}, asgardeo.GrantedScopes(tok), "write_orders is not among bob's permissions")
	v, err := tokens.Verifier()
	require.NoError(t, err)
	idt, err := v.VerifyIDToken(ctx, asgardeo.IDToken(tok), "browser-nonce")
	require.NoError(t, err)
	assert.Equal(t, "bob@example.com", idt.Claims["email"])
	require.NoError(t, idt.VerifyAccessToken(tok.AccessToken))
}
