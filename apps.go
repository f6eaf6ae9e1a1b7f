package asgardeo

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Templates an organization application may be created from (spec §3.1).
const (
	// TemplateStandardBased is the "Standard-Based Application" template: an
	// OpenID Connect web application using the authorization code flow.
	TemplateStandardBased = "custom-application-oidc"
	// TemplateM2M is the "M2M Application" template: a machine-to-machine
	// client using the client credentials grant.
	TemplateM2M = "m2m-application"
)

// Role audiences of an application ([AssociatedRoles.AllowedAudience]).
const (
	// AudienceApplication: the roles that apply are the application's own
	// (application-audience) roles.
	AudienceApplication = "APPLICATION"
	// AudienceOrganization: every organization-audience role of the
	// organization applies.
	AudienceOrganization = "ORGANIZATION"
)

// Authorization policies of an authorized API ([ApplicationsService.AuthorizeAPI]).
const (
	// PolicyRBAC grants user tokens only the scopes their roles permit.
	PolicyRBAC = "RBAC"
	// PolicyNone grants every authorized scope; Asgardeo refuses it for APIs
	// that require authorization.
	PolicyNone = "No Policy"
)

// orgGrantTypes are the grant types an organization application may use (spec §3.1).
var orgGrantTypes = map[string]bool{
	"authorization_code": true, "client_credentials": true, "password": true, "refresh_token": true,
}

// appNameRE is Asgardeo's default application-name rule: words of letters,
// digits, '.', '_' and '-', separated by single spaces.
var appNameRE = regexp.MustCompile(`^[a-zA-Z0-9._-]+(?: [a-zA-Z0-9._-]+)*$`)

// ApplicationsService manages the applications of one organization
// (/o/api/server/v1/applications). Get it with [Org.Applications].
type ApplicationsService struct {
	o *Org
}

// Applications returns the organization's application service.
func (o *Org) Applications() *ApplicationsService { return &ApplicationsService{o: o} }

// ApplicationSpec is the body of an application to create (Asgardeo's
// ApplicationModel). Only Name is required. [NewStandardBasedApplication] and
// [NewM2MApplication] fill it from a template; set further fields on the
// result.
type ApplicationSpec struct {
	Name               string `json:"name"`
	Description        string `json:"description,omitempty"`
	ImageURL           string `json:"imageUrl,omitempty"`
	AccessURL          string `json:"accessUrl,omitempty"`
	LogoutReturnURL    string `json:"logoutReturnUrl,omitempty"`
	TemplateID         string `json:"templateId,omitempty"`
	TemplateVersion    string `json:"templateVersion,omitempty"`
	IsManagementApp    *bool  `json:"isManagementApp,omitempty"`
	ApplicationEnabled *bool  `json:"applicationEnabled,omitempty"`
	// AssociatedRoles sets the role audience. Asgardeo's default when it is
	// omitted is ORGANIZATION.
	AssociatedRoles              *AssociatedRoles              `json:"associatedRoles,omitempty"`
	ClaimConfiguration           *ClaimConfiguration           `json:"claimConfiguration,omitempty"`
	InboundProtocolConfiguration *InboundProtocolConfiguration `json:"inboundProtocolConfiguration,omitempty"`
	AuthenticationSequence       *AuthenticationSequence       `json:"authenticationSequence,omitempty"`
	AdvancedConfigurations       *AdvancedConfigurations       `json:"advancedConfigurations,omitempty"`
}

// InboundProtocolConfiguration holds an application's protocol settings; in
// an organization only OpenID Connect is available.
type InboundProtocolConfiguration struct {
	OIDC *OIDCConfig `json:"oidc,omitempty"`
}

// NewStandardBasedApplication returns the spec of a standard-based OpenID
// Connect application (template custom-application-oidc): authorization_code
// and refresh_token grants, one callback URL, PKCE mandatory, a confidential
// client, roles of application audience. To allow several callback URLs,
// pass one "regexp=(https://a.example/cb|https://b.example/cb)" entry.
func NewStandardBasedApplication(name, callbackURL string) *ApplicationSpec {
	return &ApplicationSpec{
		Name:            name,
		TemplateID:      TemplateStandardBased,
		AssociatedRoles: &AssociatedRoles{AllowedAudience: AudienceApplication},
		InboundProtocolConfiguration: &InboundProtocolConfiguration{OIDC: &OIDCConfig{
			GrantTypes:   []string{"authorization_code", "refresh_token"},
			CallbackURLs: []string{callbackURL},
			PKCE:         &PKCEConfig{Mandatory: true},
		}},
	}
}

