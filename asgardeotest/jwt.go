package asgardeotest

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
)

// issuer returns the issuer of the tokens issued at the endpoints of
// organization orgID (the root's ID for the root): BASE/oauth2/token at the
// root, BASE/o/{orgId}/oauth2/token in an organization.
//
// Asgardeo lets each application choose between the root and the
// organization issuer, and its default for organization applications is not
// documented. The fake uses the organization issuer, as
// asgardeo.Org.Endpoints reports it: it is the issuer whose discovery
// document lives under the organization's own OAuth2 path, so OpenID
// Connect libraries that derive the discovery URL from the issuer (go-oidc
// among them) accept the organization's tokens. JWT access tokens, ID
// tokens, introspection and discovery all take it from here.
func (s *Server) issuer(orgID string) string {
	if orgID == "" || orgID == s.store.rootOrgID {
		return s.TenantURL() + "/oauth2/token"
	}
	return s.TenantURL() + "/o/" + orgID + "/oauth2/token"
}

// JOSE "typ" header values (RFC 9068 for access tokens).
const (
	typAccessToken = "at+jwt"
	typIDToken     = "JWT"
)

// sign serializes claims as a compact RS256 JWS with the current key, its
// key ID and the given "typ" header.
//
// With the fake's RSA keys, signing cannot fail short of the system's
// random source failing, which Go treats as fatal; an error here is a broken
// invariant of the fake and panics, which net/http turns into a dropped
// connection for the one request.
func (s *Server) sign(typ string, claims any) string {
	signer, err := s.oidc.keys.current().signer(typ)
	if err != nil {
		panic("asgardeotest: signing key: " + err.Error())
	}
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		panic("asgardeotest: signing: " + err.Error())
	}
	return raw
}

// accessTokenClaims are the claims of a JWT access token (spec §6.2).
type accessTokenClaims struct {
	jwt.Claims
	AuthorizedParty string `json:"azp"`
	ClientID        string `json:"client_id"`
	Scope           string `json:"scope,omitempty"`
	Aut             string `json:"aut"`
	OrgID           string `json:"org_id"`
}

// useJWTAccessToken replaces t's opaque access token by an RS256 JWT
// carrying the same grant, for applications whose access token type is
// "JWT". The opaque value becomes the JWT's "jti". The token store keys
// tokens by their string, so introspection and revocation treat both kinds
// alike. Caller holds st.mu for writing and calls it before storing t;
// signing under the lock costs about a millisecond, so the hot grants use
// [Server.signOutsideLock] instead.
func (s *Server) useJWTAccessToken(t *token) {
	t.setJWT(s.accessTokenJWT(t))
}

// setJWT records signed as t's access token. Caller holds st.mu for
// writing.
func (t *token) setJWT(signed string) {
	if t.ext == nil {
		t.ext = &tokenExt{}
	}
	t.ext.jwt = signed
}

// signOutsideLock turns t, minted opaque by mintUnsigned and already in the
// store, into a JWT access token: it signs without st.mu, so that requests
// sign on every core at once, then re-keys t under the lock. Until then
// the opaque value, which nobody has seen, is t's key. The caller must not
// hold st.mu.
func (s *Server) signOutsideLock(t *token) {
	signed := s.accessTokenJWT(t) // t's claims do not change after minting
	st := s.store
	st.mu.Lock()
	if st.tokens[t.id] == t {
		delete(st.tokens, t.id)
		st.jwtTokens[signed] = t
	}
	t.setJWT(signed)
	st.mu.Unlock()
}

// accessTokenJWT signs the claims of t as a JWT access token whose "jti" is
// t's opaque value.
func (s *Server) accessTokenJWT(t *token) string {
	st, src := s.store, t.src
	issued := st.at(t.issuedAt())
	c := accessTokenClaims{
		Claims: jwt.Claims{
			Issuer:    s.issuer(src.orgID),
			Subject:   tokenSubject(t),
			Audience:  jwt.Audience{src.clientID},
			Expiry:    jwt.NewNumericDate(st.at(t.expiresAt)),
			NotBefore: jwt.NewNumericDate(issued),
			IssuedAt:  jwt.NewNumericDate(issued),
			ID:        t.id.String(),
		},
		AuthorizedParty: src.clientID,
		ClientID:        src.clientID,
		Scope:           src.scope,
		Aut:             src.aut,
		OrgID:           src.orgID,
	}
	return s.sign(typAccessToken, c)
}

// tokenSubject is the "sub" of a JWT access token: the user ID, or the
// client ID for an application token.
func tokenSubject(t *token) string {
	if id := t.userID(); id != "" {
		return id
	}
	return t.clientID()
}

