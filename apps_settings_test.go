package asgardeo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeStrict decodes a fixture into out, failing on any member the type
// does not know.
func decodeStrict(t *testing.T, name string, out any) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "apps", name))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(out), "%s", name)
	return data
}

// TestAppFixturesDecode decodes every example body of the spec's
// application API into the SDK's types with unknown members refused.
func TestAppFixturesDecode(t *testing.T) {
	fixtures := map[string]func() any{
		"list.json":                            func() any { return new(ApplicationList) },
		"create_standard.json":                 func() any { return new(ApplicationSpec) },
		"create_m2m.json":                      func() any { return new(ApplicationSpec) },
		"get.json":                             func() any { return new(Application) },
		"oidc.json":                            func() any { return new(OIDCConfig) },
		"authorized_apis.json":                 func() any { return new([]AuthorizedAPI) },
		"authorize_api.json":                   func() any { return new(authorizeAPIRequest) },
		"patch_authorized_api.json":            func() any { return new(authorizedAPIPatch) },
		"claim_configuration.json":             func() any { return new(ClaimConfiguration) },
		"authentication_sequence_default.json": func() any { return new(AuthenticationSequence) },
		"associated_roles.json":                func() any { return new(AssociatedRoles) },
		"patch_require_email.json":             func() any { return new(ApplicationPatch) },
		"patch_login_flow.json":                func() any { return new(ApplicationPatch) },
		"patch_audience_organization.json":     func() any { return new(ApplicationPatch) },
		"patch_audience_application.json":      func() any { return new(ApplicationPatch) },
		"patch_roles.json":                     func() any { return new(ApplicationPatch) },
		"patch_skip_login_consent.json":        func() any { return new(ApplicationPatch) },
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "apps"))
	require.NoError(t, err)
	require.Len(t, entries, len(fixtures), "every fixture has a type")
	for name, mk := range fixtures {
		t.Run(name, func(t *testing.T) {
			decodeStrict(t, name, mk())
		})
	}

	var list ApplicationList
	decodeStrict(t, "list.json", &list)
	require.Len(t, list.Applications, 1)
	assert.Equal(t, "m2m-application", list.Applications[0].TemplateID)
	assert.Equal(t, AudienceApplication, list.Applications[0].AssociatedRoles.AllowedAudience)
	assert.Equal(t, "next", list.Links[0].Rel)

	var cfg OIDCConfig
	decodeStrict(t, "oidc.json", &cfg)
	assert.True(t, cfg.PKCE.Mandatory)
	assert.Equal(t, int64(86400), cfg.RefreshToken.ExpiryInSeconds)
	assert.NoError(t, cfg.Validate())
}

// TestAppPatchBodiesRoundTrip checks that the spec's PATCH and POST bodies
// survive decoding and encoding unchanged: the SDK's types send exactly
// what Asgardeo expects, including "roles": [] and "mandatory": false.
func TestAppPatchBodiesRoundTrip(t *testing.T) {
	for _, name := range []string{
		"patch_require_email.json", "patch_login_flow.json", "patch_audience_organization.json",
		"patch_audience_application.json", "patch_roles.json", "patch_skip_login_consent.json",
	} {
		t.Run(name, func(t *testing.T) {
			var p ApplicationPatch
			data := decodeStrict(t, name, &p)
			out, err := json.Marshal(&p)
			require.NoError(t, err)
			assert.JSONEq(t, string(data), string(out))
		})
	}
	for _, name := range []string{"create_standard.json", "create_m2m.json"} {
		t.Run(name, func(t *testing.T) {
			var spec ApplicationSpec
			data := decodeStrict(t, name, &spec)
			require.NoError(t, spec.Validate())
			out, err := json.Marshal(&spec)
			require.NoError(t, err)
			assert.JSONEq(t, string(data), string(out))
		})
	}
	var z authorizeAPIRequest
	data := decodeStrict(t, "authorize_api.json", &z)
	out, err := json.Marshal(z)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(out))
}

func TestTemplateSpecsMatchSpecExamples(t *testing.T) {
	m2m, err := json.Marshal(NewM2MApplication("orders-m2m"))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("testdata", "apps", "create_m2m.json"))
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(m2m))

	std := NewStandardBasedApplication("orders-portal", "https://orders.example.com/callback")
	assert.Equal(t, TemplateStandardBased, std.TemplateID)
	oidc := std.InboundProtocolConfiguration.OIDC
	assert.Equal(t, []string{"authorization_code", "refresh_token"}, oidc.GrantTypes)
	assert.Equal(t, []string{"https://orders.example.com/callback"}, oidc.CallbackURLs)
	assert.True(t, oidc.PKCE.Mandatory)
	assert.NoError(t, std.Validate())
}

