package asgardeotest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// --- sub-objects (spec §3.10) -----------------------------------------------

type claimRef struct {
	URI string `json:"uri"`
}

type requestedClaim struct {
	Claim     claimRef `json:"claim"`
	Mandatory bool     `json:"mandatory"`
}

type claimMapping struct {
	ApplicationClaim string   `json:"applicationClaim"`
	LocalClaim       claimRef `json:"localClaim"`
}

type subjectConfig struct {
	Claim                       claimRef `json:"claim"`
	IncludeUserDomain           bool     `json:"includeUserDomain"`
	IncludeTenantDomain         bool     `json:"includeTenantDomain"`
	UseMappedLocalSubject       bool     `json:"useMappedLocalSubject"`
	MappedLocalSubjectMandatory bool     `json:"mappedLocalSubjectMandatory"`
}

type roleClaimConfig struct {
	Claim             claimRef          `json:"claim"`
	IncludeUserDomain bool              `json:"includeUserDomain"`
	Mappings          []json.RawMessage `json:"mappings,omitempty"`
}

// claimConfig is the stored claimConfiguration.
type claimConfig struct {
	Dialect         string           `json:"dialect"`
	RequestedClaims []requestedClaim `json:"requestedClaims"`
	ClaimMappings   []claimMapping   `json:"claimMappings,omitempty"`
	Subject         subjectConfig    `json:"subject"`
	Role            roleClaimConfig  `json:"role"`
}

func defaultClaimConfig() claimConfig {
	return claimConfig{
		Dialect:         "LOCAL",
		RequestedClaims: []requestedClaim{},
		Subject:         subjectConfig{Claim: claimRef{localClaimURIPrefix + "username"}},
		Role:            roleClaimConfig{Claim: claimRef{localClaimURIPrefix + "role"}},
	}
}

func storedClaimConfig(a *app) claimConfig {
	cc := defaultClaimConfig()
	if len(a.claimConfig) > 0 {
		_ = json.Unmarshal(a.claimConfig, &cc)
	}
	return cc
}

func claimView(a *app) claimConfig { return storedClaimConfig(a) }

type authOption struct {
	IDP           string `json:"idp"`
	Authenticator string `json:"authenticator"`
}

type authStep struct {
	ID      int          `json:"id"`
	Options []authOption `json:"options"`
}

// authSequence is the stored authenticationSequence (USER_DEFINED only;
// nil storage means the default flow).
type authSequence struct {
	Type                      string     `json:"type"`
	Steps                     []authStep `json:"steps"`
	RequestPathAuthenticators []string   `json:"requestPathAuthenticators"`
	Script                    string     `json:"script,omitempty"`
	SubjectStepID             int        `json:"subjectStepId"`
	AttributeStepID           int        `json:"attributeStepId"`
}

func defaultSequence() authSequence {
	return authSequence{
		Type:                      "DEFAULT",
		Steps:                     []authStep{{ID: 1, Options: []authOption{{"LOCAL", "BasicAuthenticator"}}}},
		RequestPathAuthenticators: []string{},
		SubjectStepID:             1, AttributeStepID: 1,
	}
}

func storedSequence(a *app) (authSequence, bool) {
	if len(a.authSequence) == 0 {
		return defaultSequence(), false
	}
	var seq authSequence
	_ = json.Unmarshal(a.authSequence, &seq)
	return seq, true
}

func sequenceView(a *app) authSequence { seq, _ := storedSequence(a); return seq }

// advancedDefaults are the advancedConfigurations GET shows for an
// application that never set them. Stored members override them.
func advancedDefaults(fragment bool) map[string]any {
	return map[string]any{
		"saas": false, "discoverableByEndUsers": false, "skipLoginConsent": false,
		"skipLogoutConsent": false, "returnAuthenticatedIdpList": false, "enableAuthorization": false,
		"fragment": fragment, "enableAPIBasedAuthentication": false,
		"attestationMetaData":    map[string]any{"enableClientAttestation": false},
		"additionalSpProperties": []any{}, "useExternalConsentPage": false,
	}
}

func storedAdvanced(a *app) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	if len(a.advancedConfig) > 0 {
		_ = json.Unmarshal(a.advancedConfig, &m)
	}
	return m
}

func (s *Server) advancedView(a *app) map[string]any {
	out := advancedDefaults(a.fragment)
	for k, v := range storedAdvanced(a) {
		out[k] = v
	}
	return out
}

