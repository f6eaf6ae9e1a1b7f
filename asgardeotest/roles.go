package asgardeotest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// SCIM2 Roles v2 of an organization (spec §5).
const (
	rolesPath      = "/o/scim2/v2/Roles"
	roleSchema     = "urn:ietf:params:scim:schemas:extension:2.0:Role"
	listSchema     = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	patchOpSchema  = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimJSON       = "application/scim+json"
	roleView       = "internal_org_role_mgt_view"
	roleCreate     = "internal_org_role_mgt_create"
	roleUpdate     = "internal_org_role_mgt_update"
	roleDelete     = "internal_org_role_mgt_delete"
	rolePermsScope = "internal_org_role_mgt_permissions_update"
	roleUsersScope = "internal_org_role_mgt_users_update"
	roleGroupScope = "internal_org_role_mgt_groups_update"
)

// routesRoles registers the organization's SCIM2 Roles v2 API.
func (s *Server) routesRoles() {
	s.mux.HandleFunc("POST "+rolesPath, s.handleCreateRole)
	s.mux.HandleFunc("GET "+rolesPath, s.handleListRoles)
	s.mux.HandleFunc("POST "+rolesPath+"/.search", s.handleSearchRoles)
	s.mux.HandleFunc("GET "+rolesPath+"/{id}", s.handleGetRole)
	s.mux.HandleFunc("PATCH "+rolesPath+"/{id}", s.handlePatchRole)
	s.mux.HandleFunc("PUT "+rolesPath+"/{id}", s.handleReplaceRole)
	s.mux.HandleFunc("DELETE "+rolesPath+"/{id}", s.handleDeleteRole)
}

type roleRefJSON struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Ref     string `json:"$ref,omitempty"`
}

type roleAudienceJSON struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type"`
}

type roleMetaJSON struct {
	Location     string `json:"location"`
	ResourceType string `json:"resourceType,omitempty"`
}

// roleJSON is a role as the SCIM API shows it. Shared roles carry the
// property isSharedRole=true (spec §5.3).
type roleJSON struct {
	DisplayName            string            `json:"displayName"`
	ID                     string            `json:"id"`
	Schemas                []string          `json:"schemas,omitempty"`
	Meta                   roleMetaJSON      `json:"meta"`
	Audience               *roleAudienceJSON `json:"audience,omitempty"`
	Users                  []roleRefJSON     `json:"users,omitempty"`
	Groups                 []roleRefJSON     `json:"groups,omitempty"`
	Permissions            []roleRefJSON     `json:"permissions,omitempty"`
	AssociatedApplications []roleRefJSON     `json:"associatedApplications,omitempty"`
	Properties             []propertyJSON    `json:"properties,omitempty"`
}

type roleListJSON struct {
	TotalResults int        `json:"totalResults"`
	StartIndex   int        `json:"startIndex"`
	ItemsPerPage int        `json:"itemsPerPage"`
	Schemas      []string   `json:"schemas"`
	Resources    []roleJSON `json:"Resources"`
}

// roleParts selects the multi-valued members a rendering includes.
type roleParts struct{ users, groups, permissions, apps bool }

var allRoleParts = roleParts{users: true, groups: true, permissions: true, apps: true}

func (s *Server) roleLocation(id string) string { return s.TenantURL() + rolesPath + "/" + id }

// renderRole renders r. Caller holds s.store.mu.
func (s *Server) renderRole(r *role, parts roleParts) roleJSON {
	st := s.store
	o := st.orgs[r.orgID]
	out := roleJSON{
		DisplayName: r.name, ID: r.id, Schemas: []string{roleSchema},
		Meta:     roleMetaJSON{Location: s.roleLocation(r.id), ResourceType: "Role"},
		Audience: &roleAudienceJSON{Value: r.audienceValue, Type: r.audienceType},
	}
	var audApp *app
	if r.audienceType == "application" {
		if audApp = st.apps[r.audienceValue]; audApp != nil {
			out.Audience.Display = audApp.name
		}
	} else {
		out.Audience.Display = o.name
	}
	if r.shared {
		out.Properties = []propertyJSON{{Name: "isSharedRole", Value: "true"}}
	}
	if parts.users {
		for _, u := range sortedMembers(r.users, func(id string) string { return nameOfUser(o, id) }) {
			out.Users = append(out.Users, roleRefJSON{Value: u.Value, Display: u.Display, Ref: s.TenantURL() + "/o/scim2/Users/" + u.Value})
		}
	}
	if parts.groups {
		for _, g := range sortedMembers(r.groups, func(id string) string { return nameOfGroup(o, id) }) {
			out.Groups = append(out.Groups, roleRefJSON{Value: g.Value, Display: g.Display, Ref: s.TenantURL() + "/o/scim2/Groups/" + g.Value})
		}
	}
	if parts.permissions {
		for _, p := range r.permissions {
			ref := roleRefJSON{Value: p}
			if def := st.scopes[p]; def != nil {
				ref.Display = def.displayName
			}
			out.Permissions = append(out.Permissions, ref)
		}
	}
	if parts.apps && audApp != nil {
		out.AssociatedApplications = []roleRefJSON{{Value: audApp.id, Display: audApp.name}}
	}
	return out
}