func TestApplicationSpecValidate(t *testing.T) {
	withOIDC := func(cfg OIDCConfig) *ApplicationSpec {
		return &ApplicationSpec{Name: "app", InboundProtocolConfiguration: &InboundProtocolConfiguration{OIDC: &cfg}}
	}
	bad := map[string]*ApplicationSpec{
		"nil":                 nil,
		"empty name":          {Name: ""},
		"double space":        {Name: "orders  portal"},
		"leading space":       {Name: " orders"},
		"slash":               {Name: "orders/portal"},
		"no grant":            withOIDC(OIDCConfig{}),
		"implicit":            withOIDC(OIDCConfig{GrantTypes: []string{"implicit"}}),
		"org switch":          withOIDC(OIDCConfig{GrantTypes: []string{"organization_switch"}}),
		"code no callback":    withOIDC(OIDCConfig{GrantTypes: []string{"authorization_code"}}),
		"code blank callback": withOIDC(OIDCConfig{GrantTypes: []string{"authorization_code"}, CallbackURLs: []string{" "}}),
		"two callbacks": withOIDC(OIDCConfig{GrantTypes: []string{"client_credentials"},
			CallbackURLs: []string{"https://a.example/cb", "https://b.example/cb"}}),
	}
	for name, spec := range bad {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, spec.Validate(), ErrInvalidInput)
		})
	}
	good := []*ApplicationSpec{
		{Name: "orders portal v1.2_x-y"},
		withOIDC(OIDCConfig{GrantTypes: []string{"password", "refresh_token", "client_credentials"}}),
		withOIDC(OIDCConfig{GrantTypes: []string{"authorization_code"}, CallbackURLs: []string{"regexp=(https://a.example/cb|https://b.example/cb)"}}),
	}
	for _, spec := range good {
		assert.NoError(t, spec.Validate(), "%+v", spec)
	}
}

func TestAppFilterQuotesAndKeepsPrecedence(t *testing.T) {
	f := AppFilterName.Eq(`orders "east" and x`)
	assert.Equal(t, `name eq "orders \"east\" and x"`, f.String())
	assert.Equal(t, `name eq "a\\b"`, AppFilterName.Eq(`a\b`).String())

	// (a or b) and c must not be sent as "a or b and c", which means a or (b and c).
	g := AppFilterName.StartsWith("a").Or(AppFilterName.EndsWith("b")).And(AppFilterClientID.Contains("c"))
	assert.Equal(t, `name sw "a" and clientId co "c" or name ew "b" and clientId co "c"`, g.String())

	assert.Equal(t, "", AppFilter{}.String())
	assert.Equal(t, `issuer eq "x"`, AppFilter{}.And(AppFilterIssuer.Eq("x")).String())
	assert.Equal(t, "", AppFilterIssuer.Eq("x").Or(AppFilter{}).String(), "or with match-all matches all")

	for name, f := range map[string]AppFilter{
		"empty value":   AppFilterName.Eq(""),
		"newline":       AppFilterName.Eq("a\nb"),
		"unknown field": AppFilterField("description").Eq("x"),
		"error spreads": AppFilterName.Eq("ok").And(AppFilterName.Eq("a\x00")),
		"error in or":   AppFilterName.Eq("a\tb").Or(AppFilterName.Eq("ok")),
	} {
		assert.ErrorIs(t, f.Err(), ErrInvalidInput, name)
		assert.Empty(t, f.String(), name)
		_, err := (&ListApplicationsOptions{Filter: f}).query()
		assert.ErrorIs(t, err, ErrInvalidInput, name)
	}
}

func TestAssociatedRolesEncoding(t *testing.T) {
	for _, tc := range []struct {
		in   AssociatedRoles
		want string
	}{
		{AssociatedRoles{AllowedAudience: AudienceApplication}, `{"allowedAudience":"APPLICATION","roles":[]}`},
		{AssociatedRoles{AllowedAudience: AudienceOrganization}, `{"allowedAudience":"ORGANIZATION"}`},
		{AssociatedRoles{AllowedAudience: AudienceApplication, Roles: []RoleRef{{ID: "r1"}}}, `{"allowedAudience":"APPLICATION","roles":[{"id":"r1"}]}`},
	} {
		out, err := json.Marshal(tc.in)
		require.NoError(t, err)
		assert.JSONEq(t, tc.want, string(out))
	}
}

func TestLoginFlowSequence(t *testing.T) {
	seq, err := NewLoginFlow(LocalAuthenticator(AuthenticatorBasic)).Then(LocalAuthenticator(AuthenticatorTOTP), LocalAuthenticator(AuthenticatorEmailOTP)).Sequence()
	require.NoError(t, err)
	out, err := json.Marshal(seq)
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"USER_DEFINED","subjectStepId":1,"attributeStepId":1,"steps":[
		{"id":1,"options":[{"idp":"LOCAL","authenticator":"BasicAuthenticator"}]},
		{"id":2,"options":[{"idp":"LOCAL","authenticator":"totp"},{"idp":"LOCAL","authenticator":"email-otp-authenticator"}]}]}`, string(out))

	_, err = NewLoginFlow().Sequence()
	assert.ErrorIs(t, err, ErrInvalidInput, "a step without options")
	_, err = NewLoginFlow(AuthenticatorOption{IDP: "LOCAL"}).Sequence()
	assert.ErrorIs(t, err, ErrInvalidInput, "an option without authenticator")
	_, err = (*LoginFlow)(nil).Sequence()
	assert.ErrorIs(t, err, ErrInvalidInput)
}

func TestAppSecretsNotPrinted(t *testing.T) {
	const secret = "s3cr3t-value"
	app := Application{ID: "id", Name: "n", ClientID: "cid", ClientSecret: secret}
	cfg := OIDCConfig{ClientID: "cid", ClientSecret: secret, GrantTypes: []string{"client_credentials"}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{app, &app, cfg, &cfg} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, secret, verb)
			assert.Contains(t, out, "cid", verb)
		}
	}
}
