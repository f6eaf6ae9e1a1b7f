package asgardeotest

import (
	"net/http"
	"strings"
)

// grantPassword is the resource owner password credentials grant (spec
// §6.2, §6.3): the user is resolved in the endpoint's organization, and
// scopes are those the application and the user's roles both allow.
func (s *Server) grantPassword(w http.ResponseWriter, tr *tokenRequest) {
	username, password := tr.form.Get("username"), tr.form.Get("password")
	if username == "" || password == "" {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Missing parameters: username and password are required.")
		return
	}
	st := s.store
	st.mu.Lock()
	u := tr.org.usersByName[strings.ToLower(username)]
	if u == nil || !u.checkPassword(password) {
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Authentication failed for "+username)
		return
	}
	scopes := st.grantedScopes(tr.app, u, strings.Fields(tr.form.Get("scope")))
	t := st.mint(s, tr.app, tr.org.id, u, "password", scopes, tr.client.oidc.hasGrant("refresh_token"))
	s.attachIDToken(t, "")
	st.mu.Unlock()
	s.writeToken(w, t)
}

// grantRefreshToken is the refresh_token grant (spec §6.2, §6.3).
//
// Every refresh issues a new access token and makes the previous access
// token of the pair inactive (the server's token store replaces the pair).
// With renewRefreshToken the refresh token rotates: the old one dies, and
// presenting a rotated-out (or otherwise revoked) refresh token again is
// treated as theft and revokes every token of its family. Without it the
// same refresh token is returned and keeps its original expiry. The granted
// scopes are the requested ones that the original grant carried, or all of
// them when none is requested.
func (s *Server) grantRefreshToken(w http.ResponseWriter, tr *tokenRequest) {
	rt := tr.form.Get("refresh_token")
	if rt == "" {
		writeOAuth(w, http.StatusBadRequest, "invalid_request", "Missing parameters: refresh_token")
		return
	}
	const invalid = "Invalid refresh token value in the request"
	now := s.clock.Now()
	st := s.store
	st.mu.Lock()
	old := st.refresh[rt]
	if old == nil || old.refresh() != rt || old.clientID() != tr.client.oidc.clientID || old.orgID() != tr.org.id {
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", invalid)
		return
	}
	if old.revoked {
		st.revokeFamily(old.ext.family)
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", invalid)
		return
	}
	if st.stamp(now) >= old.ext.refreshExpires {
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", "Refresh token is expired.")
		return
	}
	a := st.apps[old.src.appID]
	if a == nil {
		st.mu.Unlock()
		writeOAuth(w, http.StatusBadRequest, "invalid_grant", invalid)
		return
	}
	scopes := old.scopes()
	if requested := strings.Fields(tr.form.Get("scope")); len(requested) > 0 {
		scopes = nil
		for _, sc := range requested {
			if containsString(old.scopes(), sc) && !containsString(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	var u *user
	if old.ext.userID != "" {
		u = &user{id: old.ext.userID, username: old.ext.username, orgID: old.orgID()}
	}
	old.revoked = true
	t := st.mint(s, a, old.orgID(), u, "refresh_token", scopes, true)
	s.attachIDToken(t, "")
	t.ext.family, t.ext.code = old.ext.family, old.ext.code
	if !tr.client.oidc.renewRefresh {
		delete(st.refresh, t.ext.refresh)
		t.ext.refresh, t.ext.refreshExpires = old.ext.refresh, old.ext.refreshExpires
		st.refresh[t.ext.refresh] = t
	}
	if c := st.codes[old.ext.code]; c != nil {
		c.issued = append(c.issued, t)
	}
	st.mu.Unlock()
	s.writeToken(w, t)
}

// revokeFamily revokes every token descended from one refresh token.
// Caller holds s.mu for writing.
func (st *store) revokeFamily(family string) {
	if family == "" {
		return
	}
	for t := range st.allTokens() {
		if t.ext != nil && t.ext.family == family {
			t.revoked = true
		}
	}
}
