package asgardeo

import (
	"context"
	"encoding/json"
	"strings"
)

// The sub-objects of an application that Get returns and Update changes
// (spec §3.10), and helpers for the common edits. Asgardeo merges each
// sub-object differently; each type says how.

// Claim dialects of a [ClaimConfiguration].
const (
	DialectLocal  = "LOCAL"
	DialectCustom = "CUSTOM"
)

// ClaimConfiguration is an application's user attributes.
//
// On Update the requested-claim and claim-mapping lists are replaced by the
// ones sent (a list left out is cleared), so resend the whole list; Dialect
// left out means LOCAL; Subject and Role change only when present. Do not
// send back Role as Get shows it: its URI is a display default.
type ClaimConfiguration struct {
	Dialect         string              `json:"dialect,omitempty"`
	RequestedClaims []RequestedClaim    `json:"requestedClaims,omitempty"`
	ClaimMappings   []ClaimMapping      `json:"claimMappings,omitempty"`
	Subject         *SubjectClaimConfig `json:"subject,omitempty"`
	Role            *RoleClaimConfig    `json:"role,omitempty"`
}

// RequestedClaim is a user attribute the application asks for.
type RequestedClaim struct {
	Claim     Claim `json:"claim"`
	Mandatory bool  `json:"mandatory"`
}