// NewM2MApplication returns the spec of a machine-to-machine application
// (template m2m-application) that gets tokens with the client_credentials
// grant, with roles of application audience.
func NewM2MApplication(name string) *ApplicationSpec {
	return &ApplicationSpec{
		Name:            name,
		TemplateID:      TemplateM2M,
		AssociatedRoles: &AssociatedRoles{AllowedAudience: AudienceApplication},
		InboundProtocolConfiguration: &InboundProtocolConfiguration{OIDC: &OIDCConfig{
			GrantTypes: []string{"client_credentials"},
		}},
	}
}

// Validate checks the spec as Asgardeo would before it is sent: a valid
// name and, when present, a valid OpenID Connect configuration (see
// [OIDCConfig.Validate]). Errors match [ErrInvalidInput].
func (spec *ApplicationSpec) Validate() error {
	if spec == nil {
		return invalidInput("nil application spec")
	}
	if err := validateAppName(spec.Name); err != nil {
		return err
	}
	if spec.InboundProtocolConfiguration != nil && spec.InboundProtocolConfiguration.OIDC != nil {
		return spec.InboundProtocolConfiguration.OIDC.Validate()
	}
	return nil
}

func validateAppName(name string) error {
	if name == "" {
		return invalidInput("empty application name")
	}
	if !appNameRE.MatchString(name) {
		return invalidInput("application name %q: use letters, digits, '.', '_' and '-', words separated by single spaces", name)
	}
	return nil
}

// Application is an application of the organization as Get returns it
// (Asgardeo's ApplicationResponseModel).
type Application struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Description        string `json:"description,omitempty"`
	ImageURL           string `json:"imageUrl,omitempty"`
	AccessURL          string `json:"accessUrl,omitempty"`
	LogoutReturnURL    string `json:"logoutReturnUrl,omitempty"`
	ClientID           string `json:"clientId,omitempty"`
	Issuer             string `json:"issuer,omitempty"`
	Realm              string `json:"realm,omitempty"`
	TemplateID         string `json:"templateId,omitempty"`
	TemplateVersion    string `json:"templateVersion,omitempty"`
	ApplicationVersion string `json:"applicationVersion,omitempty"`
	IsManagementApp    bool   `json:"isManagementApp,omitempty"`
	ApplicationEnabled *bool  `json:"applicationEnabled,omitempty"`
	// Access is READ or WRITE.
	Access                 string                  `json:"access,omitempty"`
	AssociatedRoles        *AssociatedRoles        `json:"associatedRoles,omitempty"`
	ClaimConfiguration     *ClaimConfiguration     `json:"claimConfiguration,omitempty"`
	InboundProtocols       []InboundProtocol       `json:"inboundProtocols,omitempty"`
	AuthenticationSequence *AuthenticationSequence `json:"authenticationSequence,omitempty"`
	AdvancedConfigurations *AdvancedConfigurations `json:"advancedConfigurations,omitempty"`

	// ClientSecret is set only on the result of [ApplicationsService.Create]
	// (Asgardeo shows a secret only through the OpenID Connect settings). It
	// is never printed by the fmt verbs.
	ClientSecret string `json:"-"`
}

// String describes the application without its client secret.
func (a Application) String() string {
	return fmt.Sprintf("Application{ID:%s Name:%q ClientID:%s TemplateID:%s}", a.ID, a.Name, a.ClientID, a.TemplateID)
}

// GoString is like String, so that %#v does not print the secret either.
func (a Application) GoString() string { return "asgardeo." + a.String() }

// InboundProtocol is a protocol configured on an application; for OpenID
// Connect Type is "oauth2".
type InboundProtocol struct {
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
	Self string `json:"self,omitempty"`
}

// Fragment reports whether the application is shared from the root
// organization (its advanced configuration says fragment: true). Such an
// application cannot be renamed or deleted in the organization.
func (a *Application) Fragment() bool {
	return a.AdvancedConfigurations != nil && a.AdvancedConfigurations.Fragment != nil && *a.AdvancedConfigurations.Fragment
}

