package asgardeotest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secCallback = "https://app.example/cb"

// secWorld is a fake with one organization, the user kim, and a client for
// raw requests that never follows a redirect.
type secWorld struct {
	srv   *Server
	orgID string
	hc    *http.Client
}

func newSecWorld(t *testing.T) *secWorld {
	t.Helper()
	srv := NewServer(t)
	o, err := srv.AddOrganization("Security Org")
	require.NoError(t, err)
	_, err = srv.AddUser(o.ID, "kim", "Kim-Passw0rd")
	require.NoError(t, err)
	hc := srv.HTTPClient()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t.Cleanup(hc.CloseIdleConnections)
	return &secWorld{srv: srv, orgID: o.ID, hc: hc}
}

func (w *secWorld) oauth(p string) string {
	return w.srv.TenantURL() + "/o/" + w.orgID + "/oauth2/" + p
}

// post sends a form with the application's Basic credentials and decodes
// the JSON answer.
func (w *secWorld) post(t *testing.T, endpoint string, a Application, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a.ClientSecret != "" {
		req.SetBasicAuth(a.ClientID, a.ClientSecret)
	}
	resp, err := w.hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// authorize sends an authorization request and returns the status and the
// Location header.
func (w *secWorld) authorize(t *testing.T, q url.Values) (int, string) {
	t.Helper()
	resp, err := w.hc.Get(w.oauth("authorize") + "?" + q.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

// code runs an authorization request as kim and returns the code.
func (w *secWorld) code(t *testing.T, a Application, extra url.Values) string {
	t.Helper()
	require.NoError(t, w.srv.LoginAs(w.orgID, "kim"))
	q := url.Values{"client_id": {a.ClientID}, "redirect_uri": {secCallback}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}
	for k, vs := range extra {
		q[k] = vs
	}
	status, loc := w.authorize(t, q)
	require.Equal(t, http.StatusFound, status)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	require.Empty(t, u.Query().Get("error"), u.Query().Get("error_description"))
	return u.Query().Get("code")
}

func callbackError(t *testing.T, loc string) string {
	t.Helper()
	u, err := url.Parse(loc)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(loc, secCallback), "errors go back to the registered callback only: %s", loc)
	return u.Query().Get("error")
}

// funcCalls reports whether the named function of the package's non-test
// sources calls pkg.fn.
func funcCalls(t *testing.T, name, pkg, fn string) bool {
	t.Helper()
	fset := gotoken.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name != name {
				continue
			}
			found := false
			ast.Inspect(fd, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Name == pkg && sel.Sel.Name == fn {
						found = true
					}
				}
				return true
			})
			return found
		}
	}
	t.Fatalf("no function %s", name)
	return false
}

