package asgardeotest

import (
	"net/http"
	"strings"
)

// introspection is the active answer of the introspection endpoint (spec
// §6.4). Members are omitted when empty, as Asgardeo does.
type introspection struct {
	Active    bool   `json:"active"`
	TokenType string `json:"token_type,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Audience  string `json:"aud,omitempty"`
	AUT       string `json:"aut,omitempty"`
	Username  string `json:"username,omitempty"`
	OrgID     string `json:"org_id,omitempty"`
	Scope     string `json:"scope,omitempty"`
	IssuedAt  int64  `json:"iat,omitempty"`
	NotBefore int64  `json:"nbf,omitempty"`
	Expires   int64  `json:"exp,omitempty"`
	Subject   string `json:"sub,omitempty"` // JWT access tokens only
	Issuer    string `json:"iss,omitempty"`
	JTI       string `json:"jti,omitempty"`
}

// lookupToken finds the token pair a presented string belongs to, looking
// first where hint says (RFC 7009 §2.1, RFC 7662 §2.1), and reports whether
// the string is the pair's refresh token. Caller holds st.mu.
func (st *store) lookupToken(value, hint string) (t *token, isRefresh bool) {
	if hint == "refresh_token" {
		if t := st.refresh[value]; t != nil && t.refresh() == value {
			return t, true
		}
		return st.accessToken(value), false
	}
	if t := st.accessToken(value); t != nil {
		return t, false
	}
	if t := st.refresh[value]; t != nil && t.refresh() == value {
		return t, true
	}
	return nil, false
}

// handleIntrospect is the introspection endpoint of the root and of every
// organization (spec §6.4). The caller authenticates as a client (Basic or
// form credentials); an unknown, expired or revoked token is
// {"active":false}. Any authenticated client may introspect any token of
// the tenant, as in Identity Server.
//
// A refresh token introspects with token_type "Refresh" and its own expiry;
// the exact members Asgardeo returns for refresh tokens are not documented.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	o := s.endpointOrg(w, r)
	if o == nil {
		return
	}
	form := parseForm(w, r)
	if form == nil {
		return
	}
	if inOrg, _ := s.authenticateClient(w, r, form, o); inOrg == nil {
		return
	}
	value := strings.TrimSpace(form.Get("token"))
	if value == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid input"})
		return
	}
	now := s.clock.Now()
	st := s.store
	st.mu.RLock()
	t, isRefresh := st.lookupToken(value, form.Get("token_type_hint"))
	var out introspection
	if t != nil && !t.revoked {
		expires := t.expiresAt
		if isRefresh {
			expires = t.ext.refreshExpires
		}
		if st.stamp(now) < expires {
			src := t.src
			iat := st.at(t.issuedAt()).Unix()
			out = introspection{
				Active: true, TokenType: "Bearer", ClientID: src.clientID, Audience: src.clientID,
				AUT: src.aut, OrgID: src.orgID, Scope: src.scope,
				IssuedAt: iat, NotBefore: iat, Expires: st.at(expires).Unix(),
			}
			if t.jwt() {
				out.TokenType = "JWT"
				out.Subject, out.Issuer, out.JTI = s.jwtIdentity(t)
			}
			if isRefresh {
				out.TokenType = "Refresh"
			}
			if t.ext != nil && t.ext.username != "" {
				out.Username = t.ext.username + "@" + src.orgID
			}
		}
	}
	st.mu.RUnlock()
	noStore(w.Header())
	if !out.Active {
		writeJSON(w, http.StatusOK, map[string]bool{"active": false})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleRevoke is the revocation endpoint of the root and of every
// organization (spec §6.5). Revoking either token of a pair revokes both;
// an unknown token is a success, as RFC 7009 requires.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	o := s.endpointOrg(w, r)
	if o == nil {
		return
	}
	form := parseForm(w, r)
	if form == nil {
		return
	}
	_, client, fail := s.resolveClient(r, form, o)
	if fail != nil {
		if fail.status == http.StatusUnauthorized {
			// Asgardeo labels this JSON body text/html.
			h := w.Header()
			h.Set("WWW-Authenticate", `Bearer realm="asgardeo"`)
			h.Set("Cache-Control", "no-store")
			h.Set("Pragma", "no-cache")
			writeJSONType(w, http.StatusUnauthorized, "text/html", oauthError{Error: "invalid_client", Description: "Client Authentication failed."})
			return
		}
		writeOAuth(w, fail.status, fail.code, fail.description)
		return
	}
	value := strings.TrimSpace(form.Get("token"))
	if value == "" {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Invalid revocation request")
		return
	}
	st := s.store
	st.mu.Lock()
	t, _ := st.lookupToken(value, form.Get("token_type_hint"))
	if t != nil && t.clientID() != client.oidc.clientID {
		st.mu.Unlock()
		writeOAuth(w, http.StatusUnauthorized, "unauthorized_client", "Client Authentication failed.")
		return
	}
	if t != nil {
		t.revoked = true
	}
	st.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", "0")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(http.StatusOK)
}