// Create creates an application and returns it with its client ID and
// secret. It posts spec (201 with the new application's URL in Location),
// then reads the OpenID Connect settings for the credentials. The POST is
// never repeated on an ambiguous failure, so a lost response cannot create
// two applications.
//
// The result carries the spec's values plus ID, ClientID and ClientSecret;
// call Get for everything Asgardeo filled in. When the application was
// created but reading its credentials failed, Create returns the
// application (with its ID) and the error.
func (s *ApplicationsService) Create(ctx context.Context, spec *ApplicationSpec) (*Application, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	res, err := s.o.call(ctx, apiRequest{
		method: http.MethodPost, url: s.o.mgmtURL("applications"), kind: kindREST,
		body: spec, expect: []int{http.StatusCreated},
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("creating application %q: %w", spec.Name, err)
	}
	id, err := lastSegment(res.Header.Get("Location"))
	if err != nil {
		return nil, fmt.Errorf("creating application %q: %w", spec.Name, err)
	}
	app := &Application{
		ID: id, Name: spec.Name, Description: spec.Description, ImageURL: spec.ImageURL,
		AccessURL: spec.AccessURL, LogoutReturnURL: spec.LogoutReturnURL, TemplateID: spec.TemplateID,
		TemplateVersion: spec.TemplateVersion, ApplicationEnabled: spec.ApplicationEnabled,
		AssociatedRoles: spec.AssociatedRoles, ClaimConfiguration: spec.ClaimConfiguration,
		AuthenticationSequence: spec.AuthenticationSequence, AdvancedConfigurations: spec.AdvancedConfigurations,
	}
	if spec.InboundProtocolConfiguration == nil || spec.InboundProtocolConfiguration.OIDC == nil {
		return app, nil
	}
	oidc, err := s.GetOIDC(ctx, id)
	if err != nil {
		return app, fmt.Errorf("application %s created; reading its credentials: %w", id, err)
	}
	app.ClientID, app.ClientSecret = oidc.ClientID, oidc.ClientSecret
	return app, nil
}

// Get returns the application with the given ID. An unknown ID is an error
// matching [ErrNotFound] (Asgardeo code APP-60006).
func (s *ApplicationsService) Get(ctx context.Context, id string) (*Application, error) {
	if err := checkID("application", id); err != nil {
		return nil, err
	}
	var app Application
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.appURL(id), kind: kindREST}, &app); err != nil {
		return nil, fmt.Errorf("getting application %s: %w", id, err)
	}
	return &app, nil
}

// ApplicationPatch is a partial update of an application (Asgardeo's
// ApplicationPatchModel): nil members are left unchanged, so false and ""
// can be sent (new(false), new("")). Inside the sub-objects the merge rules
// of Asgardeo apply; see [ClaimConfiguration], [AuthenticationSequence],
// [AssociatedRoles] and [AdvancedConfigurations]. The OpenID Connect
// settings are changed with [ApplicationsService.UpdateOIDC].
type ApplicationPatch struct {
	Name                   *string                 `json:"name,omitempty"`
	Description            *string                 `json:"description,omitempty"`
	ApplicationVersion     *string                 `json:"applicationVersion,omitempty"`
	ImageURL               *string                 `json:"imageUrl,omitempty"`
	AccessURL              *string                 `json:"accessUrl,omitempty"`
	LogoutReturnURL        *string                 `json:"logoutReturnUrl,omitempty"`
	TemplateID             *string                 `json:"templateId,omitempty"`
	TemplateVersion        *string                 `json:"templateVersion,omitempty"`
	ApplicationEnabled     *bool                   `json:"applicationEnabled,omitempty"`
	AssociatedRoles        *AssociatedRoles        `json:"associatedRoles,omitempty"`
	ClaimConfiguration     *ClaimConfiguration     `json:"claimConfiguration,omitempty"`
	AuthenticationSequence *AuthenticationSequence `json:"authenticationSequence,omitempty"`
	AdvancedConfigurations *AdvancedConfigurations `json:"advancedConfigurations,omitempty"`
}

