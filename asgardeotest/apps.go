package asgardeotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Scopes of the organization application API (spec §8.1).
const (
	scopeAppView         = "internal_org_application_mgt_view"
	scopeAppCreate       = "internal_org_application_mgt_create"
	scopeAppUpdate       = "internal_org_application_mgt_update"
	scopeAppDelete       = "internal_org_application_mgt_delete"
	scopeSecretCreate    = "internal_org_application_mgt_client_secret_create"
	scopeSecretView      = "internal_org_application_mgt_client_secret_view"
	scopeBusinessAPI     = "internal_org_application_business_api_update"
	scopeInternalAPI     = "internal_org_application_internal_api_update"
	scopeScriptUpdate    = "internal_org_application_script_update"
	appsBase             = "/o/api/server/v1/applications"
	defaultAppPageLimit  = 30
	maximumAppPageLimit  = 100
	residentSPName       = "wso2carbon-local-sp"
	localClaimURIPrefix  = "http://wso2.org/claims/"
	appMultipleCallbacks = "Multiple callbacks for OAuth2 are not supported yet. Please use regex to define multiple callbacks."
)

// appNameRE is the IS default application-name rule (spec §3.1).
var appNameRE = regexp.MustCompile(`^[a-zA-Z0-9._-]+(?: [a-zA-Z0-9._-]+)*$`)

// localAuthenticators are the local authenticators a login step may use (spec §3.10).
var localAuthenticators = map[string]bool{
	"BasicAuthenticator": true, "IdentifierExecutor": true, "totp": true,
	"email-otp-authenticator": true, "sms-otp-authenticator": true, "FIDOAuthenticator": true,
	"MagicLinkAuthenticator": true, "backup-code-authenticator": true,
}

// listAttributes are the values the list's attributes parameter accepts.
var listAttributes = map[string]bool{
	"advancedConfigurations": true, "templateId": true, "templateVersion": true,
	"clientId": true, "issuer": true, "associatedRoles.allowedAudience": true,
}

// routesApplications registers the organization application API (spec §3).
func (s *Server) routesApplications() {
	m := s.mux
	m.HandleFunc("GET "+appsBase, s.handleListApps)
	m.HandleFunc("POST "+appsBase, s.handleCreateApp)
	m.HandleFunc("GET "+appsBase+"/meta/inbound-protocols", s.handleInboundMeta)
	m.HandleFunc("GET "+appsBase+"/{id}", s.handleGetApp)
	m.HandleFunc("PATCH "+appsBase+"/{id}", s.handlePatchApp)
	m.HandleFunc("DELETE "+appsBase+"/{id}", s.handleDeleteApp)
	m.HandleFunc("GET "+appsBase+"/{id}/inbound-protocols/{$}", s.handleListInbound)
	m.HandleFunc("GET "+appsBase+"/{id}/inbound-protocols/oidc", s.handleGetOIDC)
	m.HandleFunc("PUT "+appsBase+"/{id}/inbound-protocols/oidc", s.handlePutOIDC)
	m.HandleFunc("DELETE "+appsBase+"/{id}/inbound-protocols/oidc", s.handleDeleteOIDC)
	m.HandleFunc("POST "+appsBase+"/{id}/inbound-protocols/oidc/regenerate-secret", s.handleRegenerateSecret)
	m.HandleFunc("GET "+appsBase+"/{id}/authorized-apis", s.handleListAuthorizedAPIs)
	m.HandleFunc("POST "+appsBase+"/{id}/authorized-apis", s.handleAuthorizeAPI)
	m.HandleFunc("PATCH "+appsBase+"/{id}/authorized-apis/{apiId}", s.handlePatchAuthorizedAPI)
	m.HandleFunc("DELETE "+appsBase+"/{id}/authorized-apis/{apiId}", s.handleDeleteAuthorizedAPI)
}