func nameOfUser(o *org, id string) string {
	if u := o.users[id]; u != nil {
		return u.username
	}
	return ""
}

func nameOfGroup(o *org, id string) string {
	if g := o.groups[id]; g != nil {
		return g.name
	}
	return ""
}

// sortedMembers lists a member set by display name, then ID, for stable output.
func sortedMembers(set map[string]bool, name func(string) string) []roleRefJSON {
	out := make([]roleRefJSON, 0, len(set))
	for id := range set {
		out = append(out, roleRefJSON{Value: id, Display: name(id)})
	}
	slices.SortFunc(out, func(a, b roleRefJSON) int {
		if c := strings.Compare(a.Display, b.Display); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

// writeRole answers status with a role body and its Location.
func (s *Server) writeRole(w http.ResponseWriter, status int, body roleJSON) {
	w.Header().Set("Location", body.Meta.Location)
	writeJSONType(w, status, scimJSON, body)
}

func scimBad(w http.ResponseWriter, scimType, detail string) {
	writeSCIM(w, http.StatusBadRequest, scimType, detail)
}

// decodeSCIMBody decodes a SCIM JSON body; on failure it answers 400
// invalidSyntax and returns false.
func decodeSCIMBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil || dec.More() {
		scimBad(w, "invalidSyntax", "Request is unparsable, syntactically incorrect, or violates schema.")
		return false
	}
	return true
}

type refIn struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
}

type roleRequest struct {
	Schemas     []string `json:"schemas"`
	DisplayName string   `json:"displayName"`
	Audience    *struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"audience"`
	Permissions []refIn `json:"permissions"`
	Users       []refIn `json:"users"`
	Groups      []refIn `json:"groups"`
}

// lookupRole answers 404 for an unknown role of o. Caller holds s.store.mu.
func lookupRole(w http.ResponseWriter, o *org, id string) *role {
	r := o.roles[id]
	if r == nil {
		writeSCIM(w, http.StatusNotFound, "", "A role doesn't exist with id: "+id+" in the organization.")
	}
	return r
}

// checkPermissions validates permission names for a role whose audience is
// audApp (nil: the organization): every name must be a known scope and, for
// an application audience, authorized to that application. It returns the
// names and an error detail. Caller holds s.store.mu.
func (st *store) checkPermissions(refs []refIn, audApp *app) ([]string, string) {
	var out []string
	for _, p := range refs {
		def := st.scopes[p.Value]
		if def == nil {
			return nil, "Permission: " + p.Value + " not found"
		}
		if audApp != nil {
			z := audApp.credentialsApp().authorization(def.apiID)
			if z == nil || !containsString(z.scopes, p.Value) {
				return nil, "Permission: " + p.Value + " is not authorized to the application: " + audApp.name
			}
		}
		if !containsString(out, p.Value) {
			out = append(out, p.Value)
		}
	}
	return out, ""
}

// checkMembers validates user or group IDs of o and returns them as a set and
// an error detail. Caller holds s.store.mu.
func checkMembers(refs []refIn, exists func(string) bool, kind string) (map[string]bool, string) {
	set := map[string]bool{}
	for _, m := range refs {
		if !exists(m.Value) {
			return nil, kind + " not found with the id: " + m.Value
		}
		set[m.Value] = true
	}
	return set, ""
}

func userExists(o *org) func(string) bool { return func(id string) bool { return o.users[id] != nil } }
func groupExists(o *org) func(string) bool {
	return func(id string) bool { return o.groups[id] != nil }
}

// roleAudienceApp returns the application a role's audience names, or nil.
// Caller holds s.store.mu.
func (st *store) roleAudienceApp(r *role) *app {
	if r.audienceType != "application" {
		return nil
	}
	return st.apps[r.audienceValue]
}

// nameTaken reports whether another role of o has name in the same audience.
func nameTaken(o *org, name, audType, audValue, except string) bool {
	for _, x := range o.roleOrder {
		if x.id != except && x.name == name && x.audienceType == audType && x.audienceValue == audValue {
			return true
		}
	}
	return false
}

func roleConflict(w http.ResponseWriter, name string) {
	writeSCIM(w, http.StatusConflict, "", "Role name: "+name+" is already there in the system for the given audience. Please pick another role name.")
}

func (s *Server) handleCreateRole(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, roleCreate)
	if c == nil {
		return
	}
	var req roleRequest
	if !decodeSCIMBody(w, r, &req) {
		return
	}
	if !containsString(req.Schemas, roleSchema) {
		scimBad(w, "invalidSyntax", "The request must carry the schema "+roleSchema+".")
		return
	}
	if strings.TrimSpace(req.DisplayName) == "" {
		scimBad(w, "invalidValue", "Required attribute displayName is missing in the SCIM Object.")
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o := c.org
	ro := &role{id: newUUID(), orgID: o.id, name: req.DisplayName, audienceType: "organization", audienceValue: o.id}
	var audApp *app
	if req.Audience != nil {
		switch strings.ToLower(req.Audience.Type) {
		case "organization":
			if req.Audience.Value != o.id {
				scimBad(w, "invalidValue", "Invalid audience. Given Organization id: "+req.Audience.Value+" is invalid")
				return
			}
		case "application":
			audApp = st.apps[req.Audience.Value]
			if audApp == nil || audApp.orgID != o.id {
				scimBad(w, "invalidValue", "Invalid audience value. Audience value should be valid application ID")
				return
			}
			if audApp.fragment {
				scimBad(w, "invalidValue", "Role creation for shared applications is not allowed at organization level.")
				return
			}
			if audApp.audience != "APPLICATION" {
				scimBad(w, "invalidValue", "Application: "+audApp.name+" does not allow roles with the application audience.")
				return
			}
			ro.audienceType, ro.audienceValue = "application", audApp.id
		default:
			scimBad(w, "invalidValue", "Invalid audience type: "+req.Audience.Type)
			return
		}
	}
	var detail string
	if ro.permissions, detail = st.checkPermissions(req.Permissions, audApp); detail != "" {
		scimBad(w, "invalidValue", detail)
		return
	}
	if ro.users, detail = checkMembers(req.Users, userExists(o), "User"); detail != "" {
		scimBad(w, "invalidValue", detail)
		return
	}
	if ro.groups, detail = checkMembers(req.Groups, groupExists(o), "Group"); detail != "" {
		scimBad(w, "invalidValue", detail)
		return
	}
	if nameTaken(o, ro.name, ro.audienceType, ro.audienceValue, "") {
		roleConflict(w, ro.name)
		return
	}
	ro.seq = st.next()
	o.roles[ro.id] = ro
	o.roleOrder = append(o.roleOrder, ro)
	if audApp != nil {
		audApp.roleIDs = append(audApp.roleIDs, ro.id)
	}
	body := s.renderRole(ro, roleParts{})
	s.writeRole(w, http.StatusCreated, body)
}

func (s *Server) handleGetRole(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, roleView)
	if c == nil {
		return
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	ro := lookupRole(w, c.org, r.PathValue("id"))
	if ro == nil {
		return
	}
	writeJSONType(w, http.StatusOK, scimJSON, s.renderRole(ro, allRoleParts))
}

var (
	roleFilterAttrs = map[string]string{"displayname": "displayName", "audience.value": "audience.value", "audience.type": "audience.type"}
	roleFilterOps   = map[string]bool{"eq": true, "ne": true, "co": true, "sw": true, "ew": true}
)

// roleQuery is a parsed list or search request.
type roleQuery struct {
	filter     string
	startIndex int
	count      int // -1: all
	attributes string
	sorted     bool
}

func (s *Server) handleListRoles(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, roleView)
	if c == nil {
		return
	}
	q := r.URL.Query()
	rq := roleQuery{filter: q.Get("filter"), startIndex: 1, count: -1, attributes: q.Get("attributes"),
		sorted: q.Get("sortBy") != "" || q.Get("sortOrder") != ""}
	for key, dst := range map[string]*int{"startIndex": &rq.startIndex, "count": &rq.count} {
		if v := q.Get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				scimBad(w, "invalidValue", "Invalid "+key+": "+v)
				return
			}
			*dst = n
		}
	}
	s.listRoles(w, c.org, rq)
}

// handleSearchRoles is POST /Roles/.search with a SearchRequest body.
func (s *Server) handleSearchRoles(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, roleView)
	if c == nil {
		return
	}
	var req struct {
		Schemas    []string `json:"schemas"`
		Filter     string   `json:"filter"`
		StartIndex *int     `json:"startIndex"`
		Count      *int     `json:"count"`
		Attributes []string `json:"attributes"`
		SortBy     string   `json:"sortBy"`
		SortOrder  string   `json:"sortOrder"`
	}
	if !decodeSCIMBody(w, r, &req) {
		return
	}
	rq := roleQuery{filter: req.Filter, startIndex: 1, count: -1, attributes: strings.Join(req.Attributes, ","),
		sorted: req.SortBy != "" || req.SortOrder != ""}
	if req.StartIndex != nil {
		rq.startIndex = *req.StartIndex
	}
	if req.Count != nil {
		rq.count = *req.Count
	}
	s.listRoles(w, c.org, rq)
}

// listRoles answers a list or search (spec §5.3): always 200 with a
// ListResponse; without count every match from startIndex on.
func (s *Server) listRoles(w http.ResponseWriter, o *org, rq roleQuery) {
	if rq.sorted {
		writeSCIM(w, http.StatusNotImplemented, "", "Sorting is not supported.")
		return
	}
	var terms []filterTerm
	if rq.filter != "" {
		var err error
		if terms, err = parseFilter(rq.filter, roleFilterAttrs, roleFilterOps); err != nil {
			detail := "Invalid filter: " + err.Error()
			if err == errFilterOr {
				detail = "Filtering with the 'or' operator is not supported."
			}
			scimBad(w, "invalidFilter", detail)
			return
		}
	}
	parts := roleParts{}
	for _, a := range strings.Split(rq.attributes, ",") {
		switch strings.ToLower(strings.TrimSpace(a)) {
		case "users":
			parts.users = true
		case "groups":
			parts.groups = true
		case "permissions":
			parts.permissions = true
		case "associatedapplications":
			parts.apps = true
		}
	}
	if rq.startIndex < 1 {
		rq.startIndex = 1
	}
	body := roleListJSON{StartIndex: rq.startIndex, Schemas: []string{listSchema}, Resources: []roleJSON{}}
	if rq.count == 0 {
		writeJSONType(w, http.StatusOK, scimJSON, body)
		return
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	for _, ro := range o.roleOrder {
		if !roleMatches(ro, terms) {
			continue
		}
		body.TotalResults++
		if body.TotalResults >= rq.startIndex && (rq.count < 0 || len(body.Resources) < rq.count) {
			body.Resources = append(body.Resources, s.renderRole(ro, parts))
		}
	}
	body.ItemsPerPage = len(body.Resources)
	writeJSONType(w, http.StatusOK, scimJSON, body)
}

func roleMatches(r *role, terms []filterTerm) bool {
	for _, t := range terms {
		v := r.name
		switch t.attr {
		case "audience.value":
			v = r.audienceValue
		case "audience.type":
			v = r.audienceType
		}
		if !t.match(v, true) {
			return false
		}
	}
	return true
}

// patchOp is one SCIM PATCH operation.
type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// parsePatchPath splits "permissions[value eq X]" into the attribute and the
// filtered value; a plain path has no filter.
func parsePatchPath(path string) (attr, target string, ok bool) {
	path = strings.TrimSpace(path)
	i := strings.IndexByte(path, '[')
	if i < 0 {
		return path, "", true
	}
	if !strings.HasSuffix(path, "]") {
		return "", "", false
	}
	terms, err := parseFilter(path[i+1:len(path)-1], map[string]string{"value": "value"}, map[string]bool{"eq": true})
	if err != nil || len(terms) != 1 {
		return "", "", false
	}
	return path[:i], terms[0].value, true
}

// roleScopeFor is the fine-grained scope that also permits changing attr.
func roleScopeFor(attr string) string {
	switch attr {
	case "users":
		return roleUsersScope
	case "groups":
		return roleGroupScope
	case "permissions":
		return rolePermsScope
	}
	return ""
}

// plannedOp is a validated patch operation on one attribute.
type plannedOp struct {
	op, attr, target string
	value            json.RawMessage
}

// planPatch validates the operations' shape and splits path-less operations
// into one per attribute. It returns an error detail and SCIM type on failure.
func planPatch(ops []patchOp) ([]plannedOp, string, string) {
	var out []plannedOp
	for _, op := range ops {
		name := strings.ToLower(op.Op)
		if name != "add" && name != "remove" && name != "replace" {
			return nil, "invalidSyntax", "Unsupported patch operation: " + op.Op
		}
		if op.Path == "" {
			if name == "remove" {
				return nil, "noTarget", "A remove operation needs a path."
			}
			var members map[string]json.RawMessage
			if err := json.Unmarshal(op.Value, &members); err != nil {
				return nil, "invalidValue", "A patch operation without a path needs an object value."
			}
			keys := make([]string, 0, len(members))
			for k := range members {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				attr, ok := roleAttr(k)
				if !ok {
					return nil, "invalidPath", "Unsupported attribute: " + k
				}
				out = append(out, plannedOp{op: name, attr: attr, value: members[k]})
			}
			continue
		}
		attr, target, ok := parsePatchPath(op.Path)
		if ok {
			attr, ok = roleAttr(attr)
		}
		if !ok || target != "" && (name != "remove" || attr == "displayName") {
			return nil, "invalidPath", "Invalid path: " + op.Path
		}
		out = append(out, plannedOp{op: name, attr: attr, target: target, value: op.Value})
	}
	return out, "", ""
}

func roleAttr(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "displayname":
		return "displayName", true
	case "users":
		return "users", true
	case "groups":
		return "groups", true
	case "permissions":
		return "permissions", true
	}
	return "", false
}

func (s *Server) handlePatchRole(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r)
	if c == nil {
		return
	}
	var req struct {
		Schemas    []string  `json:"schemas"`
		Operations []patchOp `json:"Operations"`
	}
	if !decodeSCIMBody(w, r, &req) {
		return
	}
	if len(req.Operations) == 0 {
		scimBad(w, "invalidSyntax", "Patch operation can't be null or empty.")
		return
	}
	plan, scimType, detail := planPatch(req.Operations)
	if detail != "" {
		scimBad(w, scimType, detail)
		return
	}
	if !c.has(roleUpdate) {
		for _, p := range plan {
			if fine := roleScopeFor(p.attr); fine == "" || !c.has(fine) {
				gatewayDeny(w, r, http.StatusForbidden)
				return
			}
		}
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	ro := lookupRole(w, c.org, r.PathValue("id"))
	if ro == nil {
		return
	}
	// Apply to a copy, so a failing operation leaves the role unchanged.
	next := *ro
	next.permissions = slices.Clone(ro.permissions)
	next.users, next.groups = cloneSet(ro.users), cloneSet(ro.groups)
	for _, p := range plan {
		if scimType, detail := st.applyRoleOp(c.org, &next, p); detail != "" {
			scimBad(w, scimType, detail)
			return
		}
	}
	if next.name != ro.name && nameTaken(c.org, next.name, ro.audienceType, ro.audienceValue, ro.id) {
		roleConflict(w, next.name)
		return
	}
	*ro = next
	parts := allRoleParts
	parts.users = false
	s.writeRole(w, http.StatusOK, s.renderRole(ro, parts))
}

func cloneSet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// applyRoleOp applies one planned operation to ro. It returns a SCIM type
// and detail on failure. Caller holds s.store.mu for writing.
func (st *store) applyRoleOp(o *org, ro *role, p plannedOp) (string, string) {
	if ro.shared && (p.attr == "displayName" || p.attr == "permissions") {
		if p.attr == "displayName" {
			return "invalidValue", "Role name modification is not allowed for shared roles."
		}
		return "invalidValue", "Role permission modification is not allowed for shared roles."
	}
	if p.attr == "displayName" {
		var name string
		if p.op == "remove" || json.Unmarshal(p.value, &name) != nil || strings.TrimSpace(name) == "" {
			return "invalidValue", "The displayName of a role must be a non-empty string."
		}
		ro.name = name
		return "", ""
	}
	var refs []refIn
	switch {
	case p.target != "":
		refs = []refIn{{Value: p.target}}
	case len(p.value) > 0 && string(p.value) != "null":
		if err := json.Unmarshal(p.value, &refs); err != nil {
			return "invalidValue", "The value of " + p.attr + " must be a list of {\"value\": …} objects."
		}
	case p.op != "remove":
		return "invalidValue", "The " + p.op + " operation on " + p.attr + " needs a value."
	}
	if p.attr == "permissions" {
		if p.op == "remove" {
			for _, x := range refs {
				ro.permissions = slices.DeleteFunc(ro.permissions, func(v string) bool { return v == x.Value })
			}
			if refs == nil {
				ro.permissions = nil
			}
			return "", ""
		}
		perms, detail := st.checkPermissions(refs, st.roleAudienceApp(ro))
		if detail != "" {
			return "invalidValue", detail
		}
		if p.op == "replace" {
			ro.permissions = nil
		}
		for _, x := range perms {
			if !containsString(ro.permissions, x) {
				ro.permissions = append(ro.permissions, x)
			}
		}
		return "", ""
	}
	set, exists, kind := ro.users, userExists(o), "User"
	if p.attr == "groups" {
		set, exists, kind = ro.groups, groupExists(o), "Group"
	}
	if p.op == "remove" {
		for _, x := range refs {
			delete(set, x.Value)
		}
		if refs == nil {
			clear(set)
		}
		return "", ""
	}
	add, detail := checkMembers(refs, exists, kind)
	if detail != "" {
		return "invalidValue", detail
	}
	if p.op == "replace" {
		clear(set)
	}
	for id := range add {
		set[id] = true
	}
	return "", ""
}

// handleReplaceRole is PUT: a full replacement of the name, permissions,
// users and groups. A shared role keeps its name and permissions; changing
// them is refused.
func (s *Server) handleReplaceRole(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, roleUpdate)
	if c == nil {
		return
	}
	var req roleRequest
	if !decodeSCIMBody(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.DisplayName) == "" {
		scimBad(w, "invalidValue", "Required attribute displayName is missing in the SCIM Object.")
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o := c.org
	ro := lookupRole(w, o, r.PathValue("id"))
	if ro == nil {
		return
	}
	perms, detail := st.checkPermissions(req.Permissions, st.roleAudienceApp(ro))
	if detail != "" && !ro.shared {
		scimBad(w, "invalidValue", detail)
		return
	}
	if ro.shared {
		if req.DisplayName != ro.name {
			scimBad(w, "invalidValue", "Role name modification is not allowed for shared roles.")
			return
		}
		if !sameSet(refValues(req.Permissions), ro.permissions) {
			scimBad(w, "invalidValue", "Role permission modification is not allowed for shared roles.")
			return
		}
		perms = ro.permissions
	}
	users, detail := checkMembers(req.Users, userExists(o), "User")
	if detail != "" {
		scimBad(w, "invalidValue", detail)
		return
	}
	groups, detail := checkMembers(req.Groups, groupExists(o), "Group")
	if detail != "" {
		scimBad(w, "invalidValue", detail)
		return
	}
	if req.DisplayName != ro.name && nameTaken(o, req.DisplayName, ro.audienceType, ro.audienceValue, ro.id) {
		roleConflict(w, req.DisplayName)
		return
	}
	ro.name, ro.permissions, ro.users, ro.groups = req.DisplayName, perms, users, groups
	s.writeRole(w, http.StatusOK, s.renderRole(ro, roleParts{}))
}

func refValues(refs []refIn) []string {
	out := make([]string, 0, len(refs))
	for _, x := range refs {
		out = append(out, x.Value)
	}
	return out
}

func sameSet(a, b []string) bool {
	for _, x := range a {
		if !containsString(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !containsString(a, x) {
			return false
		}
	}
	return true
}

func (s *Server) handleDeleteRole(w http.ResponseWriter, r *http.Request) {
	c := s.authenticate(w, r, roleDelete)
	if c == nil {
		return
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o := c.org
	ro := lookupRole(w, o, r.PathValue("id"))
	if ro == nil {
		return
	}
	if ro.shared {
		scimBad(w, "invalidValue", "Shared role deletion is not allowed.")
		return
	}
	delete(o.roles, ro.id)
	o.roleOrder = slices.DeleteFunc(o.roleOrder, func(x *role) bool { return x == ro })
	if a := st.roleAudienceApp(ro); a != nil {
		a.roleIDs = slices.DeleteFunc(a.roleIDs, func(id string) bool { return id == ro.id })
	}
	w.WriteHeader(http.StatusNoContent)
}