// Claim names a claim by URI, such as "http://wso2.org/claims/emailaddress".
// ID and DisplayName are read-only and not sent by the helpers.
type Claim struct {
	URI         string `json:"uri"`
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// ClaimMapping maps an application claim to a local claim (CUSTOM dialect).
type ClaimMapping struct {
	ApplicationClaim string `json:"applicationClaim"`
	LocalClaim       Claim  `json:"localClaim"`
}

// SubjectClaimConfig is how the subject (sub) of the application's tokens is
// made. Nil members are left unchanged on Update.
type SubjectClaimConfig struct {
	Claim                       *Claim `json:"claim,omitempty"`
	IncludeUserDomain           *bool  `json:"includeUserDomain,omitempty"`
	IncludeTenantDomain         *bool  `json:"includeTenantDomain,omitempty"`
	UseMappedLocalSubject       *bool  `json:"useMappedLocalSubject,omitempty"`
	MappedLocalSubjectMandatory *bool  `json:"mappedLocalSubjectMandatory,omitempty"`
}

// RoleClaimConfig is the role claim of the application's tokens. Sending it
// replaces the role mappings (Mappings left out clears them).
type RoleClaimConfig struct {
	Claim             *Claim        `json:"claim,omitempty"`
	IncludeUserDomain *bool         `json:"includeUserDomain,omitempty"`
	Mappings          []RoleMapping `json:"mappings,omitempty"`
}

// RoleMapping maps a local role to an application role (legacy).
type RoleMapping struct {
	LocalRole       string `json:"localRole"`
	ApplicationRole string `json:"applicationRole"`
}

// Login-flow types of an [AuthenticationSequence].
const (
	// SequenceDefault is the organization's default flow (username and
	// password); steps sent with it are ignored.
	SequenceDefault = "DEFAULT"
	// SequenceUserDefined is a flow of the application's own steps.
	SequenceUserDefined = "USER_DEFINED"
)

// Local authenticators a login step may offer (with IDP "LOCAL").
const (
	AuthenticatorBasic      = "BasicAuthenticator"
	AuthenticatorIdentifier = "IdentifierExecutor"
	AuthenticatorTOTP       = "totp"
	AuthenticatorEmailOTP   = "email-otp-authenticator"
	AuthenticatorSMSOTP     = "sms-otp-authenticator"
	AuthenticatorPasskey    = "FIDOAuthenticator"
	AuthenticatorMagicLink  = "MagicLinkAuthenticator"
	AuthenticatorBackupCode = "backup-code-authenticator"
)

// IDPLocal is the identity provider of local authenticators.
const IDPLocal = "LOCAL"

// AuthenticationSequence is an application's login flow.
//
// On Update a sequence whose Type is left out is DEFAULT, which ignores the
// steps and reverts a custom flow; with USER_DEFINED the steps are replaced,
// and their IDs must be 1..n. RequestPathAuthenticators is replaced when
// present; Script is set when not blank and kept otherwise.
type AuthenticationSequence struct {
	Type                      string               `json:"type,omitempty"`
	Steps                     []AuthenticationStep `json:"steps,omitempty"`
	RequestPathAuthenticators []string             `json:"requestPathAuthenticators,omitempty"`
	Script                    string               `json:"script,omitempty"`
	SubjectStepID             int                  `json:"subjectStepId,omitempty"`
	AttributeStepID           int                  `json:"attributeStepId,omitempty"`
}

// AuthenticationStep is one step of a login flow: the user completes one of
// its options.
type AuthenticationStep struct {
	ID      int                   `json:"id"`
	Options []AuthenticatorOption `json:"options"`
}

// AuthenticatorOption is an authenticator offered in a step: a local one
// (IDP "LOCAL") or a connection's federated authenticator (IDP is the
// connection name).
type AuthenticatorOption struct {
	IDP           string `json:"idp"`
	Authenticator string `json:"authenticator"`
}

// LocalAuthenticator returns the option of a local authenticator, such as [AuthenticatorTOTP].
func LocalAuthenticator(authenticator string) AuthenticatorOption {
	return AuthenticatorOption{IDP: IDPLocal, Authenticator: authenticator}
}

// LoginFlow builds a USER_DEFINED login flow step by step:
//
//	flow := asgardeo.NewLoginFlow(asgardeo.LocalAuthenticator(asgardeo.AuthenticatorBasic)).
//		Then(asgardeo.LocalAuthenticator(asgardeo.AuthenticatorTOTP))
type LoginFlow struct {
	steps [][]AuthenticatorOption
}

// NewLoginFlow starts a flow whose first step offers options.
func NewLoginFlow(options ...AuthenticatorOption) *LoginFlow {
	return (&LoginFlow{}).Then(options...)
}

// Then adds a step offering options and returns f.
func (f *LoginFlow) Then(options ...AuthenticatorOption) *LoginFlow {
	f.steps = append(f.steps, append([]AuthenticatorOption(nil), options...))
	return f
}

// Sequence returns the flow as a USER_DEFINED sequence with steps 1..n,
// taking subject and attributes from step 1. A step without options or an
// option without IDP or authenticator is an error matching [ErrInvalidInput].
func (f *LoginFlow) Sequence() (*AuthenticationSequence, error) {
	if f == nil || len(f.steps) == 0 {
		return nil, invalidInput("login flow without steps")
	}
	seq := &AuthenticationSequence{Type: SequenceUserDefined, SubjectStepID: 1, AttributeStepID: 1}
	for i, opts := range f.steps {
		if len(opts) == 0 {
			return nil, invalidInput("login step %d has no options", i+1)
		}
		for _, o := range opts {
			if o.IDP == "" || o.Authenticator == "" {
				return nil, invalidInput("login step %d: option without identity provider or authenticator", i+1)
			}
		}
		seq.Steps = append(seq.Steps, AuthenticationStep{ID: i + 1, Options: append([]AuthenticatorOption(nil), opts...)})
	}
	return seq, nil
}

// AssociatedRoles is an application's role audience and, for the
// APPLICATION audience, its roles.
//
// On Update the whole object is replaced: AllowedAudience left out would
// mean ORGANIZATION, so it is always sent, and Roles is the complete list.
// Switching to ORGANIZATION drops the role links. While the stored audience
// is ORGANIZATION, Asgardeo refuses any non-empty Roles (403, APP-60008):
// switch to APPLICATION with no roles first, then set them.
type AssociatedRoles struct {
	AllowedAudience string    `json:"allowedAudience"`
	Roles           []RoleRef `json:"roles,omitempty"`
}

// MarshalJSON sends "roles": [] for an APPLICATION audience without roles,
// as the Console does, and omits roles for ORGANIZATION.
func (r AssociatedRoles) MarshalJSON() ([]byte, error) {
	type plain AssociatedRoles
	if r.AllowedAudience == AudienceApplication && len(r.Roles) == 0 {
		return json.Marshal(struct {
			AllowedAudience string    `json:"allowedAudience"`
			Roles           []RoleRef `json:"roles"`
		}{r.AllowedAudience, []RoleRef{}})
	}
	return json.Marshal(plain(r))
}

// RoleRef names a role associated with an application; only ID is read on
// Update.
type RoleRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// AdvancedConfigurations are an application's advanced settings. On Update
// each member is changed only when it is not nil.
type AdvancedConfigurations struct {
	Saas *bool `json:"saas,omitempty"`
	// DiscoverableByEndUsers needs the application's AccessURL.
	DiscoverableByEndUsers       *bool `json:"discoverableByEndUsers,omitempty"`
	SkipLoginConsent             *bool `json:"skipLoginConsent,omitempty"`
	SkipLogoutConsent            *bool `json:"skipLogoutConsent,omitempty"`
	ReturnAuthenticatedIdpList   *bool `json:"returnAuthenticatedIdpList,omitempty"`
	EnableAuthorization          *bool `json:"enableAuthorization,omitempty"`
	EnableAPIBasedAuthentication *bool `json:"enableAPIBasedAuthentication,omitempty"`
	UseExternalConsentPage       *bool `json:"useExternalConsentPage,omitempty"`
	// Fragment is true for an application shared from the root
	// organization. Read-only: Asgardeo ignores it on Update.
	Fragment *bool `json:"fragment,omitempty"`
	// AttestationMetaData, when sent, replaces the whole attestation setting.
	AttestationMetaData *AttestationMetaData `json:"attestationMetaData,omitempty"`
	// AdditionalSpProperties is read-only: Asgardeo refuses a non-empty list
	// on Update (400, APP-60506).
	AdditionalSpProperties  []SPProperty             `json:"additionalSpProperties,omitempty"`
	Certificate             *Certificate             `json:"certificate,omitempty"`
	DiscoverableGroups      []DiscoverableGroup      `json:"discoverableGroups,omitempty"`
	TrustedAppConfiguration *TrustedAppConfiguration `json:"trustedAppConfiguration,omitempty"`
}

// AttestationMetaData is the client-attestation setting of an application.
type AttestationMetaData struct {
	EnableClientAttestation              *bool           `json:"enableClientAttestation,omitempty"`
	AndroidPackageName                   string          `json:"androidPackageName,omitempty"`
	AppleAppID                           string          `json:"appleAppId,omitempty"`
	AndroidAttestationServiceCredentials json.RawMessage `json:"androidAttestationServiceCredentials,omitempty"`
}

// SPProperty is an additional service-provider property (read-only).
type SPProperty struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	DisplayName string `json:"displayName,omitempty"`
}

