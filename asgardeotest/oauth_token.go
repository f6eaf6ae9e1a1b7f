package asgardeotest

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// routesOAuth registers the OAuth2 endpoints of the root and of every
// organization.
func (s *Server) routesOAuth() {
	for _, prefix := range []string{"", "/o/{orgId}"} {
		s.mux.HandleFunc("POST "+prefix+"/oauth2/token", s.handleToken)
		s.mux.HandleFunc("GET "+prefix+"/oauth2/authorize", s.handleAuthorize)
		s.mux.HandleFunc("POST "+prefix+"/oauth2/introspect", s.handleIntrospect)
		s.mux.HandleFunc("POST "+prefix+"/oauth2/revoke", s.handleRevoke)
	}
}

// tokenResponse is the RFC 6749 §5.1 body (spec §6.2).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

// tokenRequest is a parsed, client-authenticated token request.
type tokenRequest struct {
	form   url.Values
	org    *org // the organization of the endpoint
	app    *app // the application as it lives in org (a fragment for shared apps)
	client *app // the application holding the credentials
}

// parseForm parses a bounded form body and rejects repeated parameters
// (spec §6.3). On failure it answers and returns nil.
func parseForm(w http.ResponseWriter, r *http.Request) url.Values {
	if err := r.ParseForm(); err != nil {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Invalid request body.")
		return nil
	}
	form := r.PostForm
	if len(form) > maxFormFields {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Too many request parameters.")
		return nil
	}
	for _, vs := range form {
		if len(vs) > 1 {
			writeOAuth(w, http.StatusBadRequest, "invalid_request", "Invalid request with repeated parameters.")
			return nil
		}
	}
	return form
}

// clientAuthError is why a client could not be authenticated.
type clientAuthError struct {
	status            int
	code, description string
}

// authenticateClient resolves the calling client at the endpoint of
// organization o (spec §6.1): HTTP Basic or form credentials, never both;
// public clients send client_id only. On failure it answers with the token
// endpoint's error and returns nil. The caller holds no lock.
func (s *Server) authenticateClient(w http.ResponseWriter, r *http.Request, form url.Values, o *org) (appInOrg, client *app) {
	appInOrg, client, fail := s.resolveClient(r, form, o)
	if fail != nil {
		writeOAuth(w, fail.status, fail.code, fail.description)
		return nil, nil
	}
	return appInOrg, client
}

// resolveClient is authenticateClient without the answer.
func (s *Server) resolveClient(r *http.Request, form url.Values, o *org) (appInOrg, client *app, fail *clientAuthError) {
	invalid := &clientAuthError{http.StatusUnauthorized, "invalid_client", "Client credentials are invalid."}
	basicID, basicSecret, hasBasic := r.BasicAuth()
	if hasBasic {
		basicID, _ = url.QueryUnescape(basicID)
		basicSecret, _ = url.QueryUnescape(basicSecret)
	}
	formID, formSecret := form.Get("client_id"), form.Get("client_secret")
	if hasBasic && (formSecret != "" || (formID != "" && formID != basicID)) {
		return nil, nil, &clientAuthError{http.StatusBadRequest, "invalid_request", "The client MUST NOT use more than one authentication method in each"}
	}
	id, secret := formID, formSecret
	if hasBasic {
		id, secret = basicID, basicSecret
	}
	st := s.store
	st.mu.RLock()
	a := st.clients[id]
	var inOrg *app
	if a != nil {
		switch {
		case a.orgID == o.id:
			inOrg = a
		case st.orgs[a.orgID].root:
			inOrg = a.shared[o.id]
		}
	}
	var publicClient, secretOK bool
	if a != nil && a.oidc != nil {
		publicClient = a.oidc.publicClient
		secretOK = secret != "" && a.oidc.checkSecret(secret)
	}
	st.mu.RUnlock()
	if a == nil || inOrg == nil || a.oidc == nil {
		return nil, nil, invalid
	}
	if publicClient {
		if secret != "" {
			return nil, nil, invalid
		}
	} else if !secretOK {
		return nil, nil, invalid
	}
	return inOrg, a, nil
}

// endpointOrg returns the organization of an OAuth2 endpoint path: the one
// named by {orgId}, or the root. On failure it answers and returns nil.
func (s *Server) endpointOrg(w http.ResponseWriter, r *http.Request) *org {
	id := r.PathValue("orgId")
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	if id == "" {
		return s.store.orgs[s.store.rootOrgID]
	}
	o := s.store.orgs[strings.ToLower(id)]
	if o == nil || o.root {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Invalid organization id: "+id)
		return nil
	}
	return o
}

// knownGrants are the grant types the server supports at all; any other
// value is invalid_request (spec §6.3).
var knownGrants = map[string]bool{
	"authorization_code": true, "client_credentials": true, "password": true,
	"refresh_token": true, "organization_switch": true,
	"urn:ietf:params:oauth:grant-type:jwt-bearer": true, "urn:ietf:params:oauth:grant-type:device_code": true,
	"urn:ietf:params:oauth:grant-type:token-exchange": true, "implicit": true,
}

// handleToken is the token endpoint of the root and of each organization.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	o := s.endpointOrg(w, r)
	if o == nil {
		return
	}
	form := parseForm(w, r)
	if form == nil {
		return
	}
	appInOrg, client := s.authenticateClient(w, r, form, o)
	if appInOrg == nil {
		return
	}
	grant := form.Get("grant_type")
	if grant == "" {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Missing grant_type parameter value")
		return
	}
	if !knownGrants[grant] {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Unsupported grant_type value")
		return
	}
	if !client.oidc.hasGrant(grant) {
		writeOAuth(w, http.StatusBadRequest, "unauthorized_client", "The authenticated client is not authorized to use this authorization grant type")
		return
	}
	if !validScopeParam(form.Get("scope")) {
		writeOAuth(w, http.StatusBadRequest, "invalid_scope", "Invalid Scope!")
		return
	}
	tr := &tokenRequest{form: form, org: o, app: appInOrg, client: client}
	switch grant {
	case "client_credentials":
		s.grantClientCredentials(w, tr)
	case "organization_switch":
		s.grantOrganizationSwitch(w, tr)
	case "password":
		s.grantPassword(w, tr)
	case "refresh_token":
		s.grantRefreshToken(w, tr)
	case "authorization_code":
		s.grantAuthorizationCode(w, tr)
	default:
		writeOAuth(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type : "+grant+", is used.")
	}
}

