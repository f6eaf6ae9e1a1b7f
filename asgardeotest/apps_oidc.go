package asgardeotest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// --- inbound protocols (spec §3.7) -------------------------------------------

func (s *Server) handleInboundMeta(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r, scopeAppView) == nil {
		return
	}
	writeJSON(w, http.StatusOK, []map[string]string{{"name": "oidc", "displayName": "OpenID Connect"}})
}

func (s *Server) handleListInbound(w http.ResponseWriter, r *http.Request) {
	s.readApp(w, r, scopeAppView, func(_ *caller, a *app) {
		writeJSON(w, http.StatusOK, s.inboundList(a))
	})
}

var errNoOIDC = &appError{http.StatusNotFound, "APP-60502", "Inbound protocol not found.", "Inbound protocol oidc is not configured for the application."}

// oidcView renders an OIDC configuration: defaults, then the members the
// fake keeps without interpreting, then the interpreted ones.
func oidcView(cfg *oidcConfig, showSecret bool) map[string]any {
	out := map[string]any{
		"accessToken": map[string]any{"bindingType": "None", "revokeTokensWhenIDPSessionTerminated": false,
			"validateTokenBinding": false, "accessTokenAttributes": []string{}, "enableJwtScopeAsArray": false},
		"idToken":              map[string]any{"audience": []string{}, "encryption": map[string]any{"enabled": false}},
		"clientAuthentication": map[string]any{"tokenEndpointAuthMethod": "client_secret_basic"},
		"isFAPIApplication":    false,
	}
	for k, v := range cfg.extra {
		var x any
		if json.Unmarshal(v, &x) != nil {
			continue
		}
		if obj, ok := x.(map[string]any); ok {
			if base, ok := out[k].(map[string]any); ok {
				for kk, vv := range obj {
					base[kk] = vv
				}
				continue
			}
		}
		out[k] = x
	}
	at, _ := out["accessToken"].(map[string]any)
	at["type"] = cfg.accessTokenType
	at["userAccessTokenExpiryInSeconds"] = cfg.userExpiry
	at["applicationAccessTokenExpiryInSeconds"] = cfg.appExpiry
	it, _ := out["idToken"].(map[string]any)
	it["expiryInSeconds"] = cfg.idTokenExpiry
	out["clientId"] = cfg.clientID
	if showSecret && cfg.secret != "" {
		out["clientSecret"] = cfg.secret
	}
	out["state"] = cfg.state
	out["grantTypes"] = nonNil(cfg.grantTypes)
	out["callbackURLs"] = nonNil(cfg.callbackURLs)
	out["allowedOrigins"] = nonNil(cfg.allowedOrigins)
	out["publicClient"] = cfg.publicClient
	out["pkce"] = map[string]bool{"mandatory": cfg.pkceMandatory, "supportPlainTransformAlgorithm": cfg.pkcePlain}
	out["refreshToken"] = map[string]any{"expiryInSeconds": cfg.refreshExpiry, "renewRefreshToken": cfg.renewRefresh}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// oidcInterpreted are the members parseOIDC takes into oidcConfig fields;
// the rest is kept in extra and echoed.
var oidcInterpreted = map[string]bool{
	"clientId": true, "clientSecret": true, "state": true, "grantTypes": true, "callbackURLs": true,
	"allowedOrigins": true, "publicClient": true, "pkce": true, "refreshToken": true,
}

// parseOIDC validates an OIDC configuration for a new application (cur nil)
// or as the full replacement of cur (spec §3.1, §3.7). Caller holds s.store.mu.
func (s *Server) parseOIDC(raw json.RawMessage, cur *oidcConfig, msg string) (*oidcConfig, *appError) {
	var in struct {
		ClientID       string   `json:"clientId"`
		ClientSecret   string   `json:"clientSecret"`
		GrantTypes     []string `json:"grantTypes"`
		CallbackURLs   []string `json:"callbackURLs"`
		AllowedOrigins []string `json:"allowedOrigins"`
		PublicClient   bool     `json:"publicClient"`
		PKCE           *struct {
			Mandatory                      bool `json:"mandatory"`
			SupportPlainTransformAlgorithm bool `json:"supportPlainTransformAlgorithm"`
		} `json:"pkce"`
		AccessToken *struct {
			Type                                  string `json:"type"`
			UserAccessTokenExpiryInSeconds        int64  `json:"userAccessTokenExpiryInSeconds"`
			ApplicationAccessTokenExpiryInSeconds int64  `json:"applicationAccessTokenExpiryInSeconds"`
		} `json:"accessToken"`
		RefreshToken *struct {
			ExpiryInSeconds   int64 `json:"expiryInSeconds"`
			RenewRefreshToken bool  `json:"renewRefreshToken"`
		} `json:"refreshToken"`
		IDToken *struct {
			ExpiryInSeconds int64 `json:"expiryInSeconds"`
		} `json:"idToken"`
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &in) != nil || json.Unmarshal(raw, &members) != nil {
		return nil, errBadRequest("Provided request body content is not in the expected format.")
	}
	if len(in.GrantTypes) == 0 {
		return nil, errBadRequest("Property grantTypes cannot be null or empty.")
	}
	hasCode := false
	for _, g := range in.GrantTypes {
		if !orgAppGrants[g] {
			return nil, errInvalidApp(msg, "'"+g+"' grant type is not allowed.")
		}
		hasCode = hasCode || g == "authorization_code"
	}
	if len(in.CallbackURLs) > 1 {
		// IS answers with its generic not-implemented error here.
		return nil, &appError{http.StatusNotImplemented, "APP-65501", "Not implemented.", appMultipleCallbacks}
	}
	if hasCode && (len(in.CallbackURLs) == 0 || strings.TrimSpace(in.CallbackURLs[0]) == "") {
		return nil, errInvalidApp(msg, "Callback URI is mandatory for Code or Implicit grant types")
	}
	for _, cb := range in.CallbackURLs {
		if !validCallback(cb) {
			return nil, errInvalidApp(msg, "Callback URI "+cb+" is not valid.")
		}
	}
	for _, origin := range in.AllowedOrigins {
		u, err := url.Parse(origin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return nil, errInvalidApp(msg, "Invalid allowed origin: "+origin)
		}
	}
	cfg := &oidcConfig{
		clientID: in.ClientID, state: "ACTIVE",
		grantTypes:      append([]string(nil), in.GrantTypes...),
		callbackURLs:    append([]string(nil), in.CallbackURLs...),
		allowedOrigins:  append([]string(nil), in.AllowedOrigins...),
		publicClient:    in.PublicClient,
		accessTokenType: "Default", userExpiry: 3600, appExpiry: 3600, refreshExpiry: 86400, idTokenExpiry: 3600,
		extra: map[string]json.RawMessage{},
	}
	if in.PKCE != nil {
		cfg.pkceMandatory, cfg.pkcePlain = in.PKCE.Mandatory, in.PKCE.SupportPlainTransformAlgorithm
	}
	if at := in.AccessToken; at != nil {
		switch at.Type {
		case "", "Default", "JWT":
			cfg.accessTokenType = defaultString(at.Type, "Default")
		default:
			return nil, errInvalidApp(msg, "Unsupported access token type: "+at.Type)
		}
		cfg.userExpiry = positiveOr(at.UserAccessTokenExpiryInSeconds, 3600)
		cfg.appExpiry = positiveOr(at.ApplicationAccessTokenExpiryInSeconds, 3600)
	}
	if rt := in.RefreshToken; rt != nil {
		cfg.refreshExpiry = positiveOr(rt.ExpiryInSeconds, 86400)
		cfg.renewRefresh = rt.RenewRefreshToken
	}
	if it := in.IDToken; it != nil {
		cfg.idTokenExpiry = positiveOr(it.ExpiryInSeconds, 3600)
	}
	for k, v := range members {
		if !oidcInterpreted[k] && jsonPresent(v) {
			cfg.extra[k] = v
		}
	}
	st := s.store
	if cur == nil {
		if cfg.clientID == "" {
			cfg.clientID = newClientID()
		} else if st.clients[cfg.clientID] != nil {
			return nil, &appError{http.StatusConflict, "APP-60009", "Conflicting inbound key.", "Client ID " + cfg.clientID + " is already in use."}
		}
		if in.ClientSecret != "" {
			cfg.setSecret(in.ClientSecret)
		} else if !cfg.publicClient {
			cfg.setSecret(newClientSecret())
		}
		return cfg, nil
	}
	// Replacing: the client ID and secret stay. Changing the client ID
	// through PUT is not documented; the fake refuses it.
	if cfg.clientID != "" && cfg.clientID != cur.clientID {
		return nil, errInvalidApp(msg, "The client ID of an application cannot be changed.")
	}
	cfg.clientID, cfg.secret, cfg.secretHash, cfg.state = cur.clientID, cur.secret, cur.secretHash, cur.state
	if cfg.secret == "" && !cfg.publicClient {
		cfg.setSecret(newClientSecret())
	}
	return cfg, nil
}

// orgAppGrants are the grant types an organization application may use (spec §3.1).
var orgAppGrants = map[string]bool{"authorization_code": true, "client_credentials": true, "password": true, "refresh_token": true}

func validCallback(cb string) bool {
	if strings.HasPrefix(cb, "regexp=") {
		_, err := regexp.Compile(strings.TrimPrefix(cb, "regexp="))
		return err == nil
	}
	u, err := url.Parse(cb)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "" || u.Path != "")
}

