package asgardeotest

import (
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The browser login: when an authorization request finds no programmatic
// login queued ([Server.LoginAs]), the fake shows a plain HTML login page
// (no JavaScript), then a consent page, then redirects with the code. The
// pending authorization request stays on the server, keyed by a random
// session ID; the forms carry that ID and a CSRF token, and the browser
// carries a cookie the session is bound to, so a form posted from another
// browser or site is refused.

const (
	// loginLifetime is how long a browser has to finish a login.
	loginLifetime = 10 * time.Minute
	// maxLoginSessions bounds the logins in progress; the oldest go first.
	maxLoginSessions = 1000
	// loginCookie names the cookie that binds a browser to its logins.
	loginCookie = "asgardeotest_browser"
)

// authorizeParams are the parts of a validated authorization request that
// the code it ends in depends on.
type authorizeParams struct {
	redirect  string
	explicit  bool // redirect_uri was sent, so the token request must repeat it
	state     string
	scope     string
	challenge string
	method    string
	nonce     string
}

// loginSession is one browser login in progress.
type loginSession struct {
	id, csrf, browser string
	org               *org
	client, inOrg     *app
	params            authorizeParams
	userID            string // set once the password was right
	expires           time.Time
}

type loginSessions struct {
	mu    sync.Mutex
	m     map[string]*loginSession
	order []string // creation order, for eviction
}

func newLoginSessions() *loginSessions {
	return &loginSessions{m: map[string]*loginSession{}}
}

func (ls *loginSessions) add(sess *loginSession, now time.Time) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	kept := ls.order[:0]
	for _, id := range ls.order {
		if x := ls.m[id]; x != nil && now.Before(x.expires) {
			kept = append(kept, id)
		} else {
			delete(ls.m, id)
		}
	}
	for len(kept) >= maxLoginSessions {
		delete(ls.m, kept[0])
		kept = kept[1:]
	}
	ls.m[sess.id] = sess
	ls.order = append(kept, sess.id)
}

func (ls *loginSessions) get(id string, now time.Time) *loginSession {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	sess := ls.m[id]
	if sess == nil || !now.Before(sess.expires) {
		return nil
	}
	return sess
}

// setUser records the logged-in user of a session.
func (ls *loginSessions) setUser(sess *loginSession, userID string) {
	ls.mu.Lock()
	sess.userID = userID
	ls.mu.Unlock()
}

func (ls *loginSessions) user(sess *loginSession) string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return sess.userID
}

// take removes a session; it reports false when another request took it
// first, so a consent form posted twice issues one code.
func (ls *loginSessions) take(id string) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.m[id] == nil {
		return false
	}
	delete(ls.m, id)
	return true
}

// showLogin starts a browser login for a validated authorization request of
// client (inOrg as it lives in o) and answers with the login page.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, o *org, client, inOrg *app, p authorizeParams) {
	browser := ""
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) >= 32 {
		browser = c.Value
	} else {
		browser = randomString(32)
	}
	http.SetCookie(w, &http.Cookie{
		Name: loginCookie, Value: browser, Path: "/t/" + s.store.rootName + "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.URL, "https://"),
	})
	sess := &loginSession{
		id: randomString(24), csrf: randomString(32), browser: browser,
		org: o, client: client, inOrg: inOrg, params: p,
		expires: s.clock.Now().Add(loginLifetime),
	}
	s.oidc.logins.add(sess, s.clock.Now())
	s.renderLogin(w, r, sess, "")
}

// handleLoginForm takes the login and consent forms, posted back to the
// authorization endpoint.
func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	o := s.endpointOrg(w, r)
	if o == nil {
		return
	}
	if err := r.ParseForm(); err != nil || len(r.PostForm) > maxFormFields {
		errorPage(w, "invalid_request", "Invalid login form.")
		return
	}
	form := r.PostForm
	sess := s.oidc.logins.get(form.Get("session"), s.clock.Now())
	if sess == nil || sess.org.id != o.id {
		errorPage(w, "invalid_request", "The login session is unknown or has expired. Start the sign-in again.")
		return
	}
	cookie, err := r.Cookie(loginCookie)
	if err != nil || !equalSecret(cookie.Value, sess.browser) || !equalSecret(form.Get("csrf"), sess.csrf) {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "Forbidden: the form did not come from this login.", http.StatusForbidden)
		return
	}
	if form.Has("consent") {
		s.finishConsent(w, r, sess, form.Get("consent") == "approve")
		return
	}
	st := s.store
	st.mu.RLock()
	u := o.usersByName[strings.ToLower(strings.TrimSpace(form.Get("username")))]
	ok := u != nil && u.checkPassword(form.Get("password"))
	st.mu.RUnlock()
	if !ok {
		s.renderLogin(w, r, sess, "Login failed! Please check your username and password and try again.")
		return
	}
	s.oidc.logins.setUser(sess, u.id)
	s.renderConsent(w, r, sess)
}

