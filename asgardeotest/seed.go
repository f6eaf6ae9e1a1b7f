package asgardeotest

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Organization is a seeded organization.
type Organization struct {
	ID, Name string
}

// User is a seeded user of one organization.
type User struct {
	ID, Username, Organization string
}

// Group is a seeded group of one organization.
type Group struct {
	ID, Name, Organization string
}

// Application is a seeded (or created) application and its credentials.
type Application struct {
	ID, Organization, Name string
	ClientID, ClientSecret string
}

// APIResource is a seeded API resource of the root organization.
type APIResource struct {
	ID, Identifier, Name string
	Scopes               []string
}

// Role is a seeded role.
type Role struct {
	ID, Name, Organization string
}

// Templates an organization application may be created from.
const (
	TemplateStandardBased = "custom-application-oidc"
	TemplateM2M           = "m2m-application"
)

// AppSpec describes an application to seed.
type AppSpec struct {
	// Organization is the owning organization's ID; "" is the root.
	Organization string
	Name         string
	Description  string
	// Template is the template ID; "" means TemplateStandardBased.
	Template string
	// ClientID and ClientSecret are generated when empty.
	ClientID, ClientSecret string
	GrantTypes             []string
	CallbackURLs           []string
	PublicClient           bool
	PKCEMandatory          bool
	AllowPlainPKCE         bool
	// AccessTokenType is "Default" (opaque) or "JWT".
	AccessTokenType   string
	RenewRefreshToken bool
	// Expiries; zero means Asgardeo's defaults (3600 s, 3600 s, 86400 s).
	UserTokenExpiry, AppTokenExpiry, RefreshTokenExpiry time.Duration
	// Audience of the application's roles: "APPLICATION" (default) or "ORGANIZATION".
	Audience       string
	AuthorizedAPIs []AuthorizedAPISpec
	// SharedWith lists organizations a root application is shared with.
	SharedWith []string
}

// AuthorizedAPISpec authorizes an application to scopes of an API resource,
// named by its identifier.
type AuthorizedAPISpec struct {
	Identifier string
	Scopes     []string
	// Policy is "RBAC" (default) or "No Policy".
	Policy string
}

// APIResourceSpec describes a business API resource of the root organization.
type APIResourceSpec struct {
	Identifier, Name, Description string
	Scopes                        []string
	// RequiresAuthorization defaults to true unless set by NoAuthorization.
	NoAuthorization bool
}

// RoleSpec describes a role to seed.
type RoleSpec struct {
	// Organization is the owning organization's ID; "" is the root, whose
	// application-audience roles are shared into every organization the
	// application is shared with.
	Organization string
	Name         string
	// Application, when set, is the ID of the application that is the
	// role's audience; otherwise the audience is the organization.
	Application string
	Permissions []string
	Users       []string // usernames
	Groups      []string // group names
}

// systemAPIs are the organization APIs Asgardeo defines (spec §8).
var systemAPIs = []struct {
	identifier, name string
	scopes           []string
}{
	{"/o/api/server/v1/applications", "Application Management API", []string{
		"internal_org_application_mgt_view", "internal_org_application_mgt_create",
		"internal_org_application_mgt_update", "internal_org_application_mgt_delete",
		"internal_org_application_mgt_client_secret_create", "internal_org_application_mgt_client_secret_view",
		"internal_org_application_mgt_client_secret_delete", "internal_org_application_internal_api_update",
		"internal_org_application_business_api_update", "internal_org_application_script_update",
	}},
	{"/o/api/server/v1/api-resources", "API Resource Management API", []string{"internal_org_api_resource_view"}},
	{"/o/scim2/Roles", "SCIM2 Roles API", []string{
		"internal_org_role_mgt_view", "internal_org_role_mgt_create", "internal_org_role_mgt_update",
		"internal_org_role_mgt_delete", "internal_org_role_mgt_permissions_update",
		"internal_org_role_mgt_users_update", "internal_org_role_mgt_groups_update",
	}},
	{"/o/scim2/Users", "SCIM2 Users API", []string{
		"internal_org_user_mgt_view", "internal_org_user_mgt_list", "internal_org_user_mgt_create",
		"internal_org_user_mgt_update", "internal_org_user_mgt_delete",
	}},
	{"/o/scim2/Groups", "SCIM2 Groups API", []string{
		"internal_org_group_mgt_view", "internal_org_group_mgt_create", "internal_org_group_mgt_update", "internal_org_group_mgt_delete",
	}},
	{"/o/api/server/v1/organizations", "Organization Management API", []string{
		"internal_org_organization_view", "internal_org_organization_create", "internal_org_organization_update", "internal_org_organization_delete",
	}},
}