// appError is an error answer of the application API (spec §7.2).
type appError struct {
	status                     int
	code, message, description string
}

func (e *appError) write(w http.ResponseWriter) {
	writeREST(w, e.status, e.code, e.message, e.description)
}

func errAppNotFound(id string) *appError {
	return &appError{http.StatusNotFound, "APP-60006", "Application not found.", "Application cannot be found for the provided id: " + id + " in the tenantDomain."}
}

func errBadRequest(description string) *appError {
	return &appError{http.StatusBadRequest, "UE-10000", "Invalid Request", description}
}

func errInvalidApp(message, description string) *appError {
	return &appError{http.StatusBadRequest, "APP-60001", message, description}
}

// errInvalidConfig is a save-time validator failure (spec §3.10).
func (s *Server) errInvalidConfig(message, appName, check string) *appError {
	return errInvalidApp(message, "Invalid application configuration for application: '"+appName+
		"' of tenantDomain: "+s.store.rootName+". "+check)
}

var errSharedApp = errInvalidApp("Invalid request.", "The operation is not allowed for applications shared from the root organization.")

// lookupApp returns the application id of the caller's organization, nil
// when there is none. Caller holds s.store.mu.
func (st *store) lookupApp(c *caller, id string) *app {
	a := st.apps[id]
	if a == nil || a.orgID != c.org.id {
		return nil
	}
	return a
}

// --- list -------------------------------------------------------------------

// appFilter is a parsed list filter: a disjunction of conjunctions, "and"
// binding tighter than "or" (spec §3.3). Comparisons ignore case.
type appFilter [][]filterTerm

var appFilterAttrs = map[string]string{"name": "name", "clientid": "clientId", "issuer": "issuer"}

func parseAppFilter(s string) (appFilter, error) {
	toks, err := tokenizeFilter(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errors.New("empty filter")
	}
	var out appFilter
	var and []filterTerm
	for i := 0; ; {
		if i+3 > len(toks) {
			return nil, errors.New("incomplete filter expression")
		}
		a, op, v := toks[i], toks[i+1], toks[i+2]
		if a.quoted || op.quoted {
			return nil, errors.New("invalid filter expression")
		}
		attr, ok := appFilterAttrs[strings.ToLower(a.text)]
		if !ok {
			return nil, fmt.Errorf("filtering based on attribute: %s is not supported", a.text)
		}
		o := strings.ToLower(op.text)
		if o != "eq" && o != "co" && o != "sw" && o != "ew" {
			return nil, fmt.Errorf("filter operator %q is not supported", op.text)
		}
		and = append(and, filterTerm{attr: attr, op: o, value: v.text})
		i += 3
		if i == len(toks) {
			return append(out, and), nil
		}
		switch kw := toks[i]; {
		case !kw.quoted && strings.EqualFold(kw.text, "and"):
		case !kw.quoted && strings.EqualFold(kw.text, "or"):
			out, and = append(out, and), nil
		default:
			return nil, fmt.Errorf("unexpected %q in filter", kw.text)
		}
		i++
	}
}

