package asgardeo

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// RolesService manages the organization's roles through SCIM2 Roles v2
// (/o/scim2/v2/Roles). Listing and reading need internal_org_role_mgt_view;
// creating internal_org_role_mgt_create; deleting internal_org_role_mgt_delete;
// changing internal_org_role_mgt_update, or for the user, group and
// permission helpers the matching fine-grained scope
// (internal_org_role_mgt_users_update, …_groups_update, …_permissions_update).
//
// An organization holds two kinds of roles. Shared roles come from the root
// organization with a shared application: users and groups may be assigned
// to them, but their name and permissions cannot change and they cannot be
// deleted (400 invalidValue). Organization-managed roles are created in the
// organization and are fully editable; only applications created in the
// organization use them.
type RolesService struct {
	o *Org
}

// Roles returns the service for the organization's roles.
func (o *Org) Roles() *RolesService { return &RolesService{o: o} }

// SCIM schema URNs of the Roles v2 API.
const (
	RoleSchema         = "urn:ietf:params:scim:schemas:extension:2.0:Role"
	PatchOpSchema      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	ListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
)

// Role audience types. Note the lower case: SCIM roles spell them so, while
// an application's associatedRoles.allowedAudience uses upper case.
const (
	RoleAudienceOrganization = "organization"
	RoleAudienceApplication  = "application"
)

// RoleAudience says whom a role is for: the organization (every application
// of the organization whose role audience is ORGANIZATION) or one
// application.
type RoleAudience struct {
	// Type is RoleAudienceOrganization or RoleAudienceApplication.
	Type string `json:"type"`
	// Value is the organization ID or the application ID.
	Value string `json:"value"`
	// Display is the organization's or application's name (read-only).
	Display string `json:"display,omitempty"`
}

// OrganizationAudience is the audience of a role for the organization orgID,
// which must be the organization the role is created in.
func OrganizationAudience(orgID string) RoleAudience {
	return RoleAudience{Type: RoleAudienceOrganization, Value: orgID}
}

// ApplicationAudience is the audience of a role for the application appID,
// which must be an application created in the organization (not a shared
// one) whose role audience is APPLICATION.
func ApplicationAudience(appID string) RoleAudience {
	return RoleAudience{Type: RoleAudienceApplication, Value: appID}
}

// SCIMRef is a SCIM multi-valued reference: a member, permission or
// application of a role.
type SCIMRef struct {
	// Value is the user ID, group ID, scope name or application ID.
	Value string `json:"value"`
	// Display is the user name, group name, scope display name or
	// application name (read-only).
	Display string `json:"display,omitempty"`
	// Ref is the member's SCIM URL (read-only).
	Ref string `json:"$ref,omitempty"`
}