// Update applies patch to the application (PATCH, 200 with no body). A new
// name is checked like a created one before anything is sent.
func (s *ApplicationsService) Update(ctx context.Context, id string, patch *ApplicationPatch) error {
	if err := checkID("application", id); err != nil {
		return err
	}
	if patch == nil {
		return invalidInput("nil application patch")
	}
	if patch.Name != nil {
		if err := validateAppName(*patch.Name); err != nil {
			return err
		}
	}
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodPatch, url: s.appURL(id), kind: kindREST, body: patch}, nil); err != nil {
		return fmt.Errorf("updating application %s: %w", id, err)
	}
	return nil
}

// Delete deletes the application; Asgardeo revokes its tokens. An
// application shared from the root organization cannot be deleted in the
// organization (400, APP-60001). An error matching [ErrNotFound] means the
// application does not exist (any more).
func (s *ApplicationsService) Delete(ctx context.Context, id string) error {
	if err := checkID("application", id); err != nil {
		return err
	}
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodDelete, url: s.appURL(id), kind: kindREST}, nil); err != nil {
		return fmt.Errorf("deleting application %s: %w", id, err)
	}
	return nil
}

func (s *ApplicationsService) appURL(id string, parts ...string) string {
	return s.o.mgmtURL(append([]string{"applications", escapeSegment(id)}, parts...)...)
}

// checkID rejects an empty resource ID before the network; other values are
// escaped into the path.
func checkID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return invalidInput("empty %s ID", what)
	}
	return nil
}

// ListApplicationsOptions selects a page of the application list.
type ListApplicationsOptions struct {
	// Limit is the page size; 0 means Asgardeo's default (30), the maximum is 100.
	Limit int
	// Offset is the number of matching applications to skip.
	Offset int
	// Filter selects applications; the zero value selects all.
	Filter AppFilter
	// Attributes asks for extra item members: advancedConfigurations,
	// templateId, templateVersion, clientId, issuer,
	// associatedRoles.allowedAudience.
	Attributes []string
	// ExcludeSystemPortals leaves out Console and My Account.
	ExcludeSystemPortals bool
}

func (opts *ListApplicationsOptions) query() (url.Values, error) {
	q := url.Values{}
	if opts == nil {
		return q, nil
	}
	if opts.Limit < 0 || opts.Offset < 0 {
		return nil, invalidInput("negative limit or offset (%d, %d)", opts.Limit, opts.Offset)
	}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if opts.Offset > 0 {
		q.Set("offset", strconv.Itoa(opts.Offset))
	}
	if opts.Filter.err != nil {
		return nil, opts.Filter.err
	}
	if f := opts.Filter.String(); f != "" {
		q.Set("filter", f)
	}
	for _, a := range opts.Attributes {
		if a == "" || strings.Contains(a, ",") {
			return nil, invalidInput("attribute %q", a)
		}
	}
	if len(opts.Attributes) > 0 {
		q.Set("attributes", strings.Join(opts.Attributes, ","))
	}
	if opts.ExcludeSystemPortals {
		q.Set("excludeSystemPortals", "true")
	}
	return q, nil
}

// ApplicationList is one page of the application list.
type ApplicationList struct {
	// TotalResults counts every matching application.
	TotalResults int `json:"totalResults"`
	// StartIndex is the 1-based position of the first item (offset + 1).
	StartIndex int `json:"startIndex"`
	// Count is the number of items in this page.
	Count        int                   `json:"count"`
	Applications []*ApplicationSummary `json:"applications"`
	// Links are the next and previous pages; their hrefs are opaque.
	Links []Link `json:"links,omitempty"`
}

// Link is a paging link of a list.
type Link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// ApplicationSummary is an item of the application list. Members other
// than ID, Name and the basics appear only when asked for with
// [ListApplicationsOptions.Attributes].
type ApplicationSummary struct {
	ID                     string                  `json:"id"`
	Name                   string                  `json:"name"`
	Description            string                  `json:"description,omitempty"`
	ApplicationVersion     string                  `json:"applicationVersion,omitempty"`
	Image                  string                  `json:"image,omitempty"`
	AccessURL              string                  `json:"accessUrl,omitempty"`
	ClientID               string                  `json:"clientId,omitempty"`
	Issuer                 string                  `json:"issuer,omitempty"`
	Realm                  string                  `json:"realm,omitempty"`
	Access                 string                  `json:"access,omitempty"`
	Self                   string                  `json:"self,omitempty"`
	AdvancedConfigurations *AdvancedConfigurations `json:"advancedConfigurations,omitempty"`
	TemplateID             string                  `json:"templateId,omitempty"`
	TemplateVersion        string                  `json:"templateVersion,omitempty"`
	AssociatedRoles        *AssociatedRoles        `json:"associatedRoles,omitempty"`
	ApplicationEnabled     *bool                   `json:"applicationEnabled,omitempty"`
}