// validScopeParam reports whether a scope parameter is made of RFC 6749
// §3.3 scope tokens (printable ASCII without '"' and backslash), separated by
// spaces. The real scope validator rejects a whole request only in rare
// cases; the fake rejects exactly the malformed ones.
func validScopeParam(scope string) bool {
	for _, c := range scope {
		if c == ' ' {
			continue
		}
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// writeToken answers a token request with t.
func (s *Server) writeToken(w http.ResponseWriter, t *token) {
	idToken := ""
	if t.ext != nil {
		idToken = t.ext.idToken
	}
	noStore(w.Header())
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken:  t.access(),
		RefreshToken: t.refresh(),
		Scope:        t.src.scope,
		IDToken:      idToken,
		TokenType:    "Bearer",
		ExpiresIn:    t.src.lifetime,
	})
}

func (s *Server) grantClientCredentials(w http.ResponseWriter, tr *tokenRequest) {
	st := s.store
	st.mu.Lock()
	scopes := st.grantedScopes(tr.app, nil, strings.Fields(tr.form.Get("scope")))
	t, sign := st.mintUnsigned(s, tr.app, tr.org.id, nil, "client_credentials", scopes, false)
	st.mu.Unlock()
	if sign {
		s.signOutsideLock(t)
	}
	s.writeToken(w, t)
}

// grantOrganizationSwitch exchanges a root token for one bound to the
// switching organization (spec §2).
func (s *Server) grantOrganizationSwitch(w http.ResponseWriter, tr *tokenRequest) {
	if !tr.org.root {
		writeOAuth(w, http.StatusBadRequest, "unauthorized_client", "The authenticated client is not authorized to use this authorization grant type")
		return
	}
	orgID := strings.ToLower(tr.form.Get("switching_organization"))
	st := s.store
	now := s.clock.Now()
	st.mu.Lock()
	presented := st.accessToken(tr.form.Get("token"))
	if presented == nil || !presented.active(st.stamp(now)) || presented.orgID() != st.rootOrgID {
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Invalid token received.")
		return
	}
	target := st.orgs[orgID]
	switch {
	case orgID == "" || target == nil || target.root:
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Invalid organization id: "+tr.form.Get("switching_organization"))
		return
	case target.deactivated:
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "The switching organization is in deactivated state.")
		return
	}
	fragment := tr.client.shared[orgID]
	if fragment == nil {
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Organization switching is not allowed for organizations that have not shared the application")
		return
	}
	requested := strings.Fields(tr.form.Get("scope"))
	var u *user
	if presented.userID() != "" {
		u = &user{id: presented.ext.userID, username: presented.ext.username, orgID: presented.orgID()}
	} else {
		requested = without(requested, "openid")
	}
	scopes := st.grantedScopes(fragment, u, requested)
	withRefresh := u != nil && tr.client.oidc.hasGrant("refresh_token")
	t, sign := st.mintUnsigned(s, fragment, orgID, u, "organization_switch", scopes, withRefresh)
	st.mu.Unlock()
	if sign {
		s.signOutsideLock(t)
	}
	s.writeToken(w, t)
}

func without(list []string, drop string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != drop {
			out = append(out, x)
		}
	}
	return out
}

// mint issues a token pair for a (as it lives in orgID). u is nil for
// application tokens. Caller holds s.mu for writing.
func (st *store) mint(s *Server, a *app, orgID string, u *user, grant string, scopes []string, withRefresh bool) *token {
	t, sign := st.mintUnsigned(s, a, orgID, u, grant, scopes, withRefresh)
	if sign {
		delete(st.tokens, t.id)
		s.useJWTAccessToken(t)
		st.jwtTokens[t.ext.jwt] = t
	}
	return t
}

// mintUnsigned is mint with an opaque access token in any case; sign
// reports that the application's access tokens are JWTs, which the caller
// makes with s.signOutsideLock once it has released s.mu. Caller holds
// s.mu for writing.
func (st *store) mintUnsigned(s *Server, a *app, orgID string, u *user, grant string, scopes []string, withRefresh bool) (t *token, sign bool) {
	now := s.clock.Now()
	cfg := a.credentialsApp().oidc
	lifetime := cfg.appExpiry
	if u != nil {
		lifetime = cfg.userExpiry
	}
	t = &token{
		id:        newOpaqueID(),
		src:       st.source(cfg.clientID, a.id, orgID, grant, u != nil, lifetime, scopes),
		expiresAt: st.stamp(now.Add(time.Duration(lifetime) * time.Second)),
	}
	if u != nil {
		t.ext = &tokenExt{userID: u.id, username: u.username}
	}
	if withRefresh {
		if t.ext == nil {
			t.ext = &tokenExt{}
		}
		t.ext.refresh = newUUID()
		t.ext.family = t.ext.refresh
		t.ext.refreshExpires = st.stamp(now.Add(time.Duration(cfg.refreshExpiry) * time.Second))
		st.refresh[t.ext.refresh] = t
	}
	st.tokens[t.id] = t
	st.trackToken(t)
	return t, cfg.accessTokenType == "JWT"
}