// prepareSubObjects validates the sub-objects and top-level members of a
// create or patch body against a, and returns the function that applies
// them. Nothing changes unless every check passes. Caller holds s.store.mu.
func (s *Server) prepareSubObjects(c *caller, a *app, b *appBody, msg string, create bool) (func(), *appError) {
	var steps []func()
	accessURL := a.accessURL
	if b.AccessURL != nil {
		accessURL = *b.AccessURL
	}
	if jsonPresent(b.AssociatedRoles) {
		if a.fragment {
			return nil, errSharedApp
		}
		aud, ids, e := s.parseAssociatedRoles(c, a, b.AssociatedRoles, msg, create)
		if e != nil {
			return nil, e
		}
		steps = append(steps, func() { a.audience, a.roleIDs = aud, ids })
	}
	if jsonPresent(b.ClaimConfiguration) {
		raw, e := s.parseClaimConfig(a, b.ClaimConfiguration, msg)
		if e != nil {
			return nil, e
		}
		steps = append(steps, func() { a.claimConfig = raw })
	}
	if jsonPresent(b.AuthenticationSequence) {
		raw, e := s.parseSequence(c, a, b.AuthenticationSequence, msg)
		if e != nil {
			return nil, e
		}
		steps = append(steps, func() { a.authSequence = raw })
	}
	if jsonPresent(b.AdvancedConfigurations) {
		raw, e := s.parseAdvanced(a, b.AdvancedConfigurations, accessURL, msg)
		if e != nil {
			return nil, e
		}
		steps = append(steps, func() { a.advancedConfig = raw })
	}
	return func() {
		for _, f := range steps {
			f()
		}
	}, nil
}

func (s *Server) parseAssociatedRoles(c *caller, a *app, raw json.RawMessage, msg string, create bool) (string, []string, *appError) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(raw, &in); err != nil {
		return "", nil, errBadRequest("Provided request body content is not in the expected format.")
	}
	aud := "ORGANIZATION" // the model default when allowedAudience is left out
	if v, ok := in["allowedAudience"]; ok {
		if !jsonPresent(v) {
			return "", nil, errBadRequest("Property allowedAudience cannot be null.")
		}
		if err := json.Unmarshal(v, &aud); err != nil || aud != "APPLICATION" && aud != "ORGANIZATION" {
			return "", nil, errBadRequest("Invalid value for allowedAudience.")
		}
	}
	var roles []struct {
		ID *string `json:"id"`
	}
	if v := in["roles"]; jsonPresent(v) {
		if err := json.Unmarshal(v, &roles); err != nil {
			return "", nil, errBadRequest("Provided request body content is not in the expected format.")
		}
	}
	// The guard checks the stored audience, not the one in the body (spec §3.6).
	if !create && a.audience == "ORGANIZATION" && len(roles) > 0 {
		return "", nil, &appError{http.StatusForbidden, "APP-60008", "Operation not allowed.", "Applications can not be updated by modifying the associated roles."}
	}
	var ids []string
	o := c.org
	for _, r := range roles {
		if r.ID == nil {
			return "", nil, errBadRequest("Property id cannot be null.")
		}
		role := o.roles[*r.ID]
		if role == nil || role.audienceType != "application" || role.audienceValue != a.id {
			return "", nil, s.errInvalidConfig(msg, a.name, "One or more associating roles does not exist or not in the allowed audience for the application.")
		}
		if !containsString(ids, *r.ID) {
			ids = append(ids, *r.ID)
		}
	}
	if aud != "APPLICATION" {
		ids = nil
	}
	return aud, ids, nil
}