// TestClientSecretsHashedAndComparedInConstantTime: the store keeps a
// SHA-256 of each client secret and compares hashes with
// subtle.ConstantTimeCompare (as it does passwords, PKCE verifiers and the
// login form's CSRF token); the plaintext is shown only to a caller with
// internal_org_application_mgt_client_secret_view, as Asgardeo does.
func TestClientSecretsHashedAndComparedInConstantTime(t *testing.T) {
	w := newSecWorld(t)
	a, err := w.srv.AddApplication(AppSpec{Organization: w.orgID, Name: "m2m", Template: TemplateM2M, GrantTypes: []string{"client_credentials"}})
	require.NoError(t, err)
	w.srv.store.mu.RLock()
	cfg := w.srv.store.clients[a.ClientID].oidc
	assert.Equal(t, sha256.Sum256([]byte(a.ClientSecret)), cfg.secretHash)
	assert.True(t, cfg.checkSecret(a.ClientSecret))
	assert.False(t, cfg.checkSecret(a.ClientSecret[:len(a.ClientSecret)-1]))
	assert.False(t, cfg.checkSecret(a.ClientSecret+"x"))
	assert.False(t, cfg.checkSecret(""))
	w.srv.store.mu.RUnlock()
	for _, fn := range []string{"checkSecret", "checkPassword", "pkceMatches", "equalSecret"} {
		assert.True(t, funcCalls(t, fn, "subtle", "ConstantTimeCompare"), fn)
	}

	get := func(scopes ...string) map[string]any {
		tok, err := w.srv.IssueToken(w.orgID, scopes...)
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodGet, w.srv.TenantURL()+"/o/api/server/v1/applications/"+a.ID+"/inbound-protocols/oidc", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := w.hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return out
	}
	assert.NotContains(t, get("internal_org_application_mgt_view"), "clientSecret")
	assert.Equal(t, a.ClientSecret, get("internal_org_application_mgt_view", "internal_org_application_mgt_client_secret_view")["clientSecret"])

	status, body := w.post(t, w.oauth("token"), Application{ClientID: a.ClientID, ClientSecret: strings.ToUpper(a.ClientSecret)}, url.Values{"grant_type": {"client_credentials"}})
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "invalid_client", body["error"])
}

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestPKCEEnforced: an application with mandatory PKCE refuses an
// authorization request without a challenge and the plain method unless it
// allows it; the code is exchanged only with the right verifier.
func TestPKCEEnforced(t *testing.T) {
	w := newSecWorld(t)
	strict, err := w.srv.AddApplication(AppSpec{Organization: w.orgID, Name: "strict", PKCEMandatory: true,
		GrantTypes: []string{"authorization_code"}, CallbackURLs: []string{secCallback}})
	require.NoError(t, err)
	plain, err := w.srv.AddApplication(AppSpec{Organization: w.orgID, Name: "plain", PKCEMandatory: true, AllowPlainPKCE: true,
		GrantTypes: []string{"authorization_code"}, CallbackURLs: []string{secCallback}})
	require.NoError(t, err)
	verifier := strings.Repeat("v3rifier-", 6)
	base := func(a Application) url.Values {
		return url.Values{"client_id": {a.ClientID}, "redirect_uri": {secCallback}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}}
	}

	// No challenge; the plain method; an unknown method.
	for _, extra := range []url.Values{
		{},
		{"code_challenge": {verifier}, "code_challenge_method": {"plain"}},
		{"code_challenge": {verifier}},
		{"code_challenge": {s256(verifier)}, "code_challenge_method": {"S512"}},
	} {
		q := base(strict)
		for k, vs := range extra {
			q[k] = vs
		}
		status, loc := w.authorize(t, q)
		require.Equal(t, http.StatusFound, status, "%v", extra)
		assert.Equal(t, "invalid_request", callbackError(t, loc), "%v", extra)
	}

	exchange := func(a Application, code, v string) (int, map[string]any) {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {secCallback}}
		if v != "" {
			form.Set("code_verifier", v)
		}
		return w.post(t, w.oauth("token"), a, form)
	}
	s256Params := url.Values{"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"}}
	for _, bad := range []string{"", strings.Repeat("x", 45), s256(verifier), verifier + "x"} {
		status, body := exchange(strict, w.code(t, strict, s256Params), bad)
		assert.Equal(t, http.StatusBadRequest, status, "verifier %q", bad)
		assert.Equal(t, "invalid_grant", body["error"], "verifier %q", bad)
	}
	status, body := exchange(strict, w.code(t, strict, s256Params), verifier)
	assert.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, body["access_token"])

	// The application that allows plain.
	status, body = exchange(plain, w.code(t, plain, url.Values{"code_challenge": {verifier}, "code_challenge_method": {"plain"}}), verifier)
	assert.Equal(t, http.StatusOK, status, "%v", body)
}

// TestRedirectURIExactMatchNoOpenRedirect: a redirect URI that is not
// exactly the registered one (prefix, suffix, case, path, scheme, port,
// userinfo, fragment tricks), and an unknown client, get a 400 HTML page,
// never a Location.
func TestRedirectURIExactMatchNoOpenRedirect(t *testing.T) {
	w := newSecWorld(t)
	a, err := w.srv.AddApplication(AppSpec{Organization: w.orgID, Name: "web",
		GrantTypes: []string{"authorization_code"}, CallbackURLs: []string{secCallback}})
	require.NoError(t, err)
	for _, uri := range []string{
		"https://app.example/cb/", "https://app.example/cb?x=1", "https://app.example/cb#f", "https://APP.example/cb",
		"https://app.example/CB", "https://app.example/cbx", "https://app.example/cb/../evil", "https://app.example/c%62",
		"http://app.example/cb", "https://app.example:443/cb", "https://app.example.evil.example/cb",
		"https://evil.example/cb", "https://app.example@evil.example/cb", "https://evil.example/?u=https://app.example/cb",
		"//evil.example/cb", "https://app.example/cb\x00", " https://app.example/cb",
	} {
		q := url.Values{"client_id": {a.ClientID}, "redirect_uri": {uri}, "response_type": {"code"}, "scope": {"openid"}, "state": {"s"}, "prompt": {"none"}}
		resp, err := w.hc.Get(w.oauth("authorize") + "?" + q.Encode())
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%q", uri)
		assert.Empty(t, resp.Header.Get("Location"), "%q", uri)
		assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"), "%q", uri)
	}
	// An unknown client: an error page, whatever the redirect URI.
	status, loc := w.authorize(t, url.Values{"client_id": {"nobody"}, "redirect_uri": {"https://evil.example/cb"}, "response_type": {"code"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Empty(t, loc)
	// The exact URI: errors go back to it (prompt=none without a login).
	status, loc = w.authorize(t, url.Values{"client_id": {a.ClientID}, "redirect_uri": {secCallback}, "response_type": {"code"}, "scope": {"openid"}, "prompt": {"none"}})
	assert.Equal(t, http.StatusFound, status)
	assert.Equal(t, "login_required", callbackError(t, loc))
	// The exchange checks the redirect URI too.
	code := w.code(t, a, nil)
	st, body := w.post(t, w.oauth("token"), a, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {secCallback + "/"}})
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Equal(t, "invalid_grant", body["error"])
}

// TestCodesAndTokensFromCryptoRand: no source of the fake imports
// math/rand; codes, tokens and identifiers are random version-4 UUIDs and
// random strings that never repeat.
func TestCodesAndTokensFromCryptoRand(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, err := parser.ParseFile(gotoken.NewFileSet(), path, src, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			assert.False(t, strings.HasPrefix(p, "math/rand"), "%s imports %s", path, p)
		}
	}
	seen := map[string]bool{}
	for range 2000 {
		u := newUUID()
		require.Len(t, u, 36)
		require.Equal(t, byte('4'), u[14], "version 4")
		require.Contains(t, "89ab", string(u[19]), "RFC 4122 variant")
		s := randomString(24)
		require.Len(t, s, 32)
		require.False(t, seen[u] || seen[s], "a repeated value")
		seen[u], seen[s] = true, true
	}
	w := newSecWorld(t)
	a, err := w.srv.AddApplication(AppSpec{Organization: w.orgID, Name: "web", GrantTypes: []string{"authorization_code", "refresh_token"}, CallbackURLs: []string{secCallback}})
	require.NoError(t, err)
	for range 20 {
		code := w.code(t, a, nil)
		require.False(t, seen[code])
		seen[code] = true
		_, body := w.post(t, w.oauth("token"), a, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {secCallback}})
		for _, k := range []string{"access_token", "refresh_token"} {
			v, _ := body[k].(string)
			require.NotEmpty(t, v)
			require.False(t, seen[v])
			seen[v] = true
		}
	}
}