func positiveOr(v, def int64) int64 {
	if v <= 0 {
		return def
	}
	return v
}

// ownApp resolves an application the caller's organization owns and may
// edit: 404 APP-60006 when unknown, 400 for one shared from the root, whose
// settings live in the root. Caller holds s.store.mu.
func (s *Server) ownApp(w http.ResponseWriter, r *http.Request, c *caller) *app {
	a := s.store.lookupApp(c, r.PathValue("id"))
	switch {
	case a == nil:
		errAppNotFound(r.PathValue("id")).write(w)
		return nil
	case a.fragment:
		errSharedApp.write(w)
		return nil
	}
	return a
}

// handleGetOIDC answers 404 APP-60502 for an application without OIDC,
// shared applications included: their settings live in the root.
func (s *Server) handleGetOIDC(w http.ResponseWriter, r *http.Request) {
	s.readApp(w, r, scopeAppView, func(c *caller, a *app) {
		if a.oidc == nil {
			errNoOIDC.write(w)
			return
		}
		writeJSON(w, http.StatusOK, oidcView(a.oidc, c.has(scopeSecretView)))
	})
}

func (s *Server) handlePutOIDC(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppUpdate)
	if c == nil {
		return
	}
	var raw json.RawMessage
	if !decodeJSONBody(w, r, &raw) {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a := s.ownApp(w, r, c)
	if a == nil {
		return
	}
	cfg, e := s.parseOIDC(raw, a.oidc, "Error updating inbound protocol of application with id: "+a.id)
	if e != nil {
		e.write(w)
		return
	}
	a.oidc = cfg
	st.clients[cfg.clientID] = a
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleDeleteOIDC(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppDelete)
	if c == nil {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a := st.lookupApp(c, r.PathValue("id"))
	if a != nil && a.fragment {
		errSharedApp.write(w)
		return
	}
	if a != nil && a.oidc != nil {
		st.revokeClientGrants(a.oidc.clientID)
		delete(st.clients, a.oidc.clientID)
		a.oidc = nil
	}
	// 204 also when the application does not exist (spec §3.7).
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleRegenerateSecret(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeSecretCreate)
	if c == nil {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a := s.ownApp(w, r, c)
	if a == nil {
		return
	}
	if a.oidc == nil {
		errNoOIDC.write(w)
		return
	}
	a.oidc.setSecret(newClientSecret())
	a.oidc.state = "ACTIVE"
	st.revokeClientGrants(a.oidc.clientID)
	writeJSON(w, http.StatusOK, oidcView(a.oidc, true))
}