// finishConsent ends a login: a refusal redirects with access_denied, an
// approval with a new authorization code.
func (s *Server) finishConsent(w http.ResponseWriter, r *http.Request, sess *loginSession, approve bool) {
	userID := s.oidc.logins.user(sess)
	if userID == "" {
		s.renderLogin(w, r, sess, "Sign in first.")
		return
	}
	if !s.oidc.logins.take(sess.id) {
		errorPage(w, "invalid_request", "The login session is unknown or has expired. Start the sign-in again.")
		return
	}
	if !approve {
		redirectError(w, r, sess.params.redirect, sess.params.state, "access_denied", "User denied the consent")
		return
	}
	st := s.store
	st.mu.RLock()
	u := sess.org.users[userID]
	st.mu.RUnlock()
	if u == nil {
		redirectError(w, r, sess.params.redirect, sess.params.state, "access_denied", "User is not a member of the organization")
		return
	}
	s.issueCode(w, r, sess.org, sess.client, sess.inOrg, u, sess.params)
}

// pageData fills the login and consent templates.
type pageData struct {
	Action, Session, CSRF string
	App, Org, Error       string
	Scopes                []string
}

func (s *Server) pageData(r *http.Request, sess *loginSession, errMsg string) pageData {
	s.store.mu.RLock()
	appName, orgName := sess.inOrg.name, sess.org.name
	s.store.mu.RUnlock()
	return pageData{
		Action: "/t/" + s.store.rootName + r.URL.Path, Session: sess.id, CSRF: sess.csrf,
		App: appName, Org: orgName, Error: errMsg, Scopes: strings.Fields(sess.params.scope),
	}
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, sess *loginSession, errMsg string) {
	renderPage(w, "login", s.pageData(r, sess, errMsg))
}

func (s *Server) renderConsent(w http.ResponseWriter, r *http.Request, sess *loginSession) {
	renderPage(w, "consent", s.pageData(r, sess, ""))
}

func renderPage(w http.ResponseWriter, name string, data pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	_ = pages.ExecuteTemplate(w, name, data)
}

// equalSecret compares two secrets in constant time.
func equalSecret(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// pages are the login and consent pages: plain HTML forms, no JavaScript.
var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.}}</title>
<style>body{font-family:sans-serif;max-width:24em;margin:4em auto}label,input,button{display:block;margin:.4em 0}p.error{color:#b00}</style>
</head><body>{{end}}

{{define "hidden"}}<input type="hidden" name="session" value="{{.Session}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">{{end}}

{{define "login"}}{{template "head" "Sign in"}}
<h1>Sign in to {{.App}}</h1>
<p>Organization: {{.Org}}</p>
{{if .Error}}<p class="error" id="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
{{template "hidden" .}}
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="sign-in" type="submit">Sign In</button>
</form>
</body></html>
{{end}}

{{define "consent"}}{{template "head" "Consent"}}
<h1>{{.App}} wants to access your account</h1>
<p>Organization: {{.Org}}</p>
{{if .Scopes}}<ul id="scopes">{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>{{end}}
<form method="post" action="{{.Action}}">
{{template "hidden" .}}
<button id="allow" type="submit" name="consent" value="approve">Allow</button>
<button id="deny" type="submit" name="consent" value="deny">Deny</button>
</form>
</body></html>
{{end}}
`))

// issueCode ends a successful authorization: it stores a new authorization
// code for user u, with the scopes u may get from the requested ones, and
// redirects to the client with it (and state).
func (s *Server) issueCode(w http.ResponseWriter, r *http.Request, o *org, client, inOrg *app, u *user, p authorizeParams) {
	st := s.store
	st.mu.Lock()
	c := &authCode{
		code: newUUID(), clientID: client.oidc.clientID, appID: inOrg.id, orgID: o.id, userID: u.id,
		scopes:    st.grantedScopes(inOrg, u, strings.Fields(p.scope)),
		challenge: p.challenge, method: p.method, nonce: p.nonce,
		expiresAt: s.clock.Now().Add(codeLifetime),
	}
	if p.explicit {
		c.redirectURI = p.redirect
	}
	st.codes[c.code] = c
	st.trackCode(c)
	st.mu.Unlock()
	v := url.Values{"code": {c.code}, "session_state": {randomString(32) + "." + randomString(16)}}
	if p.state != "" {
		v.Set("state", p.state)
	}
	http.Redirect(w, r, withQuery(p.redirect, v), http.StatusFound)
}
