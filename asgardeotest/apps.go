package asgardeotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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

// readApp serves a read of one application of the caller's organization:
// it authenticates with scope, holds the store's read lock while fn runs,
// and answers 404 APP-60006 for an unknown application.
func (s *Server) readApp(w http.ResponseWriter, r *http.Request, scope string, fn func(c *caller, a *app)) {
	c := s.authenticate(w, r, scope)
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
	fn(c, a)
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
	s.readApp(w, r, scopeAppView, func(_ *caller, a *app) {
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
	})
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
	for t := range st.allTokens() {
		if t.clientID() == clientID {
			t.revoked = true
		}
	}
	for k, code := range st.codes {
		if code.clientID == clientID {
			delete(st.codes, k)
		}
	}
}