// seedDefaults creates the organization APIs and the root admin application.
func (s *Server) seedDefaults() error {
	var authz []AuthorizedAPISpec
	s.store.mu.Lock()
	for _, api := range systemAPIs {
		s.store.addAPI(api.identifier, api.name, "", "ORGANIZATION", true, api.scopes)
		authz = append(authz, AuthorizedAPISpec{Identifier: api.identifier, Scopes: api.scopes})
	}
	s.store.mu.Unlock()
	admin, err := s.AddApplication(AppSpec{
		Name:       "asgardeo-go-admin",
		Template:   TemplateM2M,
		GrantTypes: []string{"client_credentials", "organization_switch"},
		// The admin application is shared with every organization (AddOrganization).
		AuthorizedAPIs: authz,
	})
	if err != nil {
		return err
	}
	s.admin = admin
	return nil
}

// addAPI adds an API resource to the root. Caller holds s.mu.
func (st *store) addAPI(identifier, name, description, typ string, requiresAuth bool, scopes []string) *apiResource {
	r := &apiResource{
		id: newUUID(), identifier: identifier, name: name, description: description, typ: typ,
		requiresAuthorization: requiresAuth, cursor: st.next(),
	}
	for _, sc := range scopes {
		d := &apiScope{id: newUUID(), name: sc, displayName: sc, apiID: r.id}
		r.scopes = append(r.scopes, d)
		st.scopes[sc] = d
	}
	st.apis[r.id] = r
	st.apiOrder = append(st.apiOrder, r)
	if st.apiByIdentifier[identifier] == nil { // the first one wins, as a scan would find it
		st.apiByIdentifier[identifier] = r
	}
	return r
}

// AddOrganization creates a sub-organization of the root with a new UUID.
// The root admin application is shared with it.
func (s *Server) AddOrganization(name string) (Organization, error) {
	return s.AddOrganizationWithID(newUUID(), name)
}

