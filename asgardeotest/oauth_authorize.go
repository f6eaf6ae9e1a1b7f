package asgardeotest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// codeLifetime is how long an authorization code can be exchanged: the
// Identity Server default (AuthorizationCodeDefaultValidityPeriod, 300 s),
// which Asgardeo does not document otherwise.
const codeLifetime = 300 * time.Second

// loginQueue holds the outcomes of the next authorization requests, queued
// by [Server.LoginAs] and [Server.DenyConsent]: the fake has no login page.
type loginQueue struct {
	mu      sync.Mutex
	pending []pendingLogin
}

type pendingLogin struct {
	orgID, userID string
	deny          bool
}

func (q *loginQueue) push(p pendingLogin) {
	q.mu.Lock()
	q.pending = append(q.pending, p)
	q.mu.Unlock()
}

func (q *loginQueue) pop() (pendingLogin, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return pendingLogin{}, false
	}
	p := q.pending[0]
	q.pending = q.pending[1:]
	return p, true
}

// LoginAs makes the next authorization request (that has passed client and
// redirect URI validation) log in the user username of organization orgID
// ("" is the root) and consent: it redirects with an authorization code.
// Calls queue up, one login per authorization request. With no login
// queued, an authorization request redirects with error=login_required.
func (s *Server) LoginAs(orgID, username string) error {
	st := s.store
	st.mu.RLock()
	o, err := st.lookupOrg(orgID)
	var u *user
	if err == nil {
		u = o.usersByName[strings.ToLower(username)]
	}
	st.mu.RUnlock()
	if err != nil {
		return err
	}
	if u == nil {
		return fmt.Errorf("asgardeotest: no user %q in %s", username, o.id)
	}
	s.logins.push(pendingLogin{orgID: o.id, userID: u.id})
	return nil
}

// DenyConsent makes the next authorization request end as if the user had
// refused consent: it redirects with error=access_denied.
func (s *Server) DenyConsent() { s.logins.push(pendingLogin{deny: true}) }

// handleAuthorize is the authorization endpoint of the root and of every
// organization (spec §6.6). An unknown client or a redirect URI that is not
// exactly a registered callback gets an error page (400), never a redirect;
// every later error goes back to the redirect URI with error,
// error_description and state.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	o := s.endpointOrg(w, r)
	if o == nil {
		return
	}
	q := r.URL.Query()
	for k, vs := range q {
		if len(vs) > 1 {
			errorPage(w, "invalid_request", "Invalid request with repeated parameter "+k+".")
			return
		}
	}
	st := s.store
	st.mu.RLock()
	a := st.clients[q.Get("client_id")]
	var inOrg *app
	var callbacks []string
	if a != nil {
		switch {
		case a.orgID == o.id:
			inOrg = a
		case st.orgs[a.orgID].root:
			inOrg = a.shared[o.id]
		}
		if a.oidc != nil {
			callbacks = append([]string(nil), a.oidc.callbackURLs...)
		}
	}
	st.mu.RUnlock()
	if a == nil || inOrg == nil || a.oidc == nil {
		errorPage(w, "invalid_client", "Cannot find an application associated with the given consumer key.")
		return
	}
	redirect := q.Get("redirect_uri")
	explicit := redirect != ""
	if !explicit && len(callbacks) == 1 {
		redirect = callbacks[0]
	}
	if redirect == "" || !containsString(callbacks, redirect) {
		errorPage(w, "invalid_callback", "Registered callback does not match with the provided url.")
		return
	}
	state := q.Get("state")
	fail := func(code, desc string) { redirectError(w, r, redirect, state, code, desc) }

	st.mu.RLock()
	hasCode := a.oidc.hasGrant("authorization_code")
	pkceMandatory, pkcePlain := a.oidc.pkceMandatory, a.oidc.pkcePlain
	st.mu.RUnlock()
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "Unsupported response_type value. Only code is supported.")
		return
	case !hasCode:
		fail("unauthorized_client", "The authenticated client is not authorized to use this authorization grant type")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge != "" && method == "" {
		method = "plain" // RFC 7636 §4.3
	}
	switch {
	case challenge == "" && pkceMandatory:
		fail("invalid_request", "PKCE is mandatory for this application. PKCE Challenge is not provided or is not upto RFC 7636 specification.")
		return
	case challenge == "":
	case method == "plain" && !pkcePlain:
		fail("invalid_request", "This application does not support \"plain\" transformation algorithm.")
		return
	case method != "plain" && method != "S256":
		fail("invalid_request", "Unsupported PKCE Challenge Method")
		return
	case !validVerifierSyntax(challenge) || method == "S256" && len(challenge) != 43:
		fail("invalid_request", "Code challenge used is not up to RFC 7636 specifications.")
		return
	}
	scopeParam := q.Get("scope")
	if !validScopeParam(scopeParam) {
		fail("invalid_scope", "Invalid Scope!")
		return
	}

	p := authorizeParams{redirect: redirect, explicit: explicit, state: state, scope: scopeParam,
		challenge: challenge, method: method, nonce: q.Get("nonce")}
	login, ok := s.logins.pop()
	switch {
	case !ok && q.Get("prompt") != "none":
		s.showLogin(w, r, o, a, inOrg, p) // the HTML login page (login.go)
		return
	case !ok:
		fail("login_required", "Authentication required")
		return
	case login.deny:
		fail("access_denied", "User denied the consent")
		return
	case login.orgID != o.id:
		fail("access_denied", "User is not a member of the organization")
		return
	}

	st.mu.RLock()
	u := o.users[login.userID]
	st.mu.RUnlock()
	if u == nil {
		fail("access_denied", "User is not a member of the organization")
		return
	}
	s.issueCode(w, r, o, a, inOrg, u, p)
}