// TestRotatedRefreshTokenReuseRevokesFamily: presenting a refresh token
// that was rotated out revokes every token descended from it.
func TestRotatedRefreshTokenReuseRevokesFamily(t *testing.T) {
	w := newSecWorld(t)
	a, err := w.srv.AddApplication(AppSpec{Organization: w.orgID, Name: "rot", GrantTypes: []string{"password", "refresh_token"}, RenewRefreshToken: true})
	require.NoError(t, err)
	tokenEP := w.oauth("token")
	_, first := w.post(t, tokenEP, a, url.Values{"grant_type": {"password"}, "username": {"kim"}, "password": {"Kim-Passw0rd"}})
	r1 := first["refresh_token"].(string)
	_, second := w.post(t, tokenEP, a, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r1}})
	a2, r2 := second["access_token"].(string), second["refresh_token"].(string)
	require.NotEqual(t, r1, r2, "rotated")
	active := func(tok string) bool {
		_, in := w.post(t, w.oauth("introspect"), a, url.Values{"token": {tok}})
		return in["active"] == true
	}
	require.True(t, active(a2))

	status, body := w.post(t, tokenEP, a, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r1}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_grant", body["error"])
	assert.False(t, active(a2), "the reuse revoked the newest access token")
	status, body = w.post(t, tokenEP, a, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {r2}})
	assert.Equal(t, http.StatusBadRequest, status, "the newest refresh token is revoked too")
	assert.Equal(t, "invalid_grant", body["error"])
}

// TestRequestLimits: a body over 1 MiB is 413, over 100 headers is 431, a
// form with more than 64 fields or a repeated parameter is 400.
func TestRequestLimits(t *testing.T) {
	w := newSecWorld(t)
	a, err := w.srv.AddApplication(AppSpec{Organization: w.orgID, Name: "m2m", Template: TemplateM2M, GrantTypes: []string{"client_credentials"}})
	require.NoError(t, err)
	send := func(body string, headers int) int {
		req, err := http.NewRequest(http.MethodPost, w.oauth("token"), strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(a.ClientID, a.ClientSecret)
		for i := range headers {
			req.Header.Set("X-Filler-"+strconv.Itoa(i), "1")
		}
		resp, err := w.hc.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, send("grant_type=client_credentials", 0))
	assert.Equal(t, http.StatusRequestEntityTooLarge, send("grant_type=client_credentials&pad="+strings.Repeat("a", 1<<20), 0))
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, send("grant_type=client_credentials", 101))
	many := url.Values{"grant_type": {"client_credentials"}}
	for i := range 64 {
		many.Set("f"+strconv.Itoa(i), "1")
	}
	assert.Equal(t, http.StatusBadRequest, send(many.Encode(), 0))
	assert.Equal(t, http.StatusBadRequest, send("grant_type=client_credentials&scope=a&scope=b", 0))
}