// Fragment reports whether the application is shared from the root organization.
func (a *ApplicationSummary) Fragment() bool {
	return a.AdvancedConfigurations != nil && a.AdvancedConfigurations.Fragment != nil && *a.AdvancedConfigurations.Fragment
}

// List returns one page of the organization's applications, those created
// in it and those shared from the root.
func (s *ApplicationsService) List(ctx context.Context, opts *ListApplicationsOptions) (*ApplicationList, error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	var page ApplicationList
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.o.mgmtURL("applications"), query: q, kind: kindREST}, &page); err != nil {
		return nil, fmt.Errorf("listing applications: %w", err)
	}
	return &page, nil
}

// All iterates over every application matching opts, from opts.Offset on,
// fetching one page (one call) at a time with opts.Limit as the page size.
// The iteration stops at the first error, which it yields.
func (s *ApplicationsService) All(ctx context.Context, opts *ListApplicationsOptions) iter.Seq2[*ApplicationSummary, error] {
	return func(yield func(*ApplicationSummary, error) bool) {
		var o ListApplicationsOptions
		if opts != nil {
			o = *opts
		}
		for {
			page, err := s.List(ctx, &o)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, a := range page.Applications {
				if !yield(a, nil) {
					return
				}
			}
			o.Offset += len(page.Applications)
			if len(page.Applications) == 0 || o.Offset >= page.TotalResults {
				return
			}
		}
	}
}

// AppFilterField is an attribute the application list can be filtered on.
type AppFilterField string

// Attributes of the application filter.
const (
	AppFilterName     AppFilterField = "name"
	AppFilterClientID AppFilterField = "clientId"
	AppFilterIssuer   AppFilterField = "issuer"
)

// Eq selects applications whose attribute equals value.
func (f AppFilterField) Eq(value string) AppFilter { return f.cond("eq", value) }

// Contains selects applications whose attribute contains value.
func (f AppFilterField) Contains(value string) AppFilter { return f.cond("co", value) }

// StartsWith selects applications whose attribute starts with value.
func (f AppFilterField) StartsWith(value string) AppFilter { return f.cond("sw", value) }

// EndsWith selects applications whose attribute ends with value.
func (f AppFilterField) EndsWith(value string) AppFilter { return f.cond("ew", value) }

func (f AppFilterField) cond(op, value string) AppFilter {
	switch f {
	case AppFilterName, AppFilterClientID, AppFilterIssuer:
	default:
		return AppFilter{err: invalidInput("application filter attribute %q", string(f))}
	}
	q, err := quoteFilterValue(value)
	if err != nil {
		return AppFilter{err: err}
	}
	return AppFilter{or: [][]string{{string(f) + " " + op + " " + q}}}
}