func (s *Server) parseClaimConfig(a *app, raw json.RawMessage, msg string) (json.RawMessage, *appError) {
	type claimIn struct {
		URI *string `json:"uri"`
	}
	var in struct {
		Dialect         *string `json:"dialect"`
		RequestedClaims []struct {
			Claim     *claimIn `json:"claim"`
			Mandatory *bool    `json:"mandatory"`
		} `json:"requestedClaims"`
		ClaimMappings []struct {
			ApplicationClaim *string  `json:"applicationClaim"`
			LocalClaim       *claimIn `json:"localClaim"`
		} `json:"claimMappings"`
		Subject *struct {
			Claim                       *claimIn `json:"claim"`
			IncludeUserDomain           *bool    `json:"includeUserDomain"`
			IncludeTenantDomain         *bool    `json:"includeTenantDomain"`
			UseMappedLocalSubject       *bool    `json:"useMappedLocalSubject"`
			MappedLocalSubjectMandatory *bool    `json:"mappedLocalSubjectMandatory"`
		} `json:"subject"`
		Role *struct {
			Claim             *claimIn          `json:"claim"`
			IncludeUserDomain *bool             `json:"includeUserDomain"`
			Mappings          []json.RawMessage `json:"mappings"`
		} `json:"role"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, errBadRequest("Provided request body content is not in the expected format.")
	}
	cur := storedClaimConfig(a)
	next := claimConfig{Dialect: "LOCAL", RequestedClaims: []requestedClaim{}, Subject: cur.Subject, Role: cur.Role}
	if in.Dialect != nil {
		if *in.Dialect != "LOCAL" && *in.Dialect != "CUSTOM" {
			return nil, errBadRequest("Invalid value for dialect.")
		}
		next.Dialect = *in.Dialect
	}
	localClaim := func(uri string) *appError {
		if !strings.HasPrefix(uri, localClaimURIPrefix) || len(uri) == len(localClaimURIPrefix) {
			return s.errInvalidConfig(msg, a.name, "Local claim "+uri+" is not available in the server for tenantDomain:"+s.store.rootName+".")
		}
		return nil
	}
	for _, m := range in.ClaimMappings {
		if m.ApplicationClaim == nil || m.LocalClaim == nil || m.LocalClaim.URI == nil {
			return nil, errBadRequest("Property applicationClaim and localClaim cannot be null.")
		}
		if e := localClaim(*m.LocalClaim.URI); e != nil {
			return nil, e
		}
		next.ClaimMappings = append(next.ClaimMappings, claimMapping{*m.ApplicationClaim, claimRef{*m.LocalClaim.URI}})
	}
	for _, rc := range in.RequestedClaims {
		if rc.Claim == nil || rc.Claim.URI == nil {
			return nil, errBadRequest("Property uri cannot be null.")
		}
		uri := *rc.Claim.URI
		if next.Dialect == "LOCAL" {
			if e := localClaim(uri); e != nil {
				return nil, e
			}
		} else if !hasAppClaim(next.ClaimMappings, uri) {
			continue // CUSTOM: requested claims without a mapping are dropped
		}
		next.RequestedClaims = append(next.RequestedClaims, requestedClaim{claimRef{uri}, rc.Mandatory != nil && *rc.Mandatory})
	}
	if sub := in.Subject; sub != nil {
		if sub.Claim != nil && sub.Claim.URI != nil {
			next.Subject.Claim.URI = *sub.Claim.URI
		}
		setBool(&next.Subject.IncludeUserDomain, sub.IncludeUserDomain)
		setBool(&next.Subject.IncludeTenantDomain, sub.IncludeTenantDomain)
		setBool(&next.Subject.UseMappedLocalSubject, sub.UseMappedLocalSubject)
		setBool(&next.Subject.MappedLocalSubjectMandatory, sub.MappedLocalSubjectMandatory)
	}
	if next.Subject.MappedLocalSubjectMandatory && !next.Subject.UseMappedLocalSubject {
		return nil, &appError{http.StatusBadRequest, "APP-60513", "Invalid configuration.",
			"Mapped local subject cannot be mandatory when the mapped local subject is not used."}
	}
	if role := in.Role; role != nil {
		next.Role = roleClaimConfig{Claim: cur.Role.Claim, Mappings: role.Mappings}
		if role.Claim != nil && role.Claim.URI != nil {
			next.Role.Claim.URI = *role.Claim.URI
		}
		setBool(&next.Role.IncludeUserDomain, role.IncludeUserDomain)
	}
	for _, uri := range []string{next.Subject.Claim.URI, next.Role.Claim.URI} {
		if next.Dialect == "CUSTOM" {
			if !hasAppClaim(next.ClaimMappings, uri) && localClaim(uri) != nil {
				return nil, s.errInvalidConfig(msg, a.name, "Claim "+uri+" is not a mapped application claim.")
			}
		} else if e := localClaim(uri); e != nil {
			return nil, e
		}
	}
	out, _ := json.Marshal(next)
	return out, nil
}

func hasAppClaim(ms []claimMapping, uri string) bool {
	for _, m := range ms {
		if m.ApplicationClaim == uri {
			return true
		}
	}
	return false
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

func (s *Server) parseSequence(c *caller, a *app, raw json.RawMessage, msg string) (json.RawMessage, *appError) {
	var in struct {
		Type  *string `json:"type"`
		Steps []struct {
			ID      *int `json:"id"`
			Options []struct {
				IDP           *string `json:"idp"`
				Authenticator *string `json:"authenticator"`
			} `json:"options"`
		} `json:"steps"`
		RequestPathAuthenticators *[]string `json:"requestPathAuthenticators"`
		Script                    *string   `json:"script"`
		SubjectStepID             *int      `json:"subjectStepId"`
		AttributeStepID           *int      `json:"attributeStepId"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, errBadRequest("Provided request body content is not in the expected format.")
	}
	cur, custom := storedSequence(a)
	typ := "DEFAULT"
	if in.Type != nil {
		typ = *in.Type
	}
	denyScript := &appError{http.StatusForbidden, "APP-60520", "Operation is not permitted.",
		"Operation is not permitted. You do not have permissions to make this request."}
	switch typ {
	case "DEFAULT":
		if custom && cur.Script != "" && !c.has(scopeScriptUpdate) {
			return nil, denyScript
		}
		return nil, nil // the default flow is not stored
	case "USER_DEFINED":
	default:
		return nil, errBadRequest("Invalid value for type.")
	}
	if len(in.Steps) == 0 {
		return nil, s.errInvalidConfig(msg, a.name, "Authentication steps cannot be empty for user defined authentication type: USER_DEFINED")
	}
	next := authSequence{Type: typ, RequestPathAuthenticators: []string{}, SubjectStepID: 1, AttributeStepID: 1}
	if custom {
		next.RequestPathAuthenticators, next.Script = cur.RequestPathAuthenticators, cur.Script
	}
	for _, st := range in.Steps {
		if st.ID == nil || *st.ID < 1 || len(st.Options) == 0 {
			return nil, errBadRequest("Step id must be at least 1 and a step needs at least one option.")
		}
		step := authStep{ID: *st.ID}
		for _, o := range st.Options {
			if o.IDP == nil || o.Authenticator == nil {
				return nil, errBadRequest("Property idp and authenticator cannot be null.")
			}
			if *o.IDP != "LOCAL" {
				return nil, s.errInvalidConfig(msg, a.name, "Federated Identity Provider "+*o.IDP+" is not available in the server.")
			}
			if !localAuthenticators[*o.Authenticator] {
				return nil, s.errInvalidConfig(msg, a.name, "Authenticator "+*o.Authenticator+" is not available in the server.")
			}
			step.Options = append(step.Options, authOption{*o.IDP, *o.Authenticator})
		}
		next.Steps = append(next.Steps, step)
	}
	sort.SliceStable(next.Steps, func(i, j int) bool { return next.Steps[i].ID < next.Steps[j].ID })
	for i, st := range next.Steps {
		if st.ID != i+1 {
			return nil, s.errInvalidConfig(msg, a.name, "Step ids need to be consecutive in the authentication sequence steps.")
		}
	}
	if in.RequestPathAuthenticators != nil {
		next.RequestPathAuthenticators = append([]string{}, (*in.RequestPathAuthenticators)...)
	}
	if in.Script != nil && strings.TrimSpace(*in.Script) != "" {
		if !c.has(scopeScriptUpdate) {
			return nil, denyScript
		}
		next.Script = *in.Script
	}
	n := len(next.Steps)
	for _, p := range []struct {
		in  *int
		out *int
	}{{in.SubjectStepID, &next.SubjectStepID}, {in.AttributeStepID, &next.AttributeStepID}} {
		if p.in != nil && *p.in >= 1 && *p.in <= n {
			*p.out = *p.in
		}
	}
	out, _ := json.Marshal(next)
	return out, nil
}