func (f appFilter) match(s *Server, a *app) bool {
	for _, and := range f {
		ok := true
		for _, t := range and {
			if !t.match(s.appAttr(a, t.attr), true) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// appAttr returns a filterable attribute of a. Caller holds s.store.mu.
func (s *Server) appAttr(a *app, attr string) string {
	switch attr {
	case "name":
		return a.name
	case "clientId":
		if cfg := a.credentialsApp().oidc; cfg != nil {
			return cfg.clientID
		}
	case "issuer":
		if a.credentialsApp().oidc != nil {
			return s.issuer(a.orgID)
		}
	}
	return ""
}

type listLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

type appListResponse struct {
	TotalResults int              `json:"totalResults"`
	StartIndex   int              `json:"startIndex"`
	Count        int              `json:"count"`
	Applications []map[string]any `json:"applications"`
	Links        []listLink       `json:"links,omitempty"`
}

func (s *Server) handleListApps(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppView)
	if c == nil {
		return
	}
	q := r.URL.Query()
	if q.Has("sortBy") || q.Has("sortOrder") {
		writeREST(w, http.StatusNotImplemented, "APP-65002", "Sorting not supported.", "Sorting capability is not supported in this version of the API.")
		return
	}
	limit, err1 := queryInt(q, "limit", defaultAppPageLimit)
	offset, err2 := queryInt(q, "offset", 0)
	if err1 != nil || err2 != nil {
		errBadRequest("Invalid limit or offset.").write(w)
		return
	}
	if limit <= 0 {
		limit = defaultAppPageLimit
	}
	limit = min(limit, maximumAppPageLimit)
	offset = max(offset, 0)
	var attrs []string
	if raw := q.Get("attributes"); raw != "" {
		for _, a := range strings.Split(raw, ",") {
			a = strings.TrimSpace(a)
			if !listAttributes[a] {
				writeREST(w, http.StatusBadRequest, "APP-60505", "Invalid attributes provided.", "Attribute '"+a+"' is not supported.")
				return
			}
			attrs = append(attrs, a)
		}
	}
	var filter appFilter
	if raw := q.Get("filter"); raw != "" {
		f, err := parseAppFilter(raw)
		if err != nil {
			writeREST(w, http.StatusBadRequest, "APP-60004", "Invalid filter query provided.", err.Error())
			return
		}
		filter = f
		for _, and := range f {
			for _, t := range and {
				if t.attr != "name" && !containsString(attrs, t.attr) {
					attrs = append(attrs, t.attr) // filtering by clientId/issuer shows them
				}
			}
		}
	}
	// excludeSystemPortals is accepted: the fake has no Console or My
	// Account applications to leave out.

	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	matches := c.org.appOrder
	if filter != nil {
		matches = nil
		for _, a := range c.org.appOrder {
			if filter.match(s, a) {
				matches = append(matches, a)
			}
		}
	}
	total := len(matches)
	page := matches[min(offset, total):min(offset+limit, total)]
	resp := appListResponse{TotalResults: total, StartIndex: offset + 1, Count: len(page), Applications: make([]map[string]any, 0, len(page))}
	for _, a := range page {
		resp.Applications = append(resp.Applications, s.appListItem(a, attrs))
	}
	link := func(off int) string {
		v := "offset=" + strconv.Itoa(off) + "&limit=" + strconv.Itoa(limit)
		if raw := q.Get("attributes"); raw != "" {
			v += "&attributes=" + url.QueryEscape(raw)
		}
		if raw := q.Get("filter"); raw != "" {
			v += "&filter=" + url.QueryEscape(raw)
		}
		return "/t/" + st.rootName + appsBase + "?" + v
	}
	if offset+limit < total {
		resp.Links = append(resp.Links, listLink{link(offset + limit), "next"})
	}
	if offset > 0 {
		resp.Links = append(resp.Links, listLink{link(max(0, offset-limit)), "previous"})
	}
	writeJSON(w, http.StatusOK, resp)
}

func queryInt(q url.Values, name string, def int) (int, error) {
	raw := q.Get(name)
	if raw == "" {
		return def, nil
	}
	return strconv.Atoi(raw)
}

// appListItem renders a as an item of the list. Caller holds s.store.mu.
func (s *Server) appListItem(a *app, attrs []string) map[string]any {
	item := map[string]any{
		"id": a.id, "name": a.name, "access": "WRITE",
		"self":            s.appSelf(a),
		"associatedRoles": map[string]any{"allowedAudience": a.credentialsApp().audience},
		// Shared applications are recognisable without asking for attributes.
		"advancedConfigurations": map[string]any{"fragment": a.fragment},
	}
	if a.description != "" {
		item["description"] = a.description
	}
	if a.imageURL != "" {
		item["image"] = a.imageURL
	}
	if a.accessURL != "" {
		item["accessUrl"] = a.accessURL
	}
	for _, at := range attrs {
		switch at {
		case "advancedConfigurations":
			item["advancedConfigurations"] = s.advancedView(a)
		case "templateId":
			item["templateId"] = a.templateID
		case "clientId", "issuer":
			if v := s.appAttr(a, at); v != "" {
				item[at] = v
			}
		}
	}
	return item
}

func (s *Server) appSelf(a *app) string {
	return "/t/" + s.store.rootName + appsBase + "/" + a.id
}

// --- create -----------------------------------------------------------------

// appBody is the body of POST (ApplicationModel) and PATCH
// (ApplicationPatchModel); sub-objects stay raw to tell absent from null.
type appBody struct {
	Name                         *string         `json:"name"`
	Description                  *string         `json:"description"`
	ApplicationVersion           *string         `json:"applicationVersion"`
	ImageURL                     *string         `json:"imageUrl"`
	AccessURL                    *string         `json:"accessUrl"`
	LogoutReturnURL              *string         `json:"logoutReturnUrl"`
	TemplateID                   *string         `json:"templateId"`
	TemplateVersion              *string         `json:"templateVersion"`
	IsManagementApp              *bool           `json:"isManagementApp"`
	ApplicationEnabled           *bool           `json:"applicationEnabled"`
	AssociatedRoles              json.RawMessage `json:"associatedRoles"`
	ClaimConfiguration           json.RawMessage `json:"claimConfiguration"`
	AuthenticationSequence       json.RawMessage `json:"authenticationSequence"`
	AdvancedConfigurations       json.RawMessage `json:"advancedConfigurations"`
	ProvisioningConfigurations   json.RawMessage `json:"provisioningConfigurations"`
	InboundProtocolConfiguration *struct {
		OIDC json.RawMessage `json:"oidc"`
	} `json:"inboundProtocolConfiguration"`
}

func jsonPresent(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

func (s *Server) handleCreateApp(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppCreate)
	if c == nil {
		return
	}
	if r.URL.Query().Has("template") {
		writeREST(w, http.StatusNotImplemented, "APP-65501", "Not implemented.", "Creating an application with a template is not supported.")
		return
	}
	var body appBody
	if !decodeJSONBody(w, r, &body) {
		return
	}
	if body.Name == nil {
		errBadRequest("Property name cannot be null.").write(w)
		return
	}
	const msg = "Error creating application."
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if e := s.checkAppName(c.org, nil, *body.Name); e != nil {
		e.write(w)
		return
	}
	if body.TemplateID != nil && *body.TemplateID != "" && *body.TemplateID != TemplateStandardBased && *body.TemplateID != TemplateM2M {
		errInvalidApp(msg, "Template "+*body.TemplateID+" is not available for organization applications.").write(w)
		return
	}
	a := &app{id: newUUID(), orgID: c.org.id, name: *body.Name, enabled: true, audience: "ORGANIZATION"}
	a.templateID = appStr(body.TemplateID)
	a.description, a.imageURL, a.accessURL = appStr(body.Description), appStr(body.ImageURL), appStr(body.AccessURL)
	if body.ApplicationEnabled != nil {
		a.enabled = *body.ApplicationEnabled
	}
	if body.IsManagementApp != nil {
		a.managed = *body.IsManagementApp
	}
	apply, e := s.prepareSubObjects(c, a, &body, msg, true)
	if e != nil {
		e.write(w)
		return
	}
	if body.InboundProtocolConfiguration != nil && jsonPresent(body.InboundProtocolConfiguration.OIDC) {
		cfg, e := s.parseOIDC(body.InboundProtocolConfiguration.OIDC, nil, msg)
		if e != nil {
			e.write(w)
			return
		}
		a.oidc = cfg
	}
	apply()
	a.seq = st.next()
	st.apps[a.id] = a
	if a.oidc != nil {
		st.clients[a.oidc.clientID] = a
	}
	c.org.addApp(a)
	w.Header().Set("Location", s.URL+"/t/"+st.rootName+appsBase+"/"+a.id)
	w.WriteHeader(http.StatusCreated)
}

func appStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkAppName applies the name rules of spec §3.1 for a new application
// (self nil) or a rename of self. Caller holds s.store.mu.
func (s *Server) checkAppName(o *org, self *app, name string) *appError {
	create := self == nil
	msg := "Error creating application."
	if !create {
		msg = "Error patching application with id: " + self.id
	}
	if strings.TrimSpace(name) == "" {
		return errInvalidApp(msg, "Application name cannot be empty.")
	}
	if strings.EqualFold(name, "Console") || strings.EqualFold(name, "My Account") {
		if create {
			return &appError{http.StatusBadRequest, "APP-60515", "Reserved application name.", "Application name: " + name + " is reserved for a system application."}
		}
		return &appError{http.StatusBadRequest, "APP-60516", "Reserved application name.", "Application name: " + name + " is reserved for a system application."}
	}
	if strings.EqualFold(name, residentSPName) {
		if create {
			return &appError{http.StatusConflict, "APP-60007", "Application already exists.", "Application with name: " + name + " already exists."}
		}
		return &appError{http.StatusForbidden, "APP-60008", "Operation not allowed.", "Application name: " + name + " is reserved."}
	}
	if !appNameRE.MatchString(name) {
		return errInvalidApp(msg, "The Application name "+name+" is not valid! It is not adhering to the regex "+appNameRE.String()+".")
	}
	if o.hasAppName(name, self) {
		return &appError{http.StatusConflict, "APP-60007", "Application already exists.",
			"An application with name: '" + name + "' already exists in tenantDomain: " + s.store.rootName}
	}
	return nil
}

// --- get --------------------------------------------------------------------

func (s *Server) handleGetApp(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppView)
	if c == nil {
		return
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	a := st.lookupApp(c, r.PathValue("id"))
	if a == nil {
		errAppNotFound(r.PathValue("id")).write(w)
		return
	}
	out := map[string]any{
		"id": a.id, "name": a.name, "templateId": a.templateID, "isManagementApp": a.managed,
		"applicationEnabled": a.enabled, "access": "WRITE",
		"associatedRoles":        s.rolesView(a),
		"claimConfiguration":     claimView(a),
		"authenticationSequence": sequenceView(a),
		"advancedConfigurations": s.advancedView(a),
		"inboundProtocols":       s.inboundList(a),
	}
	if a.description != "" {
		out["description"] = a.description
	}
	if a.imageURL != "" {
		out["imageUrl"] = a.imageURL
	}
	if a.accessURL != "" {
		out["accessUrl"] = a.accessURL
	}
	if cfg := a.credentialsApp().oidc; cfg != nil {
		out["clientId"] = cfg.clientID
		out["issuer"] = s.issuer(a.orgID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) inboundList(a *app) []map[string]string {
	if a.oidc == nil {
		return []map[string]string{}
	}
	return []map[string]string{{"type": "oauth2", "self": s.appSelf(a) + "/inbound-protocols/oidc"}}
}

// rolesView renders associatedRoles (spec §3.10). Caller holds s.store.mu.
func (s *Server) rolesView(a *app) map[string]any {
	aud := a.credentialsApp().audience
	out := map[string]any{"allowedAudience": aud}
	if aud != "APPLICATION" {
		return out
	}
	var roles []map[string]string
	o := s.store.orgs[a.orgID]
	if a.fragment {
		for _, r := range o.roleOrder {
			if r.audienceType == "application" && r.audienceValue == a.id {
				roles = append(roles, map[string]string{"id": r.id, "name": r.name})
			}
		}
	} else {
		for _, id := range a.roleIDs {
			if r := o.roles[id]; r != nil {
				roles = append(roles, map[string]string{"id": r.id, "name": r.name})
			}
		}
	}
	if len(roles) > 0 {
		out["roles"] = roles
	}
	return out
}

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

// --- patch and delete -------------------------------------------------------

func (s *Server) handlePatchApp(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppUpdate)
	if c == nil {
		return
	}
	var body appBody
	if !decodeJSONBody(w, r, &body) {
		return
	}
	if body.InboundProtocolConfiguration != nil {
		errInvalidApp("Invalid request.", "Inbound protocol settings cannot be patched; use the inbound-protocols API.").write(w)
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	id := r.PathValue("id")
	a := st.lookupApp(c, id)
	if a == nil {
		errAppNotFound(id).write(w)
		return
	}
	msg := "Error patching application with id: " + a.id
	if body.Name != nil && *body.Name != a.name {
		if a.fragment {
			errInvalidApp(msg, "Application name modification is not allowed for shared applications.").write(w)
			return
		}
		if e := s.checkAppName(c.org, a, *body.Name); e != nil {
			e.write(w)
			return
		}
	}
	apply, e := s.prepareSubObjects(c, a, &body, msg, false)
	if e != nil {
		e.write(w)
		return
	}
	apply()
	if body.Name != nil {
		c.org.renameApp(a, *body.Name)
	}
	for _, f := range []struct {
		in  *string
		out *string
	}{{body.Description, &a.description}, {body.ImageURL, &a.imageURL}, {body.AccessURL, &a.accessURL}, {body.TemplateID, &a.templateID}} {
		if f.in != nil {
			*f.out = *f.in
		}
	}
	if body.ApplicationEnabled != nil {
		a.enabled = *body.ApplicationEnabled
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleDeleteApp(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppDelete)
	if c == nil {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	id := r.PathValue("id")
	a := st.lookupApp(c, id)
	if a == nil {
		// Asgardeo may answer 204 here (spec §3.8); the fake takes the
		// conservative 404 so that clients handle both.
		errAppNotFound(id).write(w)
		return
	}
	if a.fragment {
		errInvalidApp("Error deleting application.", "Application delete is not allowed for shared applications.").write(w)
		return
	}
	if a.oidc != nil {
		st.revokeClientGrants(a.oidc.clientID)
		delete(st.clients, a.oidc.clientID)
	}
	delete(st.apps, a.id)
	c.org.removeApp(a)
	// The application's own roles go with it.
	kept := c.org.roleOrder[:0]
	for _, role := range c.org.roleOrder {
		if role.audienceType == "application" && role.audienceValue == a.id {
			delete(c.org.roles, role.id)
			continue
		}
		kept = append(kept, role)
	}
	c.org.roleOrder = kept
	w.WriteHeader(http.StatusNoContent)
}

// revokeClientGrants revokes every token and authorization code of a
// client. Caller holds s.store.mu for writing.
func (st *store) revokeClientGrants(clientID string) {
	for _, t := range st.tokens {
		if t.clientID == clientID {
			t.revoked = true
		}
	}
	for k, code := range st.codes {
		if code.clientID == clientID {
			delete(st.codes, k)
		}
	}
}

// --- inbound protocols (spec §3.7) -------------------------------------------

func (s *Server) handleInboundMeta(w http.ResponseWriter, r *http.Request) {
	if s.authenticate(w, r, scopeAppView) == nil {
		return
	}
	writeJSON(w, http.StatusOK, []map[string]string{{"name": "oidc", "displayName": "OpenID Connect"}})
}

func (s *Server) handleListInbound(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppView)
	if c == nil {
		return
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	a := st.lookupApp(c, r.PathValue("id"))
	if a == nil {
		errAppNotFound(r.PathValue("id")).write(w)
		return
	}
	writeJSON(w, http.StatusOK, s.inboundList(a))
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

// oidcTarget resolves the application of an inbound-OIDC request: 404 for
// an unknown application, 404 APP-60502 for one without OIDC (shared
// applications keep their OIDC settings in the root). Caller holds s.store.mu.
func (s *Server) oidcTarget(w http.ResponseWriter, r *http.Request, c *caller) *app {
	a := s.store.lookupApp(c, r.PathValue("id"))
	switch {
	case a == nil:
		errAppNotFound(r.PathValue("id")).write(w)
		return nil
	case a.oidc == nil:
		errNoOIDC.write(w)
		return nil
	}
	return a
}

func (s *Server) handleGetOIDC(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppView)
	if c == nil {
		return
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	if a := s.oidcTarget(w, r, c); a != nil {
		writeJSON(w, http.StatusOK, oidcView(a.oidc, c.has(scopeSecretView)))
	}
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
	a := st.lookupApp(c, r.PathValue("id"))
	switch {
	case a == nil:
		errAppNotFound(r.PathValue("id")).write(w)
		return
	case a.fragment:
		errSharedApp.write(w)
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
	a := st.lookupApp(c, r.PathValue("id"))
	if a != nil && a.fragment {
		errSharedApp.write(w)
		return
	}
	if a = s.oidcTarget(w, r, c); a == nil {
		return
	}
	a.oidc.setSecret(newClientSecret())
	a.oidc.state = "ACTIVE"
	st.revokeClientGrants(a.oidc.clientID)
	writeJSON(w, http.StatusOK, oidcView(a.oidc, true))
}

// --- authorized APIs (spec §3.9) --------------------------------------------

type authorizedScopeView struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type authorizedAPIView struct {
	ID               string                `json:"id"`
	Identifier       string                `json:"identifier"`
	DisplayName      string                `json:"displayName"`
	PolicyID         string                `json:"policyId"`
	Type             string                `json:"type"`
	AuthorizedScopes []authorizedScopeView `json:"authorizedScopes"`
}

func (s *Server) handleListAuthorizedAPIs(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppView)
	if c == nil {
		return
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	a := st.lookupApp(c, r.PathValue("id"))
	if a == nil {
		errAppNotFound(r.PathValue("id")).write(w)
		return
	}
	out := []authorizedAPIView{}
	for _, z := range a.credentialsApp().authorized {
		api := st.apis[z.apiID]
		if api == nil {
			continue
		}
		v := authorizedAPIView{ID: api.id, Identifier: api.identifier, DisplayName: api.name, PolicyID: z.policy, Type: api.typ,
			AuthorizedScopes: []authorizedScopeView{}}
		for _, name := range z.scopes {
			if sc := api.scope(name); sc != nil {
				v.AuthorizedScopes = append(v.AuthorizedScopes, authorizedScopeView{sc.name, sc.displayName})
			}
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, out)
}

// authorizedAPITarget resolves the application and API resource of an
// authorized-apis change and checks the type-specific scope (spec §3.9).
// Caller holds s.store.mu.
func (s *Server) authorizedAPITarget(w http.ResponseWriter, r *http.Request, c *caller, apiID string) (*app, *apiResource) {
	st := s.store
	a := st.lookupApp(c, r.PathValue("id"))
	switch {
	case a == nil:
		errAppNotFound(r.PathValue("id")).write(w)
		return nil, nil
	case a.fragment:
		errSharedApp.write(w)
		return nil, nil
	}
	api := st.apis[apiID]
	if api == nil {
		writeREST(w, http.StatusBadRequest, "APP-60507", "API resource not found.", "API resource not found for the given id: "+apiID)
		return nil, nil
	}
	need := scopeInternalAPI
	if api.typ == "BUSINESS" || api.typ == "MCP" {
		need = scopeBusinessAPI
	}
	if !c.has(need) {
		writeREST(w, http.StatusForbidden, "APP-60520", "Operation is not permitted.", "Operation is not permitted. You do not have permissions to make this request.")
		return nil, nil
	}
	return a, api
}

func errUnknownScopes(api *apiResource, names []string) *appError {
	return &appError{http.StatusBadRequest, "APP-60508", "Scopes not found.",
		"One or more scopes " + strings.Join(names, ", ") + " are not found for the API resource: " + api.identifier}
}

func (s *Server) handleAuthorizeAPI(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppUpdate)
	if c == nil {
		return
	}
	var body struct {
		ID               string   `json:"id"`
		PolicyIdentifier string   `json:"policyIdentifier"`
		Scopes           []string `json:"scopes"`
	}
	if !decodeJSONBody(w, r, &body) {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a, api := s.authorizedAPITarget(w, r, c, body.ID)
	if a == nil {
		return
	}
	var policy string
	switch p := strings.TrimSpace(body.PolicyIdentifier); {
	case p == "" || strings.EqualFold(p, "RBAC"):
		policy = "RBAC"
	case strings.EqualFold(p, "No Policy"):
		policy = "NO POLICY"
	default:
		writeREST(w, http.StatusBadRequest, "APP-60511", "Invalid policy identifier.", "Policy identifier "+p+" is not supported.")
		return
	}
	if api.requiresAuthorization && policy != "RBAC" {
		writeREST(w, http.StatusBadRequest, "APP-60512", "Policy type not allowed.", "The API resource requires authorization; only RBAC is allowed.")
		return
	}
	var unknown, scopes []string
	for _, sc := range body.Scopes {
		switch {
		case api.scope(sc) == nil:
			unknown = append(unknown, sc)
		case !containsString(scopes, sc):
			scopes = append(scopes, sc)
		}
	}
	if len(unknown) > 0 {
		errUnknownScopes(api, unknown).write(w)
		return
	}
	if a.authorization(api.id) != nil {
		writeREST(w, http.StatusConflict, "APP-60509", "API already authorized.", "The API resource "+api.identifier+" is already authorized for the application.")
		return
	}
	a.authorized = append(a.authorized, &authorization{apiID: api.id, policy: policy, scopes: scopes})
	// Asgardeo's code answers 200 with no body (its documentation says 201).
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handlePatchAuthorizedAPI(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppUpdate)
	if c == nil {
		return
	}
	var body struct {
		AddedScopes   []string `json:"addedScopes"`
		RemovedScopes []string `json:"removedScopes"`
	}
	if !decodeJSONBody(w, r, &body) {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a, api := s.authorizedAPITarget(w, r, c, r.PathValue("apiId"))
	if a == nil {
		return
	}
	z := a.authorization(api.id)
	if z == nil {
		writeREST(w, http.StatusBadRequest, "APP-60510", "API not authorized.", "The API resource "+api.identifier+" is not authorized for the application.")
		return
	}
	var unknown []string
	for _, sc := range body.AddedScopes {
		if api.scope(sc) == nil {
			unknown = append(unknown, sc)
		}
	}
	if len(unknown) > 0 {
		errUnknownScopes(api, unknown).write(w)
		return
	}
	next := []string{}
	for _, sc := range z.scopes {
		if !containsString(body.RemovedScopes, sc) {
			next = append(next, sc)
		}
	}
	for _, sc := range body.AddedScopes {
		if !containsString(body.RemovedScopes, sc) && !containsString(next, sc) {
			next = append(next, sc)
		}
	}
	z.scopes = next
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleDeleteAuthorizedAPI(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, scopeAppUpdate)
	if c == nil {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a, api := s.authorizedAPITarget(w, r, c, r.PathValue("apiId"))
	if a == nil {
		return
	}
	// Removing an authorization that does not exist succeeds too: the
	// server's delete does not check for it first.
	for i, z := range a.authorized {
		if z.apiID == api.id {
			a.authorized = append(a.authorized[:i:i], a.authorized[i+1:]...)
			break
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