// quoteFilterValue renders a filter value as a double-quoted string with
// '"' and '\' escaped by a backslash. Values that a filter cannot carry
// (empty, or with control characters) are refused.
func quoteFilterValue(v string) (string, error) {
	if v == "" {
		return "", invalidInput("empty filter value")
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return "", invalidInput("filter value %q has a control character", v)
		}
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`, nil
}

// AppFilter is a filter of the application list, built from
// [AppFilterField] conditions with And and Or; values are always quoted, so
// user input cannot change the filter's structure. The zero value matches
// every application. The filter is sent without parentheses, where "and"
// binds tighter than "or"; AppFilter keeps the meaning of the calls by
// distributing And over Or.
type AppFilter struct {
	or  [][]string // disjunction of conjunctions
	err error
}

// And matches applications both filters match.
func (a AppFilter) And(b AppFilter) AppFilter {
	if err := firstErr(a.err, b.err); err != nil {
		return AppFilter{err: err}
	}
	if len(a.or) == 0 {
		return b
	}
	if len(b.or) == 0 {
		return a
	}
	var out [][]string
	for _, x := range a.or {
		for _, y := range b.or {
			out = append(out, append(append([]string(nil), x...), y...))
		}
	}
	return AppFilter{or: out}
}

// Or matches applications either filter matches. An empty filter matches
// everything, so Or with it is the empty filter.
func (a AppFilter) Or(b AppFilter) AppFilter {
	if err := firstErr(a.err, b.err); err != nil {
		return AppFilter{err: err}
	}
	if len(a.or) == 0 || len(b.or) == 0 {
		return AppFilter{}
	}
	return AppFilter{or: append(append([][]string(nil), a.or...), b.or...)}
}

// Err returns the reason the filter cannot be sent, if any.
func (a AppFilter) Err() error { return a.err }

// String renders the filter as sent in the filter query parameter.
func (a AppFilter) String() string {
	if a.err != nil {
		return ""
	}
	parts := make([]string, len(a.or))
	for i, c := range a.or {
		parts[i] = strings.Join(c, " and ")
	}
	return strings.Join(parts, " or ")
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// OIDCConfig is an application's OpenID Connect settings (Asgardeo's
// OpenIDConnectConfiguration). The fmt verbs never print ClientSecret.
type OIDCConfig struct {
	ClientID string `json:"clientId,omitempty"`
	// ClientSecret is shown only to callers with the
	// internal_org_application_mgt_client_secret_view scope.
	ClientSecret string `json:"clientSecret,omitempty"`
	// State is ACTIVE or REVOKED (read-only).
	State string `json:"state,omitempty"`
	// GrantTypes: authorization_code, client_credentials, password,
	// refresh_token. Required.
	GrantTypes []string `json:"grantTypes"`
	// CallbackURLs holds at most one entry; several URLs are one
	// "regexp=(…|…)" entry. Required with authorization_code.
	CallbackURLs          []string              `json:"callbackURLs,omitempty"`
	AllowedOrigins        []string              `json:"allowedOrigins,omitempty"`
	PublicClient          bool                  `json:"publicClient"`
	PKCE                  *PKCEConfig           `json:"pkce,omitempty"`
	AccessToken           *AccessTokenConfig    `json:"accessToken,omitempty"`
	RefreshToken          *RefreshTokenConfig   `json:"refreshToken,omitempty"`
	IDToken               *IDTokenConfig        `json:"idToken,omitempty"`
	ClientAuthentication  *ClientAuthentication `json:"clientAuthentication,omitempty"`
	IsFAPIApplication     *bool                 `json:"isFAPIApplication,omitempty"`
	Issuer                string                `json:"issuer,omitempty"`
	ClientSecretExpiresAt *int64                `json:"clientSecretExpiresAt,omitempty"`
}

// String describes the settings without the client secret.
func (c OIDCConfig) String() string {
	return fmt.Sprintf("OIDCConfig{ClientID:%s State:%s GrantTypes:%v CallbackURLs:%v PublicClient:%t}",
		c.ClientID, c.State, c.GrantTypes, c.CallbackURLs, c.PublicClient)
}

// GoString is like String, so that %#v does not print the secret either.
func (c OIDCConfig) GoString() string { return "asgardeo." + c.String() }

// Validate checks the rules Asgardeo applies to an organization
// application's settings: at least one grant type, only the four an
// organization application may use, a callback URL with
// authorization_code, and at most one callback URL. Errors match
// [ErrInvalidInput].
func (c *OIDCConfig) Validate() error {
	if c == nil {
		return invalidInput("nil OpenID Connect configuration")
	}
	if len(c.GrantTypes) == 0 {
		return invalidInput("no grant type")
	}
	for _, g := range c.GrantTypes {
		if !orgGrantTypes[g] {
			return invalidInput("grant type %q: an organization application may use authorization_code, client_credentials, password and refresh_token", g)
		}
	}
	if len(c.CallbackURLs) > 1 {
		return invalidInput("%d callback URLs: Asgardeo takes one; join several into one regexp=(a|b) entry", len(c.CallbackURLs))
	}
	hasCode := false
	for _, g := range c.GrantTypes {
		hasCode = hasCode || g == "authorization_code"
	}
	if hasCode && (len(c.CallbackURLs) == 0 || strings.TrimSpace(c.CallbackURLs[0]) == "") {
		return invalidInput("the authorization_code grant needs a callback URL")
	}
	return nil
}

// PKCEConfig is the PKCE setting of an application.
type PKCEConfig struct {
	Mandatory                      bool `json:"mandatory"`
	SupportPlainTransformAlgorithm bool `json:"supportPlainTransformAlgorithm"`
}

// AccessTokenConfig is the access-token setting of an application.
type AccessTokenConfig struct {
	// Type is "Default" (opaque) or "JWT".
	Type                                  string   `json:"type,omitempty"`
	UserAccessTokenExpiryInSeconds        int64    `json:"userAccessTokenExpiryInSeconds,omitempty"`
	ApplicationAccessTokenExpiryInSeconds int64    `json:"applicationAccessTokenExpiryInSeconds,omitempty"`
	BindingType                           string   `json:"bindingType,omitempty"`
	RevokeTokensWhenIDPSessionTerminated  *bool    `json:"revokeTokensWhenIDPSessionTerminated,omitempty"`
	ValidateTokenBinding                  *bool    `json:"validateTokenBinding,omitempty"`
	AccessTokenAttributes                 []string `json:"accessTokenAttributes,omitempty"`
	EnableJwtScopeAsArray                 *bool    `json:"enableJwtScopeAsArray,omitempty"`
}

// RefreshTokenConfig is the refresh-token setting of an application.
type RefreshTokenConfig struct {
	ExpiryInSeconds int64 `json:"expiryInSeconds,omitempty"`
	// RenewRefreshToken issues a new refresh token on every refresh.
	RenewRefreshToken bool `json:"renewRefreshToken"`
}

// IDTokenConfig is the ID-token setting of an application.
type IDTokenConfig struct {
	ExpiryInSeconds int64              `json:"expiryInSeconds,omitempty"`
	Audience        []string           `json:"audience,omitempty"`
	Encryption      *IDTokenEncryption `json:"encryption,omitempty"`
}

// IDTokenEncryption is the ID-token encryption setting.
type IDTokenEncryption struct {
	Enabled   bool   `json:"enabled"`
	Algorithm string `json:"algorithm,omitempty"`
	Method    string `json:"method,omitempty"`
}

// ClientAuthentication is how the client authenticates at the token endpoint.
type ClientAuthentication struct {
	TokenEndpointAuthMethod string `json:"tokenEndpointAuthMethod,omitempty"`
}

// GetOIDC returns the application's OpenID Connect settings. ClientSecret is
// empty unless the caller has internal_org_application_mgt_client_secret_view.
// An application without them (such as one shared from the root) is an
// error matching [ErrNotFound] (APP-60502).
func (s *ApplicationsService) GetOIDC(ctx context.Context, id string) (*OIDCConfig, error) {
	if err := checkID("application", id); err != nil {
		return nil, err
	}
	var cfg OIDCConfig
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.appURL(id, "inbound-protocols", "oidc"), kind: kindREST}, &cfg); err != nil {
		return nil, fmt.Errorf("getting OpenID Connect settings of application %s: %w", id, err)
	}
	return &cfg, nil
}

// UpdateOIDC replaces the application's OpenID Connect settings with cfg
// (PUT: members left out take their defaults, lists are replaced). Send the
// current ClientID or none; the secret changes only through
// RegenerateSecret. cfg is checked with [OIDCConfig.Validate] first.
func (s *ApplicationsService) UpdateOIDC(ctx context.Context, id string, cfg *OIDCConfig) error {
	if err := checkID("application", id); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodPut, url: s.appURL(id, "inbound-protocols", "oidc"), kind: kindREST, body: cfg}, nil); err != nil {
		return fmt.Errorf("updating OpenID Connect settings of application %s: %w", id, err)
	}
	return nil
}

// RegenerateSecret gives the application a new client secret and returns
// the settings with it. The old secret stops working at once and Asgardeo
// revokes every token and authorization code of the client. The call is not
// repeated on an ambiguous failure; on such an error, the secret may have
// changed: call it again.
func (s *ApplicationsService) RegenerateSecret(ctx context.Context, id string) (*OIDCConfig, error) {
	if err := checkID("application", id); err != nil {
		return nil, err
	}
	var cfg OIDCConfig
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodPost, url: s.appURL(id, "inbound-protocols", "oidc", "regenerate-secret"), kind: kindREST}, &cfg); err != nil {
		return nil, fmt.Errorf("regenerating the secret of application %s: %w", id, err)
	}
	return &cfg, nil
}

// AuthorizedAPI is an API resource an application is authorized to.
type AuthorizedAPI struct {
	ID          string `json:"id"`
	Identifier  string `json:"identifier"`
	DisplayName string `json:"displayName,omitempty"`
	// PolicyID is RBAC or NO POLICY.
	PolicyID string `json:"policyId,omitempty"`
	// Type is BUSINESS for business APIs, or a system type.
	Type             string            `json:"type,omitempty"`
	AuthorizedScopes []AuthorizedScope `json:"authorizedScopes"`
}

// AuthorizedScope is a scope of an authorized API granted to the application.
type AuthorizedScope struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName,omitempty"`
}

