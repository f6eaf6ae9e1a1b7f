package asgardeotest

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// oidcState is the server's OpenID Connect state besides the store: its
// signing keys and the browser logins in progress.
type oidcState struct {
	keys   *keySet
	logins *loginSessions
}

func newOIDCState(keyGrace time.Duration) *oidcState {
	return &oidcState{keys: newKeySet(keyGrace), logins: newLoginSessions()}
}

// routesOIDC registers the OpenID Connect endpoints of the root and of every
// organization: JWKS, discovery, userinfo, and the login form's post-back to
// the authorize endpoint.
func (s *Server) routesOIDC() {
	for _, prefix := range []string{"", "/o/{orgId}"} {
		s.mux.HandleFunc("GET "+prefix+"/oauth2/jwks", s.handleJWKS)
		s.mux.HandleFunc("GET "+prefix+"/oauth2/token/.well-known/openid-configuration", s.handleDiscovery)
		s.mux.HandleFunc("GET "+prefix+"/oauth2/userinfo", s.handleUserInfo)
		s.mux.HandleFunc("POST "+prefix+"/oauth2/userinfo", s.handleUserInfo)
		s.mux.HandleFunc("POST "+prefix+"/oauth2/authorize", s.handleLoginForm)
	}
}

// handleJWKS publishes the public signing keys: the current one and those
// rotated out less than the grace period ago. Every organization publishes
// the same keys (whether Asgardeo's organization keys differ from the
// root's is not documented; one tenant keystore is the likely case).
func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	if s.endpointOrg(w, r) == nil {
		return
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, k := range s.oidc.keys.published(s.clock.Now()) {
		priv, err := k.private()
		if err != nil {
			writeOAuth(w, http.StatusInternalServerError, "server_error", "Internal Server Error.")
			return
		}
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &priv.PublicKey, KeyID: k.kid, Algorithm: string(jose.RS256), Use: "sig"})
	}
	writeJSON(w, http.StatusOK, set)
}

// discovery is the OpenID Provider metadata (OpenID Connect Discovery 1.0 §3).
type discovery struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
}

// handleDiscovery serves the discovery document of the root or of an
// organization. Every URL is absolute and built from the server's URL, as
// the issuer of the tokens is, so the two always agree.
func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	o := s.endpointOrg(w, r)
	if o == nil {
		return
	}
	base := strings.TrimSuffix(s.issuer(o.id), "/token")
	grants := []string{"authorization_code", "client_credentials", "password", "refresh_token"}
	if o.root {
		grants = append(grants, "organization_switch")
	}
	claims := []string{"sub", "iss", "aud", "azp", "exp", "iat", "nbf", "auth_time", "nonce", "at_hash", "org_id"}
	for _, c := range standardClaims {
		claims = append(claims, c.name)
	}
	writeJSON(w, http.StatusOK, discovery{
		Issuer:                            s.issuer(o.id),
		AuthorizationEndpoint:             base + "/authorize",
		TokenEndpoint:                     base + "/token",
		UserinfoEndpoint:                  base + "/userinfo",
		JWKSURI:                           base + "/jwks",
		IntrospectionEndpoint:             base + "/introspect",
		RevocationEndpoint:                base + "/revoke",
		ResponseTypesSupported:            []string{"code"},
		ResponseModesSupported:            []string{"query"},
		GrantTypesSupported:               grants,
		SubjectTypesSupported:             []string{"public"},
		IDTokenSigningAlgValuesSupported:  []string{string(jose.RS256)},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		CodeChallengeMethodsSupported:     []string{"S256", "plain"},
		ScopesSupported:                   []string{"openid", "profile", "email", "phone"},
		ClaimsSupported:                   claims,
	})
}

// handleUserInfo answers the userinfo endpoint (OpenID Connect Core §5.3)
// for an active bearer access token of a user, issued at the same endpoint
// organization with "openid" granted: "sub" (the user ID) and the claims the
// token's scopes release. Anything else is 401 invalid_token.
func (s *Server) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	o := s.endpointOrg(w, r)
	if o == nil {
		return
	}
	scheme, value, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	value = strings.TrimSpace(value)
	st := s.store
	now := s.clock.Now()
	var claims map[string]any
	if strings.EqualFold(scheme, "Bearer") && value != "" {
		st.mu.RLock()
		t := st.accessToken(value)
		if t != nil && t.active(st.stamp(now)) && t.orgID() == o.id && t.userID() != "" && containsString(t.scopes(), "openid") {
			if u := st.userByID(t.orgID(), t.userID()); u != nil {
				claims = releasedClaims(u, t.scopes())
				claims["sub"] = u.id
			}
		}
		st.mu.RUnlock()
	}
	if claims == nil {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="Access token validation failed"`)
		writeJSON(w, http.StatusUnauthorized, oauthError{Error: "invalid_token", Description: "Access token validation failed"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, claims)
}