// advancedBools are the boolean members of advancedConfigurations.
var advancedBools = map[string]bool{
	"saas": true, "discoverableByEndUsers": true, "skipLoginConsent": true, "skipLogoutConsent": true,
	"returnAuthenticatedIdpList": true, "enableAuthorization": true, "enableAPIBasedAuthentication": true,
	"useExternalConsentPage": true,
}

func (s *Server) parseAdvanced(a *app, raw json.RawMessage, accessURL, msg string) (json.RawMessage, *appError) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, errBadRequest("Provided request body content is not in the expected format.")
	}
	next := storedAdvanced(a)
	for k, v := range in {
		if !jsonPresent(v) || k == "fragment" {
			continue // absent/null members are unchanged; fragment is read-only
		}
		switch {
		case advancedBools[k]:
			var b bool
			if json.Unmarshal(v, &b) != nil {
				return nil, errBadRequest("Invalid value for " + k + ".")
			}
		case k == "additionalSpProperties":
			var props []json.RawMessage
			if json.Unmarshal(v, &props) != nil {
				return nil, errBadRequest("Invalid value for additionalSpProperties.")
			}
			if len(props) > 0 {
				return nil, &appError{http.StatusBadRequest, "APP-60506", "Unsupported application property.", "Unsupported application property."}
			}
			continue
		}
		next[k] = v
	}
	if d := next["discoverableByEndUsers"]; string(d) == "true" && strings.TrimSpace(accessURL) == "" {
		return nil, s.errInvalidConfig(msg, a.name, "A valid accessURL needs to be defined if an application is marked as discoverable.")
	}
	out, _ := json.Marshal(next)
	return out, nil
}