// Certificate is an application certificate: Type JWKS (a URL) or PEM.
type Certificate struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// DiscoverableGroup lists the groups of a user store to which a
// discoverable application is shown.
type DiscoverableGroup struct {
	UserStore string     `json:"userStore"`
	Groups    []GroupRef `json:"groups"`
}

// GroupRef names a group.
type GroupRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// TrustedAppConfiguration is the trusted-app (passkey) setting.
type TrustedAppConfiguration struct {
	IsFIDOTrustedApp   *bool    `json:"isFIDOTrustedApp,omitempty"`
	IsConsentGranted   *bool    `json:"isConsentGranted,omitempty"`
	AndroidPackageName string   `json:"androidPackageName,omitempty"`
	AndroidThumbprints []string `json:"androidThumbprints,omitempty"`
	AppleAppID         string   `json:"appleAppId,omitempty"`
}

// RequireClaim makes the local claim claimURI (such as
// "http://wso2.org/claims/emailaddress") a mandatory user attribute of the
// application. Asgardeo replaces the requested-claim list on every update,
// so RequireClaim reads the current list and sends it whole, with claimURI
// added (or made mandatory), in the LOCAL dialect. Two concurrent edits of
// the same application's claims can overwrite each other.
func (s *ApplicationsService) RequireClaim(ctx context.Context, id, claimURI string) error {
	if strings.TrimSpace(claimURI) == "" {
		return invalidInput("empty claim URI")
	}
	app, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	var claims []RequestedClaim
	found := false
	if cc := app.ClaimConfiguration; cc != nil {
		if cc.Dialect != "" && cc.Dialect != DialectLocal {
			return invalidInput("application %s uses the %s claim dialect; RequireClaim edits LOCAL claims", id, cc.Dialect)
		}
		for _, rc := range cc.RequestedClaims {
			// Only the URI is sent back: id and displayName are read-only.
			c := RequestedClaim{Claim: Claim{URI: rc.Claim.URI}, Mandatory: rc.Mandatory}
			if c.Claim.URI == claimURI {
				c.Mandatory, found = true, true
			}
			claims = append(claims, c)
		}
	}
	if !found {
		claims = append(claims, RequestedClaim{Claim: Claim{URI: claimURI}, Mandatory: true})
	}
	return s.Update(ctx, id, &ApplicationPatch{ClaimConfiguration: &ClaimConfiguration{Dialect: DialectLocal, RequestedClaims: claims}})
}