// authorizeAPIRequest is the body of POST /applications/{id}/authorized-apis.
type authorizeAPIRequest struct {
	ID               string   `json:"id"`
	PolicyIdentifier string   `json:"policyIdentifier"`
	Scopes           []string `json:"scopes"`
}

// authorizedAPIPatch is the body of PATCH /applications/{id}/authorized-apis/{apiId}.
type authorizedAPIPatch struct {
	AddedScopes   []string `json:"addedScopes"`
	RemovedScopes []string `json:"removedScopes"`
}

// AuthorizeAPI authorizes the application to scopes of an API resource
// (its ID, from the API resources service). policy is [PolicyRBAC] (also
// when "") or [PolicyNone]. Besides internal_org_application_mgt_update,
// the caller needs internal_org_application_business_api_update for a
// business API or internal_org_application_internal_api_update for a system
// one (else 403, APP-60520). An API already authorized is an error matching
// [ErrConflict] (APP-60509); use UpdateAuthorizedAPI to change its scopes.
func (s *ApplicationsService) AuthorizeAPI(ctx context.Context, appID, apiResourceID, policy string, scopes ...string) error {
	if err := firstErr(checkID("application", appID), checkID("API resource", apiResourceID)); err != nil {
		return err
	}
	if policy == "" {
		policy = PolicyRBAC
	}
	body := authorizeAPIRequest{ID: apiResourceID, PolicyIdentifier: policy, Scopes: append([]string{}, scopes...)}
	// The server answers 200; its documentation says 201.
	if _, err := s.o.call(ctx, apiRequest{
		method: http.MethodPost, url: s.appURL(appID, "authorized-apis"), kind: kindREST, body: body,
		expect: []int{http.StatusOK, http.StatusCreated},
	}, nil); err != nil {
		return fmt.Errorf("authorizing application %s to API %s: %w", appID, apiResourceID, err)
	}
	return nil
}