// AddOrganizationWithID creates a sub-organization with the given UUID.
func (s *Server) AddOrganizationWithID(id, name string) (Organization, error) {
	id = strings.ToLower(id)
	if !isUUID(id) {
		return Organization{}, fmt.Errorf("asgardeotest: organization ID %q is not a UUID", id)
	}
	if strings.TrimSpace(name) == "" {
		return Organization{}, errors.New("asgardeotest: empty organization name")
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.orgs[id]; ok {
		return Organization{}, fmt.Errorf("asgardeotest: organization %s already exists", id)
	}
	st.orgs[id] = newOrg(id, name)
	if admin := st.apps[s.admin.ID]; admin != nil {
		st.share(admin, id)
	}
	return Organization{ID: id, Name: name}, nil
}

// DeactivateOrganization marks an organization deactivated: switching to it fails.
func (s *Server) DeactivateOrganization(id string) error {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o := st.orgs[id]
	if o == nil || o.root {
		return fmt.Errorf("asgardeotest: no organization %s", id)
	}
	o.deactivated = true
	return nil
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// lookupOrg returns the organization with id, "" meaning the root. Caller holds s.mu.
func (st *store) lookupOrg(id string) (*org, error) {
	if id == "" {
		return st.orgs[st.rootOrgID], nil
	}
	o := st.orgs[strings.ToLower(id)]
	if o == nil {
		return nil, fmt.Errorf("asgardeotest: no organization %q", id)
	}
	return o, nil
}

// AddUser creates a user with a password in an organization ("" is the root).
func (s *Server) AddUser(orgID, username, password string) (User, error) {
	if strings.TrimSpace(username) == "" || password == "" {
		return User{}, errors.New("asgardeotest: empty username or password")
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o, err := st.lookupOrg(orgID)
	if err != nil {
		return User{}, err
	}
	key := strings.ToLower(username)
	if _, ok := o.usersByName[key]; ok {
		return User{}, fmt.Errorf("asgardeotest: user %q already exists in %s", username, o.id)
	}
	u := &user{id: newUUID(), orgID: o.id, username: username, passwordHash: sha256.Sum256([]byte(password)),
		claims: map[string]string{"http://wso2.org/claims/username": username}}
	o.users[u.id] = u
	o.usersByName[key] = u
	return User{ID: u.id, Username: username, Organization: o.id}, nil
}

// SetUserClaim sets a local claim (e.g. "http://wso2.org/claims/emailaddress") of a user.
func (s *Server) SetUserClaim(orgID, username, claimURI, value string) error {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o, err := st.lookupOrg(orgID)
	if err != nil {
		return err
	}
	u := o.usersByName[strings.ToLower(username)]
	if u == nil {
		return fmt.Errorf("asgardeotest: no user %q in %s", username, o.id)
	}
	u.claims[claimURI] = value
	return nil
}

// AddGroup creates a group in an organization with the named users as members.
func (s *Server) AddGroup(orgID, name string, usernames ...string) (Group, error) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o, err := st.lookupOrg(orgID)
	if err != nil {
		return Group{}, err
	}
	g := &group{id: newUUID(), orgID: o.id, name: name, members: map[string]bool{}}
	for _, un := range usernames {
		u := o.usersByName[strings.ToLower(un)]
		if u == nil {
			return Group{}, fmt.Errorf("asgardeotest: no user %q in %s", un, o.id)
		}
		g.members[u.id] = true
	}
	o.groups[g.id] = g
	return Group{ID: g.id, Name: name, Organization: o.id}, nil
}

// AddAPIResource creates a business API resource in the root organization;
// every organization inherits it.
func (s *Server) AddAPIResource(spec APIResourceSpec) (APIResource, error) {
	if spec.Identifier == "" {
		return APIResource{}, errors.New("asgardeotest: empty API identifier")
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.apiByIdentifier[spec.Identifier] != nil {
		return APIResource{}, fmt.Errorf("asgardeotest: API resource %q already exists", spec.Identifier)
	}
	for _, sc := range spec.Scopes {
		if st.scopes[sc] != nil {
			return APIResource{}, fmt.Errorf("asgardeotest: scope %q already exists", sc)
		}
	}
	name := spec.Name
	if name == "" {
		name = spec.Identifier
	}
	r := st.addAPI(spec.Identifier, name, spec.Description, "BUSINESS", !spec.NoAuthorization, spec.Scopes)
	return APIResource{ID: r.id, Identifier: r.identifier, Name: r.name, Scopes: append([]string(nil), spec.Scopes...)}, nil
}

// AddApplication creates an application in an organization or the root.
func (s *Server) AddApplication(spec AppSpec) (Application, error) {
	if strings.TrimSpace(spec.Name) == "" {
		return Application{}, errors.New("asgardeotest: empty application name")
	}
	for _, g := range spec.GrantTypes {
		switch g {
		case "authorization_code", "client_credentials", "password", "refresh_token":
		case "organization_switch", "implicit":
			if spec.Organization != "" {
				return Application{}, fmt.Errorf("asgardeotest: %s is for root applications", g)
			}
		default:
			return Application{}, fmt.Errorf("asgardeotest: grant type %q is not supported", g)
		}
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o, err := st.lookupOrg(spec.Organization)
	if err != nil {
		return Application{}, err
	}
	if o.hasAppName(spec.Name, nil) {
		return Application{}, fmt.Errorf("asgardeotest: application %q already exists in %s", spec.Name, o.id)
	}
	if spec.ClientID == "" {
		spec.ClientID = newClientID()
	}
	if st.clients[spec.ClientID] != nil {
		return Application{}, fmt.Errorf("asgardeotest: client ID %q already exists", spec.ClientID)
	}
	if spec.ClientSecret == "" && !spec.PublicClient {
		spec.ClientSecret = newClientSecret()
	}
	tmpl := spec.Template
	if tmpl == "" {
		tmpl = TemplateStandardBased
	}
	aud := spec.Audience
	if aud == "" {
		aud = "APPLICATION"
	}
	a := &app{
		id: newUUID(), orgID: o.id, seq: st.next(), name: spec.Name, description: spec.Description,
		templateID: tmpl, enabled: true, audience: aud,
		oidc: &oidcConfig{
			clientID: spec.ClientID, state: "ACTIVE",
			grantTypes:   append([]string(nil), spec.GrantTypes...),
			callbackURLs: append([]string(nil), spec.CallbackURLs...),
			publicClient: spec.PublicClient, pkceMandatory: spec.PKCEMandatory, pkcePlain: spec.AllowPlainPKCE,
			accessTokenType: defaultString(spec.AccessTokenType, "Default"),
			userExpiry:      seconds(spec.UserTokenExpiry, 3600),
			appExpiry:       seconds(spec.AppTokenExpiry, 3600),
			refreshExpiry:   seconds(spec.RefreshTokenExpiry, 86400),
			idTokenExpiry:   3600,
			renewRefresh:    spec.RenewRefreshToken,
		},
	}
	if spec.ClientSecret != "" {
		a.oidc.setSecret(spec.ClientSecret)
	}
	for _, z := range spec.AuthorizedAPIs {
		if err := st.authorizeByIdentifier(a, z); err != nil {
			return Application{}, err
		}
	}
	st.apps[a.id] = a
	st.clients[a.oidc.clientID] = a
	o.addApp(a)
	for _, orgID := range spec.SharedWith {
		if !o.root {
			return Application{}, errors.New("asgardeotest: only root applications can be shared")
		}
		if st.orgs[strings.ToLower(orgID)] == nil {
			return Application{}, fmt.Errorf("asgardeotest: no organization %q", orgID)
		}
		st.share(a, strings.ToLower(orgID))
	}
	return Application{ID: a.id, Organization: o.id, Name: a.name, ClientID: a.oidc.clientID, ClientSecret: spec.ClientSecret}, nil
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func seconds(d time.Duration, def int64) int64 {
	if d <= 0 {
		return def
	}
	return int64(d / time.Second)
}

// authorizeByIdentifier authorizes a to the API named by z.Identifier. Caller holds s.mu.
func (st *store) authorizeByIdentifier(a *app, z AuthorizedAPISpec) error {
	api := st.apiByIdentifier[z.Identifier]
	if api == nil {
		return fmt.Errorf("asgardeotest: no API resource %q", z.Identifier)
	}
	for _, sc := range z.Scopes {
		if api.scope(sc) == nil {
			return fmt.Errorf("asgardeotest: API resource %q has no scope %q", z.Identifier, sc)
		}
	}
	policy := "RBAC"
	if strings.EqualFold(z.Policy, "No Policy") {
		policy = "NO POLICY"
	}
	if existing := a.authorization(api.id); existing != nil {
		return fmt.Errorf("asgardeotest: %q is already authorized", z.Identifier)
	}
	a.authorized = append(a.authorized, &authorization{apiID: api.id, policy: policy, scopes: append([]string(nil), z.Scopes...)})
	return nil
}

// ShareApplication shares a root application with an organization: a
// fragment of it appears in the organization's application list, and the
// root roles whose audience is the application appear there as shared roles.
func (s *Server) ShareApplication(appID, orgID string) error {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	a := st.apps[appID]
	if a == nil || a.fragment || !st.orgs[a.orgID].root {
		return fmt.Errorf("asgardeotest: no root application %q", appID)
	}
	if st.orgs[strings.ToLower(orgID)] == nil {
		return fmt.Errorf("asgardeotest: no organization %q", orgID)
	}
	st.share(a, strings.ToLower(orgID))
	return nil
}

// share creates the fragment of root app a in orgID, and the shared copies
// of a's roles. Caller holds s.mu.
func (st *store) share(a *app, orgID string) *app {
	if f := a.shared[orgID]; f != nil {
		return f
	}
	o := st.orgs[orgID]
	f := &app{
		id: newUUID(), orgID: orgID, seq: st.next(), name: a.name, description: a.description,
		templateID: a.templateID, enabled: true, fragment: true, parent: a, audience: a.audience,
	}
	if a.shared == nil {
		a.shared = map[string]*app{}
	}
	a.shared[orgID] = f
	st.apps[f.id] = f
	o.addApp(f)
	root := st.orgs[a.orgID]
	for _, r := range root.roleOrder {
		if r.audienceType == "application" && r.audienceValue == a.id {
			st.shareRole(r, f)
		}
	}
	return f
}

// shareRole copies root role r into the organization of fragment f. Caller holds s.mu.
func (st *store) shareRole(r *role, f *app) *role {
	o := st.orgs[f.orgID]
	c := &role{
		id: newUUID(), orgID: o.id, name: r.name, audienceType: "application", audienceValue: f.id,
		shared: true, sharedFrom: r.id, permissions: append([]string(nil), r.permissions...),
		users: map[string]bool{}, groups: map[string]bool{}, seq: st.next(),
	}
	o.roles[c.id] = c
	o.roleOrder = append(o.roleOrder, c)
	return c
}

// AddRole creates a role. A root role whose audience is a shared application
// is also shared into every organization that application is shared with;
// assign users there with [Server.AssignRole].
func (s *Server) AddRole(spec RoleSpec) (Role, error) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o, err := st.lookupOrg(spec.Organization)
	if err != nil {
		return Role{}, err
	}
	if strings.TrimSpace(spec.Name) == "" {
		return Role{}, errors.New("asgardeotest: empty role name")
	}
	r := &role{id: newUUID(), orgID: o.id, name: spec.Name, audienceType: "organization", audienceValue: o.id,
		users: map[string]bool{}, groups: map[string]bool{}, seq: st.next()}
	var audApp *app
	if spec.Application != "" {
		audApp = st.apps[spec.Application]
		if audApp == nil || audApp.orgID != o.id {
			return Role{}, fmt.Errorf("asgardeotest: no application %q in %s", spec.Application, o.id)
		}
		if audApp.fragment {
			return Role{}, errors.New("asgardeotest: roles of a shared application are created in the root")
		}
		r.audienceType, r.audienceValue = "application", audApp.id
	}
	for _, p := range spec.Permissions {
		if st.scopes[p] == nil {
			return Role{}, fmt.Errorf("asgardeotest: permission %q is not a known scope", p)
		}
	}
	r.permissions = append([]string(nil), spec.Permissions...)
	for _, un := range spec.Users {
		u := o.usersByName[strings.ToLower(un)]
		if u == nil {
			return Role{}, fmt.Errorf("asgardeotest: no user %q in %s", un, o.id)
		}
		r.users[u.id] = true
	}
	for _, gn := range spec.Groups {
		g := findGroup(o, gn)
		if g == nil {
			return Role{}, fmt.Errorf("asgardeotest: no group %q in %s", gn, o.id)
		}
		r.groups[g.id] = true
	}
	for _, x := range o.roleOrder {
		if x.name == r.name && x.audienceType == r.audienceType && x.audienceValue == r.audienceValue {
			return Role{}, fmt.Errorf("asgardeotest: role %q already exists", r.name)
		}
	}
	o.roles[r.id] = r
	o.roleOrder = append(o.roleOrder, r)
	if audApp != nil {
		if audApp.audience == "APPLICATION" {
			audApp.roleIDs = append(audApp.roleIDs, r.id)
		}
		for _, f := range audApp.shared {
			st.shareRole(r, f)
		}
	}
	return Role{ID: r.id, Name: r.name, Organization: o.id}, nil
}

func findGroup(o *org, name string) *group {
	for _, g := range o.groups {
		if g.name == name {
			return g
		}
	}
	return nil
}

// AssignRole gives a user of an organization the role named roleName there
// (for a shared role, the name of the root role).
func (s *Server) AssignRole(orgID, roleName, username string) error {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o, err := st.lookupOrg(orgID)
	if err != nil {
		return err
	}
	u := o.usersByName[strings.ToLower(username)]
	if u == nil {
		return fmt.Errorf("asgardeotest: no user %q in %s", username, o.id)
	}
	n := 0
	for _, r := range o.roleOrder {
		if r.name == roleName {
			r.users[u.id] = true
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("asgardeotest: no role %q in %s", roleName, o.id)
	}
	return nil
}

// IssueToken mints an access token bound to an organization with the given
// scopes, as the root admin application would get through organization
// switching, without a round trip. It is for tests that exercise management
// APIs directly.
func (s *Server) IssueToken(orgID string, scopes ...string) (string, error) {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	o, err := st.lookupOrg(orgID)
	if err != nil {
		return "", err
	}
	admin := st.apps[s.admin.ID]
	a := admin
	if !o.root {
		a = st.share(admin, o.id)
	}
	t := st.mint(s, a, o.id, nil, "organization_switch", append([]string(nil), scopes...), false)
	return t.access(), nil
}