// jwtIdentity returns the subject, issuer and JWT ID of a JWT access token,
// which introspection reports for JWTs (spec §6.4): the JWT ID is the
// opaque value the token was minted with (accessTokenJWT). Caller holds
// st.mu.
func (s *Server) jwtIdentity(t *token) (sub, iss, jti string) {
	return tokenSubject(t), s.issuer(t.orgID()), t.id.String()
}

// attachIDToken gives t an ID token when "openid" was granted in a user
// flow (password, authorization_code, refresh_token): issuer, subject (the
// user ID), audience and authorized party (the client ID), expiry, auth_time,
// nonce when the authorization request sent one, at_hash of t's access
// token, org_id, and the claims the profile, email and phone scopes release
// from the user's claims. Caller holds st.mu and calls it after the access
// token is final.
func (s *Server) attachIDToken(t *token, nonce string) {
	if t.userID() == "" || !containsString(t.scopes(), "openid") {
		return
	}
	st, src := s.store, t.src
	expiry := int64(3600)
	if a := st.clients[src.clientID]; a != nil && a.oidc != nil && a.oidc.idTokenExpiry > 0 {
		expiry = a.oidc.idTokenExpiry
	}
	claims := map[string]any{}
	if u := st.userByID(src.orgID, t.ext.userID); u != nil {
		claims = releasedClaims(u, src.scopes)
	}
	issued := st.at(t.issuedAt())
	claims["iss"] = s.issuer(src.orgID)
	claims["sub"] = t.ext.userID
	claims["aud"] = src.clientID
	claims["azp"] = src.clientID
	claims["iat"] = issued.Unix()
	claims["exp"] = issued.Add(time.Duration(expiry) * time.Second).Unix()
	claims["auth_time"] = issued.Unix()
	claims["at_hash"] = accessTokenHash(t.access())
	claims["org_id"] = src.orgID
	if nonce != "" {
		claims["nonce"] = nonce
	}
	t.ext.idToken = s.sign(typIDToken, claims)
}

// accessTokenHash is the OpenID Connect at_hash of an RS256-signed ID token:
// the left half of the SHA-256 of the access token, base64url-encoded.
func accessTokenHash(access string) string {
	h := sha256.Sum256([]byte(access))
	return base64.RawURLEncoding.EncodeToString(h[:len(h)/2])
}

// userByID finds a user, first in organization orgID, then anywhere.
// Caller holds st.mu.
func (st *store) userByID(orgID, id string) *user {
	if o := st.orgs[orgID]; o != nil {
		if u := o.users[id]; u != nil {
			return u
		}
	}
	for _, o := range st.orgs {
		if u := o.users[id]; u != nil {
			return u
		}
	}
	return nil
}

// standardClaims maps OpenID Connect claims to Asgardeo's local claim URIs,
// by the scope that releases them.
var standardClaims = []struct {
	scope, name, uri string
	boolean          bool
}{
	{"profile", "username", "http://wso2.org/claims/username", false},
	{"profile", "name", "http://wso2.org/claims/fullname", false},
	{"profile", "given_name", "http://wso2.org/claims/givenname", false},
	{"profile", "family_name", "http://wso2.org/claims/lastname", false},
	{"profile", "nickname", "http://wso2.org/claims/nickname", false},
	{"profile", "preferred_username", "http://wso2.org/claims/displayName", false},
	{"profile", "picture", "http://wso2.org/claims/photourl", false},
	{"profile", "website", "http://wso2.org/claims/url", false},
	{"profile", "gender", "http://wso2.org/claims/gender", false},
	{"profile", "birthdate", "http://wso2.org/claims/dob", false},
	{"profile", "zoneinfo", "http://wso2.org/claims/timeZone", false},
	{"profile", "locale", "http://wso2.org/claims/local", false},
	{"email", "email", "http://wso2.org/claims/emailaddress", false},
	{"email", "email_verified", "http://wso2.org/claims/identity/emailVerified", true},
	{"phone", "phone_number", "http://wso2.org/claims/mobile", false},
	{"phone", "phone_number_verified", "http://wso2.org/claims/identity/phoneVerified", true},
}

// releasedClaims returns the user's claims that the granted scopes release,
// by their OpenID Connect names. Caller holds st.mu.
func releasedClaims(u *user, scopes []string) map[string]any {
	out := map[string]any{}
	for _, c := range standardClaims {
		v, ok := u.claims[c.uri]
		if !ok || v == "" || !containsString(scopes, c.scope) {
			continue
		}
		if c.boolean {
			out[c.name] = strings.EqualFold(v, "true")
			continue
		}
		out[c.name] = v
	}
	return out
}