// RoleMeta is the SCIM meta of a role.
type RoleMeta struct {
	Location     string `json:"location,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Version      string `json:"version,omitempty"`
}

// RoleProperty is a name/value property of a role.
type RoleProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Role is a SCIM2 role. Which members are present depends on the call:
// [RolesService.Get] returns everything, [RolesService.Create] and
// [RolesService.Replace] return the name, ID and audience, list entries
// carry the ID, name, audience and properties.
type Role struct {
	Schemas                []string       `json:"schemas,omitempty"`
	ID                     string         `json:"id"`
	DisplayName            string         `json:"displayName"`
	Meta                   *RoleMeta      `json:"meta,omitempty"`
	Audience               *RoleAudience  `json:"audience,omitempty"`
	Users                  []SCIMRef      `json:"users,omitempty"`
	Groups                 []SCIMRef      `json:"groups,omitempty"`
	Permissions            []SCIMRef      `json:"permissions,omitempty"`
	AssociatedApplications []SCIMRef      `json:"associatedApplications,omitempty"`
	Properties             []RoleProperty `json:"properties,omitempty"`
}

// Shared reports whether the role is shared from the root organization
// rather than managed by the organization. Asgardeo marks shared roles with
// the property isSharedRole = "true" (the encoding the role API documents);
// a role without it is organization-managed.
func (r *Role) Shared() bool {
	for _, p := range r.Properties {
		if p.Name == "isSharedRole" {
			return strings.EqualFold(p.Value, "true")
		}
	}
	return false
}

// PermissionNames returns the scope names of the role's permissions.
func (r *Role) PermissionNames() []string {
	out := make([]string, 0, len(r.Permissions))
	for _, p := range r.Permissions {
		out = append(out, p.Value)
	}
	return out
}

// RoleSpec describes a role to create or, with [RolesService.Replace], the
// full new state of one.
type RoleSpec struct {
	// DisplayName is the role's name, unique within its audience. Required.
	DisplayName string
	// Audience is [OrganizationAudience] or [ApplicationAudience]; the zero
	// value means the organization. It cannot change after creation, so
	// Replace does not send it.
	Audience RoleAudience
	// Permissions are scope names. For an application audience they must be
	// authorized to the application.
	Permissions []string
	// Users and Groups are user and group IDs of the organization.
	Users, Groups []string
}

// roleBody is the SCIM representation of a RoleSpec.
type roleBody struct {
	Schemas     []string      `json:"schemas"`
	DisplayName string        `json:"displayName"`
	Audience    *RoleAudience `json:"audience,omitempty"`
	Permissions []valueRef    `json:"permissions,omitempty"`
	Users       []valueRef    `json:"users,omitempty"`
	Groups      []valueRef    `json:"groups,omitempty"`
}

type valueRef struct {
	Value string `json:"value"`
}

func valueRefs(kind string, values []string) ([]valueRef, error) {
	var out []valueRef
	for _, v := range values {
		if v == "" {
			return nil, invalidInput("empty %s", kind)
		}
		out = append(out, valueRef{Value: v})
	}
	return out, nil
}

func (spec *RoleSpec) body(withAudience bool) (*roleBody, error) {
	if spec == nil {
		return nil, invalidInput("nil RoleSpec")
	}
	if strings.TrimSpace(spec.DisplayName) == "" {
		return nil, invalidInput("empty role name")
	}
	b := &roleBody{Schemas: []string{RoleSchema}, DisplayName: spec.DisplayName}
	if withAudience && spec.Audience != (RoleAudience{}) {
		switch spec.Audience.Type {
		case RoleAudienceOrganization, RoleAudienceApplication:
		default:
			return nil, invalidInput("role audience type %q: want %q or %q", spec.Audience.Type, RoleAudienceOrganization, RoleAudienceApplication)
		}
		if spec.Audience.Value == "" {
			return nil, invalidInput("role audience %s without an ID", spec.Audience.Type)
		}
		b.Audience = &RoleAudience{Type: spec.Audience.Type, Value: spec.Audience.Value}
	}
	var err error
	if b.Permissions, err = valueRefs("permission", spec.Permissions); err != nil {
		return nil, err
	}
	if b.Users, err = valueRefs("user ID", spec.Users); err != nil {
		return nil, err
	}
	if b.Groups, err = valueRefs("group ID", spec.Groups); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *RolesService) roleURL(id string) string {
	return s.o.scimURL("v2", "Roles", escapeSegment(id))
}

// Create creates a role in the organization and returns it as Asgardeo
// answers (name, ID, audience). A duplicate name within the audience is a
// [*SCIMError] matching [ErrConflict]; an audience or permission Asgardeo
// refuses matches [ErrBadRequest].
func (s *RolesService) Create(ctx context.Context, spec *RoleSpec) (*Role, error) {
	b, err := spec.body(true)
	if err != nil {
		return nil, err
	}
	var out Role
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodPost, url: s.o.scimURL("v2", "Roles"), body: b, kind: kindSCIM,
		expect: []int{http.StatusCreated}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get returns the role with the given ID with its users, groups and
// permissions. An unknown ID matches [ErrNotFound].
func (s *RolesService) Get(ctx context.Context, id string) (*Role, error) {
	if id == "" {
		return nil, invalidInput("empty role ID")
	}
	var out Role
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.roleURL(id), kind: kindSCIM,
		expect: []int{http.StatusOK}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListRolesOptions narrow and page [RolesService.List].
type ListRolesOptions struct {
	// Filter selects roles by displayName, audience.value and audience.type
	// with eq, ne, co, sw and ew.
	Filter Filter
	// StartIndex is the 1-based index of the first role; 0 means 1.
	StartIndex int
	// Count is the page size; 0 leaves it to Asgardeo.
	Count int
}

// RoleList is one page of roles (a SCIM ListResponse).
type RoleList struct {
	Schemas      []string `json:"schemas,omitempty"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    []*Role  `json:"Resources"`
}

