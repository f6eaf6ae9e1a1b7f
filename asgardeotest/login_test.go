package asgardeotest_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asgardeo-go/asgardeo"
	"github.com/asgardeo-go/asgardeo/asgardeotest"
)

// browser is an HTTP client with cookies that does not follow redirects,
// so that a test sees each page and the final redirect.
type browser struct {
	t  *testing.T
	hc *http.Client
}

func newBrowser(t *testing.T, srv *asgardeotest.Server) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	hc := srv.HTTPClient()
	hc.Jar = jar
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: t, hc: hc}
}

// page is an answer of the fake to the browser.
type page struct {
	status   int
	location string
	body     string
	action   string
	fields   url.Values // the form's hidden fields
}

var (
	formAction  = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.hc.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	p := page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(data), fields: url.Values{}}
	if m := formAction.FindStringSubmatch(p.body); m != nil {
		p.action = html.UnescapeString(m[1])
	}
	for _, m := range hiddenField.FindAllStringSubmatch(p.body, -1) {
		p.fields.Set(m[1], html.UnescapeString(m[2]))
	}
	return p
}

func (b *browser) get(u string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

// submit posts p's form with its hidden fields and extra.
func (b *browser) submit(base string, p page, extra url.Values) page {
	b.t.Helper()
	require.NotEmpty(b.t, p.action, "page has no form:\n%s", p.body)
	form := url.Values{}
	for k, v := range p.fields {
		form[k] = v
	}
	for k, v := range extra {
		form[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, base+p.action, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func TestBrowserLoginConsentAndCode(t *testing.T) {
	w := newOIDCWorld(t)
	tokens := w.tokens(t, w.jwtApp)
	authURL, verifier := tokens.AuthCodeURL("state-1", []string{"openid", "email", "read_orders"}, asgardeo.WithNonce("nonce-1"))
	b := newBrowser(t, w.srv)

	login := b.get(authURL)
	require.Equal(t, http.StatusOK, login.status)
	assert.Contains(t, login.body, "jwt-app")
	assert.NotContains(t, login.body, "<script", "the login page needs no JavaScript")
	require.NotEmpty(t, login.fields.Get("session"))
	require.NotEmpty(t, login.fields.Get("csrf"))

	wrong := b.submit(w.srv.URL, login, url.Values{"username": {oidcUser}, "password": {"wrong"}})
	require.Equal(t, http.StatusOK, wrong.status, "a wrong password re-renders the page, no redirect")
	assert.Empty(t, wrong.location)
	assert.Contains(t, wrong.body, "Login failed")
	assert.NotContains(t, wrong.body, "wrong", "the password is not echoed")

	consent := b.submit(w.srv.URL, wrong, url.Values{"username": {oidcUser}, "password": {oidcPassword}})
	require.Equal(t, http.StatusOK, consent.status)
	assert.Contains(t, consent.body, "Allow")
	assert.Contains(t, consent.body, "read_orders")

	done := b.submit(w.srv.URL, consent, url.Values{"consent": {"approve"}})
	require.Equal(t, http.StatusFound, done.status)
	cb, err := url.Parse(done.location)
	require.NoError(t, err)
	assert.Equal(t, oidcCallback, cb.Scheme+"://"+cb.Host+cb.Path)
	code, err := asgardeo.CheckCallback(cb.Query(), "state-1")
	require.NoError(t, err)

	ctx := context.Background()
	tok, err := tokens.Exchange(ctx, code, verifier)
	require.NoError(t, err)
	assert.Equal(t, []string{"openid", "email", "read_orders"}, asgardeo.GrantedScopes(tok))
	v, err := tokens.Verifier()
	require.NoError(t, err)
	idt, err := v.VerifyIDToken(ctx, asgardeo.IDToken(tok), "nonce-1")
	require.NoError(t, err)
	assert.Equal(t, w.user.ID, idt.Subject)
	assert.Equal(t, oidcEmail, idt.Claims["email"])

	// The consent form cannot be replayed for a second code.
	again := b.submit(w.srv.URL, consent, url.Values{"consent": {"approve"}})
	assert.Equal(t, http.StatusBadRequest, again.status)
	assert.Empty(t, again.location)
}

func TestBrowserConsentDenied(t *testing.T) {
	w := newOIDCWorld(t)
	authURL, _ := w.tokens(t, w.opaque).AuthCodeURL("state-2", []string{"openid"})
	b := newBrowser(t, w.srv)
	login := b.get(authURL)
	consent := b.submit(w.srv.URL, login, url.Values{"username": {oidcUser}, "password": {oidcPassword}})
	done := b.submit(w.srv.URL, consent, url.Values{"consent": {"deny"}})
	require.Equal(t, http.StatusFound, done.status)
	cb, err := url.Parse(done.location)
	require.NoError(t, err)
	_, err = asgardeo.CheckCallback(cb.Query(), "state-2")
	assert.ErrorIs(t, err, asgardeo.ErrAccessDenied)
}

func TestBrowserLoginRefusesForgedForms(t *testing.T) {
	w := newOIDCWorld(t)
	authURL, _ := w.tokens(t, w.opaque).AuthCodeURL("state-3", []string{"openid"})
	victim := newBrowser(t, w.srv)
	login := victim.get(authURL)
	creds := url.Values{"username": {oidcUser}, "password": {oidcPassword}}

	// Another browser (no cookie of this login) posting the same form.
	attacker := newBrowser(t, w.srv)
	got := attacker.submit(w.srv.URL, login, creds)
	assert.Equal(t, http.StatusForbidden, got.status)

	// The right browser with a wrong CSRF token.
	forged := login
	forged.fields = url.Values{"session": {login.fields.Get("session")}, "csrf": {strings.Repeat("x", 43)}}
	got = victim.submit(w.srv.URL, forged, creds)
	assert.Equal(t, http.StatusForbidden, got.status)

	// Consent before login is not possible.
	got = victim.submit(w.srv.URL, login, url.Values{"consent": {"approve"}})
	assert.Equal(t, http.StatusOK, got.status)
	assert.Empty(t, got.location)
	assert.Contains(t, got.body, "Sign in first")

	// An unknown session.
	forged.fields = url.Values{"session": {"nope"}, "csrf": {login.fields.Get("csrf")}}
	got = victim.submit(w.srv.URL, forged, creds)
	assert.Equal(t, http.StatusBadRequest, got.status)

	// The untouched login still works.
	consent := victim.submit(w.srv.URL, login, creds)
	require.Equal(t, http.StatusOK, consent.status)
	assert.Contains(t, consent.body, "Allow")
}

// A programmatic login queued with LoginAs takes precedence over the page,
// and prompt=none never shows it.
func TestBrowserLoginOnlyWhenNothingIsQueued(t *testing.T) {
	w := newOIDCWorld(t)
	tokens := w.tokens(t, w.opaque)
	b := newBrowser(t, w.srv)

	require.NoError(t, w.srv.LoginAs(w.org.ID, oidcUser))
	authURL, _ := tokens.AuthCodeURL("state-4", []string{"openid"})
	got := b.get(authURL)
	require.Equal(t, http.StatusFound, got.status)
	assert.Contains(t, got.location, "code=")

	authURL, _ = tokens.AuthCodeURL("state-5", []string{"openid"}, asgardeo.WithPrompt("none"))
	got = b.get(authURL)
	require.Equal(t, http.StatusFound, got.status)
	assert.Contains(t, got.location, "error=login_required")
}

// The login session ends after its lifetime on the fake's clock.
func TestBrowserLoginExpires(t *testing.T) {
	w := newOIDCWorld(t)
	authURL, _ := w.tokens(t, w.opaque).AuthCodeURL("state-6", []string{"openid"})
	b := newBrowser(t, w.srv)
	login := b.get(authURL)
	w.srv.Clock().Advance(11 * time.Minute)
	got := b.submit(w.srv.URL, login, url.Values{"username": {oidcUser}, "password": {oidcPassword}})
	assert.Equal(t, http.StatusBadRequest, got.status)
	assert.Contains(t, got.body, "expired")
}