// grantAuthorizationCode exchanges an authorization code (spec §6.2, §6.3).
// A code is single use: presenting it again fails and revokes every token
// issued from it.
func (s *Server) grantAuthorizationCode(w http.ResponseWriter, tr *tokenRequest) {
	code := tr.form.Get("code")
	if code == "" {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Missing parameters: code")
		return
	}
	now := s.clock.Now()
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.codes[code]
	if c == nil || c.clientID != tr.client.oidc.clientID || c.orgID != tr.org.id {
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Invalid authorization code received from token request")
		return
	}
	if c.used {
		for _, t := range c.issued {
			st.revokeFamily(t.ext.family)
			t.revoked = true
		}
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Inactive authorization code received from token request")
		return
	}
	if !now.Before(c.expiresAt) {
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Expired or Revoked authorization code received from token request")
		return
	}
	redirect := tr.form.Get("redirect_uri")
	if c.redirectURI != "" && redirect != c.redirectURI ||
		c.redirectURI == "" && redirect != "" && !containsString(tr.client.oidc.callbackURLs, redirect) {
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Callback url mismatch")
		return
	}
	if c.challenge != "" && !pkceMatches(c.challenge, c.method, tr.form.Get("code_verifier")) {
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "PKCE validation failed")
		return
	}
	o := st.orgs[c.orgID]
	u := o.users[c.userID]
	a := st.apps[c.appID]
	if u == nil || a == nil {
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Invalid authorization code received from token request")
		return
	}
	c.used = true
	t := st.mint(s, a, c.orgID, u, "authorization_code", c.scopes, tr.client.oidc.hasGrant("refresh_token"))
	s.attachIDToken(t, c.nonce)
	t.ext.code = c.code
	c.issued = append(c.issued, t)
	s.writeToken(w, t)
}

// validVerifierSyntax checks RFC 7636 §4.1: 43 to 128 characters of
// [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
func validVerifierSyntax(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, c := range v {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}

// pkceMatches checks a code verifier against the stored challenge.
func pkceMatches(challenge, method, verifier string) bool {
	if !validVerifierSyntax(verifier) {
		return false
	}
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// withQuery adds v to the query of a redirect URI, keeping its own query.
func withQuery(raw string, v url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// redirectError sends an authorization error back to the client (RFC 6749
// §4.1.2.1).
func redirectError(w http.ResponseWriter, r *http.Request, redirect, state, code, desc string) {
	v := url.Values{"error": {code}, "error_description": {desc}}
	if state != "" {
		v.Set("state", state)
	}
	http.Redirect(w, r, withQuery(redirect, v), http.StatusFound)
}

// errorPage is the authorization endpoint's answer when it cannot trust the
// redirect URI: a 400 HTML page, never a redirect.
func errorPage(w http.ResponseWriter, code, desc string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>%s</h1><p>%s</p></body></html>\n",
		html.EscapeString(code), html.EscapeString(desc))
}