// List returns one page of the organization's roles.
func (s *RolesService) List(ctx context.Context, opts *ListRolesOptions) (*RoleList, error) {
	q := url.Values{}
	if opts != nil {
		if opts.StartIndex < 0 || opts.Count < 0 {
			return nil, invalidInput("role list start index %d, count %d: want non-negative numbers", opts.StartIndex, opts.Count)
		}
		if err := opts.Filter.Err(); err != nil {
			return nil, err
		}
		if f := opts.Filter.String(); f != "" {
			q.Set("filter", f)
		}
		if opts.StartIndex > 0 {
			q.Set("startIndex", strconv.Itoa(opts.StartIndex))
		}
		if opts.Count > 0 {
			q.Set("count", strconv.Itoa(opts.Count))
		}
	}
	var out RoleList
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.o.scimURL("v2", "Roles"), query: q, kind: kindSCIM,
		expect: []int{http.StatusOK}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// defaultRolePage is the page size All asks for when opts.Count is 0.
const defaultRolePage = 100

// All iterates over every role matching opts, from opts.StartIndex on, a
// page of opts.Count (default 100) at a time. It stops at the first error,
// which it yields.
func (s *RolesService) All(ctx context.Context, opts *ListRolesOptions) iter.Seq2[*Role, error] {
	return func(yield func(*Role, error) bool) {
		var o ListRolesOptions
		if opts != nil {
			o = *opts
		}
		if o.StartIndex < 1 {
			o.StartIndex = 1
		}
		if o.Count == 0 {
			o.Count = defaultRolePage
		}
		for {
			page, err := s.List(ctx, &o)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range page.Resources {
				if !yield(r, nil) {
					return
				}
			}
			o.StartIndex += len(page.Resources)
			if len(page.Resources) == 0 || o.StartIndex > page.TotalResults {
				return
			}
		}
	}
}

// PatchOp is one SCIM PATCH operation (RFC 7644 §3.5.2). Op is "add",
// "remove" or "replace"; Path is "displayName", "users", "groups",
// "permissions", or a filtered path such as `users[value eq "…"]`.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// Patch applies ops to the role in one request and returns the role as
// Asgardeo answers. On a shared role, operations on the name or the
// permissions are refused with a [*SCIMError] matching [ErrBadRequest].
func (s *RolesService) Patch(ctx context.Context, id string, ops ...PatchOp) (*Role, error) {
	if id == "" {
		return nil, invalidInput("empty role ID")
	}
	if len(ops) == 0 {
		return nil, invalidInput("role patch without operations")
	}
	for _, op := range ops {
		switch op.Op {
		case "add", "remove", "replace":
		default:
			return nil, invalidInput("patch operation %q: want add, remove or replace", op.Op)
		}
	}
	body := struct {
		Schemas    []string  `json:"schemas"`
		Operations []PatchOp `json:"Operations"`
	}{[]string{PatchOpSchema}, ops}
	var out Role
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodPatch, url: s.roleURL(id), body: body, kind: kindSCIM,
		expect: []int{http.StatusOK}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Rename changes the role's name (organization-managed roles only).
func (s *RolesService) Rename(ctx context.Context, id, name string) (*Role, error) {
	if strings.TrimSpace(name) == "" {
		return nil, invalidInput("empty role name")
	}
	return s.Patch(ctx, id, PatchOp{Op: "replace", Path: "displayName", Value: name})
}

// AddPermissions adds scopes to the role (organization-managed roles only).
func (s *RolesService) AddPermissions(ctx context.Context, id string, scopes ...string) (*Role, error) {
	return s.addValues(ctx, id, "permissions", "permission", scopes)
}

// RemovePermissions removes scopes from the role (organization-managed roles only).
func (s *RolesService) RemovePermissions(ctx context.Context, id string, scopes ...string) (*Role, error) {
	return s.removeValues(ctx, id, "permissions", "permission", scopes)
}

// AddUsers assigns the role to users, by user ID.
func (s *RolesService) AddUsers(ctx context.Context, id string, userIDs ...string) (*Role, error) {
	return s.addValues(ctx, id, "users", "user ID", userIDs)
}

// RemoveUsers unassigns the role from users, by user ID.
func (s *RolesService) RemoveUsers(ctx context.Context, id string, userIDs ...string) (*Role, error) {
	return s.removeValues(ctx, id, "users", "user ID", userIDs)
}

// AddGroups assigns the role to groups, by group ID.
func (s *RolesService) AddGroups(ctx context.Context, id string, groupIDs ...string) (*Role, error) {
	return s.addValues(ctx, id, "groups", "group ID", groupIDs)
}

// RemoveGroups unassigns the role from groups, by group ID.
func (s *RolesService) RemoveGroups(ctx context.Context, id string, groupIDs ...string) (*Role, error) {
	return s.removeValues(ctx, id, "groups", "group ID", groupIDs)
}

func (s *RolesService) addValues(ctx context.Context, id, path, kind string, values []string) (*Role, error) {
	if len(values) == 0 {
		return nil, invalidInput("no %s to add", kind)
	}
	refs, err := valueRefs(kind, values)
	if err != nil {
		return nil, err
	}
	return s.Patch(ctx, id, PatchOp{Op: "add", Path: path, Value: refs})
}

// removeValues sends one remove operation per value, each with a filtered
// path whose value is quoted.
func (s *RolesService) removeValues(ctx context.Context, id, path, kind string, values []string) (*Role, error) {
	if len(values) == 0 {
		return nil, invalidInput("no %s to remove", kind)
	}
	ops := make([]PatchOp, 0, len(values))
	for _, v := range values {
		q, err := quoteFilterValue(v)
		if err != nil {
			return nil, err
		}
		ops = append(ops, PatchOp{Op: "remove", Path: path + "[value eq " + q + "]"})
	}
	return s.Patch(ctx, id, ops...)
}

// Replace replaces the role's name, permissions, users and groups (PUT).
// The audience cannot change and is not sent. A shared role accepts only a
// new set of users and groups: its name and permissions must stay as they are.
func (s *RolesService) Replace(ctx context.Context, id string, spec *RoleSpec) (*Role, error) {
	if id == "" {
		return nil, invalidInput("empty role ID")
	}
	b, err := spec.body(false)
	if err != nil {
		return nil, err
	}
	var out Role
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodPut, url: s.roleURL(id), body: b, kind: kindSCIM,
		expect: []int{http.StatusOK}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete deletes an organization-managed role. An unknown ID matches
// [ErrNotFound]; a shared role cannot be deleted ([ErrBadRequest]).
func (s *RolesService) Delete(ctx context.Context, id string) error {
	if id == "" {
		return invalidInput("empty role ID")
	}
	_, err := s.o.call(ctx, apiRequest{method: http.MethodDelete, url: s.roleURL(id), kind: kindSCIM,
		expect: []int{http.StatusNoContent}}, nil)
	return err
}