// SetLoginFlow replaces the application's login flow with f.
func (s *ApplicationsService) SetLoginFlow(ctx context.Context, id string, f *LoginFlow) error {
	seq, err := f.Sequence()
	if err != nil {
		return err
	}
	return s.Update(ctx, id, &ApplicationPatch{AuthenticationSequence: seq})
}

// AddLoginStep appends a step offering options to the application's login
// flow: it reads the current steps (for the default flow, the single
// username-and-password step Asgardeo shows) and sends them whole, with the
// new step last, as a USER_DEFINED flow. An adaptive script is kept.
func (s *ApplicationsService) AddLoginStep(ctx context.Context, id string, options ...AuthenticatorOption) error {
	if len(options) == 0 {
		return invalidInput("login step without options")
	}
	app, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	f := &LoginFlow{}
	subject, attrs := 1, 1
	if seq := app.AuthenticationSequence; seq != nil {
		for _, st := range seq.Steps {
			f.Then(st.Options...)
		}
		if seq.SubjectStepID > 0 {
			subject = seq.SubjectStepID
		}
		if seq.AttributeStepID > 0 {
			attrs = seq.AttributeStepID
		}
	}
	if len(f.steps) == 0 {
		f.Then(LocalAuthenticator(AuthenticatorBasic))
	}
	f.Then(options...)
	seq, err := f.Sequence()
	if err != nil {
		return err
	}
	seq.SubjectStepID, seq.AttributeStepID = subject, attrs
	return s.Update(ctx, id, &ApplicationPatch{AuthenticationSequence: seq})
}

// SetRoleAudience sets the application's role audience: [AudienceOrganization]
// (every organization role applies; the application's role links are
// dropped) or [AudienceApplication] (with no roles yet; associate them with
// a later Update carrying the complete list).
func (s *ApplicationsService) SetRoleAudience(ctx context.Context, id, audience string) error {
	if audience != AudienceApplication && audience != AudienceOrganization {
		return invalidInput("role audience %q: want %s or %s", audience, AudienceApplication, AudienceOrganization)
	}
	return s.Update(ctx, id, &ApplicationPatch{AssociatedRoles: &AssociatedRoles{AllowedAudience: audience}})
}

// SetRoles associates exactly the roles with roleIDs with an application of
// APPLICATION audience (the list is replaced).
func (s *ApplicationsService) SetRoles(ctx context.Context, id string, roleIDs ...string) error {
	roles := make([]RoleRef, 0, len(roleIDs))
	for _, r := range roleIDs {
		if err := checkID("role", r); err != nil {
			return err
		}
		roles = append(roles, RoleRef{ID: r})
	}
	return s.Update(ctx, id, &ApplicationPatch{AssociatedRoles: &AssociatedRoles{AllowedAudience: AudienceApplication, Roles: roles}})
}

// SkipLoginConsent turns the attribute-consent page at login off (skip
// true) or on.
func (s *ApplicationsService) SkipLoginConsent(ctx context.Context, id string, skip bool) error {
	return s.Update(ctx, id, &ApplicationPatch{AdvancedConfigurations: &AdvancedConfigurations{SkipLoginConsent: &skip}})
}