// AuthorizedAPIs lists the API resources the application is authorized to.
func (s *ApplicationsService) AuthorizedAPIs(ctx context.Context, appID string) ([]AuthorizedAPI, error) {
	if err := checkID("application", appID); err != nil {
		return nil, err
	}
	var out []AuthorizedAPI
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodGet, url: s.appURL(appID, "authorized-apis"), kind: kindREST}, &out); err != nil {
		return nil, fmt.Errorf("listing authorized APIs of application %s: %w", appID, err)
	}
	return out, nil
}

// UpdateAuthorizedAPI adds and removes scopes of an authorized API. Scopes
// already granted are ignored; a scope in both lists is removed. An API
// not authorized to the application is an error with code APP-60510.
func (s *ApplicationsService) UpdateAuthorizedAPI(ctx context.Context, appID, apiID string, added, removed []string) error {
	if err := firstErr(checkID("application", appID), checkID("API resource", apiID)); err != nil {
		return err
	}
	body := authorizedAPIPatch{AddedScopes: append([]string{}, added...), RemovedScopes: append([]string{}, removed...)}
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodPatch, url: s.appURL(appID, "authorized-apis", escapeSegment(apiID)), kind: kindREST, body: body}, nil); err != nil {
		return fmt.Errorf("updating authorized API %s of application %s: %w", apiID, appID, err)
	}
	return nil
}

// RevokeAPI removes the application's authorization to the API resource.
func (s *ApplicationsService) RevokeAPI(ctx context.Context, appID, apiID string) error {
	if err := firstErr(checkID("application", appID), checkID("API resource", apiID)); err != nil {
		return err
	}
	if _, err := s.o.call(ctx, apiRequest{method: http.MethodDelete, url: s.appURL(appID, "authorized-apis", escapeSegment(apiID)), kind: kindREST}, nil); err != nil {
		return fmt.Errorf("revoking API %s from application %s: %w", apiID, appID, err)
	}
	return nil
}
