package asgardeo

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// ManagementScopes are the internal_org_* scopes a client configured with
// [WithCredentials] asks for when it is given none: everything the SDK's
// management calls need.
var ManagementScopes = []string{
	"internal_org_application_mgt_view",
	"internal_org_application_mgt_create",
	"internal_org_application_mgt_update",
	"internal_org_application_mgt_delete",
	"internal_org_application_mgt_client_secret_view",
	"internal_org_application_mgt_client_secret_create",
	"internal_org_application_internal_api_update",
	"internal_org_application_business_api_update",
	"internal_org_api_resource_view",
	"internal_org_role_mgt_view",
	"internal_org_role_mgt_create",
	"internal_org_role_mgt_update",
	"internal_org_role_mgt_delete",
	"internal_org_role_mgt_permissions_update",
	"internal_org_role_mgt_users_update",
	"internal_org_role_mgt_groups_update",
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsUUID reports whether s has the 8-4-4-4-12 hexadecimal UUID form.
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// Org is one organization (a B2B sub-organization) of the root organization.
// Its services make the calls. It is safe for concurrent use.
type Org struct {
	c  *Client
	id string
}

// Org scopes the client to the organization with the given ID. An ID that is
// not a UUID is an error matching [ErrInvalidInput]; nothing is sent.
func (c *Client) Org(orgID string) (*Org, error) {
	if !IsUUID(orgID) {
		return nil, invalidInput("organization ID %q is not a UUID", orgID)
	}
	return &Org{c: c, id: strings.ToLower(orgID)}, nil
}

// Format prints the organization's ID and root organization, whatever the
// verb, and never the client's credentials.
func (o Org) Format(f fmt.State, _ rune) {
	root := ""
	if o.c != nil {
		root = o.c.root
	}
	_, _ = fmt.Fprintf(f, "asgardeo.Org{id: %s, root: %s}", o.id, root)
}

// ID returns the organization's ID.
func (o *Org) ID() string { return o.id }

// Client returns the client the organization belongs to.
func (o *Org) Client() *Client { return o.c }

// Endpoints are the URLs of one organization.
type Endpoints struct {
	// OAuth2 and OpenID Connect endpoints of the organization's applications.
	Authorize, Token, Introspect, Revoke, JWKS, UserInfo, Discovery string
	// Issuer is the issuer of tokens that organization applications get.
	Issuer string
	// Management is the base of the organization's REST management APIs
	// (/t/{root}/o/api/server/v1); the organization is taken from the token.
	Management string
	// SCIM is the base of the organization's SCIM2 APIs (/t/{root}/o/scim2).
	SCIM string
	// RootToken is the root organization's token endpoint, where the
	// organization_switch grant is exchanged.
	RootToken string
}

// Endpoints returns the organization's URLs.
func (o *Org) Endpoints() Endpoints {
	oauth := func(p ...string) string {
		return o.c.tenantURL(append([]string{"o", o.id, "oauth2"}, p...)...)
	}
	return Endpoints{
		Authorize:  oauth("authorize"),
		Token:      oauth("token"),
		Introspect: oauth("introspect"),
		Revoke:     oauth("revoke"),
		JWKS:       oauth("jwks"),
		UserInfo:   oauth("userinfo"),
		Discovery:  oauth("token", ".well-known", "openid-configuration"),
		Issuer:     oauth("token"),
		Management: o.c.tenantURL("o", "api", "server", "v1"),
		SCIM:       o.c.tenantURL("o", "scim2"),
		RootToken:  o.c.tenantURL("oauth2", "token"),
	}
}

// mgmtURL joins parts under the management base; parts from user input must
// be escaped with escapeSegment by the caller.
func (o *Org) mgmtURL(parts ...string) string {
	return o.c.tenantURL(append([]string{"o", "api", "server", "v1"}, parts...)...)
}

// scimURL joins parts under the SCIM2 base.
func (o *Org) scimURL(parts ...string) string {
	return o.c.tenantURL(append([]string{"o", "scim2"}, parts...)...)
}

// call sends an authenticated management request for this organization.
func (o *Org) call(ctx context.Context, r apiRequest, out any) (*apiResponse, error) {
	auth, err := o.c.managementAuth(o.id)
	if err != nil {
		return nil, err
	}
	r.auth = auth
	return o.c.do(ctx, r, out)
}

// lastSegment returns the last path segment of a Location header, which is
// how Asgardeo reports the ID of a created resource.
func lastSegment(location string) (string, error) {
	loc := strings.TrimRight(location, "/")
	if i := strings.IndexAny(loc, "?#"); i >= 0 {
		loc = loc[:i]
	}
	i := strings.LastIndex(loc, "/")
	if loc == "" || i == len(loc)-1 {
		return "", fmt.Errorf("%w: no ID in Location %q", ErrMalformed, location)
	}
	return loc[i+1:], nil
}
